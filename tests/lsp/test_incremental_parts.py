"""The server's incremental parts against what they replace: the JSON of published diagnostics
against pygls's serialisation of :func:`diagnostics`, and a ``ReportDocument``'s edits against
pygls's ``TextDocument``."""

from __future__ import annotations

import asyncio
import gc
import json

from aicmo_lsp.collect import MAX_FROZEN_VERSIONS, FrozenBetweenVersions
from aicmo_lsp.convert import DiagnosticsJson, PositionMapper, diagnostics
from aicmo_lsp.text_sync import ReportDocument
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.protocol import default_converter
from pygls.workspace import PositionCodec, TextDocument

from aicmo_core.check import CheckOptions, SectionCache, check_text
from tests.core.test_properties import PACK_KEYS, PACKS, PROPERTY_SETTINGS, reports


@PROPERTY_SETTINGS
@given(
    text=reports(),
    pack=st.sampled_from(PACK_KEYS),
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-32"]),
    version=st.one_of(st.none(), st.integers(0, 99)),
)
def test_published_json_is_what_pygls_would_send(text: str, pack: str, encoding: str, version: int | None) -> None:
    result = check_text(text, "report.md", CheckOptions(packs=PACKS, pack=pack, cache=SectionCache()))
    index = result.doc.index
    mapper = PositionMapper(index.line_text, index.line_count, encoding)
    items = diagnostics(result, mapper)
    params = types.PublishDiagnosticsParams(uri="file:///r%20x.md", diagnostics=items, version=version)
    expected = default_converter().unstructure(types.PublishDiagnosticsNotification(params=params))
    published = DiagnosticsJson()
    for _ in range(2):  # the second time from the kept pieces
        body = published.message("file:///r%20x.md", version, result, mapper)
        assert body.isascii()
        assert json.loads(body) == expected


def test_published_json_without_a_result_clears() -> None:
    body = DiagnosticsJson().message("file:///a.md", 3, None, None)
    assert json.loads(body) == {
        "jsonrpc": "2.0",
        "method": "textDocument/publishDiagnostics",
        "params": {"uri": "file:///a.md", "version": 3, "diagnostics": []},
    }


line_text = st.lists(
    st.sampled_from(["a", "é", "😋", " ", "\r", "\n", "\r\n", "\u2028", "\x0c", "中"]), max_size=12
).map("".join)
position = st.tuples(st.integers(0, 8), st.integers(0, 14))
change = st.tuples(position, position, line_text)


@settings(max_examples=400, deadline=None)
@given(
    text=line_text,
    changes=st.lists(change, min_size=1, max_size=10),
    encoding=st.sampled_from([types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16]),
)
def test_report_document_applies_changes_as_pygls_does(
    text: str, changes: list[tuple[tuple[int, int], tuple[int, int], str]], encoding: types.PositionEncodingKind
) -> None:
    codec = PositionCodec(encoding)
    ours = ReportDocument("file:///a.md", text, 1, "markdown", codec)
    theirs = TextDocument("file:///a.md", text, 1, "markdown", position_codec=codec)
    for start, end, new_text in changes:
        edit = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(*start), types.Position(*end)), text=new_text
        )
        ours.apply_change(edit)
        theirs.apply_change(edit)
        assert ours.source == theirs.source
        assert tuple(ours.lines) == tuple(theirs.lines)


def test_a_writer_who_never_pauses_still_gets_full_collections() -> None:
    """Frozen garbage waits for a pause of the writer, or for MAX_FROZEN_VERSIONS versions at most."""
    collections: list[int] = []

    class Counted(FrozenBetweenVersions):
        def collect(self) -> None:
            collections.append(1)
            super().collect()

    async def type_without_pausing() -> None:
        listener = Counted(idle_seconds=3600)
        for _ in range(2 * MAX_FROZEN_VERSIONS + 1):
            listener("file:///report.md", None)

    try:
        asyncio.run(type_without_pausing())
    finally:
        gc.unfreeze()
    assert len(collections) == 2
