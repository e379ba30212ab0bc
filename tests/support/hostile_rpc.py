"""Hypothesis strategies for what a broken or hostile client sends a language server: JSON-RPC frames
whose bodies are plausible requests with wrong params, random JSON, messages with the wrong envelope
(ids of every type, no ``jsonrpc``, a batch) or no JSON at all.

Every frame is well delimited (its ``Content-Length`` is right), so the stream never loses its place:
what must hold after any of them is that the server answers each request it can answer (one with a
string or integer id and a method), never with a traceback, and goes on answering (a hover).
Lifecycle messages (``initialize``, ``shutdown``, ``exit``) are left out: they end the session by
design. The URIs are the fuzz test's own: a victim document, files of the workspace, non-file
schemes, garbage; never a path outside the test's folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from support.raw_lsp import frame

REQUESTS = [
    "textDocument/hover",
    "textDocument/completion",
    "textDocument/codeAction",
    "textDocument/codeLens",
    "textDocument/documentSymbol",
    "textDocument/foldingRange",
    "textDocument/diagnostic",
    "textDocument/definition",
    "workspace/diagnostic",
    "workspace/executeCommand",
    "workspace/symbol",
    "codeLens/resolve",
    "completionItem/resolve",
    "$/unknownRequest",
    "aicmo/unknown",
]
NOTIFICATIONS = [
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "textDocument/didSave",
    "workspace/didChangeConfiguration",
    "workspace/didChangeWatchedFiles",
    "$/cancelRequest",
    "$/setTrace",
    "$/progress",
    "window/workDoneProgress/cancel",
    "aicmo/setSecrets",
    "initialized",
]
COMMANDS = [
    "aicmo.generateSection",
    "aicmo.regenerateAllFailing",
    "aicmo.showSection",
    "aicmo.revalidate",
    "aicmo.listPacks",
    "aicmo.listRules",
    "aicmo.stats",
    "aicmo.setPack",
    "aicmo.newReport",
    "aicmo.applySection",
    "aicmo.scorecard",
    "aicmo.unknown",
    "",
]
LIFECYCLE = {"initialize", "shutdown", "exit"}
FIELD_NAMES = ["uri", "section", "line", "mode", "pack", "text", "brief", "textDocument", "position", "range"]

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=16,
)
numbers = st.sampled_from([0, 1, 3, -1, 2**31, 2**53, 10**20, 1.5, "3", None, True])
valid_ids = st.integers(-(2**31), 2**31) | st.text(min_size=1, max_size=12).filter(lambda s: not s.startswith("k5-"))
odd_ids: st.SearchStrategy[Any] = st.sampled_from([None, 1.5, True, [], {}, 2**70])


@dataclass(frozen=True)
class Frame:
    """One frame on the wire, and the id of the request it carries when it must be answered."""

    data: bytes
    answer_id: Any = None
    answered: bool = False  # the server owes an answer to ``answer_id``

    def __repr__(self) -> str:
        shown = self.data if len(self.data) < 400 else self.data[:400] + b"..."
        return f"Frame({shown!r})"


def message_strategies(victim_uri: str, file_uris: Sequence[str]) -> st.SearchStrategy[list[Frame]]:
    """Lists of frames; ``victim_uri`` is an open document the messages may change or close,
    ``file_uris`` name files that are not open (inside the workspace and out, missing, FIFOs)."""
    uris = st.sampled_from(
        [
            victim_uri,
            *file_uris,
            "untitled:Untitled-1",
            "::::",
            "",
            "file://",
            "file:///%00",
            "report.md",
            "x" * 5000,
        ]
    ) | st.text(max_size=20)
    position = st.fixed_dictionaries({"line": numbers, "character": numbers})
    text_document = st.fixed_dictionaries({"uri": uris}) | json_values
    range_ = st.fixed_dictionaries({"start": position, "end": position})
    command_arguments = st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "uri": uris,
                "section": st.sampled_from(["overview", "hashtag_strategy", "Bad Id", ""]) | json_scalars,
                "line": numbers,
                "mode": st.sampled_from(["regenerate", "expand", "fix", "delete"]),
                "pack": st.sampled_from(["quick_social_basic", "no_such_pack", "../../etc"]),
                "text": st.text(max_size=60),
                "brief": json_values,
                "version": numbers,
            },
        )
        | json_values,
        max_size=2,
    )
    params_for = {
        "workspace/executeCommand": st.fixed_dictionaries(
            {"command": st.sampled_from(COMMANDS) | st.text(max_size=10), "arguments": command_arguments}
        ),
        "textDocument/didOpen": st.fixed_dictionaries(
            {
                "textDocument": st.fixed_dictionaries(
                    {"uri": uris, "languageId": st.sampled_from(["markdown", "mdx", "json"]), "version": numbers}
                ).map(lambda d: {**d, "text": "---\npack: quick_social_basic\n---\n## Overview\n\nShort.\n"})
            }
        ),
        "textDocument/didChange": st.fixed_dictionaries(
            {
                "textDocument": st.fixed_dictionaries({"uri": uris, "version": numbers}),
                "contentChanges": st.lists(
                    st.fixed_dictionaries({"text": st.text(max_size=40)}, optional={"range": range_}), max_size=3
                ),
            }
        ),
    }
    generic = st.fixed_dictionaries(
        {"textDocument": text_document},
        optional={"position": position, "range": range_, "context": json_values, "query": st.text(max_size=10)},
    )
    methods = st.sampled_from(REQUESTS + NOTIFICATIONS) | st.text(max_size=12).filter(lambda m: m not in LIFECYCLE)

    @st.composite
    def plausible(draw: st.DrawFn) -> Frame:
        method = draw(methods)
        params = draw(params_for.get(method, generic) | json_values)
        if method in NOTIFICATIONS and draw(st.integers(0, 3)):
            return Frame(frame({"jsonrpc": "2.0", "method": method, "params": params}))
        request_id = draw(valid_ids)
        message = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        return Frame(frame(message), request_id, answered=True)

    @st.composite
    def odd_envelope(draw: st.DrawFn) -> Frame:
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": draw(valid_ids), "method": draw(methods)}
        change = draw(st.sampled_from(["id", "no-jsonrpc", "version", "method", "params", "response", "error"]))
        if change == "id":
            message["id"] = draw(odd_ids)
        elif change == "no-jsonrpc":
            del message["jsonrpc"]
        elif change == "version":
            message["jsonrpc"] = draw(st.sampled_from(["1.0", "3.0", 2, None]))
        elif change == "method":
            message["method"] = draw(json_values.filter(lambda v: not isinstance(v, str)))
        elif change == "params":
            message["params"] = draw(json_scalars)
        else:
            del message["method"]
            message["result" if change == "response" else "error"] = draw(json_values)
        return Frame(frame(message))

    not_an_object = json_values.filter(lambda v: not isinstance(v, dict)).map(lambda v: Frame(frame(v)))
    not_json = st.sampled_from(
        [b"", b"{", b"{}}", b'{"jsonrpc": "2.0", "method": ', b"\xff\xfe{}", b"\xef\xbb\xbf{}", b"null", b"[]"]
    ) | st.binary(max_size=40)
    garbage = not_json.map(lambda body: Frame(frame(body)))
    headers = st.sampled_from(
        [
            (b"Content-Type: application/vscode-jsonrpc; charset=utf-8",),
            (b"Content-Type: text/plain; charset=latin-1",),
            (b"X-Fuzz: 1",),
        ]
    )
    with_headers = st.tuples(plausible(), headers).map(
        lambda pair: Frame(frame(pair[0].data.split(b"\r\n\r\n", 1)[1], pair[1]), pair[0].answer_id, pair[0].answered)
    )
    one = plausible() | plausible() | odd_envelope() | not_an_object | garbage | with_headers
    return st.lists(one, min_size=1, max_size=6)
