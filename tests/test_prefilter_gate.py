"""The prefilter's cheap gate (first words of the glossary's phrases) never changes what the
full surface regex finds, and the code fingerprint is the one Path.rglob gave."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from termlint.files import cache
from termlint.glossary.entries import SurfacePrefilter, first_words
from termlint.pipeline import load_project

ROOT = Path(__file__).resolve().parent.parent


def _full(prefilter: SurfacePrefilter, text: str) -> list[tuple[int, int]]:
    lowered = text.lower()
    if len(lowered) == len(text):
        return [m.span() for m in re.finditer(prefilter._body(), lowered)]
    return [m.span() for m in re.finditer(prefilter._body(), text, re.I)]


def _texts() -> list[str]:
    texts = [
        "",
        "said again, maintain the aim; a model-free self",
        "Scheming",
        "in-context   scheming at the end: scheming",
        "alignment\tfaking, alignment-faking and ALIGNMENT FAKING",
        "deceptively aligned? deceptive\nalignment!",
        "İstanbul scheming",  # lowercasing changes the length: searched case-insensitively
        "a sandbagger sandbags; sandbagging-",
        "p(scheming) is 25%",
        "aischeming schemingly reward-hacking reward hacking",
    ]
    for folder in ("examples", "docs", "tests/labelled"):
        for path in sorted((ROOT / folder).rglob("*.md"))[:40]:
            text = path.read_text(encoding="utf-8")
            texts.append(text)
            texts.extend(text[i : i + 300] for i in range(0, min(len(text), 6000), 300))
    return texts


def test_the_gate_never_changes_what_the_prefilter_finds():
    prefilter = load_project().prefilter
    found = 0
    for text in _texts():
        fast = [m.span() for m in prefilter.finditer(text)]
        assert fast == _full(prefilter, text), text[:200]
        found += bool(fast)
    assert found > 10  # texts with terms were among them


def test_a_text_without_any_first_word_compiles_no_regex():
    prefilter = load_project().prefilter
    fresh = SurfacePrefilter(prefilter._phrases)
    assert fresh.search("Tomatoes want sun and water.") is None
    assert fresh._gate is None and fresh._lower is None
    assert fresh.search("We said again that the aim is plain.") is None  # "ai" inside words
    assert fresh._gate is not None and fresh._lower is None
    assert fresh.search("Models may be scheming.") is not None
    assert fresh._lower is not None


@pytest.mark.parametrize(
    ("phrases", "needles"),
    [
        ({"scheming", "schemer", "scheme"}, ["scheme", "scheming"]),
        ({"alignment faking", "alignment-faking", "AI control"}, ["ai", "alignment"]),
        (set(), [""]),
        ({"-x"}, [""]),
    ],
)
def test_first_words(phrases, needles):
    assert first_words(phrases) == needles


def test_an_empty_phrase_set_still_matches_as_the_regex_did():
    empty = SurfacePrefilter(set())
    assert [m.span() for m in empty.finditer("ab")] == _full(empty, "ab")


def test_code_fingerprint_is_the_rglob_one():
    package = Path(cache.__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if (
            path.suffix in (".py", ".json", ".yaml", ".html", ".css", ".js")
            and "__pycache__" not in path.parts
        ):
            st = path.stat()
            h.update(f"{path.relative_to(package)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    cache.code_fingerprint.cache_clear()
    assert cache.code_fingerprint() == h.hexdigest()
