"""``termlint lsp``: a language server over stdio, built on pygls.

Diagnostics come from :func:`termlint.pipeline.lint_source` — the call ``termlint check``
makes — with the project (configuration, glossary, rules) found as the command finds it: the
nearest ``.termlint.yaml`` or ``pyproject.toml`` with ``[tool.termlint]`` at or above the
document's folder. Rule ids, severities, suppressions and messages are therefore the same,
with one difference: the editor gets one diagnostic per unclear use (``group="use"``), where
``termlint check`` folds repeated uses of a term into one finding. In an editor each use
should carry its own squiggle and its own quick fixes (a rewrite of that use, or the
declaration that settles all of them); ``relatedInformation`` would show the other uses only
in a problems panel, which not every client has.

Linting runs in one worker thread, so hovers and code actions are answered while a long
document is checked; edits are debounced (``initializationOptions.debounce``, in seconds).
The project is read again when its configuration, glossary or rule files change on disk
(watched files, saves, or a changed modification time noticed before each lint); a broken
configuration is shown once with ``window/showMessage`` and the server carries on.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..errors import TermlintError
from ..files.discovery import MARKDOWN_SUFFIXES, _excluded
from ..model import FileResult, SourceText
from ..project.config import CONFIG_NAMES, find_config
from .actions import code_actions
from .hover import hover_markdown, occurrence_at
from .positions import PositionMap

if TYPE_CHECKING:
    from ..pipeline import Project

DEFAULT_DEBOUNCE = 0.3
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
WATCHED = ["**/pyproject.toml", "**/.termlint.yaml", "**/.termlint.yml", "**/*.yaml", "**/*.yml"]


@dataclass
class Linted:
    """The last lint of one open document."""

    version: int | None
    text: str
    result: FileResult
    positions: PositionMap
    project: Project | None
    notes: list = field(default_factory=list)  # (message type, text, show it too)


def _stamp(path: Path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), st.st_mtime_ns, st.st_size)


def _folder_stamp(folder: Path) -> tuple:
    try:
        files = sorted(p for p in Path(folder).iterdir() if p.suffix in (".yaml", ".yml"))
    except OSError:
        return (str(folder), None)
    return (str(folder), *(_stamp(p) for p in files))


class Projects:
    """Projects by configuration file, read again when any of their inputs change."""

    def __init__(self) -> None:
        self._cache: dict[str | None, tuple[tuple, object]] = {}

    def for_folder(self, folder: Path):
        """The project for documents in ``folder``; a TermlintError if it cannot be read."""
        from ..pipeline import load_project
        from ..project.config import Config

        config_path = find_config(folder)
        key = str(config_path) if config_path else None
        cached = self._cache.get(key)
        if cached is not None and cached[0] == self._inputs(config_path, cached[1]):
            if isinstance(cached[1], TermlintError):
                raise cached[1]
            return cached[1]
        try:
            if config_path is None:
                project = load_project(config=Config(root=folder.resolve()))
            else:
                project = load_project(config_path)
        except TermlintError as exc:
            self._cache[key] = (self._inputs(config_path, None), exc)
            raise
        self._cache[key] = (self._inputs(config_path, project), project)
        return project

    def _inputs(self, config_path: Path | None, project) -> tuple:
        stamps = [_stamp(config_path)] if config_path else []
        config = getattr(project, "config", None)
        if config is not None:
            stamps += [_folder_stamp(d) for d in [*config.glossary_dirs, *config.rule_dirs]]
        return tuple(stamps)

    def clear(self) -> None:
        self._cache.clear()


class TermlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("termlint", __version__)
        self.projects = Projects()
        self.linted: dict[str, Linted] = {}
        self.pending: dict[str, asyncio.Task] = {}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="termlint-lint")
        self.debounce = DEFAULT_DEBOUNCE
        self.shown_errors: set[str] = set()
        self.spacy_reported = False

    # -- helpers ---------------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        enc = self.workspace.position_encoding
        return str(getattr(enc, "value", enc) or "utf-16")

    def log(self, message: str, kind=types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(kind, message))

    def send_notes(self, notes: list) -> None:
        for kind, message, show in notes:
            if show:
                if message in self.shown_errors:
                    continue
                self.shown_errors.add(message)
                self.window_show_message(types.ShowMessageParams(kind, message))
            self.log(message, kind)

    def is_markdown(self, uri: str) -> bool:
        doc = self.workspace.get_text_document(uri)
        if doc.language_id:
            return doc.language_id in ("markdown", "md", "mdx")
        return uri.lower().endswith(MARKDOWN_SUFFIXES)

    def lint_now(self, uri: str, text: str, version: int | None) -> Linted:
        """Lint one version of an open document (runs in the worker thread)."""
        path = to_fs_path(uri) or uri
        folder = (
            Path(path).parent
            if uri.startswith("file:")
            else Path(self.workspace.root_path or Path.cwd())
        )
        shift = 1 if text.startswith("\ufeff") else 0
        body = text[shift:]
        source = SourceText(
            path=path,
            text=body,
            had_bom=bool(shift),
            newline="\r\n" if "\r\n" in body[:10000] else "\n",
        )
        positions = PositionMap(text, self.encoding, shift)
        try:
            project = self.projects.for_folder(folder)
        except TermlintError as exc:
            where = f" ({exc.path})" if exc.path and str(exc.path) not in str(exc) else ""
            message = (
                f"termlint: configuration error{where}: {exc}. No diagnostics until it is fixed."
            )
            return Linted(
                version,
                text,
                FileResult(path, source=source),
                positions,
                None,
                [(types.MessageType.Error, message, True)],
            )
        if uri.startswith("file:") and _excluded(Path(path), project.config):
            return Linted(version, text, FileResult(path, source=source), positions, project)
        from ..pipeline import lint_source

        result = lint_source(source, project, group="use")  # see the module docstring
        notes = []
        if not self.spacy_reported and "spacy" in sys.modules:
            self.spacy_reported = True
            notes.append(
                (
                    types.MessageType.Info,
                    f"termlint: spaCy loaded, for "
                    f"{Path(path).name} (the first document with a glossary term)",
                    False,
                )
            )
        return Linted(version, text, result, positions, project, notes)

    def to_range(self, linted: Linted, start: int, end: int) -> types.Range:
        a, b = linted.positions.position(start), linted.positions.position(end)
        return types.Range(types.Position(*a), types.Position(*b))

    def lsp_diagnostics(self, linted: Linted) -> list[types.Diagnostic]:
        result = linted.result
        out = []
        if result.error is not None:
            e = result.error
            line = (e.line or 1) - 1
            out.append(
                types.Diagnostic(
                    range=types.Range(types.Position(line, 0), types.Position(line + 1, 0)),
                    message=e.message,
                    severity=types.DiagnosticSeverity.Error,
                    source="termlint",
                    code="input-error",
                )
            )
            return out
        docs = linted.project.config.docs_url if linted.project else ""
        for d in result.diagnostics:
            diag = types.Diagnostic(
                range=self.to_range(linted, d.start, d.end),
                message=d.message,
                severity=SEVERITY.get(d.severity, types.DiagnosticSeverity.Warning),
                source="termlint",
                code=d.rule,
                data={"rule": d.rule, "term": d.term},
            )
            if docs:
                diag.code_description = types.CodeDescription(f"{docs}/rules/{d.rule}.html")
            if d.rule == "unused-suppression":
                diag.tags = [types.DiagnosticTag.Unnecessary]
            out.append(diag)
        return out

    async def lint(self, uri: str, delay: float = 0.0) -> Linted | None:
        if delay:
            await asyncio.sleep(delay)
        if uri not in self.workspace.text_documents or not self.is_markdown(uri):
            return None
        loop = asyncio.get_running_loop()
        doc = self.workspace.get_text_document(uri)  # text and version read together, here
        try:
            linted = await loop.run_in_executor(
                self.executor, self.lint_now, uri, doc.source, doc.version
            )
        except Exception as exc:  # a bug in termlint: say so, keep serving
            import traceback

            self.log(
                f"termlint: internal error while checking {uri} ({type(exc).__name__}: "
                f"{exc}); please report it\n{traceback.format_exc()}",
                types.MessageType.Error,
            )
            return None
        doc = self.workspace.text_documents.get(uri)
        if linted is None or doc is None:
            return None
        if linted.project is not None:
            self.shown_errors.clear()
        self.send_notes(linted.notes)
        self.linted[uri] = linted
        if doc.version == linted.version:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=uri, version=linted.version, diagnostics=self.lsp_diagnostics(linted)
                )
            )
        return linted

    def schedule(self, uri: str, delay: float) -> None:
        task = self.pending.pop(uri, None)
        if task is not None and not task.done():
            task.cancel()
        self.pending[uri] = asyncio.ensure_future(self.lint(uri, delay))

    def relint_all(self) -> None:
        self.executor.submit(self.projects.clear)  # the worker thread owns the projects
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0.0)

    async def current(self, uri: str) -> Linted | None:
        """The lint of the document as it is now (linting it first if it changed)."""
        doc = self.workspace.text_documents.get(uri)
        if doc is None:
            return None
        linted = self.linted.get(uri)
        if linted is not None and linted.version == doc.version and linted.text == doc.source:
            return linted
        task = self.pending.get(uri)
        if task is not None and not task.done():
            task.cancel()
        self.pending[uri] = asyncio.ensure_future(self.lint(uri))
        try:
            return await asyncio.shield(self.pending[uri])
        except asyncio.CancelledError:
            return self.linted.get(uri)


server = TermlintServer()


def is_project_file(path: str) -> bool:
    name = Path(path).name
    return name in CONFIG_NAMES or name.endswith((".yaml", ".yml"))


@server.feature(types.INITIALIZE)
def initialize(ls: TermlintServer, params: types.InitializeParams) -> None:
    options = params.initialization_options or {}
    if isinstance(options, dict) and isinstance(options.get("debounce"), (int, float)):
        ls.debounce = max(0.0, float(options["debounce"]))


@server.feature(types.INITIALIZED)
async def initialized(ls: TermlintServer, params: types.InitializedParams) -> None:
    # Read the workspace's configuration, glossary and rules while the editor opens its first
    # document (never spaCy: a document without a term must not load it).
    root = Path(ls.workspace.root_path or Path.cwd())
    ls.executor.submit(_warm, ls, root)
    caps = ls.client_capabilities.workspace
    watch = caps and caps.did_change_watched_files
    if watch and watch.dynamic_registration:
        watchers = [types.FileSystemWatcher(glob_pattern=g) for g in WATCHED]
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(
                    [
                        types.Registration(
                            "termlint-project-files",
                            types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            types.DidChangeWatchedFilesRegistrationOptions(watchers),
                        )
                    ]
                )
            )
        except Exception as exc:  # a client that refuses: saves and mtimes still reload
            ls.log(f"termlint: could not watch project files ({exc})", types.MessageType.Warning)


def _warm(ls: TermlintServer, root: Path) -> None:
    with contextlib.suppress(Exception):  # an error is shown when a document needs the project
        ls.projects.for_folder(root)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: TermlintServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0.0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: TermlintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, ls.debounce)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: TermlintServer, params: types.DidSaveTextDocumentParams) -> None:
    path = to_fs_path(params.text_document.uri) or ""
    if is_project_file(path):
        ls.relint_all()


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: TermlintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    task = ls.pending.pop(uri, None)
    if task is not None:
        task.cancel()
    ls.linted.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: TermlintServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(is_project_file(to_fs_path(c.uri) or "") for c in params.changes):
        ls.log("termlint: project files changed; reading the configuration again")
        ls.relint_all()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(
    ls: TermlintServer, params: types.DidChangeConfigurationParams
) -> None:
    ls.relint_all()


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: TermlintServer, params: types.HoverParams) -> types.Hover | None:
    linted = await ls.current(params.text_document.uri)
    if linted is None or linted.project is None:
        return None
    offset = linted.positions.offset(params.position.line, params.position.character)
    occ = occurrence_at(linted.result, offset)
    if occ is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(
            types.MarkupKind.Markdown, hover_markdown(occ, linted.project)
        ),
        range=ls.to_range(linted, occ.start, occ.end),
    )


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
async def code_action(
    ls: TermlintServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    linted = await ls.current(uri)
    if linted is None or linted.project is None:
        return None
    only = params.context.only
    if only and not any(
        str(k).startswith("quickfix") or k == types.CodeActionKind.QuickFix for k in only
    ):
        return None
    start = linted.positions.offset(params.range.start.line, params.range.start.character)
    end = linted.positions.offset(params.range.end.line, params.range.end.character)
    caps = ls.client_capabilities.workspace
    versioned = bool(caps and caps.workspace_edit and caps.workspace_edit.document_changes)
    by_range = {
        (
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
            str(d.code),
        ): d
        for d in params.context.diagnostics
    }
    out = []
    for action in code_actions(linted.result, linted.project, start, end):
        edit = types.TextEdit(
            ls.to_range(linted, action.edit.start, action.edit.end), action.edit.text
        )
        if versioned:
            workspace_edit = types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        types.OptionalVersionedTextDocumentIdentifier(uri, linted.version), [edit]
                    )
                ]
            )
        else:
            workspace_edit = types.WorkspaceEdit(changes={uri: [edit]})
        r = ls.to_range(linted, action.diagnostic.start, action.diagnostic.end)
        key = (r.start.line, r.start.character, r.end.line, r.end.character, action.diagnostic.rule)
        diagnostics = [by_range[key]] if key in by_range else None
        out.append(
            types.CodeAction(
                title=action.title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=diagnostics,
                edit=workspace_edit,
                is_preferred=action.preferred or None,
            )
        )
    return out


def main() -> None:
    """Serve over standard input and output until the client says exit."""
    server.start_io()
