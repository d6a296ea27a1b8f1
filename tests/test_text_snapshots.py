"""Snapshots of the text reporter (ruff's habit): what ``termlint check --no-color`` prints.

Each case writes a few fixed documents into an empty folder, runs the command line there with
relative paths (so no snapshot depends on the machine) and compares the output, with the
command and its exit status, to ``tests/snapshots/<case>.txt``.

A change to the output shows up as a diff here. When the change is meant, rewrite the files with
``TERMLINT_UPDATE_SNAPSHOTS=1 pytest tests/test_text_snapshots.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import write

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("TERMLINT_UPDATE_SNAPSHOTS") == "1"

AMBIGUOUS = "# Risks\n\nCould an AI system be scheming right now?\n"
INCONSISTENT = (
    "---\ntermlint:\n  senses: {scheming: power-motivated-training-gamer}\n---\n\n"
    "Carlsmith's schemers play along in training to gain power later.\n\n"
    "In Apollo's tests, o1 showed in-context scheming in a few per cent of rollouts.\n"
)
LONG_LINE = (
    "This sentence runs on for a long while, " * 6
    + "and only at its very end does it ask whether an AI system could be scheming.\n"
)
NON_ASCII = (
    "Café notes — “naïve” readers, 日本語の読者, and tabs\tall ask: could an AI system be "
    "scheming?\n"
)

GROUPED = (
    "# Plans\n\nLabs should prepare for scheming before the next model ships.\n\n"
    "We think scheming could be caught, but scheming is hard to study.\n"
)
WIDE_LONG = (
    "日本語の読者も、naïve な読者も、" * 5
    + "cafe\u0301 notes: could an AI system be scheming, "
    + "続きの文章がまだまだ長く続きます。" * 5
    + "\n"
)

CASES = {
    "grouped": ({"grouped.md": GROUPED}, ["grouped.md"]),
    "per-use": ({"grouped.md": GROUPED}, ["--per-use", "grouped.md"]),
    "wide-long-line": ({"wide.md": WIDE_LONG}, ["wide.md"]),
    "ambiguous": ({"ambiguous.md": AMBIGUOUS}, ["ambiguous.md"]),
    "inconsistent": ({"inconsistent.md": INCONSISTENT}, ["inconsistent.md"]),
    "long-line": ({"long.md": LONG_LINE}, ["long.md"]),
    "non-ascii": ({"non-ascii.md": NON_ASCII}, ["non-ascii.md"]),
    "quiet": (
        {"docs/ambiguous.md": AMBIGUOUS, "docs/inconsistent.md": INCONSISTENT},
        ["-q", "docs"],
    ),
    "clean": ({"clean.md": "No glossary word in this one.\n"}, ["clean.md"]),
}


def render(run, tmp_path: Path, files: dict[str, str], args: list[str]) -> str:
    for name, text in files.items():
        write(tmp_path, name, text)
    argv = ["check", "--no-color", *args]
    out = run(*argv)
    output = out.output
    assert str(tmp_path) not in output, "an absolute path in the output"
    return f"$ termlint {' '.join(argv)}\nexit {out.exit_code}\n----\n{output}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_text_output_matches_snapshot(run, tmp_path, case):
    files, args = CASES[case]
    got = render(run, tmp_path, files, args)
    snapshot = SNAPSHOTS / f"{case}.txt"
    if UPDATE:
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(got, encoding="utf-8")
        return
    assert snapshot.exists(), (
        f"no snapshot {snapshot.name}; write it with TERMLINT_UPDATE_SNAPSHOTS=1"
    )
    assert got == snapshot.read_text(encoding="utf-8"), (
        f"text output of {case!r} changed; if that is meant, rerun with "
        "TERMLINT_UPDATE_SNAPSHOTS=1 and review the diff of tests/snapshots/"
    )


def test_no_stale_snapshots():
    assert {p.stem for p in SNAPSHOTS.glob("*.txt")} == set(CASES)
