"""One ``aicmo-lsp`` kept running across the examples of a fuzz test (over ``raw_lsp``), restarted
after a failing one so the next starts afresh; its workspace folder, its open documents and their
versions, and what the examples check: answers and diagnostics within the time limit, what the
server sent, what it logged.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from support.raw_lsp import Message, RawLspServer

TIME_LIMIT = 15.0  # seconds for any one answer or publication
MEMORY_LIMIT = 2048 * 1024 * 1024  # the server's address space: a runaway allocation fails fast
SETTINGS: dict[str, Any] = {"debounceMs": 0, "generator": {"chain": ["template"]}}
CAPABILITIES: dict[str, Any] = {
    "workspace": {"configuration": True, "workspaceFolders": True, "applyEdit": True},
    "textDocument": {
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "publishDiagnostics": {"versionSupport": True},
        "synchronization": {"didSave": True},
    },
    "window": {"workDoneProgress": True, "showDocument": {"support": True}},
}
TRACEBACK_MARKS = ("Traceback (most recent call last)", 'File "')


def has_traceback(text: str) -> bool:
    return any(mark in text for mark in TRACEBACK_MARKS)


def aicmo_traceback(log: str) -> str | None:
    """The exception line of the first traceback in the log that runs through aicmo's own code
    (``aicmo_core``, ``aicmo_lsp``), if any: an exception that escaped a handler. Not counted: the
    JSON-RPC errors aicmo raises on purpose (pygls logs those with a traceback too), and the
    tracebacks pygls logs for frames it cannot read, which never reach aicmo's code."""
    lines = log.splitlines()
    for start, line in enumerate(lines):
        if not line.startswith("Traceback (most recent call last)"):
            continue
        end = next((i for i in range(start + 1, len(lines)) if lines[i][:1] not in (" ", "")), len(lines) - 1)
        through_aicmo = any(
            'File "' in frame and ("aicmo_core" in frame or "aicmo_lsp" in frame) for frame in lines[start:end]
        )
        if through_aicmo and not lines[end].startswith("pygls.exceptions.JsonRpc"):
            return lines[end]
    return None


class FuzzSession:
    """The server of one fuzz test, its workspace folder (``workspace``) and its open documents."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.workspace = folder / "workspace"
        self.workspace.mkdir()
        self.server: RawLspServer | None = None
        self.documents: dict[str, str] = {}  # name in the workspace -> text opened with
        self.versions: dict[str, int] = {}
        self.starts = 0
        self.stderr_seen = 0

    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key not in ("OPENAI_API_KEY", "AICMO_LOG_FILE")}
        return {**env, "AICMO_DATA_DIR": str(self.folder / "data")}

    def running(self, documents: dict[str, str]) -> RawLspServer:
        """The server, started (and ``documents`` opened) when there is none."""
        if self.server is not None and self.server.alive:
            return self.server
        self.discard()
        self.starts += 1
        for name, text in documents.items():
            path = self.workspace / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        server = RawLspServer(
            self.workspace,
            env=self.environment(),
            settings=SETTINGS,
            stderr_path=self.folder / f"server-{self.starts}.log",
            memory_limit=MEMORY_LIMIT,
        )
        self.server, self.stderr_seen = server, 0
        answer = server.initialize(CAPABILITIES, TIME_LIMIT)
        assert answer is not None and "result" in answer, f"the server did not initialize: {server.stderr()}"
        self.documents, self.versions = dict(documents), {}
        for name, text in documents.items():
            self.versions[name] = 1
            server.open(self.workspace / name, text)
        return server

    def discard(self) -> None:
        """Stop the server (after a failing example: the next one starts afresh)."""
        if self.server is not None:
            self.server.stop()
        self.server = None

    def uri(self, name: str) -> str:
        return (self.workspace / name).as_uri()

    def clear_workspace(self) -> None:
        for child in self.workspace.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()

    def change(self, name: str, text: str) -> int:
        """Replace an open document's text; the new version."""
        assert self.server is not None
        version = self.versions[name] = self.versions[name] + 1
        self.server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": self.uri(name), "version": version}, "contentChanges": [{"text": text}]},
        )
        return version

    def diagnostics(self, name: str, version: int, since: int) -> list[dict[str, Any]] | None:
        """The diagnostics published for that version of a document (None: none within the limit)."""
        assert self.server is not None
        uri = self.uri(name)

        def published(messages: list[Message]) -> list[dict[str, Any]] | None:
            for message in messages[since:]:
                params = message.get("params") if message.get("method") == "textDocument/publishDiagnostics" else None
                if isinstance(params, dict) and params.get("uri") == uri and params.get("version") == version:
                    return list(params["diagnostics"]) or [{"none": True}]
            return None

        found = self.server.wait_for(published, TIME_LIMIT)
        return None if found is None else [d for d in found if "none" not in d]

    def hover(self, name: str, line: int) -> Message | None:
        assert self.server is not None
        return self.server.hover(self.uri(name), line, 4, TIME_LIMIT)

    def new_stderr(self) -> str:
        """What the server wrote to stderr since the last call."""
        assert self.server is not None
        text = self.server.stderr()
        new, self.stderr_seen = text[self.stderr_seen :], len(text)
        return new

    def sent_since(self, since: int) -> str:
        assert self.server is not None
        return json.dumps(self.server.received[since:], ensure_ascii=False)

    def latest_problem_diagnostics(self) -> dict[str, list[Any]]:
        """For every URI other than the open documents: the diagnostics last published for it."""
        assert self.server is not None
        documents = {self.uri(name) for name in self.documents}
        latest: dict[str, list[Any]] = {}
        for message in list(self.server.received):
            params = message.get("params") if message.get("method") == "textDocument/publishDiagnostics" else None
            if isinstance(params, dict) and params.get("uri") not in documents:
                latest[params["uri"]] = list(params.get("diagnostics") or [])
        return latest
