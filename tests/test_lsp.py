"""End to end: ``termlint lsp`` started as a subprocess, driven over stdio by a real client.

The client is pytest-lsp's (on pygls); every wait is for a notification or a response, with a
generous timeout, and nothing measures time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest.importorskip("pytest_lsp")

from lsp_client import apply_edits, edits_of, session, text_at
from lsprotocol import types

AMBIGUOUS = "# Notes\n\nLabs should prepare for scheming 🙂 before the next deployment.\n"


def doc_id(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def check_json(root: Path, name: str) -> list[dict]:
    """What ``termlint check --per-use --format json`` says about a file, for comparison (the
    editor marks every use, as ``--per-use`` reports them)."""
    done = subprocess.run(
        [sys.executable, "-m", "termlint", "check", "--per-use", "--format", "json", "--no-cache"]
        + [name],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["diagnostics"]


async def actions_at(client, uri: str, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    return await client.lsp.text_document_code_action_async(
        types.CodeActionParams(
            doc_id(uri), diagnostic.range, types.CodeActionContext(diagnostics=[diagnostic])
        )
    )


@pytest.mark.asyncio
async def test_a_document_without_terms_never_loads_spacy(tmp_path):
    async with session(tmp_path) as client:
        plain = await client.open("plain.md", "# Budget\n\nWe talked about the offsite.\n")
        assert await client.diagnostics(plain) == []
        assert not any("spaCy" in m.message for m in client.lsp.log_messages)
        uri = await client.open("draft.md", AMBIGUOUS)
        assert await client.diagnostics(uri)
        assert any("spaCy loaded, for draft.md" in m.message for m in client.lsp.log_messages)
    assert client.returncode == 0


@pytest.mark.asyncio
async def test_diagnostics_match_check_at_the_right_ranges(tmp_path):
    text = (
        "# Notes\n\nÉmile’s 🙂 team: labs should prepare for scheming.\n\n"
        "<!-- termlint-disable-next-line ambiguous-term -- quoting the brief -->\n"
        "Models may be scheming here, but that line is suppressed.\n\n"
        "And a schemer 🙂🙂 may hide.\n"
    )
    (tmp_path / "draft.md").write_text(text, encoding="utf-8")
    expected = check_json(tmp_path, "draft.md")
    async with session(tmp_path) as client:
        uri = await client.open("draft.md", text)
        diagnostics = await client.diagnostics(uri)
    got = [
        (
            d.range.start.line + 1,
            d.code,
            d.message,
            text_at(text, d.range),
            d.severity.name.lower().replace("information", "info"),
        )
        for d in diagnostics
    ]
    want = [(e["line"], e["rule"], e["message"], e["match"], e["severity"]) for e in expected]
    assert got == want
    assert [(g[1], g[3]) for g in got] == [
        ("ambiguous-term", "scheming"),
        ("undefined-term", "scheming"),
        ("ambiguous-term", "schemer"),
    ]
    # UTF-16 columns: 🙂 is two code units, É and ’ one each.
    first = diagnostics[0].range
    assert (first.start.line, first.start.character) == (2, 41)
    second = diagnostics[2].range
    assert (second.start.line, second.start.character) == (7, 6)
    assert (second.end.line, second.end.character) == (7, 13)
    assert all(d.source == "termlint" for d in diagnostics)


@pytest.mark.asyncio
async def test_edits_change_the_diagnostics(tmp_path):
    async with session(tmp_path) as client:
        uri = await client.open("draft.md", AMBIGUOUS)
        [first] = await client.diagnostics(uri)
        assert text_at(client.texts[uri], first.range) == "scheming"
        # Qualify the word with an incremental edit: the warning goes away.
        at = first.range.start
        version = client.change(uri, "in-context ", types.Range(at, at))
        assert await client.diagnostics(uri, version) == []
        # Add a new ambiguous use in a new paragraph: a warning at its range.
        end = types.Position(3, 0)
        version = client.change(uri, "\nA schemer would hide it.\n", types.Range(end, end))
        [new] = await client.diagnostics(uri, version)
        assert (new.range.start.line, new.range.start.character) == (4, 2)
        assert text_at(client.texts[uri], new.range) == "schemer"
        # Replace the whole text.
        version = client.change(uri, "Nothing to see.\n")
        assert await client.diagnostics(uri, version) == []


@pytest.mark.asyncio
async def test_a_document_error_is_a_diagnostic_on_its_line(tmp_path):
    text = "# Notes\n\n<!-- termlint-disable-next-line no-such-rule -->\nLabs and scheming.\n"
    async with session(tmp_path) as client:
        uri = await client.open("draft.md", text)
        [diag] = await client.diagnostics(uri)
        assert diag.code == "input-error"
        assert diag.severity == types.DiagnosticSeverity.Error
        assert diag.range.start.line == 2
        assert "unknown rule 'no-such-rule'" in diag.message
        version = client.change(uri, text.replace("no-such-rule", "ambiguous-term"))
        assert await client.diagnostics(uri, version) == []


@pytest.mark.asyncio
async def test_quick_edits_are_checked_once(tmp_path):
    # A debounce far longer than the test: the edits below are never checked on their own.
    async with session(tmp_path, debounce=60.0) as client:
        uri = await client.open("draft.md", AMBIGUOUS)
        assert len(await client.diagnostics(uri)) == 1  # opening is checked at once
        for n in range(3):
            end = types.Position(3 + n, 0)
            client.change(uri, f"A schemer, number {n}.\n", types.Range(end, end))
        # A hover needs the document as it is now, so it is checked now, once.
        await client.lsp.text_document_hover_async(
            types.HoverParams(doc_id(uri), types.Position(2, 27))
        )
        checked = await client.diagnostics(uri, 4)
        assert [d.code for d in checked].count("ambiguous-term") == 4
        assert [p.version for p in client.published if p.uri == uri] == [1, 4]


@pytest.mark.asyncio
async def test_hover_shows_the_sense_its_probability_evidence_and_the_others(tmp_path):
    text = (
        "# Notes\n\nLabs should prepare for scheming.\n\n"
        "In the evaluation the model showed in-context scheming.\n"
    )
    async with session(tmp_path) as client:
        uri = await client.open("draft.md", text)
        await client.diagnostics(uri)
        hover = await client.lsp.text_document_hover_async(
            types.HoverParams(doc_id(uri), types.Position(2, 27))
        )
        body = hover.contents.value
        assert hover.contents.kind == types.MarkupKind.Markdown
        assert text_at(text, hover.range) == "scheming"
        assert "cannot be told" in body
        assert "\nWhy: " in body
        assert "`worst-case-model`" in body and "`in-context-scheming`" in body
        resolved = await client.lsp.text_document_hover_async(
            types.HoverParams(doc_id(uri), types.Position(4, 48))
        )
        body = resolved.contents.value
        assert text_at(text, resolved.range) == "scheming"
        assert "read as **In-context scheming" in body  # no docs_url: no link
        assert "probability " in body and "%" in body
        assert "Why: " in body
        assert "\n> " in body  # the sense's definition
        assert "Other senses:" in body and "`worst-case-model`" in body
        nothing = await client.lsp.text_document_hover_async(
            types.HoverParams(doc_id(uri), types.Position(0, 2))
        )
        assert nothing is None


@pytest.mark.asyncio
async def test_each_code_action_is_a_precise_edit(tmp_path):
    text = "# Notes\n\nLabs should prepare\nfor scheming before the next deployment.\n"
    senses = {
        "power-motivated-training-gamer": "power-motivated scheming",
        "worst-case-model": "worst-case scheming",
        "in-context-scheming": "in-context scheming",
    }
    suppressed = (
        "# Notes\n\nLabs should prepare <!-- termlint-disable-next-line ambiguous-term"
        " -- TODO: say why this use is clear -->\n"
        "for scheming before the next deployment.\n"
    )
    async with session(tmp_path) as client:
        uri = await client.open("draft.md", text)
        [diag] = await client.diagnostics(uri)
        actions = await actions_at(client, uri, diag)
        titles = [a.title for a in actions]
        assert all(a.kind == types.CodeActionKind.QuickFix for a in actions)
        assert all(a.diagnostics and a.diagnostics[0].code == "ambiguous-term" for a in actions)
        results = {a.title: apply_edits(text, edits_of(a, uri)) for a in actions}
        assert all(len(edits_of(a, uri)) == 1 for a in actions)
        for sense, words in senses.items():
            [title] = [t for t in titles if t.startswith(f"Rewrite as “{words}”")]
            assert results[title] == text.replace("scheming", words)
            [title] = [t for t in titles if t.startswith(f"Declare “scheming” as {sense} ")]
            assert (
                results[title] == f"---\ntermlint:\n  senses:\n    scheming: {sense}\n---\n" + text
            )
        [title] = [t for t in titles if t.startswith("Suppress ambiguous-term")]
        assert results[title] == suppressed
        # Every other action too, byte for byte: the words in its title, and nothing else.
        for title, result in results.items():
            if title.startswith("Rewrite as “"):
                words = title.removeprefix("Rewrite as “").split("”", 1)[0]
                assert result == text.replace("scheming", words), title
            elif title.startswith("Declare “scheming” as "):
                sense = title.removeprefix("Declare “scheming” as ").split(" ", 1)[0]
                assert result == (
                    f"---\ntermlint:\n  senses:\n    scheming: {sense}\n---\n" + text
                ), title
            else:
                assert title.startswith("Suppress"), title
        # One rewrite and one declaration per candidate sense of the use, and one suppression.
        assert (
            len([t for t in titles if t.startswith("Rewrite")])
            == len([t for t in titles if t.startswith("Declare")])
            >= len(senses)
        )
        # Each applied edit settles the warning.
        for title, new_text in results.items():
            version = client.change(uri, new_text)
            left = [d for d in await client.diagnostics(uri, version) if d.code == "ambiguous-term"]
            assert left == [], title


@pytest.mark.asyncio
async def test_declaring_extends_existing_front_matter(tmp_path):
    text = "---\ntitle: Notes\n---\n\nLabs should prepare for scheming.\n"
    async with session(tmp_path) as client:
        uri = await client.open("draft.md", text)
        [diag] = await client.diagnostics(uri)
        actions = await actions_at(client, uri, diag)
        [declare] = [a for a in actions if a.title.startswith("Declare “scheming” as roleplay")]
        assert apply_edits(text, edits_of(declare, uri)) == (
            "---\ntitle: Notes\ntermlint:\n  senses:\n    scheming: roleplay\n---\n\n"
            "Labs should prepare for scheming.\n"
        )


@pytest.mark.asyncio
async def test_a_broken_configuration_is_shown_and_the_server_carries_on(tmp_path):
    config = tmp_path / ".termlint.yaml"
    config.write_text("severity:\n  ambiguous-term: loud\n", encoding="utf-8")
    async with session(tmp_path) as client:
        uri = await client.open("draft.md", AMBIGUOUS)
        assert await client.diagnostics(uri) == []
        [shown] = await client.until(lambda: client.lsp.messages, "window/showMessage")
        assert shown.type == types.MessageType.Error
        assert ".termlint.yaml" in shown.message and "loud" in shown.message
        assert "configuration error" in shown.message
        # Still serving: a hover is answered, an edit is linted.
        hover = await client.lsp.text_document_hover_async(
            types.HoverParams(doc_id(uri), types.Position(2, 27))
        )
        assert hover is None
        version = client.change(uri, AMBIGUOUS + "\nMore.\n")
        assert await client.diagnostics(uri, version) == []
        assert len(client.lsp.messages) == 1  # shown once, not on every keystroke
        # Fixed on disk: the watched-file notice reloads it.
        config.write_text("severity:\n  ambiguous-term: error\n", encoding="utf-8")
        client.lsp.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent(client.uri(".termlint.yaml"), types.FileChangeType.Changed)]
            )
        )
        [diag] = await client.until(
            lambda: [p for p in client.published[-1:] if p.uri == uri and p.diagnostics],
            "diagnostics after the fix",
        )
        assert diag.diagnostics[0].severity == types.DiagnosticSeverity.Error
    assert client.returncode == 0


@pytest.mark.asyncio
async def test_configuration_and_glossary_changes_are_picked_up(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.termlint]\nglossary = ['terms']\n", encoding="utf-8"
    )
    terms = tmp_path / "terms"
    terms.mkdir()
    text = "# Notes\n\nThe widgeting was bad, and labs should prepare for scheming.\n"
    async with session(tmp_path) as client:
        await client.until(
            lambda: [
                r
                for r in client.registrations
                if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
            ],
            "file watchers",
        )
        uri = await client.open("draft.md", text)
        assert [text_at(text, d.range) for d in await client.diagnostics(uri)] == ["scheming"]
        # A user glossary term with two senses appears on disk.
        (terms / "widgeting.yaml").write_text(WIDGETING, encoding="utf-8")
        client.lsp.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent(client.uri("terms/widgeting.yaml"), types.FileChangeType.Created)]
            )
        )
        found = await client.until(
            lambda: [p for p in client.published[-1:] if len(p.diagnostics) == 2],
            "a diagnostic for the new term",
        )
        assert [text_at(text, d.range) for d in found[0].diagnostics] == ["widgeting", "scheming"]
        # The configuration now disables the rule: reloaded without any notice, because the
        # file's modification time is checked before each lint.
        (tmp_path / "pyproject.toml").write_text(
            "[tool.termlint]\nglossary = ['terms']\ndisable = ['ambiguous-term']\n",
            encoding="utf-8",
        )
        version = client.change(uri, text + "\n")
        assert await client.diagnostics(uri, version) == []


WIDGETING = """\
id: widgeting
term: widgeting
summary: A made-up term with two senses, for the tests.
forms: [widgeting]
senses:
  - id: making-widgets
    label: Making widgets
    definition: Building small devices.
    ai: false
    clarifications: ["{match} (making widgets)"]
  - id: fidgeting
    label: Fidgeting with widgets
    definition: Playing with small devices.
    ai: false
    clarifications: ["{match} (fidgeting)"]
"""


def test_lsp_without_pygls_says_what_to_install(tmp_path):
    code = (
        "import sys; sys.modules['pygls'] = None; sys.argv = ['termlint', 'lsp']; "
        "from termlint.cli import run; run()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "needs pygls and lsprotocol" in done.stderr
    assert "pip install 'alignment-termlint[lsp]'" in done.stderr
    assert "Traceback" not in done.stderr
