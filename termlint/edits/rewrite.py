"""Rewrites fitted to the part the word plays: a sense's clarification, per role.

A clarification in the glossary is a template, ``{match}`` standing for the words as written.
Its plain text is the form for a noun ("signs of worst-case scheming"); the glossary may spell
out the forms for the other roles (``modifier``, ``verb``, ``agent``; see
``termlint/schema/glossary-term.schema.json``), and a role it does not spell out is derived
from the template's shape:

- a pre-modifier template, ``worst-case {match}``, also fits a modifier ("worst-case scheming
  models") and an agent noun ("worst-case schemers");
- a gloss in brackets, ``{match} (assumed for planning)``, or a sense phrase,
  ``{match} in the broad sense``, also fits an agent noun;
- nothing is derived for a verb: "models that scheme" needs words written for it
  ("covertly {match}", "{match} (in the in-context sense)");
- a Title-Case heading takes the form of the role the word plays inside it, title-cased, when
  that form has no brackets or commas ("Detecting Worst-Case Scheming in Frontier Models"). It
  is only ever suggested: :mod:`termlint.edits.fix` leaves headings and names as they are.

A role the glossary sets to ``null`` is one the template does not fit. For each use the first
clarification that fits its role is used; if none fits, the use is left as it is and a
declaration is suggested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .roles import SMALL_WORDS, TEMPLATE_ROLES, Role, role_for_occurrence

if TYPE_CHECKING:
    from ..glossary.entries import Sense, Term

_ARTICLE = re.compile(r"(?:a|an|the)\s", re.I)
_SENSE_PHRASE = re.compile(r"\{match\} in (?:the [\w\-]+|[\w\-]+['’]s) sense\b")


@dataclass(frozen=True)
class Template:
    """One clarification of a sense: its text and the role forms the glossary spelled out."""

    text: str
    given: dict[str, str | None]

    def form(self, role: str) -> str | None:
        """The template for ``role`` (with ``{match}`` unfilled), or None if it does not fit."""
        if role == "heading":
            raise ValueError("a heading's form depends on the role inside it: see heading_form")
        if role not in TEMPLATE_ROLES:
            return None
        if role in self.given:
            return self.given[role]
        return derived_form(self.text, role)


def templates(sense: Sense) -> list[Template]:
    """The sense's clarifications as templates (role forms that no longer belong to the text
    at the same position are ignored, so a changed list of clarifications stays consistent)."""
    forms = sense.role_forms
    out = []
    for i, text in enumerate(sense.clarifications):
        out.append(Template(text, dict(forms[i]) if i < len(forms) else {}))
    return out


def derived_form(text: str, role: str) -> str | None:
    """The form for ``role`` that the shape of a noun template ``text`` allows."""
    single = text.count("{match}") == 1
    pre = (
        single and text.endswith("{match}") and text != "{match}" and not re.search(r"[(),]", text)
    )
    if _ARTICLE.match(text):  # "a worst-case {match} of the kind …": its own noun phrase
        return None
    if role == "noun":
        return text
    if role == "modifier":
        return text if pre else None
    if role == "agent":
        if pre or text == "{match}":
            return text
        if single and text.startswith("{match} (") and text.endswith(")"):
            return text
        if single and _SENSE_PHRASE.match(text):
            return text
        return None
    return None  # a verb: only the forms the glossary writes


def fill(template: str, match: str, sentence_start: bool = False) -> str:
    """The template with ``{match}`` filled in. At the start of a sentence a capitalised
    word ("Scheming models …") gives its capital to whatever now comes first."""
    if (
        sentence_start
        and match[:1].isupper()
        and match[1:] == match[1:].lower()
        and not template.startswith("{match}")
    ):
        text = template.replace("{match}", match.lower())
        return text[:1].upper() + text[1:]
    return template.replace("{match}", match)


def title_case(text: str) -> str:
    """Capitalise every word but the small ones ("of", "in", "by"), hyphenated parts too."""

    def word(w: str, first: bool) -> str:
        parts = w.split("-")
        out = []
        for j, part in enumerate(parts):
            low = part.lower()
            small = (low in SMALL_WORDS and not (first and j == 0)) or (
                low == "et" or low.startswith(("al.", "i.e.", "e.g."))
            )
            if part[:1].islower() and not small:
                part = part[:1].upper() + part[1:]
            out.append(part)
        return "-".join(out)

    words = text.split(" ")
    return " ".join(word(w, i == 0) for i, w in enumerate(words))


#: A rewrite in a heading stays short: at most this many words besides the word itself.
HEADING_EXTRA_WORDS = 3


def heading_form(template: Template, inner: str) -> str | None:
    """The template for a word in a Title-Case heading whose role there is ``inner``: that
    role's form, or else the modifier form, if it is short and has no brackets or commas."""
    for role in (inner if inner in TEMPLATE_ROLES else "noun", "modifier"):
        form = template.form(role)
        if (
            form is not None
            and not re.search(r"[(),;:]", form)
            and len(form.replace("{match}", " ").split()) <= HEADING_EXTRA_WORDS
        ):
            return form
    return None


