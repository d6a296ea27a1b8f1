"""Suppression comments: which diagnostics a ``termlint-disable…`` comment hides.

Every suppression that hides nothing is reported back, so stale comments can be cleaned up.
"""

from __future__ import annotations

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
    """The diagnostics no suppression hides; every suppression that hides one is marked used.

    One sweep over the lines, not every diagnostic against every suppression (100,000
    ``disable-next-line`` comments took minutes): suppressions start by line, end from a heap,
    and the active ones are counted per rule name; each is marked used at most once.
    """
    import heapq
    from collections import defaultdict

    if not ranges or not diagnostics:
        return list(diagnostics)
    starts = sorted(range(len(ranges)), key=lambda i: ranges[i].first_line)
    keys = [tuple(r.directive.rules) or (None,) for r in ranges]
    active: dict = defaultdict(int)  # rule name (None: every rule) -> active suppressions
    unused: dict = defaultdict(set)  # rule name -> active suppressions not yet marked used
    ending: list[tuple[int, int]] = []
    hidden = [False] * len(diagnostics)
    nxt = 0
    for di in sorted(range(len(diagnostics)), key=lambda i: diagnostics[i].line):
        diag = diagnostics[di]
        while nxt < len(starts) and ranges[starts[nxt]].first_line <= diag.line:
            i = starts[nxt]
            nxt += 1
            heapq.heappush(ending, (ranges[i].last_line, i))
            for k in keys[i]:
                active[k] += 1
                if not ranges[i].used:
                    unused[k].add(i)
        while ending and ending[0][0] < diag.line:
            _, i = heapq.heappop(ending)
            for k in keys[i]:
                active[k] -= 1
                unused[k].discard(i)
        names = (None, diag.rule, diag.code) if diag.code else (None, diag.rule)
        if any(active[k] for k in names):
            hidden[di] = True
            for k in names:
                for i in unused[k]:
                    ranges[i].used = True
                    for other in keys[i]:
                        if other != k:
                            unused[other].discard(i)
                unused[k].clear()
    return [d for d, h in zip(diagnostics, hidden, strict=True) if not h]


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
