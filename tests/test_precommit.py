"""termlint as a pre-commit hook, with the real pre-commit, in throwaway git repositories.

Both forms the README and ``termlint init`` give are run as written. The remote form, with
its two blanks filled in: a bare git repository holding this checkout's package and its
``.pre-commit-hooks.yaml``, at a commit sha, with ``language: python`` (so pre-commit builds its
own virtualenv and pip-installs termlint into it, from the machine's local package mirror when
it has one, so no network is needed). The local form: ``language: system``, running the
``termlint`` on PATH. In each, a commit with an ambiguous use is blocked; a clean one passes.
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
#: A package index on this machine's disk: the hook's environment is installed from it, offline.
LOCAL_INDEX = Path(os.environ.get("TERMLINT_TEST_PIP_INDEX", "/opt/pypi/simple"))
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
    # The local form runs the termlint on PATH: this environment's.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    if LOCAL_INDEX.is_dir():
        env["PIP_INDEX_URL"] = LOCAL_INDEX.as_uri()
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
    bare = tmp / "termlint.git"  # what a user's remote is: a repository with no work tree
    assert sh(["git", "clone", "-q", "--bare", str(repo), str(bare)], tmp, env).returncode == 0
    return bare, sha


def commit(repo: Path, env: dict, name: str, text: str, message: str):
    (repo / name).write_text(text, encoding="utf-8")
    assert sh(["git", "add", "-A"], repo, env).returncode == 0
    return sh(["git", "commit", "-m", message], repo, env, timeout=300)


def readme_snippets() -> list[str]:
    """The YAML blocks of the README's pre-commit section, as written."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### pre-commit", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"```yaml\n(.*?)```", section, re.S)


def test_readme_and_init_give_the_same_two_snippets(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from termlint.cli import main
    from termlint.project.init import pre_commit_snippet, remote_snippet

    assert readme_snippets() == [pre_commit_snippet(), remote_snippet()]
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(main, ["init"], catch_exceptions=False)
    assert out.exit_code == 0
    assert pre_commit_snippet() in out.stdout and remote_snippet() in out.stdout
    [local] = yaml.safe_load(pre_commit_snippet())["repos"][0]["hooks"]
    [manifest] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    for key in ("id", "entry", "types", "require_serial"):
        assert local[key] == manifest[key], key


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
    # One termlint at a time: each runs its own pool of workers over the files it is given.
    assert hook["require_serial"] is True


def fill_in(snippet: str, repo: str, rev: str) -> str:
    """The remote form with its two blanks (and their comments) filled in."""
    from termlint.project.init import REPO_PLACEHOLDER, REV_PLACEHOLDER

    assert snippet.count(REPO_PLACEHOLDER) == 1 and snippet.count(REV_PLACEHOLDER) == 1
    return snippet.replace(REPO_PLACEHOLDER, repo).replace(REV_PLACEHOLDER, rev)


def test_remote_form_as_written_blocks_an_ambiguous_commit_and_passes_a_clean_one(tmp_path):
    env = git_env(tmp_path)
    hooks, sha = hook_repo(tmp_path, env)
    repo = new_repo(tmp_path / "drafts", env)
    remote = readme_snippets()[1]
    (repo / ".pre-commit-config.yaml").write_text(
        fill_in(remote, hooks.as_uri(), sha), encoding="utf-8"
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


def test_local_form_as_written_runs_the_installed_termlint(tmp_path):
    """The README's ``repo: local`` snippet, unchanged, with termlint on PATH."""
    env = git_env(tmp_path)
    repo = new_repo(tmp_path / "drafts", env)
    (repo / ".pre-commit-config.yaml").write_text(readme_snippets()[0], encoding="utf-8")
    assert sh([*PRE_COMMIT, "install"], repo, env).returncode == 0
    blocked = commit(repo, env, "a.md", "# Risks\n\n" + AMBIGUOUS, "bad")
    out = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0 and "a.md:3:28: warning [ambiguous-term]" in out
    assert re.search(r"^termlint\.+Failed$", out, re.M)
    (repo / "notes.txt").write_text(AMBIGUOUS, encoding="utf-8")  # not Markdown: not checked
    passed = commit(repo, env, "a.md", CLEAR, "good")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert sh(["git", "log", "--format=%s"], repo, env).stdout.splitlines() == ["good"]
