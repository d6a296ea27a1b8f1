"""The interactive chooser of ``termlint fix``: the writer picks a sense, use by use.

The menu lists a term's senses in the glossary's order every time (the senses the reader
thinks likely here are marked, not moved), shows under each sense the words the fix would
write, and takes a number with ``a`` after it ("2a") to give every remaining use of the term
the same answer. Input and output go through two callables, so the command line passes its
prompt and the tests can drive a real terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..rules.kinds import sense_url
from .fix import link_text
from .rewrite import ROLE_WORDS, rewrite_finding, rewrite_use

if TYPE_CHECKING:
    from ..glossary.entries import Glossary, Sense, Term
    from ..model import Diagnostic, Occurrence, SourceText

#: Characters of context shown either side of the use in a preview.
PREVIEW_CONTEXT = 32

#: How many of the reader's candidate senses are marked "likely here" (as many as a
#: finding names before "or N more").
LIKELY = 3

_ANSWER = re.compile(r"\s*(\d+)\s*(a|all)?\s*", re.I)


def _visible(text: str) -> str:
    from ..reporters.text import visible

    return visible(text)


class Menu:
    """Asks for senses over a whole run; remembers "the same for every remaining use".

    ``fixed`` holds the senses given up front (``--sense``); ``ask(prompt)`` returns the
    writer's answer and ``say(line)`` shows a line.
    """

    def __init__(
        self,
        glossary: Glossary,
        how: str,
        fixed: dict[str, str],
        ask: Callable[[str], str],
        say: Callable[[str], None],
        docs_url: str = "",
    ):
        self.glossary = glossary
        self.how = how
        self.fixed = dict(fixed)
        self.left: set[str] = set()  # terms whose remaining uses are to be left alone
        self.ask = ask
        self.say = say
        self.docs_url = docs_url
        self._asked: dict[tuple[str, str], str | None] = {}

    def chooser(self, source: SourceText, interactive: bool = True):
        """The ``choose(diagnostic, occurrence)`` for :func:`termlint.edits.fix.fix_source`."""

        def choose(d: Diagnostic, occ: Occurrence | None) -> str | None:
            if d.term in self.fixed:
                return self.fixed[d.term]
            if d.term in self.left or not interactive:
                return None
            key = (source.path, d.term if self.how == "declare" else str(d.start))
            if key in self._asked:
                return self._asked[key]
            term = self.glossary.terms[d.term]
            if self.how == "rewrite":
                role = rewrite_use(source.text, d.start, d.end, term, term.senses[0]).role
                if role.left_alone:
                    return None  # never rewritten; fix notes why and suggests a declaration
            answer = self._ask(source, d, occ, term)
            self._asked[key] = answer
            return answer

        return choose

    def preview(self, source: SourceText, d: Diagnostic, occ, term: Term, sense: Sense) -> str:
        """What choosing ``sense`` would write, in the words around the use."""
        if self.how == "declare":
            return f"declares {term.id}: {sense.id} in the front matter (every use)"
        if self.how == "link":
            new = link_text(d.match, sense_url(self.docs_url, term.id, sense.id))
        else:
            planned = rewrite_finding(source.text, d, occ, term, sense)
            if planned.text is None:
                return "no rewrite fits here: left as it is"
            new = planned.text
        line_start = source.text.rfind("\n", 0, d.start) + 1
        line_end = source.text.find("\n", d.end)
        line_end = len(source.text) if line_end < 0 else line_end
        lo = max(line_start, d.start - PREVIEW_CONTEXT)
        hi = min(line_end, d.end + PREVIEW_CONTEXT)
        before = source.text[lo : d.start]
        after = source.text[d.end : hi].rstrip("\r")
        return (
            ("…" if lo > line_start else "")
            + _visible(before + new + after)
            + ("…" if hi < line_end else "")
        )

    def _ask(self, source: SourceText, d: Diagnostic, occ, term: Term) -> str | None:
        options = list(term.senses)
        likely = set(occ.candidates[:LIKELY]) if occ is not None else set()
        role = ""
        if self.how == "rewrite":
            kind = rewrite_use(source.text, d.start, d.end, term, options[0]).role.kind
            role = f" ({ROLE_WORDS[kind]})"
        self.say("")
        self.say(f"{_visible(d.path)}:{d.line}:{d.column}: `{d.match}`{role}")
        self.say(f"{d.line:>7} | {_visible(source.line_text(d.line))}")
        for i, sense in enumerate(options, 1):
            mark = "  (likely here)" if sense.id in likely else ""
            self.say(f"  {i}) {sense.id} — {sense.label}{mark}")
            self.say(f"       → {self.preview(source, d, occ, term, sense)}")
        self.say("  0) leave it as it is")
        every = "document" if self.how == "declare" else "use"
        self.say(
            f"  Add 'a' to the number (as in 1a or 0a) for the same answer for every "
            f"remaining {every} of {term.id}."
        )
        prompt = "Sense" + (" for the whole document" if self.how == "declare" else "")
        while True:
            answer = self.ask(prompt)
            m = _ANSWER.fullmatch(answer or "0")
            if m and int(m.group(1)) <= len(options):
                break
            self.say(f"  Type a number from 0 to {len(options)}, with 'a' after it for every use.")
        n = int(m.group(1))
        chosen = options[n - 1].id if n else None
        if m.group(2):
            if chosen is None:
                self.left.add(term.id)
            else:
                self.fixed[term.id] = chosen
        return chosen
