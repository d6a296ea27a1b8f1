"""Output formats. Each reporter takes file results one at a time and writes to a stream.

A reporter is a class with ``file(result)`` and ``finish(summary)``; ``FORMATS`` names them.
"""

from __future__ import annotations

#: ``--format`` names and the module and class of each reporter, imported only when chosen.
FORMATS = {
    "text": ("text", "TextReporter"),
    "json": ("json", "JsonReporter"),
    "sarif": ("sarif", "SarifReporter"),
    "github": ("github", "GithubReporter"),
}


def reporter_class(name: str) -> type:
    from importlib import import_module

    module, cls = FORMATS[name]
    return getattr(import_module(f"{__name__}.{module}"), cls)
