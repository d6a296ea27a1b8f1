"""Safe fixes for ambiguous uses: the writer picks a sense, termlint makes the edit.

Three ways to say which sense a use carries (``how``):

- ``rewrite`` replaces the words with the sense's first clarification ("in-context scheming");
- ``link`` makes the words a Markdown link to the sense in the glossary site;
- ``declare`` adds ``termlint: {senses: {TERM: SENSE}}`` to the front matter, creating the
  front matter if there is none, by inserting lines — the writer's YAML is never re-serialised.

Everything here except :func:`write_atomic` is a pure function over text: edits are computed as
``(start, end, text)`` replacements of the decoded source, applied from the end backwards, and
overlapping edits are refused. :func:`fix_source` lints the result again and keeps only the edits
that really settled their use, so a second run finds nothing to change.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import itertools
import os
import re
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import TermlintError
from ..files.atomic import replace_file, sync_folder
from ..files.source import BOM
from ..model import SourceText
from ..rules.kinds import sense_url
from .rewrite import rewrite_finding, rewrite_use

if TYPE_CHECKING:
    from ..glossary.entries import Glossary, Sense, Term
    from ..model import Diagnostic, FileResult, Occurrence
    from ..pipeline import Project

HOWS = ("rewrite", "link", "declare")
RULE = "ambiguous-term"


class FixError(TermlintError):
    """A fix that cannot be made safely; the file is left as it was."""


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` of the decoded source (BOM removed) with ``text``."""

    start: int
    end: int
    text: str


@dataclass
class Pick:
    """The sense the writer chose for one flagged use."""

    diagnostic: Diagnostic
    sense: str
    occurrence: Occurrence | None = None
    attempt: int = 0  # which of the rewrites that fit (the next after one left it unclear)

    @property
    def term(self) -> str:
        return self.diagnostic.term


@dataclass
class FixPlan:
    """What fixing one document would do."""

    path: str
    old_text: str
    new_text: str
    edits: list[Edit] = field(default_factory=list)
    fixed: list[Pick] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.new_text != self.old_text


# -- choosing senses -----------------------------------------------------------------------


def find_term(glossary: Glossary, name: str) -> Term | None:
    """A term by id, or by one of its written forms (case-insensitive)."""
    if name in glossary.terms:
        return glossary.terms[name]
    low = name.lower()
    for term in glossary.terms.values():
        if low == term.id.lower() or low in (f.lower() for f in [*term.forms, *term.verb_forms]):
            return term
    return None


def parse_sense_options(values: list[str] | tuple[str, ...], glossary: Glossary) -> dict[str, str]:
    """``["scheming=worst-case-model", …]`` → ``{term id: sense id}``; bad input raises."""
    chosen: dict[str, str] = {}
    for value in values:
        name, eq, sense_id = (part.strip() for part in value.partition("="))
        if not eq or not name or not sense_id:
            raise TermlintError(f"--sense expects TERM=SENSE, got {value!r}")
        term = find_term(glossary, name)
        if term is None:
            raise TermlintError(
                f"--sense {value}: no term {name!r} in the glossary (see: termlint glossary list)"
            )
        if term.sense(sense_id) is None:
            known = ", ".join(s.id for s in term.senses)
            raise TermlintError(
                f"--sense {value}: {term.id!r} has no sense {sense_id!r} (known: {known})"
            )
        if chosen.get(term.id, sense_id) != sense_id:
            raise TermlintError(
                f"--sense names two senses for {term.id!r}: {chosen[term.id]} and {sense_id}"
            )
        chosen[term.id] = sense_id
    return chosen


def candidate_senses(term: Term, occurrence: Occurrence | None) -> list[Sense]:
    """The senses to offer for a use: the resolver's candidates first, then the others."""
    first = list(occurrence.candidates) if occurrence is not None else []
    ids = first + [s.id for s in term.senses if s.id not in first]
    return [s for s in (term.sense(i) for i in ids) if s is not None]


