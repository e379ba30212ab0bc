"""Generating sections from the editor, end to end: the real server over stdio, the real template
generator, and the real ``openai`` SDK talking HTTP to a scripted server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient
from support.fake_openai import FakeOpenAI, Reply

from tests.lsp.conftest import TIMEOUT, change, open_document, recorder

SECRET = "sk-test-SECRET-123"
GOOD_OVERVIEW = """\
Glow Botanicals sells gentle skincare to women aged 25-40 with sensitive skin.

- Audience: women with sensitive skin
- Promise: routines in three steps

### Goal

Grow repeat orders by a fifth this quarter."""
OVERVIEW_CODES = {"AIC101", "AIC111", "AIC131", "AIC142"}


def openai_settings(fake: FakeOpenAI) -> dict[str, Any]:
    return {
        "debounceMs": 0,
        "generator": {"chain": ["openai"], "baseUrl": fake.base_url, "timeoutSeconds": 10, "maxRetries": 0},
    }


def use_openai(client: LanguageClient, fake: FakeOpenAI) -> None:
    client.set_configuration(openai_settings(fake), section="aicmo")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"aicmo": None}))
    client.protocol.notify("aicmo/setSecrets", {"openaiApiKey": SECRET})


async def generate(client: LanguageClient, uri: str, mode: str = "regenerate", **extra: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="aicmo.generateSection", arguments=[{"uri": uri, "section": "overview", "mode": mode, **extra}]
        )
    )


def progress_kinds(client: LanguageClient) -> list[str]:
    kinds = []
    for params in recorder(client).of(types.PROGRESS):
        value = params.value if hasattr(params, "value") else params["value"]
        kinds.append(value["kind"] if isinstance(value, dict) else value.kind)
    return kinds


def overview_lines(text: str) -> str:
    return text.split("## Overview\n")[1].split("\n## ", maxsplit=1)[0]


async def test_regenerate_replaces_the_section_and_its_squiggles_go(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "failing.md")
    before = await rec.diagnostics_for(uri, 1)
    assert {str(d.code) for d in before} >= OVERVIEW_CODES
    outcome = await generate(client, uri)
    assert outcome["applied"] is True
    assert outcome["sections"][0]["quality"] == "passed_first_attempt"
    # One edit, one undo step, made for the version the editor had.
    assert len(rec.applied) == 1
    change_ = (rec.applied[0].edit.document_changes or [])[0]
    assert isinstance(change_, types.TextDocumentEdit)
    assert change_.text_document.version == 1
    text = rec.text(uri)
    assert text.startswith("---\npack: brief\nbrand: Glow Botanicals\n---\n# Glow Botanicals brief\n\n## Overview\n\n")
    assert "## Channel Plan\n\nInstagram and TikTok, three posts a week.\n" in text
    after = await rec.diagnostics_for(uri, 2)
    assert not OVERVIEW_CODES & {str(d.code) for d in after if d.range.start.line < text.index("## Channel")}
    assert [str(d.code) for d in after] == ["AIC001", "AIC171"]
    assert progress_kinds(client) == ["begin", "report", "end"]


async def test_expand_keeps_what_the_writer_wrote(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    draft = "---\npack: brief\n---\n## Overview\n\nGlow Botanicals sells clean skincare to women.\n"
    uri = open_document(client, workspace / "draft.md", text=draft)
    await rec.diagnostics_for(uri, 1)
    outcome = await generate(client, uri, "expand", targetWords=40)
    assert outcome["applied"] is True, outcome
    text = rec.text(uri)
    assert text.startswith("---\npack: brief\n---\n## Overview\n\nGlow Botanicals sells clean skincare to women.")
    assert "AIC101" not in [str(d.code) for d in await rec.diagnostics_for(uri, 2)]


async def test_listing_actions_and_lenses_calls_no_model(
    client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI
) -> None:
    use_openai(client, fake_openai)
    rec = recorder(client)
    uri = open_document(client, workspace / "failing.md")
    diagnostics = await rec.diagnostics_for(uri, 1)
    doc = types.TextDocumentIdentifier(uri)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(doc, diagnostics[1].range, types.CodeActionContext(diagnostics=diagnostics[1:2]))
    )
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(doc))
    assert actions and lenses
    await asyncio.sleep(0.2)
    assert fake_openai.requests == []


async def test_openai_answer_is_applied_and_the_key_never_leaks(
    client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI, decision_log_dir: Path
) -> None:
    use_openai(client, fake_openai)
    rec = recorder(client)
    fake_openai.reply(
        Reply.error(401, f"Incorrect API key provided: {SECRET}"),  # the server echoes the key back
    )
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    refused = await generate(client, uri)
    assert refused["applied"] is False
    [section] = refused["sections"]
    assert (section["status"], section["line"], section["generator"], section["quality"]) == (
        "unchanged",
        6,
        None,
        "no_change",
    )
    assert rec.text(uri) == (workspace / "failing.md").read_text(encoding="utf-8")
    fake_openai.reply(Reply.completion(f"Sure! Here is the section:\n\n```markdown\n{GOOD_OVERVIEW}\n```"))
    outcome = await generate(client, uri)
    assert outcome["applied"] is True, outcome
    assert overview_lines(rec.text(uri)) == "\n" + GOOD_OVERVIEW + "\n"
    assert fake_openai.requests[-1].headers["authorization"] == f"Bearer {SECRET}"
    # The writer was told why the first try changed nothing, without the key.
    messages = [p.message for p in rec.of(types.WINDOW_SHOW_MESSAGE)]
    assert any("rejected the API key" in m for m in messages), messages
    assert not any(SECRET in m for m in messages)
    # The decision log has both runs, and not the key nor a word of the report.
    database = decision_log_dir / "decisions.sqlite3"
    with sqlite3.connect(database) as db:
        reasons = [row[0] for row in db.execute("SELECT reason_code FROM decisions WHERE decision_type = 'outcome'")]
    assert reasons == ["no_change", "applied"]
    stored = b"".join(path.read_bytes() for path in decision_log_dir.iterdir())
    assert SECRET.encode() not in stored
    assert b"Glow" not in stored


async def test_cancelling_applies_nothing(
    client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI, decision_log_dir: Path
) -> None:
    use_openai(client, fake_openai)
    rec = recorder(client)
    fake_openai.reply(Reply.completion(GOOD_OVERVIEW, delay_s=5))
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    running = asyncio.ensure_future(generate(client, uri))
    begin = await rec.until(lambda: next(iter(rec.of(types.PROGRESS)), None))
    token = begin.token if hasattr(begin, "token") else begin["token"]
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    outcome = await asyncio.wait_for(running, TIMEOUT)
    assert outcome == {"applied": False, "reason": "cancelled"}
    assert rec.applied == []
    assert rec.text(uri) == (workspace / "failing.md").read_text(encoding="utf-8")
    assert progress_kinds(client)[-1] == "end"
    with sqlite3.connect(decision_log_dir / "decisions.sqlite3") as db:
        rows = db.execute("SELECT section_id, decision_type, reason_code FROM decisions").fetchall()
    assert rows == [("overview", "outcome", "cancelled")]


async def test_typing_while_generating_keeps_the_typing(
    client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI
) -> None:
    use_openai(client, fake_openai)
    rec = recorder(client)
    fake_openai.reply(Reply.completion(GOOD_OVERVIEW, delay_s=1))
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    running = asyncio.ensure_future(generate(client, uri))
    await rec.until(lambda: fake_openai.requests)
    # The writer adds a line above the section and types in the next one while the model works.
    change(client, uri, 2, [((5, 0, 5, 0), "Drafted by Ana.\n"), ((13, 41, 13, 41), " Reels first.")])
    outcome = await asyncio.wait_for(running, TIMEOUT)
    assert outcome["applied"] is True, outcome
    text = rec.text(uri)
    assert "Drafted by Ana.\n\n## Overview\n\n" + GOOD_OVERVIEW + "\n\n## Channel Plan" in text
    assert "Instagram and TikTok, three posts a week. Reels first." in text
    change_ = (rec.applied[0].edit.document_changes or [])[0]
    assert isinstance(change_, types.TextDocumentEdit)
    assert change_.text_document.version == 2


async def test_edit_refused_by_the_editor_is_retried_on_the_newest_text(
    client: LanguageClient, workspace: Path
) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    # A keystroke lands just before the edit does: the editor refuses the edit for version 1.
    rec.before_apply = lambda: change(client, uri, 2, [((12, 0, 12, 0), "Paid social too. ")])
    outcome = await generate(client, uri)
    assert outcome["applied"] is True
    assert "Paid social too. Instagram and TikTok" in rec.text(uri)
    assert "Lorem ipsum" not in rec.text(uri)


async def test_section_deleted_while_generating_applies_nothing(
    client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI
) -> None:
    use_openai(client, fake_openai)
    rec = recorder(client)
    fake_openai.reply(Reply.completion(GOOD_OVERVIEW, delay_s=1))
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    running = asyncio.ensure_future(generate(client, uri))
    await rec.until(lambda: fake_openai.requests)
    change(client, uri, 2, [((6, 0, 10, 0), "")])  # the writer deletes the whole Overview section
    outcome = await asyncio.wait_for(running, TIMEOUT)
    assert outcome["applied"] is False
    assert [(s["status"], s["line"], s["generator"]) for s in outcome["sections"]] == [("missing", None, "openai")]
    assert rec.applied == []
    messages = [p.message for p in rec.of(types.WINDOW_SHOW_MESSAGE)]
    assert "Section 'Overview' is no longer in the document; nothing was applied." in messages


@pytest.mark.server_log
async def test_debug_log_never_holds_the_key(
    debug_client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    client = debug_client
    use_openai(client, fake_openai)
    rec = recorder(client)
    fake_openai.reply(Reply.error(500, f"upstream said {SECRET}"), Reply.completion(GOOD_OVERVIEW))
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    await generate(client, uri)
    await generate(client, uri)
    log = (tmp_path / "server.log").read_text(encoding="utf-8")
    assert "POST http://127.0.0.1" in log  # the log really holds the HTTP traffic at DEBUG
    assert SECRET not in log


def use_model_then_template(client: LanguageClient, base_url: str) -> None:
    chain = {"chain": ["openai", "template"], "model": "gpt-test", "baseUrl": base_url, "maxRetries": 0}
    client.set_configuration({"debounceMs": 0, "generator": {**chain, "timeoutSeconds": 10}}, section="aicmo")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"aicmo": None}))
    client.protocol.notify("aicmo/setSecrets", {"openaiApiKey": SECRET})


def warnings(client: LanguageClient) -> list[str]:
    shown = recorder(client).of(types.WINDOW_SHOW_MESSAGE)
    return [p.message for p in shown if p.type == types.MessageType.Warning]


async def test_the_writer_is_warned_when_the_template_wrote_what_the_model_could_not(
    client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI, decision_log_dir: Path
) -> None:
    use_model_then_template(client, fake_openai.base_url)
    rec = recorder(client)
    fake_openai.respond_with(lambda request: Reply.completion("Glow is great."))  # fails the benchmark
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    outcome = await generate(client, uri)
    assert outcome["applied"] is True, outcome
    assert outcome["sections"][0]["quality"] == "fallback_used"
    assert len(fake_openai.requests) == 2
    [warning] = await rec.until(lambda: warnings(client))
    assert warning.startswith(
        "'Overview' was written by the template generator: the model's answers failed the benchmark twice ("
    )
    assert "3 words, needs 8-60" in warning
    assert SECRET not in warning
    with sqlite3.connect(decision_log_dir / "decisions.sqlite3") as db:
        models = db.execute("SELECT DISTINCT generator, model FROM decisions WHERE decision_type = 'attempt'")
        assert sorted(models.fetchall(), key=str) == [("openai", "gpt-test"), ("template", None)]


async def test_the_writer_is_warned_when_the_model_could_not_be_reached(
    client: LanguageClient, workspace: Path
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    use_model_then_template(client, f"http://127.0.0.1:{port}/v1")
    rec = recorder(client)
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    outcome = await generate(client, uri)
    assert outcome["applied"] is True, outcome
    assert await rec.until(lambda: warnings(client)) == [
        "'Overview' was written by the template generator: the model could not be reached "
        f"(could not connect to 127.0.0.1:{port}, with retries off)"
    ]
