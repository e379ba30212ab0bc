"""``aicmo-lsp`` in a subprocess, spoken to in raw JSON-RPC frames over stdio (or TCP).

pytest-lsp's client (``tests/lsp/conftest.py``) only sends well-formed, typed messages; the transport
and fuzz tests must also send what no well-behaved client does: lying ``Content-Length`` headers,
frames over the limit, bodies that are not JSON, requests with the wrong params, ids of the wrong
type. This client writes whatever bytes it is given (failing, not blocking, when the server stops
reading), reads every frame the server sends (a thread, so every wait has a timeout and a test never
hangs on a server that stopped answering), answers the server's own requests as an editor would
(``workspace/configuration`` with the settings given, ``workspace/applyEdit`` refused, everything
else ``null``) and keeps the server's stderr (in a file when given one). The server may run with an
address-space limit, so a runaway allocation fails fast instead of swapping.

Every wait returns None when nothing came within its timeout (or the server's output ended).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import resource
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

Message = dict[str, Any]
T = TypeVar("T")


def frame(message: Any, extra_headers: tuple[bytes, ...] = ()) -> bytes:
    """A frame whose body is ``message``: as is when bytes, else its JSON (lone surrogates kept)."""
    if isinstance(message, bytes):
        body = message
    else:
        body = json.dumps(message, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return b"Content-Length: %d\r\n" % len(body) + b"".join(h + b"\r\n" for h in extra_headers) + b"\r\n" + body


class RawLspServer:
    """``python -m aicmo_lsp *arguments`` in ``root`` (over TCP on a free port when ``tcp``; ``env``
    is its whole environment when given); ``received`` holds every message it sent, in order."""

    def __init__(
        self,
        root: Path,
        *arguments: str,
        tcp: bool = False,
        env: dict[str, str] | None = None,
        settings: dict[str, Any] | None = None,
        stderr_path: Path | None = None,
        memory_limit: int | None = None,
    ) -> None:
        self.root = root
        self.settings = settings
        self.received: list[Message] = []
        self.changed = threading.Condition()
        self._ended = False  # the server's output ended
        self._ids = itertools.count(1)
        self._writing = threading.Lock()
        self._stderr_lines: list[bytes] = []
        self._stderr_file = None if stderr_path is None else stderr_path.open("ab")
        self._stderr_path = stderr_path
        command = [sys.executable, "-m", "aicmo_lsp", "--log-level", "WARNING", *arguments]
        port = _free_port() if tcp else None
        if port is not None:
            command += ["--tcp", f"127.0.0.1:{port}"]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL if tcp else subprocess.PIPE,
            stderr=self._stderr_file or subprocess.PIPE,
            cwd=root,
            env=env,
            preexec_fn=None if memory_limit is None else lambda: _limit_memory(memory_limit),  # noqa: PLW1509
        )
        assert self.process.stdin is not None
        self.socket: socket.socket | None = None
        self._stream: IO[bytes]
        if port is None:
            assert self.process.stdout is not None
            self._stream, self._output = self.process.stdout, self.process.stdin.fileno()
            os.set_blocking(self._output, False)
        else:
            self.socket = self._connect(port)
            self._stream, self._output = self.socket.makefile("rb"), self.socket.fileno()
        self._reader = threading.Thread(target=self._read_frames, args=(self._stream,), name="raw-lsp", daemon=True)
        self._reader.start()
        self._stderr_reader: threading.Thread | None = None
        if self._stderr_file is None:
            self._stderr_reader = threading.Thread(target=self._read_stderr, name="raw-lsp-stderr", daemon=True)
            self._stderr_reader.start()

    def _connect(self, port: int) -> socket.socket:
        deadline = time.monotonic() + 20
        while True:
            try:
                return socket.create_connection(("127.0.0.1", port), timeout=None)
            except OSError:
                if time.monotonic() > deadline or not self.alive:
                    raise
                time.sleep(0.05)

    # ------------------------------------------------------------------------------ reading
    def _read_frames(self, stream: IO[bytes]) -> None:
        try:
            while True:
                length = None
                while True:
                    line = stream.readline()
                    if not line:
                        return
                    if line in (b"\r\n", b"\n"):
                        break
                    name, _, value = line.decode("ascii", "replace").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                if length is None:
                    continue
                body = stream.read(length)
                try:
                    message = json.loads(body)
                except ValueError:
                    message = {"unparsable": body.decode("utf-8", "replace")}
                if isinstance(message, dict) and "method" in message and "id" in message:
                    self.send(self.answer(message))
                with self.changed:
                    self.received.append(message)
                    self.changed.notify_all()
        except (OSError, ValueError):
            return  # the stream was closed under the reader (``stop``)
        finally:
            with self.changed:
                self._ended = True
                self.changed.notify_all()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        with contextlib.suppress(OSError, ValueError):
            for line in self.process.stderr:
                self._stderr_lines.append(line)

    def answer(self, request: Message) -> Message:
        """What an editor answers to a request from the server."""
        method = request["method"]
        result: Any = None
        if method == "workspace/configuration":
            items = (request.get("params") or {}).get("items") or []
            result = [self.settings if item.get("section") == "aicmo" else None for item in items]
        elif method == "workspace/applyEdit":
            result = {"applied": False, "failureReason": "this test client applies nothing"}
        return {"jsonrpc": "2.0", "id": request["id"], "result": result}

    def wait_for(self, condition: Callable[[list[Message]], T | None], timeout: float) -> T | None:
        """The first truthy value of ``condition(received)`` within ``timeout`` seconds, else None."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                value = condition(self.received)
                remaining = deadline - time.monotonic()
                if value or self._ended or remaining <= 0:
                    return value or None
                self.changed.wait(min(remaining, 0.2))

    def response(self, request_id: Any, timeout: float = 20) -> Message | None:
        """The response (result or error) to ``request_id``."""
        return self.wait_for(
            lambda messages: next(
                (
                    m
                    for m in messages
                    if isinstance(m, dict) and "method" not in m and "id" in m and m["id"] == request_id
                ),
                None,
            ),
            timeout,
        )

    def notification(self, method: str, timeout: float = 20) -> Message | None:
        """The first notification of ``method`` the server sent."""
        return self.wait_for(
            lambda messages: next((m for m in messages if isinstance(m, dict) and m.get("method") == method), None),
            timeout,
        )

    def stderr(self) -> str:
        if self._stderr_file is None or self._stderr_path is None:
            return b"".join(self._stderr_lines).decode("utf-8", "replace")
        self._stderr_file.flush()
        return self._stderr_path.read_text(encoding="utf-8", errors="replace")

    # ------------------------------------------------------------------------------ writing
    def send_bytes(self, data: bytes, timeout: float = 10.0) -> None:
        """Write to the server, failing (TimeoutError) instead of blocking when it stops reading."""
        deadline = time.monotonic() + timeout
        view = memoryview(data)
        with self._writing:
            while view:
                _, writable, _ = select.select([], [self._output], [], max(0.0, deadline - time.monotonic()))
                if not writable:
                    raise TimeoutError("the server stopped reading its input")
                with contextlib.suppress(BlockingIOError):
                    view = view[self._write(view[: 1 << 16]) :]

    def _write(self, chunk: memoryview) -> int:
        if self.socket is not None:
            return self.socket.send(chunk, socket.MSG_DONTWAIT)
        return os.write(self._output, chunk)

    def send(self, message: Any) -> None:
        # When the server is gone or stuck, the test's own waits report it.
        with contextlib.suppress(OSError, ValueError):
            self.send_bytes(frame(message))

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any) -> str:
        """Send a request; its id, for ``response``."""
        request_id = f"k5-{next(self._ids)}"  # no id the fuzz tests send starts with "k5-"
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return request_id

    # ---------------------------------------------------------------------------- lifecycle
    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def initialize(self, capabilities: dict[str, Any] | None = None, timeout: float = 20) -> Message | None:
        """``initialize`` (its response) and ``initialized``, with ``root`` the workspace folder."""
        params = {
            "processId": os.getpid(),
            "rootUri": self.root.as_uri(),
            "workspaceFolders": [{"uri": self.root.as_uri(), "name": self.root.name}],
            "capabilities": capabilities or {},
        }
        answer = self.response(self.request("initialize", params), timeout)
        self.notify("initialized", {})
        return answer

    def open(self, path: Path, text: str | None = None) -> str:
        """Open ``path`` (with ``text``, else its content) as version 1; its URI."""
        uri = path.as_uri()
        content = path.read_text(encoding="utf-8") if text is None else text
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": content}},
        )
        return uri

    def hover(self, uri: str, line: int, character: int = 3, timeout: float = 20) -> Message | None:
        position = {"line": line, "character": character}
        return self.response(
            self.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position}), timeout
        )

    def stop(self) -> int:
        """Send ``exit`` (a kill when the server does not go) and return the exit code."""
        self.notify("exit", None)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for writer in (self.process.stdin, self.socket):
            if writer is not None:
                writer.close()
        self._reader.join(timeout=3)
        if self._stderr_reader is not None:
            self._stderr_reader.join(timeout=3)
        for reader in (self._stream, self.process.stderr, self._stderr_file):
            if reader is not None:
                reader.close()
        return self.process.returncode


def _limit_memory(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
