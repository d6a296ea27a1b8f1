"""`termlint fix`: byte-exact edits, atomic writes, idempotence, three ways to settle a use."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from termlint.cli import main
from termlint.edits.fix import (
    Edit,
    FixError,
    apply_edits,
    declaration_edit,
    fix_source,
    parse_sense_options,
    unified_diff,
    write_atomic,
)
from termlint.model import SourceText

DOCS = "https://example.org/glossary"
URL = f"{DOCS}/scheming.html#worst-case-model"
DOC = (
    "# Notes on risk\n"
    "\n"
    "AI labs should prepare for scheming before the next model ships.\n"
    "\n"
    "```python\n"
    "scheming = True  # code is never touched\n"
    "```\n"
    "\n"
    "A Ponzi scheme is not an AI problem; in-context scheming in evals is.\n"
    "\n"
    "Scheming is what the AI safety plan worries about most.\n"
)
FIXED = {  # --sense scheming=worst-case-model
    "rewrite": DOC.replace("for scheming before", "for worst-case scheming before").replace(
        "Scheming is what", "Worst-case scheming is what"
    ),
    "link": DOC.replace("for scheming before", f"for [scheming]({URL}) before").replace(
        "Scheming is what", f"[Scheming]({URL}) is what"
    ),
    "declare": "---\ntermlint:\n  senses:\n    scheming: worst-case-model\n---\n" + DOC,
}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # strict: both bare uses of DOC are flagged whatever the model's normal threshold (at
    # normal, the second model reads the first one as in-context scheming at p = 0.32)
    (tmp_path / ".termlint.yaml").write_text(f"docs_url: {DOCS}\nstrictness: strict\n")
    return tmp_path


def termlint(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def fix(path, *extra, sense="scheming=worst-case-model"):
    return termlint("fix", str(path), "--sense", sense, *extra)


def ambiguous(path) -> list[dict]:
    import json

    out = termlint("check", str(path), "--format", "json", "--fail-on", "never", "--per-use")
    return [d for d in json.loads(out.stdout)["diagnostics"] if d["rule"] == "ambiguous-term"]


@pytest.mark.parametrize("how", ["rewrite", "link", "declare"])
def test_only_the_intended_spans_change(folder, how):
    path = folder / "draft.md"
    path.write_bytes(DOC.encode())
    assert len(ambiguous(path)) == 2
    out = fix(path, "--how", how)
    assert out.exit_code == 0, out.output
    assert path.read_bytes() == FIXED[how].encode()
    assert "fixed 2 uses in 1 file" in out.stderr
    assert ambiguous(path) == []


@pytest.mark.parametrize("how", ["rewrite", "link", "declare"])
def test_second_run_changes_nothing(folder, how):
    path = folder / "draft.md"
    path.write_bytes(DOC.encode())
    assert fix(path, "--how", how).exit_code == 0
    first = path.read_bytes()
    again = fix(path, "--how", how)
    assert again.exit_code == 0 and path.read_bytes() == first
    assert "fixed 0 uses in 0 files" in again.stderr
    diff = fix(path, "--how", how, "--diff")
    assert diff.stdout == ""


@pytest.mark.parametrize("how", ["rewrite", "link", "declare"])
def test_crlf_and_bom_survive(folder, how):
    path = folder / "windows.md"
    original = b"\xef\xbb\xbf" + DOC.replace("\n", "\r\n").encode()
    path.write_bytes(original)
    assert fix(path, "--how", how).exit_code == 0
    data = path.read_bytes()
    assert data == b"\xef\xbb\xbf" + FIXED[how].replace("\n", "\r\n").encode()
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ending, new ones too, is CRLF
    assert fix(path, "--how", how).exit_code == 0 and path.read_bytes() == data


def test_declare_merges_into_existing_front_matter_with_crlf(folder):
    path = folder / "fm.md"
    head = '---\r\ntitle: "Risk"   # keep this comment\r\ntags: [ai, safety]\r\n---\r\n'
    path.write_bytes((head + DOC.replace("\n", "\r\n")).encode())
    assert fix(path, "--how", "declare").exit_code == 0
    expected = head.replace("---\r\n#", "#").replace(
        "safety]\r\n---",
        "safety]\r\ntermlint:\r\n  senses:\r\n    scheming: worst-case-model\r\n---",
    )
    assert path.read_bytes() == (expected + DOC.replace("\n", "\r\n")).encode()


def test_diff_writes_nothing(folder):
    path = folder / "draft.md"
    path.write_bytes(DOC.encode())
    before = path.stat()
    out = fix(path, "--diff")
    assert out.exit_code == 0
    assert path.read_bytes() == DOC.encode() and path.stat().st_mtime_ns == before.st_mtime_ns
    assert out.stdout.startswith("--- a/draft.md\n+++ b/draft.md\n@@ ")
    assert "-AI labs should prepare for scheming before the next model ships.\n" in out.stdout
    assert "+Worst-case scheming is what" in out.stdout
    assert "would fix 2 uses in 1 file" in out.stderr
    assert sorted(p.name for p in folder.iterdir()) == [".termlint.yaml", "draft.md"]


@pytest.mark.parametrize("mode", [0o640, 0o755, 0o600])
def test_file_mode_is_kept(folder, mode):
    path = folder / "draft.md"
    path.write_bytes(DOC.encode())
    path.chmod(mode)
    assert fix(path).exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert path.read_bytes() == FIXED["rewrite"].encode()


def test_interrupted_write_leaves_the_original_and_no_temp_file(folder, monkeypatch):
    path = folder / "draft.md"
    path.write_bytes(DOC.encode())

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    out = fix(path)
    assert out.exit_code == 2
    assert "No space left on device" in out.stderr and "unchanged" in out.stderr
    assert path.read_bytes() == DOC.encode()
    assert sorted(p.name for p in folder.iterdir()) == [".termlint.yaml", "draft.md"]


def test_write_atomic_refuses_a_file_changed_meanwhile(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"new content from an editor\n")
    with pytest.raises(FixError, match="changed while"):
        write_atomic(path, b"fixed\n", original=b"what termlint read\n")
    assert path.read_bytes() == b"new content from an editor\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_a_symlink_stays_a_symlink(folder):
    real = folder / "real.md"
    real.write_bytes(DOC.encode())
    link = folder / "link.md"
    link.symlink_to(real)
    assert fix(link).exit_code == 0
    assert link.is_symlink() and real.read_bytes() == FIXED["rewrite"].encode()


def test_folder_and_untouched_files(folder):
    (folder / "docs").mkdir()
    (folder / "docs" / "a.md").write_bytes(DOC.encode())
    clean = "No term here at all.\n"
    (folder / "docs" / "b.md").write_bytes(clean.encode())
    before = (folder / "docs" / "b.md").stat().st_mtime_ns
    out = fix("docs")
    assert out.exit_code == 0 and "fixed 2 uses in 1 file" in out.stderr
    assert (folder / "docs" / "b.md").stat().st_mtime_ns == before


def test_a_use_inside_a_link_is_not_linked_again(folder):
    path = folder / "d.md"
    text = "Read [why AI scheming matters](https://example.org/post) before deployment.\n"
    path.write_bytes(text.encode())
    if not ambiguous(path):
        pytest.skip("the glossary now settles this use")
    out = fix(path, "--how", "link")
    assert out.exit_code == 0 and path.read_bytes() == text.encode()
    assert "already inside a link" in out.stderr
    assert fix(path, "--how", "rewrite").exit_code == 0
    assert b"[why AI worst-case scheming matters](https://example.org/post)" in path.read_bytes()


def test_stdin_to_stdout(folder):
    out = termlint("fix", "-", "--sense", "scheming=worst-case-model", input=DOC)
    assert out.exit_code == 0 and out.stdout == FIXED["rewrite"]


def test_interactive_choice_one_use_at_a_time(folder):
    path = folder / "d.md"
    path.write_bytes(DOC.encode())
    first = termlint("fix", str(path), "--interactive", input="0\n0\n")
    assert path.read_bytes() == DOC.encode() and "left as it is" in first.stderr
    number = next(
        line.split(")")[0].strip()
        for line in first.stderr.splitlines()
        if line.strip().split(" ")[1:2] == ["worst-case-model"]
    )
    out = termlint("fix", str(path), "--interactive", input=f"{number}\n0\n")
    assert out.exit_code == 0
    assert path.read_bytes() == DOC.replace("for scheming", "for worst-case scheming").encode()


def test_interactive_declare_asks_once_per_document(folder):
    path = folder / "d.md"
    path.write_bytes(DOC.encode())
    first = termlint("fix", str(path), "--interactive", "--how", "declare", "--diff", input="0\n")
    assert first.stderr.count("Sense for the whole document") == 1
    number = next(
        line.split(")")[0].strip()
        for line in first.stderr.splitlines()
        if line.strip().split(" ")[1:2] == ["worst-case-model"]
    )
    out = termlint("fix", str(path), "--interactive", "--how", "declare", input=f"{number}\n")
    assert out.exit_code == 0 and path.read_bytes() == FIXED["declare"].encode()


@pytest.mark.parametrize(
    ("sense", "message"),
    [
        ("scheming=no-such-sense", "'scheming' has no sense 'no-such-sense' (known: "),
        ("no-such-term=x", "no term 'no-such-term' in the glossary"),
        ("scheming", "--sense expects TERM=SENSE"),
    ],
)
def test_bad_sense_option_is_a_usage_error(folder, sense, message):
    path = folder / "d.md"
    path.write_bytes(DOC.encode())
    out = fix(path, sense=sense)
    assert out.exit_code == 2 and message in out.stderr
    assert path.read_bytes() == DOC.encode()


def test_no_sense_and_no_terminal_is_a_usage_error(folder):
    (folder / "d.md").write_bytes(DOC.encode())
    out = termlint("fix", "d.md")
    assert out.exit_code == 2 and "--sense TERM=SENSE" in out.stderr


def test_bad_file_is_reported_and_others_fixed(folder):
    (folder / "bad.md").write_bytes(b"\xff\xfe not utf-8 scheming\n")
    (folder / "good.md").write_bytes(DOC.encode())
    out = termlint("fix", "bad.md", "good.md", "--sense", "scheming=worst-case-model")
    assert out.exit_code == 2 and "bad.md" in out.stderr
    assert (folder / "good.md").read_bytes() == FIXED["rewrite"].encode()


def test_sense_option_accepts_a_written_form(project):
    assert parse_sense_options(["Schemer=worst-case-model"], project.glossary) == {
        "scheming": "worst-case-model"
    }


def test_an_edit_that_would_not_settle_the_use_is_dropped(project, monkeypatch):
    sense = project.glossary.terms["scheming"].sense("worst-case-model")
    monkeypatch.setattr(sense, "clarifications", ["{match}"])  # a "rewrite" that says nothing
    import dataclasses

    strict = dataclasses.replace(  # both bare uses flagged (see the folder fixture)
        project, config=dataclasses.replace(project.config, strictness="strict")
    )
    source = SourceText(path="d.md", text=DOC)
    plan = fix_source(source, strict, lambda d, o: "worst-case-model", "rewrite")
    assert not plan.changed and not plan.fixed
    assert sum("would still be ambiguous" in n for n in plan.notes) == 2


# -- pure functions --------------------------------------------------------------------------


def test_overlapping_edits_are_refused():
    with pytest.raises(FixError, match="overlapping"):
        apply_edits("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])
    with pytest.raises(FixError, match="overlapping"):
        apply_edits("abcdef", [Edit(1, 1, "x"), Edit(1, 1, "y")])
    assert apply_edits("abcdef", [Edit(4, 6, "Z"), Edit(0, 1, "A"), Edit(2, 2, "-")]) == "Ab-cdZ"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "---\ntitle: T\n---\nBody\n",
            "---\ntitle: T\ntermlint:\n  senses:\n    t: s\n---\nBody\n",
        ),
        ("---\n---\nBody\n", "---\ntermlint:\n  senses:\n    t: s\n---\nBody\n"),
        (
            "---\ntermlint:\n  senses:\n    a: b   # why\n\ntitle: T\n---\n",
            "---\ntermlint:\n  senses:\n    a: b   # why\n    t: s\n\ntitle: T\n---\n",
        ),
        (
            "---\ntermlint:\n    senses:\n        a: b\n---\n",
            "---\ntermlint:\n    senses:\n        a: b\n        t: s\n---\n",
        ),
        ("---\ntermlint:\n---\n", "---\ntermlint:\n  senses:\n    t: s\n---\n"),
        (
            "---\ntermlint: {senses: {a: b}}  # declared\n---\n",
            "---\ntermlint: {senses: {a: b, t: s}}  # declared\n---\n",
        ),
        ("---\ntermlint: {}\n---\n", "---\ntermlint: {senses: {t: s}}\n---\n"),
        ("---\ntermlint:\n  senses: { }\n---\n", "---\ntermlint:\n  senses: {t: s }\n---\n"),
        (
            '---\ntermlint:\n  senses: {a: "x}"}\n---\n',
            '---\ntermlint:\n  senses: {a: "x}", t: s}\n---\n',
        ),
        ("---\r\nx: 1\r\n---\r\n", "---\r\nx: 1\r\ntermlint:\r\n  senses:\r\n    t: s\r\n---\r\n"),
    ],
)
def test_declaration_is_a_minimal_insertion(before, after):
    newline = "\r\n" if "\r\n" in before else "\n"
    edit = declaration_edit(before, newline, {"t": "s"})
    assert edit.start == edit.end  # only adds characters
    assert apply_edits(before, [edit]) == after
    assert yaml.safe_load(after.split("---")[1])["termlint"]["senses"]["t"] == "s"


@pytest.mark.parametrize(
    "before",
    [
        "---\ntermlint:\n  senses: {t: other}\n---\n",  # already declared
        "---\ntermlint: yes\n---\n",  # not a mapping
        "---\ntermlint: {senses:\n   {a: b}}\n---\n",  # flow over several lines
    ],
)
def test_declaration_refuses_what_it_cannot_do_safely(before):
    with pytest.raises(FixError):
        declaration_edit(before, "\n", {"t": "s"})


def test_unified_diff_marks_a_missing_final_newline():
    out = unified_diff("a.md", "one\ntwo", "one\nTWO")
    assert out.endswith("-two\n\\ No newline at end of file\n+TWO\n\\ No newline at end of file\n")


def test_write_atomic_keeps_mode_and_cleans_up(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"old\n")
    path.chmod(0o604)
    write_atomic(path, b"new\n", original=b"old\n")
    assert path.read_bytes() == b"new\n" and stat.S_IMODE(path.stat().st_mode) == 0o604
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_written_file_keeps_its_name_in_the_folder(tmp_path):
    path = tmp_path / "a b.md"
    path.write_bytes(b"x\n")
    write_atomic(Path(str(path)), b"y\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a b.md"]
