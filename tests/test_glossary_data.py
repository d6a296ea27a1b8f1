"""The glossary as data: it validates, it cites, and its examples run as tests."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from termlint.cli import main
from termlint.glossary.entries import check_glossary, load_glossary

GLOSSARY = load_glossary(use_cache=False)
MULTI = [t for t in GLOSSARY.terms.values() if t.multi_sense]
SCHEMING_SENSES = {
    "power-motivated-training-gamer",
    "worst-case-model",
    "visible-cot-gaming",
    "roleplay",
    "in-context-scheming",
    "colloquial",
}
REQUIRED_TERMS = """training-gaming instrumental-training-gamer terminal-training-gamer
beyond-episode-goal goal-guarding situational-awareness
alignment-faking deceptive-alignment sandbagging early-undermining ai-control control-evaluation
trusted-model untrusted-model counting-argument slack covert-subversion deferred-subversion
compliance-gap evaluation-awareness sleeper-agent mesa-optimizer inner-alignment outer-alignment
strategic-deception treacherous-turn gradient-hacking sycophancy reward-hacking
specification-gaming p-scheming""".split()
# The second edition's coverage list (issue 17), in its order of need.
COVERAGE_TERMS = """exploration-hacking cot-monitorability cot-faithfulness sabotage model-organism
reward-tampering safety-case trusted-monitoring untrusted-monitoring collusion propensity
power-seeking instrumental-convergence goal-content-integrity corrigibility evaluation-gaming
scheming-reasoning stealth eliciting-latent-knowledge honesty goal-misgeneralization
misgeneralized-non-training-gamer self-exfiltration oversight-subversion
out-of-context-reasoning""".split()
# The fixed sense inventory other people are labelling with (issue 17).
INVENTORY = {
    "scheming": {
        "power-motivated-training-gamer",
        "goal-guarding-schemer",
        "worst-case-model",
        "worst-case-assumption",
        "misaligned-power-seeker",
        "visible-cot-gaming",
        "roleplay",
        "in-context-scheming",
        "covert-pursuit",
        "loose-ai",
        "colloquial",
    },
    "sandbagging": {
        "ai-strategic-underperformance",
        "research-sabotage",
        "training-sandbagging",
        "developer-sandbagging",
        "colloquial",
    },
    "alignment-faking": {
        "misrepresenting-alignment",
        "selective-compliance",
        "oversight-conditional",
    },
    "deceptive-alignment": {"mesa-optimizer-lineage", "scheming-synonym"},
}


def test_every_entry_validates():
    glossary, errors = check_glossary()
    assert errors == [] and glossary is not None


def test_the_contract_senses_of_scheming_are_there():
    assert {s.id for s in GLOSSARY.terms["scheming"].senses} >= SCHEMING_SENSES


def test_the_sense_inventory_is_exactly_the_one_being_labelled():
    for term_id, senses in INVENTORY.items():
        assert {s.id for s in GLOSSARY.terms[term_id].senses} == senses, term_id
    scheming = GLOSSARY.terms["scheming"]
    assert scheming.sense("goal-guarding-schemer").broader == "power-motivated-training-gamer"
    assert scheming.sense("worst-case-assumption").broader == "worst-case-model"
    assert scheming.sense("loose-ai").ai and not scheming.sense("colloquial").ai
    sandbagging = GLOSSARY.terms["sandbagging"]
    assert {s.id: s.agent for s in sandbagging.senses if s.ai} == {
        "ai-strategic-underperformance": "ai",
        "research-sabotage": "ai",
        "training-sandbagging": "ai",
        "developer-sandbagging": "developer",
    }


def test_the_worst_case_split_says_which_has_a_probability():
    scheming = GLOSSARY.terms["scheming"]
    model, assumption = scheming.sense("worst-case-model"), scheming.sense("worst-case-assumption")
    assert model.features["forecast"].startswith("yes")
    assert assumption.features["forecast"] == "no"
    assert "training" in model.features["when"]
    assert "fakes alignment" in model.definition
    assert "taking over" in model.definition
    cited = {c.key for c in scheming.sense("misaligned-power-seeker").sources}
    assert {"greenblatt2025update", "greenblatt-stastny2025", "belrose-pope2024"} <= cited
    assert "greenblatt2025update" not in {c.key for c in model.sources}
    assert "carlsmith2023" not in {
        c.key for c in GLOSSARY.terms["sandbagging"].sense("ai-strategic-underperformance").sources
    }


def test_the_neighbourhood_is_covered():
    missing = [t for t in REQUIRED_TERMS + COVERAGE_TERMS if t not in GLOSSARY.terms]
    assert missing == []
    assert len(GLOSSARY.terms) >= 55
    assert "reward-on-the-episode-seeker" not in GLOSSARY.terms  # one Carlsmith class, merged
    for term_id in (
        "alignment-faking",
        "deceptive-alignment",
        "sandbagging",
        "sabotage",
        "cot-monitorability",
        "p-scheming",
    ):
        assert GLOSSARY.terms[term_id].multi_sense


@pytest.mark.parametrize("term", list(GLOSSARY.terms.values()), ids=lambda t: t.id)
def test_no_entry_is_thin(term):
    """At least two examples, two sources, a confusion and a history line for every term."""
    examples = sum(len(s.clear_examples) + len(s.unclear_examples) for s in term.senses)
    keys = {c.key for c in term.sources} | {c.key for s in term.senses for c in s.sources}
    assert examples >= 2, f"{term.id} has {examples} example(s)"
    assert len(keys) >= 2, f"{term.id} cites {sorted(keys)}"
    assert term.confusions, f"{term.id} lists no common confusion"
    assert term.history, f"{term.id} has no history line"
    for d in term.definitions:
        assert d.source in GLOSSARY.sources and d.text
        assert not d.sense or term.sense(d.sense), f"{term.id}: {d.sense}"


def test_per_source_definitions_and_counter_positions_where_the_review_asked():
    for term_id in (
        "scheming",
        "sandbagging",
        "alignment-faking",
        "deceptive-alignment",
        "goal-guarding",
        "p-scheming",
    ):
        assert len(GLOSSARY.terms[term_id].definitions) >= 2, term_id
    for term_id in ("scheming", "deceptive-alignment", "treacherous-turn", "gradient-hacking"):
        assert GLOSSARY.terms[term_id].counter_positions, term_id


def test_glossary_check_validates_the_new_fields(tmp_path):
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "sources.yaml").write_text(
        "sources: {a: {authors: [A], title: T, url: 'https://x.org'}}\n"
    )
    (folder / "widget.yaml").write_text(
        "id: widget\nterm: widget\nsummary: s\nforms: [widget]\nhistory: h\n"
        "definitions:\n  - {source: nowhere, text: t}\n  - {source: a, sense: nosuch, text: t}\n"
        "counter_positions:\n  - {position: p, sources: [{key: gone}]}\n"
        "senses:\n  - {id: one, label: One, definition: d, notes: [n]}\n"
    )
    out = CliRunner().invoke(main, ["glossary", "check", str(folder)])
    assert out.exit_code == 2
    assert "widget.yaml:7: definition cites unknown source key 'nowhere'" in out.output
    assert "widget.yaml:8: definition names 'nosuch'" in out.output
    assert "widget.yaml:10: counter-position cites unknown source key 'gone'" in out.output
    (folder / "widget.yaml").write_text(
        "id: widget\nterm: widget\nsummary: s\nforms: [widget]\nhistory: 3\n"
        "senses:\n  - {id: one, label: One, definition: d}\n"
    )
    out = CliRunner().invoke(main, ["glossary", "check", str(folder)])
    assert out.exit_code == 2 and "widget.yaml:5" in out.output
    for term_id in ("alignment-faking", "deceptive-alignment", "sandbagging"):
        assert GLOSSARY.terms[term_id].multi_sense


def test_every_citation_resolves_to_the_bibliography():
    cited = [
        (t.id, c.key)
        for t in GLOSSARY.terms.values()
        for c in [*t.sources, *(c for s in t.senses for c in s.sources)]
    ]
    assert cited
    assert [pair for pair in cited if pair[1] not in GLOSSARY.sources] == []
    for source in GLOSSARY.sources.values():
        assert source.url.startswith("https://") and source.title and source.authors


def test_every_sense_has_a_primary_source_with_its_section():
    for term in MULTI:
        for sense in term.senses:
            if sense.ai:
                assert sense.sources, f"{term.id}/{sense.id} cites nothing"
                assert any(c.section for c in sense.sources), f"{term.id}/{sense.id}"


@pytest.mark.parametrize("term", MULTI, ids=lambda t: t.id)
def test_multi_sense_terms_are_fully_annotated(term):
    feature_ids = {f["id"] for f in term.features}
    assert feature_ids, f"{term.id} declares no features to compare"
    sense_ids = {s.id for s in term.senses}
    for sense in term.senses:
        where = f"{term.id}/{sense.id}"
        assert sense.cues, f"{where} has no cue phrases"
        assert len(sense.clarifications) >= 2, f"{where} needs two clarifications"
        assert len(sense.clear_examples) >= 2, f"{where} needs two clear examples"
        if sense.ai:
            assert sense.unclear_examples, f"{where} needs an unclear example and its rewrite"
        assert set(sense.features) == feature_ids, f"{where} features differ from the columns"
        sentences = len(re.findall(r"[.!?](?:\s|$)", sense.definition))
        assert 2 <= sentences <= 5, f"{where}: definition has {sentences} sentences"
        neighbours = sense_ids - {sense.id}
        assert {c for c, _ in sense.contrasts} & neighbours, f"{where} contrasts with nothing"


def _examples():
    for term in MULTI:
        for sense in term.senses:
            for i, text in enumerate(sense.clear_examples):
                yield pytest.param(term.id, sense.id, "clear", text, id=f"{sense.id}-clear{i}")
            for i, (text, rewrite) in enumerate(sense.unclear_examples):
                yield pytest.param(term.id, sense.id, "unclear", text, id=f"{sense.id}-unclear{i}")
                yield pytest.param(
                    term.id, sense.id, "rewrite", rewrite, id=f"{sense.id}-rewrite{i}"
                )


def _behaves(lint, term_id, sense_id, kind, text) -> str | None:
    """None when the example reads as the glossary says, else what went wrong."""
    result = lint(text + "\n")
    uses = [o for o in result.occurrences if o.term_id == term_id and not o.mention]
    if not uses:
        return f"the example has no use of {term_id}: {text!r}"
    flagged = {d.start for d in result.diagnostics if d.rule == "ambiguous-term"}
    if kind == "unclear":
        return None if any(o.start in flagged for o in uses) else f"not flagged: {text!r}"
    if any(o.start in flagged for o in uses):
        return f"flagged: {text!r}"
    sense = GLOSSARY.terms[term_id].sense(sense_id)
    accepted = {sense_id} | ({sense.broader} if sense.broader else set())
    if not any(o.sense in accepted for o in uses):
        return f"{text!r} read as {[o.sense for o in uses]}, not {sense_id}"
    return None


def test_glossary_examples_behave(lint):
    """The glossary's examples are labelled data the reader is trained on: nearly all of them
    must read as the glossary says (a learned reader may miss a few; each miss is listed)."""
    examples = [p.values for p in _examples()]
    problems = [why for args in examples if (why := _behaves(lint, *args))]
    assert not [p for p in problems if "has no use" in p]
    assert len(problems) <= 0.03 * len(examples), problems


@pytest.mark.parametrize("term_id", ["alignment-faking", "deceptive-alignment", "sandbagging"])
def test_unclear_uses_of_other_terms_are_flagged_and_clear_ones_left_alone(lint, term_id):
    term = GLOSSARY.terms[term_id]
    unclear = [t for s in term.senses for t, _ in s.unclear_examples]
    clear = [t for s in term.senses for t in s.clear_examples]
    assert unclear and clear
    for text in unclear:
        assert "ambiguous-term" in {d.rule for d in lint(text + "\n").diagnostics}, text
    for text in clear:
        flagged = [
            d
            for d in lint(text + "\n").diagnostics
            if d.rule == "ambiguous-term" and d.term == term_id
        ]
        assert flagged == [], text


def test_glossary_check_reports_file_and_line(tmp_path):
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "sources.yaml").write_text("sources: {}\n")
    (folder / "widget.yaml").write_text(
        "id: widget\nterm: widget\nsummary: s\nforms: [widget]\nsenses:\n"
        "  - id: a\n    label: A\n    definition: d\n    cues: [shiny]\n"
        "  - id: b\n    label: B\n    definition: d\n    cues: [shiny]\n"
        "    sources: [{key: nowhere}]\n"
    )
    out = CliRunner().invoke(main, ["glossary", "check", str(folder)])
    assert out.exit_code == 2
    assert "widget.yaml:13: cue 'shiny' is claimed by two senses" in out.output
    assert "widget.yaml:14: unknown source key 'nowhere'" in out.output


def test_the_json_schemas_ship_with_the_package():
    from importlib import resources

    for name in ("glossary-term", "sources", "rule", "config"):
        assert resources.files("termlint").joinpath("schema", f"{name}.schema.json").is_file()
