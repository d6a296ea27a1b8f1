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


@pytest.mark.parametrize(
    "kind, options, line, reason",
    [
        ("undefined", "{min_uses: three}", 5, "options/min_uses: expected integer, got string"),
        ("undefined", "{min_uses: true}", 5, "options/min_uses: expected integer, got boolean"),
        ("undefined", "{min_uses: 2.5}", 5, "options/min_uses: expected integer, got number"),
        ("undefined", "{min_uses: 0}", 5, "options/min_uses: 0 is less than the minimum of 1"),
        ("undefined", "{min_uses: [3]}", 5, "options/min_uses: expected integer, got array"),
        (
            "undefined",
            "{min_usez: 2}",
            5,
            "options: unknown option 'min_usez' for a rule of kind 'undefined' "
            "(its options: min_uses)",
        ),
        ("ambiguous", "{min_uses: 3}", 5, "unknown option 'min_uses' for a rule of kind"),
        ("ambiguous", "{x: 1}", 5, "(its options: none)"),
        ("inconsistent", "{min_local_evidence: lots}", 5, "expected number, got string"),
        ("unused-suppression", "{since: 2}", 5, "unknown option 'since'"),
        ("undefined", "\n  min_uses: 2\n  min_usez: 2", 7, "unknown option 'min_usez'"),
    ],
)
def test_bad_rule_option_in_a_rule_file_is_a_load_error(run, tmp_path, kind, options, line, reason):
    """Options are checked against their kind's schema when the rule is loaded: an unknown
    option or a value of the wrong type is file:line, exit 2, no traceback, and no file is
    checked with a rule that would fail or silently ignore the setting."""
    user_rule(tmp_path, "{term} x" if kind == "undefined" else "x", kind, options=options)
    write(tmp_path, "good.md", AMBIGUOUS)
    out = run("check", "--no-cache", "good.md")
    assert out.exit_code == 2, out.output
    assert f"my-rule.yaml:{line}: " in out.output, out.output
    assert reason in out.output, out.output
    assert "Traceback" not in out.output
    assert GOOD_FINDING not in out.output


def test_every_bad_option_in_a_rule_file_is_reported(run, tmp_path):
    user_rule(tmp_path, "{term} x", "undefined", options="{min_uses: three, min_usez: 2}")
    write(tmp_path, "good.md", AMBIGUOUS)
    out = run("check", "good.md")
    assert out.exit_code == 2, out.output
    assert "my-rule.yaml:5: options/min_uses: expected integer" in out.output, out.output
    assert "my-rule.yaml:5: options: unknown option 'min_usez'" in out.output, out.output


@pytest.mark.parametrize(
    "name, config, expected",
    [
        (
            ".termlint.yaml",
            "rule_options:\n  undefined-term:\n    min_uses: three\n",
            ".termlint.yaml:3: rule_options/undefined-term/min_uses: expected integer, got string",
        ),
        (
            ".termlint.yaml",
            "rule_options: {TL203: {min_uses: -1}}\n",
            ".termlint.yaml:1: rule_options/TL203/min_uses: -1 is less than the minimum of 1",
        ),
        (
            ".termlint.yaml",
            "fail_on: error\nrule_options:\n  ambiguous-term:\n    min_uses: 3\n",
            ".termlint.yaml:4: rule_options: 'min_uses' is not an option of rule "
            "'ambiguous-term' (its options: none)",
        ),
        (
            "pyproject.toml",
            '[tool.termlint]\nfail_on = "error"\n\n'
            '[tool.termlint.rule_options.undefined-term]\nmin_uses = "three"\n',
            "pyproject.toml:5: rule_options/undefined-term/min_uses: expected integer",
        ),
    ],
)
def test_bad_rule_option_in_the_configuration_is_a_load_error(
    run, tmp_path, name, config, expected
):
    (tmp_path / ".termlint.yaml").unlink()  # the empty one the fixture writes
    write(tmp_path, name, config)
    write(tmp_path, "good.md", AMBIGUOUS)
    for _ in range(2):  # the second run reads the validated configuration from the cache
        out = run("check", "good.md")
        assert out.exit_code == 2, out.output
        assert expected in out.output, out.output
        assert "Traceback" not in out.output


def test_good_options_are_used(run, tmp_path):
    """A valid option still takes effect, from the rule file and from the configuration. (Per
    use: grouped, the undefined-term finding is folded into the term's ambiguous-term one.)"""
    document = "AI scheming is a risk. AI models scheme.\n"  # two uses, fewer than the default
    write(tmp_path, "doc.md", document)
    assert "[undefined-term]" not in run("check", "--no-color", "--per-use", "doc.md").output
    write(tmp_path, ".termlint.yaml", "rule_options: {undefined-term: {min_uses: 2}}\n")
    out = run("check", "--no-color", "--per-use", "doc.md")
    assert "[undefined-term]" in out.output, out.output
    user_rule(tmp_path, "MINE {term}", "undefined", options="{min_uses: 2}")
    out = run("check", "--no-color", "--per-use", "doc.md")
    assert "[my-rule] MINE" in out.output, out.output


def test_option_schemas_cover_every_kind_and_every_documented_option():
    """kinds.OPTIONS has a schema for each kind the rule schema allows, and every bundled
    rule's options are declared for its kind and described in its ``doc.options``."""
    from termlint.project.datafiles import schema
    from termlint.rules.kinds import AFTER_SUPPRESSION, KINDS, MESSAGE_FIELDS, OPTIONS
    from termlint.rules.load import check_options, load_rules

    kinds = set(schema("rule")["properties"]["kind"]["enum"])
    assert kinds == set(OPTIONS) == set(MESSAGE_FIELDS) == set(KINDS) | set(AFTER_SUPPRESSION)
    for rule in load_rules(use_cache=False).values():
        assert check_options(rule.options, rule.kind) == [], rule.id
        for name in OPTIONS[rule.kind]:
            assert f"`{name}`" in rule.doc.get("options", ""), (rule.id, name)


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
