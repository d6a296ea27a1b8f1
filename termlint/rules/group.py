"""One finding per unsettled term: repeated flags of a term folded into the first.

A draft that never says which sense of *scheming* it means gets the same flag at every use;
fifteen identical warnings bury the one thing to do, which is to say the sense once. So the
findings of the grouping kinds (``ambiguous``) are grouped by rule and term, per document or
per section: the first use carries the finding, the others are listed as its ``related``
uses, and the first suggestion becomes the declaration that settles them all.

This runs after the suppression comments are applied: a use whose flag a comment hides is not
listed, and when the first use is hidden the group starts at the next. ``group="use"`` keeps
one finding per use (``--per-use``, the editor and ``termlint fix``, which work per use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Diagnostic, Related, RelatedUses, Suggestion

if TYPE_CHECKING:
    from ..glossary.entries import Glossary
    from ..model import Occurrence

#: The rule kinds whose repeated findings are grouped.
GROUPED_KINDS = frozenset({"ambiguous"})
#: How findings are grouped: the configuration's ``group`` and ``--per-use``.
GROUPINGS = ("document", "section", "use")


def group_findings(
    diagnostics: list[Diagnostic],
    kinds: dict[str, str],
    occurrences: list[Occurrence],
    glossary: Glossary,
    group: str = "document",
    section_of=None,
) -> list[Diagnostic]:
    """The diagnostics with the repeats of each (rule, term[, section]) folded into the first.

    ``kinds`` maps a rule id to its kind; ``section_of(offset)`` names the section an offset
    lies in (only for ``group="section"``). Other rules' diagnostics pass through unchanged,
    but for ``undefined-term``'s, which a grouped finding of the same term makes redundant.
    """
    if group == "use":
        return diagnostics
    grouper = Grouper(kinds, glossary, group, section_of)
    for d in diagnostics:
        grouper.add(d)
    return grouper.finish(occurrences)


class _Group:
    __slots__ = ("first", "related", "count", "in_order")

    def __init__(self, first: Diagnostic):
        self.first = first
        self.related = RelatedUses()
        self.count = 1
        self.in_order = True  # related uses added in document order so far


class Grouper:
    """:func:`group_findings` one diagnostic at a time: a repeat is kept only as a packed
    related use the moment it arrives, so a file dense in one unclear term never holds a
    finding (with its suggestions) per use."""

    def __init__(self, kinds: dict[str, str], glossary: Glossary, group: str, section_of=None):
        self.kinds = kinds
        self.glossary = glossary
        self.group = group
        self.section_of = section_of if group == "section" else None
        self.passed: list[Diagnostic] = []
        self.groups: dict[tuple, _Group] = {}

    def add(self, d: Diagnostic) -> None:
        if self.kinds.get(d.rule) not in GROUPED_KINDS:
            self.passed.append(d)
            return
        key = (d.rule, d.term, self.section_of(d.start) if self.section_of else None)
        found = self.groups.get(key)
        if found is None:
            self.groups[key] = _Group(d)
            return
        found.count += 1
        if d.start < found.first.start:  # the group starts at its earliest use
            d, found.first = found.first, d
        if found.related and d.start < found.related[-1].start:
            found.in_order = False
        found.related.append(
            Related(d.start, d.end, d.line, d.column, d.end_line, d.end_column, d.match)
        )

    def finish(self, occurrences: list[Occurrence]) -> list[Diagnostic]:
        """Every diagnostic kept, the grouped ones folded, in (offset, rule) order."""
        folded_starts = {g.first.start for g in self.groups.values() if g.count > 1}
        by_start = {o.start: o for o in occurrences if o.start in folded_starts}
        folded = set()
        for g in self.groups.values():
            if g.count > 1:
                if not g.in_order:
                    g.related = RelatedUses(sorted(g.related, key=lambda r: r.start))
                _fold(g.first, g.related, g.count, by_start.get(g.first.start), self.glossary)
                folded.add(g.first.term)
        out = sorted(
            [*self.passed, *(g.first for g in self.groups.values())],
            key=lambda d: (d.start, d.rule),
        )
        if self.group == "document" and folded:
            # "Used 8 times, never defined" says again what the grouped finding says: drop it.
            out = [
                d for d in out if not (self.kinds.get(d.rule) == "undefined" and d.term in folded)
            ]
        return out


def _fold(
    first: Diagnostic,
    related: RelatedUses,
    count: int,
    occ: Occurrence | None,
    glossary: Glossary,
) -> None:
    first.related = related
    term = glossary.terms.get(first.term)
    if term is None:
        return
    senses = (occ.candidates if occ is not None else []) or [s.sense for s in first.suggestions]
    sense_id = senses[0] if senses else term.senses[0].id
    sense = term.sense(sense_id)
    declare = Suggestion(
        sense_id,
        f"<!-- termlint-sense {term.id}={sense_id} -->",
        sense.label if sense else sense_id,
        first.suggestions[0].url if first.suggestions else first.url,
        kind="declare",
    )
    first.suggestions = [declare, *first.suggestions]
    first.help = (
        f"`{term.id}` is unclear at {count} uses here: say once which sense you mean "
        "(the comment above with your sense, anywhere in the document; front matter "
        f"termlint: {{senses: {{{term.id}: SENSE}}}}, or termlint fix --how declare "
        f"--sense {term.id}=SENSE), or qualify each use"
    )


def flagged_starts(diagnostics: list[Diagnostic], rule: str) -> set[int]:
    """The start offset of every use a rule's findings flag, grouped ones included."""
    out = set()
    for d in diagnostics:
        if d.rule == rule:
            out.add(d.start)
            out.update(r.start for r in d.related)
    return out


def uses_note(d: Diagnostic, limit: int = 12) -> str:
    """ "and 14 more uses: lines 3, 5 (2 uses), 9 …" for a grouped finding; "" for a lone one."""
    if not d.related:
        return ""
    counts: dict[int, int] = {}
    for r in d.related:
        counts[r.line] = counts.get(r.line, 0) + 1
    lines = [f"{line} ({n} uses)" if n > 1 else str(line) for line, n in counts.items()]
    shown = ", ".join(lines[:limit]) + (" …" if len(lines) > limit else "")
    n = len(d.related)
    word = "lines" if len(counts) > 1 else "line"
    return f"and {n} more use{'s' if n != 1 else ''}: {word} {shown}"


def suggestion_text(s: Suggestion) -> str:
    """A suggestion in one line of plain text: the rewrite, or what to declare."""
    return f"declare the sense once: {s.text}" if s.kind == "declare" else s.text
