"""Running a check over many files: the result cache and worker processes.

Results come back in the order of the paths whatever the number of jobs, so the output of a
parallel run is identical to a serial one. A file whose bytes, glossary, rules, configuration
and termlint version are all unchanged since the last run is not linted again: its result is
read from the cache (JSON, in the same folder as the validated-data cache).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator

from ..errors import TermlintError
from ..model import FileResult
from ..pipeline import Project, lint_source
from .cache import ResultCache, prune_cache
from .discovery import iter_paths
from .source import decode, read_regular

#: Below this many files a pool costs more than it saves (forking, warming spaCy up).
MIN_FILES_PER_JOB = 4
CHUNKSIZE = 4


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# -- running -------------------------------------------------------------------------------

_WORKER: tuple[Project, ResultCache | None, bool] | None = None


def _read(path) -> bytes:
    return read_regular(path, str(path))


def _lint_entry(entry) -> FileResult:
    """Lint one (display, path, error) entry with the process-wide project and cache."""
    display, path, error = entry
    project, cache, keep = _WORKER
    if error is not None:
        return FileResult(display, error=error)
    try:
        data = _read(path)
    except TermlintError as exc:
        return FileResult(display, error=TermlintError(exc.message, display, exc.line))
    except FileNotFoundError:
        return FileResult(display, error=TermlintError("no such file", display))
    except PermissionError:
        return FileResult(display, error=TermlintError("permission denied", display))
    except IsADirectoryError:
        return FileResult(
            display, error=TermlintError("is a directory, expected a Markdown file", display)
        )
    except OSError as exc:
        return FileResult(
            display, error=TermlintError(f"cannot read file: {exc.strerror or exc}", display)
        )
    return _lint_data(data, display, project, cache, keep)


def _lint_entry_in_worker(entry) -> FileResult:
    """:func:`_lint_entry`, sending back only the source lines the diagnostics show."""
    result = _lint_entry(entry)
    if result.source is not None:
        result.source = result.source.excerpt({d.line for d in result.diagnostics})
    return result


def _lint_data(
    data: bytes, display: str, project: Project, cache, keep_occurrences: bool = True
) -> FileResult:
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
    if not keep_occurrences:
        result.occurrences = []
    if cache is not None:
        cache.put(data, result)
    return result


def run_paths(
    paths: Iterable[str],
    project: Project,
    stdin_reader=None,
    jobs: int = 1,
    use_cache: bool = True,
    force_exclude: bool = False,
    notice=None,
    keep_occurrences: bool = True,
) -> Iterator[FileResult]:
    """Lint files and folders, in order, with ``jobs`` worker processes and the cache.

    ``force_exclude`` and ``notice`` are passed to :func:`iter_paths`. Without
    ``keep_occurrences`` the results carry no occurrences (``check`` reads only diagnostics):
    they were three quarters of the result cache and of what workers send back."""
    global _WORKER
    cache = ResultCache(project, occurrences=keep_occurrences) if use_cache else None
    entries = list(iter_paths(paths, project.config, force_exclude=force_exclude, notice=notice))
    _WORKER = (project, cache, keep_occurrences)
    files = sum(1 for _, path, error in entries if path is not None and error is None)
    has_stdin = any(display == "-" for display, _, _ in entries)
    jobs = min(jobs, files // MIN_FILES_PER_JOB) if not has_stdin else 1
    if cache is not None and cache.folder is not None:
        prune_cache(cache.folder.parent)
    if jobs <= 1 or not _can_fork():
        for display, path, error in entries:
            if display == "-" and path is None and error is None:
                data = stdin_reader() if stdin_reader else b""
                yield _lint_data(data, "<stdin>", project, None, keep_occurrences)
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
        pool = ctx.Pool(jobs, initializer=_worker_init)
    finally:
        gc.unfreeze()
    with pool:
        yield from pool.imap(_lint_entry_in_worker, entries, chunksize=CHUNKSIZE)


def _worker_init() -> None:
    """Ctrl-C is the parent's to handle (exit 130): a worker that took it printed its own
    traceback ("Process ForkPoolWorker-2:")."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
        except (OSError, TermlintError):
            continue
        if project.prefilter.search(data.decode("utf-8", errors="replace")) and (
            cache is None or cache.get(data, str(path)) is None
        ):
            return True
    return False


def _warm_up(project: Project) -> None:
    from ..nlp.analyzer import analyzer_for

    analyzer_for(project.glossary)
