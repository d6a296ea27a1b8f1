"""CI output formats: SARIF 2.1.0 (validated against the official schema) and GitHub annotations."""

from __future__ import annotations

import io
import json
from pathlib import Path
from urllib.parse import urlparse

import jsonschema
import pytest
from conftest import write

from termlint.model import Diagnostic, Suggestion, Summary
from termlint.reporters.github import GithubReporter

SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
AMBIGUOUS = "AI labs should prepare for scheming before the next model ships.\n"
CLEAR = "AI labs should prepare for in-context scheming before the next model ships.\n"
DECLARED = "---\ntermlint:\n  senses: {scheming: power-motivated-training-gamer}\n---\n"
STALE = "<!-- termlint-disable-next-line ambiguous-term -- old quote -->\n" + CLEAR


def assert_valid_sarif(log: dict) -> None:
    """Valid against the SARIF 2.1.0 schema, plus the URI rules the schema cannot check here."""
    validator = jsonschema.Draft4Validator(SCHEMA)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    for uri in [driver.get("informationUri"), *(r.get("helpUri") for r in driver["rules"])]:
        if uri:
            assert urlparse(uri).scheme in ("http", "https"), uri
    for result in run["results"]:
        for loc in result["locations"]:
            uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            assert "\\" not in uri and " " not in uri and not urlparse(uri).scheme, uri


