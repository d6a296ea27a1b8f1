"""``checked 120/400 files`` on standard error, redrawn in place while a long check runs.

Shown only when standard error is a terminal and there are more than :data:`MIN_FILES` files:
piped or captured output (CI logs, pre-commit, ``2> file``) never carries it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

MIN_FILES = 20
INTERVAL = 0.1  # seconds between redraws


def is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class Progress:
    def __init__(self, stream, total: int):
        self.stream = stream
        self.total = total
        self.shown = False
        self.last = 0.0

    @classmethod
    def for_run(cls, stream, count: Callable[[], int]) -> Progress:
        """A progress line on ``stream`` if it is a terminal and ``count()`` is large enough.

        ``count`` is called only for a terminal, so counting costs nothing otherwise.
        """
        if not is_terminal(stream):
            return cls(None, 0)
        total = count()
        return cls(stream if total > MIN_FILES else None, total)

    def update(self, done: int) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if self.shown and now - self.last < INTERVAL and done < self.total:
            return
        self.last = now
        self.stream.write(f"\rchecked {done}/{self.total} files")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        """Erase the line (before other output, and at the end)."""
        if self.stream is not None and self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
