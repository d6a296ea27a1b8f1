"""``--format json``: one object, ``{"version": 1, "diagnostics": […], "summary": {…}}``.

Written as the files finish: each file's diagnostics go out when it is done, so memory is
bounded by the largest file's findings, not the run's. The bytes are exactly those of
``json.dumps(whole, indent=2, ensure_ascii=False)``.
"""

from __future__ import annotations

import json

from ..model import Summary


def dumps_at(value, level: int) -> str:
    """``value`` as ``json.dumps(indent=2)`` writes it ``level`` levels deep (JSON strings
    never hold a raw newline, so indenting every line is exact)."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return text.replace("\n", "\n" + "  " * level) if level else text


class StreamedArray:
    """A JSON array written item by item at a given depth, as ``json.dumps(indent=2)`` would."""

    def __init__(self, stream, level: int):
        self.stream = stream
        self.level = level
        self.count = 0

    def add(self, value) -> None:
        pad = "  " * (self.level + 1)
        item = dumps_at(value, self.level + 1)
        self.stream.write(("," if self.count else "") + "\n" + pad + item)
        self.count += 1

    def close(self) -> None:
        self.stream.write("\n" + "  " * self.level + "]" if self.count else "]")


class JsonReporter:
    def __init__(self, stream, color=None, project=None, quiet: bool = False):
        self.stream = stream
        self.array: StreamedArray | None = None
        self.errors: list[dict] = []  # one per unreadable file: small, and they come last

    def _start(self) -> StreamedArray:
        if self.array is None:
            self.stream.write('{\n  "version": 1,\n  "diagnostics": [')
            self.array = StreamedArray(self.stream, 1)
        return self.array

    def file(self, result) -> None:
        array = self._start()
        if result.error is not None:
            e = result.error
            self.errors.append(
                {"path": e.path or result.path, "line": e.line, "message": e.message}
            )
            return
        for d in result.diagnostics:
            array.add(d.to_json())

    def finish(self, summary: Summary) -> None:
        self._start().close()
        self.stream.write(
            f',\n  "summary": {dumps_at(summary.to_json(), 1)},\n'
            f'  "errors": {dumps_at(self.errors, 1)}\n}}\n'
        )
