"""Rewrites that fit the word's role: every clarification of the real glossary in every role,
the roles read from real sentences, and `fix` leaving names and Title-Case headings alone."""

from __future__ import annotations

import re

import pytest

from termlint.edits.fix import fix_source
from termlint.edits.rewrite import (
    Template,
    fitted,
    render,
    rewrite_use,
    templates,
    title_case,
)
from termlint.edits.roles import VERBS, Role, is_title_case, role_for_occurrence
from termlint.glossary.entries import check_glossary, load_glossary
from termlint.model import SourceText

GLOSSARY = load_glossary(use_cache=False)


def _find(text: str, word: str) -> tuple[int, int]:
    m = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w])", text)
    assert m, (word, text)
    return m.start(), m.end()


def role(text: str, word: str, term: str = "scheming") -> Role:
    start, end = _find(text, word)
    return role_for_occurrence(text, start, end, GLOSSARY.terms[term])


# -- reading the role from the words around -------------------------------------------------

ROLE_CASES = [
    # (sentence, word, term, role)
    ("We found signs of scheming in the logs.", "scheming", "scheming", "noun"),
    ("Scheming is what the safety case has to rule out.", "Scheming", "scheming", "noun"),
    (
        "AI labs should prepare for scheming before the next model ships.",
        "scheming",
        "scheming",
        "noun",
    ),
    ("The main concern is scheming.", "scheming", "scheming", "noun"),
    ("One plan is making scheming models on purpose.", "scheming", "scheming", "modifier"),
    ("Scheming models are hard to catch.", "Scheming", "scheming", "modifier"),
    ("early evidence of scheming-related behaviour", "scheming", "scheming", "modifier"),
    ("We ran sandbagging evaluations on both.", "sandbagging", "sandbagging", "modifier"),
    ("a model scheming against its overseers leaves traces", "scheming", "scheming", "verb"),
    ("The model is scheming.", "scheming", "scheming", "verb"),
    ("Models that scheme tend to hide it.", "scheme", "scheming", "verb"),
    ("Models sandbag evaluations when they can.", "sandbag", "sandbagging", "verb"),
    ("A model might sandbag on dangerous-capability tests.", "sandbag", "sandbagging", "verb"),
    ("Models can fake alignment during training.", "fake alignment", "alignment-faking", "verb"),
    ("Models sabotage the research they are given.", "sabotage", "sabotage", "verb"),
    ("Deceptive alignment is the worry.", "Deceptive alignment", "deceptive-alignment", "noun"),
    ("Reasoning stays monitorable for now.", "monitorable", "cot-monitorability", "noun"),
    (
        "We measured CoT monitorability in two ways.",
        "CoT monitorability",
        "cot-monitorability",
        "noun",
    ),
    ("The P(scheming) estimates differ.", "P(scheming)", "p-scheming", "modifier"),
    (
        "Models are rarely deceptively aligned.",
        "deceptively aligned",
        "deceptive-alignment",
        "noun",
    ),
    ("Sabotage of oversight is the worry.", "Sabotage", "sabotage", "noun"),
    ("Weak schemers are easier to catch.", "schemers", "scheming", "agent"),
    ("A schemer would wait.", "schemer", "scheming", "agent"),
    ("Alignment fakers comply in training.", "Alignment fakers", "alignment-faking", "agent"),
    ("# Detecting Scheming in Frontier Models", "Scheming", "scheming", "heading"),
    ("## Study of Worst-Case Schemers", "Schemers", "scheming", "heading"),
    ("## Why scheming is hard to rule out", "scheming", "scheming", "noun"),
    ("## Scheming and control", "Scheming", "scheming", "noun"),
    ("We ran the Scheming Evaluation Suite (SES) on it.", "Scheming", "scheming", "name"),
    ("Scheming Evaluation Suite (SES) results are below.", "Scheming", "scheming", "name"),
    ("# Iterated Development and Study of Schemers (IDSS)", "Schemers", "scheming", "name"),
    ("Apollo measured in-context scheming (ICS) in six settings.", "scheming", "scheming", "name"),
    (
        "Results from the Sandbagging Detection Benchmark follow.",
        "Sandbagging",
        "sandbagging",
        "name",
    ),
    ("Rates of scheming (AI) vary.", "scheming", "scheming", "noun"),  # AI is no name
]


