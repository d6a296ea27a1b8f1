"""The result cache: a file's result, keyed by its bytes and everything else that can change it.

A file whose bytes, glossary, rules, configuration and termlint version are all unchanged since
the last run is not linted again: its result is read from the cache (JSON, in the same folder
as the validated-data cache).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
from dataclasses import asdict, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import TermlintError
from ..project.datafiles import read_cache_entry, write_cache_entry
from ..records import FileResult
from .source import decode

if TYPE_CHECKING:
    from ..pipeline import Project


@cache
def code_fingerprint() -> str:
    """termlint's own code and data files (the learned sense model, the lexicon, schemas),
    by name, size and modification time: an edit to any of them, in a checkout or by an
    upgrade, is a new fingerprint, so no cached result outlives the code that made it."""
    package = Path(__file__).resolve().parent.parent
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(folder: str, parts: tuple[str, ...]) -> None:
        # os.scandir, not Path.rglob + stat: a third of the time, on every run.
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if entry.is_dir() and not entry.is_symlink():
                    if name != "__pycache__":
                        walk(entry.path, (*parts, name))
                    continue
                dot = name.rfind(".")  # Path.suffix: a leading dot is no suffix
                if 0 < dot < len(name) - 1 and name[dot:] in _CODE_SUFFIXES:
                    found.append(((*parts, name), entry.path))

    walk(str(package), ())
    h = hashlib.sha256()
    for parts, path in sorted(found):  # the order of sorted Paths: by their parts
        with contextlib.suppress(OSError):
            st = os.stat(path)  # noqa: PTH116 - a str from scandir
            h.update(f"{'/'.join(parts)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


_CODE_SUFFIXES = (".py", ".json", ".yaml", ".html", ".css", ".js")


def project_fingerprint(project: Project) -> str:
    """Everything besides a file's bytes that can change its result."""
    from .. import __version__

    h = hashlib.sha256(__version__.encode())
    h.update(code_fingerprint().encode())
    h.update(project.glossary.fingerprint.encode())
    rules = [asdict(r) for r in project.active_rules]
    for rule in rules:
        rule.pop("path", None)
    h.update(json.dumps(rules, sort_keys=True, default=str).encode())
    config = asdict(project.config)
    config.pop("path", None)
    h.update(json.dumps(config, sort_keys=True, default=str).encode())
    return h.hexdigest()


class ResultCache:
    """Per-file results keyed by the file's bytes and the project's fingerprint."""

    def __init__(self, project: Project, occurrences: bool = True):
        from ..project.datafiles import cache_dir

        folder = cache_dir()
        self.folder = folder / "results" if folder else None
        # Results without their occurrences (what `check` keeps) are entries of their own.
        self.fingerprint = project_fingerprint(project) + ("" if occurrences else "-no-occ")

    def key(self, data: bytes) -> str:
        return hashlib.sha256(self.fingerprint.encode() + b"\0" + data).hexdigest()

    def _path(self, key: str) -> Path:
        assert self.folder is not None  # callers return early without a cache folder
        return self.folder / key[:2] / f"{key}.json"

    def get(self, data: bytes, display: str) -> FileResult | None:
        """The cached result, or None: missing, damaged, edited or not a plausible result."""
        if self.folder is None:
            return None
        key = self.key(data)
        path = self._path(key)
        raw = read_cache_entry(path, "result")
        if raw is None:
            return None
        try:
            source = decode(data, display)
            if not _plausible(raw, source):
                return None
            result = _result_from_json(raw, source)
        except (ValueError, KeyError, TypeError, AttributeError, TermlintError):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # its age is the time since it was last used (see prune_cache)
        return result

    def put(self, data: bytes, result: FileResult) -> None:
        if self.folder is None or result.error is not None:
            return
        write_cache_entry(self._path(self.key(data)), "result", _result_to_json(result))


#: Cache entries unused for this long are deleted, at most once a day. Every edit of a file
#: makes a new entry, so without this the cache would only grow.
PRUNE_AFTER_DAYS = 30
PRUNE_EVERY_HOURS = 24
#: A temporary file of a write that was killed is deleted after this long.
STALE_TMP_HOURS = 24
_OWN_TOP = re.compile(r"[a-z]+-[0-9a-f]{32}\.json\Z")
_OWN_TMP = re.compile(r"(?:[a-z]+-[0-9a-f]{32}|[0-9a-f]{64}|CACHEDIR\.TAG)(?:\.json)?\.\d+\.tmp\Z")
_OWN_RESULT = re.compile(r"[0-9a-f]{64}\.json\Z")
_OWN_SHARD = re.compile(r"[0-9a-f]{2}\Z")


def prune_cache(folder: Path | None = None, now: float | None = None) -> int:
    """Delete cache entries unused for PRUNE_AFTER_DAYS, if the last pruning is a day old.

    Only in a folder marked as termlint's cache (CACHEDIR.TAG), and only files with the names
    termlint gives its entries (``KIND-<32 hex>.json``, ``results/<2 hex>/<64 hex>.json``, and
    their temporary files): nothing else is ever deleted, whatever its age. Returns how many
    files were deleted. A stamp file records the last pruning, so most runs pay one ``stat``.
    """
    import time

    from ..project.datafiles import CACHE_MARKER, cache_dir

    folder = folder if folder is not None else cache_dir()
    try:
        if folder is None or not (folder / CACHE_MARKER).is_file():
            return 0
    except OSError:
        return 0
    now = time.time() if now is None else now
    stamp = folder / "last-pruned"
    try:
        if now - stamp.stat().st_mtime < PRUNE_EVERY_HOURS * 3600:
            return 0
    except OSError:
        pass  # never pruned
    cutoff = now - PRUNE_AFTER_DAYS * 86400
    tmp_cutoff = now - STALE_TMP_HOURS * 3600
    deleted = 0
    for path, pattern in _own_files(folder):
        with contextlib.suppress(OSError):
            st = path.lstat()
            if not stat.S_ISREG(st.st_mode):
                continue
            if st.st_mtime < (tmp_cutoff if pattern is _OWN_TMP else cutoff):
                path.unlink()
                deleted += 1
    with contextlib.suppress(OSError):
        stamp.touch()
        os.utime(stamp, (now, now))
    return deleted


