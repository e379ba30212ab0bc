"""Issue 14, item 9: random JSON-RPC frames to the language server over stdio.

Each example sends a few frames (plausible requests with wrong params, random JSON, odd envelopes,
bodies that are no JSON; see ``tests/support/hostile_rpc.py``). Then, within the time limit: every
request the server can answer (a string or integer id and a method) is answered, no answer or
notification holds a traceback, no exception escaped aicmo's code into the server's log, the server
is alive, and a hover on a document the frames never name gives exactly the answer it gave before
any of them. A failing example restarts the server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.fuzz_session import TIME_LIMIT, FuzzSession, aicmo_traceback, has_traceback
from support.fuzz_settings import FUZZ_SETTINGS, SCALE, examples
from support.hostile_files import BUILTIN_HEADING_LINE, BUILTIN_TEXT
from support.hostile_rpc import Frame, message_strategies
from support.raw_lsp import Message

CONTROL = "control.md"  # never named by a frame: its hover must not change
VICTIM = "victim.md"  # open, and named by frames that may change or close it
PIPE = "pipe.md"  # a FIFO, inside the workspace and next to it: no request may read it
GRACE = 3.0  # seconds a request may still take once a hover sent after it is answered
DOCUMENTS = {CONTROL: BUILTIN_TEXT, VICTIM: BUILTIN_TEXT.replace("Too short.", "Also short.")}


class JsonRpcFuzz:
    """The session, and the control document's hover as the fresh server answered it."""

    def __init__(self, session: FuzzSession) -> None:
        self.session = session
        self.baseline: Any = None

    def start(self) -> None:
        for folder in (self.session.workspace, self.session.folder):
            if not (folder / PIPE).exists():
                os.mkfifo(folder / PIPE)  # reading it waits for a writer for ever
        server = self.session.running(DOCUMENTS)
        if self.baseline is None or self.session.starts != self.baseline[0]:
            assert self.session.diagnostics(CONTROL, 1, 0) is not None, "the control document was not checked"
            answer = self.session.hover(CONTROL, BUILTIN_HEADING_LINE)
            assert answer is not None and answer.get("result"), f"no hover on the control document: {answer}"
            self.baseline = (self.session.starts, answer["result"])
        assert server.alive


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JsonRpcFuzz]:
    session = FuzzSession(tmp_path_factory.mktemp("fuzz-jsonrpc"))
    yield JsonRpcFuzz(session)
    session.discard()


def frames_for(fuzz: JsonRpcFuzz) -> st.SearchStrategy[list[Frame]]:
    """Frames naming the victim, files of the workspace that are not open (one missing, one a FIFO,
    the config) and files outside it (in the test's folder: one missing, one a FIFO)."""
    session = fuzz.session
    inside = [session.uri(name) for name in ("not_open.md", PIPE, "aicmo.toml")]
    outside = [(session.folder / name).as_uri() for name in ("outside.md", PIPE)]
    return message_strategies(session.uri(VICTIM), [*inside, *outside, f"{session.workspace.as_uri()}/../{PIPE}"])


def answer_to(request_id: Any, since: int) -> Any:
    def find(messages: list[Message]) -> Message | None:
        return next(
            (
                m
                for m in messages[since:]
                if isinstance(m, dict) and "method" not in m and "id" in m and m["id"] == request_id
            ),
            None,
        )

    return find


def send_and_check(fuzz: JsonRpcFuzz, frames: list[Frame]) -> None:
    fuzz.start()
    session = fuzz.session
    server = session.server
    assert server is not None
    try:
        since = len(server.received)
        for item in frames:
            server.send_bytes(item.data)
        # The hover is read after every frame: once it is answered, the others have been dispatched.
        hover = session.hover(CONTROL, BUILTIN_HEADING_LINE) if server.alive else None
        unanswered = [
            item
            for item in frames
            if item.answered and server.wait_for(answer_to(item.answer_id, since), GRACE) is None
        ]
        log = session.new_stderr()
        context = f"--- server log\n{log[-3000:]}"
        assert server.alive, f"the server died: {context}"
        assert not unanswered, f"requests never answered: {unanswered}\n{context}"
        assert hover is not None, f"no answer to a hover within {TIME_LIMIT:g} s: {context}"
        assert hover.get("result") == fuzz.baseline[1], f"the hover changed: {hover}\n{context}"
        assert not has_traceback(session.sent_since(since)), f"a traceback sent to the client: {context}"
        escaped = aicmo_traceback(log)
        assert escaped is None, f"an exception escaped aicmo's code ({escaped}): {context}"
    except BaseException:
        session.discard()
        raise


@pytest.mark.timeout(180 * SCALE)
@settings(FUZZ_SETTINGS, max_examples=examples(100))
@given(data=st.data())
def test_random_frames_never_kill_hang_or_confuse_the_server(fuzz: JsonRpcFuzz, data: st.DataObject) -> None:
    send_and_check(fuzz, data.draw(frames_for(fuzz), label="frames"))
