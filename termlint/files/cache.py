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
from dataclasses import asdict, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import TermlintError
from ..model import Diagnostic, FileResult, Suggestion
from .source import decode

if TYPE_CHECKING:
    from ..pipeline import Project


@cache
def code_fingerprint() -> str:
    """termlint's own code and data files (the learned sense model, the lexicon, schemas),
    by name, size and modification time: an edit to any of them, in a checkout or by an
    upgrade, is a new fingerprint, so no cached result outlives the code that made it."""
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".yaml", ".html", ".css", ".js") and \
                "__pycache__" not in path.parts:
            with contextlib.suppress(OSError):
                st = path.stat()
                h.update(f"{path.relative_to(package)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


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

    def __init__(self, project: Project):
        from ..project.datafiles import cache_dir

        folder = cache_dir()
        self.folder = folder / "results" if folder else None
        self.fingerprint = project_fingerprint(project)

    def key(self, data: bytes) -> str:
        return hashlib.sha256(self.fingerprint.encode() + b"\0" + data).hexdigest()

    def get(self, data: bytes, display: str) -> FileResult | None:
        if self.folder is None:
            return None
        path = self.folder / self.key(data)[:2] / f"{self.key(data)}.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            source = decode(data, display)
            result = _result_from_json(raw, source)
        except (OSError, ValueError, KeyError, TypeError, TermlintError):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # its age is the time since it was last used (see prune_cache)
        return result

    def put(self, data: bytes, result: FileResult) -> None:
        if self.folder is None or result.error is not None:
            return
        key = self.key(data)
        path = self.folder / key[:2] / f"{key}.json"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(_result_to_json(result)), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # the cache is an optimisation only


#: Cache entries unused for this long are deleted, at most once a day. Every edit of a file
#: makes a new entry, so without this the cache would only grow.
PRUNE_AFTER_DAYS = 30
PRUNE_EVERY_HOURS = 24


def prune_cache(folder: Path | None = None, now: float | None = None) -> int:
    """Delete cache files unused for PRUNE_AFTER_DAYS, if the last pruning is a day old.

    Covers the per-file results and the validated glossary, rules and word lists. Returns how
    many files were deleted. A stamp file records the last pruning, so most runs pay one
    ``stat``.
    """
    import time

    from ..project.datafiles import cache_dir

    folder = folder if folder is not None else cache_dir()
    if folder is None or not folder.is_dir():
        return 0
    now = time.time() if now is None else now
    stamp = folder / "last-pruned"
    try:
        if now - stamp.stat().st_mtime < PRUNE_EVERY_HOURS * 3600:
            return 0
    except OSError:
        pass  # never pruned
    cutoff = now - PRUNE_AFTER_DAYS * 86400
    deleted = 0
    for path in [*folder.glob("*.json"), *folder.glob("results/*/*.json")]:
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
    with contextlib.suppress(OSError):
        stamp.touch()
        os.utime(stamp, (now, now))
    return deleted


def _result_to_json(result: FileResult) -> dict:
    # Shallow dicts: dataclasses.asdict deep-copies every list and was most of a cache write.
    diagnostics = []
    for d in result.diagnostics:
        item = _shallow(d)
        del item["path"]
        item["suggestions"] = [_shallow(s) for s in d.suggestions]
        diagnostics.append(item)
    occurrences = [_shallow(o) for o in result.occurrences]
    return {"diagnostics": diagnostics, "occurrences": occurrences}


def _shallow(obj) -> dict:
    return {name: getattr(obj, name) for name in _field_names(type(obj))}


@cache
def _field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _result_from_json(raw: dict, source) -> FileResult:
    from ..model import Occurrence

    diagnostics = []
    for item in raw["diagnostics"]:
        item["suggestions"] = [Suggestion(**s) for s in item["suggestions"]]
        diagnostics.append(Diagnostic(path=source.path, **item))
    names = {f.name for f in fields(Occurrence)}
    occurrences = []
    for item in raw["occurrences"]:
        item = {k: v for k, v in item.items() if k in names}
        if item.get("established") is not None:
            item["established"] = tuple(item["established"])
        occurrences.append(Occurrence(**item))
    return FileResult(source.path, diagnostics=diagnostics, occurrences=occurrences,
                      source=source)
