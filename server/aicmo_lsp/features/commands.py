"""Server-side commands."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from aicmo_core.summary import lens_title
from aicmo_lsp.app import AicmoLanguageServer
from aicmo_lsp.features.code_lens import SHOW_SECTION_COMMAND

REVALIDATE_COMMAND = "aicmo.revalidate"


def register(server: AicmoLanguageServer) -> None:
    @server.command(SHOW_SECTION_COMMAND)
    async def show_section(ls: AicmoLanguageServer, uri: str, line: int) -> dict[str, Any] | None:
        result = await ls.current_result(uri)
        if result is None:
            return None
        for section_result in result.sections:
            if section_result.section.heading.line == line:
                title = lens_title(section_result)
                messages = [f.message for f in section_result.findings]
                ls.window_show_message(
                    types.ShowMessageParams(
                        type=types.MessageType.Info,
                        message=f"{section_result.section.heading.title}: {title}"
                        + ("".join(f"\n- {m}" for m in messages) if messages else ""),
                    )
                )
                return {"title": title, "findings": messages}
        return None

    @server.command(REVALIDATE_COMMAND)
    def revalidate(ls: AicmoLanguageServer, *args: Any) -> None:
        del args
        ls.forget_settings()
        ls.revalidate_all()
