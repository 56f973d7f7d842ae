"""The pygls wiring: which LSP messages the server answers, and publishing diagnostics.

Every handler goes through `guarded`: an exception in one request is logged to the client and
answered with an empty result, so no input and no bug in one feature can stop the server. Lint
(CP-SAT, a few hundred milliseconds) runs in a worker thread after a pause in typing, so that
diagnostics for an edit never wait for it.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from . import actions, diagnostics, navigation
from . import completion as complete
from .workspace import Analysis, Workspace, key_of

LINT_DELAY = 0.4  # seconds without an edit before a red-line file is linted
T = TypeVar("T")
log = logging.getLogger("peacecheck.lsp")


class _Dropped:
    """What a request that could not be read becomes once it has been answered: handle_message ignores it."""

    jsonrpc = "dropped"


class Protocol(LanguageServerProtocol):
    """pygls' protocol, except that positions are always UTF-16, and a request with unreadable params is
    answered with an error (pygls only logs it, and the editor would wait for an answer forever)."""

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams):
        # Positions are counted in UTF-16 (positions.py), the encoding every client must support: a
        # client's wish for another one is set aside before pygls chooses.
        if params.capabilities.general is not None:
            params.capabilities.general.position_encodings = None
        return (yield from super().lsp_initialize(params))

    def structure_message(self, data: dict[str, Any]):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and "method" in data:
                self._send_response(data["id"], None, exc.to_response_error())
                return _Dropped()
            raise


class PeacecheckServer(LanguageServer):
    def __init__(self) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            own = version("peacecheck")
        except PackageNotFoundError:
            own = "0"
        super().__init__("peacecheck", own, protocol_cls=Protocol)
        self.ws = Workspace()
        self.lint_timers: dict[str, asyncio.TimerHandle] = {}
        self.lint_results: dict[str, tuple[str, list[Any]]] = {}  # key -> (the text linted, its warnings)


def guarded(default: Callable[[], T]):
    """Run a handler; on any exception log it to the client and answer `default()` instead."""
    def wrap(handler: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(handler)
        def run(server: PeacecheckServer, params: Any) -> T:
            try:
                return handler(server, params)
            except Exception as exc:  # noqa: BLE001  (one failing request must not take the server down)
                message = f"peacecheck: {handler.__name__} failed: {type(exc).__name__}: {exc}"
                log.error("%s\n%s", message, traceback.format_exc())
                try:
                    server.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=message))
                except Exception:  # noqa: BLE001, S110  (the client went away: nothing more to say)
                    pass
                return default()
        return run
    return wrap


# ------------------------------------------------------------------ documents
def refresh(server: PeacecheckServer, uri: str) -> None:
    """Re-analyse a changed document, then every open document that reads it (a proposal reads its red lines)."""
    ws = server.ws
    key = ws.update(uri, server.workspace.get_text_document(uri).source)
    analysis = ws.analyse(key)
    publish(server, analysis)
    others = ws.dependants(key)
    for other in others:
        publish(server, ws.analyse(other))
    if analysis.kind in ("redlines", "vocabulary"):
        schedule_lint(server, key)
    if others:  # the client asks for this document's hints itself; the others changed behind its back
        ask_client_to_refresh(server)


def refresh_all(server: PeacecheckServer) -> None:
    for key in list(server.ws.buffers):
        publish(server, server.ws.analyse(key))
    ask_client_to_refresh(server)


def publish(server: PeacecheckServer, analysis: Analysis) -> None:
    linted, warnings = server.lint_results.get(analysis.key, (None, []))
    if linted == analysis.text:
        analysis.warnings = warnings
    found = diagnostics.diagnostics(server.ws, analysis)
    server.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=server.ws.uri_for(analysis.key),
                                                                          diagnostics=found))


def ask_client_to_refresh(server: PeacecheckServer) -> None:
    """Verdict hints and lenses changed: ask the client to fetch them again, if it can be asked."""
    workspace = server.client_capabilities.workspace
    if workspace is None:
        return
    if workspace.inlay_hint is not None and workspace.inlay_hint.refresh_support:
        server.workspace_inlay_hint_refresh(None)
    if workspace.code_lens is not None and workspace.code_lens.refresh_support:
        server.workspace_code_lens_refresh(None)


def schedule_lint(server: PeacecheckServer, key: str) -> None:
    """Lint a red-line or vocabulary file once typing pauses; publish again if the text is still the one linted."""
    if key in server.lint_timers:
        server.lint_timers[key].cancel()
    loop = asyncio.get_running_loop()
    server.lint_timers[key] = loop.call_later(LINT_DELAY, lambda: loop.create_task(_lint_later(server, key)))


async def _lint_later(server: PeacecheckServer, key: str) -> None:
    analysis = server.ws.analyses.get(key)
    try:
        job = server.ws.lint_job(key)
        if analysis is None or job is None:
            return
        warnings = await asyncio.get_running_loop().run_in_executor(None, job)
    except Exception as exc:  # noqa: BLE001  (lint is an extra: a failure leaves the diagnostics as they are)
        log.error("lint of %s failed: %s", key, exc)
        return
    server.lint_results[key] = (analysis.text, warnings)
    current = server.ws.analyses.get(key)
    if current is not None and current.text == analysis.text:
        publish(server, current)


def analysis_for(server: PeacecheckServer, uri: str) -> Analysis | None:
    """The document's latest analysis (made now if the document is open but not yet analysed)."""
    key = key_of(uri)
    if key not in server.ws.buffers:
        return None
    return server.ws.analyses.get(key) or server.ws.analyse(key)