def test_sarif_validates_against_the_official_schema(run, tmp_path):
    write(tmp_path, "docs/sub/ambiguous.md", "Intro.\n\n" + AMBIGUOUS)
    write(
        tmp_path,
        "docs/inconsistent.md",
        DECLARED + "Then the AI model showed in-context scheming in the eval.\n",
    )
    write(tmp_path, "docs/stale.md", STALE)
    write(tmp_path, "docs/broken.md", b"bad \xff byte\n")
    out = run("check", "docs", "--format", "sarif", "--fail-on", "info")
    assert out.exit_code == 2  # one input error; the others are still reported
    log = json.loads(out.stdout)
    assert_valid_sarif(log)
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "termlint" and driver["version"]
    rule_ids = [r["id"] for r in driver["rules"]]
    for rule_id in ("ambiguous-term", "inconsistent-sense", "undefined-term", "unused-suppression"):
        assert rule_id in rule_ids
    for rule in driver["rules"]:
        assert rule["help"]["markdown"].startswith(f"# {rule['id']}")
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "helpUri" not in rule  # no docs_url: no dead link (tests/test_links.py)
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    by_rule = {r["ruleId"]: r for r in run_["results"]}
    assert set(by_rule) == {"ambiguous-term", "inconsistent-sense", "unused-suppression"}
    for result in run_["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    amb = by_rule["ambiguous-term"]
    loc = amb["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "docs/sub/ambiguous.md"
    assert loc["region"] == {"startLine": 3, "startColumn": 28, "endLine": 3, "endColumn": 36}
    assert amb["level"] == "warning" and amb["fixes"]
    replacement = amb["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["deletedRegion"] == loc["region"]
    assert "scheming" in replacement["insertedContent"]["text"]
    assert by_rule["unused-suppression"]["level"] == "note"
    [invocation] = run_["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "UTF-8" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/broken.md"


def test_sarif_positions_agree_with_json(run, tmp_path):
    write(tmp_path, "d.md", "# Risks\n\nÄ model — “scheming” — or is it?\n\n" + AMBIGUOUS)
    sarif = json.loads(run("check", "d.md", "--format", "sarif").stdout)
    plain = json.loads(run("check", "d.md", "--format", "json").stdout)
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in sarif["runs"][0]["results"]]
    assert regions == [
        {
            "startLine": d["line"],
            "startColumn": d["column"],
            "endLine": d["end_line"],
            "endColumn": d["end_column"],
        }
        for d in plain["diagnostics"]
    ]
    assert sarif["runs"][0]["columnKind"] == "unicodeCodePoints"


def test_sarif_uris_are_relative_and_encoded(run, tmp_path):
    path = write(tmp_path, "my drafts/first draft.md", AMBIGUOUS)
    out = run("check", str(path), "--format", "sarif")  # an absolute path on the command line
    log = json.loads(out.stdout)
    assert_valid_sarif(log)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": "my%20drafts/first%20draft.md", "uriBaseId": "%SRCROOT%"}
    base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file://") and base.endswith("/")


def test_sarif_clean_run_is_valid_and_successful(run, tmp_path):
    write(tmp_path, "clean.md", CLEAR)
    out = run("check", "clean.md", "--format", "sarif")
    assert out.exit_code == 0
    log = json.loads(out.stdout)
    assert_valid_sarif(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]


@pytest.mark.parametrize("fmt", ["sarif", "github", "json"])
@pytest.mark.parametrize(
    ("fail_on", "expected"), [("error", 0), ("warning", 1), ("info", 1), ("never", 0)]
)
def test_fail_on_applies_to_every_format(run, tmp_path, fmt, fail_on, expected):
    write(tmp_path, "bad.md", AMBIGUOUS)  # one warning
    assert run("check", "bad.md", "--format", fmt, "--fail-on", fail_on).exit_code == expected


def test_fail_on_info_counts_unused_suppressions(run, tmp_path):
    write(tmp_path, "stale.md", STALE)  # one info finding only
    assert run("check", "stale.md", "--format", "sarif").exit_code == 0
    assert run("check", "stale.md", "--format", "github", "--fail-on", "info").exit_code == 1


# -- github -------------------------------------------------------------------------------


def test_github_annotations_levels_and_positions(run, tmp_path):
    (tmp_path / ".termlint.yaml").write_text("severity: {inconsistent-sense: error}\n")
    write(tmp_path, "a.md", "Intro.\n\n" + AMBIGUOUS)
    write(
        tmp_path, "b.md", DECLARED + "Then the AI model showed in-context scheming in the eval.\n"
    )
    write(tmp_path, "c.md", STALE)
    out = run("check", "a.md", "b.md", "c.md", "--format", "github", "--fail-on", "never")
    lines = out.stdout.splitlines()
    assert len(lines) == 3, lines
    assert lines[0].startswith(
        "::warning file=a.md,line=3,col=28,endLine=3,endColumn=36,title=termlint ambiguous-term::"
    )
    assert lines[1].startswith("::error file=b.md,")
    assert lines[2].startswith("::notice file=c.md,line=1,col=1,")
    assert "%0ATry: " in lines[0]  # the suggestions, on a second line of the annotation


def test_github_input_error_is_an_error_annotation(run, tmp_path):
    write(tmp_path, "broken.md", b"bad \xff byte\n")
    out = run("check", "broken.md", "--format", "github")
    assert out.exit_code == 2
    assert out.stdout.startswith("::error file=broken.md,line=1,title=termlint::not valid UTF-8")


def _diag(**kw) -> Diagnostic:
    base = {
        "path": "notes/a,b:c.md",
        "start": 0,
        "end": 8,
        "line": 2,
        "column": 5,
        "end_line": 2,
        "end_column": 13,
        "rule": "ambiguous-term",
        "severity": "warning",
        "message": "50% of\r\nreaders: 'scheming', misread",
        "term": "scheming",
        "match": "scheming",
        "suggestions": [Suggestion("worst-case-model", "worst-case %s")],
    }
    base.update(kw)
    return Diagnostic(**base)


class _Result:
    def __init__(self, diagnostics, error=None, path="x.md"):
        self.diagnostics, self.error, self.path = diagnostics, error, path


def test_github_escapes_data_and_properties():
    stream = io.StringIO()
    reporter = GithubReporter(stream)
    reporter.file(_Result([_diag(), _diag(severity="info", rule="x,y:z")]))
    reporter.finish(Summary())
    first, second = stream.getvalue().splitlines()
    # properties: ',' and ':' are escaped in values, so the path cannot end the property list
    assert first.startswith(
        "::warning file=notes/a%2Cb%3Ac.md,line=2,col=5,endLine=2,"
        "endColumn=13,title=termlint ambiguous-term::"
    )
    message = first.split("::", 2)[2]
    assert message == "50%25 of%0D%0Areaders: 'scheming', misread%0ATry: worst-case %25s"
    assert "\n" not in message and "\r" not in message
    assert second.startswith("::notice ") and "title=termlint x%2Cy%3Az::" in second
