"""Every labelled file is valid: positions line up with the text, labels are the glossary's,
ids are unique, and the two readers' labels and adjudications follow the written rules."""

from __future__ import annotations

import importlib.util
from collections import Counter

import pytest

from termlint.evaluation.corpus import V2, V2_SPLITS, gold, load_corpus, load_v1
from termlint.glossary.entries import load_glossary

GLOSSARY = load_glossary()
FILES = sorted(p for split in V2_SPLITS for p in (V2 / split).glob("*.yaml"))


def _tool():
    spec = importlib.util.spec_from_file_location("corpus_tool", V2 / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_corpus_is_there_and_large():
    items = load_corpus()
    uses = [u for it in items for u in it.uses if u.get("a") != "none"]
    assert len(uses) >= 5000
    in_documents = [
        u for it in items if it.kind == "document" for u in it.uses if u.get("a") != "none"
    ]
    assert len(in_documents) >= len(uses) / 2
    assert {it.split for it in items} >= {"train", "dev", "blind-a"}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_each_file_passes_the_corpus_check(path):
    assert _tool().check_file(path, write=False) == []


def test_positions_point_at_the_words():
    for item in load_corpus():
        for use in item.uses:
            at = use["at"]
            assert item.text[at : at + len(use["match"])] == use["match"], (item.id, use)


def test_labels_are_the_glossarys_senses():
    for item in load_corpus():
        for use in item.uses:
            term = GLOSSARY.terms[use["term"]]
            allowed = {s.id for s in term.senses} | {"ambiguous", "mention", "none"}
            for reader in ("a", "b"):
                if reader in use:
                    assert use[reader] in allowed, (item.id, use)
            label = gold(use)
            assert label.removeprefix("disputed:") in allowed | {"unscored"}, (item.id, use)


def test_ids_are_unique_across_both_sets():
    ids = [it.id for it in load_corpus()]
    ids += [
        it.id
        for split in ("dev", "dev2", "heldout", "fresh", "blind3", "blind4")
        for it in load_v1(split)
    ]
    repeated = [i for i, n in Counter(ids).items() if n > 1]
    assert repeated == []


def test_every_use_has_two_readers_or_an_adjudication():
    missing = [
        (it.id, u["match"])
        for it in load_corpus()
        for u in it.uses
        if "b" not in u and "gold" not in u
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("roleplay", "roleplay", "roleplay"),
        (
            "goal-guarding-schemer",
            "power-motivated-training-gamer",
            "power-motivated-training-gamer",
        ),
        ("ambiguous", "in-context-scheming", "disputed:in-context-scheming"),
        ("mention", "ambiguous", "unscored"),
        ("roleplay", "in-context-scheming", "unscored"),
    ],
)
def test_the_written_rules_for_two_readers(a, b, expected):
    assert gold({"a": a, "b": b}) == expected


def test_an_adjudication_decides_and_a_third_reader_can_call_it_disputed():
    assert gold({"a": "roleplay", "b": "in-context-scheming", "gold": "roleplay"}) == "roleplay"
    assert gold({"a": "ambiguous", "b": "mention", "gold": "disputed"}) == "disputed:mention"


def test_the_checker_refuses_a_use_out_of_place(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "meta: {split: train}\nitems:\n- id: x\n  kind: passage\n  register: memo\n"
        "  text: Models may be scheming.\n  uses: []\n",
        encoding="utf-8",
    )
    problems = _tool().check_file(bad, write=False)
    assert problems and "1 term forms" in problems[0]


def test_the_corpus_tool_knows_the_glossarys_senses_and_forms():
    """corpus.py stands alone (writers and readers run it without termlint), so it carries its
    own copy of the sense ids and forms: this keeps the copy and the glossary the same."""
    tool = _tool()
    for term_id, senses in tool.SENSES.items():
        assert set(senses) == {s.id for s in GLOSSARY.terms[term_id].senses}, term_id
    for term_id, forms in tool.TERMS.items():
        term = GLOSSARY.terms[term_id]
        glossary_forms = {f.lower() for f in [*term.forms, *term.verb_forms]}
        assert glossary_forms <= {f.lower() for f in forms}, term_id
