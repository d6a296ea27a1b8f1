"""What the linter reports: diagnostics with exact positions and concrete suggestions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Suggestion:
    sense: str
    text: str
    label: str = ""
    url: str = ""  # the sense's anchor in the glossary site


@dataclass
class Diagnostic:
    path: str
    start: int  # character offsets into the source text
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    severity: str
    message: str
    term: str
    match: str
    suggestions: list[Suggestion] = field(default_factory=list)
    help: str = ""
    url: str = ""
    code: str = ""
    evidence: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        data = asdict(self)
        del data["start"], data["end"]
        return data

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule)
