"""``--format json``: one object, ``{"version": 1, "diagnostics": […], "summary": {…}}``.

Written as the files finish: each file's diagnostics go out when it is done, so memory is
bounded by the largest file's findings, not the run's. The bytes are exactly those of
``json.dumps(whole, indent=2, ensure_ascii=False)``.
"""

from __future__ import annotations

import json

from ..records import Summary


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
        self.begin()
        self.stream.write(dumps_at(value, self.level + 1))

    def begin(self) -> None:
        """Start the next item; the caller writes it (as ``dumps_at(item, level + 1)``)."""
        self.stream.write(("," if self.count else "") + "\n" + "  " * (self.level + 1))
        self.count += 1

    def close(self) -> None:
        self.stream.write("\n" + "  " * self.level + "]" if self.count else "]")


def write_with_array(stream, value: dict, key: str, items, level: int) -> None:
    """``value`` as ``dumps_at(value, level)`` writes it, ``value[key]`` (an empty list in
    ``value``) filled from ``items`` one at a time: a grouped finding in a file dense in
    terms stands for a million uses, and their dicts and text are never all alive at once.

    The cut is exact: inside a JSON string every quote is escaped, so ``"KEY": []`` can only be
    the key itself, and ``value`` holds the key once.
    """
    text = dumps_at(value, level)
    marker = f'"{key}": []'
    cut = text.index(marker) + len(marker) - 1
    stream.write(text[:cut])
    array = StreamedArray(stream, level + 1)
    for item in items:
        array.add(item)
    array.close()
    stream.write(text[cut + 1 :])


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
            if not d.related:
                array.add(d.to_json())
                continue
            array.begin()
            write_with_array(
                self.stream,
                d.to_json(related=False),
                "related",
                (r.to_json() for r in d.related),
                2,
            )

    def finish(self, summary: Summary) -> None:
        self._start().close()
        self.stream.write(
            f',\n  "summary": {dumps_at(summary.to_json(), 1)},\n'
            f'  "errors": {dumps_at(self.errors, 1)}\n}}\n'
        )