def render(template: Template, role: Role | str, match: str) -> str | None:
    """The words to write instead of ``match`` with this template in this role, or None."""
    role = role if isinstance(role, Role) else Role(role)
    if role.kind == "name":
        return None
    if role.kind == "heading":
        form = heading_form(template, role.inner)
        return None if form is None else title_case(fill(form, match))
    form = template.form(role.kind)
    return None if form is None else fill(form, match, role.sentence_start)


def fitted_all(sense: Sense, role: Role | str, match: str) -> list[str]:
    """Every clarification of the sense that fits the role, filled in, in the glossary's order
    (the same words twice only once)."""
    out: list[str] = []
    for template in templates(sense):
        text = render(template, role, match)
        if text is not None and text not in out:
            out.append(text)
    return out


def fitted(sense: Sense, role: Role | str, match: str) -> str | None:
    """The first clarification of the sense that fits the role, filled in; None if none does."""
    found = fitted_all(sense, role, match)
    return found[0] if found else None


ROLE_WORDS = {
    "noun": "a noun",
    "modifier": "a modifier before a noun",
    "verb": "a verb",
    "agent": "an agent noun",
    "heading": "a Title-Case heading",
    "name": "a name",
}


@dataclass(frozen=True)
class Rewrite:
    """What rewriting one use would do: the new words, or why the use is left alone."""

    role: Role
    text: str | None
    why_not: str = ""  # for a use left alone: the reason, with what to do instead
    #: every rewrite that fits, ``text`` first: the next is tried if one leaves the use unclear
    alternatives: tuple[str, ...] = ()


def rewrite_use(
    text: str, start: int, end: int, term: Term, sense: Sense, in_heading: bool | None = None
) -> Rewrite:
    """How ``text[start:end]``, a use of ``term``, would be rewritten in ``sense``."""
    match = text[start:end]
    role = role_for_occurrence(text, start, end, term, in_heading)
    if role.kind == "heading":
        hand = fitted(sense, role, match)
        heading = role.reason.split("“", 1)[-1].rstrip("”")
        by_hand = ""
        if hand is not None and heading:
            by_hand = f", or edit the heading by hand: “{heading.replace(match, hand, 1)}”"
        return Rewrite(
            role,
            None,
            f"{role.reason}, where a rewrite would change a title and its link anchor: "
            f"left as it is; declare the sense once instead (--how declare){by_hand}",
        )
    if role.kind == "name":
        return Rewrite(
            role,
            None,
            f"{role.reason}: left as it is; declare the sense once instead (--how declare)",
        )
    found = fitted_all(sense, role, match)
    if not found:
        return Rewrite(
            role,
            None,
            f"no clarification of {sense.id!r} fits `{match}` as {ROLE_WORDS[role.kind]}; "
            "left as it is; use --how declare or --how link",
        )
    return Rewrite(role, found[0], alternatives=tuple(found))


def rewrite_finding(text: str, d, occ, term: Term, sense: Sense) -> Rewrite:
    """:func:`rewrite_use` for a finding ``d`` (its span) and its occurrence, if known (whether
    the word sits in a heading); what ``fix``, its menu and the editor's actions all call."""
    return rewrite_use(
        text, d.start, d.end, term, sense, in_heading=occ.in_heading if occ is not None else None
    )
