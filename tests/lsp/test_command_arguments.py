"""Every command refuses a bad argument with InvalidParams and a short message (never a traceback),
and an unexpected failure answers a short InternalError: the real server over stdio."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.lsp.conftest import open_document, recorder

URI = "<uri>"  # the open report's URI, filled in by the test
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
LONG_TEXT = "x" * 200_001

BAD_ARGUMENTS: list[tuple[str, list[Any], str]] = [
    # aicmo.generateSection
    ("aicmo.generateSection", [], "invalid argument 'arguments': expected one object, got 0 arguments"),
    ("aicmo.generateSection", ["overview"], "invalid argument 'arguments': expected an object, got a string"),
    (
        "aicmo.generateSection",
        [{"uri": URI}],
        "invalid argument 'section': missing (give the section's id, or a line inside it)",
    ),
    ("aicmo.generateSection", [{"section": "overview"}], "invalid argument 'uri': missing"),
    ("aicmo.generateSection", [{"uri": "::::", "section": "overview"}], "invalid argument 'uri': '::::' is not a URI"),
    (
        "aicmo.generateSection",
        [{"uri": 7, "section": "overview"}],
        "invalid argument 'uri': expected a URI string, got a number",
    ),
    (
        "aicmo.generateSection",
        [{"uri": "file:///etc/passwd", "section": "overview"}],
        "invalid argument 'uri': file:///etc/passwd is no document open in the server",
    ),
    (
        "aicmo.generateSection",
        [{"uri": URI, "section": "overview", "mode": "delete"}],
        "invalid argument 'mode': unknown mode 'delete' (expected one of regenerate, scratch, expand, fix)",
    ),
    (
        "aicmo.generateSection",
        [{"uri": URI, "line": -1}],
        "invalid argument 'line': -1 is not between 0 and 10,000,000",
    ),
    (
        "aicmo.generateSection",
        [{"uri": URI, "line": True}],
        "invalid argument 'line': expected an integer, got a boolean",
    ),
    (
        "aicmo.generateSection",
        [{"uri": URI, "line": 2.5}],
        "invalid argument 'line': expected an integer, got a number",
    ),
    (
        "aicmo.generateSection",
        [{"uri": URI, "section": "overview", "mode": "expand", "targetWords": 5001}],
        "invalid argument 'targetWords': 5001 is not between 1 and 5,000",
    ),
    (
        "aicmo.generateSection",
        [{"uri": URI, "section": "overview", "targetWords": "300"}],
        "invalid argument 'targetWords': expected an integer, got a string",
    ),
    (
        "aicmo.generateSection",
        [{"uri": URI, "section": "Overview\n## X"}],
        "invalid argument 'section': 'Overview\\n## X' is not an id (lower-case letters, digits and '_')",
    ),
    (
        "aicmo.generateSection",
        [{"uri": URI, "section": "overview", "targetword": 300}],
        "invalid argument 'targetword': unknown argument (expected: uri, section, line, mode, targetWords)",
    ),
    # aicmo.regenerateAllFailing
    ("aicmo.regenerateAllFailing", [{}], "invalid argument 'uri': missing"),
    (
        "aicmo.regenerateAllFailing",
        [{"uri": URI}, {"uri": URI}],
        "invalid argument 'arguments': expected one object, got 2 arguments",
    ),
    (
        "aicmo.regenerateAllFailing",
        [{"uri": ["file:///x.md"]}],
        "invalid argument 'uri': expected a URI string, got an array",
    ),
    # aicmo.applySection
    ("aicmo.applySection", [{"uri": URI, "section": "overview"}], "invalid argument 'text': missing"),
    ("aicmo.applySection", [{"uri": URI, "text": "x"}], "invalid argument 'section': missing"),
    (
        "aicmo.applySection",
        [{"uri": URI, "section": "overview", "text": 3}],
        "invalid argument 'text': expected a string, got a number",
    ),
    (
        "aicmo.applySection",
        [{"uri": URI, "section": "overview", "text": LONG_TEXT}],
        "invalid argument 'text': longer than 200,000 characters",
    ),
    # aicmo.showSection
    ("aicmo.showSection", [URI], "invalid argument 'arguments': expected a URI and a line, got 1 arguments"),
    ("aicmo.showSection", [URI, "6"], "invalid argument 'line': expected an integer, got a string"),
    (
        "aicmo.showSection",
        ["untitled:Untitled-9", 6],
        "invalid argument 'uri': untitled:Untitled-9 is no document open in the server",
    ),
    # aicmo.setPack
    ("aicmo.setPack", [{"uri": URI, "pack": "x"}], "invalid argument 'pack': unknown pack 'x'"),
    ("aicmo.setPack", [{"uri": URI}], "invalid argument 'pack': missing"),
    (
        "aicmo.setPack",
        [{"uri": URI, "pack": {"key": "brief"}}],
        "invalid argument 'pack': expected a string, got an object",
    ),
    # aicmo.listPacks
    ("aicmo.listPacks", [{"uri": "::::"}], "invalid argument 'uri': '::::' is not a URI"),
    (
        "aicmo.listPacks",
        [{"uri": "file:///etc/aicmo.toml"}],
        "invalid argument 'uri': file:///etc/aicmo.toml is no document open in the server nor a file in a workspace folder",
    ),
    (
        "aicmo.listPacks",
        [{"uri": "https://example.com/report.md"}],
        "invalid argument 'uri': https://example.com/report.md is no document open in the server nor a file in a workspace folder",
    ),
    ("aicmo.listPacks", ["file:///x.md"], "invalid argument 'arguments': expected an object, got a string"),
    # aicmo.newReport
    ("aicmo.newReport", [{"brief": {}}], "invalid argument 'pack': missing"),
    ("aicmo.newReport", [{"pack": "nope", "brief": {}}], "invalid argument 'pack': unknown pack 'nope'"),
    (
        "aicmo.newReport",
        [{"pack": "brief", "brief": "Glow"}],
        "invalid argument 'brief': expected an object, got a string",
    ),
    (
        "aicmo.newReport",
        [{"pack": "brief", "brief": {"brand": 3}}],
        "invalid argument 'brief.brand': expected a string, got a number",
    ),
    (
        "aicmo.newReport",
        [{"pack": "brief", "brief": {"brand": {"name": "Glow"}}}],
        "invalid argument 'brief.brand': expected a string, got an object",
    ),
    (
        "aicmo.newReport",
        [{"pack": "brief", "brief": {"brand": "x" * 2001}}],
        "invalid argument 'brief.brand': longer than 2,000 characters",
    ),
    (
        "aicmo.newReport",
        [{"pack": "brief", "brief": {"a b": "c"}}],
        "invalid argument 'brief': 'a b' is not a field name (letters, digits, '_', '-')",
    ),
    ("aicmo.newReport", [{"pack": "brief", "mdx": "yes"}], "invalid argument 'mdx': expected a boolean, got a string"),
    (
        "aicmo.newReport",
        [{"pack": "brief", "uri": "file:///etc/passwd"}],
        "invalid argument 'uri': file:///etc/passwd is no document open in the server nor a file in a workspace folder",
    ),
    # the commands that take nothing
    ("aicmo.stats", [{"since": "2024"}], "invalid argument 'since': unknown argument (expected: none)"),
    ("aicmo.listRules", [1], "invalid argument 'arguments': expected an object, got a number"),
    ("aicmo.revalidate", [{}, {}], "invalid argument 'arguments': expected one object, got 2 arguments"),
]


def filled(value: Any, uri: str) -> Any:
    if value == URI:
        return uri
    if isinstance(value, dict):
        return {key: filled(item, uri) for key, item in value.items()}
    if isinstance(value, list):
        return [filled(item, uri) for item in value]
    return value


async def refusal(client: LanguageClient, command: str, arguments: list[Any]) -> JsonRpcException:
    with pytest.raises(JsonRpcException) as raised:
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command=command, arguments=arguments))
    return raised.value


def assert_no_traceback(error: JsonRpcException) -> None:
    for text in (error.message, repr(error.data)):
        assert "Traceback" not in text
        assert 'File "' not in text


async def test_every_command_refuses_bad_arguments_with_a_short_message(
    client: LanguageClient, workspace: Path
) -> None:
    rec = recorder(client)
    original = (workspace / "failing.md").read_text(encoding="utf-8")
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    answers = []
    for command, arguments, _ in BAD_ARGUMENTS:
        error = await refusal(client, command, filled(arguments, uri))
        assert_no_traceback(error)
        answers.append((command, error.code, error.message))
    assert answers == [(command, INVALID_PARAMS, message) for command, _, message in BAD_ARGUMENTS]
    # Nothing was changed, nothing was generated, and the server goes on answering.
    assert rec.applied == []
    assert rec.text(uri) == original
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(6, 4))
    )
    assert hover is not None


async def test_a_file_in_the_workspace_is_a_place_for_settings(client: LanguageClient, workspace: Path) -> None:
    # aicmo.listPacks takes a place in the workspace that is no open document (a report to be).
    packs = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="aicmo.listPacks", arguments=[{"uri": (workspace / "new.md").as_uri()}])
    )
    assert "brief" in [pack["key"] for pack in packs]
    # Going up out of the folder is refused.
    outside = (workspace / ".." / ".." / "new.md").as_uri()
    error = await refusal(client, "aicmo.listPacks", [{"uri": outside}])
    assert error.code == INVALID_PARAMS
    assert error.message == (
        f"invalid argument 'uri': {outside} is no document open in the server nor a file in a workspace folder"
    )


async def test_an_unexpected_failure_answers_a_short_internal_error(
    client: LanguageClient, workspace: Path, decision_log_dir: Path
) -> None:
    decision_log_dir.mkdir(parents=True, exist_ok=True)
    (decision_log_dir / "decisions.sqlite3").write_bytes(b"this is no database")
    error = await refusal(client, "aicmo.stats", [{}])
    assert (error.code, error.message, error.data) == (
        INTERNAL_ERROR,
        "internal error in aicmo.stats: see the server log",
        None,
    )
    assert_no_traceback(error)
    rules = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="aicmo.listRules"))
    assert rules
