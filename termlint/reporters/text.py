"""Human output: ``path:line:col: severity [rule] message``, the line, a caret, suggestions."""

from __future__ import annotations

import os
import unicodedata
from typing import TYPE_CHECKING

import click

from ..records import Summary

if TYPE_CHECKING:
    from ..model import Diagnostic

COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}

#: Characters a terminal acts on instead of showing: C0 controls but tab, DEL, C1 controls,
#: and the line and paragraph separators. A document line holding ESC ] 0 ; … BEL set the
#: window title, ESC ] 52 wrote the clipboard; a file name with a newline split the output.
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if c != 0x09}
_CONTROLS.update({0x2028: "\\u2028", 0x2029: "\\u2029"})


def visible(text: str) -> str:
    """``text`` with every terminal control character written as an escape (``\\x1b``)."""
    return text.translate(_CONTROLS) if not text.isprintable() else text


def char_width(ch: str) -> int:
    """Display columns of one character: 0 for combining and format marks, 2 for East Asian
    wide and full-width characters, the length of its escape for a control character."""
    code = ord(ch)
    if code in _CONTROLS:
        return len(_CONTROLS[code])
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def display_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


#: How many display columns of a long line the excerpt shows around the flagged words.
EXCERPT_WIDTH = 100
ELLIPSIS = "…"


def window(line: str, column: int, length: int, width: int = EXCERPT_WIDTH):
    """The part of ``line`` to show around the flagged words, as ``(text, column, length)``
    of that part (``text`` with "…" where it was cut; ``column`` 1-based, in characters).

    A line no wider than ``width`` columns is shown whole. Otherwise the words and about as
    much context on each side as fits, cut at a space when one is near, never between a
    character and the marks combined with it.
    """
    if display_width(line) <= width:
        return line, column, length
    start = column - 1
    end = min(len(line), start + max(1, length))
    budget = width - display_width(line[start:end])
    left, right = start, end
    used = [0, 0]  # columns taken on the left, on the right
    # Grow the narrower side a character at a time, so both get about as many columns.
    while budget > 0:
        can_left = left > 0 and char_width(line[left - 1]) <= budget
        can_right = right < len(line) and char_width(line[right]) <= budget
        if not (can_left or can_right):
            break
        if can_left and (used[0] <= used[1] or not can_right):
            w = char_width(line[left - 1])
            left -= 1
            used[0] += w
        else:
            w = char_width(line[right])
            right += 1
            used[1] += w
        budget -= w
    while right < len(line) and char_width(line[right]) == 0:
        right += 1  # keep the marks that belong to the last character shown
    while 0 < left < start and char_width(line[left]) == 0:
        left += 1  # never start on a mark whose base character is cut off
    if left > 0:
        space = line.find(" ", left, max(left, start - 1))
        if space != -1 and space - left <= 12:
            left = space + 1
    if right < len(line):
        space = line.rfind(" ", min(right, end + 1), right)
        if space != -1 and right - space <= 12:
            right = space
    text = line[left:right]
    shift = 0
    if left > 0:
        text = ELLIPSIS + text
        shift = 1
    if right < len(line):
        text += ELLIPSIS
    return text, column - left + shift, min(length, right - start)


def underline(line: str, column: int, length: int) -> str:
    """Spaces up to ``column`` (tabs kept, wide characters doubled), then carets."""
    pad = []
    for ch in line[: column - 1]:
        if ch == "\t":
            pad.append("\t")
        elif ord(ch) in _CONTROLS:
            pad.append(" " * len(_CONTROLS[ord(ch)]))  # shown escaped: as wide as its escape
        elif unicodedata.combining(ch):
            continue
        else:
            pad.append("  " if unicodedata.east_asian_width(ch) in "WF" else " ")
    return "".join(pad) + "^" * max(1, length)


def use_color(color: bool | None) -> bool | None:
    """``--color``/``--no-color`` when given; else no colour if ``NO_COLOR`` is set to
    anything but the empty string (https://no-color.org); else None (only on a terminal)."""
    if color is None and os.environ.get("NO_COLOR"):
        return False
    return color


class TextReporter:
    def __init__(self, stream, color: bool | None = None, project=None, quiet: bool = False):
        self.stream = stream
        self.color = use_color(color)
        self.quiet = quiet

    def _echo(self, text: str = "", err: bool = False) -> None:
        click.echo(text, file=self.stream, color=self.color)

    def _style(self, text: str, **kw) -> str:
        return click.style(text, **kw) if self.color is not False else text

    def error(self, error) -> None:
        self._echo(self._style(visible(f"{error}"), fg="red", bold=True))

    def file(self, result) -> None:
        if result.error is not None:
            self.error(result.error)
            return
        for diag in result.diagnostics:
            self.diagnostic(diag, result.source)

    def diagnostic(self, diag: Diagnostic, source) -> None:
        from ..rules.group import uses_note

        where = self._style(f"{visible(diag.path)}:{diag.line}:{diag.column}:", bold=True)
        level = self._style(diag.severity, fg=COLOURS.get(diag.severity), bold=True)
        message = diag.text_message or diag.message
        note = uses_note(diag)
        if note:
            message += f" ({note})" if self.quiet else ""
        self._echo(f"{where} {level} [{diag.rule}] {visible(message)}")
        if self.quiet:
            return
        if source is not None:
            line = source.line_text(diag.line)
            length = (
                diag.end_column - diag.column
                if diag.end_line == diag.line
                else len(line) - diag.column + 1
            )
            shown, column, length = window(line, diag.column, length)
            gutter = f"{diag.line:>5} | "
            self._echo(f"{gutter}{visible(shown)}")
            self._echo(
                " " * (len(gutter) - 2)
                + "| "
                + self._style(underline(shown, column, length), fg=COLOURS.get(diag.severity))
            )
        if note:
            self._echo(f"      = {visible(note)}")
        for s in diag.suggestions:
            if s.kind == "declare":
                self._echo(
                    f"      = {self._style('try first', fg='green')}: {visible(s.text)}  "
                    "(declares the sense for the whole document: put in the one you mean)"
                )
                continue
            self._echo(
                f"      = {self._style('try', fg='green')}: {visible(s.text)}  "
                f"(“{visible(s.label or s.sense)}”)"
            )
        if diag.help:
            self._echo(f"      = help: {visible(diag.help)}")
        if diag.url:
            self._echo(f"      = see: {visible(diag.url)}")
        elif diag.term:  # no docs_url, so no site to link to: the glossary is in termlint
            self._echo(f"      = see: termlint glossary show {visible(diag.term)}")
        self._echo()

    def finish(self, summary: Summary) -> None:
        c = summary.counts
        if summary.diagnostics == 0 and not summary.files_with_errors:
            self._echo(
                f"No problems found in {summary.files} file{'s' if summary.files != 1 else ''}."
            )
            return
        parts = [
            f"{c[k]} {k}{'s' if c[k] != 1 else ''}" for k in ("error", "warning", "info") if c[k]
        ]
        line = f"Found {summary.diagnostics} problem{'s' if summary.diagnostics != 1 else ''}"
        if parts:
            line += f" ({', '.join(parts)})"
        line += f" in {summary.files} file{'s' if summary.files != 1 else ''}"
        if summary.files_with_errors:
            line += f"; {summary.files_with_errors} could not be checked"
        self._echo(line + ".")
