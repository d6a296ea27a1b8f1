"""Hostile and broken input: nothing crashes, nothing is lost.

Every broken file gives a message naming it and exit status 2 while the other files are still
checked; broken data (glossary, rules, configuration, front matter, comments) gives
``file:line: message`` and exit 2; YAML never executes anything; only an explicit fix writes;
a 50 MB document is checked in bounded memory and time; pathological nesting is a clear error.

Extends tests/test_cli.py (missing file, Latin-1, a PNG, bad or unclosed front matter, the
first malformed data files) and tests/test_properties.py (random Markdown); the glossary site's
refusal of ids that are not safe slugs is tests/test_site.py::test_unsafe_ids_are_refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import write

ROOT = Path(__file__).resolve().parent.parent
AMBIGUOUS = "AI labs should prepare for scheming before the next model ships.\n"
GOOD_FINDING = "good.md:1:28"


@pytest.fixture
def run(run, tmp_path):
    """The command line in a clean folder that also holds good.md, a file with a finding."""
    (tmp_path / "good.md").write_text(AMBIGUOUS)
    return run


def assert_broken(out, name: str, *reasons: str) -> None:
    """Exit 2, the broken file named with its reason, the good file still checked."""
    assert out.exit_code == 2, out.output
    assert name in out.output, out.output
    for reason in reasons:
        assert reason in out.output, out.output
    assert GOOD_FINDING in out.output, out.output
    assert "Traceback" not in out.output


# -- broken input files ------------------------------------------------------------------

BROKEN_FILES = {
    "utf16.md": ("AI labs prepare for scheming.\n".encode("utf-16"), "UTF-16"),
    "utf16be.md": (b"\xfe\xff" + "AI scheming.\n".encode("utf-16-be"), "UTF-16"),
    "utf16-no-bom.md": ("AI labs prepare for scheming.\n".encode("utf-16-le"), "UTF-16"),
    "utf32.md": ("AI scheming.\n".encode("utf-32"), "UTF-32"),
    "nul.md": (b"AI labs prepare for scheming.\x00\n", "NUL"),
    "bad-utf8-late.md": (b"AI scheming.\n" * 3 + b"caf\xc3(\n", "not valid UTF-8"),
    "front-matter-unclosed.md": ("---\ntitle: a draft about scheming\n", "never closed"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_FILES))
def test_broken_file_is_named_and_the_others_are_checked(run, tmp_path, name):
    content, reason = BROKEN_FILES[name]
    write(tmp_path, name, content)
    assert_broken(run("check", name, "good.md"), name, reason)


def test_broken_file_in_a_folder_and_json_output(run, tmp_path):
    write(tmp_path, "docs/a-broken.md", "AI scheming\n".encode("utf-16"))
    write(tmp_path, "docs/b.md", AMBIGUOUS)
    out = run("check", "docs", "--format", "json")
    assert out.exit_code == 2
    assert "docs/a-broken.md: file is UTF-16 encoded" in out.output
    data = json.loads(out.stdout)
    assert [Path(d["path"]).name for d in data["diagnostics"]] == ["b.md"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xef\xbb\xbf",
        b"\n\n\r\n",
        b"---\ntitle: x\n---\n",
        b"---\ntitle: x\n---",
        b"---\n---\n",
        b"---\n",
        b"<!-- just a comment -->\n",
    ],
)
def test_empty_and_front_matter_only_files_are_fine(run, tmp_path, content):
    """Nothing to check is not an error."""
    write(tmp_path, "empty.md", content)
    assert run("check", "empty.md").exit_code == 0
    out = run("check", "empty.md", "good.md")
    assert out.exit_code == 1 and GOOD_FINDING in out.output
    assert "could not be checked" not in out.output


@pytest.mark.parametrize("first_line", ["- A--B testing showed it.", "* x---y", "+ a--"])
def test_a_list_item_with_dashes_on_the_first_line_is_not_front_matter(run, tmp_path, first_line):
    write(tmp_path, "list.md", first_line + "\n- " + AMBIGUOUS)
    out = run("check", "list.md")
    assert out.exit_code == 1 and "list.md:2:30" in out.output, out.output


@pytest.mark.parametrize("fence", ["```", "~~~~", "```python"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_unterminated_code_fence_runs_to_the_end_and_hides_its_terms(run, tmp_path, fence, newline):
    """CommonMark: an unclosed fence runs to the end of the document. Not an error."""
    text = newline.join(["Intro without terms.", "", fence, AMBIGUOUS.strip(), "", "more"])
    write(tmp_path, "fence.md", text + newline)
    out = run("check", "fence.md")
    assert out.exit_code == 0, out.output
    senses = json.loads(run("senses", "fence.md", "--format", "json").output)
    assert senses["occurrences"] == []


def test_symlink_loop_in_a_folder(run, tmp_path):
    write(tmp_path, "docs/sub/a.md", AMBIGUOUS)
    (tmp_path / "docs/sub/up").symlink_to("..")
    out = run("check", "docs", "good.md")
    assert out.exit_code == 2
    assert "docs/sub/up: symlink loop" in out.output
    assert "docs/sub/a.md:1:28" in out.output and GOOD_FINDING in out.output
    assert out.output.count("docs/sub/a.md:1:28") == 1  # not checked again through the loop


def test_second_link_to_a_folder_is_not_an_error(run, tmp_path):
    write(tmp_path, "docs/v2/a.md", AMBIGUOUS)
    (tmp_path / "docs/latest").symlink_to("v2")
    out = run("check", "docs")
    assert out.exit_code == 1 and out.output.count(":1:28:") == 1, out.output


@pytest.mark.parametrize("link", ["dangling.md", "self.md"])
def test_dangling_and_self_links(run, tmp_path, link):
    (tmp_path / link).symlink_to("nowhere.md" if link == "dangling.md" else link)
    assert_broken(run("check", link, "good.md"), link)


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0,
    reason="as root, chmod 000 does not stop reading (test_unreadable_file_simulated covers it)",
)
def test_unreadable_file(run, tmp_path):
    path = write(tmp_path, "secret.md", AMBIGUOUS)
    path.chmod(0)
    try:
        assert_broken(run("check", "secret.md", "good.md"), "secret.md", "permission denied")
    finally:
        path.chmod(0o644)


def test_unreadable_file_simulated(run, tmp_path, monkeypatch):
    import termlint.files.source

    write(tmp_path, "secret.md", AMBIGUOUS)
    real = termlint.files.source.read_regular

    def read(path, display):
        if Path(path).name == "secret.md":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, display)

    # Every command reads through files.source.read_bytes, which words the failure.
    monkeypatch.setattr(termlint.files.source, "read_regular", read)
    assert_broken(run("check", "secret.md", "good.md"), "secret.md", "permission denied")


def test_folder_named_like_a_markdown_file_is_searched(run, tmp_path):
    """`draft.md/` is a folder: searched like any folder, inside a walk or when named."""
    write(tmp_path, "docs/draft.md/part.md", AMBIGUOUS)
    write(tmp_path, "docs/draft.md/notes.txt", AMBIGUOUS)
    for target in ("docs", "docs/draft.md", "docs/draft.md/"):
        out = run("check", target, "--format", "json")
        assert out.exit_code == 1, (target, out.output)
        paths = {Path(d["path"]).as_posix() for d in json.loads(out.stdout)["diagnostics"]}
        assert paths == {"docs/draft.md/part.md"}, (target, paths)


def test_broken_stdin_is_named_and_the_files_are_checked(run):
    out = run("check", "-", "good.md", input=b"caf\xe9 scheming\n")
    assert_broken(out, "<stdin>", "not valid UTF-8")


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes")
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_file_name_that_is_not_utf8(tmp_path, fmt):
    """Reported in every format, in a subprocess so the real stdout encoding is used."""
    (tmp_path / ".termlint.yaml").write_text("{}\n")
    (tmp_path / os.fsdecode(b"caf\xe9.md")).write_bytes(AMBIGUOUS.encode())
    out = subprocess.run(
        [sys.executable, "-m", "termlint", "check", ".", "--format", fmt],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert out.returncode == 1, out.stderr.decode(errors="replace")
    assert b"Traceback" not in out.stderr
    assert b"caf" in out.stdout


# -- pathological nesting and size --------------------------------------------------------

DEPTH = 10_000
NESTED = {
    "quotes-one-line.md": "> " * DEPTH + "scheming\n",
    "quotes-no-space.md": ">" * DEPTH + " scheming\n",
    "dashes-one-line.md": "- " * DEPTH + "scheming\n",
    "stars-one-line.md": "* " * DEPTH + "scheming\n",
    "numbers-one-line.md": "1. " * DEPTH + "scheming\n",
    "mixed-one-line.md": "> - " * (DEPTH // 2) + "scheming\n",
    # On separate lines each level is indented further, so 10,000 levels would be a 100 MB
    # file; 1,000 is far past the parser's limit and shows the same thing.
    "stars-lines.md": "".join("  " * i + "* item\n" for i in range(1000)) + "AI scheming\n",
    "numbers-lines.md": "".join("   " * i + "1. item\n" for i in range(1000)) + "scheming\n",
    "quotes-lines.md": "".join(">" * (i + 1) + " x\n" for i in range(1000)) + "scheming\n",
}


@pytest.mark.parametrize("name", sorted(NESTED))
def test_deep_nesting_is_a_clear_error(run, tmp_path, name):
    write(tmp_path, name, NESTED[name])
    assert_broken(run("check", name, "good.md"), name, "nested too deeply")


@pytest.mark.parametrize(
    "text",
    [
        "".join("  " * i + "- item\n" for i in range(70)) + "  " * 70 + "- " + AMBIGUOUS,
        "> " * 150 + AMBIGUOUS,
        "".join("> " * i + "- x\n" for i in range(1, 40)) + "> " * 40 + AMBIGUOUS,
    ],
)
def test_deep_but_reasonable_nesting_loses_nothing(run, tmp_path, text):
    """70 lists or 150 quotes inside each other are read to the bottom."""
    write(tmp_path, "deep.md", text)
    out = run("senses", "deep.md", "--format", "json")
    assert out.exit_code == 0, out.output
    [occ] = json.loads(out.stdout)["occurrences"]
    assert occ["line"] == text.count("\n") and occ["match"] == "scheming"


INLINE = {
    "brackets.md": "[" * DEPTH + "AI scheming" + "]" * DEPTH + "\n",
    "open-brackets.md": "[" * DEPTH + " AI scheming\n",
    "images.md": "![" * DEPTH + " AI scheming\n",
    "links.md": "[a](" * DEPTH + " AI scheming\n",
    "stars.md": "a " + "*" * DEPTH + "AI scheming" + "*" * DEPTH + "\n",
    "emphasis.md": "*a " * DEPTH + "AI scheming" + " a*" * DEPTH + "\n",
    "underscores.md": "_a " * DEPTH + "AI scheming\n",
    "backticks.md": "`" * DEPTH + " AI scheming\n",
    "angles.md": "<" * DEPTH + "AI scheming\n",
    "parens.md": "(" * DEPTH + "AI scheming" + ")" * DEPTH + "\n",
    "html.md": "<span>" * DEPTH + "AI scheming\n",
    "entities.md": "&amp;" * DEPTH + " AI scheming\n",
    "apostrophes.md": "'s" * DEPTH + " AI scheming\n",
}


@pytest.mark.parametrize("name", sorted(INLINE))
def test_deep_inline_markup_is_checked_or_refused_clearly(run, tmp_path, name):
    """Read as text past the nesting limit (or refused by name); fast either way."""
    write(tmp_path, name, INLINE[name])
    start = time.perf_counter()
    out = run("check", name, "good.md")
    assert time.perf_counter() - start < 20, "quadratic somewhere"
    assert GOOD_FINDING in out.output and "Traceback" not in out.output
    assert "internal error" not in out.output
    if out.exit_code == 2:
        assert f"{name}:1: Markdown nested too deeply" in out.output, out.output
    else:
        assert out.exit_code == 1, out.output


def test_a_paragraph_over_a_million_characters(run, tmp_path):
    """spaCy refuses a text over 1,000,000 characters; termlint reads it in pieces."""
    para = "We met on Tuesday and talked about the budget for the next quarter. " * 16_000
    write(tmp_path, "long.md", para + AMBIGUOUS)
    out = run("check", "long.md", "--format", "json")
    assert out.exit_code == 1, out.output
    [d] = [d for d in json.loads(out.stdout)["diagnostics"] if d["rule"] == "ambiguous-term"]
    assert (d["line"], d["column"]) == (1, len(para) + AMBIGUOUS.index("scheming") + 1)


# -- broken data: glossary, rules, configuration, front matter, comments -------------------

GLOSSARY_OK = (
    "id: extra\nterm: extra\nsummary: s\nforms: [extra]\n"
    "senses: [{id: a, label: A, definition: d}]\n"
)
RULE_OK = (
    "id: my-rule\nkind: ambiguous\nseverity: warning\nmessage: m\n"
    "doc: {what: w, why: y, example: e, use_instead: u}\n"
)


@pytest.mark.parametrize(
    "kind, content, expected",
    [
        (
            "glossary",
            GLOSSARY_OK.replace("forms: [extra]", "forms: extra"),
            "extra.yaml:4: forms: expected array, got str",
        ),
        ("glossary", GLOSSARY_OK + "senses: []\n", "extra.yaml:6: invalid YAML: duplicate key"),
        (
            "glossary",
            GLOSSARY_OK.replace("definition: d", "definition: !!timestamp x"),
            "extra.yaml:5: invalid YAML: timestamp values are not allowed",
        ),
        ("glossary", "id: extra\nterm: " + "[" * 3000 + "\n", "invalid YAML: nested too deeply"),
        ("glossary", "\ufeffid: extra\n\x00", "extra.yaml"),
        (
            "rules",
            RULE_OK.replace("severity: warning", "severity: 5"),
            "my-rule.yaml:3: severity: 5 is not one of",
        ),
        ("rules", RULE_OK + "colour: x\n", "my-rule.yaml:1: unknown key 'colour'"),
        (
            "rules",
            RULE_OK.replace("kind: ambiguous", "kind: nonsense"),
            "my-rule.yaml:2: kind: 'nonsense' is not one of",
        ),
        ("rules", RULE_OK + "terms: [no-such-term]\n", "names unknown terms: no-such-term"),
        ("rules", RULE_OK.replace("my-rule", "other-rule"), "does not match the file name"),
    ],
)
def test_malformed_data_more(run, tmp_path, kind, content, expected):
    name = "extra.yaml" if kind == "glossary" else "my-rule.yaml"
    write(tmp_path, f"{kind}/{name}", content)
    write(tmp_path, ".termlint.yaml", f"{kind}: [{kind}]\n")
    out = run("check", "good.md")
    assert out.exit_code == 2, out.output
    assert f"{kind}/{name}" in out.output and expected in out.output, out.output
    assert "Traceback" not in out.output


@pytest.mark.parametrize(
    "name, config, expected",
    [
        (".termlint.yaml", "enable: 5\n", ".termlint.yaml:1: enable: expected array, got int"),
        (".termlint.yaml", "severity: {no-such-rule: error}\n", "unknown rule 'no-such-rule'"),
        (".termlint.yaml", "- a\n- b\n", ".termlint.yaml:1: configuration must be a mapping"),
        (".termlint.yaml", "exclude: " + "[" * 3000 + "\n", "invalid YAML: nested too deeply"),
        (".termlint.yaml", "x: &a [old]\nexclude: *a\n", ".termlint.yaml:2: invalid YAML: aliases"),
        (
            ".termlint.yaml",
            "rule_options: {ambiguous-term: {x: !!binary aGk=}}\n",
            "binary values are not allowed",
        ),
        (".termlint.yaml", "glossary: [no-such-folder]\n", "no-such-folder: not a folder"),
        ("pyproject.toml", "[tool.termlint\nfail_on = 1\n", "pyproject.toml:1: invalid TOML"),
        ("pyproject.toml", "[tool.termlint]\nfail_on = 1\n", "pyproject.toml:2: fail_on"),
        (
            "pyproject.toml",
            "[tool.termlint.rule_options.ambiguous-term]\nsince = 2024-01-01\n",
            "rule_options/ambiguous-term/since: dates and times are not allowed",
        ),
    ],
)
def test_malformed_configuration_more(run, tmp_path, name, config, expected):
    (tmp_path / ".termlint.yaml").unlink()
    write(tmp_path, name, config)
    out = run("check", "good.md")
    assert out.exit_code == 2, out.output
    assert expected in out.output, out.output
    assert "Traceback" not in out.output


@pytest.mark.parametrize(
    "document, expected",
    [
        (
            "---\ntermlint:\n  senses:\n    scheming: plotting\n---\nAI scheming.\n",
            "bad.md:1: unknown sense 'plotting' for 'scheming'",
        ),
        (
            "---\ntermlint:\n  senses:\n    schemingz: roleplay\n---\nAI scheming.\n",
            "bad.md:1: declares a sense for unknown term 'schemingz'",
        ),
        ("---\ntermlint: [scheming]\n---\nAI scheming.\n", "bad.md:1: front matter 'termlint'"),
        (
            "---\ntermlint:\n  sense: {scheming: roleplay}\n---\nAI scheming.\n",
            "bad.md:1: unknown key under 'termlint'",
        ),
        ("---\n- a list\n---\nAI scheming.\n", "bad.md:2: front matter must be a YAML mapping"),
        ("---\ntitle: " + "[" * 3000 + "\n---\nAI scheming.\n", "bad.md:2: invalid YAML"),
        (
            "Intro.\n\n<!-- termlint-sense scheming=nope -->\nAI scheming.\n",
            "bad.md:3: unknown sense 'nope' for 'scheming'",
        ),
        (
            "Intro.\n\n<!-- termlint-sense scheming -->\nAI scheming.\n",
            "bad.md:3: termlint-sense expects TERM=SENSE",
        ),
        (
            "Intro.\n\n<!-- termlint-disabel ambiguous-term -->\nAI scheming.\n",
            "bad.md:3: unknown directive 'termlint-disabel'",
        ),
        (
            "Intro.\n\n> <div>\n> text\n> <!-- termlint-disable-line no-such-rule -->\n> </div>\n\n"
            "AI scheming.\n",
            "bad.md:5: suppression names unknown rule 'no-such-rule'",
        ),
        (
            "No term in this one. <!-- termlint-disable no-such-rule -->\n",
            "bad.md:1: suppression names unknown rule 'no-such-rule'",
        ),
    ],
)
def test_bad_declarations_and_comments_name_file_and_line(run, tmp_path, document, expected):
    write(tmp_path, "bad.md", document)
    assert_broken(run("check", "bad.md", "good.md"), "bad.md", expected)


# -- safety: YAML runs nothing, configuration runs nothing, nothing is written ------------


def _payload(tmp_path: Path) -> tuple[str, Path]:
    marker = tmp_path / "PWNED"
    return f'!!python/object/apply:os.system ["touch {marker}"]', marker


@pytest.mark.parametrize("where", ["glossary", "rules", "config", "front matter", "pyproject"])
def test_yaml_python_tags_are_refused_and_run_nothing(run, tmp_path, where):
    payload, marker = _payload(tmp_path)
    if where == "glossary":
        write(
            tmp_path, "glossary/extra.yaml", GLOSSARY_OK.replace("term: extra", f"term: {payload}")
        )
        write(tmp_path, ".termlint.yaml", "glossary: [glossary]\n")
    elif where == "rules":
        write(tmp_path, "rules/my-rule.yaml", RULE_OK.replace("message: m", f"message: {payload}"))
        write(tmp_path, ".termlint.yaml", "rules: [rules]\n")
    elif where == "config":
        write(tmp_path, ".termlint.yaml", f"fail_on: {payload}\n")
    elif where == "pyproject":  # TOML has no tags: the string stays a string
        (tmp_path / ".termlint.yaml").unlink()
        write(tmp_path, "pyproject.toml", f"[tool.termlint]\nfail_on = '{payload}'\n")
    else:
        write(tmp_path, "bad.md", f"---\ntitle: {payload}\n---\nAI scheming.\n")
    out = run("check", "bad.md" if where == "front matter" else "good.md", "good.md")
    assert out.exit_code == 2, out.output
    assert (
        "invalid YAML: could not determine a constructor" in out.output or "fail_on" in out.output
    ), out.output
    assert "Traceback" not in out.output
    assert not marker.exists(), "YAML ran a command"


def test_configuration_runs_no_code(run, tmp_path):
    """Paths, patterns and options in configuration are data: nothing is imported or run."""
    _, marker = _payload(tmp_path)
    write(
        tmp_path,
        ".termlint.yaml",
        f"exclude: ['$(touch {marker})', '`touch {marker}`']\n"
        f"docs_url: \"javascript:__import__('os').system('touch {marker}')\"\n",
    )
    # (An option holding code is now refused as unknown: test_hostile_round2 D19.)
    out = run("check", "good.md")
    assert out.exit_code == 1 and GOOD_FINDING in out.output, out.output
    assert not marker.exists()


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "<dir>"
        for p in sorted(folder.rglob("*"))
    }


def test_only_an_explicit_fix_writes(run, tmp_path):
    """check, senses, rules and glossary commands leave the folder byte for byte as it was."""
    write(tmp_path, "docs/a.md", AMBIGUOUS)
    write(tmp_path, "docs/crlf.md", AMBIGUOUS.replace("\n", "\r\n"))
    write(tmp_path, "docs/bom.md", "\ufeff" + AMBIGUOUS)
    write(tmp_path, "docs/broken.md", b"\xff\xfe\x00")
    write(tmp_path, "docs/sub/b.markdown", "---\ntitle: t\n---\nIn-context scheming.\n")
    write(tmp_path, "glossary/extra.yaml", GLOSSARY_OK)
    write(tmp_path, ".termlint.yaml", "glossary: [glossary]\n")
    (tmp_path / "docs" / "sub").chmod(0o755)
    before = _snapshot(tmp_path)
    commands = [
        ["check", "docs"],
        ["check", "docs", "--format", "json"],
        ["check", "docs", "--format", "sarif"],
        ["check", "docs", "-j", "2"],
        ["senses", "docs"],
        ["senses", "docs", "--format", "json"],
        ["rules", "list"],
        ["rules", "explain", "ambiguous-term"],
        ["glossary", "list"],
        ["glossary", "show", "scheming"],
        ["glossary", "check", "glossary"],
        ["check", "docs", "--no-cache"],
    ]
    for command in commands:
        out = run(*command)
        assert "Traceback" not in out.output, (command, out.output)
    assert _snapshot(tmp_path) == before
