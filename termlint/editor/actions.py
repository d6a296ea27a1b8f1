"""Code actions for a diagnostic: each one a single, precise text edit.

- *rewrite*: put a sense's clarification in place of the flagged words (one action per
  candidate sense, with the same words ``termlint fix --how rewrite`` would write);
- *declare*: declare the sense for the whole document in front matter (one action per
  candidate sense; ``termlint fix --how declare`` makes the same insertion);
- *suppress*: add ``<!-- termlint-disable-next-line RULE -- reason -->`` above the line;
- *remove*: delete a suppression comment that hides nothing (``unused-suppression``).

Plain functions over a :class:`~termlint.model.FileResult`; offsets are into the decoded
source text, as everywhere in termlint. The editor layer turns them into protocol ranges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..edits.fix import Edit, FixError, candidate_senses, declaration_edit, rewrite_text
from ..edits.rewrite import rewrite_finding

if TYPE_CHECKING:
    from ..model import Diagnostic, FileResult, Occurrence, SourceText
    from ..pipeline import Project

#: The reason a new suppression carries until the writer replaces it.
REASON = "TODO: say why this use is clear"
#: Rules whose diagnostics can be settled by choosing a sense.
SENSE_RULES = ("ambiguous-term", "undefined-term")


@dataclass
class Action:
    title: str
    kind: str  # "quickfix"
    edit: Edit
    diagnostic: Diagnostic
    preferred: bool = False


def diagnostics_at(result: FileResult, start: int, end: int) -> list[Diagnostic]:
    """The diagnostics that touch the offsets ``start``–``end`` (a cursor touches its word)."""
    return [d for d in result.diagnostics if d.start <= end and start <= d.end]


def occurrence_of(result: FileResult, d: Diagnostic) -> Occurrence | None:
    for occ in result.occurrences:
        if occ.start == d.start and occ.end == d.end:
            return occ
    return None


def code_actions(result: FileResult, project: Project, start: int, end: int) -> list[Action]:
    """Every action for the diagnostics at ``start``–``end``, in a stable order."""
    from ..model import SourceText

    source = result.source
    out: list[Action] = []
    if not isinstance(source, SourceText):  # the server lints in process: whole sources
        return out
    for d in diagnostics_at(result, start, end):
        occ = occurrence_of(result, d)
        out.extend(rewrite_actions(d, occ, project, source))
        out.extend(declare_actions(d, occ, source, project))
        suppress = suppress_action(d, source)
        if suppress is not None:
            out.append(suppress)
        if d.rule == "unused-suppression":
            out.append(remove_action(d, source))
    return out


def remove_action(d: Diagnostic, source: SourceText) -> Action:
    """Delete an unused suppression comment: its whole line when it stands alone on it, else
    the comment and the blanks it leaves doubled or trailing."""
    text = source.text
    line_start = text.rfind("\n", 0, d.start) + 1
    line_end = text.find("\n", d.end)
    line_end = len(text) if line_end < 0 else line_end + 1
    before, after = text[line_start : d.start], text[d.end : line_end]
    if not before.strip() and not after.strip():
        start, end = line_start, line_end
    elif not after.strip():  # at the end of a line: no trailing blanks left behind
        start, end = line_start + len(before.rstrip(" \t")), d.end
    elif before.endswith((" ", "\t")) and after.startswith((" ", "\t")):
        start, end = d.start - 1, d.end
    else:
        start, end = d.start, d.end
    return Action("Remove the unused suppression comment", "quickfix", Edit(start, end, ""), d)


def _senses_for(d: Diagnostic, occ: Occurrence | None, project: Project):
    term = project.glossary.terms.get(d.term)
    if term is None:
        return None, []
    senses = candidate_senses(term, occ)
    if occ is not None and occ.candidates:
        senses = [s for s in senses if s.id in occ.candidates]
    return term, senses


def rewrite_actions(
    d: Diagnostic, occ: Occurrence | None, project: Project, source: SourceText | None = None
) -> list[Action]:
    """One "Rewrite as …" per sense; with the source, the words fit the use's role as
    ``termlint fix`` writes them, and a name or a Title-Case heading gets none."""
    if d.rule == "ambiguous-term":
        term, senses = _senses_for(d, occ, project)
    elif d.suggestions and d.term in project.glossary.terms:  # e.g. inconsistent-sense
        term = project.glossary.terms[d.term]
        senses = [s for s in (term.sense(x.sense) for x in d.suggestions) if s is not None]
    else:
        return []
    out = []
    verb = occ.verb if occ is not None else d.match.lower() in {f.lower() for f in term.verb_forms}
    for sense in senses:
        if source is not None:
            text = rewrite_finding(source.text, d, occ, term, sense).text
        else:
            text = rewrite_text(sense, d.match, verb=verb)
        if text is None or text == d.match:
            continue
        out.append(
            Action(
                f"Rewrite as “{text}” ({sense.label})", "quickfix", Edit(d.start, d.end, text), d
            )
        )
    return out


def declare_actions(
    d: Diagnostic, occ: Occurrence | None, source: SourceText, project: Project
) -> list[Action]:
    if d.rule not in SENSE_RULES:
        return []
    term, senses = _senses_for(d, occ, project)
    out = []
    for sense in senses:
        try:
            edit = declaration_edit(source.text, source.newline, {term.id: sense.id})
        except FixError:  # front matter that cannot be extended safely: no action
            continue
        out.append(
            Action(
                f"Declare “{term.id}” as {sense.id} for this document ({sense.label})",
                "quickfix",
                edit,
                d,
            )
        )
    return out


_PREFIX = re.compile(r"[ \t]*(?:>[ \t]?)*")
_LIST_ITEM = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$)")
_HARD_BREAK = re.compile(r"(?:[ \t]+|\\)$")


def suppress_action(d: Diagnostic, source: SourceText, reason: str = REASON) -> Action | None:
    """A suppression for the diagnostic's line, placed so the Markdown renders as before.

    ``termlint-disable-next-line`` goes inline at the end of the line above when that line is
    prose of the same block or ends a prose block; else on a line of its own, with the line's
    indentation and quote markers. Where a line of its own would change the structure (the
    first line of a list item after a blank line, a table row), the comment goes inline on the
    flagged line itself as ``termlint-disable-line``.
    """
    if d.rule == "unused-suppression":
        return None
    from ..document.markdown import parse_markdown

    def comment(kind: str) -> str:
        return f"<!-- termlint-{kind} {d.rule} -- {reason} -->"

    line = d.line
    blocks = list(parse_markdown(source).blocks)
    block = next((b for b in blocks if b.line <= line <= b.end_line), None)
    here = source.line_text(line)
    m = _PREFIX.match(here)  # matches "" at worst
    prefix = m.group(0) if m else ""
    previous = source.line_text(line - 1) if line > 1 else ""
    ends_prose = any(b.end_line == line - 1 and b.kind != "table_cell" for b in blocks)
    title = f"Suppress {d.rule} on this line ({{}}, with a reason to fill in)"
    if block is not None and block.kind == "table_cell":
        start = source.line_starts[line - 1]
        body = here.rstrip()
        at = start + (
            len(body) - 1 if body.endswith("|") and not body.endswith("\\|") else len(body)
        )
        return Action(
            title.format("termlint-disable-line"),
            "quickfix",
            Edit(at, at, f" {comment('disable-line')} "),
            d,
        )
    if (
        line > 1
        and previous.strip(" \t>")
        and ((block is not None and block.line < line) or ends_prose)
    ):
        start = source.line_starts[line - 2]
        cut = _HARD_BREAK.search(previous)
        at = start + (cut.start() if cut else len(previous))
        edit = Edit(at, at, " " + comment("disable-next-line"))
    elif _LIST_ITEM.match(here, len(prefix)) and line > 1 and not previous.strip(" \t>"):
        at = source.line_starts[line - 1] + len(here.rstrip())
        return Action(
            title.format("termlint-disable-line"),
            "quickfix",
            Edit(at, at, " " + comment("disable-line")),
            d,
        )
    else:
        start = source.line_starts[line - 1]
        edit = Edit(start, start, prefix + comment("disable-next-line") + source.newline)
    return Action(title.format("termlint-disable-next-line"), "quickfix", edit, d)
