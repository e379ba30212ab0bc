"""Generated text never lands on what the writer typed meanwhile, end to end: the real server over
stdio and the real ``openai`` SDK talking to a scripted server on 127.0.0.1 that holds its answer
until the test has typed (no timing: the model answers when the test releases it)."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient
from support.fake_openai import FakeOpenAI, RecordedRequest, Reply

from tests.lsp.conftest import SERVER, TIMEOUT, change, open_document, push_capabilities, recorder, start
from tests.lsp.test_generation import GOOD_OVERVIEW, SECRET, generate, use_openai, warnings
from tests.lsp.test_regenerate_all import (
    FAILING,
    SECTION_ID_RE,
    open_report,
    regenerate_all,
    template_bodies,
    with_bodies,
)

TYPED = " Ana will add the audience."
CONFLICT_WARNING = (
    "'Overview' changed while aicmo was writing it; nothing was applied there. Run the command again to replace it."
)


def held_answers(fake: FakeOpenAI, answer: Callable[[RecordedRequest], str]) -> threading.Event:
    """Have the scripted model answer each request with ``answer(request)`` once the returned event
    is set (the test types meanwhile)."""
    released = threading.Event()

    def respond(request: RecordedRequest) -> Reply:
        released.wait(TIMEOUT)
        return Reply.completion(answer(request))

    fake.respond_with(respond)
    return released


def host_of(fake: FakeOpenAI) -> str:
    return fake.base_url.removeprefix("http://").removesuffix("/v1")


async def generate_while_typing(
    client: LanguageClient, workspace: Path, fake: FakeOpenAI, edits: list[tuple[tuple[int, int, int, int], str]]
) -> tuple[str, Any]:
    """Regenerate 'Overview' of failing.md with the model, the writer making ``edits`` (version 2)
    while the model works; the document's URI and the command's answer."""
    use_openai(client, fake)
    rec = recorder(client)
    released = held_answers(fake, lambda request: GOOD_OVERVIEW)
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    running = asyncio.ensure_future(generate(client, uri))
    await rec.until(lambda: fake.requests)
    change(client, uri, 2, edits)
    await rec.diagnostics_for(uri, 2)  # the server has the writer's typing
    released.set()
    return uri, await asyncio.wait_for(running, TIMEOUT)


def overview_conflict(fake: FakeOpenAI) -> dict[str, Any]:
    return {
        "applied": False,
        "endpoint": host_of(fake),
        "sections": [
            {
                "section": "overview",
                "label": "Overview",
                "line": 6,
                "status": "conflict",
                "generator": "openai",
                "quality": "passed_first_attempt",
                "explanation": "openai wrote a passing section (attempt 1)",
                "text": GOOD_OVERVIEW,
                "current": "Lorem ipsum 🚀 for now." + TYPED,
            }
        ],
    }


async def test_typing_inside_the_section_is_kept_and_reported_as_a_conflict(
    client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI
) -> None:
    rec = recorder(client)
    original = (workspace / "failing.md").read_text(encoding="utf-8")
    # The writer finishes the section's sentence while the model writes the section.
    uri, outcome = await generate_while_typing(client, workspace, fake_openai, [((8, 23, 8, 23), TYPED)])
    assert outcome == overview_conflict(fake_openai)
    assert rec.applied == []
    assert rec.text(uri) == original.replace("Lorem ipsum 🚀 for now.", "Lorem ipsum 🚀 for now." + TYPED)
    assert warnings(client) == [CONFLICT_WARNING]


@pytest_lsp.fixture(config=SERVER)
async def results_client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    """An editor that shows generation results itself (as the VS Code extension does)."""
    options = {"clientFeatures": ["generationResults"]}
    lsp_client.recorder = await start(lsp_client, workspace, push_capabilities(), initialization_options=options)  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_a_client_that_shows_results_gets_the_conflict_without_a_message(
    results_client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI
) -> None:
    client = results_client
    uri, outcome = await generate_while_typing(client, workspace, fake_openai, [((8, 23, 8, 23), TYPED)])
    assert outcome == overview_conflict(fake_openai)
    assert "Lorem ipsum 🚀 for now." + TYPED in recorder(client).text(uri)
    assert recorder(client).of(types.WINDOW_SHOW_MESSAGE) == []


async def test_typing_in_another_section_is_kept_and_the_section_applied(
    client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI
) -> None:
    rec = recorder(client)
    # A line above the section, and a sentence in the next section.
    edits = [((5, 0, 5, 0), "Drafted by Ana.\n"), ((13, 41, 13, 41), " Reels first.")]
    uri, outcome = await generate_while_typing(client, workspace, fake_openai, edits)
    assert outcome == {
        "applied": True,
        "endpoint": host_of(fake_openai),
        "sections": [
            {
                "section": "overview",
                "label": "Overview",
                "line": 7,
                "status": "applied",
                "generator": "openai",
                "quality": "passed_first_attempt",
                "explanation": "openai wrote a passing section (attempt 1)",
            }
        ],
    }
    assert rec.text(uri) == (
        "---\npack: brief\nbrand: Glow Botanicals\n---\n# Glow Botanicals brief\nDrafted by Ana.\n\n"
        f"## Overview\n\n{GOOD_OVERVIEW}\n\n"
        "## Channel Plan\n\nInstagram and TikTok, three posts a week. Reels first.\n"
    )
    [applied] = rec.applied
    [document_change] = applied.edit.document_changes or []
    assert isinstance(document_change, types.TextDocumentEdit)
    assert document_change.text_document.version == 2
    assert applied.edit.change_annotations is None  # a single section: no preview by default
    assert warnings(client) == []


async def test_regenerate_all_applies_the_sections_the_writer_left_alone(
    client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI, decision_log_dir: Path
) -> None:
    rec = recorder(client)
    bodies = template_bodies()
    released = held_answers(fake_openai, lambda request: bodies[SECTION_ID_RE.findall(request.prompt)[0]])
    use_openai(client, fake_openai)
    uri, original = await open_report(client, workspace)
    running = asyncio.ensure_future(regenerate_all(client, uri))
    await rec.until(lambda: fake_openai.requests)
    # The writer adds a sentence to 'Content Buckets' while the model writes the failing sections.
    line = original.split("\n").index("A random mix of bread photos and offers.")
    edited = "A random mix of bread photos and offers. Ana: add the seasonal bucket."
    change(client, uri, 2, [((line, 40, line, 40), " Ana: add the seasonal bucket.")])
    await rec.diagnostics_for(uri, 2)
    released.set()
    outcome = await asyncio.wait_for(running, TIMEOUT)

    assert outcome["applied"] is True, outcome
    assert [(s["section"], s["status"], s["generator"]) for s in outcome["sections"]] == [
        ("overview", "applied", "openai"),
        ("content_buckets", "conflict", "openai"),
        ("hashtag_strategy", "applied", "openai"),
        ("execution_roadmap", "applied", "openai"),
    ]
    conflict = outcome["sections"][1]
    assert (conflict["text"], conflict["current"]) == (bodies["content_buckets"].strip(), edited)
    assert all("text" not in s and "current" not in s for s in outcome["sections"] if s["status"] == "applied")
    # The lines are those of the headings in the document as it is now.
    text = rec.text(uri)
    lines = text.split("\n")
    assert [s["line"] for s in outcome["sections"]] == [lines.index(heading) for heading in FAILING]
    edited_original = original.replace("A random mix of bread photos and offers.", edited)
    assert text == with_bodies(edited_original, {**bodies, "content_buckets": edited})
    # One edit, previewed (the default for "Regenerate all"): one annotation per applied section.
    [applied] = rec.applied
    annotations = applied.edit.change_annotations or {}
    assert {key: (a.label, a.needs_confirmation, a.description) for key, a in annotations.items()} == {
        "overview": ("Regenerate 'Client Overview'", True, "written by the openai generator (gpt-4o-mini)"),
        "hashtag_strategy": ("Regenerate 'Hashtag Strategy'", True, "written by the openai generator (gpt-4o-mini)"),
        "execution_roadmap": ("Regenerate 'Execution Roadmap'", True, "written by the openai generator (gpt-4o-mini)"),
    }
    with sqlite3.connect(decision_log_dir / "decisions.sqlite3") as db:
        rows = db.execute("SELECT section_id, reason_code FROM decisions WHERE decision_type = 'outcome'")
        assert sorted(rows.fetchall()) == [
            ("content_buckets", "document_changed"),
            ("execution_roadmap", "applied"),
            ("hashtag_strategy", "applied"),
            ("overview", "applied"),
        ]


async def test_apply_section_replaces_exactly_the_body(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    original = (workspace / "failing.md").read_text(encoding="utf-8")
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    answer = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="aicmo.applySection",
            arguments=[{"uri": uri, "section": "overview", "text": "New body.\n\n- one\n- two"}],
        )
    )
    assert answer == {"applied": True}
    assert rec.text(uri) == original.replace("Lorem ipsum 🚀 for now.", "New body.\n\n- one\n- two")
    [applied] = rec.applied
    [document_change] = applied.edit.document_changes or []
    assert isinstance(document_change, types.TextDocumentEdit)
    assert document_change.text_document.version == 1
    assert [(e.range, e.new_text) for e in document_change.edits] == [
        (types.Range(types.Position(7, 0), types.Position(8, 23)), "\nNew body.\n\n- one\n- two")
    ]
    # A section of the pack that the document does not have.
    missing = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="aicmo.applySection", arguments=[{"uri": uri, "section": "next_steps", "text": "x"}]
        )
    )
    assert missing == {"applied": False, "reason": "no section"}
    assert len(rec.applied) == 1


async def test_a_document_that_keeps_changing_gets_nothing(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    asked: list[types.ApplyWorkspaceEditParams] = []

    def type_then_refuse(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        asked.append(params)  # the writer types in the next section each time, just before the edit lands
        change(client, uri, rec.texts[uri][0] + 1, [((12, 0, 12, 0), "More. ")])
        return types.ApplyWorkspaceEditResult(applied=False, failure_reason="document version changed")

    rec.apply_workspace_edit = type_then_refuse  # type: ignore[method-assign]
    outcome = await generate(client, uri)
    assert len(asked) == 3
    [section] = outcome["sections"]
    assert (outcome["applied"], section["status"], section["current"]) == (False, "conflict", "Lorem ipsum 🚀 for now.")
    [last_try] = asked[-1].edit.document_changes or []
    assert isinstance(last_try, types.TextDocumentEdit)
    assert section["text"] == last_try.edits[0].new_text.strip("\n")
    assert rec.text(uri).count("More. ") == 3
    assert warnings(client) == ["The document kept changing while aicmo applied its text; nothing was applied."]


async def preview_always(client: LanguageClient, workspace: Path) -> str:
    client.set_configuration({"debounceMs": 0, "previewGenerated": "always"}, section="aicmo")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"aicmo": None}))
    uri = open_document(client, workspace / "failing.md")
    await recorder(client).diagnostics_for(uri, 1)
    return uri


async def test_a_discarded_preview_is_declined_and_not_retried(
    client: LanguageClient, workspace: Path, decision_log_dir: Path
) -> None:
    rec = recorder(client)
    original = (workspace / "failing.md").read_text(encoding="utf-8")
    uri = await preview_always(client, workspace)
    asked: list[types.ApplyWorkspaceEditParams] = []

    def discard(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        asked.append(params)  # the writer looks at the preview and discards it
        return types.ApplyWorkspaceEditResult(applied=False)

    rec.apply_workspace_edit = discard  # type: ignore[method-assign]
    outcome = await generate(client, uri)
    [params] = asked
    assert {key: (a.label, a.needs_confirmation) for key, a in (params.edit.change_annotations or {}).items()} == {
        "overview": ("Regenerate 'Overview'", True)
    }
    assert (params.edit.change_annotations or {})["overview"].description == "written by the template generator"
    [document_change] = params.edit.document_changes or []
    assert isinstance(document_change, types.TextDocumentEdit)
    [edit] = document_change.edits
    assert isinstance(edit, types.AnnotatedTextEdit)
    assert edit.annotation_id == "overview"
    generated = edit.new_text.strip("\n")
    assert outcome == {
        "applied": False,
        "endpoint": None,
        "sections": [
            {
                "section": "overview",
                "label": "Overview",
                "line": 6,
                "status": "declined",
                "generator": "template",
                "quality": "passed_first_attempt",
                "explanation": "template wrote a passing section (attempt 1)",
                "text": generated,
            }
        ],
    }
    assert rec.text(uri) == original
    assert warnings(client) == []
    with sqlite3.connect(decision_log_dir / "decisions.sqlite3") as db:
        rows = db.execute("SELECT reason_code FROM decisions WHERE decision_type = 'outcome'").fetchall()
    assert rows == [("cancelled",)]


async def test_a_confirmed_preview_is_applied(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    uri = await preview_always(client, workspace)
    outcome = await generate(client, uri)
    assert [(s["status"], s["generator"]) for s in outcome["sections"]] == [("applied", "template")]
    [applied] = rec.applied
    assert set(applied.edit.change_annotations or {}) == {"overview"}
    assert "Lorem ipsum" not in rec.text(uri)


def without_change_annotations() -> types.ClientCapabilities:
    capabilities = push_capabilities()
    assert capabilities.workspace is not None and capabilities.workspace.workspace_edit is not None
    capabilities.workspace.workspace_edit.change_annotation_support = None
    return capabilities


@pytest_lsp.fixture(config=SERVER)
async def plain_edit_client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    lsp_client.recorder = await start(lsp_client, workspace, without_change_annotations())  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_a_client_without_change_annotations_gets_a_plain_edit(
    plain_edit_client: LanguageClient, workspace: Path
) -> None:
    client = plain_edit_client
    rec = recorder(client)
    uri = await preview_always(client, workspace)
    outcome = await generate(client, uri)
    assert outcome["sections"][0]["status"] == "applied"
    [applied] = rec.applied
    assert applied.edit.change_annotations is None
    [document_change] = applied.edit.document_changes or []
    assert isinstance(document_change, types.TextDocumentEdit)
    assert all(isinstance(edit, types.TextEdit) for edit in document_change.edits)


@pytest.mark.server_log
async def test_the_log_names_the_endpoint_of_each_model_generation(
    info_client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    client = info_client
    use_openai(client, fake_openai)
    rec = recorder(client)
    fake_openai.reply(Reply.completion(GOOD_OVERVIEW))
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    outcome = await generate(client, uri)
    assert outcome["endpoint"] == host_of(fake_openai)
    log = (tmp_path / "server.log").read_text(encoding="utf-8")
    found = re.findall(r"generation: openai model \S+ at \S+", log)
    assert found == [f"generation: openai model gpt-4o-mini at {host_of(fake_openai)}"]
    assert SECRET not in log