@pytest.mark.parametrize(("text", "word", "term", "expected"), ROLE_CASES)
def test_role_is_read_from_the_words_around(text, word, term, expected):
    assert role(text, word, term).kind == expected


def test_a_setext_heading_counts_as_a_heading():
    text = "Detecting Scheming in Frontier Models\n=====================================\n"
    assert role(text, "Scheming").kind == "heading"


def test_title_case_is_told_from_sentence_case():
    assert is_title_case("Detecting Scheming in Frontier Models")
    assert is_title_case("Scheming")
    assert not is_title_case("Why scheming matters")
    assert not is_title_case("Study of Worst-case schemers")
    assert title_case("worst-case schemers by a role-played persona") == (
        "Worst-Case Schemers by a Role-Played Persona"
    )
    assert title_case("scheming in Korbak et al.'s sense") == "Scheming in Korbak et al.'s Sense"


# -- every template of the real glossary, in every role ---------------------------------------


def _forms(term) -> dict[str, str]:
    """A form of the term for each role it can play (from the term's own forms)."""
    out = {"noun": term.forms[0], "modifier": term.forms[0]}
    for form in [*term.forms, *term.verb_forms]:
        probe = f"Models {form} the evaluations."
        start, end = _find(probe, form)
        kind = role_for_occurrence(probe, start, end, term).kind
        if kind in ("verb", "agent"):
            out.setdefault(kind, form)
    return out


CASES = [
    (term.id, sense.id, i, role_name)
    for term in GLOSSARY.terms.values()
    for sense in term.senses
    for i, _ in enumerate(sense.clarifications)
    for role_name in (*_forms(term), "heading")
]
COVERAGE = [
    (term.id, sense.id, role_name)
    for term in GLOSSARY.terms.values()
    for sense in term.senses
    if sense.clarifications
    for role_name in (*_forms(term), "heading")
]


def test_the_parametrisation_covers_the_glossary():
    with_templates = [s for t in GLOSSARY.terms.values() for s in t.senses if s.clarifications]
    assert len(with_templates) >= 30
    assert {t for t, _, _, r in CASES if r == "verb"} >= {"scheming", "sandbagging", "sabotage"}
    assert {t for t, _, _, r in CASES if r == "agent"} >= {"scheming", "sandbagging"}


def shape_problem(role_name: str, text: str, match: str, template: str) -> str | None:
    """Why a rewrite cannot stand in this role, or None when its shape fits."""
    if "{match}" in text or "  " in text:
        return "left a placeholder or a double space"
    if "{match}" in template and match not in text:
        return "lost the word as written"
    article = re.match(r"(?:a|an|the)\s", text, re.I)
    bare = text.replace(match, "WORD")  # brackets of the word as written ("P(scheming)") count not
    if role_name == "noun":
        if article:
            return "brings its own article (the word as written has one already)"
        if text.split()[0].lower() in VERBS:
            return "is a clause, not a noun phrase"
    if role_name == "modifier":
        if re.search(r"[(),;:]", bare):
            return "a bracket or comma between the modifier and its noun"
        if "{match}" in template and not text.endswith(match):
            return "words between the modifier and its noun"
        if "{match}" not in template and len(text.split()) > 3:
            return "too long to stand before a noun"
    if role_name == "verb":
        pre = text.endswith(match) and not re.search(r"[(),]", bare)
        gloss = text.startswith(match + " (") and text.endswith(")") and text.count("(") == 1
        if not (pre or gloss):
            return "an object after the verb would not follow it (words after, not in brackets)"
        if article:
            return "an article before a verb"
    unbracketed = re.sub(r"\([^)]*\)", "", bare)  # a gloss in brackets describes the kind
    if role_name in ("verb", "agent") and re.search(
        r"\b(?:it|its|itself|they|their)\b", unbracketed
    ):
        return "a pronoun that agrees with only one of singular and plural"
    if role_name == "agent":
        if article:
            return "brings its own article"
        rest = text[text.find(match) + len(match) :] if match in text else ""
        if re.match(r"\s+(?:that|which|who)?\s*(?:is|was|has)\b", rest):
            return "a singular verb after a plural agent noun"
    if role_name == "heading":
        if re.search(r"[(),;:]", bare):
            return "brackets or commas in a heading"
        if not is_title_case(bare):
            return "not Title Case"
    return None


