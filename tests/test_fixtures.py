"""Markdown fixtures with inline expectations (markdownlint's habit).

Each ``tests/fixtures/*.md`` is a small document. A line that must be flagged ends with an HTML
comment naming the rules expected on it::

    Could an AI system be scheming right now? <!-- expect: ambiguous-term -->
    Some line. <!-- expect: inconsistent-sense, undefined-term -->

A line without a marker must be clean. The test lints every fixture with termlint's own
glossary and rules, one finding per use (``--per-use``), and requires the set of (line, rule)
findings to equal the markers exactly.

termlint reads only ``<!-- termlint-… -->`` comments as directives; any other HTML comment is
skipped like the rest of inline HTML, so the markers cannot change what is found (checked below
by linting each fixture again with its markers removed).

To add a case, write a fixture, run ``pytest tests/test_fixtures.py`` and keep only
expectations a careful reader would agree with.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MARKER = re.compile(r"[ \t]*<!--\s*expect:\s*([a-z0-9, -]+?)\s*-->")


def expected(text: str) -> set[tuple[int, str]]:
    out = set()
    for number, line in enumerate(text.split("\n"), 1):
        for m in MARKER.finditer(line):
            out |= {(number, rule.strip()) for rule in m.group(1).split(",") if rule.strip()}
    return out


def found(lint, text: str, name: str) -> set[tuple[int, str]]:
    # Per use: a marker names what each line gets on its own (grouping: test_grouping.py).
    return {(d.line, d.rule) for d in lint(text, name, group="use").diagnostics}


def fixture_paths() -> list[Path]:
    return sorted(FIXTURES.glob("*.md"))


@pytest.mark.parametrize("path", fixture_paths(), ids=lambda p: p.stem)
def test_fixture_findings_equal_its_markers(lint, path):
    text = path.read_text(encoding="utf-8")
    want, got = expected(text), found(lint, text, path.name)
    assert got == want, (
        f"{path.name}: missing {sorted(want - got)}, unexpected {sorted(got - want)}"
    )


@pytest.mark.parametrize("path", fixture_paths(), ids=lambda p: p.stem)
def test_markers_do_not_change_what_is_found(lint, path):
    text = path.read_text(encoding="utf-8")
    bare = "\n".join(MARKER.sub("", line) for line in text.split("\n"))
    assert found(lint, bare, path.name) == found(lint, text, path.name)


def test_fixtures_cover_every_rule_and_some_clean_files():
    from termlint.rules.load import load_rules

    markers = [expected(p.read_text(encoding="utf-8")) for p in fixture_paths()]
    assert 8 <= len(markers) <= 12
    assert {rule for m in markers for _, rule in m} == set(load_rules(use_cache=False))
    assert sum(1 for m in markers if not m) >= 3  # files that must stay entirely clean


def test_marker_reader():
    assert expected("a\nb <!-- expect: ambiguous-term -->\nc <!--expect:x, y-->\n") == {
        (2, "ambiguous-term"),
        (3, "x"),
        (3, "y"),
    }
