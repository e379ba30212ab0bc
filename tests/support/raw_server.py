"""``aicmo-lsp`` over stdio (or TCP), spoken to byte by byte: for what a well-behaved client such as
pytest-lsp's never sends (lying ``Content-Length`` headers, frames over the limit, bodies that are
not JSON).

A thread reads the server's frames into a queue, so every wait has a timeout and a test never hangs
on a server that stopped answering.
"""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

HEADER_END = b"\r\n\r\n"


def frame(message: dict[str, Any] | bytes) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawServer:
    """A server process and the messages it sent, in order."""

    def __init__(self, *arguments: str, tcp_port: int | None = None, env: dict[str, str] | None = None) -> None:
        command = [sys.executable, "-m", "aicmo_lsp", "--log-level", "WARNING", *arguments]
        if tcp_port is not None:
            command += ["--tcp", f"127.0.0.1:{tcp_port}"]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.stderr: list[bytes] = []
        self.socket: socket.socket | None = None
        reader: IO[bytes]
        if tcp_port is None:
            assert self.process.stdout is not None and self.process.stdin is not None
            reader, self.writer = self.process.stdout, self.process.stdin
        else:
            self.socket = _connect(tcp_port)
            reader, self.writer = self.socket.makefile("rb"), self.socket.makefile("wb")
        threading.Thread(target=self._read, args=(reader,), daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        self.next_id = 0

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            header = b""
            while not header.endswith(HEADER_END):
                byte = stream.read(1)
                if not byte:
                    self.messages.put(None)
                    return
                header += byte
            length = int(header.split(b":")[1].split(b"\r\n")[0])
            self.messages.put(json.loads(stream.read(length)))

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)

    def send_bytes(self, data: bytes) -> None:
        self.writer.write(data)
        self.writer.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.send_bytes(frame(message))

    def request(self, method: str, params: Any, request_id: int | str | None = None) -> int | str:
        if request_id is None:
            self.next_id += 1
            request_id = self.next_id
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return request_id

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def receive(self, timeout: float = 20) -> dict[str, Any]:
        """The next message the server sent; answers a request from the server with null."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.messages.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError("the server sent nothing in time") from None
            if message is None:
                raise AssertionError(f"the server closed the connection (exit code {self.process.poll()})")
            if "method" in message and "id" in message:  # a request to the client
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                continue
            return message

    def response(self, request_id: int | str | None, timeout: float = 20) -> dict[str, Any]:
        """The response to ``request_id``; the notifications before it are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.receive(max(deadline - time.monotonic(), 0.01))
            if "method" not in message and message.get("id") == request_id:
                return message

    def notification(self, method: str, timeout: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            message = self.receive(max(deadline - time.monotonic(), 0.01))
            if message.get("method") == method:
                return message

    def initialize(self, root: Path) -> None:
        self.response(self.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}))
        self.notify("initialized", {})

    def open(self, path: Path, text: str | None = None) -> str:
        uri = path.as_uri()
        content = path.read_text(encoding="utf-8") if text is None else text
        document = {"uri": uri, "languageId": "markdown", "version": 1, "text": content}
        self.notify("textDocument/didOpen", {"textDocument": document})
        return uri

    def hover(self, uri: str, line: int, character: int = 3) -> dict[str, Any]:
        params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
        return self.response(self.request("textDocument/hover", params))

    def stop(self) -> int:
        """Ends the server (exit, then a kill if it does not go) and returns its exit code."""
        with contextlib.suppress(OSError):
            self.notify("exit", None)
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=10)
        finally:
            if self.socket is not None:
                self.socket.close()

    def log(self) -> str:
        return b"".join(self.stderr).decode("utf-8", "replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _connect(port: int) -> socket.socket:
    deadline = time.monotonic() + 20
    while True:
        try:
            connection = socket.create_connection(("127.0.0.1", port), timeout=20)
            connection.settimeout(None)
            return connection
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
