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
                if s.last_line == 10**9 and (not d.rules or not s.directive.rules
                                             or set(s.directive.rules) & set(d.rules)):
                    s.last_line = d.line
            open_ranges = [s for s in open_ranges if s.last_line == 10**9]
    return out


def apply_suppressions(diagnostics: list[Diagnostic],
                       ranges: list[Suppression]) -> list[Diagnostic]:
    kept = []
    for diag in diagnostics:
        hidden = False
        for s in ranges:
            if s.hides(diag):
                s.used = True
                hidden = True
        if not hidden:
            kept.append(diag)
    return kept


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
