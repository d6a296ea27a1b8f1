"""Every way a sense gets decided, on documents written for the purpose."""

from __future__ import annotations

import pytest
from conftest import occ_at

from termlint.errors import TermlintError
from termlint.glossary.entries import load_glossary

SCHEMING_SENSES = {s.id for s in load_glossary().terms["scheming"].senses}


def test_declaration_in_front_matter_decides(lint):
    r = lint(
        "---\ntermlint:\n  senses: {scheming: worst-case-model}\n---\n"
        "Our AI plan must survive scheming.\n"
    )
    occ = occ_at(r, "scheming.")
    assert (occ.sense, occ.status) == ("worst-case-model", "declared")
    assert "front matter" in occ.evidence[0]
    assert not r.diagnostics


def test_declaration_by_comment_decides(lint):
    r = lint("<!-- termlint-sense scheming=roleplay -->\n\nThe AI model was scheming.\n")
    occ = occ_at(r, "scheming.")
    assert (occ.sense, occ.status) == ("roleplay", "declared")


def test_unknown_sense_in_declaration_is_an_input_error(project):
    from termlint.pipeline import lint_text

    r = lint_text(
        "---\ntermlint:\n  senses: {scheming: plotting}\n---\nAI scheming.\n", "d.md", project
    )
    assert isinstance(r.error, TermlintError)
    assert "unknown sense 'plotting'" in str(r.error) and r.error.path == "d.md"


@pytest.mark.parametrize(
    "definition",
    [
        "By scheming I mean an AI model that plays the training game to gain power after training.",
        "In this post, scheming (i.e. training-gaming by a power-motivated model) is the worry.",
        "We use 'schemer' to refer to a power-motivated instrumental training-gamer.",
        "In this post, following Carlsmith, a schemer is a model that games training to get "
        "power later.",
    ],
)
def test_definition_sets_the_sense_for_later_uses(lint, definition):
    r = lint(f"{definition}\n\nLater, is an AI model likely to be scheming at all?\n")
    later = occ_at(r, "scheming at all")
    assert later.sense == "power-motivated-training-gamer"
    assert later.status == "established"
    assert "defined on line 1" in later.evidence[0]
    assert not [d for d in r.diagnostics if d.rule == "ambiguous-term"]


_CARLSMITH = "Following Carlsmith, a schemer is a model that games training to get power later."


def test_a_definition_for_one_passage_settles_only_the_uses_the_model_can_read(lint):
    # Not said to hold for the document: a later use the model still reads as unclear, the
    # definition in view, is flagged (on dev such uses were unclear to the readers more
    # often than not); one it can read takes the defined sense.
    r = lint(f"{_CARLSMITH}\n\nLater, we ask whether scheming is likely at all.\n")
    assert occ_at(r, "scheming is likely").status == "ambiguous"
    assert [d for d in r.diagnostics if d.rule == "ambiguous-term"]
    r = lint(f"{_CARLSMITH}\n\nLater, the AI model kept scheming to get power after training.\n")
    later = occ_at(r, "scheming to get")
    assert (later.sense, later.status) == ("power-motivated-training-gamer", "established")


def test_a_definition_holds_from_the_start_of_its_paragraph(lint):
    # a lead-in use right before the definition, in the same paragraph, is read by it …
    r = lint(f"Is an AI model likely to be scheming at all? {_CARLSMITH}\n")
    first = occ_at(r, "scheming at all")
    assert (first.sense, first.status) == ("power-motivated-training-gamer", "established")
    assert "defined on line 1" in first.evidence[0]
    # … a use in an earlier paragraph is not
    r = lint(f"Is an AI model likely to be scheming at all?\n\n{_CARLSMITH}\n")
    assert occ_at(r, "scheming at all").status == "ambiguous"


