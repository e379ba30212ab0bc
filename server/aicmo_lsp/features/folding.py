"""A folding range per section, from its heading to its last non-blank line."""

from __future__ import annotations

from lsprotocol import types

from aicmo_lsp.app import AicmoLanguageServer


def register(server: AicmoLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    async def folding_ranges(
        ls: AicmoLanguageServer, params: types.FoldingRangeParams
    ) -> list[types.FoldingRange] | None:
        result = await ls.current_result(params.text_document.uri)
        if result is None or result.pack is None:
            return None
        index = result.doc.index
        ranges = []
        for section_result in result.sections:
            section = section_result.section
            last = section.end_line - 1
            while last > section.start_line and not index.line_text(last).strip():
                last -= 1
            if last > section.start_line:
                ranges.append(
                    types.FoldingRange(start_line=section.start_line, end_line=last, kind=types.FoldingRangeKind.Region)
                )
        return ranges
