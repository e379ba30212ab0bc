"""A small synchronous LSP client that speaks to ``aicmo-lsp`` over stdio in raw frames.

pytest-lsp's client (``tests/lsp/conftest.py``) only sends well-formed, typed messages; a fuzz test
must also send bodies that are not JSON, requests with the wrong params, ids of the wrong type. This
client writes whatever bytes it is given, reads every frame the server sends (a thread), answers the
server's own requests as an editor would (``workspace/configuration`` with the settings given,
``workspace/applyEdit`` refused, everything else ``null``) and keeps the server's stderr in a file.
The server runs with an address-space limit, so a runaway allocation fails fast instead of swapping.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import resource
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MEMORY_LIMIT = 2048 * 1024 * 1024
Message = dict[str, Any]


def frame(body: bytes, extra_headers: tuple[bytes, ...] = ()) -> bytes:
    return b"Content-Length: %d\r\n" % len(body) + b"".join(h + b"\r\n" for h in extra_headers) + b"\r\n" + body


def encode(message: Any) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


class RawLspServer:
    """``python -m aicmo_lsp`` in a subprocess (``env`` is its whole environment); ``received`` holds every
    message it sent, in order."""

    def __init__(self, root: Path, stderr_path: Path, settings: dict[str, Any], env: dict[str, str]) -> None:
        self.root = root
        self.settings = settings
        self.stderr_path = stderr_path
        self.received: list[Message] = []
        self.changed = threading.Condition()
        self._ids = itertools.count(1)
        self._stderr = stderr_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aicmo_lsp", "--log-level", "WARNING"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=root,
            env=env,
            preexec_fn=_limit_memory,  # noqa: PLW1509  (no threads run in this process before exec)
        )
        self._reader = threading.Thread(target=self._read_frames, name="raw-lsp-reader", daemon=True)
        self._reader.start()

    # ------------------------------------------------------------------------------ reading
    def _read_frames(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            length = None
            while True:
                line = stdout.readline()
                if not line:
                    return self._closed()
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii", "replace").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                continue
            body = stdout.read(length)
            try:
                message = json.loads(body)
            except ValueError:
                message = {"unparsable": body.decode("utf-8", "replace")}
            if isinstance(message, dict) and "method" in message and "id" in message:
                self.send(self.answer(message))
            with self.changed:
                self.received.append(message)
                self.changed.notify_all()

    def _closed(self) -> None:
        with self.changed:
            self.changed.notify_all()

    def answer(self, request: Message) -> Message:
        """What an editor answers to a request from the server."""
        method = request["method"]
        result: Any = None
        if method == "workspace/configuration":
            items = (request.get("params") or {}).get("items") or []
            result = [self.settings if item.get("section") == "aicmo" else None for item in items]
        elif method == "workspace/applyEdit":
            result = {"applied": False, "failureReason": "the fuzz client applies nothing"}
        return {"jsonrpc": "2.0", "id": request["id"], "result": result}

    def wait_for(self, condition: Callable[[list[Message]], Any], timeout: float) -> Any:
        """The first truthy value of ``condition(received)`` within ``timeout`` seconds, else None."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                value = condition(self.received)
                if value or not self.alive:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.changed.wait(min(remaining, 0.2))

    # ------------------------------------------------------------------------------ writing
    def send_bytes(self, data: bytes, timeout: float = 10.0) -> None:
        """Write to the server's stdin, failing (not blocking) when it stops reading."""
        stdin = self.process.stdin
        assert stdin is not None
        deadline = time.monotonic() + timeout
        view = memoryview(data)
        while view:
            _, writable, _ = select.select([], [stdin], [], max(0.0, deadline - time.monotonic()))
            if not writable:
                raise TimeoutError("the server stopped reading its input")
            written = os.write(stdin.fileno(), view[: 1 << 16])
            view = view[written:]

    def send(self, message: Any) -> None:
        # When the server is gone or stuck, the test's own waits report it.
        with contextlib.suppress(BrokenPipeError, TimeoutError, ValueError):
            self.send_bytes(frame(encode(message)))

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float) -> Message | None:
        """The server's response (result or error), or None when none came within ``timeout``."""
        request_id = f"k5-{next(self._ids)}"
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return self.response(request_id, timeout)

    def response(self, request_id: Any, timeout: float) -> Message | None:
        return self.wait_for(  # type: ignore[no-any-return]
            lambda messages: next(
                (m for m in messages if isinstance(m, dict) and "method" not in m and m.get("id") == request_id), None
            ),
            timeout,
        )

    # ---------------------------------------------------------------------------- lifecycle
    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def initialize(self, capabilities: dict[str, Any], timeout: float) -> Message | None:
        answer = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": self.root.as_uri(),
                "workspaceFolders": [{"uri": self.root.as_uri(), "name": self.root.name}],
                "capabilities": capabilities,
            },
            timeout,
        )
        self.notify("initialized", {})
        return answer

    def stderr(self) -> str:
        self._stderr.flush()
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """``shutdown`` and ``exit`` when the server still answers, else kill it."""
        if self.alive:
            self.request("shutdown", None, timeout=2)
            self.notify("exit", None)
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdin is not None:
            self.process.stdin.close()
        self._reader.join(timeout=3)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._stderr.close()
