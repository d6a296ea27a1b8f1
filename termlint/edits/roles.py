"""The part a flagged word plays in its sentence, read from the words around it.

termlint's spaCy pipeline is a tokenizer and nothing more (no tagger, no parser: they cost more
than the whole lint), so the role of a use is inferred here from the word's own form, its
capitalisation and its neighbours, over the source text alone:

- ``noun``: "signs of scheming", "sandbagging is hard to detect";
- ``modifier``: the word stands before a noun it modifies, "scheming models",
  "sandbagging evaluations", "scheming-related behaviour";
- ``verb``: "models that scheme", "a model scheming against its overseers",
  "models sandbag evaluations", "models fake alignment";
- ``agent``: an agent noun, "schemer", "sandbaggers", "alignment fakers";
- ``heading``: in a Title-Case heading ("Detecting Scheming in Frontier Models"), where a
  rewrite would change a title and the heading's link anchor;
- ``name``: inside a proper name or an acronym's expansion ("the Scheming Evaluation Suite
  (SES)", "Study of Schemers (IDSS)", "in-context scheming (ICS)").

The last two are never rewritten: a declaration says the sense instead. Where the words around
do not settle the role, the guess leans to the role whose rewrites also read well in the other:
a pre-modifier rewrite ("worst-case scheming") fits a noun as well as a modifier, so an unsure
noun-or-modifier is read as a modifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROLES = ("noun", "modifier", "verb", "agent", "heading", "name")
#: The roles a clarification template can be written for; "heading" is derived from these.
TEMPLATE_ROLES = ("noun", "modifier", "verb", "agent")
#: Roles whose uses are left as they are, with a declaration suggested.
LEFT_ALONE = ("heading", "name")

#: Words kept lower case inside a Title-Case heading (unless first).
SMALL_WORDS = frozenset(
    "a an the and but or nor for so yet as at by in of off on per to up via vs with from into "
    "onto over than that not".split()
)
DETERMINERS = frozenset(
    "a an the this that these those its their his her our your my some any no every each "
    "such more most less much many few all both either neither another other whose".split()
)
PREPOSITIONS = frozenset(
    "of in on at by for with from to into onto about against toward towards through during "
    "before after under over without within between among across via per than like as "
    "despite unlike beyond behind around".split()
)
PRONOUNS = frozenset("it they we he she i you them us him one someone something".split())
BE = frozenset("is are was were be been being am 's".split())
MODALS = frozenset(
    "can could may might will would shall should must do does did cannot can't won't don't "
    "doesn't didn't wouldn't couldn't".split()
)
#: Adverbs that stand before a verb ("deliberately sandbag", "actively scheme").
PRE_VERBAL = frozenset(
    "not never also often sometimes still only actually really deliberately intentionally "
    "strategically covertly secretly actively then already just even rarely usually always "
    "later eventually successfully consistently systematically".split()
)
#: Words for what does the scheming: the subject before a verb ("models scheming against").
SUBJECTS = frozenset(
    "model models ai ais system systems agent agents llm llms policy policies assistant "
    "assistants network networks ai's it they which who that claude chatbot chatbots "
    "mesa-optimizer mesa-optimizers developer developers lab labs company companies".split()
)
#: Words that start what follows a verb: an object, a preposition, a particle.
AFTER_VERB = (
    DETERMINERS
    | PREPOSITIONS
    | frozenset(
        "them him her us itself themselves undetected successfully covertly quietly "
        "deliberately secretly".split()
    )
)
#: Words that follow a subject noun as its verb: after one, the term was a noun.
VERBS = frozenset(
    "is are was were be been has have had does do did can could may might will would shall "
    "should must seems seem seemed remains remain remained requires require required means mean "
    "meant involves involve involved happens happen happened occurs occur occurred arises "
    "arise emerges emerge looks look appears appear becomes become matters matter differs "
    "differ refers refer depends depend makes make needs need leads lead implies imply "
    "suggests suggest shows show comes come goes go gets get takes take works work "
    "poses pose presents present describes describe covers cover includes include "
    "threatens threaten undermines undermine won't isn't aren't wasn't weren't".split()
)
CONJUNCTIONS = frozenset("and or but nor so yet because although though while if whether".split())
#: Words that can follow the term and are never the noun it modifies.
NOT_HEADS = (
    DETERMINERS
    | PREPOSITIONS
    | PRONOUNS
    | BE
    | MODALS
    | VERBS
    | CONJUNCTIONS
    | frozenset(
        "there here then now also too very not never only just even here's that's which who "
        "whom whose what when where why how".split()
    )
)
#: Acronyms that are ordinary words of the field, not the initials of a name.
COMMON_ACRONYMS = frozenset(
    "AI AIS AGI ASI LLM LLMS ML RL RLHF SFT GPU GPUS CEO US UK EU API APIS COT".split()
)

#: Endings of adjectives ("monitorable", "deceptive"): such a form is never read as a verb.
ADJECTIVE_ENDINGS = ("able", "ible", "ive", "ous", "ful", "less", "al", "ic")

#: Endings of nouns ("monitorability", "collusion"): such a form is never read as a verb.
NOUN_ENDINGS = ("ity", "tion", "sion", "ness", "ment", "ism", "ance", "ence")

_WORD = re.compile(r"[\w][\w'’\-]*")
_ACRONYM = re.compile(r"\s*\(([A-Z][A-Za-z0-9\-]*[A-Z0-9]s?)\)")
_ATX = re.compile(r"[ ]{0,3}#{1,6}(?:[ \t]|$)")


@dataclass(frozen=True)
class Role:
    """The role of one use, and what the reader of a note needs to know about it."""

    kind: str
    sentence_start: bool = False  # the word opens its sentence (capitalised for that reason)
    reason: str = ""  # why a left-alone use was left alone, in words
    inner: str = ""  # in a heading: the role the word plays in the heading's own words

    @property
    def left_alone(self) -> bool:
        return self.kind in LEFT_ALONE


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end < 0 else line_end


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _is_acronym(word: str) -> bool:
    core = word[:-1] if word.endswith("s") else word
    return len(core) >= 2 and core.isupper() and core.isalpha()


def _sentence_start(text: str, start: int, line_start: int) -> bool:
    """Nothing but Markdown markers, quotes or brackets between the word and the start of its
    sentence (or of its line, in a heading or list item)."""
    i = start
    while i > line_start and text[i - 1] in " \t*_\"'“‘([`>":
        i -= 1
    if i == line_start:
        return True
    before = text[line_start:i]
    if re.fullmatch(r"[ \t]*(?:#{1,6}|[-*+]|\d+[.)])", before):
        return True
    return text[i - 1] in ".!?:;"


def heading_text(text: str, start: int, end: int, in_heading: bool | None = None) -> str | None:
    """The text of the heading a use sits in (ATX or setext), or None outside headings."""
    line_start, line_end = _line_bounds(text, start, end)
    line = text[line_start:line_end].rstrip("\r")
    m = _ATX.match(line)
    if m:
        return re.sub(r"[ \t]+#+[ \t]*$", "", line[m.end() :]).strip()
    next_start = line_end + 1
    next_end = text.find("\n", next_start)
    underline = text[next_start : len(text) if next_end < 0 else next_end].strip()
    if in_heading or (line.strip() and re.fullmatch(r"=+|-+", underline or "x")):
        return line.strip()
    return None


def is_title_case(heading: str) -> bool:
    """Every word that is not a small word ("of", "in", "the") starts with a capital.

    Words after the first are what tell: "Why scheming matters" is sentence case,
    "Detecting Scheming in Frontier Models" is Title Case. A heading of one word is Title Case.
    """
    words = [w for _, _, w in _words(heading)]
    content = [w for w in words[1:] if w.lower() not in SMALL_WORDS and w[:1].isalpha()]
    return all(_is_cap(w) for w in content) and bool(words) and _is_cap(words[0])


def _capitalised_run(line: str, start: int, end: int) -> tuple[list[str], int]:
    """The run of capitalised words (joined by small words) that holds line[start:end],
    and the offset in ``line`` where the run ends."""
    words = _words(line)
    inside = [i for i, (s, e, _) in enumerate(words) if s < end and start < e]
    if not inside:
        return [], end
    lo, hi = inside[0], inside[-1]

    def joined(a: int, b: int) -> bool:  # nothing but spaces between words a and b
        return line[words[a][1] : words[b][0]].strip() == ""

    while lo > 0 and joined(lo - 1, lo):
        w = words[lo - 1][2]
        if _is_cap(w):
            lo -= 1
        elif w.lower() in SMALL_WORDS and lo > 1 and joined(lo - 2, lo - 1):
            if _is_cap(words[lo - 2][2]):
                lo -= 2
            else:
                break
        else:
            break
    while hi + 1 < len(words) and joined(hi, hi + 1):
        w = words[hi + 1][2]
        if _is_cap(w):
            hi += 1
        elif (
            w.lower() in SMALL_WORDS
            and hi + 2 < len(words)
            and joined(hi + 1, hi + 2)
            and _is_cap(words[hi + 2][2])
        ):
            hi += 2
        else:
            break
    while lo < hi and words[lo][2].lower() in DETERMINERS | SMALL_WORDS:
        lo += 1  # "The Scheming Audit Protocol": the article is not part of the name
    return [w for _, _, w in words[lo : hi + 1]], words[hi][1]


def role_of(
    text: str,
    start: int,
    end: int,
    *,
    verb_forms: frozenset[str] = frozenset(),
    head_form: str = "",
    in_heading: bool | None = None,
    capitalised_forms: frozenset[str] = frozenset(),
) -> Role:
    """The role of ``text[start:end]``, a use of a glossary term, in its sentence.

    ``verb_forms`` are the term's verb-only forms (lower case); ``head_form`` its first form;
    ``capitalised_forms`` the forms the glossary itself writes with a capital ("CoT
    monitorability", "P(scheming)"), whose capital says nothing about a name.
    """
    match = text[start:end]
    line_start, line_end = _line_bounds(text, start, end)
    line = text[line_start:line_end]
    s, e = start - line_start, end - line_start
    opens = _sentence_start(text, start, line_start)
    heading = heading_text(text, start, end, in_heading)

    after_match = line[e:]
    acronym = _ACRONYM.match(after_match)
    if acronym and not _is_cap(match) and not _is_acronym_common(acronym.group(1)):
        return Role(
            "name", opens, f"`{match}` is spelled out before the acronym {acronym.group(1)}"
        )
    if _is_cap(match) and match not in capitalised_forms:
        run, run_end = _capitalised_run(line, s, e)
        after_run = _ACRONYM.match(line[run_end:])
        caps = [w for w in run if _is_cap(w) and not _is_acronym(w)]
        if after_run and not _is_acronym_common(after_run.group(1)):
            name = " ".join(run)
            return Role(
                "name", opens, f"`{match}` is part of the name {name} ({after_run.group(1)})"
            )
        if heading is not None and is_title_case(heading):
            inner = _prose_role(line, s, e, match, verb_forms, head_form)
            return Role(
                "heading", opens, f"`{match}` is in the Title-Case heading “{heading}”", inner
            )
        if heading is None and (not opens or len(caps) >= 2):
            words = " ".join(run)
            return Role("name", opens, f"`{match}` is capitalised as part of a name ({words})")

    return Role(_prose_role(line, s, e, match, verb_forms, head_form), opens)


def _is_acronym_common(acronym: str) -> bool:
    return acronym.upper().rstrip("S") in COMMON_ACRONYMS or acronym.upper() in COMMON_ACRONYMS


def _prose_role(
    line: str, s: int, e: int, match: str, verb_forms: frozenset[str], head_form: str
) -> str:
    words = match.lower().split()
    last = re.split(r"[\s\-]+", match.lower())[-1]
    before = [w.lower() for _, _, w in _words(line[:s])][-2:]
    prev = before[-1] if before else ""
    prev2 = before[-2] if len(before) > 1 else ""
    rest = line[e:]
    after = [w.lower() for _, _, w in _words(rest)][:2]
    nxt = after[0] if after else ""
    joined_next = bool(re.match(r"[ \t]+\w", rest)) or rest.startswith("-")
    if prev and line[:s].rstrip()[-1:] in ',;:()"“”':
        prev, prev2 = "", ""  # punctuation cuts the word off from what stands before

    if re.search(r"(?:er|ers|eur|eurs)$", last) and last not in verb_forms:
        return "agent"
    if match.lower() in verb_forms:
        return "verb"
    first = words[0] if words else ""
    if (
        len(words) > 1
        and first.endswith(("e", "es", "ed"))
        and not first.endswith(("ness", *ADJECTIVE_ENDINGS, "ive"))
    ):
        return "verb"  # a verb phrase form: "fake alignment", "fakes alignment"
    if len(words) > 1 and first.endswith("ing") and prev in SUBJECTS | BE:
        return "verb"  # "is faking alignment", "models faking alignment"

    if first.endswith("ing"):  # a form that opens with its -ing word: "scheming", "faking …"
        if prev in BE and (prev2 in SUBJECTS or prev2 in PRONOUNS or nxt in AFTER_VERB):
            return "verb"
        if prev in SUBJECTS and prev not in ("that", "which", "who") and nxt in AFTER_VERB:
            return "verb"
        if prev in ("that", "which", "who") and prev2 in SUBJECTS and nxt in AFTER_VERB:
            return "verb"
    elif (
        " " not in match
        and match.replace("-", "").isalpha()
        and not last.endswith(ADJECTIVE_ENDINGS + NOUN_ENDINGS)
    ):
        head = head_form.lower()
        if prev in MODALS or prev == "to" or prev in PRE_VERBAL:
            return "verb"
        if (prev in SUBJECTS or prev in PRONOUNS) and (
            match.lower() != head or nxt in DETERMINERS or nxt in PRONOUNS
        ):
            return "verb"
        if (
            match.lower() != head
            and head.endswith("ing")
            and prev not in DETERMINERS | PREPOSITIONS
            and not (joined_next and nxt and nxt not in NOT_HEADS)
        ):
            return "verb"

    if rest.startswith("-") and re.match(r"-\w", rest):
        return "modifier"  # "scheming-related"
    if joined_next and nxt and nxt not in NOT_HEADS and not nxt.endswith("ly"):
        return "modifier"
    return "noun"


def role_for_occurrence(text: str, start: int, end: int, term, in_heading=None) -> Role:
    """:func:`role_of` with the term's forms filled in."""
    return role_of(
        text,
        start,
        end,
        verb_forms=frozenset(f.lower() for f in term.verb_forms),
        head_form=term.forms[0] if term.forms else "",
        in_heading=in_heading,
        capitalised_forms=frozenset(f for f in term.forms if f[:1].isupper()),
    )
