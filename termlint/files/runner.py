"""Running a check over many files: the result cache and worker processes.

Results come back in the order of the paths whatever the number of jobs, so the output of a
parallel run is identical to a serial one. A file whose bytes, glossary, rules, configuration
and termlint version are all unchanged since the last run is not linted again: its result is
read from the cache (JSON, in the same folder as the validated-data cache).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import TermlintError
from ..pipeline import Project, lint_source
from ..records import FileResult, SourceText
from .cache import ResultCache, prune_cache
from .discovery import Entry, iter_paths
from .source import decode, read_bytes

#: Below this many files a pool costs more than it saves (forking, warming spaCy up).
MIN_FILES_PER_JOB = 4
CHUNKSIZE = 4


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# -- running -------------------------------------------------------------------------------

#: What the worker processes (and a serial run) lint with: the project, the cache, whether
#: results keep their whole source, and whether they keep their occurrences.
_WORKER: tuple[Project, ResultCache | None, bool, bool] | None = None


def _lint_entry(entry: Entry) -> FileResult:
    """Lint one (display, path, error) entry with the process-wide project and cache."""
    display, path, error = entry
    assert _WORKER is not None
    project, cache, _, keep = _WORKER
    if error is not None:
        return FileResult(display, error=error)
    assert path is not None
    try:
        data = read_bytes(path, display)
    except TermlintError as exc:
        return FileResult(display, error=exc)
    return _lint_data(data, display, project, cache, keep)


def _lint_entry_in_worker(entry: Entry) -> FileResult:
    """:func:`_lint_entry`, sending back only the source lines the diagnostics show (or the
    whole source, when the caller needs every position: ``senses``, ``fix``)."""
    result = _lint_entry(entry)
    if not _FROZEN_HERE:
        _freeze_once_loaded()  # a worker's process ends with the pool: never unfrozen
    assert _WORKER is not None
    if isinstance(result.source, SourceText) and not _WORKER[2]:
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
    result = lint_source(source, project, lean=not keep_occurrences)
    if cache is not None:
        cache.put(data, result)
    return result


def run_paths(
    paths: Iterable[str],
    project: Project,
    stdin_reader: Callable[[], bytes] | None = None,
    jobs: int = 1,
    use_cache: bool = True,
    force_exclude: bool = False,
    notice: Callable[[str], None] | None = None,
    whole_source: bool = False,
    stdin_filename: str | None = None,
    keep_occurrences: bool = True,
) -> Iterator[FileResult]:
    """Lint files and folders, in order, with ``jobs`` worker processes and the cache.

    The one path every command takes (``check``, ``senses``, ``fix``) and the library's
    :func:`termlint.pipeline.lint_paths`. ``force_exclude``, ``notice`` and ``stdin_filename``
    are passed to :func:`iter_paths`; standard input's findings are reported under
    ``stdin_filename`` when it is given. A result from a worker keeps only the source lines its
    diagnostics show unless ``whole_source``. Without ``keep_occurrences`` the results carry no
    occurrences (``check`` reads only diagnostics): they were three quarters of the result cache
    and of what workers send back; such results are cached under keys of their own."""
    for _, result in run_entries(
        paths,
        project,
        stdin_reader,
        jobs,
        use_cache,
        force_exclude,
        notice,
        whole_source,
        stdin_filename,
        keep_occurrences,
    ):
        yield result


def run_entries(
    paths: Iterable[str],
    project: Project,
    stdin_reader: Callable[[], bytes] | None = None,
    jobs: int = 1,
    use_cache: bool = True,
    force_exclude: bool = False,
    notice: Callable[[str], None] | None = None,
    whole_source: bool = False,
    stdin_filename: str | None = None,
    keep_occurrences: bool = True,
) -> Iterator[tuple[Path | None, FileResult]]:
    """:func:`run_paths`, each result with the file it came from (None: standard input, or a
    path that could not be read), for a caller that writes back (``fix``)."""
    global _WORKER
    cache = ResultCache(project, occurrences=keep_occurrences) if use_cache else None
    entries = list(
        iter_paths(
            paths,
            project.config,
            force_exclude=force_exclude,
            notice=notice,
            stdin_filename=stdin_filename,
        )
    )
    _WORKER = (project, cache, whole_source, keep_occurrences)
    files = sum(1 for _, path, error in entries if path is not None and error is None)
    has_stdin = any(display == "-" for display, _, _ in entries)
    jobs = min(jobs, files // MIN_FILES_PER_JOB) if not has_stdin else 1
    if cache is not None and cache.folder is not None:
        prune_cache(cache.folder.parent)
    if jobs <= 1:
        froze = False
        try:
            for display, path, error in entries:
                entry: tuple[Path | None, FileResult]
                if display == "-" and path is None and error is None:
                    data = stdin_reader() if stdin_reader else b""
                    entry = (
                        None,
                        _lint_data(
                            data, stdin_filename or "<stdin>", project, None, keep_occurrences
                        ),
                    )
                else:
                    entry = path, _lint_entry((display, path, error))
                if not froze and not gc.get_freeze_count():
                    froze = _freeze_once_loaded()
                yield entry
        finally:
            if froze:  # the caller's process collects as before (a library caller's may live on)
                _unfreeze()
        return
    import multiprocessing

    method = start_method()
    if method == "fork" and _needs_nlp(entries, project, cache):
        _warm_up(project)  # import spaCy once, before forking, so workers share it
    ctx = multiprocessing.get_context(method)
    # Frozen objects are never scanned by the collector, so the workers do not copy the pages
    # of everything the parent loaded (spaCy, the glossary) just to collect: ~5% of their time.
    gc.freeze()
    try:
        # A forked worker has the parent's project already; a spawned one (no fork: Windows,
        # and macOS where fork is unsafe) or one from a fork server gets it pickled.
        pool = ctx.Pool(
            jobs,
            initializer=_worker_init,
            initargs=() if method == "fork" else (_WORKER,),
        )
    finally:
        gc.unfreeze()
    with pool:
        results = pool.imap(_lint_entry_in_worker, entries, chunksize=CHUNKSIZE)
        for (_, path, _), result in zip(entries, results, strict=True):
            yield path, result


#: Whether this process froze what the language stage loaded (see _freeze_once_loaded).
_FROZEN_HERE = False


def _freeze_once_loaded() -> bool:
    """Once the language stage is loaded, move every object there is to the collector's
    permanent generation, once per process; returns whether it did.

    The first file with a term imports spaCy and markdown-it and builds the analyzer and the
    sense model, all while :func:`lint_source` keeps the collector off: tens of thousands of
    long-lived objects that the collector would otherwise scan right after that file (24 ms
    of a 100k-word run), again as they age (15 ms) and in every full collection after. They
    are never garbage; frozen, the collector only scans what later files leave behind.
    Freed objects are still freed (freezing only hides them from the cycle search).
    """
    global _FROZEN_HERE
    if _FROZEN_HERE or "spacy" not in sys.modules:
        return False
    gc.freeze()
    _FROZEN_HERE = True
    return True


def _unfreeze() -> None:
    global _FROZEN_HERE
    gc.unfreeze()
    _FROZEN_HERE = False


def _worker_init(worker: tuple[Project, ResultCache | None, bool, bool] | None = None) -> None:
    """Ctrl-C is the parent's to handle (exit 130): a worker that took it printed its own
    traceback ("Process ForkPoolWorker-2:"); SIGTERM kills a worker outright. ``worker``:
    what ``_WORKER`` holds, for a worker that was not forked from the parent."""
    import signal

    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The pool ends its workers with SIGTERM. A forked worker inherits the parent's handler
    # (``fix`` installs one that raises SystemExit, and a library caller keeps it); a worker
    # blocked on the pool's queue lock then never died, and the pool's join hung for good.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if worker is not None:
        _WORKER = worker


#: How worker processes start: ``fork`` where there is one and it is safe (Linux, the BSDs),
#: else ``spawn``; the environment variable forces one (``fork``, ``spawn`` or ``forkserver``).
START_METHOD_ENV = "TERMLINT_MP_START"


def start_method() -> str:
    """The multiprocessing start method for worker processes (the output is the same)."""
    import multiprocessing
    import sys

    available = multiprocessing.get_all_start_methods()
    forced = os.environ.get(START_METHOD_ENV, "").strip().lower()
    if forced:
        if forced not in available:
            raise TermlintError(
                f"{START_METHOD_ENV}={forced!r} is not a start method here "
                f"(available: {', '.join(available)})"
            )
        return forced
    # On macOS fork can crash in system libraries once threads exist (Python's own default
    # there is spawn); on Windows there is no fork.
    if "fork" in available and sys.platform != "darwin":
        return "fork"
    return "spawn"


def _needs_nlp(entries, project: Project, cache: ResultCache | None, sample: int = 20) -> bool:
    """Whether any of the first files holds a term and is not cached (so spaCy will load)."""
    for _, path, error in entries[:sample]:
        if path is None or error is not None:
            continue
        try:
            data = read_bytes(path)
        except TermlintError:
            continue
        if project.prefilter.search(data.decode("utf-8", errors="replace")) and (
            cache is None or cache.get(data, str(path)) is None
        ):
            return True
    return False


def _warm_up(project: Project) -> None:
    from ..nlp.analyzer import analyzer_for

    analyzer_for(project.glossary)
