"""Server-side commands."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from aicmo_core.generators.base import Mode
from aicmo_core.rewrite import find_section
from aicmo_core.summary import lens_title
from aicmo_lsp.app import AicmoLanguageServer
from aicmo_lsp.features.code_actions import GENERATE_SECTION_COMMAND, REGENERATE_ALL_COMMAND
from aicmo_lsp.features.code_lens import SHOW_SECTION_COMMAND
from aicmo_lsp.generation import GenerationService, SectionJob, failing, section_job

REVALIDATE_COMMAND = "aicmo.revalidate"


SET_SECRETS_NOTIFICATION = "aicmo/setSecrets"


def register(server: AicmoLanguageServer) -> None:
    service = GenerationService(server)
    server.generation = service

    @server.command(GENERATE_SECTION_COMMAND)
    async def generate_section(ls: AicmoLanguageServer, options: dict[str, Any]) -> dict[str, Any]:
        """``{"uri", "section" | "line", "mode": regenerate|expand|fix, "targetWords"?}``"""
        uri = str(options.get("uri", ""))
        try:
            mode = Mode(options.get("mode", Mode.REGENERATE.value))
        except ValueError:
            return {"applied": False, "reason": f"unknown mode {options.get('mode')!r}"}
        result = await ls.current_result(uri)
        if result is None or result.pack is None:
            return {"applied": False, "reason": "not a report"}
        section_result = None
        if "section" in options:
            section_result = find_section(result, str(options["section"]))
        elif isinstance(options.get("line"), int):
            line = int(options["line"])
            section_result = next(
                (r for r in result.sections if r.section.start_line <= line < r.section.end_line), None
            )
        if section_result is None or section_result.section.benchmark is None:
            service.tell(types.MessageType.Warning, "aicmo: put the cursor in a section of the report's pack")
            return {"applied": False, "reason": "no section"}
        job = section_job(section_result, mode)
        if isinstance(options.get("targetWords"), int):
            job = SectionJob(job.section_id, job.label, job.mode, int(options["targetWords"]))
        verb = {Mode.REGENERATE: "Regenerating", Mode.EXPAND: "Expanding", Mode.FIX: "Fixing"}[mode]
        return await service.run(uri, [job], f"{verb} '{job.label}'")

    @server.command(REGENERATE_ALL_COMMAND)
    async def regenerate_all(ls: AicmoLanguageServer, options: dict[str, Any]) -> dict[str, Any]:
        uri = str(options.get("uri", ""))
        result = await ls.current_result(uri)
        if result is None or result.pack is None:
            return {"applied": False, "reason": "not a report"}
        jobs = [section_job(r, Mode.REGENERATE) for r in failing(result)]
        if not jobs:
            service.tell(types.MessageType.Info, "aicmo: no failing sections to regenerate")
            return {"applied": False, "reason": "nothing fails"}
        return await service.run(uri, jobs, f"Regenerating {len(jobs)} failing sections")

    @server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def cancel_progress(ls: AicmoLanguageServer, params: types.WorkDoneProgressCancelParams) -> None:
        service.cancel(str(params.token))

    @server.feature(SET_SECRETS_NOTIFICATION)
    def set_secrets(ls: AicmoLanguageServer, params: Any) -> None:
        """The editor hands over the API key from its secret storage (never from settings files)."""
        key = params.get("openaiApiKey") if isinstance(params, dict) else getattr(params, "openaiApiKey", None)
        service.api_key = str(key) if key else None

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
