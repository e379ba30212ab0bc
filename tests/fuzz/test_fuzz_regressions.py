"""What the fuzz tests found, shrunk to the smallest input that shows it: the CLI as a process, the
server over stdio.

Each test names the fuzz test that found it; each is in another part of issue 14 (the loader, the
protocol layer, the documents the server reads), pinned here so a regression fails by name, not only
by chance.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.fuzz_session import TIME_LIMIT, FuzzSession, aicmo_traceback, has_traceback
from support.hostile_files import BUILTIN_HEADING_LINE, BUILTIN_TEXT
from support.raw_lsp import Message, frame

CONTROL = "control.md"
DOCUMENTS = {CONTROL: BUILTIN_TEXT}
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603


@pytest.fixture
def session(tmp_path: Path) -> Iterator[FuzzSession]:
    fuzz = FuzzSession(tmp_path)
    fuzz.running(DOCUMENTS)
    assert fuzz.diagnostics(CONTROL, 1, 0) is not None
    yield fuzz
    fuzz.discard()


def send(session: FuzzSession, message: dict[str, Any]) -> Message | None:
    """Send one raw message; the server's answer to its id within the time limit."""
    assert session.server is not None
    session.server.send_bytes(frame(message))
    return session.server.response(message["id"], TIME_LIMIT)


def aicmo_check(cwd: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aicmo_core.cli", "check", *paths],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "CI": "true", "AICMO_DATA_DIR": str(cwd / "data")},
    )


def hover_at(session: FuzzSession, uri: str) -> Message | None:
    message = {
        "jsonrpc": "2.0",
        "id": f"hover {uri}",
        "method": "textDocument/hover",
        "params": {"textDocument": {"uri": uri}, "position": {"line": BUILTIN_HEADING_LINE, "character": 4}},
    }
    return send(session, message)


def assert_still_answers(session: FuzzSession) -> None:
    answer = session.hover(CONTROL, BUILTIN_HEADING_LINE)
    assert answer is not None and answer.get("result"), f"the server stopped answering: {answer}"


# Found by test_fuzz_jsonrpc: pygls reads a request's params into its type before any handler runs;
# when that fails, it logs the error and never answers, and the client waits for ever.
@pytest.mark.timeout(60)
def test_a_request_whose_params_do_not_fit_its_method_is_answered_invalid_params(session: FuzzSession) -> None:
    no_position = {"textDocument": {"uri": session.uri(CONTROL)}}
    answer = send(session, {"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": no_position})
    assert answer is not None, "the request was never answered"
    assert answer.get("error", {}).get("code") == INVALID_PARAMS, answer
    assert not has_traceback(json.dumps(answer))
    assert_still_answers(session)


# Found by test_fuzz_jsonrpc: a message with an id is a request (JSON-RPC 2.0), and a request gets a
# response, even when its method is a notification's.
@pytest.mark.timeout(60)
def test_a_notification_method_sent_with_an_id_is_answered(session: FuzzSession) -> None:
    params = {"textDocument": {"uri": session.uri("other.md")}}
    answer = send(session, {"jsonrpc": "2.0", "id": 8, "method": "textDocument/didClose", "params": params})
    assert answer is not None, "the request was never answered"
    assert "result" in answer or "error" in answer
    assert not has_traceback(json.dumps(answer))
    assert_still_answers(session)


# Found by test_fuzz_jsonrpc: a request naming a document that is not open makes pygls read the file
# from disk in the event loop. A FIFO there (next to the workspace, or inside it: a repository can hold
# one) blocks the loop for ever: no request is answered again.
@pytest.mark.timeout(60)
@pytest.mark.parametrize("where", ["outside", "inside"])
def test_a_request_on_a_fifo_that_is_not_open_does_not_freeze_the_server(session: FuzzSession, where: str) -> None:
    folder = session.folder if where == "outside" else session.workspace
    os.mkfifo(folder / "pipe.md")
    answer = hover_at(session, (folder / "pipe.md").as_uri())
    assert answer is not None, "the server froze reading a FIFO"
    assert answer.get("result") is None, answer  # a document that is not open is never read
    assert_still_answers(session)


# Found by test_fuzz_jsonrpc: the same read of a file that does not exist escapes as FileNotFoundError
# (an internal error, a traceback in the log).
@pytest.mark.timeout(60)
def test_a_request_on_a_missing_file_is_no_internal_error(session: FuzzSession) -> None:
    answer = hover_at(session, session.uri("missing.md"))
    assert answer is not None
    assert answer.get("error", {}).get("code") != INTERNAL_ERROR, answer
    assert aicmo_traceback(session.new_stderr()) is None
    assert_still_answers(session)


# Found by test_fuzz_cli (a NUL byte in an included library): ruamel's message came through whole, a
# second line ('  in "<unicode string>", position 4') and no line number.
@pytest.mark.timeout(60)
def test_a_nul_byte_in_an_included_library_is_one_message_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "aicmo.toml").write_text('benchmark_paths = ["team"]\n', encoding="utf-8")
    (tmp_path / "team" / "packs").mkdir(parents=True)
    (tmp_path / "team" / "library").mkdir()
    pack = 'key: team_a\nlabel: A\ninclude: ["../library/shared.yaml"]\nsections:\n  - lib_a\n'
    (tmp_path / "team" / "packs" / "team_a.yaml").write_text(pack, encoding="utf-8")
    library = (
        b"# c\n\x00\nlibrary: shared\nsections:\n  - id: lib_a\n    label: A\n    min_words: 0\n    max_words: 3\n"
    )
    (tmp_path / "team" / "library" / "shared.yaml").write_bytes(library)
    (tmp_path / "team.md").write_text("---\npack: team_a\n---\n## A\n\nhi\n", encoding="utf-8")
    result = aicmo_check(tmp_path, "team.md")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert all(line.startswith("aicmo: configuration error: ") for line in lines), lines
    library_path = tmp_path / "team" / "library" / "shared.yaml"
    assert any(line.startswith(f"aicmo: configuration error: {library_path}:2:") for line in lines), lines
    assert "Traceback" not in result.stderr
