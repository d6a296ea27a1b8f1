"""``<!-- termlint-… -->`` comments: suppressions and in-document sense declarations.

Forms (rules are ids, separated by spaces or commas; a reason may follow ``--`` or ``:``)::

    <!-- termlint-disable [RULE …] [-- reason] -->     until termlint-enable or the end
    <!-- termlint-enable [RULE …] -->
    <!-- termlint-disable-line [RULE …] [-- reason] -->
    <!-- termlint-disable-next-line [RULE …] [-- reason] -->
    <!-- termlint-sense TERM=SENSE [TERM=SENSE …] -->    declares senses, like front matter
"""

from __future__ import annotations

import re

from ..model import Directive

KINDS = ("disable", "enable", "disable-line", "disable-next-line", "sense")

_COMMENT = re.compile(r"<!--\s*termlint-([a-z-]+)(.*?)-->", re.S)
_SPLIT = re.compile(r"[\s,]+")


def parse_directives(content: str, base_offset: int) -> list[Directive]:
    """Find directive comments in raw HTML, with source offsets starting at ``base_offset``."""
    found = []
    for m in _COMMENT.finditer(content):
        kind, rest = m.group(1), m.group(2).strip()
        reason = ""
        for sep in (" -- ", "--", ":"):
            if sep in rest:
                rest, reason = rest.split(sep, 1)
                break
        words = [w for w in _SPLIT.split(rest.strip()) if w]
        directive = Directive(
            kind, (), reason.strip(), base_offset + m.start(), base_offset + m.end()
        )
        if kind not in KINDS:
            directive.error = (
                f"unknown directive 'termlint-{kind}' "
                f"(known: {', '.join('termlint-' + k for k in KINDS)})"
            )
        elif kind == "sense":
            for word in words:
                term, eq, sense = word.partition("=")
                if not eq or not term or not sense:
                    directive.error = f"termlint-sense expects TERM=SENSE, got {word!r}"
                    break
                directive.senses[term] = sense
        else:
            directive.rules = tuple(words)
        found.append(directive)
    return found
