"""The one error type termlint raises for bad input, data or configuration.

Every error names where it comes from (a file, and a line when known) so the CLI can print
``path:line: message`` and exit 2 without a traceback.
"""

from __future__ import annotations


class TermlintError(Exception):
    """A problem with the user's input, data or configuration (exit status 2)."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
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
