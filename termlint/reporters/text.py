"""Human output: ``path:line:col: severity [rule] message``, the line, a caret, suggestions."""

from __future__ import annotations

import unicodedata

import click

from ..model import Diagnostic, Summary

COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}


def underline(line: str, column: int, length: int) -> str:
    """Spaces up to ``column`` (tabs kept, wide characters doubled), then carets."""
    pad = []
    for ch in line[: column - 1]:
        if ch == "\t":
            pad.append("\t")
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
        self._echo(self._style(f"{error}", fg="red", bold=True))

    def file(self, result) -> None:
        if result.error is not None:
            self.error(result.error)
            return
        for diag in result.diagnostics:
            self.diagnostic(diag, result.source)

    def diagnostic(self, diag: Diagnostic, source) -> None:
        where = self._style(f"{diag.path}:{diag.line}:{diag.column}:", bold=True)
        level = self._style(diag.severity, fg=COLOURS.get(diag.severity), bold=True)
        self._echo(f"{where} {level} [{diag.rule}] {diag.message}")
        if self.quiet:
            return
        if source is not None:
            line = source.line_text(diag.line)
            length = diag.end_column - diag.column if diag.end_line == diag.line else \
                len(line) - diag.column + 1
            gutter = f"{diag.line:>5} | "
            self._echo(f"{gutter}{line}")
            self._echo(" " * (len(gutter) - 2) + "| " + self._style(
                underline(line, diag.column, length), fg=COLOURS.get(diag.severity)))
        for s in diag.suggestions:
            self._echo(f"      = {self._style('try', fg='green')}: {s.text}  "
                       f"({s.sense})")
        if diag.help:
            self._echo(f"      = help: {diag.help}")
        if diag.url:
            self._echo(f"      = see: {diag.url}")
        self._echo()

    def finish(self, summary: Summary) -> None:
        c = summary.counts
        if summary.diagnostics == 0 and not summary.files_with_errors:
            self._echo(f"No problems found in {summary.files} file"
                       f"{'s' if summary.files != 1 else ''}.")
            return
        parts = [f"{c[k]} {k}{'s' if c[k] != 1 else ''}" for k in ("error", "warning", "info")
                 if c[k]]
        line = f"Found {summary.diagnostics} problem{'s' if summary.diagnostics != 1 else ''}"
        if parts:
            line += f" ({', '.join(parts)})"
        line += f" in {summary.files} file{'s' if summary.files != 1 else ''}"
        if summary.files_with_errors:
            line += f"; {summary.files_with_errors} could not be checked"
        self._echo(line + ".")
