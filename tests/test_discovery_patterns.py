"""Which files a folder check reads: gitignore-style ``exclude`` patterns (pathspec), what git
ignores (honoured by default in a work tree, ``--no-gitignore`` / ``respect_gitignore: false``
to turn it off), and ``--stdin-filename`` for text piped in by editors and tools."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write

from termlint.cli import main

AMBIGUOUS = "Could an AI system be scheming right now?\n"


def termlint(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def checked(*args) -> set[str]:
    """The files a check reported on (every file here has one finding)."""
    out = termlint("check", *args, "--format", "json", "--fail-on", "never")
    assert out.exit_code == 0, out.output
    return {Path(d["path"]).as_posix() for d in json.loads(out.stdout)["diagnostics"]}


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in (
        "old.md",
        "notes/old.md",
        "drafts/a.md",
        "drafts/sub/b.md",
        "archive/x.md",
        "deep/archive/y.md",
        "keep.md",
        "build/out.md",
    ):
        write(tmp_path, name, AMBIGUOUS)
    return tmp_path


def config(folder: Path, text: str) -> None:
    (folder / ".termlint.yaml").write_text(text, encoding="utf-8")


# -- exclude ---------------------------------------------------------------------------------


def test_double_star_slash_matches_at_the_top_too(tree):
    config(tree, 'exclude: ["**/old.md"]\n')
    found = checked(".")
    assert "old.md" not in found and "notes/old.md" not in found
    assert "drafts/a.md" in found


def test_single_star_does_not_reach_into_subfolders(tree):
    config(tree, 'exclude: ["drafts/*.md"]\n')
    found = checked(".")
    assert "drafts/a.md" not in found
    assert "drafts/sub/b.md" in found


def test_name_without_slash_matches_at_any_depth_and_folders_only_with_slash(tree):
    config(tree, 'exclude: ["archive", "build/", "keep.md/"]\n')
    found = checked(".")
    assert not {"archive/x.md", "deep/archive/y.md", "build/out.md"} & found
    assert "keep.md" in found  # "keep.md/" names a folder only


def test_negation_takes_a_file_back(tree):
    config(tree, 'exclude: ["*.md", "!keep.md"]\n')
    assert checked(".") == {"keep.md"}


def test_patterns_are_relative_to_the_configuration_not_the_working_folder(tree, monkeypatch):
    config(tree, 'exclude: ["drafts/*.md"]\n')
    monkeypatch.chdir(tree / "drafts")
    found = checked(".")
    assert "a.md" not in found and "sub/b.md" in found


def test_force_exclude_uses_the_same_patterns_for_named_files(tree):
    config(tree, 'exclude: ["**/old.md"]\n')
    assert checked("old.md") == {"old.md"}  # named: checked as asked
    assert checked("old.md", "keep.md", "--force-exclude") == {"keep.md"}


# -- .gitignore ------------------------------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(folder: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tree):
    git(tree, "init", "-q")
    (tree / ".gitignore").write_text("build/\n*.draft.md\n/old.md\n", encoding="utf-8")
    write(tree, "drafts/c.draft.md", AMBIGUOUS)
    write(tree, "drafts/tracked.draft.md", AMBIGUOUS)
    git(tree, "add", "-f", "drafts/tracked.draft.md")  # tracked: git does not ignore it
    write(tree, "drafts/.gitignore", "sub/\n")  # a nested .gitignore counts too
    config(tree, "{}\n")
    return tree


@needs_git
def test_gitignore_is_honoured_in_a_folder_of_a_git_work_tree(repo):
    found = checked(".")
    assert not {"build/out.md", "drafts/c.draft.md", "old.md", "drafts/sub/b.md"} & found
    assert {"notes/old.md", "drafts/a.md", "drafts/tracked.draft.md", "keep.md"} <= found


@needs_git
def test_gitignore_in_a_subfolder_check_and_an_ignored_folder_named_on_purpose(repo, monkeypatch):
    monkeypatch.chdir(repo / "drafts")
    assert checked(".") == {"a.md", "tracked.draft.md"}
    monkeypatch.chdir(repo)
    assert checked("build") == {"build/out.md"}  # named outright: checked as asked
    assert checked("drafts/c.draft.md") == {"drafts/c.draft.md"}


@needs_git
def test_no_gitignore_and_respect_gitignore_false_check_everything(repo):
    everything = checked(".", "--no-gitignore")
    assert {"build/out.md", "drafts/c.draft.md", "old.md", "drafts/sub/b.md"} <= everything
    config(repo, "respect_gitignore: false\n")
    assert checked(".") == everything


def test_outside_a_git_work_tree_nothing_is_skipped_for_git(tree):
    (tree / ".gitignore").write_text("*.md\n", encoding="utf-8")  # not a repository: no effect
    config(tree, "{}\n")
    assert len(checked(".")) == 8


# -- --stdin-filename ------------------------------------------------------------------------


def test_stdin_filename_reports_under_that_name_with_its_configuration(tree):
    config(tree, "{}\n")
    config(tree / "drafts", "severity: {ambiguous-term: error}\n")
    out = termlint("check", "-", "--stdin-filename", "drafts/x.md", input=AMBIGUOUS)
    assert out.exit_code == 1
    assert out.stdout.startswith("drafts/x.md:1:23: error [ambiguous-term]")
    data = json.loads(
        termlint(
            "check", "--stdin-filename", "drafts/x.md", "--format", "json", input=AMBIGUOUS
        ).stdout
    )  # - is the default path with --stdin-filename
    [d] = data["diagnostics"]
    assert d["path"] == "drafts/x.md" and d["severity"] == "error"
    plain = termlint("check", "-", input=AMBIGUOUS)  # without it: the top configuration
    assert plain.stdout.startswith("<stdin>:1:23: warning [ambiguous-term]")


def test_stdin_filename_covered_by_exclude_is_not_checked_with_force_exclude(tree):
    config(tree, 'exclude: ["drafts/*.md"]\n')
    args = ("check", "-", "--stdin-filename", "drafts/x.md", "--format", "json")
    skipped = termlint(*args, "--force-exclude", input=AMBIGUOUS)
    assert skipped.exit_code == 0 and json.loads(skipped.stdout)["diagnostics"] == []
    named = termlint(*args, input=AMBIGUOUS)  # like a file named on the command line
    assert named.exit_code == 1 and json.loads(named.stdout)["diagnostics"]
    other = termlint(
        "check", "-", "--stdin-filename", "drafts/sub/y.md", "--force-exclude", input=AMBIGUOUS
    )
    assert other.exit_code == 1 and "drafts/sub/y.md:1:23" in other.stdout


def test_stdin_filename_without_dash_among_paths_is_a_usage_error(tree):
    config(tree, "{}\n")
    out = termlint("check", "keep.md", "--stdin-filename", "x.md", input=AMBIGUOUS)
    assert out.exit_code == 2 and "pass - as a path" in out.output


def test_senses_and_fix_read_stdin_as_the_named_file(tree):
    config(tree, "{}\n")
    named = termlint("senses", "-", "--stdin-filename", "drafts/x.md", input=AMBIGUOUS)
    assert named.exit_code == 0, named.output
    assert named.stdout.startswith("drafts/x.md:1:23: 'scheming'")
    plain = termlint("senses", "-", input=AMBIGUOUS)
    assert plain.stdout.startswith("<stdin>:1:23: 'scheming'")
    fix = ("fix", "-", "--sense", "scheming=worst-case-model", "--diff")
    diff = termlint(*fix, "--stdin-filename", "drafts/x.md", input=AMBIGUOUS)
    assert diff.stdout.startswith("--- a/drafts/x.md\n+++ b/drafts/x.md\n")
    assert "worst-case" in diff.stdout
    # the configuration is the named file's: a broken one in drafts/ stops both
    config(tree / "drafts", "strictness: sometimes\n")
    for args in (("senses", "-"), fix):
        out = termlint(*args, "--stdin-filename", "drafts/x.md", input=AMBIGUOUS)
        assert out.exit_code == 2 and "drafts" in out.output and "strictness" in out.output
        assert termlint(*args, "--stdin-filename", "notes/x.md", input=AMBIGUOUS).exit_code == 0
    bad = termlint("senses", "keep.md", "--stdin-filename", "x.md", input=AMBIGUOUS)
    assert bad.exit_code == 2 and "pass - as a path" in bad.output


def test_fix_passes_an_excluded_stdin_through_unchanged(tree):
    config(tree, 'exclude: ["drafts/*.md"]\n')
    text = "Could an AI system be scheming right now?\r\n\r\nNo trailing newline"
    args = ("fix", "-", "--sense", "scheming=worst-case-model", "--stdin-filename")
    kept = termlint(*args, "drafts/x.md", "--force-exclude", input=text)
    assert kept.exit_code == 0 and kept.stdout_bytes == text.encode()
    fixed = termlint(*args, "notes/x.md", "--force-exclude", input=text)
    assert b"worst-case" in fixed.stdout_bytes  # not excluded: fixed, the rest byte for byte
    assert fixed.stdout_bytes.endswith(b"right now?\r\n\r\nNo trailing newline")
