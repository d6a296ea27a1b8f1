"""What a cold ``termlint check`` of a file without any glossary term imports (issue 16).

Behaviour, not time: a real subprocess with the platform's default cache folder (as most users
run it), its modules read from Python's own ``-X importtime`` report. The same check of a file
with a term must import what the no-term one does not, so every assertion here can fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import imported_modules, write

AMBIGUOUS = "AI labs should prepare for scheming before the next model ships.\n"
PLAIN = "# Notes\n\nNothing here names a glossary term, said twice.\n"

#: Never needed to tell that a file holds no term once the glossary and rules are cached: the
#: NLP and Markdown stacks, the data-file readers, the records the later stages make (creating
#: their dataclasses costs about as much as the rest of such a run), the rule checks, and
#: platformdirs (its answer for Linux is computed directly).
NOT_FOR_A_PLAIN_FILE = (
    "spacy",
    "markdown_it",
    "yaml",
    "jsonschema",
    "numpy",
    "termlint.model",
    "termlint.rules.kinds",
    "termlint.senses",
    "termlint.nlp.analyzer",
    "termlint.document.markdown",
    "platformdirs",
)


def _modules(folder: Path, *args: str) -> tuple[set[str], subprocess.CompletedProcess]:
    env = {**os.environ, "XDG_CACHE_HOME": str(folder / "xdg-cache")}
    for name in ("TERMLINT_NO_CACHE", "TERMLINT_CACHE_DIR"):
        env.pop(name, None)
    return imported_modules(folder, env, *args)


@pytest.mark.skipif(sys.platform != "linux", reason="platformdirs is skipped on Linux only")
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_a_cached_no_term_check_imports_no_record_module_nor_heavy_library(tmp_path, fmt):
    write(tmp_path, "plain.md", PLAIN)
    _modules(tmp_path, "check", "plain.md")  # fills the glossary, rules and result caches
    assert (tmp_path / "xdg-cache" / "termlint").is_dir()  # the default folder was used
    for _ in range(2):  # the second time the file's own result comes from the cache
        names, out = _modules(tmp_path, "check", "plain.md", "--format", fmt)
        assert out.returncode == 0, out.stderr
        assert "termlint.files.runner" in names and "termlint.records" in names
        assert not names & set(NOT_FOR_A_PLAIN_FILE), sorted(names & set(NOT_FOR_A_PLAIN_FILE))
    write(tmp_path, "plain.md", PLAIN + AMBIGUOUS)
    names, out = _modules(tmp_path, "check", "plain.md", "--format", fmt)
    assert out.returncode == 1
    assert {"spacy", "markdown_it", "termlint.model", "termlint.rules.kinds"} <= names
    # and a term found in the result cache reads the records back without spaCy
    names, out = _modules(tmp_path, "check", "plain.md", "--format", fmt)
    assert out.returncode == 1 and "termlint.model" in names and "spacy" not in names


def test_the_kind_names_a_cached_rule_list_is_checked_against_are_the_kinds():
    from termlint.project.datafiles import schema
    from termlint.rules.kinds import AFTER_SUPPRESSION, KINDS
    from termlint.rules.load import KIND_NAMES

    assert set(KINDS) | set(AFTER_SUPPRESSION) == KIND_NAMES
    assert set(schema("rule")["properties"]["kind"]["enum"]) == KIND_NAMES


@pytest.mark.skipif(sys.platform != "linux", reason="the direct answer is for Linux")
@pytest.mark.parametrize("xdg", [None, "", "/tmp/xdg-cache/", "relative/cache"])
@pytest.mark.parametrize("home", [None, "", "/home/someone", "/home/someone/", "relative"])
def test_the_default_cache_folder_is_platformdirs_answer(monkeypatch, xdg, home):
    import platformdirs

    from termlint.project.datafiles import default_cache_location

    for name, value in (("XDG_CACHE_HOME", xdg), ("HOME", home)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    try:
        expected = Path(platformdirs.user_cache_dir("termlint", appauthor=False))
        if not expected.is_absolute():
            expected = Path.home() / ".cache" / "termlint"
    except (RuntimeError, KeyError):
        with pytest.raises((RuntimeError, KeyError)):
            default_cache_location()
        return
    assert default_cache_location() == expected
