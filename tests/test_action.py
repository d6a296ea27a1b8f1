"""The CI action: ``check --changed-since`` and the script action.yml runs, on a throwaway
git repository with a changed file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "action" / "run.sh"
AMBIGUOUS = "# Notes\n\nLabs should prepare for scheming before the next deployment.\n"
CLEAN = "# Notes\n\nWe talked about the budget.\n"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """main: old.md (ambiguous), clean.md, notes.txt; branch topic changes clean.md."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "old.md").write_text(AMBIGUOUS, encoding="utf-8")
    (repo / "clean.md").write_text(CLEAN, encoding="utf-8")
    (repo / "gone.md").write_text(CLEAN, encoding="utf-8")
    (repo / "notes.txt").write_text("scheming\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "topic")
    (repo / "clean.md").write_text(CLEAN + "\nA schemer would hide it.\n", encoding="utf-8")
    (repo / "notes.txt").write_text("more scheming\n", encoding="utf-8")
    (repo / "gone.md").unlink()
    git(repo, "commit", "-qam", "topic")
    return repo


def termlint(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(repo.parent / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "termlint", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def run_action(repo: Path, **settings: str) -> subprocess.CompletedProcess:
    bindir = repo.parent / "bin"
    bindir.mkdir(exist_ok=True)
    shim = bindir / "termlint"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m termlint "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(repo.parent / "cache"),
        "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(repo.parent / "github-output"),
    }
    env.update({f"TERMLINT_{k.upper()}": v for k, v in settings.items()})
    return subprocess.run(
        ["bash", str(SCRIPT)], cwd=repo, env=env, capture_output=True, text=True, check=False
    )


def annotated(stdout: str) -> list[str]:
    return [
        line.split("file=", 1)[1].split(",", 1)[0]
        for line in stdout.splitlines()
        if line.startswith("::")
    ]


def test_changed_since_checks_only_changed_markdown(repo):
    done = termlint(repo, "check", "--changed-since", "main", "--format", "json")
    assert done.returncode == 1, done.stderr
    paths = {d["path"] for d in json.loads(done.stdout)["diagnostics"]}
    assert paths == {"clean.md"}
    # Untracked and uncommitted changes count; deleted files and other suffixes do not.
    (repo / "new.md").write_text(AMBIGUOUS, encoding="utf-8")
    done = termlint(repo, "check", "--changed-since", "main", "--format", "json")
    assert {d["path"] for d in json.loads(done.stdout)["diagnostics"]} == {"clean.md", "new.md"}
    # PATHS still narrow the search, and exclusions apply.
    done = termlint(repo, "check", "--changed-since", "main", "--format", "json", "new.md")
    assert {d["path"] for d in json.loads(done.stdout)["diagnostics"]} == {"new.md"}
    (repo / ".termlint.yaml").write_text("exclude: [new.md]\n", encoding="utf-8")
    done = termlint(repo, "check", "--changed-since", "main", "--format", "json")
    assert {d["path"] for d in json.loads(done.stdout)["diagnostics"]} == {"clean.md"}


def test_changed_since_with_nothing_changed_is_clean(repo):
    done = termlint(repo, "check", "--changed-since", "topic")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "No problems found in 0 files.\n"


def test_changed_since_errors_are_clear(repo, tmp_path):
    done = termlint(repo, "check", "--changed-since", "no-such-branch")
    assert done.returncode == 2
    assert "--changed-since no-such-branch: no such commit" in done.stderr
    outside = tmp_path / "plain"
    outside.mkdir()
    (outside / "a.md").write_text(AMBIGUOUS, encoding="utf-8")
    done = termlint(outside, "check", "--changed-since", "main")
    assert done.returncode == 2
    assert "not inside a git repository" in done.stderr


def test_the_action_script_annotates_changed_files_and_writes_sarif(repo):
    done = run_action(repo, base="main", sarif="out.sarif")
    assert done.returncode == 1, done.stderr
    assert annotated(done.stdout) == ["clean.md"]
    assert done.stdout.startswith("::warning file=clean.md,line=5,col=3,")
    assert "changed since main" in done.stderr
    log = json.loads((repo / "out.sarif").read_text(encoding="utf-8"))
    results = log["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results] == [
        "clean.md"
    ]
    assert all(r["partialFingerprints"]["termlint/v1"] for r in results)
    assert (repo.parent / "github-output").read_text() == "sarif-file=out.sarif\n"


def test_the_action_script_without_a_base_checks_everything(repo):
    done = run_action(repo, base="0000000000000000000000000000000000000000", sarif="")
    assert done.returncode == 1
    assert sorted(set(annotated(done.stdout))) == ["clean.md", "old.md"]
    assert "checking every Markdown file" in done.stderr
    assert not (repo / "termlint.sarif").exists()


def test_the_action_script_passes_fail_on_and_paths(repo):
    done = run_action(repo, base="main", fail_on="never", paths="old.md", sarif="s.sarif")
    assert done.returncode == 0, done.stderr
    assert annotated(done.stdout) == []
    assert json.loads((repo / "s.sarif").read_text())["runs"][0]["results"] == []


def test_action_yml_runs_the_script_with_github_annotations_by_default():
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert inputs["format"]["default"] == "github"
    assert inputs["sarif-file"]["default"].endswith(".sarif")
    assert "pull_request.base.sha" in inputs["base"]["default"]
    steps = action["runs"]["steps"]
    run = next(s for s in steps if s.get("id") == "check")
    assert run["run"] == 'bash "$GITHUB_ACTION_PATH/action/run.sh"'
    for name in ("base", "paths", "format", "sarif-file", "fail-on", "args"):
        assert f"inputs.{name} }}}}" in " ".join(run["env"].values())
    assert any("pip install" in s.get("run", "") for s in steps)
