"""termlint as a pre-commit hook, with the real pre-commit, in throwaway git repositories.

The main test installs the hook exactly as a user would: from a git repository holding this
checkout and its ``.pre-commit-hooks.yaml``, at a commit sha, with ``language: python`` (so
pre-commit builds its own virtualenv and pip-installs termlint into it). A commit with an
ambiguous use is blocked; a clean one passes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
AMBIGUOUS = "AI labs should prepare for scheming before the next model ships.\n"
CLEAR = "AI labs should prepare for in-context scheming before the next model ships.\n"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        PRE_COMMIT_HOME=str(tmp / "pre-commit-home"),
        TERMLINT_CACHE_DIR=str(tmp / "termlint-cache"),
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.org",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.org",
    )
    env.pop("PRE_COMMIT", None)
    return env


def sh(args, cwd: Path, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def new_repo(path: Path, env: dict) -> Path:
    path.mkdir(parents=True)
    for cmd in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "config", "user.name", "Test"],
        ["git", "config", "user.email", "test@example.org"],
        ["git", "config", "commit.gpgsign", "false"],
    ):
        assert sh(cmd, path, env).returncode == 0
    return path


def hook_repo(tmp: Path, env: dict) -> tuple[Path, str]:
    """A git repository holding this checkout's package, data and hook manifest."""
    repo = new_repo(tmp / "termlint-hook", env)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("termlint", "glossary", "rules"):
        shutil.copytree(REPO / name, repo / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(REPO / name, repo / name)
    assert sh(["git", "add", "-A"], repo, env).returncode == 0
    assert sh(["git", "commit", "-q", "-m", "termlint"], repo, env).returncode == 0
    sha = sh(["git", "rev-parse", "HEAD"], repo, env).stdout.strip()
    return repo, sha


def commit(repo: Path, env: dict, name: str, text: str, message: str):
    (repo / name).write_text(text, encoding="utf-8")
    assert sh(["git", "add", "-A"], repo, env).returncode == 0
    return sh(["git", "commit", "-m", message], repo, env, timeout=300)


def test_manifest_is_valid_and_runs_termlint_check_on_markdown():
    manifest = REPO / ".pre-commit-hooks.yaml"
    result = subprocess.run(
        [*PRE_COMMIT, "validate-manifest", str(manifest)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [hook] = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    assert hook["id"] == "termlint" and hook["name"]
    # --force-exclude: the hook names every staged file, and exclude must still apply (D7).
    assert hook["entry"] == "termlint check --force-exclude" and hook["language"] == "python"
    assert hook["types"] == ["markdown"] and hook.get("pass_filenames", True)


def test_real_hook_blocks_an_ambiguous_commit_and_passes_a_clean_one(tmp_path):
    env = git_env(tmp_path)
    hooks, sha = hook_repo(tmp_path, env)
    repo = new_repo(tmp_path / "drafts", env)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks.as_uri()}\n    rev: {sha}\n    hooks:\n      - id: termlint\n",
        encoding="utf-8",
    )
    installed = sh([*PRE_COMMIT, "install", "--install-hooks"], repo, env, timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    blocked = commit(repo, env, "post.md", "# Risks\n\n" + AMBIGUOUS, "draft")
    assert blocked.returncode != 0
    out = blocked.stdout + blocked.stderr
    assert re.search(r"^termlint\.+Failed$", out, re.M)
    assert "post.md:3:28: warning [ambiguous-term]" in out
    assert sh(["git", "rev-parse", "--verify", "HEAD"], repo, env).returncode != 0  # no commit

    (repo / "notes.txt").write_text(AMBIGUOUS, encoding="utf-8")  # not Markdown: not checked
    passed = commit(repo, env, "post.md", "# Risks\n\n" + CLEAR, "clear draft")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^termlint\.+Passed$", passed.stdout + passed.stderr, re.M)
    log = sh(["git", "log", "--format=%s"], repo, env).stdout.splitlines()
    assert log == ["clear draft"]


def test_local_hook_with_the_manifest_entry(tmp_path):
    """The manifest's entry and types, run by pre-commit against this environment's termlint."""
    env = git_env(tmp_path)
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    exe = Path(sys.executable).parent / "termlint"
    local = dict(hook, language="system", entry=f"{exe} {hook['entry'].split(' ', 1)[1]}")
    repo = new_repo(tmp_path / "drafts", env)
    (repo / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}), encoding="utf-8"
    )
    assert sh([*PRE_COMMIT, "install"], repo, env).returncode == 0
    blocked = commit(repo, env, "a.md", AMBIGUOUS, "bad")
    assert blocked.returncode != 0 and "[ambiguous-term]" in blocked.stdout + blocked.stderr
    passed = commit(repo, env, "a.md", CLEAR, "good")
    assert passed.returncode == 0, passed.stdout + passed.stderr
