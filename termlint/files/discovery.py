"""Finding the Markdown files: files and folders expanded, exclusions applied, each file once."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import TermlintError

if TYPE_CHECKING:
    from ..project.config import Config

MARKDOWN_SUFFIXES = (".md", ".markdown")


def iter_paths(paths: Iterable[str], config: Config) -> Iterator[tuple[str, Path | None,
                                                                      TermlintError | None]]:
    """Expand files and folders into Markdown files, with an error for each bad path.

    Yields ``(display_path, path, error)``; ``-`` stands for standard input.
    """
    seen: set[str] = set()
    for raw in paths:
        if raw == "-":
            yield "-", None, None
            continue
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            yield raw, None, TermlintError("no such file or folder", raw)
            continue
        if path.is_dir():
            yield from _walk(path, config, seen)
            continue
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            yield raw, path, None


def _walk(folder: Path, config: Config, seen: set[str]):
    visited_dirs: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True, onerror=None):
        real = os.path.realpath(dirpath)
        if real in visited_dirs:
            dirnames[:] = []
            # A link to a folder above it is a loop; a second link to a folder already
            # searched (docs/latest -> docs/v2) is not an error: its files were checked.
            parent = os.path.realpath(Path(dirpath).parent)
            if parent == real or parent.startswith(real.rstrip(os.sep) + os.sep):
                yield dirpath, None, TermlintError("symlink loop: links back to a folder "
                                                   "above it, not followed", dirpath)
            continue
        visited_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and d not in ("node_modules", "__pycache__")
                             and not _excluded(Path(dirpath) / d, config))
        for name in sorted(filenames):
            if not name.lower().endswith(MARKDOWN_SUFFIXES):
                continue
            path = Path(dirpath) / name
            if _excluded(path, config):
                continue
            key = os.path.realpath(path)
            if key in seen:
                continue
            seen.add(key)
            yield str(path), path, None


def _excluded(path: Path, config: Config) -> bool:
    if not config.exclude:
        return False
    try:
        rel = path.resolve().relative_to(config.root).as_posix()
    except ValueError:
        rel = path.as_posix()
    return any(fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(path.as_posix(), pat)
               or rel.startswith(pat.rstrip("/") + "/") for pat in config.exclude)
