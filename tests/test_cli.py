"""The command line as a user meets it.

Exit codes, formats, stdin, config, suppression and bad input.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import imported_modules, write

from termlint.cli import main

AMBIGUOUS = "AI labs should prepare for scheming before the next model ships.\n"
CLEAR = "AI labs should prepare for in-context scheming before the next model ships.\n"


def test_exit_0_when_clean_1_on_findings(run, tmp_path):
    write(tmp_path, "clean.md", CLEAR)
    write(tmp_path, "bad.md", AMBIGUOUS)
    clean = run("check", "clean.md")
    assert clean.exit_code == 0 and "No problems found in 1 file" in clean.output
    bad = run("check", "bad.md")
    assert bad.exit_code == 1
    assert "bad.md:1:28: warning [ambiguous-term]" in bad.output
    assert "^^^^^^^^" in bad.output and "try:" in bad.output


def test_folder_is_searched_for_markdown(run, tmp_path):
    write(tmp_path, "docs/a.md", AMBIGUOUS)
    write(tmp_path, "docs/sub/b.markdown", AMBIGUOUS)
    write(tmp_path, "docs/c.txt", AMBIGUOUS)
    out = run("check", "docs", "--format", "json")
    paths = sorted({d["path"] for d in json.loads(out.output)["diagnostics"]})
    assert [Path(p).name for p in paths] == ["a.md", "b.markdown"]


def test_json_format_contract(run, tmp_path):
    write(tmp_path, "bad.md", "Intro.\n\n" + AMBIGUOUS)
    out = run("check", "bad.md", "--format", "json")
    data = json.loads(out.output)
    assert data["version"] == 1
    [d] = data["diagnostics"]
    for key in (
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "rule",
        "severity",
        "message",
        "term",
        "match",
        "suggestions",
    ):
        assert key in d
    assert (d["line"], d["column"], d["end_column"]) == (3, 28, 36)
    assert d["rule"] == "ambiguous-term" and d["match"] == "scheming" and d["term"] == "scheming"
    assert all({"sense", "text"} <= set(s) for s in d["suggestions"])
    # No docs_url configured: no site, so the url keys stay but hold no URL (tests/test_links.py).
    assert d["url"] is None and all(s["url"] is None for s in d["suggestions"])
    assert data["summary"]["warning"] == 1


def test_senses_json_contract(run, tmp_path):
    write(tmp_path, "d.md", CLEAR + "The Ponzi scheme failed.\n")
    out = run("senses", "d.md", "--format", "json")
    data = json.loads(out.output)
    assert data["version"] == 1
    [occ] = data["occurrences"]  # the Ponzi scheme is left out
    assert occ["sense"] == "in-context-scheming" and occ["match"] == "scheming"
    for key in ("path", "line", "column", "match", "term", "sense", "confidence", "evidence"):
        assert key in occ
    assert occ["evidence"]


def test_stdin(run):
    out = run("check", "-", input=AMBIGUOUS)
    assert out.exit_code == 1 and "<stdin>:1:28" in out.output


def test_fail_on(run, tmp_path):
    write(tmp_path, "bad.md", AMBIGUOUS)
    assert run("check", "bad.md", "--fail-on", "error").exit_code == 0
    assert run("check", "bad.md", "--fail-on", "never").exit_code == 0
    undefined = "AI scheming, AI scheming, AI scheming.\n"
    write(tmp_path, "info.md", "By scheming, I mean nothing in particular.\n\n" + undefined)
    # Only an info finding: a suppression comment that hides nothing (unused-suppression).
    stale = "<!-- termlint-disable-next-line ambiguous-term -- old quote -->\n"
    write(tmp_path, "u.md", stale + "In-context scheming in AI evals. " * 3 + "\n")
    assert "info [unused-suppression]" in run("check", "u.md").output
    assert run("check", "u.md", "--fail-on", "info").exit_code == 1
    assert run("check", "u.md").exit_code == 0  # info does not fail by default


def test_config_in_pyproject(run, tmp_path):
    (tmp_path / ".termlint.yaml").unlink()
    write(tmp_path, "pyproject.toml", '[tool.termlint]\ndisable = ["ambiguous-term"]\n')
    write(tmp_path, "bad.md", AMBIGUOUS)
    assert run("check", "bad.md").exit_code == 0


def test_config_yaml_severity_and_fail_on(run, tmp_path):
    write(tmp_path, ".termlint.yaml", "severity: {ambiguous-term: error}\nfail_on: error\n")
    write(tmp_path, "bad.md", AMBIGUOUS)
    out = run("check", "bad.md")
    assert out.exit_code == 1 and "error [ambiguous-term]" in out.output


def test_config_exclude(run, tmp_path):
    write(tmp_path, ".termlint.yaml", "exclude: ['old/**']\n")
    write(tmp_path, "old/bad.md", AMBIGUOUS)
    write(tmp_path, "new/ok.md", CLEAR)
    assert run("check", ".").exit_code == 0


@pytest.mark.parametrize(
    "comment",
    [
        "<!-- termlint-disable-next-line ambiguous-term -- quoting a tweet -->\n" + AMBIGUOUS,
        "<!-- termlint-disable -->\n\n" + AMBIGUOUS + "\n<!-- termlint-enable -->\n",
        AMBIGUOUS.rstrip("\n") + " <!-- termlint-disable-line TL201: known -->\n",
    ],
)
def test_suppression_comments(run, tmp_path, comment):
    write(tmp_path, "s.md", comment)
    assert run("check", "s.md").exit_code == 0


def test_suppression_ends_at_enable(run, tmp_path):
    write(
        tmp_path,
        "s.md",
        "<!-- termlint-disable ambiguous-term -->\n\n"
        + AMBIGUOUS
        + "\n<!-- termlint-enable ambiguous-term -->\n\n"
        + AMBIGUOUS,
    )
    out = run("check", "s.md", "--format", "json")
    assert [d["line"] for d in json.loads(out.output)["diagnostics"]] == [7]


def test_suppression_of_unknown_rule_is_an_error(run, tmp_path):
    write(tmp_path, "s.md", "<!-- termlint-disable no-such-rule -->\n" + AMBIGUOUS)
    out = run("check", "s.md")
    assert out.exit_code == 2 and "no-such-rule" in out.output and "s.md:1" in out.output


BAD_INPUTS = {
    "missing.md": None,
    "latin1.md": "caf\xe9 scheming AI\n".encode("latin-1"),
    "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00scheming",
    "frontmatter.md": "---\ntitle: [oops\n---\nAI scheming.\n",
    "unclosed.md": "---\ntitle: x\nAI scheming.\n",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_names_the_file_and_others_are_still_checked(run, tmp_path, name):
    if BAD_INPUTS[name] is not None:
        write(tmp_path, name, BAD_INPUTS[name])
    write(tmp_path, "good.md", AMBIGUOUS)
    out = run("check", name, "good.md")
    assert out.exit_code == 2
    assert name in out.output
    assert "good.md:1:28" in out.output  # the other file was still checked
    assert "Traceback" not in out.output


@pytest.mark.parametrize(
    "kind, content, expected",
    [
        ("glossary", "id: [unclosed\n", "invalid YAML"),
        (
            "glossary",
            "id: extra\nterm: x\nsummary: s\nforms: [x]\nsenses: [{id: a, label: A, "
            "definition: d}]\ncolour: blue\n",
            "unknown key 'colour'",
        ),
        ("rules", "id: my-rule\nkind: ambiguous\n", "is required"),
        ("rules", "id: [x\n", "invalid YAML"),
    ],
)
def test_malformed_data_folders_give_file_line_messages(run, tmp_path, kind, content, expected):
    name = "extra.yaml" if kind == "glossary" else "my-rule.yaml"
    write(tmp_path, f"{kind}/{name}", content)
    write(tmp_path, ".termlint.yaml", f"{kind}: [{kind}]\n")
    write(tmp_path, "d.md", AMBIGUOUS)
    out = run("check", "d.md")
    assert out.exit_code == 2
    assert f"{kind}/{name}:" in out.output and expected in out.output
    assert "Traceback" not in out.output


@pytest.mark.parametrize(
    "config, expected",
    [
        ("fail_on: sometimes\n", ".termlint.yaml:1: fail_on: 'sometimes' is not one of"),
        ("colour: blue\n", "unknown key 'colour'"),
        ("exclude: [unclosed\n", "invalid YAML"),
    ],
)
def test_malformed_config(run, tmp_path, config, expected):
    write(tmp_path, ".termlint.yaml", config)
    write(tmp_path, "d.md", AMBIGUOUS)
    out = run("check", "d.md")
    assert out.exit_code == 2 and expected in out.output


def test_malformed_pyproject_section_names_line(run, tmp_path):
    (tmp_path / ".termlint.yaml").unlink()
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.termlint]\ncolour = 1\n')
    write(tmp_path, "d.md", AMBIGUOUS)
    out = run("check", "d.md")
    assert out.exit_code == 2 and "pyproject.toml:5:" in out.output


def test_rules_list_and_explain(run):
    listing = run("rules", "list")
    for rule in ("ambiguous-term", "inconsistent-sense", "undefined-term"):
        assert rule in listing.output
    explained = run("rules", "explain", "TL201")
    assert explained.exit_code == 0
    assert "## What it does" in explained.output and "## Use instead" in explained.output
    assert run("rules", "explain", "nope").exit_code == 2


def test_glossary_list_and_show(run):
    assert "scheming" in run("glossary", "list").output
    shown = run("glossary", "show", "scheming")
    assert shown.exit_code == 0
    assert "Side by side" in shown.output and "worst-case-model" in shown.output
    assert "arxiv.org" in shown.output
    assert run("glossary", "show", "no-such-term").exit_code == 2


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["check"],
        ["senses"],
        ["rules"],
        ["rules", "list"],
        ["rules", "explain"],
        ["glossary"],
        ["glossary", "show"],
        ["glossary", "check"],
        ["glossary", "build"],
        ["glossary", "list"],
    ],
)
def test_every_command_has_help(run, command):
    out = run(*command, "--help")
    assert out.exit_code == 0 and "Usage:" in out.output
    assert len(out.output.splitlines()) > 3


def test_no_spacy_for_a_file_without_glossary_terms(tmp_path):
    """A subprocess, as pre-commit runs it: no glossary term, no spaCy, no markdown-it-py, and
    the learned sense model is never read."""
    write(tmp_path, "plain.md", "# Notes\n\nNothing here is ambiguous.\n")
    write(tmp_path, ".termlint.yaml", "{}\n")
    code = (
        "import sys; from termlint.cli import main\n"
        "try:\n    main(['check', 'plain.md'])\nexcept SystemExit as e:\n    code = e.code\n"
        "w = sys.modules.get('termlint.senses.weights')\n"
        "print('SPACY', 'spacy' in sys.modules, 'MDIT', 'markdown_it' in sys.modules, "
        "'WEIGHTS', bool(w and w.load_model.cache_info().currsize), 'EXIT', code)\n"
    )
    env = {**os.environ, "TERMLINT_NO_CACHE": ""}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "SPACY False MDIT False WEIGHTS False EXIT 0" in out.stdout, out.stdout + out.stderr
    # and the same check with a term does load them, so the assertion above can fail
    write(tmp_path, "plain.md", AMBIGUOUS)
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "SPACY True" in out.stdout and "WEIGHTS True" in out.stdout, out.stdout + out.stderr


def test_an_internal_error_names_the_file_and_the_others_are_still_checked(
    run, tmp_path, monkeypatch
):
    import termlint.document.markdown as markdown

    real = markdown.parse_markdown

    def broken(source):
        if source.path.endswith("trigger.md"):
            raise ValueError("simulated bug")
        return real(source)

    monkeypatch.setattr(markdown, "parse_markdown", broken)
    write(tmp_path, "trigger.md", AMBIGUOUS)
    write(tmp_path, "good.md", AMBIGUOUS)
    out = run("check", "trigger.md", "good.md", "--no-cache", "--jobs", "1")
    assert out.exit_code == 2
    assert "trigger.md: internal error" in out.output and "simulated bug" in out.output
    assert "good.md:1:28" in out.output and "Traceback" not in out.output


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_command_flushes_everything_before_its_quick_exit(tmp_path, fmt):
    """``python -m termlint`` ends with os._exit: output through a pipe must still be whole,
    with the same exit status and text as the in-process command."""
    write(tmp_path, "draft.md", AMBIGUOUS * 40)
    write(tmp_path, ".termlint.yaml", "{}\n")
    out = subprocess.run(
        [sys.executable, "-m", "termlint", "check", "draft.md", "--format", fmt, "--no-color"]
        + ["--per-use"],  # forty findings: a long output
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    inside = CliRunner().invoke(
        main, ["check", str(tmp_path / "draft.md"), "--format", fmt, "--no-color", "--per-use"]
    )
    assert out.returncode == inside.exit_code == 1
    assert out.stdout.replace(str(tmp_path) + os.sep, "") == inside.stdout.replace(
        str(tmp_path) + os.sep, ""
    )
    assert out.stdout.count("ambiguous-term") >= 40


def test_the_library_api_lives_at_the_top_and_costs_nothing_to_import():
    code = (
        "import sys, termlint\n"
        "heavy = [m for m in ('spacy', 'markdown_it', 'click', 'termlint.pipeline') "
        "if m in sys.modules]\n"
        "r = termlint.lint_text('AI labs should prepare for scheming before the next model "
        "ships.')\n"
        "print(heavy, [d.rule for d in r.diagnostics])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] ['ambiguous-term']", out.stdout + out.stderr


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("- id: x\n  text: [unclosed\n", "invalid YAML"),
        ("id: x\ntext: not a list\n", "expected a list of labelled items"),
        ("- id: x\n  split: dev\n  expect: []\n", "needs 'text'"),
        ("- id: x\n  split: dev\n  text: hi\n  expect: [{term: scheming}]\n", "'term' and 'label'"),
    ],
)
def test_evaluate_names_a_broken_labelled_file(run, tmp_path, content, reason):
    write(tmp_path, "labelled/bad.yaml", content)
    out = run("evaluate", "labelled")
    assert out.exit_code == 2
    assert "bad.yaml" in out.output and reason in out.output, out.output
    assert "Traceback" not in out.output


HEAVY_MODULES = ("jsonschema", "yaml", "markdown_it", "spacy", "numpy", "subprocess")


def _imported_modules(tmp_path: Path, *args: str) -> tuple[set[str], subprocess.CompletedProcess]:
    """The modules ``python -X importtime -m termlint ARGS`` imports (its own report)."""
    env = {**os.environ, "TERMLINT_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("TERMLINT_NO_CACHE", None)
    return imported_modules(tmp_path, env, *args)


@pytest.mark.parametrize("config", [None, "fail_on: info\n"])
def test_a_no_term_check_imports_none_of_the_heavy_modules(tmp_path, config):
    """Once the validated glossary, rules and configuration are cached (a second pre-commit
    run), a file with no glossary term is checked without jsonschema, YAML, markdown-it-py,
    spaCy, numpy or even subprocess; a file with a term does import them, so this can fail."""
    write(tmp_path, "plain.md", "# Notes\n\nNothing here is ambiguous, said again.\n")
    if config:
        write(tmp_path, ".termlint.yaml", config)
    _imported_modules(tmp_path, "check", "plain.md")  # fills the cache
    names, out = _imported_modules(tmp_path, "check", "plain.md")
    assert out.returncode == 0 and out.stdout == "No problems found in 1 file.\n", out.stderr
    assert "termlint.cli" in names  # the report was read
    assert not names & set(HEAVY_MODULES), sorted(names & set(HEAVY_MODULES))
    write(tmp_path, "plain.md", AMBIGUOUS)
    names, out = _imported_modules(tmp_path, "check", "plain.md")
    assert out.returncode == 1
    assert {"spacy", "markdown_it", "numpy"} <= names
