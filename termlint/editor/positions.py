"""Character offsets ↔ LSP positions.

termlint counts characters (code points) from the start of the decoded text; the protocol
counts lines from 0 and, within a line, code units of the negotiated position encoding
(UTF-16 unless the client offered another). Lines end at ``\\n`` (a ``\\r\\n`` line keeps
its ``\\r`` before the ``\\n``, as in the document's text).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..model import line_starts


def units(text: str, encoding: str) -> int:
    """How many code units ``text`` takes in ``encoding`` ("utf-8", "utf-16", "utf-32")."""
    if encoding == "utf-32":
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8", errors="surrogatepass"))
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _chars_for_units(line: str, count: int, encoding: str) -> int:
    """The number of characters of ``line`` that ``count`` code units cover (clamped)."""
    if encoding == "utf-32":
        return min(count, len(line))
    used = 0
    for i, c in enumerate(line):
        width = units(c, encoding)
        if used + width > count:
            return i
        used += width
    return len(line)


@dataclass
class PositionMap:
    """Converts offsets into ``text`` (minus ``shift`` leading characters, e.g. a BOM) to
    protocol positions and back."""

    text: str
    encoding: str = "utf-16"
    shift: int = 0

    def __post_init__(self) -> None:
        self.starts = line_starts(self.text)

    def _line_end(self, line: int) -> int:
        if line + 1 < len(self.starts):
            return self.starts[line + 1] - 1  # the "\n"
        return len(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        """``(line, character)`` of a termlint offset."""
        offset = max(0, min(offset + self.shift, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, units(self.text[self.starts[line] : offset], self.encoding)

    def offset(self, line: int, character: int) -> int:
        """The termlint offset of a protocol position (clamped to the text)."""
        if line >= len(self.starts):
            return max(0, len(self.text) - self.shift)
        if line < 0:
            return 0
        start = self.starts[line]
        text = self.text[start : self._line_end(line)]
        return max(0, start + _chars_for_units(text, character, self.encoding) - self.shift)
