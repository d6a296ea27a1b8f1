"""``check --changed-since REF``: the Markdown files a branch changed, for CI and pre-push.

A file counts as changed when it differs between the merge base of REF and HEAD and the work
tree (so a pull request's own changes, committed or not), or is untracked and not ignored.
Deleted files are left out. The result is the files ``check PATHS`` would read — same
folders, same exclusions — that are also changed; it may be empty.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import TermlintError
from .discovery import MARKDOWN_SUFFIXES, iter_paths

if TYPE_CHECKING:
    from ..project.config import Config


def _git(args: list[str], cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise TermlintError("--changed-since needs git, which is not on PATH") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise TermlintError(
            f"git {' '.join(args[:2])} failed: "
            f"{message[-1] if message else 'exit ' + str(done.returncode)}"
        )
    return done.stdout.decode("utf-8", "surrogateescape")


def changed_files(ref: str, cwd: Path | None = None) -> set[str]:
    """Real paths of the files changed since ``ref`` (see the module docstring)."""
    try:
        top = _git(["rev-parse", "--show-toplevel"], cwd).strip()
    except TermlintError:
        raise TermlintError(f"--changed-since {ref}: not inside a git repository") from None
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    except TermlintError:
        raise TermlintError(
            f"--changed-since {ref}: no such commit in this repository (in a "
            "shallow CI checkout, fetch it first, e.g. actions/checkout with "
            "fetch-depth: 0)"
        ) from None
    try:
        base = _git(["merge-base", ref, "HEAD"], cwd).strip()
    except TermlintError:  # unrelated or shallow histories: compare with REF itself
        base = ref
    names = _git(
        ["diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", base, "--"], Path(top)
    ).split("\0")
    names += _git(
        ["ls-files", "--others", "--exclude-standard", "-z", "--full-name"], Path(top)
    ).split("\0")
    return {os.path.realpath(Path(top) / n) for n in names if n}


def changed_paths(ref: str, paths: Iterable[str], config: Config) -> list[str]:
    """The files ``check`` would read under ``paths`` that changed since ``ref``."""
    changed = {p for p in changed_files(ref) if p.lower().endswith(MARKDOWN_SUFFIXES)}
    out = []
    for display, path, error in iter_paths(paths, config):
        if error is not None:
            raise error
        if path is None:
            raise TermlintError("--changed-since reads files from git, not standard input (-)")
        if os.path.realpath(path) in changed:
            out.append(display)
    return out
