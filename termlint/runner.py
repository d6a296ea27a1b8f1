"""Running a check over many files: the result cache and worker processes.

Results come back in the order of the paths whatever the number of jobs, so the output of a
parallel run is identical to a serial one. A file whose bytes, glossary, rules, configuration
and termlint version are all unchanged since the last run is not linted again: its result is
read from the cache (JSON, in the same folder as the validated-data cache).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, fields
from functools import cache
from pathlib import Path

from .engine import Project, iter_paths, lint_source
from .errors import TermlintError
from .model import Diagnostic, FileResult, Suggestion
from .source import decode

#: Below this many files a pool costs more than it saves (forking, warming spaCy up).
MIN_FILES_PER_JOB = 4
CHUNKSIZE = 4


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# -- the result cache ----------------------------------------------------------------------


def project_fingerprint(project: Project) -> str:
    """Everything besides a file's bytes that can change its result."""
    from . import __version__

    h = hashlib.sha256(__version__.encode())
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
        from .datafiles import cache_dir

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

    from .datafiles import cache_dir

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
    from .model import Occurrence

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


# -- running -------------------------------------------------------------------------------

_WORKER: tuple[Project, ResultCache | None] | None = None


def _read(path) -> bytes:
    return Path(path).read_bytes()


def _lint_entry(entry) -> FileResult:
    """Lint one (display, path, error) entry with the process-wide project and cache."""
    display, path, error = entry
    project, cache = _WORKER
    if error is not None:
        return FileResult(display, error=error)
    try:
        if Path(path).is_dir():
            raise TermlintError("is a directory, expected a Markdown file", display)
        data = _read(path)
    except TermlintError as exc:
        return FileResult(display, error=exc)
    except FileNotFoundError:
        return FileResult(display, error=TermlintError("no such file", display))
    except PermissionError:
        return FileResult(display, error=TermlintError("permission denied", display))
    except OSError as exc:
        return FileResult(display, error=TermlintError(
            f"cannot read file: {exc.strerror or exc}", display))
    return _lint_data(data, display, project, cache)


def _lint_entry_in_worker(entry) -> FileResult:
    """:func:`_lint_entry`, sending back only the source lines the diagnostics show."""
    result = _lint_entry(entry)
    if result.source is not None:
        result.source = result.source.excerpt({d.line for d in result.diagnostics})
    return result


def _lint_data(data: bytes, display: str, project: Project, cache) -> FileResult:
    try:
        source = decode(data, display)
    except TermlintError as exc:
        return FileResult(display, error=exc)
    if not project.prefilter.search(source.text) and "termlint-" not in source.text:
        cache = None  # nothing to save: the prefilter alone decides this file
    if cache is not None:
        hit = cache.get(data, display)
        if hit is not None:
            return hit
    result = lint_source(source, project)
    if cache is not None:
        cache.put(data, result)
    return result


def run_paths(paths: Iterable[str], project: Project, stdin_reader=None, jobs: int = 1,
              use_cache: bool = True) -> Iterator[FileResult]:
    """Lint files and folders, in order, with ``jobs`` worker processes and the cache."""
    global _WORKER
    cache = ResultCache(project) if use_cache else None
    entries = list(iter_paths(paths, project.config))
    _WORKER = (project, cache)
    files = sum(1 for _, path, error in entries if path is not None and error is None)
    has_stdin = any(display == "-" for display, _, _ in entries)
    jobs = min(jobs, files // MIN_FILES_PER_JOB) if not has_stdin else 1
    if cache is not None and cache.folder is not None:
        prune_cache(cache.folder.parent)
    if jobs <= 1 or not _can_fork():
        for display, path, error in entries:
            if display == "-" and path is None and error is None:
                data = stdin_reader() if stdin_reader else b""
                yield _lint_data(data, "<stdin>", project, None)
            else:
                yield _lint_entry((display, path, error))
        return
    import multiprocessing

    if _needs_nlp(entries, project, cache):
        _warm_up(project)  # import spaCy once, before forking, so workers share it
    ctx = multiprocessing.get_context("fork")
    # Frozen objects are never scanned by the collector, so the workers do not copy the pages
    # of everything the parent loaded (spaCy, the glossary) just to collect: ~5% of their time.
    gc.freeze()
    try:
        pool = ctx.Pool(jobs)
    finally:
        gc.unfreeze()
    with pool:
        yield from pool.imap(_lint_entry_in_worker, entries, chunksize=CHUNKSIZE)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _needs_nlp(entries, project: Project, cache: ResultCache | None, sample: int = 20) -> bool:
    """Whether any of the first files holds a term and is not cached (so spaCy will load)."""
    for _, path, error in entries[:sample]:
        if path is None or error is not None:
            continue
        try:
            data = _read(path)
        except OSError:
            continue
        if project.prefilter.search(data.decode("utf-8", errors="replace")) and (
                cache is None or cache.get(data, str(path)) is None):
            return True
    return False


def _warm_up(project: Project) -> None:
    from .nlp import analyzer_for

    analyzer_for(project.glossary)
