"""The editor's code actions as plain functions: where a suppression comment goes, and that
every action's edit leaves the Markdown rendering as it was (but for the comment) and
settles its diagnostic."""

from __future__ import annotations

import re

import pytest

from termlint.editor.actions import REASON, code_actions, remove_action, suppress_action
from termlint.editor.positions import PositionMap
from termlint.edits.fix import apply_edits
from termlint.files.source import decode
from termlint.pipeline import lint_source, load_project
from termlint.project.config import Config

USE = "labs should prepare for scheming"
C = f"<!-- termlint-disable-next-line ambiguous-term -- {REASON} -->"
L = f"<!-- termlint-disable-line ambiguous-term -- {REASON} -->"

CASES = {
    "first line of the document": (f"{USE}.\n", f"{C}\n{USE}.\n"),
    "first line of a paragraph": (f"# T\n\nIntro.\n\n{USE}.\n", f"# T\n\nIntro.\n\n{C}\n{USE}.\n"),
    "a paragraph's second line": (f"# T\n\nIntro,\n{USE}.\n", f"# T\n\nIntro, {C}\n{USE}.\n"),
    "after a hard break": (f"Intro,  \n{USE}.\n", f"Intro, {C}  \n{USE}.\n"),
    "after a backslash break": (f"Intro,\\\n{USE}.\n", f"Intro, {C}\\\n{USE}.\n"),
    "a list item after another": (f"- one\n- {USE}\n", f"- one {C}\n- {USE}\n"),
    "a loose list's item": (f"- one\n\n- {USE}\n", f"- one\n\n- {USE} {L}\n"),
    "a nested paragraph": (f"- one\n\n  {USE}\n", f"- one\n\n  {C}\n  {USE}\n"),
    "after a code fence": (f"```\ncode\n```\n{USE}.\n", f"```\ncode\n```\n{C}\n{USE}.\n"),
    "after front matter": (f"---\ntitle: T\n---\n{USE}.\n", f"---\ntitle: T\n---\n{C}\n{USE}.\n"),
    "a heading under a paragraph": (f"Intro.\n# {USE}\n", f"Intro. {C}\n# {USE}\n"),
    "a table cell": (
        f"| a | b |\n|---|---|\n| x | {USE} |\n",
        f"| a | b |\n|---|---|\n| x | {USE}  {L} |\n",
    ),
    "a quote's second line": (f"> Intro,\n> {USE}.\n", f"> Intro, {C}\n> {USE}.\n"),
    "a quote's first line": (f"Intro.\n\n> {USE}.\n", f"Intro.\n\n> {C}\n> {USE}.\n"),
    "CRLF line endings": (f"# T\r\n\r\n{USE}.\r\n", f"# T\r\n\r\n{C}\r\n{USE}.\r\n"),
}


@pytest.fixture(scope="module")
def project():
    return load_project(config=Config(check_blockquotes=True))


def render(text: str) -> str:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    html = MarkdownIt("commonmark").enable("table").use(front_matter_plugin).render(text)
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", " ".join(html.split()))


def lint(text: str, project):
    """Lint as the editor does (one finding per use), decoded from bytes like check."""
    return lint_source(
        decode(text.encode("utf-8"), "draft.md"), project, group="use"
    )  # as the editor


@pytest.mark.parametrize("case", list(CASES))
def test_the_suppression_goes_where_the_markdown_still_renders_the_same(case, project):
    text, expected = CASES[case]
    result = lint(text, project)
    [diag] = [d for d in result.diagnostics if d.rule == "ambiguous-term"]
    action = suppress_action(diag, result.source)
    new = apply_edits(result.source.text, [action.edit])
    assert new == expected
    assert render(new) == render(text)
    after = lint(new, project)
    assert [d for d in after.diagnostics if d.rule == "ambiguous-term"] == []
    assert [d for d in after.diagnostics if d.rule == "unused-suppression"] == []


def test_every_action_settles_its_diagnostic_and_keeps_the_rendering(project):
    text = "# Notes\n\nIntro,\nlabs should prepare for scheming, and a schemer may hide.\n"
    result = lint(text, project)
    diags = [d for d in result.diagnostics if d.rule == "ambiguous-term"]
    assert len(diags) == 2
    for diag in diags:
        actions = code_actions(result, project, diag.start, diag.start)
        assert {a.diagnostic.rule for a in actions} >= {"ambiguous-term"}
        for action in (a for a in actions if a.diagnostic is diag):
            new = apply_edits(text, [action.edit])
            after = lint(new, project)
            left = [d for d in after.diagnostics if d.rule == "ambiguous-term"]
            assert len(left) < len(diags), action.title
            if action.title.startswith("Suppress"):
                assert render(new) == render(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Intro.\n\n<!-- termlint-disable-next-line ambiguous-term -- old -->\nNothing.\n",
            "Intro.\n\nNothing.\n",
        ),
        ("A line <!-- termlint-disable-line -- x --> here.\n", "A line here.\n"),
        ("A line<!-- termlint-disable-line -- x --> here.\n", "A line here.\n"),
        ("Intro.\n\n<!-- termlint-disable -->", "Intro.\n\n"),
        ("A line <!-- termlint-disable-line -->\nmore.\n", "A line\nmore.\n"),
    ],
)
def test_an_unused_suppression_can_be_removed(text, expected, project):
    result = lint(text, project)
    [diag] = [d for d in result.diagnostics if d.rule == "unused-suppression"]
    titles = [a.title for a in code_actions(result, project, diag.start, diag.end)]
    assert "Remove the unused suppression comment" in titles
    new = apply_edits(text, [remove_action(diag, result.source).edit])
    assert new == expected
    assert lint(new, project).diagnostics == []


def test_no_action_away_from_a_diagnostic(project):
    result = lint("# Notes\n\nLabs should prepare for scheming.\n", project)
    assert code_actions(result, project, 0, 3) == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
def test_positions_round_trip_in_each_encoding(encoding):
    text = "a🙂é\nx\r\nlast 🙂 line"
    pm = PositionMap(text, encoding)
    for offset in range(len(text) + 1):
        line, char = pm.position(offset)
        assert pm.offset(line, char) == offset
    assert pm.position(text.index("x")) == (1, 0)
    assert pm.position(3)[1] == {"utf-16": 4, "utf-8": 7, "utf-32": 3}[encoding]
    with_bom = PositionMap("\ufeff" + text, encoding, shift=1)
    assert with_bom.position(0) == (0, 1 if encoding != "utf-8" else 3)


def test_rewrite_actions_fit_the_role_and_skip_titles(project):
    text = "# Detecting Scheming in Frontier Models\n\nOne plan is making scheming models.\n"
    result = lint(text, project)
    heading, modifier = sorted(
        (d for d in result.diagnostics if d.rule == "ambiguous-term"), key=lambda d: d.start
    )
    at_heading = [a.title for a in code_actions(result, project, heading.start, heading.end)]
    assert not any(t.startswith("Rewrite") for t in at_heading)  # a title is not rewritten
    assert any(t.startswith("Declare “scheming” as ") for t in at_heading)
    at_use = [
        a
        for a in code_actions(result, project, modifier.start, modifier.end)
        if a.title.startswith("Rewrite as “")
    ]
    assert at_use
    for action in at_use:  # words that stand before "models": no brackets, no trailing phrase
        words = action.title.removeprefix("Rewrite as “").split("”", 1)[0]
        assert "(" not in words and (words.endswith("scheming") or " " not in words), words
        assert apply_edits(text, [action.edit]) == text.replace(
            "making scheming models", f"making {words} models"
        )
