"""Hostile documents in the editor: front matter that is never closed, and a report of thousands of
findings (the diagnostics a document gets are capped, the errors kept)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from aicmo_core.findings import Severity
from aicmo_core.workspace import Workspace
from tests.lsp.conftest import open_document, recorder, summary

UNCLOSED = "---\npack: brief\nbrand: Glow Botanicals\n\n# Glow Botanicals brief\n\n## Overview\n\nLorem ipsum.\n"


@pytest.mark.timeout(60)
async def test_front_matter_that_is_never_closed_is_a_diagnostic_with_a_fix(
    client: LanguageClient, workspace: Path
) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "unclosed.md", UNCLOSED)

    diagnostics = await rec.diagnostics_for(uri, 1)

    assert summary(diagnostics) == [
        (
            "0:0-0:3",
            "AIC010",
            "the front matter is never closed: add a '---' line after line 3; until then its pack and settings "
            "are not read",
        )
    ]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )
    [close] = [a for a in actions or [] if isinstance(a, types.CodeAction) and a.title.startswith("Close")]
    assert close.title == "Close the front matter after line 3"
    assert close.kind == types.CodeActionKind.QuickFix
    assert close.edit is not None
    rec.apply_workspace_edit(types.ApplyWorkspaceEditParams(close.edit))

    assert rec.text(uri).startswith("---\npack: brief\nbrand: Glow Botanicals\n---\n\n# Glow")
    after = await rec.diagnostics_for(uri, 2)
    assert "AIC010" not in {d.code for d in after}
    assert "AIC142" in {d.code for d in after}  # the pack's rules run now: 'lorem ipsum' is forbidden


@pytest.mark.timeout(120)
async def test_a_document_gets_at_most_a_thousand_diagnostics_errors_first(
    client: LanguageClient, workspace: Path
) -> None:
    rec = recorder(client)
    text = (workspace / "failing.md").read_text(encoding="utf-8")
    text += "".join(f"## Topic {n}\n\nWeek {n} plan.\n\n" for n in range(1_500))  # 1,500 unknown headings
    uri = open_document(client, workspace / "many.md", text)

    diagnostics = await rec.diagnostics_for(uri, 1)
    status = await rec.status_for(uri, 1)

    errors = [d for d in diagnostics if d.severity == types.DiagnosticSeverity.Error]
    assert len(diagnostics) == 1_000
    assert len(errors) == status["errors"] > 0  # every error is there
    # The rest are the first information findings in document order, as the engine finds them.
    every, _ = Workspace().check_text(text, workspace / "many.md")
    kept = 1_000 - sum(1 for f in every.findings if f.severity is not Severity.INFO)
    first_infos = [f.span.start.line for f in every.findings if f.severity is Severity.INFO][:kept]
    infos = [d.range.start.line for d in diagnostics if d.severity == types.DiagnosticSeverity.Information]
    assert len(every.findings) > 1_500 and infos == first_infos
    lines = [d.range.start.line for d in diagnostics]
    assert lines == sorted(lines)  # in document order
