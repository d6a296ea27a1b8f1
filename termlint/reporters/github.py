"""``--format github``: GitHub Actions workflow commands, one annotation per diagnostic."""

from __future__ import annotations

from ..records import Summary

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter:
    def __init__(self, stream, color=None, project=None, quiet: bool = False):
        self.stream = stream

    def file(self, result) -> None:
        if result.error is not None:
            e = result.error
            props = f"file={_escape_property(e.path or result.path)}"
            if e.line:
                props += f",line={e.line}"
            self.stream.write(f"::error {props},title=termlint::{_escape_data(e.message)}\n")
            return
        for d in result.diagnostics:
            props = ",".join(
                [
                    f"file={_escape_property(d.path)}",
                    f"line={d.line}",
                    f"col={d.column}",
                    f"endLine={d.end_line}",
                    f"endColumn={d.end_column}",
                    f"title={_escape_property('termlint ' + d.rule)}",
                ]
            )
            from ..rules.group import suggestion_text, uses_note  # not for a run without findings

            message = d.text_message or d.message  # read by people in a pull request
            note = uses_note(d)
            if note:
                message += f" ({note})"
            if d.suggestions:
                message += "\nTry: " + " | ".join(suggestion_text(s) for s in d.suggestions)
            self.stream.write(f"::{LEVELS[d.severity]} {props}::{_escape_data(message)}\n")

    def finish(self, summary: Summary) -> None:
        pass
