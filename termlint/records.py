"""The records a run needs even when no file names a glossary term (issue 16).

A document as read (:class:`SourceText`), a file's result (:class:`FileResult`) and the run's
:class:`Summary`. They live apart from :mod:`termlint.model` (which re-exports them) so that a
check of files without any term never imports the other records: creating each dataclass at
import costs about as much as the rest of such a run.
"""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .errors import TermlintError
    from .model import Diagnostic, Occurrence


@dataclass
class SourceText:
    """A decoded document and its line table."""

    path: str
    text: str
    had_bom: bool = False
    newline: str = "\n"
    line_starts: Sequence[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.line_starts:
            self.line_starts = line_starts(self.text)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line ending."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def excerpt(self, lines) -> SourceLines:
        """Just the given lines: what a worker process sends back for the reporters, instead
        of the whole text (unpickling whole documents was a tenth of a large parallel run)."""
        return SourceLines(self.path, {n: self.line_text(n) for n in lines})


@dataclass
class SourceLines:
    """Some lines of a document, by 1-based number (see :meth:`SourceText.excerpt`)."""

    path: str
    lines: dict[int, str]

    def line_text(self, line: int) -> str:
        return self.lines[line]


_LINE_BREAK = re.compile(r"\r\n?|\n")


def line_starts(text: str) -> array:
    """The offset of every line's first character: an array, a ninth of a list's memory.

    A line ends at ``\n``, ``\r\n`` or a lone ``\r``, as in CommonMark (and as the Markdown
    stage reads it): counting only ``\n`` put every finding of a CR-only file on line 1.
    """
    starts = array("q", [0])
    if "\r" in text:
        starts.extend(m.end() for m in _LINE_BREAK.finditer(text))
        return starts
    find = text.find
    pos = find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    return starts


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    error: TermlintError | None = None
    source: SourceText | SourceLines | None = None  # SourceLines: from a worker process
    unused_suppressions: list = field(default_factory=list)


@dataclass
class Summary:
    files: int = 0
    files_with_errors: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})

    @property
    def diagnostics(self) -> int:
        return sum(self.counts.values())

    def to_json(self) -> dict:
        return {
            "files": self.files,
            "input_errors": self.files_with_errors,
            "diagnostics": self.diagnostics,
            **self.counts,
        }