# -- computing edits -----------------------------------------------------------------------


def rewrite_text(sense: Sense, match: str, verb: bool = False) -> str | None:
    """The words to write instead of ``match``: the sense's first clarification.

    A capitalised match ("Scheming" at the start of a sentence) stays at the start: the
    clarification is filled with the lower-case word and its first letter is capitalised.
    A verb ("models that scheme") takes the first clarification that keeps the word first.
    """
    if not sense.clarifications:
        return None
    if verb:
        return sense.suggestions(match, verb=True)[0]
    template = sense.clarifications[0]
    if (
        match[:1].isupper()
        and match[1:] == match[1:].lower()
        and not template.startswith("{match}")
    ):
        text = template.replace("{match}", match.lower())
        return text[:1].upper() + text[1:]
    return sense.suggestions(match)[0]


#: Why ``--how link`` refuses without a site: it would write a link that goes nowhere.
LINK_NEEDS_DOCS_URL = (
    "--how link needs docs_url in the configuration: the URL where your copy of the "
    "glossary site is served (termlint glossary build --out site/); without it, use "
    "--how rewrite or --how declare"
)


def link_text(match: str, url: str) -> str:
    """``[match](url)``; the URL goes in angle brackets if it holds spaces or parentheses."""
    if any(c in url for c in " ()<>"):
        url = "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return f"[{match}]({url})"


def link_spans(source: SourceText) -> list[tuple[int, int]]:
    """Source ranges of the text of every Markdown link (a use inside one cannot be linked)."""
    from ..document.markdown import parse_markdown

    spans = []
    for block in parse_markdown(source).blocks:
        for link in block.links:
            if link.end > link.start:
                spans.append(
                    (block.source_offset(link.start), block.source_offset(link.end - 1) + 1)
                )
    return spans


def where(d: Diagnostic) -> str:
    return f"{d.path}:{d.line}:{d.column}"


def plan_edits(
    source: SourceText,
    picks: list[Pick],
    how: str,
    glossary: Glossary,
    docs_url: str,
    links: list[tuple[int, int]] | None = None,
) -> tuple[list[tuple[Edit, list[Pick]]], list[str]]:
    """Edits for the picks, each with the picks it settles, and notes on the uses left alone."""
    if how not in HOWS:
        raise TermlintError(f"unknown fix {how!r} (known: {', '.join(HOWS)})")
    if how == "link" and not docs_url:
        raise TermlintError(LINK_NEEDS_DOCS_URL)
    planned: list[tuple[Edit, list[Pick]]] = []
    notes: list[str] = []
    if how == "declare":
        senses: dict[str, str] = {}
        for p in picks:
            senses.setdefault(p.term, p.sense)
        if senses:
            planned.append(
                (
                    declaration_edit(source.text, source.newline, senses),
                    [p for p in picks if senses[p.term] == p.sense],
                )
            )
        return planned, notes
    for p in picks:
        d = p.diagnostic
        sense = glossary.terms[d.term].sense(p.sense)
        if sense is None:  # fix_source checked every pick against the glossary
            raise TermlintError(f"{d.term!r} has no sense {p.sense!r}")
        if how == "rewrite":
            if not sense.clarifications:
                notes.append(
                    f"{where(d)}: sense {p.sense!r} has no clarification to rewrite "
                    "with; use --how link or --how declare"
                )
                continue
            occ = p.occurrence
            planned_rewrite = rewrite_finding(source.text, d, occ, glossary.terms[d.term], sense)
            if planned_rewrite.text is None:
                notes.append(f"{where(d)}: {planned_rewrite.why_not}")
                continue
            options = planned_rewrite.alternatives or (planned_rewrite.text,)
            text = options[min(p.attempt, len(options) - 1)]
        else:
            if any(s <= d.start and d.end <= e for s, e in links or ()) or any(
                c in d.match for c in "[]"
            ):
                notes.append(
                    f"{where(d)}: `{d.match}` is already inside a link; use "
                    "--how rewrite or --how declare"
                )
                continue
            text = link_text(d.match, sense_url(docs_url, d.term, p.sense))
        planned.append((Edit(d.start, d.end, text), [p]))
    return planned, notes


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits, from the end of the text backwards."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for a, b in itertools.pairwise(ordered):
        if b.start < a.end or (b.start == a.start and a.start == a.end == b.end):
            raise FixError(
                f"overlapping edits at characters {a.start}–{a.end} and "
                f"{b.start}–{b.end}; nothing changed"
            )
    for e in reversed(ordered):
        if not 0 <= e.start <= e.end <= len(text):
            raise FixError(f"edit {e.start}–{e.end} lies outside the document")
        text = text[: e.start] + e.text + text[e.end :]
    return text


