"""Code actions as the writer meets them: listed without any generator call, applied as one edit."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import open_document, recorder

FIXED_OVERVIEW = """\
---
pack: brief
brand: Glow Botanicals
---
# Glow Botanicals brief

## Overview

🚀 for now.

### Goal

## Channel Plan

Instagram and TikTok, three posts a week.

## Next Steps
"""


async def actions_at(
    client: LanguageClient, uri: str, line: int, diagnostics: list[types.Diagnostic], only: list[str] | None = None
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(line, 0), types.Position(line, 0)),
            context=types.CodeActionContext(diagnostics=diagnostics, only=only),  # type: ignore[arg-type]
        )
    )
    return [action for action in result or [] if isinstance(action, types.CodeAction)]


async def test_actions_on_a_failing_section(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "failing.md")
    diagnostics = await rec.diagnostics_for(uri, 1)
    on_overview = [d for d in diagnostics if d.range.start.line == 6]
    actions = await actions_at(client, uri, 6, on_overview)
    assert [(a.title, a.kind) for a in actions] == [
        ("Insert missing sub-heading 'Goal'", types.CodeActionKind.QuickFix),
        ("Regenerate section 'Overview'", types.CodeActionKind.QuickFix),
        ("Expand section 'Overview' to 34 words", types.CodeActionKind.QuickFix),
        ("Fix what fails in section 'Overview'", types.CodeActionKind.QuickFix),
        ("Regenerate section 'Overview' from scratch (discards its text)", types.CodeActionKind.QuickFix),
        ("Fix all aicmo problems that need no model", "source.fixAll.aicmo"),
        ("Regenerate all failing sections", "source.aicmo.regenerateAllFailing"),
    ]
    # Generation actions carry a command and no edit: listing them generated nothing.
    regenerate = actions[1]
    assert regenerate.edit is None
    assert regenerate.command is not None
    assert regenerate.command.command == "aicmo.generateSection"
    assert list(regenerate.command.arguments or []) == [{"uri": uri, "section": "overview", "mode": "regenerate"}]
    assert rec.applied == []
    # The quick fix answers its diagnostic and edits the version it was computed for.
    insert = actions[0]
    assert [d.code for d in insert.diagnostics or []] == ["AIC131"]
    assert insert.edit is not None
    change = (insert.edit.document_changes or [])[0]
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.version == 1
    assert [(e.range, e.new_text) for e in change.edits if isinstance(e, types.TextEdit)] == [
        (types.Range(types.Position(8, 23), types.Position(8, 23)), "\n\n### Goal")
    ]


async def test_fix_all_applies_every_model_free_fix_at_once(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    actions = await actions_at(client, uri, 0, [], only=["source.fixAll.aicmo"])
    assert [a.title for a in actions] == ["Fix all aicmo problems that need no model"]
    assert actions[0].edit is not None
    # The editor applies it (one edit, one undo step) and the server re-checks the new text.
    assert rec.apply_workspace_edit(types.ApplyWorkspaceEditParams(edit=actions[0].edit)).applied
    assert rec.text(uri) == FIXED_OVERVIEW
    remaining = [d.code for d in await rec.diagnostics_for(uri, 2)]
    # What needs writing is left to the writer (or a generator): no model-free fix invents content.
    assert remaining == ["AIC101", "AIC111", "AIC171", "AIC005"]


async def test_remove_forbidden_phrase(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "failing.md")
    diagnostics = await rec.diagnostics_for(uri, 1)
    forbidden = [d for d in diagnostics if d.code == "AIC142"]
    actions = await actions_at(client, uri, 8, forbidden, only=[types.CodeActionKind.QuickFix])
    remove = next(a for a in actions if a.title.startswith("Remove forbidden phrase"))
    assert remove.title == "Remove forbidden phrase 'Lorem ipsum'"
    assert remove.edit is not None
    assert rec.apply_workspace_edit(types.ApplyWorkspaceEditParams(edit=remove.edit)).applied
    assert rec.text(uri).splitlines()[8] == "🚀 for now."
    assert "AIC142" not in [d.code for d in await rec.diagnostics_for(uri, 2)]


async def test_passing_report_offers_no_generation(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "passing.md")
    await rec.diagnostics_for(uri, 1)
    assert await actions_at(client, uri, 3, []) == []
