"""Each rule: its documented example fires, its better version does not, and near-misses."""

from __future__ import annotations

import json

import pytest

from termlint.rules.load import load_rules, rule_doc_markdown

RULES = load_rules(use_cache=False)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_documented_example_fires_and_better_version_does_not(rule_id, lint):
    rule = RULES[rule_id]
    # Per use: undefined-term's finding is otherwise folded into ambiguous-term's group.
    bad = lint(rule.doc["example"], "example.md", group="use")
    assert rule_id in {d.rule for d in bad.diagnostics}, f"{rule_id}: example did not fire"
    good = lint(rule.doc["use_instead"], "use_instead.md")
    assert rule_id not in {d.rule for d in good.diagnostics}, (
        f"{rule_id}: use_instead fired: {[d.message for d in good.diagnostics]}"
    )


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_is_documented(rule_id):
    rule = RULES[rule_id]
    page = rule_doc_markdown(rule)
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert f"## {heading}" in page
    assert rule.code.startswith("TL")
    for option in rule.options:
        assert option in rule.doc.get("options", ""), f"undocumented option {option}"


def rules_fired(lint, text):
    return [d.rule for d in lint(text, group="use").diagnostics]  # per use: nothing folded


# ambiguous-term ----------------------------------------------------------------------------


def test_ambiguous_message_names_candidates_and_suggests(lint):
    [d] = [
        d
        for d in lint("Could an AI system be scheming right now?\n").diagnostics
        if d.rule == "ambiguous-term"
    ]
    assert "worst-case-model" in d.message and "power-motivated-training-gamer" in d.message
    assert len(d.suggestions) >= 2
    assert all(s.sense in d.message and s.text for s in d.suggestions)
    assert "termlint: {senses: {scheming:" in d.help  # how to declare it once
    assert d.url == ""  # no docs_url, no site to link to (links with one: tests/test_links.py)


@pytest.mark.parametrize(
    "text",
    [
        "Could an AI system be in-context scheming right now?",  # qualifier
        "Could an AI system be scheming, as the worst-case assumption goes?",  # cue in sentence
        "The word 'scheming' is used loosely in AI safety.",  # mention
        "The villain in the novel spends his nights scheming.",  # not about AI
        "A pyramid scheme is not an AI problem.",  # exclusion
        "> Could an AI system be scheming right now?",  # quoted material
    ],
)
def test_ambiguous_near_misses(lint, text):
    assert "ambiguous-term" not in rules_fired(lint, text + "\n")


def test_suggested_rewrites_resolve(lint):
    [d] = [
        d
        for d in lint("Could an AI system be scheming right now?\n").diagnostics
        if d.rule == "ambiguous-term"
    ]
    for s in d.suggestions:
        fixed = f"Could an AI system be {s.text} right now?\n"
        assert "ambiguous-term" not in rules_fired(lint, fixed), s.text


# inconsistent-sense ------------------------------------------------------------------------

DECLARED = "---\ntermlint:\n  senses: {scheming: power-motivated-training-gamer}\n---\n"


def test_inconsistent_sense_fires_on_a_clear_switch(lint):
    r = lint(DECLARED + "Then the AI model showed in-context scheming in the eval.\n")
    [d] = [d for d in r.diagnostics if d.rule == "inconsistent-sense"]
    assert "front matter" in d.message and d.url == ""  # no docs_url: no link


@pytest.mark.parametrize(
    "text",
    [
        "Then the AI model was scheming in the eval.",  # weak cue: stays with declaration
        "The AI schemer plays the training game.",  # same sense
        "A goal-guarding schemer keeps its goals.",  # narrower sense of the same family
    ],
)
def test_inconsistent_sense_near_misses(lint, text):
    assert "inconsistent-sense" not in rules_fired(lint, DECLARED + text + "\n")


def test_definition_then_switch_is_inconsistent(lint):
    r = lint(
        "By scheming I mean a power-motivated training-gamer.\n\n"
        "In the control evaluation the worst-case schemer colluded with its monitor.\n"
    )
    assert "inconsistent-sense" in [d.rule for d in r.diagnostics]


# undefined-term ----------------------------------------------------------------------------


def test_undefined_term_fires_once_at_first_use(lint):
    text = "AI scheming is a risk. AI models scheme. AI schemers hide.\n\nMore AI scheming.\n"
    r = lint(text, group="use")
    found = [d for d in r.diagnostics if d.rule == "undefined-term"]
    assert len(found) == 1 and found[0].line == 1 and found[0].column == 4
    # By default the grouped ambiguous-term finding of the term says it instead.
    grouped = lint(text).diagnostics
    assert [(d.rule, d.line, len(d.related)) for d in grouped] == [("ambiguous-term", 1, 3)]


@pytest.mark.parametrize(
    "text",
    [
        "AI scheming is a risk. AI models scheme.",  # two uses only
        "By scheming I mean a power-motivated training-gamer. AI scheming. AI schemers. "
        "AI scheming.",
        DECLARED + "AI scheming. AI models scheme. AI schemers. AI scheming.",
    ],
)
def test_undefined_term_near_misses(lint, text):
    assert "undefined-term" not in rules_fired(lint, text + "\n")


def test_suggestions_fit_a_modifier_and_skip_title_case_headings(lint):
    """A rewrite shown for "scheming models" keeps the word right before its noun (no "scheming
    by a role-played persona models"); a word in a Title-Case heading gets no rewrite (declaring
    the sense once is the way there)."""
    text = "We trained several scheming models for the study.\n"
    [d] = [d for d in lint(text).diagnostics if d.rule == "ambiguous-term"]
    rewrites = [s for s in d.suggestions if s.kind == "rewrite"]
    assert rewrites
    for s in rewrites:
        assert s.text.endswith("scheming"), s.text
    heading = "# Detecting Scheming in Frontier Models\n\nSome text here.\n"
    [d] = [d for d in lint(heading).diagnostics if d.rule == "ambiguous-term"]
    assert not [s for s in d.suggestions if s.kind == "rewrite"]


def test_inconsistent_sense_min_share_keeps_only_the_clearer_switches(run, tmp_path):
    # a definition, then a use that reads as Apollo's sense with less than all of the mass
    from termlint.model import Status
    from termlint.pipeline import lint_text, load_project

    text = (
        "By scheming I mean a model that plays along in training to gain power later.\n\n"
        "Our evals found scheming in a few runs where o1 disabled oversight.\n"
    )
    (tmp_path / "a.md").write_text(text)
    read = lint_text(text, "a.md", load_project(cwd=tmp_path))
    shares = [o.confidence for o in read.occurrences if o.status == Status.INCONSISTENT]
    assert len(shares) == 1 and shares[0] < 0.99, read.occurrences

    def switches(value: float) -> int:
        (tmp_path / ".termlint.yaml").write_text(
            f"rule_options: {{inconsistent-sense: {{min_share: {value}}}}}\n"
        )
        out = run("check", "a.md", "--format", "json")
        found = json.loads(out.output)["diagnostics"]
        return len([d for d in found if d["rule"] == "inconsistent-sense"])

    assert switches(0.0) == 1
    assert switches(shares[0]) == 1
    assert switches(round(shares[0] + 0.01, 2)) == 0
    (tmp_path / ".termlint.yaml").write_text(
        "rule_options: {inconsistent-sense: {min_share: 1.5}}\n"
    )
    out = run("check", "a.md")
    assert out.exit_code == 2 and "min_share" in out.output
