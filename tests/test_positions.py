"""Every reported line/column points at the term as written in the source file."""

from __future__ import annotations

import pytest

BARE = "Labs should prepare for scheming before the next model ships."

CASES = {
    "after front matter": f"---\ntitle: x\nauthor: y\n---\n\n{BARE}\n",
    "list item": f"Intro line.\n\n- first item\n- {BARE}\n  - nested: {BARE}\n",
    "table cell": f"| a | b |\n|---|---|\n| `code` scheming-free | {BARE} |\n",
    "blockquote (checked)": f"> {BARE}\n> > {BARE}\n",
    "footnote": f"Text with a note.[^1]\n\n[^1]: {BARE}\n",
    "heading": "# Will AI labs prepare for scheming\n\nSome text.\n",
    "crlf": f"---\r\ntitle: x\r\n---\r\n\r\nIntro.\r\n\r\n{BARE}\r\nMore {BARE}\r\n",
    "non-ascii before": f"Naïve café — 日本語 “quotes” 💡 then: {BARE}\n",
    "emphasis and link": "*Really*, [labs](https://e.org) should prepare their models for "
    "**scheming** now.\n",
    "escapes and entities": f"A \\*star\\* &amp; &copy; then {BARE}\n",
    "tab indented list": f"-\t{BARE}\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_diagnostics_point_at_the_term(name, project):
    from termlint.pipeline import Project, lint_text
    from termlint.project.config import Config

    config = Config(root=project.config.root, check_blockquotes=True)
    proj = Project(config, project.glossary, project.rules, project.prefilter)
    text = CASES[name]
    result = lint_text(text, "doc.md", proj)
    assert result.error is None
    flagged = [d for d in result.diagnostics if d.rule == "ambiguous-term"]
    assert flagged, f"nothing flagged in {name}"
    lines = text.replace("\r\n", "\n").split("\n")
    for d in flagged:
        line = lines[d.line - 1]
        assert line[d.column - 1 : d.end_column - 1] == d.match, (name, d.line, d.column, line)
        assert d.match.lower() == "scheming"


def test_bom_does_not_shift_columns(project):
    from termlint.pipeline import lint_bytes

    data = ("\ufeff" + BARE + "\n").encode()
    result = lint_bytes(data, "bom.md", project)
    [d] = [d for d in result.diagnostics if d.rule == "ambiguous-term"]
    assert (d.line, d.column) == (1, BARE.index("scheming") + 1)


def test_columns_count_characters_not_bytes(lint):
    result = lint("日本語 " + BARE + "\n")
    [d] = [d for d in result.diagnostics if d.rule == "ambiguous-term"]
    assert d.column == len("日本語 ") + BARE.index("scheming") + 1


@pytest.mark.parametrize("prefix", ["İstanbul notes: ", "ǅ ẞ İİ — ", "plain ascii: "])
def test_letters_that_lowercase_longer_do_not_shift_the_prefilter(lint, prefix):
    # "İ".lower() is two characters: the prefilter must not search the lowercased copy then.
    result = lint(prefix + BARE + "\n")
    [d] = [d for d in result.diagnostics if d.rule == "ambiguous-term"]
    assert d.column == len(prefix) + BARE.index("scheming") + 1
    assert result.occurrences[0].match == "scheming"


def test_prefilter_spans_are_offsets_in_the_text_as_written(project):
    text = "İİİ SCHEMING and Sandbagging, then deceptive alignment."
    spans = [text[m.start() : m.end()] for m in project.prefilter.finditer(text)]
    assert spans == ["SCHEMING", "Sandbagging", "deceptive alignment"]
