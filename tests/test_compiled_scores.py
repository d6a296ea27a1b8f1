"""The resolver scores each use from tables compiled from the model (features.scores), not from
features.build's dicts: the scores must be the very same floats, and the reasons the same.

features.build stays the definition of the features (training and evaluation score its dicts
with Fitted.scores); these tests hold the fast path to it with ``==`` on every use of real
labelled documents, both passes, and on hand-built edge cases.
"""

from __future__ import annotations

import pytest

from termlint.evaluation.corpus import load_corpus
from termlint.model import SourceText
from termlint.pipeline import default_project, lint_source
from termlint.senses import decide, features
from termlint.senses.evidence import Evidence, EvidenceKind
from termlint.senses.features import MENTION, UNCLEAR
from termlint.senses.weights import load_model


def _same(fitted, term, evidence, words) -> list[float]:
    """The fast scores, after asserting they equal Fitted.scores over features.build."""
    built = features.build(term, evidence, words)
    part = features.evidence_features(term, evidence)
    fast = features.scores(fitted, term, part, sorted(words[0]), sorted(words[1]))
    assert fast == fitted.scores(built)  # bit for bit, not approximately
    probs, _, _ = features.read(fitted, term, evidence, words)
    assert probs == fitted.probabilities(built)
    return fast


def _same_reasons(model, term, evidence, words) -> None:
    """Every candidate's reasons and everyday test read from the evidence part and the words
    are those read from build's dicts."""
    built = features.build(term, evidence, words)
    part = features.evidence_features(term, evidence)
    sorted_words = (sorted(words[0]), sorted(words[1]))
    for c, sense in enumerate(features.candidates(term)):
        assert decide.explain(term, sense, evidence, part, model, sorted_words) == decide.explain(
            term, sense, evidence, built, model
        )
        assert decide.everyday_supported(part[c]) == decide.everyday_supported(built[c])


@pytest.fixture(scope="module")
def recorded():
    """Every (model, term, evidence, words) the resolver read while linting the labelled
    dev and blind documents (both passes), recorded around features.read."""
    project = default_project()
    calls = []
    real = features.read

    def spy(fitted, term, evidence, words):
        calls.append((fitted, term, list(evidence), (set(words[0]), set(words[1]))))
        return real(fitted, term, evidence, words)

    items = load_corpus(("dev", "dev-b", "blind-a", "blind-c", "blind-f"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(features, "read", spy)
        for item in items:
            lint_source(SourceText(path=f"{item.id}.md", text=item.text), project)
    return calls


def test_fast_scores_equal_build_scores_on_every_use_of_labelled_documents(recorded):
    model = load_model()
    stages = {id(model.stage1): 0, id(model.stage2): 0}
    for fitted, term, evidence, words in recorded:
        stages[id(fitted)] += 1
        _same(fitted, term, evidence, words)
    # both passes were read, over many uses (a spy that saw nothing would pass the loop)
    assert min(stages.values()) > 1000


def test_reasons_from_the_words_equal_reasons_from_build(recorded):
    model = load_model()
    second = [r for r in recorded if r[0] is model.stage2]
    assert second
    for _, term, evidence, words in second:
        _same_reasons(model, term, evidence, words)


def _known_words(fitted, term, prefix: str, n: int) -> list[str]:
    """Stems with a learned word weight for some sense of the term."""
    heads = tuple(f"{prefix}@{s}:" for s in features.candidates(term))
    return sorted({k.split(":", 1)[1] for k in fitted.weights if k.startswith(heads)})[:n]


@pytest.mark.parametrize("stage", ["stage1", "stage2"])
def test_fast_scores_on_hand_built_edge_cases(stage):
    model = load_model()
    fitted = getattr(model, stage)
    glossary = default_project().glossary
    scheming = glossary.terms["scheming"]  # has broader senses (a family)
    sandbagging = glossary.terms["sandbagging"]  # has an everyday sense
    near = set(_known_words(fitted, scheming, "near", 6)) | {"zzunknown"}
    rest = set(_known_words(fitted, scheming, "sent", 8)) - near | {"qqunknown"}
    nothing: tuple[set[str], set[str]] = (set(), set())
    cue = Evidence(EvidenceKind.QUALIFIER, "goal-guarding-schemer", 1.0, "a cue", "specific")
    cases = [
        (scheming, [], nothing),  # no evidence, no words: biases only, "?" has no-evidence
        (scheming, [], (near, rest)),  # words only
        (scheming, [], (set(), rest)),  # sentence words only ("?" gets none of them)
        # evidence for a narrower sense: the broader sense gets it as ~family
        (scheming, [cue], (near, rest)),
        # repeated kinds sum before log1p; several senses spread the "?" features
        (
            scheming,
            [
                cue,
                cue,
                Evidence(EvidenceKind.SENTENCE_CUE, "roleplay", 0.5, "b", "generic"),
                Evidence(EvidenceKind.PEOPLE, "colloquial", 0.7, "c", "person"),
                Evidence(EvidenceKind.FRAMING, "worst-case-model", 0.3, "d"),
            ],
            (near, set()),
        ),
        # mention evidence: only the mention candidate reads it
        (
            sandbagging,
            [
                Evidence(EvidenceKind.MENTION_SHAPE, MENTION, 1.0, "in quotes", "quoted"),
                Evidence(EvidenceKind.MENTION_SHAPE, MENTION, 1.0, "again", "quoted"),
                Evidence(EvidenceKind.PEOPLE, "colloquial", 1.0, "a person", "person"),
            ],
            (near, rest),
        ),
    ]
    for term, evidence, words in cases:
        fast = _same(fitted, term, evidence, words)
        assert len(fast) == len(features.candidates(term))
        if stage == "stage2":
            _same_reasons(model, term, evidence, words)
    # the cases exercised what they are meant to: "?" read no-evidence, a family feature
    built = features.build(scheming, [cue], (near, rest))
    by = dict(zip(features.candidates(scheming), built, strict=True))
    assert "qualifier.specific~family" in by["power-motivated-training-gamer"]
    assert f"{UNCLEAR}:no-evidence" in features.build(scheming, [], nothing)[-2]


def test_scores_stay_equal_once_the_kept_rows_run_out(monkeypatch):
    """Past ROWS_KEPT a word's row is looked up each time, not kept: the same scores, and the
    kept rows stop growing (memory bounded on text of endless vocabulary)."""
    monkeypatch.setattr(features, "ROWS_KEPT", 3)
    model = load_model()
    fitted = type(model.stage1)(model.stage1.weights, model.stage1.temperature)  # fresh tables
    term = default_project().glossary.terms["scheming"]
    words = (
        set(_known_words(fitted, term, "near", 10)),
        set(_known_words(fitted, term, "sent", 10)),
    )
    for _ in range(2):  # the second time reads kept rows and rows looked up again
        _same(fitted, term, [], words)
    tab = features.tables(fitted, term)
    assert len(tab._near) + len(tab._sent) == 3


def test_a_model_made_from_another_compiles_its_own_tables():
    """The tables are the model's own: a Fitted made by dataclasses.replace with other weights
    does not read the first one's compiled rows (they are not a constructor field)."""
    import dataclasses

    model = load_model()
    term = default_project().glossary.terms["scheming"]
    words = (set(_known_words(model.stage1, term, "near", 5)), set())
    _same(model.stage1, term, [], words)  # compiles the first model's tables
    halved = {k: v / 2 for k, v in model.stage1.weights.items()}
    other = dataclasses.replace(model.stage1, weights=halved)
    assert other.compiled is not model.stage1.compiled
    assert _same(other, term, [], words) != _same(model.stage1, term, [], words)
