"""Writing a file atomically: the one helper every writer of a single file uses.

The new bytes go to a temporary file in the target's folder (so the rename cannot cross file
systems), optionally flushed to disk, then renamed over the target: a reader sees the old file
or the new one, never half of either. On any failure the temporary file is removed and the
error is raised (an ``OSError``, for the caller to word); the target is untouched.

Users: ``fix`` (:func:`termlint.edits.fix.write_atomic`, which adds the checks a user's document
needs: read-only, changed meanwhile, hard links, permissions), the data and result caches, the
cache folder's marker and the learned sense model. The glossary site is many files written
together and has its own staging folder (:func:`termlint.site.build.write_pages`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path


def replace_file(
    target: Path,
    data: bytes,
    *,
    temporary: Path | None = None,
    prefix: str | None = None,
    suffix: str = ".tmp",
    durable: bool = False,
    prepare: Callable[[Path], None] | None = None,
) -> None:
    """Write ``data`` to ``target`` through a temporary file renamed over it.

    The temporary file is ``temporary`` when given (a name a cache pruner knows), else a new
    file named ``prefix``…``suffix`` (default prefix ``.NAME.``), created readable by its owner
    only: ``prepare`` gives it the mode it should have. ``durable`` flushes the data,
    and then the rename, to disk. ``prepare(tmp)`` runs just before the rename (to copy
    permissions, say).
    """
    if temporary is None:
        import tempfile  # not at the top: this module is imported on every run

        fd, name = tempfile.mkstemp(
            prefix=prefix if prefix is not None else f".{target.name}.",
            suffix=suffix,
            dir=target.parent,
        )
        tmp = Path(name)
    else:
        tmp = temporary
        fd = os.open(
            tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o666
        )
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        if prepare is not None:
            prepare(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if durable:
        sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable, where the platform allows it."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
