"""Open, change, close: schedule validations and clear what a closed document showed."""

from __future__ import annotations

from urllib.parse import unquote

from lsprotocol import types

from aicmo_lsp.app import AicmoLanguageServer, DocState
from aicmo_lsp.collect import FrozenBetweenVersions
from aicmo_lsp.text_sync import ReportDocument


def register(server: AicmoLanguageServer) -> None:
    server.listeners.append(FrozenBetweenVersions())  # see aicmo_lsp.collect

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: AicmoLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        # pygls has put the document in; it goes on as one whose edits cost what the edit costs.
        key = unquote(params.text_document.uri)  # pygls keys documents by unquoted URI
        document = ls.workspace.text_documents.get(key)
        if document is not None and not isinstance(document, ReportDocument):
            ls.workspace.text_documents[key] = ReportDocument.adopt(document)
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
