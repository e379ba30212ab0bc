"""The outline: sections (with their status) and their sub-headings."""

from __future__ import annotations

from lsprotocol import types

from aicmo_core.document.text import strip_heading_markup
from aicmo_core.spans import Position, Span
from aicmo_lsp.app import AicmoLanguageServer


def register(server: AicmoLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbols(
        ls: AicmoLanguageServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | None:
        result = await ls.current_result(params.text_document.uri)
        if result is None or result.pack is None:
            return None
        mapper = ls.result_mapper(result)
        index = result.doc.index
        symbols = []
        for section_result in result.sections:
            section = section_result.section
            last = max(section.end_line - 1, section.start_line)
            whole = Span(Position(section.start_line, 0), index.line_span(last).end)
            children = [
                types.DocumentSymbol(
                    name=strip_heading_markup(heading.text) or "(empty heading)",
                    kind=types.SymbolKind.String,
                    range=mapper.range(index.line_span(line)),
                    selection_range=mapper.range(index.line_span(line)),
                )
                for line, heading in section.sub_headings()
            ]
            detail = section_result.status.value + (f" · {section.id}" if section.id else " · not in pack")
            symbols.append(
                types.DocumentSymbol(
                    name=section.heading.title or "(empty heading)",
                    detail=detail,
                    kind=types.SymbolKind.Module,
                    range=mapper.range(whole),
                    selection_range=mapper.range(section.heading_span),
                    children=children,
                )
            )
        return symbols
