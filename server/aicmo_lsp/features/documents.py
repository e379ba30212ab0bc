"""Open, change, close: schedule validations and clear what a closed document showed."""

from __future__ import annotations

from lsprotocol import types

from aicmo_lsp.app import AicmoLanguageServer, DocState


def register(server: AicmoLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: AicmoLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.docs[params.text_document.uri] = DocState(params.text_document.uri)
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: AicmoLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: AicmoLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        state = ls.docs.pop(uri, None)
        if state is not None and state.pending is not None:
            state.pending.cancel()
        if not ls.pull_diagnostics:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for listener in ls.listeners:
            listener(uri, None)
