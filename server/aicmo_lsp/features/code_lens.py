"""Lenses above each section heading: its status, for a section holding provisional generated text
what it still fails, and for a failing section "Regenerate" and "Expand" (which run only when
clicked)."""

from __future__ import annotations

from lsprotocol import types

from aicmo_core.generators.base import Mode
from aicmo_core.runner import generation_modes
from aicmo_core.summary import lens_title, provisional_title
from aicmo_lsp.app import AicmoLanguageServer
from aicmo_lsp.features.code_actions import generate_command
from aicmo_lsp.protocol import SHOW_SECTION_COMMAND


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
            span = mapper.range(section.heading_span)
            lenses.append(
                types.CodeLens(
                    range=span,
                    command=types.Command(
                        title=lens_title(section_result),
                        command=SHOW_SECTION_COMMAND,
                        arguments=[uri, section.heading.line],
                    ),
                )
            )
            provisional = provisional_title(section_result)
            if provisional is not None:
                lenses.append(
                    types.CodeLens(
                        range=span,
                        command=types.Command(
                            title=provisional, command=SHOW_SECTION_COMMAND, arguments=[uri, section.heading.line]
                        ),
                    )
                )
            for mode in generation_modes(section_result):
                if mode in (Mode.FIX, Mode.SCRATCH):
                    continue
                _, command = generate_command(uri, section_result, mode)
                command.title = "Regenerate" if mode is Mode.REGENERATE else "Expand"
                lenses.append(types.CodeLens(range=span, command=command))
        return lenses