@pytest.mark.parametrize(
    ("term_id", "sense_id", "index", "role_name"),
    CASES,
    ids=[f"{t}/{s}/{i}-{r}" for t, s, i, r in CASES],
)
def test_every_template_in_every_role(term_id, sense_id, index, role_name):
    term = GLOSSARY.terms[term_id]
    template = templates(term.sense(sense_id))[index]
    forms = _forms(term)
    match = forms.get(role_name, forms["noun"])
    if role_name == "heading":
        match = title_case(forms["noun"])
        text = render(template, Role("heading", inner="noun"), match)
    else:
        text = render(template, role_name, match)
    if text is None:
        return  # the template does not fit this role; the coverage test asks for another
    problem = shape_problem(role_name, text, match, template.text)
    assert problem is None, f"{template.text!r} as {role_name} gives {text!r}: {problem}"


@pytest.mark.parametrize(
    ("term_id", "sense_id", "role_name"), COVERAGE, ids=[f"{t}/{s}-{r}" for t, s, r in COVERAGE]
)
def test_every_sense_has_a_rewrite_for_every_role_its_term_plays(term_id, sense_id, role_name):
    term = GLOSSARY.terms[term_id]
    forms = _forms(term)
    role_ = Role("heading", inner="noun") if role_name == "heading" else Role(role_name)
    match = title_case(forms["noun"]) if role_name == "heading" else forms[role_name]
    assert fitted(term.sense(sense_id), role_, match) is not None, (
        f"{term.path}: sense {sense_id!r} has no clarification that fits {role_name}; "
        f"add a {role_name}: form to one of its clarifications"
    )


def test_a_new_plain_template_gets_its_roles_from_its_shape():
    pre = Template("persona-driven {match}", {})
    assert render(pre, "modifier", "scheming") == "persona-driven scheming"
    assert render(pre, "agent", "schemers") == "persona-driven schemers"
    assert render(pre, "verb", "scheme") is None
    assert render(pre, Role("heading", inner="noun"), "Scheming") == "Persona-Driven Scheming"
    post = Template("{match} by a persona", {})
    assert render(post, "noun", "scheming") == "scheming by a persona"
    assert render(post, "modifier", "scheming") is None  # never "scheming by a persona models"
    assert render(post, "agent", "schemers") is None
    assert render(Template("{match} (a gloss)", {}), "agent", "schemers") == "schemers (a gloss)"
    assert render(Template("a worst-case {match} of a kind", {}), "noun", "scheming") is None


def test_sentence_start_capital_moves_to_the_new_first_word():
    sense = GLOSSARY.terms["scheming"].sense("worst-case-model")
    assert fitted(sense, Role("modifier", sentence_start=True), "Scheming") == "Worst-case scheming"
    assert fitted(sense, Role("noun", sentence_start=False), "scheming") == "worst-case scheming"


# -- the review's sentences, rewritten -------------------------------------------------------

REVIEW = (
    "One plan is making scheming models on purpose.\n"
    "\n"
    "Weak schemers which are easier to catch come first.\n"
    "\n"
    "A model scheming against its overseers leaves traces.\n"
)


