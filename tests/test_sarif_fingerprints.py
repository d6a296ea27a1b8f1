"""SARIF ``partialFingerprints``: the same problem keeps its fingerprint across commits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

KEY = "termlint/v1"

BEFORE = """\
# Notes

Labs should prepare for scheming before the next deployment.

A second paragraph about the budget.

Any schemer would hide it. Any schemer would hide it.
"""

AFTER = """\
---
title: Notes
---

# Notes

An introduction that was not there before,
over two lines.

Labs should prepare for scheming before the next deployment.

A second paragraph about the budget, now longer and with a scheming plot of its own.

Any schemer would hide it. Any schemer would hide it.
"""


def sarif(root: Path, *args: str) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "termlint", "check", "--format", "sarif", "--no-cache", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["runs"][0]["results"]


def by_fingerprint(results: list[dict]) -> dict[str, tuple]:
    out = {}
    for r in results:
        region = r["locations"][0]["physicalLocation"]["region"]
        out[r["partialFingerprints"][KEY]] = (
            r["ruleId"],
            r["properties"]["match"],
            region["startLine"],
            region["startColumn"],
        )
    return out


def test_fingerprints_survive_lines_moving_and_other_edits(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text(BEFORE, encoding="utf-8")
    before = by_fingerprint(sarif(tmp_path, "--per-use", "draft.md"))
    draft.write_text(AFTER, encoding="utf-8")
    after = by_fingerprint(sarif(tmp_path, "--per-use", "draft.md"))
    old = [(rule, match) for rule, match, *_ in before.values() if rule == "ambiguous-term"]
    assert old == [
        ("ambiguous-term", "scheming"),
        ("ambiguous-term", "schemer"),
        ("ambiguous-term", "schemer"),
    ]
    kept = {fp: (before[fp], after[fp]) for fp in before if fp in after}
    # Every ambiguous use from before is still there, on a later line, with its fingerprint.
    assert sorted((b[1], b[2] + 7) for b, _ in kept.values() if b[0] == "ambiguous-term") == sorted(
        (a[1], a[2]) for _, a in kept.values() if a[0] == "ambiguous-term"
    )
    assert len([1 for b, _ in kept.values() if b[0] == "ambiguous-term"]) == 3
    # The new use is a new fingerprint.
    new = [v for fp, v in after.items() if fp not in before and v[0] == "ambiguous-term"]
    assert [(v[1], v[2]) for v in new] == [("scheming", 12)]


def test_a_grouped_finding_keeps_its_fingerprint_when_lines_move(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text(BEFORE, encoding="utf-8")
    [before] = [r for r in sarif(tmp_path, "draft.md") if r["ruleId"] == "ambiguous-term"]
    draft.write_text(AFTER, encoding="utf-8")
    [after] = [r for r in sarif(tmp_path, "draft.md") if r["ruleId"] == "ambiguous-term"]
    # One alert for the term, anchored at its first unclear use, whatever moved around it.
    assert before["partialFingerprints"] == after["partialFingerprints"]
    region = after["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], len(before["relatedLocations"])) == (10, 2)
    assert len(after["relatedLocations"]) == 3


def test_identical_uses_get_distinct_fingerprints(tmp_path):
    (tmp_path / "a.md").write_text(BEFORE, encoding="utf-8")
    results = sarif(tmp_path, "--per-use", "a.md")
    fingerprints = [r["partialFingerprints"][KEY] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)
    assert all(len(fp) == 32 for fp in fingerprints)


def test_fingerprints_do_not_depend_on_the_number_of_jobs(tmp_path):
    for i in range(9):
        (tmp_path / f"d{i}.md").write_text(BEFORE.replace("Notes", f"Notes {i}"), encoding="utf-8")
    serial = sarif(tmp_path, "--jobs", "1", ".")
    parallel = sarif(tmp_path, "--jobs", "2", ".")
    assert [r["partialFingerprints"] for r in serial] == [
        r["partialFingerprints"] for r in parallel
    ]
    # The same words in another file are another alert.
    assert len({r["partialFingerprints"][KEY] for r in serial}) == len(serial)
