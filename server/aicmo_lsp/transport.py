"""How messages reach the server: JSON-RPC frames over stdio (or one TCP connection), with limits.

pygls 2 reads frames itself (``pygls.io_.run_async``) and trusts them: it reads as many bytes as a
``Content-Length`` header says in one call, so ``Content-Length: 99999999999`` is a ``MemoryError``
that ends the server, and it reads a header line however long it is. :func:`serve` replaces that
loop; the protocol object (:class:`AicmoProtocol`, pygls's with three changes) and every handler
stay pygls's:

- a header line is at most :data:`MAX_HEADER_BYTES`; a longer one is skipped;
- a frame over the message limit (:data:`DEFAULT_MAX_MESSAGE_MB`, ``--max-message-mb``) is refused:
  its body is read in small pieces and dropped, the request it carried (when its ``id`` is in its
  first 64 KB) is answered with ``InvalidRequest``, and the writer is told once with
  ``window/showMessage`` when it was a notification (a document too large to open, say). A length
  larger than what follows (a client that lied) costs nothing either: dropping stops at the next
  ``Content-Length`` header line, which no JSON body can hold (in JSON a raw line break is only
  whitespace between tokens);
- a body that is not JSON is answered with ``ParseError``, one that is no JSON-RPC 2.0 message
  with ``InvalidRequest`` (both with ``id`` null, as JSON-RPC asks when the id cannot be read),
  params that do not fit the method with ``InvalidParams``, a notification's method sent with an id
  (a request, for JSON-RPC) with ``InvalidRequest``: one line in the log, no traceback.

The reading runs in a daemon thread on the raw file descriptor (a blocked read never keeps the
process from exiting, and holds no lock of a buffered file object the interpreter would wait for) that
hands frames to the event loop through a short queue, so a client that sends faster than the server
reads fills a pipe, not the server's memory.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from cattrs.errors import ClassValidationError
from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInternalError,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
)
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCNotification, JsonRPCRequestMessage, JsonRPCResponseMessage, MsgId

log = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_MB = 64
MAX_MESSAGE_MB = 4096  # what --max-message-mb accepts at most
MAX_HEADER_BYTES = 8 * 1024
PEEK_BYTES = 64 * 1024  # where the id and method of a refused message are looked for
CHUNK_BYTES = 64 * 1024
QUEUED_FRAMES = 4
JSONRPC_VERSION = "2.0"
_CONTENT_LENGTH_RE = re.compile(rb"content-length[ \t]*:[ \t]*(\d{1,19})[ \t]*\r?\n\Z", re.IGNORECASE)
_HEADER_LINE_RE = re.compile(rb"content-length[ \t]*:[ \t]*\d{1,19}[ \t]*\r?\n", re.IGNORECASE)


class AicmoProtocol(LanguageServerProtocol):
    """pygls's protocol, with three changes:

    - a request after ``shutdown`` (other than ``exit``) is answered with ``InvalidRequest``, as
      the LSP specification asks; pygls drops it and the client waits forever;
    - an error response never carries a traceback: pygls puts one in the ``data`` of an internal
      error (it stays in the server's log);
    - a message whose params do not fit its method raises without logging a traceback.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shutting_down = False

    def send_error(self, request_id: MsgId | None, error: JsonRpcException) -> None:
        """An error response; ``request_id`` None is JSON-RPC's ``null`` (the id could not be read),
        written out: lsprotocol's converter leaves a null id out, and JSON-RPC requires it."""
        if request_id is None:
            response = {"code": error.code, "message": error.message}
            self._send_data({"jsonrpc": JSONRPC_VERSION, "id": None, "error": response})
        else:
            self._send_response(request_id, error=error.to_response_error())

    def send_encoded(self, body: str) -> None:
        """Send a message whose JSON is written already (published diagnostics, from pieces kept
        between versions: ``convert.DiagnosticsJson``); ``body`` is ASCII, as ``json.dumps`` writes."""
        if self.writer is None:
            return
        header = f"Content-Length: {len(body)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
        written = self.writer.write(((header if self._include_headers else "") + body).encode(self.CHARSET))
        if inspect.isawaitable(written):
            asyncio.ensure_future(written)  # noqa: RUF006 - as pygls does; serve() writes synchronously

    def handle_message(self, message: Any) -> None:
        method = getattr(message, "method", None)
        if self.shutting_down and method != types.EXIT:
            if method is not None and hasattr(message, "id"):  # a request
                log.info("%s after shutdown refused", method)
                self.send_error(message.id, JsonRpcInvalidRequest(message=f"Invalid request: {method} after shutdown"))
            return  # notifications and responses are dropped, as pygls does
        super().handle_message(message)
        if method == types.SHUTDOWN and hasattr(message, "id"):
            self.shutting_down = True

    def _send_response(self, msg_id: Any, result: Any | None = None, error: types.ResponseError | None = None) -> None:
        if error is not None and isinstance(error.data, dict) and "traceback" in error.data:
            error = types.ResponseError(code=JsonRpcInternalError.CODE, message="internal error: see the server log")
        super()._send_response(msg_id, result, error)

    def structure_message(self, data: dict[str, Any]) -> Any:
        """pygls's, without the traceback it logs for a message that does not fit its type."""
        if "jsonrpc" not in data:
            return data
        try:
            if "id" in data and "error" in data:
                return self._converter.structure(data, types.ResponseErrorMessage)
            if "id" in data and "method" in data:
                kind = self.get_message_type(data["method"]) or JsonRPCRequestMessage
            elif "id" in data:
                kind = self._result_types.pop(data["id"], None) or JsonRPCResponseMessage
            else:
                kind = self.get_message_type(data.get("method", "")) or JsonRPCNotification
            return self._converter.structure(data, kind)
        except ClassValidationError as exc:
            raise JsonRpcInvalidParams() from exc


# ----------------------------------------------------------------------------------------- frames


@dataclass(frozen=True, slots=True)
class Frame:
    body: bytes


@dataclass(frozen=True, slots=True)
class Refused:
    """A frame over the limit: its length, and what its first bytes say it was."""

    length: int
    request_id: int | str | None
    method: str | None


class Input:
    """A byte stream read through a buffer of its own: bytes read past a refused frame's end (the
    next frame's header, after a body shorter than its length said) go back for the next frame.

    ``read_chunk(n)`` returns what is there, at most ``n`` bytes, waiting only when nothing is, and
    empty bytes at the end (``os.read`` on a file descriptor, ``socket.recv``): no buffered file
    object whose lock a blocked reading thread would hold when the interpreter exits.
    """

    def __init__(self, read_chunk: Callable[[int], bytes]) -> None:
        self.read_chunk = read_chunk
        self.buffer = bytearray()

    def _fill(self) -> bool:
        piece = self.read_chunk(CHUNK_BYTES)
        self.buffer += piece
        return bool(piece)

    def _take(self, count: int) -> bytes:
        with memoryview(self.buffer) as view:  # one copy of a large body, not two
            taken = bytes(view[:count])
        del self.buffer[:count]
        return taken

    def readline(self, limit: int) -> bytes:
        """A line with its end, or its first ``limit`` bytes; empty at the end of the stream."""
        while True:
            end = self.buffer.find(b"\n", 0, limit)
            if end >= 0:
                return self._take(end + 1)
            if len(self.buffer) >= limit or not self._fill():
                return self._take(limit)

    def read(self, count: int) -> bytes:
        """``count`` bytes, fewer only at the end of the stream."""
        while len(self.buffer) < count and self._fill():
            pass
        return self._take(count)

    def read_some(self, limit: int) -> bytes:
        """What is there (waiting only when nothing is), at most ``limit`` bytes."""
        if not self.buffer:
            self._fill()
        return self._take(limit)

    def unread(self, data: bytes) -> None:
        self.buffer[:0] = data


class FrameReader:
    """Reads ``Content-Length`` frames from a binary stream, refusing those over ``max_bytes``."""

    def __init__(self, read_chunk: Callable[[int], bytes], max_bytes: int) -> None:
        self.input = Input(read_chunk)
        self.max_bytes = max_bytes
        self.dropping = 0  # bytes of a refused body still to drop
        self.tail = b""  # the last bytes dropped, where a header may have begun

    def next(self) -> Frame | Refused | None:
        """The next frame, a refused one, or None at the end of the stream."""
        while self.dropping:
            self._drop(self.input.read_some(min(CHUNK_BYTES, self.dropping)))
        length = self._headers()
        if length is None:
            return None
        if length <= self.max_bytes:
            body = self.input.read(length)
            return Frame(body) if len(body) == length else None
        # Over the limit: its first bytes say what it was (read without waiting for more, so the
        # refusal is answered at once); the rest is dropped before the next frame is read.
        self.dropping, self.tail = length, b""
        first = self.input.read_some(min(PEEK_BYTES, length))
        self._drop(first)
        return Refused(length, *peek_message(first))

    def _headers(self) -> int | None:
        """Header lines up to the empty one: the ``Content-Length``, or None at the end."""
        length: int | None = None
        while True:
            line = self.input.readline(MAX_HEADER_BYTES + 1)
            if not line:
                return None
            if not line.endswith(b"\n"):  # no header is this long: skip to the end of the line
                while line and not line.endswith(b"\n"):
                    line = self.input.readline(CHUNK_BYTES)
                continue
            if not line.strip():
                if length is not None:
                    return length
                continue  # blank lines between messages
            found = _CONTENT_LENGTH_RE.match(line.strip() + b"\n")
            if found:
                length = int(found.group(1))

    def _drop(self, piece: bytes) -> None:
        """Drop a piece of a refused body; at a header line (the length lied) the rest goes back."""
        if not piece:  # the end of the stream
            self.dropping = 0
            return
        self.dropping -= len(piece)
        window = self.tail + piece
        header = _HEADER_LINE_RE.search(window)
        if header:
            self.input.unread(window[header.start() :])
            self.dropping, self.tail = 0, b""
        else:
            self.tail = window[-64:]


def peek_message(first: bytes) -> tuple[int | str | None, str | None]:
    """The top-level ``id`` and ``method`` of a message, from its first bytes, when they are there."""
    text = first.decode("utf-8", "replace")
    decoder = json.JSONDecoder()
    found: dict[str, Any] = {}
    depth, index = 0, 0
    while index < len(text) and len(found) < 2:
        char = text[index]
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth <= 0:  # the message ended (what follows is another frame)
                break
        elif char == '"':
            try:
                key, index = decoder.raw_decode(text, index)
                colon = _skip_space(text, index)
                if depth == 1 and key in ("id", "method") and text[colon : colon + 1] == ":":
                    value, index = decoder.raw_decode(text, _skip_space(text, colon + 1))
                    found.setdefault(key, value)
            except ValueError:  # cut off within the first bytes
                break
            continue
        index += 1
    request_id, method = found.get("id"), found.get("method")
    valid_id = request_id if isinstance(request_id, int | str) and not isinstance(request_id, bool) else None
    return valid_id, method if isinstance(method, str) else None


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


# ------------------------------------------------------------------------------------ the serving


class Connection:
    """One client's messages, handed to the server's protocol."""

    def __init__(self, server: LanguageServer, max_message_bytes: int) -> None:
        self.server = server
        self.max_message_bytes = max_message_bytes
        self.told_refusal = False

    @property
    def protocol(self) -> AicmoProtocol:
        protocol = self.server.protocol
        assert isinstance(protocol, AicmoProtocol)
        return protocol

    def dispatch(self, body: bytes) -> None:
        """Hand one frame's message to the protocol, or answer why it cannot be handled."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            log.warning("a message that is not JSON was refused: %s", str(exc)[:200])
            self.protocol.send_error(None, JsonRpcParseError(message="Parse error: the message is not JSON"))
            return
        if not isinstance(data, dict) or data.get("jsonrpc") != JSONRPC_VERSION:
            log.warning("a message that is not JSON-RPC 2.0 was refused")
            invalid = JsonRpcInvalidRequest(message="Invalid request: not a JSON-RPC 2.0 message")
            self.protocol.send_error(_message_id(data) if isinstance(data, dict) else None, invalid)
            return
        try:
            message = self.protocol.structure_message(data)
        except Exception:  # params that do not fit the method
            method = data.get("method")
            log.warning("%s refused: its params do not fit the method", str(method)[:100])
            if isinstance(method, str) and "id" in data:
                invalid_params = JsonRpcInvalidParams(message=f"Invalid params: {method[:100]}")
                self.protocol.send_error(_message_id(data), invalid_params)
            return
        if "id" in data and isinstance(data.get("method"), str) and not hasattr(message, "id"):
            # A request (it has an id) of a method that is a notification: answered, not run.
            method = data["method"][:100]
            invalid = JsonRpcInvalidRequest(message=f"Invalid request: {method} is a notification, sent with an id")
            self.protocol.send_error(_message_id(data), invalid)
            return
        self.protocol.handle_message(message)

    def refuse(self, refused: Refused) -> None:
        what = refused.method or "a message"
        size = f"{refused.length / 2**20:,.1f} MB"
        limit = f"{self.max_message_bytes / 2**20:g} MB"
        log.warning("%s of %s refused: over the limit of %s", what, size, limit)
        if refused.request_id is not None:
            message = f"Invalid request: the message is {size}, over the server's limit of {limit}"
            self.protocol.send_error(refused.request_id, JsonRpcInvalidRequest(message=message))
        elif not self.told_refusal:
            self.told_refusal = True
            self.server.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Warning,
                    message=f"aicmo: the editor sent {what} of {size}, over the server's limit of {limit} "
                    "(aicmo-lsp --max-message-mb); it was ignored.",
                )
            )

    async def run(self, frames: FrameReader) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Frame | Refused | None] = asyncio.Queue(QUEUED_FRAMES)

        def pump() -> None:
            while True:
                try:
                    item = frames.next()
                except (OSError, ValueError):  # the stream was closed under the reader
                    item = None
                try:
                    asyncio.run_coroutine_threadsafe(queue.put(item), loop).result()
                except RuntimeError:  # the loop has ended
                    return
                if item is None:
                    return

        threading.Thread(target=pump, name="aicmo-lsp-reader", daemon=True).start()
        while (item := await queue.get()) is not None:
            if isinstance(item, Refused):
                self.refuse(item)
            else:
                self.dispatch(item.body)


def _message_id(data: dict[str, Any]) -> int | str | None:
    value = data.get("id")
    return value if isinstance(value, int | str) and not isinstance(value, bool) else None


class SocketWriter:
    """pygls's writer interface over a connected socket."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def close(self) -> None:
        self.stream.close()

    def write(self, data: bytes) -> None:
        self.stream.write(data)
        self.stream.flush()


def serve(server: LanguageServer, read_chunk: Callable[[int], bytes], writer: Any, max_message_bytes: int) -> int:
    """Serve one connection until it ends or the client sends ``exit``. Returns the process's exit
    code: 0 for ``exit`` after ``shutdown``, 1 for ``exit`` without, 0 when the stream ends."""
    server.protocol.set_writer(writer)
    connection = Connection(server, max_message_bytes)
    try:
        asyncio.run(connection.run(FrameReader(read_chunk, max_message_bytes)))
    except SystemExit as stop:  # pygls's exit handler
        return stop.code if isinstance(stop.code, int) else 0
    except (BrokenPipeError, KeyboardInterrupt):
        log.warning("the connection to the client is lost; stopping")
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]
    return 0


def serve_stdio(server: LanguageServer, stdin: BinaryIO, stdout: BinaryIO, max_message_bytes: int) -> int:
    descriptor = stdin.fileno()
    return serve(server, lambda count: os.read(descriptor, count), StdoutWriter(stdout), max_message_bytes)


def serve_tcp(server: LanguageServer, host: str, port: int, max_message_bytes: int) -> int:
    """Listen on ``host:port`` and serve the first client that connects."""
    with socket.create_server((host, port)) as listener:
        log.info("listening on %s:%s", host, port)
        connection, _ = listener.accept()
    with connection:
        writer = SocketWriter(connection.makefile("wb"))
        return serve(server, connection.recv, writer, max_message_bytes)