def new_spans(edits: list[Edit]) -> dict[Edit, tuple[int, int]]:
    """Where each edit's new text lies in the edited document."""
    out = {}
    shift = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out[e] = (e.start + shift, e.start + shift + len(e.text))
        shift += len(e.text) - (e.end - e.start)
    return out


# -- front matter declarations ---------------------------------------------------------------

_OPEN = re.compile(r"---[ \t]*\r?\n")
_CLOSE = re.compile(r"^---[ \t]*\r?$", re.M)
_KEY = re.compile(r"([ \t]*)([A-Za-z_][\w-]*)[ \t]*:(?=[ \t]|$)(.*)$")


def _after_key(content: str) -> str:
    """What follows ``key:`` on a line already found to hold a key."""
    m = _KEY.match(content)
    assert m is not None, content
    return m.group(3)


@dataclass
class _Line:
    start: int  # offset of the first character
    end: int  # offset after the line ending
    content: str  # without the line ending

    @property
    def indent(self) -> str:
        return self.content[: len(self.content) - len(self.content.lstrip(" \t"))]

    @property
    def blank(self) -> bool:
        s = self.content.strip()
        return not s or s.startswith("#")


def _lines(text: str, start: int, end: int) -> list[_Line]:
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl + 1
        out.append(_Line(pos, stop, text[pos:stop].rstrip("\r\n")))
        pos = stop
    return out


def front_matter_span(text: str) -> tuple[int, int] | None:
    """``(body_start, body_end)`` of YAML front matter opening the document, or None."""
    m = _OPEN.match(text)
    if not m:
        return None
    close = _CLOSE.search(text, m.end())
    if close is None:
        return None
    return m.end(), close.start()


def _value(rest: str) -> str:
    """A key's inline value with any trailing comment removed."""
    return re.sub(r"(^|[ \t])#.*$", "", rest).strip()


def _closing_brace(text: str, open_at: int, stop: int) -> int:
    """Offset of the ``}`` matching the ``{`` at ``open_at``, on the same line; -1 if none."""
    depth, quote = 0, ""
    for i in range(open_at, stop):
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
            if depth == 0:
                return i if c == "}" else -1
        elif c == "#" and text[i - 1] in " \t":
            return -1
    return -1


def _insert_in_flow(text: str, open_at: int, close_at: int, items: list[str]) -> Edit:
    inner = text[open_at + 1 : close_at]
    if not inner.strip():
        return Edit(open_at + 1, open_at + 1, ", ".join(items))
    last = open_at + 1 + len(inner.rstrip())
    sep = " " if text[last - 1] == "," else ", "
    return Edit(last, last, sep + ", ".join(items))


def declaration_edit(text: str, newline: str, senses: dict[str, str]) -> Edit:
    """One insertion that declares ``senses`` in the front matter (created if missing).

    The edit only adds characters; the front matter is parsed before and after, and anything
    but the intended addition makes this raise FixError.
    """
    entries = [f"{t}: {s}" for t, s in senses.items()]
    span = front_matter_span(text)
    if span is None:
        lines = ["---", "termlint:", "  senses:", *(f"    {e}" for e in entries), "---", ""]
        return Edit(0, 0, newline.join(lines))
    body_start, body_end = span
    edit = _front_matter_insertion(text, newline, body_start, body_end, entries)
    _check_declaration(text, edit, span, senses)
    return edit