@pytest.mark.parametrize(
    ("sense", "expected"),
    [
        (
            "roleplay",
            [
                "making role-play scheming models",
                "Weak role-playing schemers which",
                "A model scheming (only as a role-played persona) against its overseers",
            ],
        ),
        (
            "worst-case-model",
            [
                "making worst-case scheming models",
                "Weak worst-case schemers which",
                "A model scheming (in the worst-case sense) against its overseers",
            ],
        ),
        (
            "visible-cot-gaming",
            [
                "making chain-of-thought scheming models",
                "Weak schemers whose reasoning shows in the chain of thought which",
                "A model legibly scheming against",
            ],
        ),
    ],
)
def test_the_reviews_broken_rewrites_now_read(sense, expected):
    term = GLOSSARY.terms["scheming"]
    lines = [line for line in REVIEW.splitlines() if line]
    for line, word, want in zip(lines, ["scheming", "schemers", "scheming"], expected, strict=True):
        start = REVIEW.index(line)
        s, e = _find(line, word)
        new = rewrite_use(REVIEW, start + s, start + e, term, term.sense(sense)).text
        assert want in line[:s] + new + line[e:]


# -- `fix` on a whole document ----------------------------------------------------------------

DRAFT = (
    "# Iterated Development and Study of Schemers (IDSS)\n"
    "\n"
    "One plan is making scheming models on purpose, then studying them. Weak schemers\n"
    "are easier to catch than strong ones.\n"
    "\n"
    # A paragraph of its own: next to the name above, the second sense model reads this use
    # clearly enough not to flag it.
    "Would a model scheming against its overseers leave traces?\n"
    "\n"
    "## Detecting Scheming in Frontier Models\n"
    "\n"
    "The Scheming Audit Protocol (SAP) was written down first.\n"
)


def test_fix_rewrites_prose_by_role_and_leaves_names_and_headings(project):
    plan = fix_source(SourceText("d.md", DRAFT), project, lambda d, o: "roleplay", "rewrite")
    assert plan.new_text == DRAFT.replace(
        "making scheming models", "making role-play scheming models"
    ).replace("Weak schemers", "Weak role-playing schemers").replace(
        "a model scheming against", "a model scheming (only as a role-played persona) against"
    )
    assert len(plan.fixed) == 3
    notes = "\n".join(plan.notes)
    assert "d.md:1:37: `Schemers` is part of the name Iterated Development and Study of " in notes
    assert "d.md:10:5: `Scheming` is part of the name Scheming Audit Protocol (SAP)" in notes
    assert "Title-Case heading “Detecting Scheming in Frontier Models”" in notes
    assert "“Detecting Role-Play Scheming in Frontier Models”" in notes  # a hand edit, offered
    assert notes.count("--how declare") >= 3


def test_names_and_headings_are_left_alone_without_a_sense_too(project):
    plan = fix_source(SourceText("d.md", DRAFT), project, lambda d, o: None, "rewrite")
    assert not plan.changed
    left = [n for n in plan.notes if "declare the sense once instead" in n]
    assert [n.split(":")[1] for n in left] == ["1", "8", "10"]
    assert sum("no sense chosen" in n for n in plan.notes) == 3


def test_a_second_fix_changes_nothing(project):
    once = fix_source(
        SourceText("d.md", DRAFT), project, lambda d, o: "worst-case-model", "rewrite"
    )
    again = fix_source(
        SourceText("d.md", once.new_text), project, lambda d, o: "worst-case-model", "rewrite"
    )
    assert once.changed and not again.changed


def test_many_rewrites_of_one_term_suggest_a_declaration(project):
    text = "".join(f"Paragraph {i} worries about scheming here.\n\n" for i in range(5))
    plan = fix_source(
        SourceText("d.md", text), project, lambda d, o: "in-context-scheming", "rewrite"
    )
    assert len(plan.fixed) == 5
    assert any(
        "5 uses of 'scheming' changed" in n
        and "--sense scheming=in-context-scheming --how declare" in n
        for n in plan.notes
    )


# -- the glossary says the role forms, and the loader checks them ----------------------------

USER_TERM = """\
id: widgeting
term: widgeting
summary: Making widgets, or fidgeting.
forms: [widgeting, widgeter, widgeters]
senses:
  - id: making
    label: Making widgets
    definition: Building small parts.
    clarifications:
      - text: "{match} (making widgets)"
        modifier: "widget-making {match} of parts"
        verb: "busily"
  - id: fidgeting
    label: Fidgeting
    definition: Moving restlessly.
    clarifications:
      - text: "{match} (fidgeting)"
        modifier: "restless {match}"
        verb: "{match} (restlessly)"
        agent: null
"""


