"""Rules validated at load, and a rule that fails at run time reported against the file.

A user rule folder is named in ``.termlint.yaml`` (``rules: [rules]``); its message template is
checked against the fields its kind fills (``termlint.rules.kinds.MESSAGE_FIELDS``) when the
rules are loaded, so a typo is a ``file:line`` error and exit 2, never a traceback when the
rule first fires.
"""

from __future__ import annotations

import pytest
from conftest import write

AMBIGUOUS = "AI labs should prepare for scheming before the next model ships.\n"
GOOD_FINDING = "good.md:1:28"


def user_rule(
    tmp_path, message: str, kind: str = "ambiguous", options: str = "", rule_id: str = "my-rule"
):
    write(
        tmp_path,
        f"rules/{rule_id}.yaml",
        f"id: {rule_id}\nkind: {kind}\nseverity: warning\nmessage: {message!r}\n"
        + (f"options: {options}\n" if options else "")
        + "doc: {what: w, why: y, example: e, use_instead: u}\n",
    )
    write(tmp_path, ".termlint.yaml", "rules: [rules]\n")


@pytest.mark.parametrize(
    "kind, message, reason",
    [
        ("ambiguous", "{matc} is unclear", "unknown placeholder '{matc}' for a rule of kind"),
        ("ambiguous", "{count} uses", "unknown placeholder '{count}'"),  # another kind's field
        ("undefined", "{candidates}", "unknown placeholder '{candidates}'"),
        ("unused-suppression", "{match}", "(its placeholders: {comment})"),
        ("ambiguous", "{} is unclear", "unknown placeholder '{}'"),
        ("undefined", "{0} times", "unknown placeholder '{0}'"),
        ("ambiguous", "{match is unclear", "not a valid template"),
        ("ambiguous", "a } alone", "not a valid template"),
        ("ambiguous", "{match.__class__}", "placeholder '{match.__class__}' takes no attribute"),
        ("inconsistent", "{found[0]}", "takes no attribute or index"),
        ("ambiguous", "{match:d}", "cannot be formatted (ValueError"),
        ("ambiguous", "{match!z}", "cannot be formatted"),
        ("undefined", "{term:{nope}}", "cannot be formatted (KeyError"),
    ],
)
def test_bad_message_template_is_a_load_error(run, tmp_path, kind, message, reason):
    user_rule(tmp_path, message, kind)
    write(tmp_path, "good.md", AMBIGUOUS)
    out = run("check", "good.md")
    assert out.exit_code == 2, out.output
    assert "my-rule.yaml:4: message: " in out.output, out.output
    assert reason in out.output, out.output
    assert "Traceback" not in out.output


def test_every_load_error_in_the_rule_folder_is_reported(run, tmp_path):
    user_rule(tmp_path, "{matc}", rule_id="one")
    user_rule(tmp_path, "{count:q}", kind="undefined", rule_id="two")
    write(tmp_path, "good.md", AMBIGUOUS)
    out = run("check", "good.md")
    assert out.exit_code == 2, out.output
    assert "one.yaml:4: message: unknown placeholder '{matc}'" in out.output, out.output
    assert "two.yaml:4: message: cannot be formatted" in out.output, out.output


@pytest.mark.parametrize(
    "kind, document",
    [
        ("ambiguous", AMBIGUOUS),
        (
            "inconsistent",
            "---\ntermlint:\n  senses: {scheming: power-motivated-training-gamer}\n---\n"
            "In Apollo's tests, o1 showed in-context scheming in a few per cent of rollouts.\n",
        ),
        ("undefined", "AI scheming is a risk. AI models scheme. AI schemers hide.\n"),
        ("unused-suppression", "<!-- termlint-disable-line -->\nNo term here.\n"),
    ],
)
def test_every_field_a_kind_declares_is_filled_when_it_fires(run, tmp_path, kind, document):
    """MESSAGE_FIELDS is in step with kinds.py: a message using every declared field formats."""
    from termlint.rules.kinds import MESSAGE_FIELDS

    message = "MINE " + " | ".join("{" + f + "}" for f in MESSAGE_FIELDS[kind])
    user_rule(tmp_path, message, kind)
    write(tmp_path, "doc.md", document)
    out = run("check", "--no-color", "--no-cache", "--jobs", "1", "--per-use", "doc.md")
    assert out.exit_code == 1, out.output
    assert "[my-rule] MINE " in out.output, out.output
    assert "{" not in out.output.split("[my-rule] MINE ", 1)[1].split("\n", 1)[0]


def test_bundled_rules_pass_the_load_checks():
    from termlint.rules.load import check_message, load_rules

    for rule in load_rules(use_cache=False).values():
        assert check_message(rule.message, rule.kind) is None, rule.id


def test_a_rule_failing_on_its_data_is_reported_against_each_file(run, tmp_path):
    """``min_uses: three`` passes the load checks but fails when the rule runs: the error names
    the file and the rule, and a file the rule does not run on is still checked."""
    user_rule(tmp_path, "{term} x", "undefined", options="{min_uses: three}")
    write(tmp_path, "bad.md", AMBIGUOUS)
    write(tmp_path, "clean.md", "No glossary word here.\n")
    out = run("check", "--no-color", "--no-cache", "bad.md", "clean.md")
    assert out.exit_code == 2, out.output
    assert "bad.md: rule 'my-rule' failed on this file (ValueError: " in out.output, out.output
    assert "my-rule.yaml" in out.output
    assert "in 2 files; 1 could not be checked" in out.output, out.output
    assert "Traceback" not in out.output


def test_a_rule_that_raises_on_one_file_leaves_the_others_checked(run, tmp_path, monkeypatch):
    from termlint.rules import kinds

    real = kinds.KINDS["ambiguous"]

    def flaky(rule, occurrences, ctx):
        if ctx.source.path.endswith("bad.md"):
            raise RuntimeError("boom")
        yield from real(rule, occurrences, ctx)

    monkeypatch.setitem(kinds.KINDS, "ambiguous", flaky)
    write(tmp_path, "bad.md", AMBIGUOUS)
    write(tmp_path, "good.md", AMBIGUOUS)
    out = run("check", "--no-color", "--no-cache", "--jobs", "1", "bad.md", "good.md")
    assert out.exit_code == 2, out.output
    assert "bad.md: rule 'ambiguous-term' failed on this file (RuntimeError: boom)" in out.output
    assert GOOD_FINDING in out.output, out.output
    assert "Traceback" not in out.output


def test_a_failing_rule_through_the_library_api(project):
    from dataclasses import replace

    from termlint.pipeline import Project, lint_text

    broken = dict(project.rules)
    broken["undefined-term"] = replace(broken["undefined-term"], options={"min_uses": "three"})
    result = lint_text(
        AMBIGUOUS, "doc.md", Project(project.config, project.glossary, broken, project.prefilter)
    )
    assert result.error is not None and result.error.path == "doc.md"
    assert "rule 'undefined-term' failed on this file" in result.error.message
