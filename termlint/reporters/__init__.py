"""Output formats. Each reporter takes file results one at a time and writes to a stream.

A reporter is a class with ``file(result)`` and ``finish(summary)``; ``FORMATS`` maps the
``--format`` names to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Summary:
    files: int = 0
    files_with_errors: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})

    @property
    def diagnostics(self) -> int:
        return sum(self.counts.values())

    def to_json(self) -> dict:
        return {"files": self.files, "input_errors": self.files_with_errors,
                "diagnostics": self.diagnostics, **self.counts}


def formats() -> dict[str, type]:
    from .github import GithubReporter
    from .json import JsonReporter
    from .text import TextReporter

    found = {"text": TextReporter, "json": JsonReporter, "github": GithubReporter}
    try:
        from .sarif import SarifReporter
    except ImportError:  # pragma: no cover
        pass
    else:
        found["sarif"] = SarifReporter
    return found