def test_definition_in_own_words_quiets_later_uses(lint):
    r = lint(
        "By scheming we mean something of our own that we describe at length below.\n\n"
        "Then the AI model was scheming.\n"
    )
    later = occ_at(r, "scheming.")
    # read as the nearest glossary sense, so `senses` can say how the draft reads
    assert later.status == "defined" and later.sense in SCHEMING_SENSES
    assert "own words" in later.evidence[0]
    assert not [d for d in r.diagnostics if d.rule == "ambiguous-term"]


def test_two_competing_definitions_do_not_settle_the_sense(lint):
    r = lint(
        "By scheming I mean a power-motivated training-gamer.\n\n"
        "But in section 2 we use 'schemer' to refer to a worst-case model that subverts "
        "control.\n\n"
        "So is the AI system scheming?\n"
    )
    assert occ_at(r, "scheming?").status == "ambiguous"


def test_link_to_a_glossary_sense_decides_and_establishes(lint):
    r = lint(
        "Models may be [scheming](https://termlint.example/glossary/scheming.html"
        "#visible-cot-gaming) here.\n\nThe AI model kept scheming.\n"
    )
    first = occ_at(r, "scheming]")
    assert (first.sense, first.status) == ("visible-cot-gaming", "linked")
    assert occ_at(r, "scheming.\n").sense == "visible-cot-gaming"


def _probability(lint, text, needle, sense):
    occ = occ_at(lint(text), needle)
    return occ, occ.scores.get(sense, 0.0)


def test_link_to_a_cited_source_counts_as_a_cue(lint):
    _, linked = _probability(
        lint,
        "The AI models were [scheming](https://arxiv.org/abs/2412.04984v2) in tests.\n",
        "scheming]",
        "in-context-scheming",
    )
    _, bare = _probability(
        lint,
        "The AI models were [scheming](https://example.org/x) in tests.\n",
        "scheming]",
        "in-context-scheming",
    )
    assert linked > bare, (linked, bare)


def test_heading_frames_the_section(lint):
    body = "The AI model was scheming in two of the runs.\n"
    occ, framed = _probability(
        lint,
        "# Notes\n\n## In-context scheming in frontier models\n\n" + body,
        "scheming in two",
        "in-context-scheming",
    )
    _, bare = _probability(
        lint, "# Notes\n\n## Results\n\n" + body, "scheming in two", "in-context-scheming"
    )
    assert framed > bare, (framed, bare)
    assert any(r["kind"] == "heading" for r in occ.reasons) or framed > 2 * bare


def test_qualifier_next_to_the_word_decides(lint):
    r = lint("An AI lab should fear worst-case scheming more than anything.\n")
    occ = occ_at(r, "scheming more")
    assert occ.sense == "worst-case-model" and occ.status == "resolved"
    assert any("next to the word" in e for e in occ.evidence)


def test_cues_elsewhere_in_the_sentence_decide(lint):
    r = lint("The model wrote in its scratchpad that it would comply, a clear case of scheming.\n")
    assert occ_at(r, "scheming.").sense == "visible-cot-gaming"


def test_paragraph_context_moves_a_bare_sentence(lint):
    occ, context = _probability(
        lint,
        "Apollo gave each AI model a goal in its system prompt. "
        "Then we watched. Scheming followed quickly.\n",
        "Scheming",
        "in-context-scheming",
    )
    _, bare = _probability(
        lint,
        "We had lunch. Then we watched. Scheming followed quickly.\n",
        "Scheming",
        "in-context-scheming",
    )
    assert context > bare + 0.1, (context, bare)
    assert max(occ.scores, key=occ.scores.get) == "in-context-scheming"


def test_framing_of_the_whole_document(lint):
    paragraphs = [
        "Carlsmith's report asks what SGD will select for.",
        "The counting argument says most goals are beyond-episode goals.",
        "A training-gamer plays the training game to gain power later.",
        "Speed costs may count against it during training.",
        "Other text without cues about the AI.",
        "So how likely is a schemer overall?",
    ]
    occ, framed = _probability(
        lint, "\n\n".join(paragraphs) + "\n", "schemer overall", "power-motivated-training-gamer"
    )
    _, bare = _probability(
        lint,
        "Other text without cues about the AI.\n\nSo how likely is a schemer overall?\n",
        "schemer overall",
        "power-motivated-training-gamer",
    )
    assert framed > bare + 0.1, (framed, bare)
    assert max(occ.scores, key=occ.scores.get) == "power-motivated-training-gamer"


