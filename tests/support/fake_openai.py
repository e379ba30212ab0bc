"""A scripted OpenAI-compatible chat completions server on 127.0.0.1, for tests and perf scripts.

Standard library only: a ``ThreadingHTTPServer`` in a daemon thread on an ephemeral port. It answers
``POST /v1/chat/completions`` with the replies queued by the test, in order, and records every
request it receives (any method and path) so a test can assert what the client sent and how often.

    with FakeOpenAI() as server:                      # or the ``fake_openai`` pytest fixture
        server.reply(Reply(429, headers={"Retry-After": "1"}), Reply.completion("## Hi"))
        settings = GeneratorSettings(base_url=server.base_url, api_key="sk-test")
        ...
        assert len(server.requests) == 2
        assert server.requests[1].body["model"] == "gpt-test"

The API is :class:`Reply` (what to answer), :class:`RecordedRequest` (what was asked), and
:class:`FakeOpenAI` with ``base_url``, ``reply(...)``, ``respond_with(...)``, ``limit_in_flight(...)``,
``requests``, ``max_in_flight``, ``pending`` and ``start()`` / ``stop()``. ``limit_in_flight(k)``
makes it a rate-limited endpoint: a chat completions request that arrives while ``k`` others are
being answered gets a 429 with ``Retry-After`` at once, whatever is scripted. When no reply is queued the server asks the responder set
with ``respond_with`` (a function of the request, for many concurrent requests whose order is not
known, such as one per section); without one it answers 418 with an ``error`` body naming the
problem (a status the SDK does not retry), so a test that scripted too few replies fails loudly.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

CHAT_COMPLETIONS_PATH = "/v1/chat/completions"


class _HTTPServer(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: more simultaneous connections than that (one per
    # section when many are generated at once) overflow it, and the kernel has the client retry
    # its connect a whole second later.
    request_queue_size = 128


@dataclass(frozen=True)
class Reply:
    """One scripted answer: ``status``, ``headers``, a ``json`` body or ``raw`` bytes, after ``delay_s``."""

    status: int = 200
    json: Any = None
    raw: bytes | None = None  # sent as it is (with ``application/json`` unless headers say otherwise)
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # wait before answering (a client with a shorter timeout gives up)

    @classmethod
    def completion(
        cls,
        content: str | None,
        *,
        prompt_tokens: int = 120,
        completion_tokens: int = 80,
        model: str = "gpt-test",
        finish_reason: str = "stop",
        delay_s: float = 0.0,
    ) -> Reply:
        """A 200 with a standard ``chat.completion`` body whose one choice says ``content``."""
        return cls(
            200,
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content, "refusal": None},
                        "finish_reason": finish_reason,
                        "logprobs": None,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            },
            delay_s=delay_s,
        )

    @classmethod
    def error(cls, status: int, message: str = "fake error", *, headers: Mapping[str, str] | None = None) -> Reply:
        """An error status with an OpenAI-style ``{"error": {...}}`` body."""
        body = {"error": {"message": message, "type": "fake_error", "code": None, "param": None}}
        return cls(status, body, headers=dict(headers or {}))


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it. Header names are lower-case."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: Any  # the parsed JSON body, or None when it was empty or not JSON
    raw: bytes
    received_at: float  # time.monotonic() when the request was read
    answered_at: float | None = None  # time.monotonic() just before the answer's body was sent (None until then)
    in_flight: int = 0  # chat completions requests the server was answering when this one came, itself included
    status: int | None = None  # the status it was answered with (None until then)

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat messages of a chat completions request ([] otherwise)."""
        return list(self.body.get("messages", [])) if isinstance(self.body, dict) else []

    @property
    def prompt(self) -> str:
        """Every message's content joined: what the model was told."""
        return "\n\n".join(str(m.get("content", "")) for m in self.messages)


