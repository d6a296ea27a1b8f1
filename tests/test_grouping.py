"""One finding per unsettled term (issue 13, item 1): repeated unclear uses of a term are one
finding at the first use, listing the others; ``--per-use`` / ``group: use`` keep one per use."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from conftest import write

from termlint.pipeline import lint_text

SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)

# Four uses nothing settles, on lines 1, 3, 5 and 5.
DRAFT = (
    "Labs should prepare for scheming before the next model ships.\n"
    "\n"
    "We think scheming could be caught with better tools.\n"
    "\n"
    "But scheming is hard to study, and scheming may come without warning.\n"
)


def ambiguous(result):
    return [d for d in result.diagnostics if d.rule == "ambiguous-term"]


def test_repeated_uses_are_one_finding_at_the_first(project):
    result = lint_text(DRAFT, "draft.md", project)
    per_use = lint_text(DRAFT, "draft.md", project, group="use")
    assert len(ambiguous(per_use)) == 4
    [d] = ambiguous(result)
    assert (d.line, d.column) == (1, 25)
    assert [(r.line, r.column, r.match) for r in d.related] == [
        (3, 10, "scheming"),
        (5, 5, "scheming"),
        (5, 36, "scheming"),
    ]
    # The related uses are exactly the per-use findings after the first.
    assert [(r.start, r.end) for r in d.related] == [
        (x.start, x.end) for x in ambiguous(per_use)[1:]
    ]
    declare, *rewrites = d.suggestions
    assert declare.kind == "declare"
    term, sense = declare.text.removeprefix("<!-- termlint-sense ").removesuffix(" -->").split("=")
    assert term == "scheming" and project.glossary.terms["scheming"].sense(sense) is not None
    assert rewrites and all(s.kind == "rewrite" for s in rewrites)
    assert [s.text for s in rewrites] == [s.text for s in ambiguous(per_use)[0].suggestions]
    assert "4 uses" in d.help


def test_the_declaration_it_suggests_settles_every_use(project):
    [d] = ambiguous(lint_text(DRAFT, "draft.md", project))
    comment = d.suggestions[0].text
    for declared in (comment + "\n\n" + DRAFT, DRAFT + "\n" + comment + "\n"):  # anywhere
        assert ambiguous(lint_text(declared, "draft.md", project, group="use")) == []


def test_a_single_unclear_use_is_not_grouped(project):
    [d] = ambiguous(lint_text("Labs should prepare for scheming now.\n", "d.md", project))
    assert d.related == [] and all(s.kind == "rewrite" for s in d.suggestions)


def test_text_lists_the_other_uses(run, tmp_path):
    write(tmp_path, "draft.md", DRAFT)
    out = run("check", "--no-color", "draft.md")
    assert out.exit_code == 1
    assert out.output.count("[ambiguous-term]") == 1
    assert "= and 3 more uses: lines 3, 5 (2 uses)" in out.output
    assert "= try first: <!-- termlint-sense scheming=" in out.output
    quiet = run("check", "--no-color", "-q", "draft.md")
    assert "(and 3 more uses: lines 3, 5 (2 uses))" in quiet.output
    assert "Found 1 problem (1 warning)" in out.output


def test_per_use_flag_and_config_key(run, tmp_path):
    write(tmp_path, "draft.md", DRAFT)
    out = run("check", "--per-use", "--format", "json", "draft.md")
    diags = json.loads(out.output)["diagnostics"]
    assert [d["line"] for d in diags if d["rule"] == "ambiguous-term"] == [1, 3, 5, 5]
    assert all(d["related"] == [] for d in diags)
    (tmp_path / ".termlint.yaml").write_text("group: use\n")
    again = json.loads(run("check", "--format", "json", "draft.md").output)["diagnostics"]
    assert [d["line"] for d in again if d["rule"] == "ambiguous-term"] == [1, 3, 5, 5]
    (tmp_path / ".termlint.yaml").write_text("group: sometimes\n")
    bad = run("check", "draft.md")
    assert bad.exit_code == 2 and ".termlint.yaml" in bad.output and "group" in bad.output


def test_per_use_is_in_the_help(run):
    assert "--per-use" in run("check", "--help").output


def test_json_adds_related_and_keeps_every_contract_field(run, tmp_path):
    write(tmp_path, "draft.md", DRAFT)
    [d] = [
        d
        for d in json.loads(run("check", "--format", "json", "draft.md").output)["diagnostics"]
        if d["rule"] == "ambiguous-term"
    ]
    for key in ("path", "line", "column", "end_line", "end_column", "rule", "severity"):
        assert key in d
    for key in ("message", "term", "match", "suggestions"):
        assert key in d
    assert all({"sense", "text"} <= set(s) for s in d["suggestions"])
    assert d["related"] == [
        {"line": 3, "column": 10, "end_line": 3, "end_column": 18, "match": "scheming"},
        {"line": 5, "column": 5, "end_line": 5, "end_column": 13, "match": "scheming"},
        {"line": 5, "column": 36, "end_line": 5, "end_column": 44, "match": "scheming"},
    ]
    assert d["suggestions"][0]["kind"] == "declare"
    assert "text_message" not in d


def test_sarif_related_locations(run, tmp_path):
    write(tmp_path, "draft.md", DRAFT)
    log = json.loads(run("check", "--format", "sarif", "draft.md").output)
    errors = list(jsonschema.Draft4Validator(SCHEMA).iter_errors(log))
    assert not errors, errors[0].message
    [result] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "ambiguous-term"]
    related = result["relatedLocations"]
    assert [
        (
            x["physicalLocation"]["region"]["startLine"],
            x["physicalLocation"]["region"]["startColumn"],
        )
        for x in related
    ] == [(3, 10), (5, 5), (5, 36)]
    assert len({x["id"] for x in related}) == 3
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert all(x["physicalLocation"]["artifactLocation"]["uri"] == uri for x in related)
    assert "3 more uses" in result["message"]["text"]
    # A fix replaces the flagged words: the declaration is not offered as one.
    assert result["fixes"] and all("termlint-sense" not in json.dumps(f) for f in result["fixes"])
    assert result["properties"]["suggestions"][0]["kind"] == "declare"


def test_a_suppressed_first_use_moves_the_anchor(project):
    text = "<!-- termlint-disable-next-line ambiguous-term -- a quote -->\n" + DRAFT
    result = lint_text(text, "d.md", project)
    [d] = ambiguous(result)
    assert d.line == 4  # the second use; the hidden first one is not listed
    assert [r.line for r in d.related] == [6, 6]
    assert result.unused_suppressions == []
    assert not [x for x in result.diagnostics if x.rule == "unused-suppression"]


def test_a_suppressed_later_use_is_not_listed(project):
    lines = DRAFT.split("\n")
    lines.insert(2, "<!-- termlint-disable-next-line ambiguous-term -- a quote -->")
    result = lint_text("\n".join(lines), "d.md", project)
    [d] = ambiguous(result)
    assert d.line == 1 and [r.line for r in d.related] == [6, 6]


def test_section_grouping(run, tmp_path):
    text = "# One\n\n" + DRAFT + "\n# Two\n\n" + DRAFT
    write(tmp_path, "draft.md", text)
    (tmp_path / ".termlint.yaml").write_text("group: section\n")
    diags = json.loads(run("check", "--format", "json", "draft.md").output)["diagnostics"]
    grouped = [d for d in diags if d["rule"] == "ambiguous-term"]
    assert [(d["line"], len(d["related"])) for d in grouped] == [(3, 3), (11, 3)]
    (tmp_path / ".termlint.yaml").write_text("{}\n")
    diags = json.loads(run("check", "--format", "json", "draft.md").output)["diagnostics"]
    assert [(d["line"], len(d["related"])) for d in diags if d["rule"] == "ambiguous-term"] == [
        (3, 7)
    ]


def test_fix_still_works_per_use(run, tmp_path):
    path = write(tmp_path, "draft.md", DRAFT)
    out = run("fix", "draft.md", "--sense", "scheming=worst-case-model", "--no-interactive")
    assert out.exit_code == 0, out.output
    fixed = path.read_text(encoding="utf-8")
    assert fixed.count("worst-case") == 4
    assert run("check", "draft.md").exit_code == 0


# -- undefined-term -------------------------------------------------------------------------


def undefined(result):
    return [d for d in result.diagnostics if d.rule == "undefined-term"]


def test_undefined_term_speaks_where_uses_are_unsettled(project):
    assert len(undefined(lint_text(DRAFT, "d.md", project, group="use"))) == 1


def test_undefined_term_folds_into_the_grouped_finding(project):
    assert undefined(lint_text(DRAFT, "d.md", project)) == []


def test_undefined_term_is_quiet_when_every_use_reads_clearly(project):
    clear = (
        "Labs should prepare for in-context scheming before the next model ships.\n\n"
        "In Apollo's evaluations, in-context scheming showed up in a few rollouts.\n\n"
        "In-context scheming is easy to elicit with a strong goal nudge in the system prompt.\n"
    )
    result = lint_text(clear, "d.md", project, group="use")
    uses = [o for o in result.occurrences if o.term_id == "scheming"]
    assert len(uses) == 3 and not ambiguous(result)
    assert undefined(result) == []


def test_undefined_term_is_quiet_after_fix(run, tmp_path):
    write(tmp_path, "draft.md", DRAFT)
    assert run("fix", "draft.md", "--sense", "scheming=in-context-scheming").exit_code == 0
    out = json.loads(run("check", "--per-use", "--format", "json", "draft.md").output)
    assert out["diagnostics"] == []


def test_undefined_term_reads_definitions_as_the_resolver_does(project):
    defined = "By scheming we mean faking alignment in training to gain power later.\n\n" + DRAFT
    result = lint_text(defined, "d.md", project, group="use")
    assert any(o.defines for o in result.occurrences)
    assert undefined(result) == []


def test_a_cached_result_keeps_the_group(run, tmp_path):
    write(tmp_path, "draft.md", DRAFT)
    first = run("check", "--format", "json", "draft.md").output
    second = run("check", "--format", "json", "draft.md").output  # read from the cache
    assert first == second
    [d] = [d for d in json.loads(second)["diagnostics"] if d["rule"] == "ambiguous-term"]
    assert len(d["related"]) == 3
    # --per-use is another configuration: not answered from the grouped entry.
    per_use = json.loads(run("check", "--per-use", "--format", "json", "draft.md").output)
    assert len([d for d in per_use["diagnostics"] if d["rule"] == "ambiguous-term"]) == 4


def test_github_annotation_lists_the_other_uses(run, tmp_path):
    write(tmp_path, "draft.md", DRAFT)
    out = run("check", "--format", "github", "draft.md").output
    [line] = [x for x in out.splitlines() if "ambiguous-term" in x]
    assert "line=1," in line and "and 3 more uses: lines 3, 5 (2 uses)" in line
    assert "declare the sense once: <!-- termlint-sense scheming=" in line