def test_framing_reads_every_block_so_moving_a_paragraph_changes_nothing(project):
    """The framing of a document comes from all of it, not only the blocks near a term."""
    from termlint.model import SourceText
    from termlint.pipeline import read_document
    from termlint.senses import evidence
    from termlint.senses.resolver import prepare_view

    cues = [
        "Carlsmith's report asks what SGD will select for.",
        "The counting argument says most goals are beyond-episode goals.",
        "A training-gamer plays the training game to gain power later.",
    ]
    filler = [f"Filler paragraph number {n} with nothing in it." for n in range(4)]
    question = "So how likely is a schemer overall?"
    framings = []
    for order in (filler + cues, cues + filler):
        text = "\n\n".join([*order, question]) + "\n"
        doc, analyses, occurrences = read_document(SourceText("d.md", text), project)
        view, _, _ = prepare_view(doc, analyses, project.glossary, occurrences)
        occ = occurrences[-1]
        found = evidence.framing(view, occ, project.glossary.terms["scheming"])
        framings.append(sorted((e.sense, round(e.strength, 6)) for e in found))
    assert framings[0] and framings[0] == framings[1]
    assert max(framings[0], key=lambda x: x[1])[0] == "power-motivated-training-gamer"


@pytest.mark.parametrize(
    "text",
    [
        "The Ponzi scheme collapsed.",
        "We changed the colour scheme of the AI dashboard.",
        "Our naming scheme for models is simple.",
        "The training scheme for the model had three stages.",
        "The schema of the AI dataset changed.",
        "The interpreter is written in Scheme.",
    ],
)
def test_excluded_uses_are_not_occurrences(lint, text):
    assert lint(text + "\n").occurrences == []


@pytest.mark.parametrize(
    "text, needle",
    [
        ("The word “schemer” is used for several things in AI safety.", "schemer"),
        ("The term scheming is overloaded in AI safety.", "scheming"),
        ("Some AI researchers avoid the label 'schemer' altogether.", "schemer"),
        ("In AI safety, 'scheming' means several things.", "scheming"),
    ],
)
def test_mentions_are_not_flagged(lint, text, needle):
    r = lint(text + "\n")
    occ = occ_at(r, needle)
    assert occ.mention and occ.status == "mention" and occ.sense is None
    assert not r.diagnostics


@pytest.mark.parametrize(
    "text",
    [
        "Iago spends the whole play scheming against Othello.",
        "The scheming uncle in the novel wants the estate.",
        "Office politics rewards the colleague best at scheming.",
    ],
)
def test_human_plotting_is_colloquial_and_never_flagged(lint, text):
    r = lint("This post is about AI models and training.\n\n" + text + "\n")
    occ = r.occurrences[-1]
    assert occ.sense == "colloquial"
    assert not [d for d in r.diagnostics if d.rule == "ambiguous-term"]


def test_verb_forms_count_only_as_verbs(lint):
    r = lint("Frontier AI models might scheme. A scheme to fund research failed.\n")
    assert [o.match for o in r.occurrences] == ["scheme"]
    assert r.occurrences[0].start == r.source.text.index("scheme.")


def test_bare_use_in_ai_context_is_ambiguous_with_candidates(lint):
    r = lint("AI labs should prepare for scheming before the next model ships.\n")
    occ = occ_at(r, "scheming")
    assert occ.status == "ambiguous" and occ.sense is None
    assert {"power-motivated-training-gamer", "worst-case-model", "in-context-scheming"} <= set(
        occ.candidates
    )


def test_contrasting_cues_stay_ambiguous(lint):
    r = lint(
        "Unlike in-context evaluations, worst-case analysis matters, so the AI model "
        "scheming is the issue.\n"
    )
    occ = occ_at(r, "scheming is")
    assert occ.status == "ambiguous"