def _front_matter_insertion(
    text: str, nl: str, body_start: int, body_end: int, entries: list[str]
) -> Edit:
    lines = _lines(text, body_start, body_end)
    top = next(
        (
            i
            for i, ln in enumerate(lines)
            if (m := _KEY.match(ln.content)) and not m.group(1) and m.group(2) == "termlint"
        ),
        None,
    )
    if top is None:  # a new top-level key just before the closing ---
        block = ["termlint:", "  senses:", *(f"    {e}" for e in entries)]
        return Edit(body_end, body_end, "".join(line + nl for line in block))
    line = lines[top]
    rest = _value(_after_key(line.content))
    if rest.startswith("{"):  # termlint: {senses: {...}} on one line
        open_at = line.start + line.content.index(
            "{", len(line.content) - len(_after_key(line.content))
        )
        close_at = _closing_brace(text, open_at, line.start + len(line.content))
        if close_at < 0:
            raise FixError("cannot extend a 'termlint:' mapping written over several lines")
        inner = re.search(r"(?:^|[{,\s])senses[ \t]*:[ \t]*\{", text[open_at:close_at])
        if inner is not None:
            s_open = open_at + inner.end() - 1
            s_close = _closing_brace(text, s_open, close_at)
            if s_close < 0:
                raise FixError("cannot read the 'senses' mapping under 'termlint:'")
            return _insert_in_flow(text, s_open, s_close, entries)
        return _insert_in_flow(text, open_at, close_at, [f"senses: {{{', '.join(entries)}}}"])
    if rest:
        raise FixError("front matter 'termlint:' is not a mapping")
    children = []
    for ln in lines[top + 1 :]:
        if not ln.blank and not ln.indent:
            break
        children.append(ln)
    real = [ln for ln in children if not ln.blank]
    indent = real[0].indent if real else "  "
    senses_at = next(
        (
            i
            for i, ln in enumerate(children)
            if not ln.blank
            and ln.indent == indent
            and (m := _KEY.match(ln.content))
            and m.group(2) == "senses"
        ),
        None,
    )
    if senses_at is None:  # add "senses:" as the first key under termlint:
        block = [f"{indent}senses:", *(f"{indent * 2}{e}" for e in entries)]
        return Edit(line.end, line.end, "".join(b + nl for b in block))
    s_line = children[senses_at]
    s_rest = _value(_after_key(s_line.content))
    if s_rest.startswith("{"):
        s_open = s_line.start + s_line.content.index("{", len(indent))
        s_close = _closing_brace(text, s_open, s_line.start + len(s_line.content))
        if s_close < 0:
            raise FixError("cannot extend a 'senses:' mapping written over several lines")
        return _insert_in_flow(text, s_open, s_close, entries)
    if s_rest:
        raise FixError("front matter 'senses:' under 'termlint:' is not a mapping")
    inner_lines = []
    for ln in children[senses_at + 1 :]:
        if not ln.blank and len(ln.indent) <= len(indent):
            break
        inner_lines.append(ln)
    items = [ln for ln in inner_lines if not ln.blank]
    if items:
        return Edit(
            items[-1].end, items[-1].end, "".join(f"{items[0].indent}{e}{nl}" for e in entries)
        )
    return Edit(s_line.end, s_line.end, "".join(f"{indent * 2}{e}{nl}" for e in entries))


