"""Messages a writer reads (issue 13, item 2): sense labels in text output, long lines trimmed
around the term with the caret under it, a word-level ``fix --diff``, ``NO_COLOR``."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata

import pytest
from conftest import write
from ptyrun import run_on_a_pty

from termlint.pipeline import lint_text
from termlint.reporters.text import (
    ELLIPSIS,
    EXCERPT_WIDTH,
    TextReporter,
    display_width,
    use_color,
    window,
)


def excerpt_lines(output: str) -> tuple[str, str]:
    """The source line and the caret line of the first finding in text output."""
    lines = output.splitlines()
    i = next(n for n, line in enumerate(lines) if re.match(r"\s+\d+ \| ", line))
    return lines[i].split(" | ", 1)[1], lines[i + 1].split("| ", 1)[1]


def caret_target(source_line: str, caret_line: str) -> str:
    """The text of ``source_line`` under the carets, found by display columns."""
    pad = display_width(caret_line[: caret_line.index("^")])
    width = caret_line.count("^")
    col, out = 0, []
    for ch in source_line:
        w = display_width(ch)
        if pad <= col < pad + width or (w == 0 and out and col == pad + width):
            out.append(ch)
        col += w
    return "".join(out)


# -- trimming --------------------------------------------------------------------------------


def test_a_short_line_is_shown_whole():
    line = "Could an AI system be scheming right now?"
    assert window(line, 23, 8) == (line, 23, 8)


def test_a_long_line_is_cut_on_both_sides_around_the_term():
    line = "word " * 80 + "scheming " + "more " * 80
    column = line.index("scheming") + 1
    text, col, length = window(line, column, 8)
    assert text.startswith(ELLIPSIS) and text.endswith(ELLIPSIS)
    assert display_width(text) <= EXCERPT_WIDTH + 2
    assert text[col - 1 : col - 1 + length] == "scheming"
    # Cut at spaces: no half words next to the ellipses.
    assert text[1] != " " and text[1:5] in ("word", "ord ") and text[-6:-1].strip() in ("more", "")


def test_a_term_near_the_start_keeps_the_start():
    line = "Scheming " + "filler " * 60
    text, col, length = window(line, 1, 8)
    assert length == 8
    assert not text.startswith(ELLIPSIS) and text.endswith(ELLIPSIS)
    assert (col, text[:8]) == (1, "Scheming")


WIDE_LINE = (
    "日本語の読者も、naïve な読者も、" * 6  # East Asian wide characters, a precomposed ï
    + "cafe\u0301 notes and e\u0301tudes, "  # combining acute accents
    + "then could an AI system be scheming, "
    + "続きの文章がまだまだ長く続きます。" * 6
)


def test_wide_and_combining_characters_are_measured_in_columns():
    column = WIDE_LINE.index("scheming") + 1
    text, col, length = window(WIDE_LINE, column, 8)
    assert text.startswith(ELLIPSIS) and text.endswith(ELLIPSIS)
    assert text[col - 1 : col - 1 + length] == "scheming"
    assert display_width(text) <= EXCERPT_WIDTH + 2
    # Never starts on a combining mark cut from its letter.
    assert not unicodedata.combining(text[1])
    assert display_width("日本") == 4 and display_width("e\u0301") == 1


def test_text_output_trims_a_long_wide_line_with_the_caret_under_the_word(run, tmp_path):
    write(tmp_path, "wide.md", WIDE_LINE + "\n")
    out = run("check", "--no-color", "wide.md")
    shown, carets = excerpt_lines(out.output)
    assert shown.startswith(ELLIPSIS) and shown.endswith(ELLIPSIS)
    assert display_width(shown) < display_width(WIDE_LINE) / 2
    assert caret_target(shown, carets) == "scheming"
    assert carets.strip() == "^" * 8


def test_trimmed_excerpt_still_escapes_control_characters(run, tmp_path):
    line = "plain words " * 20 + "\x1b]0;owned\x07 could a model be scheming? " + "tail " * 40
    write(tmp_path, "esc.md", line + "\n")
    out = run("check", "--no-color", "esc.md")
    assert "\x1b" not in out.output and "\x07" not in out.output
    shown, carets = excerpt_lines(out.output)
    assert "\\x1b" in shown and shown.endswith(ELLIPSIS)
    assert caret_target(shown, carets) == "scheming"


# -- labels ----------------------------------------------------------------------------------

SHORT = "Could an AI system be scheming right now?\n"


def test_text_names_senses_by_label_and_json_by_id(run, tmp_path, project):
    write(tmp_path, "d.md", SHORT)
    text = run("check", "--no-color", "d.md").output
    label = project.glossary.terms["scheming"].sense("power-motivated-training-gamer").label
    first_line = text.splitlines()[0]
    assert f"“{label}”" in first_line and "power-motivated-training-gamer" not in first_line
    assert f"= try: power-motivated scheming  (“{label}”)" in text
    [d] = json.loads(run("check", "--format", "json", "d.md").output)["diagnostics"]
    assert "power-motivated-training-gamer" in d["message"] and label not in d["message"]
    sarif = json.loads(run("check", "--format", "sarif", "d.md").output)
    [result] = sarif["runs"][0]["results"]
    assert "power-motivated-training-gamer" in result["message"]["text"]


def test_cached_results_keep_the_labelled_message(run, tmp_path):
    write(tmp_path, "d.md", SHORT)
    first = run("check", "--no-color", "d.md").output
    assert run("check", "--no-color", "d.md").output == first  # the second run reads the cache
    assert "“" in first.splitlines()[0]


# -- fix --diff --------------------------------------------------------------------------------

LONG_PARAGRAPH = (
    "We ran the evaluations on three checkpoints and read every transcript by hand. "
    "Even so, labs should prepare for scheming before the next model ships, and say how. "
    "The rest of this paragraph goes on about logistics, budgets and the order of the runs.\n"
)


def test_fix_diff_shows_a_long_line_word_by_word(run, tmp_path):
    write(tmp_path, "post.md", LONG_PARAGRAPH)
    out = run("fix", "post.md", "--sense", "scheming=worst-case-model", "--diff")
    assert out.exit_code == 0
    diff = out.stdout
    changed = [line for line in diff.splitlines() if line.startswith("~")]
    assert len(changed) == 1
    assert "for {+worst-case+} scheming" in changed[0]
    assert len(changed[0]) < len(LONG_PARAGRAPH) * 0.6  # unchanged stretches cut to …
    assert "…" in changed[0]
    assert not [line for line in diff.splitlines() if line[:1] in "-+" and line[:3] not in "---+++"]
    assert (tmp_path / "post.md").read_text(encoding="utf-8") == LONG_PARAGRAPH  # nothing written


def test_fix_diff_cuts_long_context_lines(run, tmp_path):
    context = "An unchanged paragraph that runs on and on about budgets and timelines. " * 4
    write(tmp_path, "post.md", context.strip() + "\n\n" + LONG_PARAGRAPH)
    diff = run("fix", "post.md", "--sense", "scheming=worst-case-model", "--diff").stdout
    [shown] = [line for line in diff.splitlines() if line.startswith(" An unchanged")]
    assert shown.endswith("…") and len(shown) < len(context) / 2


def test_fix_diff_keeps_short_lines_as_a_unified_diff(run, tmp_path):
    write(tmp_path, "short.md", SHORT)
    diff = run("fix", "short.md", "--sense", "scheming=worst-case-model", "--diff").stdout
    assert "-Could an AI system be scheming right now?" in diff
    # The rewrite is fitted to the word's role (here a verb): what matters is a plain +/- pair.
    [added] = [line for line in diff.splitlines() if line.startswith("+Could")]
    assert "worst-case" in added and added.endswith("right now?")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_line_diff_is_a_patch_git_applies(run, tmp_path):
    write(tmp_path, "post.md", LONG_PARAGRAPH)
    patch = run(
        "fix", "post.md", "--sense", "scheming=worst-case-model", "--diff", "--line-diff"
    ).stdout
    assert "~" not in "".join(line[:1] for line in patch.splitlines())
    (tmp_path / "change.patch").write_text(patch, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply", "change.patch"], cwd=tmp_path, check=True)
    assert "for worst-case scheming" in (tmp_path / "post.md").read_text(encoding="utf-8")


# -- NO_COLOR ----------------------------------------------------------------------------------


def test_no_color_rules(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(None) is None
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(None) is False
    assert use_color(True) is True  # --color still wins
    monkeypatch.setenv("NO_COLOR", "")
    assert use_color(None) is None  # an empty value does not count


def test_reporter_with_no_color_writes_no_escapes(monkeypatch, project):
    result = lint_text(SHORT, "d.md", project)

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    def render() -> str:
        stream = Terminal()
        TextReporter(stream).file(result)
        return stream.getvalue()

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[" in render()
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in render()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("no_color", ["", "1"])
def test_no_color_on_a_real_terminal(tmp_path, no_color):
    (tmp_path / ".termlint.yaml").write_text("{}\n")
    (tmp_path / "d.md").write_text(SHORT)
    env = dict(os.environ, TERMLINT_CACHE_DIR=str(tmp_path / "c"), NO_COLOR=no_color)
    _, output = run_on_a_pty(
        [sys.executable, "-m", "termlint", "check", "d.md"],
        cwd=tmp_path,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert "[ambiguous-term]" in output
    assert ("\x1b[" in output) is (not no_color)


# A use the document's definition settles, though its own sentence would not: "N% sure" would
# read as doubt about the reading, so the words say where it comes from instead.

SETTLED = (
    '# Notes\n\nIn this post, by "scheming" I mean a model that plays along in training so that '
    "it can gain power later.\n\nThe counting argument says many goals lead to scheming.\n\n"
    "Back to models: if scheming is likely, control matters more.\n"
)


def _record(status: str, confidence: float) -> dict:
    return {
        "path": "d.md",
        "line": 3,
        "column": 5,
        "match": "scheming",
        "term": "scheming",
        "sense": "power-motivated-training-gamer",
        "status": status,
        "confidence": confidence,
        "evidence": ["defined on line 1"],
        "candidates": [],
    }


def test_a_reading_the_definition_settles_says_so_instead_of_a_low_percent(project):
    from termlint.reporters.senses import ALONE_SETTLES, text_lines

    low = text_lines(_record("established", ALONE_SETTLES - 0.42), project.glossary)
    assert "% sure" not in low[0] and low[0].endswith("(Carlsmith's schemer)")
    assert low[-1].strip().startswith("note: this sentence alone gives that sense 8%")
    high = text_lines(_record("established", 0.75), project.glossary)
    assert high[0].endswith("(75% sure)") and not any("note:" in line for line in high)
    # only a reading the document set up: the model's own low reading keeps its percent
    resolved = text_lines(_record("resolved", 0.08), project.glossary)
    assert resolved[0].endswith("(8% sure)") and not any("note:" in line for line in resolved)


def test_senses_text_and_hover_word_every_settled_use_alike(run, tmp_path, project):
    from termlint.editor.hover import hover_markdown
    from termlint.reporters.senses import ALONE_SETTLES

    write(tmp_path, "d.md", SETTLED)
    records = json.loads(run("senses", "d.md", "--format", "json").output)["occurrences"]
    text = run("senses", "d.md").output
    established = [r for r in records if r["status"] == "established"]
    assert established, "the definition on line 3 sets the sense for the later uses"
    for r in established:
        [head] = [
            line
            for line in text.splitlines()
            if line.startswith(f"d.md:{r['line']}:{r['column']}:")
        ]
        assert ("% sure" in head) == (r["confidence"] >= ALONE_SETTLES)
    result = lint_text(SETTLED, "d.md", project)
    for occ in result.occurrences:
        if occ.status.value != "established":
            continue
        hover = hover_markdown(occ, project).splitlines()[0]
        assert ("definition settles it" in hover) == (occ.confidence < ALONE_SETTLES)
