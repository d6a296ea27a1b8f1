"""``--format sarif``: one SARIF 2.1.0 log for code-scanning services and SARIF viewers.

Every rule of the project is described in ``tool.driver.rules`` (with its documentation page as
``help``), each diagnostic is a ``result`` pointing at its rule by id and index, and files that
could not be read are ``toolExecutionNotifications`` of the invocation. Columns count Unicode
code points, as termlint's do; URIs are relative to the working folder, with forward slashes.
Suggested rewrites are ``fixes`` that replace the flagged words.

Each result carries ``partialFingerprints["termlint/v1"]``, so code scanning keeps one alert
per problem across commits: a hash of the rule, the file, the words flagged and up to five
words either side of them on their line (not the line number), plus which of several
identical such uses in the file it is. Lines added or removed elsewhere leave it unchanged.
(``primaryLocationLineHash`` is left to the uploader, which computes that one itself.)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

from ..records import Summary

if TYPE_CHECKING:
    from .json import StreamedArray

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"
FINGERPRINT = "termlint/v1"
CONTEXT_WORDS = 5
_WORD = re.compile(r"\w[\w'’-]*")


def artifact_uri(path: str, root: Path | None = None) -> str:
    """A relative URI with forward slashes (percent-encoded), or a file URI when outside root."""
    root = root or Path.cwd()
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(root)
        except ValueError:
            try:
                p = Path(os.path.relpath(p, root))
            except ValueError:  # another drive on Windows
                return p.as_uri()
            if p.parts[:1] == ("..",):
                return Path(path).as_uri()
    # A file name that is not UTF-8 (surrogate escapes) becomes its own bytes, percent-encoded.
    return quote(p.as_posix().removeprefix("./"), safe="/", errors="surrogateescape")


def _camel(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def rule_descriptor(rule, docs_url: str) -> dict:
    """A SARIF reportingDescriptor for a termlint rule."""
    from ..rules.load import rule_doc_markdown

    what = " ".join(rule.doc.get("what", "").split())
    why = " ".join(rule.doc.get("why", "").split())
    page = rule_doc_markdown(rule)
    descriptor = {
        "id": rule.id,
        "name": _camel(rule.id),
        "shortDescription": {"text": _first_sentence(what) or rule.id},
        "fullDescription": {"text": f"{what} {why}".strip() or rule.id},
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["terminology", "writing"], "kind": rule.kind},
    }
    if docs_url:
        descriptor["helpUri"] = f"{docs_url}/rules/{rule.id}.html"
    if rule.code:
        descriptor["properties"]["code"] = rule.code
    return descriptor


def fingerprint_key(d, line_text: str | None, uri: str) -> str:
    """What identifies a diagnostic whatever its line number: rule, file, words, context."""
    before = after = ""
    if line_text is not None:
        start = d.column - 1
        end = d.end_column - 1 if d.end_line == d.line else len(line_text)
        before = " ".join(_WORD.findall(line_text[:start])[-CONTEXT_WORDS:])
        after = " ".join(_WORD.findall(line_text[end:])[:CONTEXT_WORDS])
    return "\0".join([d.rule, uri, d.term, d.match.lower(), before.lower(), after.lower()])


def _line_of(source, line: int) -> str | None:
    try:
        return source.line_text(line) if source is not None else None
    except (IndexError, KeyError):
        return None


def _region(d) -> dict:
    return {
        "startLine": d.line,
        "startColumn": d.column,
        "endLine": d.end_line,
        "endColumn": d.end_column,
    }


class SarifReporter:
    def __init__(self, stream, color=None, project=None, quiet: bool = False):
        self.stream = stream
        self.root = Path.cwd()
        self.docs_url = project.config.docs_url if project is not None else ""
        rules = list(project.rules.values()) if project is not None else []
        self.rules = [rule_descriptor(r, self.docs_url) for r in rules]
        self.index = {r.id: i for i, r in enumerate(rules)}
        # Results are spooled to a temporary file as the files finish (the rules and the
        # invocation, written before them, are known only at the end): memory is bounded by
        # the largest file's findings, not the run's.
        self.spool: IO[str] | None = None
        self.results: StreamedArray | None = None
        self.notifications: list[dict] = []
        self._seen: Counter[str] = Counter()

    def _rule_index(self, rule_id: str) -> int:
        if rule_id not in self.index:  # a diagnostic from a rule the project did not list
            self.index[rule_id] = len(self.rules)
            self.rules.append({"id": rule_id})
        return self.index[rule_id]

    def file(self, result) -> None:
        if result.error is not None:
            e = result.error
            location = {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": artifact_uri(e.path or result.path, self.root),
                        "uriBaseId": SRCROOT,
                    }
                }
            }
            if e.line:
                location["physicalLocation"]["region"] = {"startLine": e.line}
            self.notifications.append(
                {"level": "error", "message": {"text": e.message}, "locations": [location]}
            )
            return
        if self.results is None:
            import tempfile

            from .json import StreamedArray

            self.spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in finish
            self.results = StreamedArray(self.spool, 3)
        from .json import write_with_array

        for d in result.diagnostics:
            out = self.result(d, _line_of(result.source, d.line))
            if "relatedLocations" not in out:
                self.results.add(out)
                continue
            self.results.begin()
            locations = self.related_locations(d, out["locations"][0])
            write_with_array(self.spool, out, "relatedLocations", locations, 4)

    def result(self, d, line_text: str | None = None) -> dict:
        from ..rules.group import suggestion_text, uses_note  # not for a run without findings

        uri = artifact_uri(d.path, self.root)
        key = fingerprint_key(d, line_text, uri)
        nth = self._seen[key]
        self._seen[key] += 1
        digest = hashlib.sha256(f"{key}\0{nth}".encode("utf-8", "surrogatepass")).hexdigest()
        artifact = {"uri": uri, "uriBaseId": SRCROOT}
        text = d.message.rstrip()
        note = uses_note(d)
        if note:
            text += f" ({note})"
        if d.suggestions:
            text += (
                ("" if text.endswith((".", "?", "!")) else ".")
                + " Try: "
                + " | ".join(suggestion_text(s) for s in d.suggestions)
                + "."
            )
        out = {
            "ruleId": d.rule,
            "ruleIndex": self._rule_index(d.rule),
            "level": LEVELS[d.severity],
            "message": {"text": text},
            "locations": [
                {"physicalLocation": {"artifactLocation": artifact, "region": _region(d)}}
            ],
            "properties": {
                "term": d.term,
                "match": d.match,
                "suggestions": [
                    {"sense": s.sense, "text": s.text, "label": s.label, "kind": s.kind}
                    for s in d.suggestions
                ],
            },
            "partialFingerprints": {FINGERPRINT: digest[:32]},
        }
        if d.related:
            out["relatedLocations"] = []  # filled as it is written (see related_locations)
        if d.help:
            out["properties"]["help"] = d.help
        if d.url:
            out["properties"]["url"] = d.url
        fixes = [
            {
                "description": {"text": f"Rewrite as “{s.text}” ({s.sense})"},
                "artifactChanges": [
                    {
                        "artifactLocation": dict(artifact),
                        "replacements": [
                            {"deletedRegion": _region(d), "insertedContent": {"text": s.text}}
                        ],
                    }
                ],
            }
            for s in d.suggestions
            if s.kind == "rewrite"  # a declaration is added to the document, not put over the words
        ]
        if fixes:
            out["fixes"] = fixes
        return out

    @staticmethod
    def related_locations(d, location: dict):
        """The other uses a grouped finding stands for, one SARIF location at a time."""
        artifact = location["physicalLocation"]["artifactLocation"]
        for i, r in enumerate(d.related, 1):
            yield {
                "id": i,
                "physicalLocation": {"artifactLocation": dict(artifact), "region": _region(r)},
                "message": {"text": f"another unclear use of `{r.match}`"},
            }

    def finish(self, summary: Summary) -> None:
        from .. import __version__

        driver = {
            "name": "termlint",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": self.rules,
        }
        if self.docs_url:
            driver["informationUri"] = f"{self.docs_url}/index.html"
        invocation: dict[str, Any] = {"executionSuccessful": not self.notifications}
        if self.notifications:
            invocation["toolExecutionNotifications"] = self.notifications
        run = {
            "tool": {"driver": driver},
            "invocations": [invocation],
            "originalUriBaseIds": {SRCROOT: {"uri": self.root.as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": [],
        }
        log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
        head = json.dumps(log, indent=2, ensure_ascii=False)
        cut = head.rindex('"results": []') + len('"results": [')
        self.stream.write(head[:cut])
        if self.results is not None and self.results.count:
            assert self.spool is not None  # made with the results
            self.results.close()
            self.spool.seek(0)
            while chunk := self.spool.read(1 << 16):
                self.stream.write(chunk)
        else:
            self.stream.write("]")
        if self.spool is not None:
            self.spool.close()
        self.stream.write(head[cut + 1 :] + "\n")