def _check_declaration(
    text: str, edit: Edit, span: tuple[int, int], senses: dict[str, str]
) -> None:
    """The edited front matter must hold exactly the old data plus the new senses."""
    import yaml

    body_start, body_end = span
    old_body = text[body_start:body_end]
    new_text = apply_edits(text, [edit])
    new_span = front_matter_span(new_text)
    how_to = (
        "add it by hand: termlint: {senses: {"
        + ", ".join(f"{t}: {s}" for t, s in senses.items())
        + "}}"
    )
    if new_span is None:
        raise FixError(f"could not add the declaration to the front matter; {how_to}")
    try:
        old = yaml.safe_load(old_body) or {}
        new = yaml.safe_load(new_text[new_span[0] : new_span[1]])
    except yaml.YAMLError:
        raise FixError(f"could not add the declaration to the front matter; {how_to}") from None
    if (
        not isinstance(old, dict)
        or not isinstance(old.get("termlint") or {}, dict)
        or not isinstance((old.get("termlint") or {}).get("senses") or {}, dict)
    ):
        raise FixError(f"front matter is not laid out as expected; {how_to}")
    expected = copy.deepcopy(old)
    settings = expected.get("termlint") or {}
    expected["termlint"] = settings
    declared = settings.get("senses") or {}
    settings["senses"] = declared
    for term, sense in senses.items():
        if term in declared:
            raise FixError(f"front matter already declares a sense for {term!r}")
        declared[term] = sense
    if new != expected:
        raise FixError(
            f"could not add the declaration without changing other front matter; {how_to}"
        )


# -- the whole document ------------------------------------------------------------------------

Chooser = Callable[["Diagnostic", "Occurrence | None"], "str | None"]


def fix_source(
    source: SourceText,
    project: Project,
    choose: Chooser,
    how: str,
    result: FileResult | None = None,
) -> FixPlan:
    """Fix the ambiguous uses of one document with the senses ``choose`` returns.

    ``choose(diagnostic, occurrence)`` gives a sense id, or None to leave the use alone. The
    edited text is linted again; an edit whose use is still ambiguous is dropped (with a note),
    so running the fix again changes nothing. ``result`` is the source's lint result when the
    caller has it already (``termlint fix`` gets it from the runner, cached or from a worker).
    """
    from ..pipeline import lint_source

    if result is None:
        result = lint_source(source, project, group="use")  # fixes are made per use
    if result.error is not None:
        raise result.error
    occurrences = {(o.start, o.end): o for o in result.occurrences}
    plan = FixPlan(source.path, source.text, source.text)
    picks = []
    for d in result.diagnostics:
        if d.rule != RULE:
            continue
        occ = occurrences.get((d.start, d.end))
        sense = choose(d, occ)
        if sense is None and how == "rewrite":
            term = project.glossary.terms[d.term]
            left = rewrite_use(source.text, d.start, d.end, term, term.senses[0])
            if left.role.left_alone:
                plan.notes.append(
                    f"{where(d)}: {left.role.reason}: left as it is; declare the sense "
                    f"once instead (--how declare, or --sense {d.term}=SENSE --how declare)"
                )
                continue
        if sense is None:
            plan.notes.append(
                f"{where(d)}: `{d.match}` left as it is (no sense chosen for "
                f"{d.term!r}; pass --sense {d.term}=SENSE)"
            )
            continue
        if project.glossary.terms[d.term].sense(sense) is None:
            raise TermlintError(f"{d.term!r} has no sense {sense!r}")
        picks.append(Pick(d, sense, occ))
    links = link_spans(source) if how == "link" and picks else []
    while True:
        planned, notes = plan_edits(
            source, picks, how, project.glossary, project.config.docs_url, links
        )
        edits = [e for e, _ in planned]
        new_text = apply_edits(source.text, edits)
        failed = _unsettled(source, new_text, planned, project, how == "declare")
        if not failed:
            plan.notes.extend(notes)
            plan.new_text, plan.edits = new_text, edits
            plan.fixed = [p for _, settled in planned for p in settled]
            if how != "declare":
                plan.notes.extend(_declare_instead(plan.fixed, how))
            return plan
        retry = [
            p for p in failed if how == "rewrite" and p.attempt + 1 < _rewrites(p, source, project)
        ]
        for p in failed:
            if p in retry:
                p.attempt += 1
                continue
            plan.notes.append(
                f"{where(p.diagnostic)}: `{p.diagnostic.match}` would still be "
                f"ambiguous after --how {how}; left as it is"
            )
        picks = [p for p in picks if p not in failed or p in retry]