def test_every_decision_records_evidence(lint):
    r = lint(
        "By scheming I mean a power-motivated training-gamer.\n\nAn AI schemer, then. "
        "In-context scheming in evals. The word 'schemer'. The AI was scheming.\n"
    )
    for occ in r.occurrences:
        assert occ.evidence, occ


# -- who does it: senses told apart by their agent -----------------------------------------

GLOSSARY_AGENTS = {"ai-strategic-underperformance": "ai", "developer-sandbagging": "developer"}


@pytest.mark.parametrize(
    ("text", "sense"),
    [
        (
            "A model that sandbags dangerous-capability evals makes every threshold meaningless.",
            "ai-strategic-underperformance",
        ),
        (
            "An eval that a sandbagging model can pass by playing dumb is not a safety eval.",
            "ai-strategic-underperformance",
        ),
        (
            "Labs accused of sandbagging safety evaluations to dodge new rules.",
            "developer-sandbagging",
        ),
        (
            "The worry here is sandbagging by the developer, not by anything it trained.",
            "developer-sandbagging",
        ),
    ],
)
def test_who_does_it_tells_the_senses_of_sandbagging_apart(lint, text, sense):
    occ = next(o for o in lint(text + "\n").occurrences if o.term_id == "sandbagging")
    assert (occ.sense, occ.status) == (sense, "resolved")
    assert occ.agent == GLOSSARY_AGENTS[sense]
    if GLOSSARY_AGENTS[sense] == "developer":
        assert any(r["kind"] == "agent" for r in occ.reasons)
    # Since the second edition three senses are done by the AI (on an evaluation, on useful
    # work, in training), so "the model" alone names none of them; what is underperformed on
    # (an evaluation, a test) tells the evaluation sense apart.


@pytest.mark.parametrize(
    "text",
    [
        "We take this as weak evidence that the model was not sandbagging.",
        "Did the model actually sandbag, or is the harder variant just harder?",
    ],
)
def test_the_model_as_agent_speaks_against_the_developer_sense(lint, text):
    """On an evaluation, on useful work or in training: all three are the model's doing, and
    none of them is the developers'."""
    occ = next(o for o in lint(text + "\n").occurrences if o.term_id == "sandbagging")
    assert occ.agent == "ai"
    ai = max(
        occ.scores.get(s, 0.0)
        for s in ("ai-strategic-underperformance", "research-sabotage", "training-sandbagging")
    )
    assert occ.scores.get("developer-sandbagging", 0.0) < ai / 3


@pytest.mark.parametrize(
    "text",
    [
        "Sandbagging is the failure mode we know least about.",
        "The risk of sandbagging grows with capability.",
    ],
)
def test_without_an_agent_next_to_it_sandbagging_stays_unclear(lint, text):
    occ = next(o for o in lint(text + "\n").occurrences if o.term_id == "sandbagging")
    assert occ.status == "ambiguous" and not occ.agent


def test_an_agent_names_no_sense_for_terms_whose_senses_share_one(lint):
    # Every AI sense of scheming is done by a model: "the model is scheming" stays unclear.
    occ = next(o for o in lint("In this run the model is scheming.\n").occurrences)
    assert occ.status == "ambiguous" and occ.agent == ""


# -- mentions: quoted words in lists, and sentences about words ----------------------------


def test_a_quoted_term_listed_after_a_mention_is_a_mention_too(lint):
    r = lint('Staff will meet the words "scheming" and "deceptive alignment" in submissions.\n')
    assert [(o.term_id, o.mention) for o in r.occurrences] == [
        ("scheming", True),
        ("deceptive-alignment", True),
    ]
    assert not any(d.rule == "ambiguous-term" for d in r.diagnostics)


