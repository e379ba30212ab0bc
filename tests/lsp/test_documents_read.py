"""The server reads only the documents the editor opened and report files inside the workspace
folders: a request naming another URI (a FIFO, ``/dev/zero``, a file outside) reads nothing, and
the workspace pull skips links that lead out of the folder and files over the size limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import open_document

REPORT = "---\npack: brief\n---\n# Secret\n\n## Overview\n\nLorem ipsum from outside the workspace.\n"


def document(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri)


@pytest.mark.timeout(60)
async def test_requests_naming_documents_that_are_not_open_read_nothing(
    client: LanguageClient, workspace: Path, tmp_path: Path
) -> None:
    pipe = workspace / "pipe.md"
    os.mkfifo(pipe)  # reading it would wait forever for a writer
    outside = tmp_path / "outside.md"
    outside.write_text(REPORT, encoding="utf-8")
    start = types.Position(0, 0)
    for uri in (pipe.as_uri(), "file:///dev/zero", outside.as_uri(), (workspace / "failing.md").as_uri()):
        assert await client.text_document_hover_async(types.HoverParams(document(uri), types.Position(5, 3))) is None
        assert await client.text_document_code_lens_async(types.CodeLensParams(document(uri))) is None
        assert await client.text_document_document_symbol_async(types.DocumentSymbolParams(document(uri))) is None
        assert await client.text_document_completion_async(types.CompletionParams(document(uri), start)) is None
        actions = types.CodeActionParams(document(uri), types.Range(start, start), types.CodeActionContext([]))
        assert await client.text_document_code_action_async(actions) is None

    # The server still answers for what is open.
    uri = open_document(client, workspace / "failing.md")
    hover = await client.text_document_hover_async(types.HoverParams(document(uri), types.Position(6, 5)))
    assert hover is not None


@pytest.mark.timeout(60)
async def test_the_workspace_pull_skips_links_out_of_the_folder_fifos_and_files_over_the_limit(
    pull_client: LanguageClient, workspace: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "outside" / "secret.md"
    secret.parent.mkdir()
    secret.write_text(REPORT, encoding="utf-8")
    (workspace / "leak.md").symlink_to(secret)
    os.mkfifo(workspace / "pipe.md")
    (workspace / "big.md").write_text(REPORT + "Lorem ipsum again.\n" * 1_000, encoding="utf-8")  # 19 KB
    pull_client.set_configuration(
        {"debounceMs": 0, "workspaceDiagnostics": True, "maxFileSizeMb": 0.01}, section="aicmo"
    )

    answer = await pull_client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))

    pulled = sorted((Path(item.uri).name, [str(d.code) for d in item.items]) for item in answer.items)
    assert pulled == [
        ("failing.md", ["AIC001", "AIC101", "AIC111", "AIC131", "AIC142", "AIC171"]),
        ("passing.md", []),
        ("report.mdx", ["AIC005"]),
    ]
