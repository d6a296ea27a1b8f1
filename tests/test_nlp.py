"""The spaCy stage on its own: the lean tokenizer and what the analyzer returns."""

from __future__ import annotations

import pytest

from termlint.engine import default_project
from termlint.nlp import analyzer_for, make_tokenizer
from termlint.stems import stem


@pytest.fixture(scope="module")
def tokenizer():
    return make_tokenizer()


@pytest.mark.parametrize(("text", "tokens"), [
    ("in-context scheming", ["in", "-", "context", "scheming"]),
    ("the schemer's goal", ["the", "schemer", "'s", "goal"]),
    ("the schemer’s goal", ["the", "schemer", "’s", "goal"]),
    ("(scheming).", ["(", "scheming", ")", "."]),
    ("'scheming'", ["'", "scheming", "'"]),
    ("anti-scheming/sandbagging evals", ["anti", "-", "scheming", "/", "sandbagging", "evals"]),
    ("don't scheme", ["don't", "scheme"]),
    ("see https://example.org/scheming-paper now",
     ["see", "https://example.org/scheming-paper", "now"]),
    ("A--B", ["A", "--", "B"]),
])
def test_lean_tokenizer_splits_punctuation_off_words(tokenizer, text, tokens):
    assert [t.text for t in tokenizer(text)] == tokens


def test_norm_is_a_stem_and_lower_is_lowercase(tokenizer):
    doc = tokenizer("Schemers SCHEMING")
    assert [t.lower_ for t in doc] == ["schemers", "scheming"]
    assert [t.norm_ for t in doc] == [stem("schemers"), stem("scheming")]
    assert stem("schemers") != "schemers"  # NORM really is the stem, not the lowercase


def test_analyzer_finds_terms_inside_hyphenated_compounds_and_possessives():
    analyzer = analyzer_for(default_project().glossary)
    [result] = analyzer.analyze(["Anti-scheming training and a schemer's plans."])
    found = [("Anti-scheming training and a schemer's plans."[h.start:h.end], h.term_id)
             for h in result.terms]
    assert ("scheming", "scheming") in found
    assert ("schemer", "scheming") in found