# ------------------------------------------------------------------ the server
def build_server() -> PeacecheckServer:
    server = PeacecheckServer()
    none: Callable[[], Any] = lambda: None
    empty: Callable[[], list] = list

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @guarded(none)
    def did_open(ls: PeacecheckServer, params: lsp.DidOpenTextDocumentParams) -> None:
        refresh(ls, params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @guarded(none)
    def did_change(ls: PeacecheckServer, params: lsp.DidChangeTextDocumentParams) -> None:
        refresh(ls, params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    @guarded(none)
    def did_save(ls: PeacecheckServer, params: lsp.DidSaveTextDocumentParams) -> None:
        refresh(ls, params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @guarded(none)
    def did_close(ls: PeacecheckServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.ws.close(params.text_document.uri)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))
        refresh_all(ls)  # a closed red-line buffer: the proposals read the file on disk again

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded(none)
    def did_change_files(ls: PeacecheckServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        refresh_all(ls)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @guarded(none)
    def hover(ls: PeacecheckServer, params: lsp.HoverParams) -> lsp.Hover | None:
        analysis = analysis_for(ls, params.text_document.uri)
        return navigation.hover(ls.ws, analysis, params.position.line, params.position.character) if analysis else None

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[".", " ", "[", ","]))
    @guarded(empty)
    def completion(ls: PeacecheckServer, params: lsp.CompletionParams) -> list[lsp.CompletionItem]:
        analysis = analysis_for(ls, params.text_document.uri)
        return complete.completion(ls.ws, analysis, params.position.line, params.position.character) if analysis else []

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    @guarded(empty)
    def definition(ls: PeacecheckServer, params: lsp.DefinitionParams) -> list[lsp.Location]:
        analysis = analysis_for(ls, params.text_document.uri)
        return navigation.definition(ls.ws, analysis, params.position.line, params.position.character) if analysis else []

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    @guarded(empty)
    def references(ls: PeacecheckServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
        analysis = analysis_for(ls, params.text_document.uri)
        if analysis is None:
            return []
        return navigation.references(ls.ws, analysis, params.position.line, params.position.character,
                                   params.context.include_declaration)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(
        code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.Source]))
    @guarded(empty)
    def code_action(ls: PeacecheckServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        analysis = analysis_for(ls, params.text_document.uri)
        if analysis is None:
            return []
        return actions.code_actions(ls.ws, analysis, params.text_document.uri, list(params.context.diagnostics))

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    @guarded(empty)
    def formatting(ls: PeacecheckServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit]:
        analysis = analysis_for(ls, params.text_document.uri)
        return actions.format_edits(analysis) if analysis else []

    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
    @guarded(empty)
    def inlay_hint(ls: PeacecheckServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
        analysis = analysis_for(ls, params.text_document.uri)
        return diagnostics.inlay_hints(analysis, params.range) if analysis else []

    @server.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))
    @guarded(empty)
    def code_lens(ls: PeacecheckServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens]:
        analysis = analysis_for(ls, params.text_document.uri)
        return diagnostics.code_lenses(analysis) if analysis else []

    return server
