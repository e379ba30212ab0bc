"""A status lens above each section heading. Generation lenses are added beside it later."""

from __future__ import annotations

from lsprotocol import types

from aicmo_core.summary import lens_title
from aicmo_lsp.app import AicmoLanguageServer

SHOW_SECTION_COMMAND = "aicmo.showSection"


def register(server: AicmoLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    async def code_lens(ls: AicmoLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
        uri = params.text_document.uri
        result = await ls.current_result(uri)
        if result is None or result.pack is None:
            return None
        mapper = ls.result_mapper(result)
        lenses = []
        for section_result in result.sections:
            section = section_result.section
            lenses.append(
                types.CodeLens(
                    range=mapper.range(section.heading_span),
                    command=types.Command(
                        title=lens_title(section_result),
                        command=SHOW_SECTION_COMMAND,
                        arguments=[uri, section.heading.line],
                    ),
                )
            )
        return lenses
