"""`termlint init`: a starter configuration that loads, is never overwritten silently, and the
pre-commit snippet."""

from __future__ import annotations

import yaml
from click.testing import CliRunner

from termlint.cli import main
from termlint.project.config import load_config
from termlint.project.init import STARTER, pre_commit_snippet


def test_init_writes_a_valid_commented_configuration(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(main, ["init"], catch_exceptions=False)
    assert out.exit_code == 0
    path = tmp_path / ".termlint.yaml"
    assert path.read_text(encoding="utf-8") == STARTER
    config = load_config(path)
    assert config.fail_on == "warning" and config.path == str(path)
    for key in (
        "glossary",
        "rules",
        "enable",
        "disable",
        "severity",
        "exclude",
        "docs_url",
        "check_blockquotes",
        "rule_options",
    ):
        assert f"# {key}: " in STARTER, key  # every other key is there, commented out
    local, remote = out.stdout.split(".pre-commit-config.yaml:", 1)[1].split("\nOr ", 1)
    [hook] = yaml.safe_load(local)["repos"][0]["hooks"]
    assert hook["language"] == "system" and hook["entry"].startswith("termlint check")
    remote = yaml.safe_load(remote.split(":\n", 1)[1])["repos"][0]
    assert remote["hooks"] == [{"id": "termlint"}] and remote["rev"] == "COMMIT-SHA"


def test_commented_examples_pass_validation(tmp_path):
    """Uncommenting the examples gives a configuration that loads."""
    lines = [
        line[2:]
        for line in STARTER.splitlines()
        if line.startswith("# ")
        and ": " in line
        and line[2:3].islower()
        and line[2:].split(":")[0]
        in (
            "enable",
            "disable",
            "severity",
            "exclude",
            "docs_url",
            "check_blockquotes",
            "rule_options",
        )
    ]
    path = tmp_path / ".termlint.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = load_config(path)
    assert config.disable == ["undefined-term"] and config.severity == {"ambiguous-term": "error"}


def test_init_refuses_to_overwrite_without_force(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / ".termlint.yaml"
    path.write_text("fail_on: error\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["init"], catch_exceptions=False)
    assert out.exit_code == 2 and "already exists" in out.stderr and "--force" in out.stderr
    assert path.read_text(encoding="utf-8") == "fail_on: error\n"
    forced = CliRunner().invoke(main, ["init", "--force"], catch_exceptions=False)
    assert forced.exit_code == 0 and path.read_text(encoding="utf-8") == STARTER


def test_snippet_names_the_hook():
    data = yaml.safe_load(pre_commit_snippet("https://example.org/termlint.git", "v1"))
    assert data == {
        "repos": [
            {"repo": "https://example.org/termlint.git", "rev": "v1", "hooks": [{"id": "termlint"}]}
        ]
    }
