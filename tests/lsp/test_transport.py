"""The protocol layer against a hostile client: lying ``Content-Length`` headers, frames over the
limit, bodies that are not JSON-RPC, requests after ``shutdown``. Each test speaks to a real
``aicmo-lsp`` process byte by byte (``tests/support/raw_lsp.py``) and ends with a hover that the
server still answers.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_lsp
from aicmo_lsp.server import create_server
from aicmo_lsp.transport import Frame, FrameReader, Refused, peek_message
from lsprotocol import types
from lsprotocol.types import ResponseError
from pygls.exceptions import JsonRpcInvalidRequest
from pytest_lsp import LanguageClient
from support.raw_lsp import Message, RawLspServer, frame

from tests.lsp.conftest import SERVER, open_document, push_capabilities, start

HOVER_TABLE_START = "| **Overview** (`overview`) | now | benchmark | |"
INVALID_REQUEST, PARSE_ERROR, INVALID_PARAMS = -32600, -32700, -32602


@pytest.fixture
def server(workspace: Path) -> Iterator[RawLspServer]:
    started = RawLspServer(workspace)
    assert started.initialize() is not None, started.stderr()
    yield started
    started.stop()


def answered(message: Message | None) -> Message:
    assert message is not None, "the server sent nothing in time"
    return message


def assert_still_answers(server: RawLspServer, workspace: Path) -> None:
    uri = server.open(workspace / "failing.md")
    hover = answered(server.hover(uri, 6))
    assert hover["result"]["contents"]["value"].startswith(HOVER_TABLE_START)
    assert server.alive
    assert "Traceback" not in server.stderr()


@pytest.mark.timeout(60)
def test_an_absurd_content_length_is_refused_and_the_next_message_is_read(
    server: RawLspServer, workspace: Path
) -> None:
    body = json.dumps({"jsonrpc": "2.0", "id": "absurd", "method": "shutdown", "params": None}).encode()
    server.send_bytes(b"Content-Length: 99999999999\r\n\r\n" + body)  # the length lies: the body is short

    refused = answered(server.response("absurd"))

    assert refused["error"] == {
        "code": INVALID_REQUEST,
        "message": "Invalid request: the message is 95,367.4 MB, over the server's limit of 64 MB",
    }
    assert_still_answers(server, workspace)  # the shutdown it carried was not run either


@pytest.mark.timeout(60)
def test_a_lying_length_followed_directly_by_the_next_header_is_refused(server: RawLspServer, workspace: Path) -> None:
    # No line break between the short body and the next frame: the header ends a line of its own.
    body = b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {}}'
    uri = (workspace / "failing.md").as_uri()
    hover = {"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover"}
    hover["params"] = {"textDocument": {"uri": uri}, "position": {"line": 6, "character": 3}}
    server.open(workspace / "failing.md")
    server.send_bytes(b"Content-Length: 99999999999\r\n\r\n" + body + frame(hover))

    message = answered(server.notification("window/showMessage"))
    assert message["params"] == {
        "type": 2,
        "message": "aicmo: the editor sent textDocument/didOpen of 95,367.4 MB, over the server's limit of 64 MB "
        "(aicmo-lsp --max-message-mb); it was ignored.",
    }
    assert answered(server.response(7))["result"]["contents"]["value"].startswith(HOVER_TABLE_START)


@pytest.mark.timeout(60)
def test_frames_over_the_limit_are_dropped_whole_and_the_writer_is_told_once(workspace: Path) -> None:
    server = RawLspServer(workspace, "--max-message-mb", "1")
    try:
        server.initialize()
        big = "word " * 420_000  # 2.1 MB
        server.open(workspace / "big.md", "# Big\n\n" + big)
        told = answered(server.notification("window/showMessage"))["params"]["message"]
        assert told == (
            "aicmo: the editor sent textDocument/didOpen of 2.0 MB, over the server's limit of 1 MB "
            "(aicmo-lsp --max-message-mb); it was ignored."
        )
        command = {"command": "aicmo.applySection", "arguments": [{"uri": "file:///x.md", "text": big}]}
        refused = answered(server.response(server.request("workspace/executeCommand", command)))
        assert refused["error"]["code"] == INVALID_REQUEST
        assert refused["error"]["message"].endswith("over the server's limit of 1 MB")
        assert_still_answers(server, workspace)
    finally:
        server.stop()


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("body", "code", "message", "answered_id"),
    [
        (b"{not json", PARSE_ERROR, "Parse error: the message is not JSON", None),
        (b"\xff\xfe\x00garbage", PARSE_ERROR, "Parse error: the message is not JSON", None),
        (b"[" * 100_000, PARSE_ERROR, "Parse error: the message is not JSON", None),
        (b"[1, 2]", INVALID_REQUEST, "Invalid request: not a JSON-RPC 2.0 message", None),
        (b'{"id": 5, "method": "shutdown"}', INVALID_REQUEST, "Invalid request: not a JSON-RPC 2.0 message", 5),
        (
            b'{"jsonrpc": "2.0", "id": 6, "method": "textDocument/hover", "params": {"textDocument": 5}}',
            INVALID_PARAMS,
            "Invalid params: textDocument/hover",
            6,
        ),
        (
            b'{"jsonrpc": "2.0", "id": 9, "method": "textDocument/didClose", "params": {"textDocument": {"uri": "x"}}}',
            INVALID_REQUEST,
            "Invalid request: textDocument/didClose is a notification, sent with an id",
            9,
        ),
    ],
    ids=["broken", "binary", "nested-too-deep", "batch", "no-jsonrpc", "bad-params", "notification-with-id"],
)
def test_bodies_that_are_not_json_rpc_are_answered_with_the_specified_error(
    server: RawLspServer, workspace: Path, body: bytes, code: int, message: str, answered_id: int | None
) -> None:
    server.send_bytes(frame(body))

    assert answered(server.response(answered_id))["error"] == {"code": code, "message": message}
    assert_still_answers(server, workspace)


@pytest.mark.timeout(60)
def test_a_header_line_without_end_is_skipped(server: RawLspServer, workspace: Path) -> None:
    server.send_bytes(b"X-Padding: " + b"a" * 3_000_000 + b"\r\n\r\n")

    assert_still_answers(server, workspace)


@pytest.mark.timeout(60)
def test_requests_after_shutdown_get_invalid_request_and_exit_ends_with_zero(
    server: RawLspServer, workspace: Path
) -> None:
    uri = server.open(workspace / "failing.md")
    assert answered(server.response(server.request("shutdown", None)))["result"] is None

    hover = answered(server.hover(uri, 6))
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": []})

    assert hover["error"] == {"code": INVALID_REQUEST, "message": "Invalid request: textDocument/hover after shutdown"}
    assert server.stop() == 0


@pytest.mark.timeout(60)
def test_exit_without_shutdown_ends_with_one(server: RawLspServer) -> None:
    assert server.stop() == 1


@pytest.mark.timeout(60)
def test_over_tcp_the_same_limits_hold(workspace: Path) -> None:
    server = RawLspServer(workspace, tcp=True)
    try:
        server.initialize()
        body = json.dumps({"jsonrpc": "2.0", "id": "absurd", "method": "shutdown", "params": None}).encode()
        server.send_bytes(b"Content-Length: 99999999999\r\n\r\n" + body)
        assert answered(server.response("absurd"))["error"]["code"] == INVALID_REQUEST
        assert_still_answers(server, workspace)
    finally:
        server.stop()


# ------------------------------------------------------------------------------- with pytest-lsp


@pytest_lsp.fixture(config=SERVER)
async def unsettled_client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    """A client whose test ends the session itself (it sends ``shutdown`` in the middle)."""
    lsp_client.recorder = await start(lsp_client, workspace, push_capabilities())  # type: ignore[attr-defined]
    yield


@pytest.mark.timeout(60)
async def test_a_request_after_shutdown_is_an_invalid_request_for_a_real_client(
    unsettled_client: LanguageClient, workspace: Path
) -> None:
    client = unsettled_client
    uri = open_document(client, workspace / "failing.md")
    await client.shutdown_async(None)

    with pytest.raises(JsonRpcInvalidRequest) as refused:
        await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(6, 5))
        )

    assert refused.value.message == "Invalid request: textDocument/hover after shutdown"
    client.exit(None)
    assert client._server is not None
    assert await asyncio.wait_for(client._server.wait(), 20) == 0


# ---------------------------------------------------------------------------------- in process


def read_all(data: bytes, limit: int = 100) -> list[Frame | Refused]:
    reader = FrameReader(io.BytesIO(data).read1, limit)
    frames = []
    while (item := reader.next()) is not None:
        frames.append(item)
    return frames


def test_frames_are_read_by_their_length_whatever_the_header_case_and_line_ends() -> None:
    data = (
        b"Content-Length: 2\r\n\r\n{}"
        + b"content-length:3\n\n[1]"
        + b"\r\n\r\nContent-Length: 1\r\nContent-Type: x\r\n\r\n5"
    )
    assert read_all(data) == [Frame(b"{}"), Frame(b"[1]"), Frame(b"5")]


def test_a_body_over_the_limit_is_dropped_exactly_and_the_next_frame_read() -> None:
    big = b'{"jsonrpc": "2.0", "id": 3, "method": "x", "params": "' + b"a" * 500 + b'"}'
    data = frame(big) + frame(b"{}")
    assert read_all(data) == [Refused(len(big), 3, "x"), Frame(b"{}")]


def test_a_length_that_lies_stops_at_the_next_header() -> None:
    data = b"Content-Length: 99999999999\r\n\r\n" + b'{"id": "a"}' + b"Content-Length: 2\r\n\r\n{}"
    assert read_all(data) == [Refused(99999999999, "a", None), Frame(b"{}")]


def test_a_header_line_without_end_is_skipped_and_the_stream_may_end_anywhere() -> None:
    assert read_all(b"X: " + b"a" * 20_000 + b"\r\n" + frame(b"{}")) == [Frame(b"{}")]
    assert read_all(b"Content-Length: 10\r\n\r\n{}") == []  # cut short: the end, not a frame


@pytest.mark.parametrize(
    ("first", "found"),
    [
        (b'{"jsonrpc": "2.0", "id": 7, "method": "textDocument/didOpen", "params": {', (7, "textDocument/didOpen")),
        (b'{"params": {"id": 1, "method": "inner"}, "method": "outer", "id": "x"', ("x", "outer")),
        (
            b'{"method": "textDocument/didOpen", "params": {"textDocument": {"text": "cut',
            (None, "textDocument/didOpen"),
        ),
        (b'{"id": true, "method": 5}', (None, None)),
        (b'{"method": "a"} {"id": 9}', (None, "a")),  # only the first message
        (b"\xff\xfe garbage", (None, None)),
    ],
)
def test_the_id_and_method_of_a_refused_message_come_from_its_top_level(
    first: bytes, found: tuple[int | str | None, str | None]
) -> None:
    assert peek_message(first) == found


def test_no_error_response_carries_a_traceback() -> None:
    sent: list[bytes] = []

    class Writer:
        def write(self, data: bytes) -> None:
            sent.append(data)

        def close(self) -> None:
            pass

    server = create_server()
    server.protocol.set_writer(Writer())
    error = ResponseError(code=-32603, message="KeyError: 'x'", data={"traceback": ["  File ...", "secret"]})

    server.protocol._send_response(5, error=error)  # what pygls does for an exception in a handler

    body = json.loads(sent[0].split(b"\r\n\r\n", 1)[1])
    assert body == {
        "id": 5,
        "error": {"code": -32603, "message": "internal error: see the server log"},
        "jsonrpc": "2.0",
    }
