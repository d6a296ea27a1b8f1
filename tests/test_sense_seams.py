"""The sense reader piece by piece, on small hand-built inputs (no tuned glossary, no weights file).

Each provider of typed evidence, the feature builder, the learner and the decision are tested
alone here; the end-to-end behaviour through the real glossary is in test_resolution.py.
"""

from __future__ import annotations

import pytest

from termlint.document.markdown import parse_markdown
from termlint.glossary.entries import Cue, Glossary, Sense, Term
from termlint.model import BlockAnalysis, CueHit, Establishment, Occurrence, SourceText, Status
from termlint.senses import decide, evidence, features, learn
from termlint.senses.citations import governs_document, is_definitional
from termlint.senses.evidence import DocumentView, EvidenceKind
from termlint.senses.weights import SenseModel


def _term() -> Term:
    senses = [
        Sense("lab", "Lab sense", "d", "plotting", cues=[Cue("in-lab", 2.0)]),
        Sense("lab-narrow", "Narrow lab sense", "d", "plotting", broader="lab"),
        Sense("field", "Field sense", "d", "plotting", cues=[Cue("in-field", 2.0)]),
        Sense("everyday", "Everyday", "d", "plotting", ai=False),
    ]
    return Term("plotting", "plotting", "s", ["plotting"], senses)


def _glossary() -> Glossary:
    return Glossary({"plotting": _term()}, {})


def _cue(sense, start, token, sentence=0, weight=2.0, phrase="cue"):
    return CueHit("plotting", sense, phrase, weight, start, start + 5, token, token + 1, sentence)


def _occ(start, token, sentence=0, block=0) -> Occurrence:
    return Occurrence(
        "plotting",
        "plotting",
        start,
        start + 8,
        block,
        sentence,
        token,
        text_start=start,
        text_end=start + 8,
    )


def _view(text: str, analyses: list[BlockAnalysis], occs: list[Occurrence]) -> DocumentView:
    doc = parse_markdown(SourceText(path="t.md", text=text))
    return DocumentView.build(doc, analyses, _glossary(), occs)


# -- definitions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "By plotting I mean a model that acts aligned only while watched.",
        "Plotting — acting aligned in training to avoid being modified — is rare.",
        "We say a system is plotting if it hides its goal from its developers.",
        "This is what we call plotting in this post.",
        "Plotting, here, is any covert pursuit of a goal.",
        "A plotter is a model that plays along in training.",
        "I use plotting broadly, i.e. for any hidden pursuit of a goal.",
        "I'm using a broad definition of plotting: any covert pursuit of a goal.",
        "We adopt the narrow definition of plotting here.",
        'Throughout this post, "plotting" means a model hiding its goal.',
        "In what follows, plotting refers to hidden goal pursuit.",
        "By plotting, throughout this post and elsewhere, I mean hidden goal pursuit.",
        "By plotting I'll mean roughly what Redwood people mean: hidden goal pursuit.",
        "By plotting we will mean a model hiding its goal.",
    ],
)
def test_definitional_shapes(sentence):
    word = "plotter" if "plotter" in sentence else "plotting"
    start = sentence.lower().index(word)
    assert is_definitional(sentence, start, start + len(word))


@pytest.mark.parametrize(
    "sentence",
    [
        "Plotting is more likely in larger models.",
        "We found plotting in two of the six runs.",
        "The paper's definition of plotting is too broad.",
        "Plotting means trouble for the lab.",
        "Here plotting is rare.",
    ],
)
def test_not_definitional(sentence):
    start = sentence.lower().index("plotting")
    assert not is_definitional(sentence, start, start + len("plotting"))


def test_document_scope():
    assert governs_document("In this post I use plotting broadly, i.e. for any hidden goal.")
    assert not governs_document("Plotting, the hidden kind, is rare.")
    assert governs_document("I'm using a broad definition of plotting: any hidden goal.")
    assert governs_document("We are using the narrow definition of plotting.")
    assert governs_document('Throughout, "plotting" means a model hiding its goal.')
    assert not governs_document("Their definition of plotting is narrow.")
    # a stipulation in the future tense governs the document as the present one does
    assert governs_document("By plotting I'll mean hidden goal pursuit.")
    assert governs_document("By plotting we will mean hidden goal pursuit.")
    assert not governs_document("By plotting they mean hidden goal pursuit.")


# -- providers -----------------------------------------------------------------------------