class FakeOpenAI:
    """The server. Thread-safe: replies are queued and requests recorded under one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._replies: deque[Reply] = deque()
        self._responder: Callable[[RecordedRequest], Reply] | None = None
        self._requests: list[RecordedRequest] = []
        self._open = 0  # chat completions requests received and not yet answered
        self._admitted = 0  # ... of which not turned away by ``limit_in_flight``
        self._allowed: int | None = None
        self._retry_after: Mapping[str, str] = {}
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ the API

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``: what an OpenAI client takes as ``base_url``."""
        if self._httpd is None:
            raise RuntimeError("the fake OpenAI server is not running")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def reply(self, *replies: Reply) -> None:
        """Queue replies; each chat completions request takes the next one."""
        with self._lock:
            self._replies.extend(replies)

    def respond_with(self, responder: Callable[[RecordedRequest], Reply] | None) -> None:
        """Answer each chat completions request that finds no queued reply with ``responder(request)``
        (called in the request's own thread, so concurrent requests stay concurrent); None: 418 again."""
        with self._lock:
            self._responder = responder

    def limit_in_flight(self, allowed: int | None, *, retry_after: Mapping[str, str] | None = None) -> None:
        """Answer a chat completions request that arrives while ``allowed`` others are being answered
        with a 429 at once, with the headers ``retry_after`` (default ``Retry-After: 1``), as a
        rate-limited endpoint does; None: no limit."""
        with self._lock:
            self._allowed = allowed
            self._retry_after = dict(retry_after if retry_after is not None else {"Retry-After": "1"})

    @property
    def max_in_flight(self) -> int:
        """The most chat completions requests the server was answering at one time, 429s included."""
        with self._lock:
            return max((r.in_flight for r in self._requests), default=0)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in order (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def pending(self) -> int:
        """How many queued replies were not used."""
        with self._lock:
            return len(self._replies)

    def start(self) -> FakeOpenAI:
        self._httpd = _HTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        # A short poll interval: ``shutdown()`` waits up to one interval, and every test pays it.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers still waiting out a delay
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ serving

    def _record(self, request: RecordedRequest) -> tuple[int, Reply, bool]:
        """Record ``request``; its index in ``requests``, the reply it gets and whether it was admitted
        (a chat completions request not turned away by ``limit_in_flight``)."""
        with self._lock:
            index = len(self._requests)
            if request.method != "POST" or request.path.split("?")[0] != CHAT_COMPLETIONS_PATH:
                self._requests.append(request)
                return index, Reply.error(404, f"fake_openai serves POST {CHAT_COMPLETIONS_PATH} only"), False
            self._open += 1
            self._requests.append(replace(request, in_flight=self._open))
            if self._allowed is not None and self._admitted >= self._allowed:
                too_many = Reply.error(429, "fake_openai: too many requests at once", headers=self._retry_after)
                return index, too_many, False
            self._admitted += 1
            if self._replies:
                return index, self._replies.popleft(), True
            responder = self._responder
        if responder is None:
            return index, Reply.error(418, "fake_openai: no scripted reply left"), True
        try:
            return index, responder(request), True
        except Exception as exc:  # a broken responder must fail the test, not hang it
            return index, Reply.error(418, f"fake_openai: the responder failed: {type(exc).__name__}: {exc}"), True

    def _answered(self, index: int, status: int | None, admitted: bool) -> None:
        """The request at ``index`` is answered with ``status`` (None: not at all, the server stopping)."""
        with self._lock:
            request = self._requests[index]
            if status is not None:
                self._requests[index] = replace(request, answered_at=time.monotonic(), status=status)
            if request.path.split("?")[0] == CHAT_COMPLETIONS_PATH and request.method == "POST":
                self._open -= 1
                self._admitted -= int(admitted)


def _handler_for(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            request = RecordedRequest(
                self.command,
                self.path,
                {name.lower(): value for name, value in self.headers.items()},
                body,
                raw,
                time.monotonic(),
            )
            index, reply, admitted = server._record(request)
            if reply.delay_s and server._stopping.wait(reply.delay_s):
                server._answered(index, None, admitted)
                return
            payload = reply.raw if reply.raw is not None else json.dumps(reply.json).encode()
            answered: int | None = None
            try:
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json", **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                # Before the body: the client cannot have read the answer earlier.
                server._answered(index, answered := reply.status, admitted)
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                if answered is None:  # the client gave up (a timeout test)
                    server._answered(index, None, admitted)

        do_POST = do_GET = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler
