"""The one error type termlint raises for bad input, data or configuration.

Every error names where it comes from (a file, and a line when known) so the CLI can print
``path:line: message`` and exit 2 without a traceback.
"""

from __future__ import annotations

#: The longest message an error keeps: every message that quotes user data is cut to this, so
#: a hostile value (a huge YAML list, a 10 MB line) never becomes a huge message.
MAX_MESSAGE = 1000


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(value, limit: int = 80) -> str:
    """``repr(value)`` for a message, cut to ``limit`` characters (never built whole for a
    long string)."""
    if isinstance(value, str) and len(value) > limit:
        value = value[:limit]
        return repr(value)[:-1] + "…" + repr(value)[-1]
    if isinstance(value, (list, dict, tuple, set)):
        import reprlib

        r = reprlib.Repr()
        r.maxlevel, r.maxlist, r.maxdict, r.maxstring, r.maxother = 2, 4, 4, limit, limit
        return shorten(r.repr(value), limit)
    return shorten(repr(value), limit)


class TermlintError(Exception):
    """A problem with the user's input, data or configuration (exit status 2)."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        message = shorten(message)
        if path is not None:
            path = shorten(path, 300)
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __reduce__(self):  # keep path and line when sent between processes
        return (type(self), (self.message, self.path, self.line))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class DataErrors(TermlintError):
    """Several validation problems found at once in glossary, rule or config files."""

    def __init__(self, errors: list[TermlintError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))

    def __reduce__(self):
        return (type(self), (self.errors,))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
