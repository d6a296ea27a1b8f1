"""Output formats. Each reporter takes file results one at a time and writes to a stream.

A reporter is a class with ``file(result)`` and ``finish(summary)``; ``FORMATS`` names them.
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


#: ``--format`` names and the module and class of each reporter, imported only when chosen.
FORMATS = {"text": ("text", "TextReporter"), "json": ("json", "JsonReporter"),
           "sarif": ("sarif", "SarifReporter"), "github": ("github", "GithubReporter")}


def reporter_class(name: str) -> type:
    from importlib import import_module

    module, cls = FORMATS[name]
    return getattr(import_module(f"{__name__}.{module}"), cls)
