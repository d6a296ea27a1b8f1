"""Shared fixtures: the real glossary and rules, loaded once; a private cache folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Keep the test run's cache out of the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("termlint-cache")
    old = os.environ.get("TERMLINT_CACHE_DIR")
    os.environ["TERMLINT_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("TERMLINT_CACHE_DIR", None)
    else:
        os.environ["TERMLINT_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def project(_private_cache):
    from termlint.pipeline import load_project
    from termlint.project.config import Config

    return load_project(config=Config(root=ROOT))


@pytest.fixture(scope="session")
def lint(project):
    """lint(text) -> FileResult, with termlint's own glossary and rules (``group="use"``:
    one finding per use, as ``--per-use``)."""
    from termlint.pipeline import lint_text

    def run(text: str, path: str = "doc.md", group: str | None = None):
        result = lint_text(text, path, project, group)
        assert result.error is None, str(result.error)
        return result

    return run


def occ_at(result, needle: str, nth: int = 0):
    """The occurrence whose match starts at the nth appearance of ``needle`` in the source."""
    text = result.source.text
    pos = -1
    for _ in range(nth + 1):
        pos = text.find(needle, pos + 1)
        assert pos >= 0, f"{needle!r} not in the document"
    for occ in result.occurrences:
        if occ.start == pos:
            return occ
    raise AssertionError(
        f"no occurrence at {needle!r} (offset {pos}); have "
        f"{[(o.match, o.start) for o in result.occurrences]}"
    )


@pytest.fixture
def run(tmp_path, monkeypatch):
    """run(*args, input=None): the command line, in-process, in a clean folder with no
    configuration above it."""
    from click.testing import CliRunner

    from termlint.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".termlint.yaml").write_text("{}\n")

    def invoke(*args, input=None):
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


def write(folder: Path, name: str, content: str | bytes) -> Path:
    """Write a file (text as UTF-8, bytes as they are), making its folders."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def imported_modules(cwd, env: dict, *args: str):
    """The modules ``python -X importtime -m termlint ARGS`` imports, from its own report, and
    the finished process (run in ``cwd`` with ``env``)."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "termlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in out.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return names, out