def test_qualifier_sentence_cue_and_contrast():
    text = "In-lab plotting happened, or just in-field play?\n"
    a = BlockAnalysis(
        sentences=[(0, len(text) - 1)], cues=[_cue("lab", 0, 0), _cue("field", 33, 8)]
    )
    occ = _occ(7, 2)
    view = _view(text, [a], [occ])
    found = list(evidence.sentence_cues(view, occ, _term()))
    kinds = {(e.kind, e.sense) for e in found}
    assert (EvidenceKind.QUALIFIER, "lab") in kinds
    assert (EvidenceKind.CONTRAST, "field") in kinds  # "or just …" sets it against the word


def test_far_cue_in_the_sentence_is_weaker_than_near():
    text = "plotting " + "word " * 20 + "in-lab\n"
    a = BlockAnalysis(sentences=[(0, len(text) - 1)], cues=[_cue("lab", len(text) - 7, 21)])
    occ = _occ(0, 0)
    view = _view(text, [a], [occ])
    (e,) = evidence.sentence_cues(view, occ, _term())
    assert e.kind is EvidenceKind.SENTENCE_CUE and 0.3 <= e.strength < 1


def test_framing_reads_every_block_but_not_the_use_itself():
    text = "# Title\n\nin-field in-field in-field\n\nplotting here in-lab\n"
    blocks = parse_markdown(SourceText(path="t.md", text=text)).blocks
    analyses = [BlockAnalysis() for _ in blocks]
    analyses[1] = BlockAnalysis(
        sentences=[(0, 26)],
        cues=[
            _cue("field", 0, 0, phrase="a"),
            _cue("field", 9, 1, phrase="b"),
            _cue("field", 18, 2, phrase="c"),
        ],
    )
    analyses[2] = BlockAnalysis(sentences=[(0, 20)], cues=[_cue("lab", 14, 2)])
    occ = _occ(0, 0, block=2)
    view = DocumentView.build(
        parse_markdown(SourceText(path="t.md", text=text)), analyses, _glossary(), [occ]
    )
    shares = {e.sense: e.strength for e in evidence.framing(view, occ, _term())}
    assert shares == {"field": 1.0}  # the use's own sentence is not its framing


def test_people_evidence_only_for_a_term_with_an_everyday_sense():
    text = "Her plotting worked.\n"
    a = BlockAnalysis(sentences=[(0, 20)], pronoun_tokens=[(0, 0)])
    occ = _occ(4, 1)
    view = _view(text, [a], [occ])
    found = list(evidence.people(view, occ, _term()))
    assert {e.tier for e in found} >= {"pronoun", "no-ai-doc"}
    assert all(e.sense == "everyday" for e in found)


def test_other_uses_and_definitions_read_the_first_pass():
    text = "plotting one. plotting two.\n"
    a = BlockAnalysis(sentences=[(0, 13), (14, 27)])
    first, second = _occ(0, 0, 0), _occ(14, 2, 1)
    view = _view(text, [a], [first, second])
    view.first_pass = {0: {"lab": 0.9, "field": 0.1}, 1: {"lab": 0.2, "field": 0.8}}
    view.definitional = {0}
    others = {e.sense: e.strength for e in evidence.other_uses(view, second, _term())}
    assert others == pytest.approx({"lab": 0.9, "field": 0.1})
    defs = list(evidence.definitions(view, second, _term()))
    assert {(e.sense, e.tier) for e in defs} == {("lab", "before"), ("field", "before")}
    assert not list(evidence.definitions(view, first, _term()))  # not its own definition


# -- features ------------------------------------------------------------------------------


def test_features_per_candidate_with_family_and_words():
    ev = [evidence.Evidence(EvidenceKind.QUALIFIER, "lab-narrow", 1.0, "x", "specific")]
    feats = features.build(_term(), ev, ({"lab"}, {"rate"}))
    by = dict(zip(features.candidates(_term()), feats, strict=True))
    assert by["lab-narrow"]["qualifier.specific"] > 0
    assert by["lab-narrow"]["qualifier.specific@lab-narrow"] > 0
    assert by["lab"]["qualifier.specific~family"] > 0  # a narrower sense speaks for its family
    assert "qualifier.specific" not in by["field"]
    assert by["field"]["near@field:lab"] == 1.0 and by["field"]["sent@field:rate"] == 1.0
    assert all(f[f"bias@{s}"] == 1.0 for s, f in by.items())


# -- learning ------------------------------------------------------------------------------


