"""Suppression comments: which diagnostics a ``termlint-disable…`` comment hides.

Every suppression that hides nothing is reported back, so stale comments can be cleaned up.
"""

from __future__ import annotations

import bisect
from array import array

from ..model import Diagnostic, Directive, Suppression


def suppressions(directives: list[Directive], source_line_of) -> list[Suppression]:
    """Line ranges of every suppression in a document."""
    out: list[Suppression] = []
    open_ranges: list[Suppression] = []
    for d in sorted(directives, key=lambda d: d.offset):
        if d.error:
            continue
        end_line = source_line_of(max(d.end_offset - 1, d.offset))
        if d.kind == "disable-line":
            out.append(Suppression(d, d.line, end_line))
        elif d.kind == "disable-next-line":
            out.append(Suppression(d, end_line + 1, end_line + 1))
        elif d.kind == "disable":
            s = Suppression(d, d.line, 10**9)
            open_ranges.append(s)
            out.append(s)
        elif d.kind == "enable":
            for s in open_ranges:
                if s.last_line == 10**9 and (
                    not d.rules or not s.directive.rules or set(s.directive.rules) & set(d.rules)
                ):
                    s.last_line = d.line
            open_ranges = [s for s in open_ranges if s.last_line == 10**9]
    return out


def apply_suppressions(
    diagnostics: list[Diagnostic], ranges: list[Suppression]
) -> list[Diagnostic]:
    """The diagnostics no suppression hides; every suppression that hides one is marked used."""
    index = SuppressionIndex(ranges)
    kept = [d for d in diagnostics if not index.hides(d)]
    index.finish()
    return kept


class SuppressionIndex:
    """Which suppressions hide a diagnostic, asked one diagnostic at a time (so the rules'
    findings can be filtered as they are made, never all held at once).

    Per rule name (None: a comment naming no rule), the suppressions sorted by first line with
    the running maximum of their last lines: a line is covered when the latest-ending range
    among those starting at or before it reaches it — a bisection, not a pass over every
    suppression (100,000 ``disable-next-line`` comments took minutes pairwise). A suppression
    is used when some hidden diagnostic of its rule names lies in its lines: the lines are
    noted as they are hidden and matched to the ranges in :meth:`finish`.
    """

    def __init__(self, ranges: list[Suppression]):
        self.ranges = ranges
        by_name: dict = {}
        for i, r in enumerate(ranges):
            for name in tuple(r.directive.rules) or (None,):
                by_name.setdefault(name, []).append(i)
        self._firsts: dict = {}
        self._reach: dict = {}
        for name, members in by_name.items():
            members.sort(key=lambda i: ranges[i].first_line)
            reach, furthest = [], -1
            for i in members:
                furthest = max(furthest, ranges[i].last_line)
                reach.append(furthest)
            self._firsts[name] = [ranges[i].first_line for i in members]
            self._reach[name] = reach
        self._members = by_name
        self._hidden_lines: dict = {name: array("q") for name in by_name}

    def hides(self, diag: Diagnostic) -> bool:
        if not self.ranges:
            return False
        hidden = False
        for name in (None, diag.rule, diag.code) if diag.code else (None, diag.rule):
            firsts = self._firsts.get(name)
            if firsts is None:
                continue
            at = bisect.bisect_right(firsts, diag.line) - 1
            if at >= 0 and self._reach[name][at] >= diag.line:
                hidden = True
                self._hidden_lines[name].append(diag.line)
        return hidden

    def finish(self) -> None:
        """Mark every suppression that hid something as used."""
        for name, members in self._members.items():
            lines = sorted(self._hidden_lines[name])
            if not lines:
                continue
            for i in members:
                r = self.ranges[i]
                at = bisect.bisect_left(lines, r.first_line)
                if at < len(lines) and lines[at] <= r.last_line:
                    r.used = True


def check_directives(directives: list[Directive], rules, path: str) -> None:
    """Raise on a malformed directive or one naming a rule that does not exist."""
    from ..errors import TermlintError

    rules = list(rules)
    for d in directives:
        if d.error:
            raise TermlintError(d.error, path, d.line)
        unknown = [r for r in d.rules if not any(r in (x.id, x.code) for x in rules)]
        if unknown:
            raise TermlintError(f"suppression names unknown rule {unknown[0]!r}", path, d.line)


def document_suppressions(source, rules) -> list[Suppression]:
    """The suppressions of a document read without NLP: for a document with no term in it,
    whose suppression comments can only be unused."""
    from ..document.markdown import parse_markdown

    doc = parse_markdown(source)
    check_directives(doc.directives, rules, source.path)
    return suppressions(doc.directives, lambda off: source.line_col(off)[0])