def _own_files(folder: Path):
    """(path, pattern) for every file in the cache whose name is one termlint writes."""

    def scan(where: Path, patterns):
        try:
            names = [p.name for p in where.iterdir()]
        except OSError:
            return
        for name in names:
            for pattern in patterns:
                if pattern.match(name):
                    yield where / name, pattern
                    break

    yield from scan(folder, (_OWN_TOP, _OWN_TMP))
    results = folder / "results"
    try:
        if results.is_symlink() or not results.is_dir():
            return
        shards = [p.name for p in results.iterdir() if _OWN_SHARD.match(p.name)]
    except OSError:
        return
    for shard in shards:
        where = results / shard
        if not where.is_symlink():
            yield from scan(where, (_OWN_RESULT, _OWN_TMP))


def _result_to_json(result: FileResult) -> dict:
    # Shallow dicts: dataclasses.asdict deep-copies every list and was most of a cache write.
    diagnostics = []
    for d in result.diagnostics:
        item = _shallow(d)
        del item["path"]
        item["suggestions"] = [_shallow(s) for s in d.suggestions]
        item["related"] = [_shallow(r) for r in d.related]
        diagnostics.append(item)
    occurrences = [_shallow(o) for o in result.occurrences]
    return {"diagnostics": diagnostics, "occurrences": occurrences}


def _shallow(obj: Any) -> dict:
    return {name: getattr(obj, name) for name in _field_names(type(obj))}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        from ..model import OCCURRENCE_FIELDS, Occurrence

        names = _FIELD_NAMES[cls] = (
            OCCURRENCE_FIELDS if cls is Occurrence else tuple(f.name for f in fields(cls))
        )
    return names


def _result_from_json(raw: dict, source) -> FileResult:
    if not raw["diagnostics"] and not raw["occurrences"]:
        return FileResult(source.path, source=source)  # no findings: no other record is needed
    from ..model import OCCURRENCE_FIELDS, Diagnostic, Occurrence, Related, Suggestion

    diagnostics = []
    for item in raw["diagnostics"]:
        item["suggestions"] = [Suggestion(**s) for s in item["suggestions"]]
        item["related"] = [Related(**r) for r in item.get("related", [])]
        diagnostics.append(Diagnostic(path=source.path, **item))
    names = set(OCCURRENCE_FIELDS)
    occurrences = []
    for item in raw["occurrences"]:
        item = {k: v for k, v in item.items() if k in names}
        if item.get("established") is not None:
            item["established"] = tuple(item["established"])
        occurrences.append(Occurrence(**item))
    return FileResult(source.path, diagnostics=diagnostics, occurrences=occurrences, source=source)


_SEVERITIES = ("error", "warning", "info")
_DIAGNOSTIC_TEXT = ("rule", "message", "term", "match", "help", "url", "code", "text_message")


def _plausible(raw, source) -> bool:
    """Whether a cache entry has the shape of a result for this source: every position inside
    it, every severity known, every text a string. A wrong shape is a miss, not a result."""
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("diagnostics"), list)
        or not isinstance(raw.get("occurrences"), list)
    ):
        return False
    lines = len(source.line_starts)
    size = len(source.text)

    def whole(value, low, high) -> bool:
        return type(value) is int and low <= value <= high

    for d in raw["diagnostics"]:
        if not isinstance(d, dict) or d.get("severity") not in _SEVERITIES:
            return False
        if not (
            whole(d.get("line"), 1, lines)
            and whole(d.get("end_line"), d["line"], lines)
            and whole(d.get("column"), 1, size + 1)
            and whole(d.get("end_column"), 1, size + 1)
            and whole(d.get("start"), 0, size)
            and whole(d.get("end"), d["start"], size)
        ):
            return False
        if not all(isinstance(d.get(k, ""), str) for k in _DIAGNOSTIC_TEXT):
            return False
        suggestions = d.get("suggestions")
        if not isinstance(suggestions, list) or not all(
            isinstance(s, dict)
            and isinstance(s.get("sense"), str)
            and isinstance(s.get("text"), str)
            for s in suggestions
        ):
            return False
        if not isinstance(d.get("evidence", []), list):
            return False
        related = d.get("related", [])
        if not isinstance(related, list) or not all(
            isinstance(r, dict)
            and whole(r.get("line"), 1, lines)
            and whole(r.get("start"), 0, size)
            and whole(r.get("end"), r["start"], size)
            for r in related
        ):
            return False
    for o in raw["occurrences"]:
        if (
            not isinstance(o, dict)
            or not isinstance(o.get("term_id"), str)
            or not whole(o.get("start"), 0, size)
            or not whole(o.get("end"), o["start"], size)
        ):
            return False
    return True