def _synthetic(n=60):
    out = []
    for i in range(n):
        sense = ["a", "b"][i % 2]
        feats = [{"cue": 1.0 if s == sense else 0.0, f"bias@{s}": 1.0} for s in ("a", "b")]
        out.append(
            learn.Example(
                ["a", "b"],
                feats,
                [1.0 if s == sense else 0.0 for s in ("a", "b")],
                group=str(i // 4),
                label=sense,
            )
        )
    for i in range(20):  # unclear: no cue, target spread evenly
        feats = [{f"bias@{s}": 1.0} for s in ("a", "b")]
        out.append(learn.Example(["a", "b"], feats, [0.5, 0.5], group=f"u{i}", label="ambiguous"))
    return out


def test_fit_learns_what_the_labels_say_and_is_deterministic():
    data = _synthetic()
    first = learn.fit(data, l2=0.1, iterations=300)
    second = learn.fit(data, l2=0.1, iterations=300)
    assert first.weights == second.weights
    assert first.weights["cue"] > 1.0
    p = first.probabilities([{"cue": 1.0, "bias@a": 1.0}, {"bias@b": 1.0}])
    assert p[0] > 0.75 and abs(sum(p) - 1) < 1e-9
    unclear = first.probabilities([{"bias@a": 1.0}, {"bias@b": 1.0}])
    assert abs(unclear[0] - 0.5) < 0.1  # where readers could not tell, neither can the model


def test_folds_keep_a_document_together():
    data = _synthetic()
    parts = learn.folds(data, 5, seed=1)
    for fold in parts:
        groups = {data[i].group for i in fold}
        others = {data[i].group for f in parts if f is not fold for i in f}
        assert not groups & others


def test_temperature_softens_an_overconfident_model():
    data = [e for e in _synthetic() if e.label != "ambiguous"]
    # scores that are right only 3 times in 4 but very sure: the temperature should rise
    scores = [
        [8.0, 0.0] if (i % 4 != 0) == (e.label == "a") else [0.0, 8.0] for i, e in enumerate(data)
    ]
    assert learn.fit_temperature(data, scores) > 1.5


# -- the decision --------------------------------------------------------------------------


def _model():
    return SenseModel(
        learn.Fitted({}),
        learn.Fitted({}),
        {"strict": 0.8, "normal": 0.6, "relaxed": 0.4},
        inconsistent=0.85,
    )


def _decide(probs, established=None, threshold=0.6, people=False, **kw):
    occ = _occ(0, 0)
    feats = [{} for _ in features.candidates(_term())]
    if people:  # a person next to the word: the everyday reading has evidence of its own
        feats[features.candidates(_term()).index("everyday")] = {"people.person": 0.7}
    decide.apply(occ, _term(), probs, [], feats, _model(), threshold, established, **kw)
    return occ


def test_decision_resolves_above_the_threshold_and_flags_below():
    assert (
        _decide({"lab": 0.7, "lab-narrow": 0.0, "field": 0.3, "everyday": 0.0}).status
        == Status.RESOLVED
    )
    occ = _decide({"lab": 0.3, "lab-narrow": 0.0, "field": 0.3, "everyday": 0.0, "?": 0.4})
    assert occ.status == Status.AMBIGUOUS and occ.sense is None
    assert set(occ.candidates[:2]) == {"lab", "field"}


def test_the_flag_weighs_the_best_sense_against_unclear_not_against_the_other_senses():
    # split between two senses, but the model does not think a reader could not tell
    split = {"lab": 0.5, "lab-narrow": 0.0, "field": 0.45, "everyday": 0.0, "?": 0.05}
    occ = _decide(split)
    assert occ.status == Status.RESOLVED and occ.sense == "lab"
    assert occ.confidence == pytest.approx(0.5)  # still the sense's own probability
    assert decide.clarity(_term(), split) == pytest.approx(0.5 / 0.55)
    # the same best sense with much "a reader could not tell" is flagged
    unclear = {"lab": 0.5, "lab-narrow": 0.0, "field": 0.1, "everyday": 0.0, "?": 0.4}
    assert _decide(unclear).status == Status.AMBIGUOUS


def test_a_family_counts_together_and_names_the_narrower_sense_when_it_leads():
    occ = _decide({"lab": 0.25, "lab-narrow": 0.4, "field": 0.35, "everyday": 0.0})
    assert occ.status == Status.RESOLVED and occ.sense == "lab-narrow"
    assert occ.confidence == pytest.approx(0.65)


def test_strictness_moves_the_flag():
    probs = {"lab": 0.7, "lab-narrow": 0.0, "field": 0.1, "everyday": 0.0, "?": 0.2}
    assert _decide(probs, threshold=0.8).status == Status.AMBIGUOUS
    assert _decide(probs, threshold=0.4).status == Status.RESOLVED


def test_everyday_reading_needs_evidence_of_people_and_declarations_win():
    everyday = {"lab": 0.2, "lab-narrow": 0.0, "field": 0.1, "everyday": 0.45, "?": 0.25}
    assert _decide(everyday, people=True).status == Status.COLLOQUIAL
    # in alignment writing a bare use is about AI: the absence of AI words is not enough
    assert _decide(everyday).status == Status.AMBIGUOUS
    # unless the model is sure on its own (everyday words the people lexicon lacks)
    sure = {"lab": 0.05, "lab-narrow": 0.0, "field": 0.05, "everyday": 0.8, "?": 0.1}
    assert _decide(sure).status == Status.COLLOQUIAL
    declared = Establishment("field", "declared in front matter", 0, 1, declared=True)
    occ = _decide(
        {"lab": 0.3, "lab-narrow": 0.0, "field": 0.3, "everyday": 0.0, "?": 0.4}, declared
    )
    assert occ.status == Status.DECLARED and occ.sense == "field"
    rival = _decide({"lab": 0.95, "lab-narrow": 0.0, "field": 0.05, "everyday": 0.0}, declared)
    assert rival.status == Status.INCONSISTENT and rival.sense == "lab"


def test_own_words_definition_settles_later_uses_with_its_nearest_sense():
    own = Establishment(
        "field", "defined in the document's own words on line 1", 0, 1, own_words=True
    )
    occ = _decide({"lab": 0.25, "lab-narrow": 0.0, "field": 0.35, "everyday": 0.0, "?": 0.4}, own)
    assert occ.status == Status.DEFINED and occ.sense == "field"
    # a later use whose own words clearly say which sense is read as that sense
    occ = _decide({"lab": 0.9, "lab-narrow": 0.0, "field": 0.1, "everyday": 0.0}, own)
    assert occ.status == Status.RESOLVED and occ.sense == "lab"


def test_a_term_threshold_moves_with_strictness_and_survives_the_model_file():
    model = _model()
    model.term_shift = {"plotting": -0.2}
    assert model.threshold("normal", "plotting") == pytest.approx(0.4)
    assert model.threshold("strict", "plotting") == pytest.approx(0.6)
    assert model.threshold("normal", "other") == pytest.approx(0.6)
    model.term_shift = {"plotting": -0.9}
    assert model.threshold("relaxed", "plotting") == pytest.approx(0.01)  # kept inside (0, 1)
    again = SenseModel.from_json(model.to_json())
    assert again.term_shift == {"plotting": -0.9}
    assert SenseModel.from_json({**model.to_json(), "term_shift": {}}).term_shift == {}


def test_a_definitions_reading_gives_way_to_a_sense_holding_most_of_the_mass():
    # a rival sense at 0.6: enough against a sense read from a definition (it is a reading
    # too, and can be wrong), not against a declaration (the author's explicit choice)
    probs = {"lab": 0.6, "lab-narrow": 0.0, "field": 0.3, "everyday": 0.0, "?": 0.1}
    defined = Establishment("field", "defined on line 1", 0, 1, defined=True)
    occ = _decide(probs, defined)
    assert occ.status == Status.INCONSISTENT and occ.sense == "lab"
    assert "defined on line 1" in occ.evidence[-1]
    declared = Establishment("field", "declared in front matter", 0, 1, declared=True)
    assert _decide(probs, declared).status == Status.DECLARED
    # a minority rival leaves the definition's sense in place
    weak = {"lab": 0.45, "lab-narrow": 0.0, "field": 0.45, "everyday": 0.0, "?": 0.1}
    occ = _decide(weak, defined)
    assert occ.status == Status.ESTABLISHED and occ.sense == "field"


def test_the_definitions_cut_off_lives_in_the_model_file_and_old_files_fall_back():
    model = _model()
    assert model.inconsistent_defined == pytest.approx(0.5)
    model.inconsistent_defined = 0.4
    assert SenseModel.from_json(model.to_json()).inconsistent_defined == pytest.approx(0.4)
    old = {k: v for k, v in model.to_json().items() if k != "inconsistent_defined"}
    assert SenseModel.from_json(old).inconsistent_defined == pytest.approx(model.inconsistent)
