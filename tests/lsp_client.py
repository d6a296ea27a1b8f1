"""A real LSP client (pytest-lsp's, on pygls) driving ``termlint lsp`` as a subprocess."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

TIMEOUT = 120.0  # generous: the machine is shared; nothing here measures time


class Client:
    """The test's view of one server: what it sent, and helpers to wait for it."""

    def __init__(self, lsp: LanguageClient, root: Path):
        self.lsp = lsp
        self.root = root
        self.published: list[types.PublishDiagnosticsParams] = []
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}
        self.registrations: list[types.Registration] = []

    def uri(self, name: str) -> str:
        return from_fs_path(str(self.root / name))

    async def until(self, predicate, what: str, timeout: float = TIMEOUT):
        async def poll():
            while True:
                value = predicate()
                if value:
                    return value
                if self.lsp._server is not None and self.lsp._server.returncode is not None:
                    raise AssertionError(f"server exited while waiting for {what}")
                await asyncio.sleep(0.02)

        try:
            return await asyncio.wait_for(poll(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"no {what} within {timeout:.0f} s") from None

    async def diagnostics(self, uri: str, version: int | None = None):
        version = self.versions[uri] if version is None else version

        def found():
            for p in reversed(self.published):
                if p.uri == uri and p.version == version:
                    return [p]
            return None

        return list((await self.until(found, f"diagnostics for {uri} v{version}"))[0].diagnostics)

    async def open(self, name: str, text: str, language: str = "markdown"):
        uri = self.uri(name)
        self.versions[uri] = 1
        self.texts[uri] = text
        self.lsp.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
            )
        )
        return uri

    def change(self, uri: str, text: str, range_: types.Range | None = None) -> int:
        """Send a change: the whole text, or ``text`` in place of ``range_``."""
        self.versions[uri] += 1
        if range_ is None:
            event = types.TextDocumentContentChangeWholeDocument(text=text)
            self.texts[uri] = text
        else:
            event = types.TextDocumentContentChangePartial(range=range_, text=text)
            self.texts[uri] = apply_edits(self.texts[uri], [types.TextEdit(range_, text)])
        self.lsp.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]), [event]
            )
        )
        return self.versions[uri]


def utf16_offset(text: str, pos: types.Position) -> int:
    """A protocol position (UTF-16 code units) as an index into ``text``."""
    lines = text.split("\n")
    offset = sum(len(line) + 1 for line in lines[: pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    units = 0
    for i, c in enumerate(line):
        if units >= pos.character:
            return offset + i
        units += 2 if ord(c) > 0xFFFF else 1
    return offset + len(line)


def text_at(text: str, r: types.Range) -> str:
    return text[utf16_offset(text, r.start) : utf16_offset(text, r.end)]


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply text edits as an editor does: all against the original text, from the end."""
    spans = sorted(
        (
            (utf16_offset(text, e.range.start), utf16_offset(text, e.range.end), e.new_text)
            for e in edits
        ),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    edit = action.edit
    if edit.document_changes:
        return [
            e
            for change in edit.document_changes
            if change.text_document.uri == uri
            for e in change.edits
        ]
    return list(edit.changes.get(uri, []))


@contextlib.asynccontextmanager
async def session(root: Path, debounce: float = 0.05):
    """Start ``termlint lsp`` in ``root``, initialise it, and shut it down at the end."""
    lsp = LanguageClient()
    client = Client(lsp, root)

    def publish(params: types.PublishDiagnosticsParams):
        client.published.append(params)

    def register(params: types.RegistrationParams):
        client.registrations.extend(params.registrations)

    register_lsp_features(
        lsp,
        {
            **DEFAULT_CLIENT_FEATURES,
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
            types.CLIENT_REGISTER_CAPABILITY: register,
        },
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(root / ".cache")}
    await lsp.start_io(sys.executable, "-m", "termlint", "lsp", cwd=str(root), env=env)
    caps = client_capabilities("visual-studio-code")
    await lsp.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            root_uri=from_fs_path(str(root)),
            workspace_folders=[types.WorkspaceFolder(from_fs_path(str(root)), root.name)],
            initialization_options={"debounce": debounce},
        )
    )
    try:
        yield client
    finally:
        await lsp.shutdown_session()
        await lsp.stop()
    client.returncode = lsp._server.returncode if lsp._server else None
