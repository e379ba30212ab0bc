from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient


async def open_doc(client: LanguageClient, path: Path, language: str = "markdown") -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id=language, version=1, text=path.read_text(encoding="utf-8"))
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


async def test_failing_report(client: LanguageClient, workspace: Path) -> None:
    uri = await open_doc(client, workspace / "failing.md")
    for d in client.diagnostics[uri]:
        print(d.range, d.code, d.message)
    assert client.diagnostics[uri]