def test_the_loader_checks_role_forms(tmp_path):
    folder = tmp_path / "glossary"
    folder.mkdir()
    (folder / "widgeting.yaml").write_text(USER_TERM)
    (folder / "sources.yaml").write_text("sources: {}\n")
    glossary, errors = check_glossary([folder])
    messages = [f"{e.path}:{e.line}: {e.message}" for e in errors]
    assert glossary is None and len(messages) == 2, messages
    assert any(
        m.endswith(
            "widgeting.yaml:6: clarification '{match} (making widgets)' of sense 'making': "
            "its modifier form 'widget-making {match} of parts' must end with {match} "
            "(the noun it modifies follows the word)"
        )
        for m in messages
    ), messages
    assert any("its verb form 'busily' has no {match}" in m for m in messages)


def test_role_forms_load_and_a_null_role_does_not_fit(tmp_path):
    folder = tmp_path / "glossary"
    folder.mkdir()
    text = USER_TERM.replace('"widget-making {match} of parts"', '"widget-making {match}"')
    (folder / "widgeting.yaml").write_text(text.replace('"busily"', '"busily {match}"'))
    (folder / "sources.yaml").write_text("sources: {}\n")
    glossary, errors = check_glossary([folder])
    assert errors == []
    making, fidgeting = glossary.terms["widgeting"].senses
    assert making.clarifications == ["{match} (making widgets)"]  # what the site shows
    assert fitted(making, "modifier", "widgeting") == "widget-making widgeting"
    assert fitted(making, "verb", "widget") == "busily widget"
    assert fitted(making, "agent", "widgeters") == "widgeters (making widgets)"  # derived
    assert fitted(fidgeting, "agent", "widgeters") is None  # said null


# -- a rewrite settles its use -----------------------------------------------------------------

NEUTRAL = {  # sentences with nothing in them that says which sense
    "scheming": {
        "noun": "We looked for signs of scheming in the logs.",
        "modifier": "One plan is making scheming models on purpose.",
        "verb": "Later, a model scheming against its overseers leaves traces.",
        "agent": "Weak schemers are easier to catch than strong ones.",
    },
    "sandbagging": {
        "noun": "We looked for signs of sandbagging in the logs.",
        "modifier": "We saw sandbagging behaviour twice.",  # "evaluations" would settle it
        "agent": "Sandbaggers are hard to catch.",
    },
    "alignment-faking": {
        "noun": "We looked for signs of alignment faking in the logs.",
        "modifier": "We saw alignment faking behaviour twice.",
        "verb": "Models fake alignment when they can.",
        "agent": "Alignment fakers are hard to catch.",
    },
    "sabotage": {
        "noun": "We looked for signs of sabotage in the logs.",
        "agent": "Saboteurs are hard to catch.",
    },
}
SETTLE = [
    (term, role_name, sense.id)
    for term, sentences in NEUTRAL.items()
    for role_name in sentences
    for sense in GLOSSARY.terms[term].senses
    if sense.ai  # the everyday senses need people in the sentence, not models
]


@pytest.mark.parametrize(
    ("term_id", "role_name", "sense_id"), SETTLE, ids=[f"{t}/{r}/{s}" for t, r, s in SETTLE]
)
def test_the_role_fitted_rewrite_settles_the_use(project, term_id, role_name, sense_id):
    text = NEUTRAL[term_id][role_name] + "\n"
    source = SourceText("d.md", text)
    before = fix_source(source, project, lambda d, o: None, "rewrite")
    assert sum("no sense chosen" in n for n in before.notes) == 1, "the sentence is not neutral"
    plan = fix_source(source, project, lambda d, o: sense_id, "rewrite")
    assert plan.changed and len(plan.fixed) == 1, plan.notes
    start, end = _find(text, plan.fixed[0].diagnostic.match)
    assert role(text, text[start:end], term_id).kind == role_name
