"""Rule kinds: the Python checks that rule files configure.

A kind is a function ``(rule, occurrences, context) -> diagnostics``. Concrete rules — their
messages, severities, terms and options — are YAML in ``rules/``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..glossary.entries import Term
from ..model import SETTLED, CheckContext, Diagnostic, Status, Suggestion
from .load import Rule

if TYPE_CHECKING:
    from ..model import Occurrence


def sense_url(docs_url: str, term_id: str, sense_id: str | None = None) -> str:
    """Link to a term page, or to one sense's anchor on it, in the glossary site; "" when no
    ``docs_url`` is configured (there is no site to link to, so no link at all)."""
    if not docs_url:
        return ""
    base = f"{docs_url}/{term_id}.html"
    return f"{base}#{sense_id}" if sense_id else base


def _label(term: Term, sense_id: str) -> str:
    sense = term.sense(sense_id)
    return sense.label if sense else sense_id


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _candidates(names: list[str], shown: int = 4) -> str:
    """The first ``shown`` names joined ("a, b or c"), and how many more there are."""
    text = _join(names[:shown])
    if len(names) > shown:
        text += f" (or {len(names) - shown} more)"
    return text


def _diagnostic(
    rule: Rule, occ: Occurrence, ctx: CheckContext, message: str, **extra
) -> Diagnostic:
    line, column = ctx.source.line_col(occ.start)
    end_line, end_column = ctx.source.line_col(occ.end)
    return Diagnostic(
        path=ctx.source.path,
        start=occ.start,
        end=occ.end,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        rule=rule.id,
        severity=rule.severity,
        message=message,
        term=occ.term_id,
        match=occ.match,
        code=rule.code,
        evidence=list(occ.evidence),
        **extra,
    )


def _suggest(
    term: Term, senses: list[str], occ: Occurrence, ctx: CheckContext, limit: int = 3
) -> list[Suggestion]:
    """Rewrites for the first senses; before a noun ("scheming models") fitted to that role as
    ``termlint fix`` makes them (a noun's rewrite there reads "scheming by a role-played
    persona models"); none for a word in a name or a Title-Case heading, where declaring the
    sense once is the way (the help line says so)."""
    from ..edits.rewrite import fitted
    from ..edits.roles import role_for_occurrence

    role = role_for_occurrence(ctx.source.text, occ.start, occ.end, term, occ.in_heading)
    if role.left_alone:
        return []
    out = []
    for sense_id in senses[:limit]:
        sense = term.sense(sense_id)
        if sense and sense.clarifications:
            text = (fitted(sense, role, occ.match) if role.kind == "modifier" else None) or (
                sense.suggestions(occ.match, verb=occ.verb)[0]
            )
            out.append(
                Suggestion(sense_id, text, sense.label, sense_url(ctx.docs_url, term.id, sense_id))
            )
    return out


def check_ambiguous(rule: Rule, occurrences: list[Occurrence], ctx: CheckContext):
    # A finding's message, help and link depend only on the term, its candidates and the match
    # as written: made once per kind of use and shared by its findings (a file dense in one
    # unclear term has a million findings with the same strings). Suggestions depend on each
    # use's role in its sentence: made per use.
    made: dict[tuple, tuple] = {}
    for occ in occurrences:
        if occ.status != Status.AMBIGUOUS or not rule.applies_to(occ.term_id):
            continue
        if occ.in_blockquote and not ctx.check_blockquotes:
            continue
        term = ctx.glossary.terms[occ.term_id]
        key = (occ.term_id, tuple(occ.candidates), occ.match)
        words = made.get(key)
        if words is None:
            words = made[key] = _ambiguous_words(rule, term, occ, ctx)
        message, text_message, help_text, url = words
        yield _diagnostic(
            rule,
            occ,
            ctx,
            message,
            text_message=text_message,
            suggestions=_suggest(term, occ.candidates, occ, ctx),
            help=help_text,
            url=url,
        )


def _ambiguous_words(rule: Rule, term: Term, occ: Occurrence, ctx: CheckContext) -> tuple:
    """An ambiguous use's message, writer's message, help and link."""
    example = occ.candidates[0] if occ.candidates else term.senses[0].id
    labels = [f"“{_label(term, c)}”" for c in occ.candidates]
    return (
        rule.message.format(match=occ.match, candidates=_candidates(occ.candidates), term=term.id),
        rule.message.format(match=occ.match, candidates=_candidates(labels, shown=3), term=term.id),
        (
            f"qualify the word, link it to a sense ({sense_url(ctx.docs_url, term.id)}), "
            if ctx.docs_url
            else "qualify the word, "
        )
        + "or declare the sense once in front matter: "
        f"termlint: {{senses: {{{term.id}: {example}}}}}",
        sense_url(ctx.docs_url, term.id),
    )


def check_inconsistent(rule: Rule, occurrences: list[Occurrence], ctx: CheckContext):
    # The reader already asks the other sense for most of the mass (model file:
    # ``inconsistent``, ``inconsistent_defined``); ``min_share`` can only ask for more.
    min_share = float(ctx.options.get("min_share", 0.0))
    for occ in occurrences:
        if occ.status != Status.INCONSISTENT or not rule.applies_to(occ.term_id):
            continue
        if occ.confidence < min_share:
            continue
        assert occ.sense is not None  # the resolver reads an inconsistent use in a sense
        term = ctx.glossary.terms[occ.term_id]
        established, origin = occ.established or ("", "")
        message = rule.message.format(
            match=occ.match,
            found=f"“{_label(term, occ.sense)}”",
            established=f"“{_label(term, established or '')}”",
            origin=origin,
            term=term.id,
        )
        yield _diagnostic(
            rule,
            occ,
            ctx,
            message,
            suggestions=_suggest(term, [occ.sense], occ, ctx),
            help="say that the sense changes here, or use another word for the second sense",
            url=sense_url(ctx.docs_url, term.id, occ.sense),
        )


#: Readings that leave a use's sense open: where a definition would help the reader.
_UNSETTLED = (Status.AMBIGUOUS, Status.UNRESOLVED, Status.INCONSISTENT)


def check_undefined(rule: Rule, occurrences: list[Occurrence], ctx: CheckContext):
    min_uses = int(ctx.options.get("min_uses", 3))
    by_term: dict[str, list[Occurrence]] = {}
    for occ in occurrences:
        if occ.mention or occ.status in (Status.COLLOQUIAL, Status.SINGLE_SENSE):
            continue
        by_term.setdefault(occ.term_id, []).append(occ)
    for term_id, uses in by_term.items():
        term = ctx.glossary.terms[term_id]
        if not term.multi_sense or not rule.applies_to(term_id) or len(uses) < min_uses:
            continue
        if any(o.status in SETTLED or o.established or o.defines for o in uses):
            continue  # the author said it: as the resolver reads definitions and declarations
        if not any(o.status in _UNSETTLED for o in uses):
            continue  # every use was read clearly (as after ``termlint fix``)
        first = uses[0]
        yield _diagnostic(
            rule,
            first,
            ctx,
            rule.message.format(term=term.term, count=len(uses), match=first.match),
            help=(
                f'define it once ("By {first.match.lower()} I mean …"), link the first use to '
                f"its sense, or declare it: termlint: {{senses: {{{term_id}: SENSE}}}}"
            ),
            url=sense_url(ctx.docs_url, term_id),
        )


def check_unused_suppressions(rule: Rule, suppressions: list, ctx: CheckContext, active: set[str]):
    """Suppression comments that hid nothing; runs after suppressions are applied.

    ``active`` holds the ids and codes of the rules that ran: a comment naming a rule that did
    not run is left alone, since it may matter under another configuration.
    """
    names = {rule.id, rule.code} - {""}
    silencers = [s for s in suppressions if names & set(s.directive.rules)]
    for s in suppressions:
        d = s.directive
        if s.used or s in silencers or (d.rules and not set(d.rules) <= active):
            continue
        line, column = ctx.source.line_col(d.offset)
        if any(x.first_line <= line <= x.last_line for x in silencers):
            continue
        end_line, end_column = ctx.source.line_col(d.end_offset)
        comment = " ".join([f"termlint-{d.kind}", *d.rules])
        yield Diagnostic(
            path=ctx.source.path,
            start=d.offset,
            end=d.end_offset,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            rule=rule.id,
            severity=rule.severity,
            message=rule.message.format(comment=comment),
            term="",
            match=ctx.source.text[d.offset : d.end_offset],
            code=rule.code,
            help="delete the comment; if a finding here must stay hidden, name its rule",
        )


#: The fields each kind passes to its rule's ``message.format``, with a sample value of the type
#: it passes: a rule's message is checked against these when the rule is loaded
#: (:func:`termlint.rules.load.check_message`). Keep in step with the ``.format`` calls above.
MESSAGE_FIELDS: dict[str, dict[str, object]] = {
    "ambiguous": {"match": "scheming", "candidates": "a, b or c", "term": "scheming"},
    "inconsistent": {
        "match": "scheming",
        "found": "“A”",
        "established": "“B”",
        "origin": "front matter",
        "term": "scheming",
    },
    "undefined": {"term": "scheming", "count": 3, "match": "scheming"},
    "unused-suppression": {"comment": "termlint-disable-next-line ambiguous-term"},
}

#: The options each kind reads, as JSON Schema: one schema per option of its rules' ``options``
#: mapping (in the rule file, or ``rule_options`` in the configuration). Checked when they are
#: loaded (:func:`termlint.rules.load.check_options`): an option not listed here, or a value
#: of the wrong type (``min_uses: three``), is a ``file:line`` error, never a failure when the
#: rule runs. Keep in step with the ``ctx.options`` reads above and each rule's ``doc.options``.
OPTIONS: dict[str, dict[str, dict[str, object]]] = {
    "ambiguous": {},
    "inconsistent": {
        "min_share": {"type": "number", "minimum": 0, "maximum": 1},
        # Read by the hand-tuned resolver only; accepted so older rule files still load.
        "min_local_evidence": {"type": "number", "minimum": 0},
    },
    "undefined": {"min_uses": {"type": "integer", "minimum": 1}},
    "unused-suppression": {},
}

KINDS: dict[str, Callable] = {
    "ambiguous": check_ambiguous,
    "inconsistent": check_inconsistent,
    "undefined": check_undefined,
}

# Kinds that look at what the suppression comments did, after they are applied.
AFTER_SUPPRESSION: dict[str, Callable] = {
    "unused-suppression": check_unused_suppressions,
}
