"""The server commands the editor's own commands are built on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.lsp.conftest import open_document, recorder


async def run(client: LanguageClient, command: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))
    )


async def test_list_packs_for_a_document_includes_its_workspace_packs(client: LanguageClient, workspace: Path) -> None:
    uri = open_document(client, workspace / "notes.md")
    packs = await run(client, "aicmo.listPacks", {"uri": uri})
    keys = [pack["key"] for pack in packs]
    assert "brief" in keys and "quick_social_basic" in keys
    assert len(keys) == 11
    brief = next(pack for pack in packs if pack["key"] == "brief")
    assert brief == {
        "key": "brief",
        "label": "Client Brief",
        "sections": [
            {"id": "overview", "label": "Overview"},
            {"id": "channels", "label": "Channel Plan"},
            {"id": "next_steps", "label": "Next Steps"},
        ],
    }


async def test_list_rules_and_empty_stats(client: LanguageClient, workspace: Path, decision_log_dir: Path) -> None:
    rules = await run(client, "aicmo.listRules")
    min_words = next(rule for rule in rules if rule["code"] == "AIC101")
    assert min_words["name"] == "min_words"
    assert min_words["summary"] == "A section has fewer words than its benchmark asks for."
    stats = await run(client, "aicmo.stats")
    assert stats == {
        "text": f"No generation recorded yet (decision log: {decision_log_dir / 'decisions.sqlite3'}).",
        "empty": True,
    }


async def test_set_pack_writes_front_matter_and_the_file_becomes_a_report(
    client: LanguageClient, workspace: Path
) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "notes.md")
    assert await rec.diagnostics_for(uri, 1) == []
    outcome = await run(client, "aicmo.setPack", {"uri": uri, "pack": "brief"})
    assert outcome == {"applied": True}
    assert rec.text(uri).startswith("---\npack: brief\n---\n\n# Meeting notes\n")
    assert [str(d.code) for d in await rec.diagnostics_for(uri, 2)] == ["AIC001", "AIC001", "AIC111", "AIC131"]
    # Choosing another pack replaces the line rather than adding a second one.
    await run(client, "aicmo.setPack", {"uri": uri, "pack": "quick_social_basic"})
    assert rec.text(uri).startswith("---\npack: quick_social_basic\n---\n\n# Meeting notes\n")


async def test_new_report_from_a_brief_passes_its_pack(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    brief = {"brand": "Glow Botanicals", "audience": "women aged 25-40 with sensitive skin", "goal": "repeat orders"}
    outcome = await run(
        client, "aicmo.newReport", {"pack": "brief", "brief": brief, "uri": (workspace / "x.md").as_uri()}
    )
    assert outcome["passed"] is True
    text = outcome["text"]
    assert text.startswith("---\npack: brief\nbrand: Glow Botanicals\n")
    # The editor opens it as a new document: the server checks it like any other.
    uri = open_document(client, workspace / "new-report.md", text=text)
    assert await rec.diagnostics_for(uri, 1) == []


async def test_set_pack_refuses_a_key_that_is_no_pack_and_changes_nothing(
    client: LanguageClient, workspace: Path
) -> None:
    rec = recorder(client)
    original = (workspace / "failing.md").read_text(encoding="utf-8")
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    with pytest.raises(JsonRpcException) as raised:
        await run(client, "aicmo.setPack", {"uri": uri, "pack": "x\n---\n# Injected"})
    assert (raised.value.code, raised.value.message) == (
        -32602,
        "invalid argument 'pack': unknown pack 'x\\n---\\n# Injected'",
    )
    assert rec.applied == []
    assert rec.text(uri) == original
    # A pack the document can use is still written.
    assert await run(client, "aicmo.setPack", {"uri": uri, "pack": "quick_social_basic"}) == {"applied": True}
    assert rec.text(uri).startswith("---\npack: quick_social_basic\nbrand: Glow Botanicals\n---\n")
