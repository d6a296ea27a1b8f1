"""The glossary is in the project's own words: no run of 9 or more words shared with a source.

The sources are the seed texts and the excerpts the glossary was checked against. They are kept
in ``tests/data/source_ngrams.txt`` only as truncated SHA-256 hashes of their word 9-grams, never
as text. Regenerate or extend the file with::

    python tests/test_own_words.py ADD FILE_OR_FOLDER...

Words are compared after Unicode folding and lowercasing, as runs of letters and digits, so
punctuation, quotation marks and line breaks do not hide a copy.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

N = 9
DATA = Path(__file__).parent / "data" / "source_ngrams.txt"


def words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return re.findall(r"[a-z0-9]+", folded)


def gram_hash(gram: Iterable[str]) -> str:
    return hashlib.sha256(" ".join(gram).encode("utf-8")).hexdigest()[:16]


def ngram_hashes(text: str, n: int = N) -> set[str]:
    w = words(text)
    return {gram_hash(w[i : i + n]) for i in range(len(w) - n + 1)}


def load_hashes(path: Path = DATA) -> set[str]:
    return {
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }


def glossary_texts(glossary) -> Iterator[tuple[str, str]]:
    """Every piece of prose in the glossary, with where it is."""
    for term in glossary.terms.values():
        yield f"{term.id}: summary", term.summary
        if term.history:
            yield f"{term.id}: history", term.history
        for i, c in enumerate(term.confusions):
            yield f"{term.id}: confusion {i + 1}", c
        for d in term.definitions:
            yield f"{term.id}: definition by {d.source}", d.text
        for i, cp in enumerate(term.counter_positions):
            yield f"{term.id}: counter-position {i + 1}", cp.position + "\n" + cp.reply
        for s in term.senses:
            where = f"{term.id}#{s.id}"
            yield f"{where}: label", s.label
            yield f"{where}: definition", s.definition
            for i, n in enumerate(s.notes):
                yield f"{where}: note {i + 1}", n
            for i, c in enumerate(s.clarifications):
                yield f"{where}: clarification {i + 1}", c
            for i, e in enumerate(s.clear_examples):
                yield f"{where}: clear example {i + 1}", e
            for i, (text, rewrite) in enumerate(s.unclear_examples):
                yield f"{where}: unclear example {i + 1}", text
                yield f"{where}: rewrite {i + 1}", rewrite
            for other, text in s.contrasts:
                yield f"{where}: contrast with {other}", text


def shared_runs(texts: Iterable[tuple[str, str]], hashes: set[str], n: int = N) -> list[str]:
    """Where a text shares a run of ``n`` or more words with a hashed source, and the run."""
    found = []
    for where, text in texts:
        w = words(text)
        hits = [i for i in range(len(w) - n + 1) if gram_hash(w[i : i + n]) in hashes]
        if hits:
            found.append(f"{where}: '{' '.join(w[hits[0] : hits[-1] + n])}'")
    return found


def test_the_hash_file_is_hashes_only():
    lines = [
        ln
        for ln in DATA.read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    assert len(lines) > 2000
    assert all(re.fullmatch(r"[0-9a-f]{16}", ln) for ln in lines)


def test_the_glossary_shares_no_run_of_nine_words_with_a_source():
    from termlint.glossary.entries import load_glossary

    assert shared_runs(glossary_texts(load_glossary(use_cache=False)), load_hashes()) == []


def test_the_check_catches_a_planted_copied_sentence():
    from termlint.glossary.entries import load_glossary

    # A stand-in source (not a real one: the real ones are kept only as hashes).
    source = (
        "Widgets are small devices that people carry in their pockets and use every "
        "morning to open doors, start engines and light the way home."
    )
    hashes = load_hashes() | ngram_hashes(source)
    texts = list(glossary_texts(load_glossary(use_cache=False)))
    planted = (
        "This sense, put simply, means small devices that people carry in their pockets "
        "and use every morning, and nothing more."
    )
    texts.append(("scheming#planted: definition", planted))
    found = shared_runs(texts, hashes)
    assert found == [
        "scheming#planted: definition: 'small devices that people carry in their "
        "pockets and use every morning'"
    ]
    # Eight shared words in a row are allowed; the threshold is nine.
    eight = "They are small devices that people carry in their coats, mostly."
    assert shared_runs([("x", eight)], hashes) == []


def test_no_word_is_split_by_a_folded_line_break():
    """A folded YAML line that ends in a hyphen becomes "training- time" on the page."""
    from termlint.glossary.entries import load_glossary

    split = [
        (where, m.group())
        for where, text in glossary_texts(load_glossary(use_cache=False))
        for m in re.finditer(r"\w- \w", text)
    ]
    assert split == []


def test_quotation_marks_and_line_breaks_do_not_hide_a_copy():
    hashes = ngram_hashes("one two three four five six seven eight nine ten")
    assert shared_runs([("x", "“One, two — three\nfour five six seven eight nine”")], hashes)


def _add(paths: list[str]) -> None:
    hashes = load_hashes() if DATA.exists() else set()
    for p in map(Path, paths):
        for f in sorted(p.rglob("*")) if p.is_dir() else [p]:
            if f.is_file():
                hashes |= ngram_hashes(f.read_text(encoding="utf-8", errors="replace"))
    header = (
        "# Truncated SHA-256 hashes of word 9-grams of the seed texts and of the\n"
        "# source excerpts the glossary was checked against; never the texts.\n"
        "# See test_own_words.py.\n"
    )
    DATA.parent.mkdir(parents=True, exist_ok=True)
    DATA.write_text(header + "".join(h + "\n" for h in sorted(hashes)), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] != "ADD":
        sys.exit(__doc__)
    _add(sys.argv[2:])