def _rewrites(p: Pick, source: SourceText, project: Project) -> int:
    """How many rewrites fit the pick's use (each is tried in turn until one settles it)."""
    term = project.glossary.terms[p.term]
    sense = term.sense(p.sense)
    if sense is None:
        return 0
    found = rewrite_finding(source.text, p.diagnostic, p.occurrence, term, sense)
    return len(found.alternatives)


#: Past this many rewrites or links of one term in a document, one declaration says it better.
DECLARE_AFTER = 3


def _declare_instead(fixed: list[Pick], how: str) -> list[str]:
    counts: dict[tuple[str, str], int] = {}
    for p in fixed:
        counts[(p.term, p.sense)] = counts.get((p.term, p.sense), 0) + 1
    return [
        f"{fixed[0].diagnostic.path}: {n} uses of {term!r} changed with --how {how}; one "
        f"declaration says it once: --sense {term}={sense} --how declare"
        for (term, sense), n in counts.items()
        if n > DECLARE_AFTER
    ]


def _unsettled(
    source: SourceText,
    new_text: str,
    planned: list[tuple[Edit, list[Pick]]],
    project: Project,
    declared: bool,
) -> list[Pick]:
    """The picks whose use is still flagged as ambiguous in the edited text.

    A declaration settles every use of its term; any other edit settles the use it replaced.
    """
    from ..pipeline import lint_source

    if not planned:
        return []
    edited = SourceText(
        path=source.path, text=new_text, had_bom=source.had_bom, newline=source.newline
    )
    result = lint_source(edited, project, group="use")
    if result.error is not None:
        raise FixError(
            f"the edit would make the document unreadable ({result.error.message}); nothing changed"
        )
    still = [d for d in result.diagnostics if d.rule == RULE]
    spans = new_spans([e for e, _ in planned])
    failed = []
    for edit, settled in planned:
        start, end = spans[edit]
        for p in settled:
            if any(
                d.term == p.term and (declared or (d.start < end and start < d.end)) for d in still
            ):
                failed.append(p)
    return failed


# -- output ------------------------------------------------------------------------------------


def encode(source: SourceText, text: str) -> bytes:
    """The document's bytes: UTF-8, with the byte-order mark if the original had one."""
    return (BOM + text if source.had_bom else text).encode("utf-8")


def _split_lines(text: str) -> list[str]:
    return [line for line in re.split(r"(?<=\n)", text) if line]


def unified_diff(path: str, old: str, new: str, words: bool = False) -> str:
    """A unified diff of two versions of a document, as ``git diff`` would print it; with
    ``words``, long changed lines are shown once, word by word (:mod:`.worddiff`)."""
    where = Path(path)
    if where.is_absolute():
        with contextlib.suppress(ValueError):
            where = where.relative_to(Path.cwd())
    name = where.as_posix().lstrip("/")
    out = []
    lines = list(
        difflib.unified_diff(_split_lines(old), _split_lines(new), f"a/{name}", f"b/{name}")
    )
    if words:
        from .worddiff import words_in_hunks

        lines = words_in_hunks(lines)
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


#: A temporary file of a fix that was killed (``kill -9``) is deleted by a later fix of the same
#: file once its writer is gone, or in any case after this long.
STALE_TMP_SECONDS = 24 * 3600
_TMP_SUFFIX = ".termlint.tmp"


