"""Human output: ``path:line:col: severity [rule] message``, the line, a caret, suggestions."""

from __future__ import annotations

import unicodedata

import click

from ..model import Diagnostic, Summary

COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}

#: Characters a terminal acts on instead of showing: C0 controls but tab, DEL, C1 controls,
#: and the line and paragraph separators. A document line holding ESC ] 0 ; … BEL set the
#: window title, ESC ] 52 wrote the clipboard; a file name with a newline split the output.
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if c != 0x09}
_CONTROLS.update({0x2028: "\\u2028", 0x2029: "\\u2029"})


def visible(text: str) -> str:
    """``text`` with every terminal control character written as an escape (``\\x1b``)."""
    return text.translate(_CONTROLS) if not text.isprintable() else text


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


class TextReporter:
    def __init__(self, stream, color: bool | None = None, project=None, quiet: bool = False):
        self.stream = stream
        self.color = color
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
        where = self._style(f"{visible(diag.path)}:{diag.line}:{diag.column}:", bold=True)
        level = self._style(diag.severity, fg=COLOURS.get(diag.severity), bold=True)
        self._echo(f"{where} {level} [{diag.rule}] {visible(diag.message)}")
        if self.quiet:
            return
        if source is not None:
            line = source.line_text(diag.line)
            length = (
                diag.end_column - diag.column
                if diag.end_line == diag.line
                else len(line) - diag.column + 1
            )
            gutter = f"{diag.line:>5} | "
            self._echo(f"{gutter}{visible(line)}")
            self._echo(
                " " * (len(gutter) - 2)
                + "| "
                + self._style(underline(line, diag.column, length), fg=COLOURS.get(diag.severity))
            )
        for s in diag.suggestions:
            self._echo(
                f"      = {self._style('try', fg='green')}: {visible(s.text)}  ({visible(s.sense)})"
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