@pytest.mark.parametrize(
    "text",
    [
        'Three of this week\'s abstracts use "scheming" without any qualifier.',
        "'Alignment faking' is a slightly unfortunate name for what the paper shows.",
        'In this thread alone "scheming" has meant at least three different things.',
    ],
)
def test_a_quoted_term_in_a_sentence_about_words_is_a_mention(lint, text):
    [occ] = lint(text + "\n").occurrences
    assert occ.mention and occ.status == "mention"


@pytest.mark.parametrize(
    "text",
    [
        'The model was "scheming" in only two of the fifty rollouts.',  # scare quotes: a use
        "The name of the game is scheming, and the model keeps playing it.",  # not quoted
    ],
)
def test_quotes_or_word_talk_alone_do_not_make_a_mention(lint, text):
    [occ] = lint(text + "\n").occurrences
    assert not occ.mention


@pytest.mark.parametrize(
    "text",
    [
        "When AI researchers talk about **AI scheming**, they mean an AI system that secretly "
        "pursues goals its developers did not intend.",
        "If we speak of schemers, we mean models that fake alignment to keep their goals.",
    ],
)
def test_saying_what_people_mean_when_they_talk_about_the_word_defines_it(lint, text):
    r = lint(text + "\n\nTools for detecting scheming should be ready before they are needed.\n")
    first, later = [o for o in r.occurrences if o.term_id == "scheming"]
    assert first.status == "defined"
    # a definition for one passage settles a later use the model can read; one it reads as
    # unclear is flagged, never silently read as another sense
    flagged = any(d.rule == "ambiguous-term" for d in r.diagnostics)
    assert (later.status in ("established", "defined") and later.sense == first.sense) or (
        later.status == "ambiguous" and flagged
    )


def test_talking_about_the_word_without_saying_what_it_means_defines_nothing(lint):
    r = lint("When people talk about scheming, they get nervous.\n")
    assert r.occurrences[0].status == "ambiguous"


@pytest.mark.parametrize(
    "text",
    [
        "The regent spends the novel plotting, and her scheming is mostly defensive.",
        "In the second act he is scheming against his brother again.",
        "Her chancellor is scheming too, against her.",
    ],
)
def test_a_person_right_before_the_word_makes_it_everyday_even_among_ai_words(lint, text):
    doc = "Our evals prompt AI models with a secret goal.\n\n" + text + "\n"
    occ = next(o for o in lint(doc).occurrences if o.term_id == "scheming")
    assert occ.status == "colloquial"


def test_a_pronoun_further_off_does_not_make_a_use_everyday(lint):
    doc = (
        "Our evals prompt AI models with a secret goal.\n\n"
        "She thinks the whole field worries too much about scheming.\n"
    )
    occ = next(o for o in lint(doc).occurrences if o.term_id == "scheming")
    assert occ.status != "colloquial"


def test_an_authors_definition_defines_the_word_for_the_document(lint):
    r = lint(
        "Van der Weij et al. define sandbagging as strategic underperformance on an "
        "evaluation.\n\nSandbagging is hard to catch.\n"
    )
    first, later = r.occurrences
    assert first.status == "defined" and later.status in ("established", "defined")
    assert later.sense == first.sense == "ai-strategic-underperformance"
    r = lint("Critics define the problem away.\n\nSandbagging is hard to catch.\n")
    assert r.occurrences[0].status == "ambiguous"


def test_a_cited_papers_title_written_out_counts_as_citing_it(lint):
    r = lint(
        "*Alignment Faking in Large Language Models* is still the clearest demonstration "
        "that alignment faking can emerge without being trained in.\n"
    )
    first = r.occurrences[0]
    assert max(first.scores, key=first.scores.get) == "selective-compliance"
    assert any("cites" in e for e in first.evidence)


def test_a_short_title_is_just_a_phrase(lint, project):
    from termlint.senses.citations import TITLE_MIN_WORDS, source_indexes

    _, (pattern, by_title) = source_indexes(project.glossary)
    assert all(len(t.split()) >= TITLE_MIN_WORDS for t in by_title)
    assert pattern.search("we saw gradient hacking and ai control protocols") is None
