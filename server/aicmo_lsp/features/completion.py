"""After ``## `` at the section level: the pack's sections that are still missing, in pack order."""

from __future__ import annotations

import re

from lsprotocol import types

from aicmo_core.spans import Position, utf16_len
from aicmo_core.summary import missing_sections
from aicmo_lsp.app import AicmoLanguageServer

_HEADING_PREFIX = re.compile(r"^(#{1,6})[ \t]+(.*)$")


def register(server: AicmoLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[" ", "#"]))
    async def completion(ls: AicmoLanguageServer, params: types.CompletionParams) -> types.CompletionList | None:
        uri = params.text_document.uri
        document = ls.open_document(uri)
        if document is None or params.position.line >= len(document.lines):
            return None
        line = document.lines[params.position.line].rstrip("\r\n")
        position = ls.mapper(uri).from_client(params.position)
        match = _HEADING_PREFIX.match(line[: position.character])
        if not match:
            return None
        result = await ls.current_result(uri)
        if result is None or result.pack is None or result.structure is None:
            return None
        level = result.structure.level or 2
        if len(match.group(1)) != level:
            return None
        # The heading's marker and spaces are ASCII, so its text starts at the same column in any unit.
        text_start = len(match.group(0)) - len(match.group(2))
        mapper = ls.mapper(uri)
        edit_range = types.Range(
            types.Position(params.position.line, text_start),
            mapper.to_client(Position(params.position.line, utf16_len(line))),
        )
        items = []
        for order, section in enumerate(missing_sections(result)):
            items.append(
                types.CompletionItem(
                    label=section.label,
                    kind=types.CompletionItemKind.Module,
                    detail=f"{section.id} · {section.min_words}-{section.max_words} words",
                    documentation=section.description or None,
                    sort_text=f"{order:03d}",
                    filter_text=section.label,
                    text_edit=types.TextEdit(range=edit_range, new_text=section.label),
                )
            )
        return types.CompletionList(is_incomplete=False, items=items)
