"""``--format json``: one object, ``{"version": 1, "diagnostics": […], "summary": {…}}``."""

from __future__ import annotations

import json

from ..model import Summary


class JsonReporter:
    def __init__(self, stream, color=None, project=None, quiet: bool = False):
        self.stream = stream
        self.diagnostics: list[dict] = []
        self.errors: list[dict] = []

    def file(self, result) -> None:
        if result.error is not None:
            e = result.error
            self.errors.append({"path": e.path or result.path, "line": e.line,
                                "message": e.message})
            return
        self.diagnostics.extend(d.to_json() for d in result.diagnostics)

    def finish(self, summary: Summary) -> None:
        out = {"version": 1, "diagnostics": self.diagnostics, "summary": summary.to_json(),
               "errors": self.errors}
        self.stream.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