def write_atomic(path: Path | str, data: bytes, original: bytes | None = None) -> None:
    """Replace a file's contents atomically, keeping its permissions, links and attributes.

    The new bytes go to a temporary file in the same folder, which is flushed to disk, given
    the original's mode, owner and extended attributes, and renamed over the original. On any
    failure the temporary file is removed and the original is untouched. ``original``, when
    given, must still be the file's content, so an edit made meanwhile (by an editor, say) is
    never overwritten. A read-only file is refused. A file with other hard links is written in
    place once the new bytes are safely on disk beside it (a rename would leave the other
    links with the old text). Temporary files of earlier, killed fixes are cleaned up.
    """
    target = Path(os.path.realpath(path))
    try:
        st = target.stat()
        if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
            raise FixError(
                "file is read-only; nothing written (make it writable to fix it)", str(path)
            )
        if original is not None and target.read_bytes() != original:
            raise FixError(
                "the file changed while termlint was fixing it; nothing written", str(path)
            )
        _remove_stale_temporaries(target)
    except OSError as exc:
        raise TermlintError(f"cannot write: {exc.strerror or exc}", str(path)) from None

    def keep_attributes(tmp: Path) -> None:
        tmp.chmod(stat.S_IMODE(st.st_mode))
        if hasattr(os, "chown"):
            with contextlib.suppress(OSError):
                os.chown(tmp, st.st_uid, st.st_gid)
        _copy_xattrs(target, tmp)

    prefix = f".{target.name}.{os.getpid()}."
    try:
        if st.st_nlink > 1:
            _write_through_links(target, data, original, str(path), prefix)
        else:
            replace_file(
                target,
                data,
                prefix=prefix,
                suffix=_TMP_SUFFIX,
                durable=True,
                prepare=keep_attributes,
            )
    except OSError as exc:
        raise TermlintError(
            f"cannot write: {exc.strerror or exc}; the file is unchanged", str(path)
        ) from None


def _write_through_links(
    target: Path, data: bytes, original: bytes | None, display: str, prefix: str
) -> None:
    """A file with other hard links: its new bytes go to a copy beside it first (so they are
    safely on disk), then over the file's own bytes (a rename would leave the other links
    with the old text); the copy is then removed."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=_TMP_SUFFIX, dir=target.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _write_in_place(target, data, original, display)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    sync_folder(target.parent)


def _write_in_place(target: Path, data: bytes, original: bytes | None, display: str) -> None:
    """Overwrite a hard-linked file's bytes (same inode, so every link sees the fix)."""
    with target.open("r+b") as fh:
        if original is not None and fh.read() != original:
            raise FixError(
                "the file changed while termlint was fixing it; nothing written", display
            )
        fh.seek(0)
        fh.write(data)
        fh.truncate()
        fh.flush()
        os.fsync(fh.fileno())


def _copy_xattrs(source: Path, dest: Path) -> None:
    """Extended attributes (``user.*``, ACLs, labels), where the platform has them."""
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(source)
    except OSError:
        return
    for name in names:
        with contextlib.suppress(OSError):
            os.setxattr(dest, name, os.getxattr(source, name))


def _remove_stale_temporaries(target: Path) -> None:
    """Delete ``.NAME.PID.XXXX.termlint.tmp`` files of fixes of this file that were killed:
    their process is gone, or they are a day old. Only names this module makes."""
    import time

    prefix = f".{target.name}."
    now = time.time()
    try:
        names = [p.name for p in target.parent.iterdir()]
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith(_TMP_SUFFIX)):
            continue
        middle = name[len(prefix) : -len(_TMP_SUFFIX)]
        pid_text, _, rest = middle.partition(".")
        if not pid_text.isdigit() or not rest or "." in rest or "/" in rest:
            continue
        stale = target.parent / name
        with contextlib.suppress(OSError):
            st = stale.lstat()
            if not stat.S_ISREG(st.st_mode):
                continue
            if now - st.st_mtime > STALE_TMP_SECONDS or not _alive(int(pid_text)):
                stale.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True
