"""Finding the Markdown files: files and folders expanded, exclusions applied, each file once.

Folders are walked without recursion (a tree 990 folders deep is fine), in a stable order:
a folder's files sorted by name, then its subfolders, each sorted. Only regular files are
read: a FIFO, socket or device named ``*.md`` inside a folder is skipped (opening a FIFO
blocks forever), and one named on the command line is refused with its reason. A folder that
cannot be listed is an error (exit 2), never silently skipped.

``exclude`` patterns are gitignore patterns (pathspec), relative to the configuration's folder:
``**/old.md`` matches ``old.md`` at the top too, ``drafts/*.md`` does not reach into
``drafts/sub/``, ``archive`` (no slash) is a folder or file of that name at any depth, and
``!keep.md`` takes a file back. Inside a folder in a git work tree, what git ignores
(``.gitignore`` files, ``.git/info/exclude``, the global excludes file) is skipped too, unless
the configuration says ``respect_gitignore: false`` (``--no-gitignore``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import TermlintError

if TYPE_CHECKING:
    import subprocess

    from ..project.config import Config

MARKDOWN_SUFFIXES = (".md", ".markdown")
SKIPPED_FOLDERS = ("node_modules", "__pycache__")

Entry = tuple[str, Path | None, TermlintError | None]


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular file or folder is, in words (None if it is one)."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    for test, name in (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def not_regular_error(kind: str, display: str) -> TermlintError:
    return TermlintError(
        f"is {kind}, not a regular file; termlint reads Markdown files (use - for standard input)",
        display,
    )


def stdin_excluded(stdin_filename: str | None, config: Config, force_exclude: bool) -> bool:
    """Whether standard input, standing for ``stdin_filename``, is left out by ``exclude``."""
    return bool(stdin_filename and force_exclude and _excluded(Path(stdin_filename), config))


def iter_paths(
    paths: Iterable[str],
    config: Config,
    force_exclude: bool = False,
    notice: Callable[[str], None] | None = None,
    stdin_filename: str | None = None,
) -> Iterator[Entry]:
    """Expand files and folders into Markdown files, with an error for each bad path.

    Yields ``(display_path, path, error)``; ``-`` stands for standard input. ``exclude``
    always applies inside folders; to files named here only with ``force_exclude`` (as the
    pre-commit hook runs it, since it names every staged file). ``notice`` is told about a
    folder holding no Markdown file at all. ``stdin_filename``, the path standard input's text
    stands for, is excluded like a file named here (with ``force_exclude``).
    """
    seen: set[str] = set()
    for raw in paths:
        if raw == "-":
            if stdin_excluded(stdin_filename, config, force_exclude):
                continue
            yield "-", None, None
            continue
        path = Path(raw)
        try:
            st = path.stat()
        except FileNotFoundError:
            if path.is_symlink():
                yield (
                    raw,
                    None,
                    TermlintError("broken symbolic link (its target does not exist)", raw),
                )
            else:
                yield raw, None, TermlintError("no such file or folder", raw)
            continue
        except OSError as exc:
            if path.is_symlink() and exc.errno in (40, 62):  # ELOOP on Linux and BSD
                yield raw, None, TermlintError("symlink loop", raw)
            else:
                yield raw, None, TermlintError(f"cannot read: {exc.strerror or exc}", raw)
            continue
        if stat.S_ISDIR(st.st_mode):
            found = False
            for entry in _walk(path, config, seen):
                found = found or entry[1] is not None
                yield entry
            if not found and notice is not None:
                notice(f"no Markdown files (*.md, *.markdown) in {raw}")
            continue
        kind = special_kind(st.st_mode)
        if kind is not None:
            yield raw, None, not_regular_error(kind, raw)
            continue
        if force_exclude and _excluded(path, config):
            continue
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            yield raw, path, None


def _walk(top: Path, config: Config, seen: set[str]) -> Iterator[Entry]:
    listed = _git_listed(top) if getattr(config, "respect_gitignore", True) else None
    visited_dirs: set[str] = set()
    stack = [str(top)]
    while stack:
        dirpath = stack.pop()
        real = os.path.realpath(dirpath)
        if real in visited_dirs:
            # A link to a folder above it is a loop; a second link to a folder already
            # searched (docs/latest -> docs/v2) is not an error: its files were checked.
            parent = os.path.realpath(Path(dirpath).parent)
            if parent == real or parent.startswith(real.rstrip(os.sep) + os.sep):
                yield (
                    dirpath,
                    None,
                    TermlintError(
                        "symlink loop: links back to a folder above it, not followed", dirpath
                    ),
                )
            continue
        visited_dirs.add(real)
        try:
            with os.scandir(dirpath) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield (
                dirpath,
                None,
                TermlintError(
                    f"cannot read folder: {(exc.strerror or str(exc)).lower()}; "
                    "its files were not checked",
                    dirpath,
                ),
            )
            continue
        subdirs = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not name.startswith(".") and name not in SKIPPED_FOLDERS:
                    sub = str(Path(dirpath) / name)
                    if listed is None or listed.keeps(top, sub, folder=True):
                        subdirs.append(sub)
                continue
            if not name.lower().endswith(MARKDOWN_SUFFIXES):
                continue
            try:
                regular = entry.is_file()
            except OSError:
                regular = False
            if not regular and not entry.is_symlink():
                continue  # a FIFO, socket or device: never opened
            path = Path(dirpath) / name
            if _excluded(path, config, folder=False) or (
                listed is not None and not listed.keeps(top, path)
            ):
                continue
            if not regular:  # a broken link: reported when read
                yield str(path), path, None
                continue
            key = os.path.realpath(path)
            if key in seen:
                continue
            seen.add(key)
            yield str(path), path, None
        for sub in reversed(subdirs):
            if not _excluded(Path(sub), config, folder=True):
                stack.append(sub)


def _excluded(path: Path, config: Config, folder: bool | None = None) -> bool:
    """Whether ``exclude`` (gitignore patterns, relative to the configuration's folder) leaves
    ``path`` out. A path outside that folder is matched as it was written."""
    if not config.exclude:
        return False
    spec = _exclude_spec(tuple(config.exclude), config.path)
    try:
        rel = path.resolve().relative_to(config.root).as_posix()
    except (ValueError, OSError, RuntimeError):
        rel = path.as_posix().removeprefix("./")
    if rel in ("", "."):
        return False
    if folder is None:
        try:
            folder = path.is_dir()
        except OSError:
            folder = False
    # A folder is matched with a trailing slash, so that "build/" (folders only) applies.
    return spec.match_file(rel + "/" if folder else rel)


@lru_cache(maxsize=16)
def _exclude_spec(patterns: tuple[str, ...], where: str | None):
    import pathspec

    try:
        return pathspec.GitIgnoreSpec.from_lines(p.removeprefix("./") for p in patterns)
    except (ValueError, TypeError) as exc:  # GitWildMatchPatternError is a ValueError
        raise TermlintError(f"exclude: not a valid gitignore pattern: {exc}", where) from None


class _GitListed:
    """What git does not ignore under a folder: its files, tracked or untracked, as paths
    relative to the folder (``/``-separated), and the folders that hold them."""

    def __init__(self, files: set[str]):
        self.files = files
        self.folders = {f.rsplit("/", i)[0] for f in files for i in range(1, f.count("/") + 1)}

    def _under_listed(self, rel: str) -> bool:
        # A submodule, a nested repository or a linked folder is one entry: what is in it stays.
        parts = rel.split("/")
        return any("/".join(parts[:i]) in self.files for i in range(1, len(parts)))

    def keeps(self, top: Path, path, folder: bool = False) -> bool:
        rel = os.path.relpath(path, top).replace(os.sep, "/")
        if rel in self.files or (folder and rel in self.folders):
            return True
        return self._under_listed(rel)


def _git_listed(top: Path) -> _GitListed | None:
    """The files git does not ignore under ``top``, or None: not in a git work tree, no git,
    or ``top`` itself ignored (a folder named on the command line is checked as asked)."""
    import subprocess  # here, not at the top: a run on named files never starts git

    def git(*args: str) -> subprocess.CompletedProcess | None:
        try:
            return subprocess.run(
                ["git", "-C", str(top), *args],
                capture_output=True,
                timeout=120,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.SubprocessError, ValueError):
            return None

    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".")
    if listed is None or listed.returncode != 0:
        return None
    ignored = git("check-ignore", "-q", ".")
    if ignored is not None and ignored.returncode == 0:
        return None
    names = {os.fsdecode(n).rstrip("/") for n in listed.stdout.split(b"\0") if n}
    return _GitListed(names)
