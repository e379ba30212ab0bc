"""Hover on a section heading: its benchmark next to the current figures."""

from __future__ import annotations

from lsprotocol import types

from aicmo_core.summary import hover_markdown
from aicmo_lsp.app import AicmoLanguageServer


def register(server: AicmoLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: AicmoLanguageServer, params: types.HoverParams) -> types.Hover | None:
        result = await ls.current_result(params.text_document.uri)
        if result is None:
            return None
        line = params.position.line
        for section_result in result.sections:
            heading = section_result.section.heading
            if heading.line <= line < heading.end_line:
                mapper = ls.result_mapper(result)
                return types.Hover(
                    contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=hover_markdown(section_result)),
                    range=mapper.range(section_result.section.heading_span),
                )
        return None
