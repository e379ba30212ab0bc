"""Server-side commands."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from uuid import uuid4

from lsprotocol import types

from aicmo_core.check import CheckOptions
from aicmo_core.decisions import run_records, stats_text
from aicmo_core.generators.base import Mode
from aicmo_core.reports import compose_report, new_report_requests, set_pack_edit
from aicmo_core.rewrite import find_section
from aicmo_core.rules.registry import RULES
from aicmo_core.summary import lens_title
from aicmo_lsp.app import AicmoLanguageServer, uri_to_path
from aicmo_lsp.features.code_actions import GENERATE_SECTION_COMMAND, REGENERATE_ALL_COMMAND
from aicmo_lsp.features.code_lens import SHOW_SECTION_COMMAND
from aicmo_lsp.generation import GenerationService, SectionJob, failing, record_all, section_job, workspace_edit
from aicmo_lsp.settings import Settings

REVALIDATE_COMMAND = "aicmo.revalidate"


SET_SECRETS_NOTIFICATION = "aicmo/setSecrets"
LIST_PACKS_COMMAND = "aicmo.listPacks"
LIST_RULES_COMMAND = "aicmo.listRules"
STATS_COMMAND = "aicmo.stats"
SET_PACK_COMMAND = "aicmo.setPack"
NEW_REPORT_COMMAND = "aicmo.newReport"


async def engine_options(ls: AicmoLanguageServer, uri: str) -> CheckOptions:
    """Check options for a document (its settings and nearest aicmo.toml), or the workspace root."""
    root = ls.root_path(uri) if uri else (Path(ls.workspace.root_path) if ls.workspace.root_path else Path.cwd())
    settings = await ls.settings_for(uri) if uri else Settings()
    path = uri_to_path(uri) if uri else None
    return ls.engine(settings, root).options_for(path or (root or Path.cwd()) / "report.md")[0]


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

    @server.command(LIST_PACKS_COMMAND)
    async def list_packs(ls: AicmoLanguageServer, options: dict[str, Any]) -> list[dict[str, Any]]:
        """The packs a document can use (built-in, settings, its aicmo.toml), with their sections."""
        packs = (await engine_options(ls, str(options.get("uri") or ""))).packs.packs
        return [
            {
                "key": pack.key,
                "label": pack.label,
                "sections": [{"id": section.id, "label": section.label} for section in pack.sections],
            }
            for pack in sorted(packs.values(), key=lambda p: p.label)
        ]

    @server.command(LIST_RULES_COMMAND)
    def list_rules(ls: AicmoLanguageServer, *args: Any) -> list[dict[str, str]]:
        del args
        return [
            {"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary, "doc": r.doc}
            for r in RULES.values()
        ]

    @server.command(STATS_COMMAND)
    async def stats(ls: AicmoLanguageServer, *args: Any) -> dict[str, Any]:
        del args
        log = service.decisions
        computed = await asyncio.get_running_loop().run_in_executor(None, log.stats)
        if computed.empty:
            return {"text": f"No generation recorded yet (decision log: {log.path}).", "empty": True}
        names = {code: rule.name for code, rule in RULES.items()}
        return {"text": stats_text(computed, names) + f"\n\ndecision log: {log.path}", "empty": False}

    @server.command(SET_PACK_COMMAND)
    async def set_pack(ls: AicmoLanguageServer, options: dict[str, Any]) -> dict[str, Any]:
        """Make the document's front matter name a pack (one edit, one undo step)."""
        uri, key = str(options.get("uri", "")), str(options.get("pack", ""))
        result = await ls.current_result(uri)
        if result is None:
            return {"applied": False, "reason": "document not open"}
        edit = set_pack_edit(result.doc, key)
        version = ls.workspace.get_text_document(uri).version
        response = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(
                edit=workspace_edit(ls, result, uri, version, [edit]), label=f"aicmo: use pack {key}"
            )
        )
        return {"applied": response.applied}

    @server.command(NEW_REPORT_COMMAND)
    async def new_report(ls: AicmoLanguageServer, options: dict[str, Any]) -> dict[str, Any]:
        """``{"pack", "brief": {...}, "uri"?, "mdx"?}``: a whole report from the generator chain."""
        uri = str(options.get("uri") or "")
        brief = options.get("brief") if isinstance(options.get("brief"), dict) else {}
        assert isinstance(brief, dict)
        engine = await engine_options(ls, uri)
        pack = engine.packs.get(str(options.get("pack", "")))
        if pack is None:
            return {"text": None, "reason": f"unknown pack {options.get('pack')!r}"}
        settings = await ls.settings_for(uri) if uri else Settings()
        requests = new_report_requests(pack, brief, mdx=bool(options.get("mdx")))
        try:
            outcomes = await service.enforce_all(
                [(request, None) for request in requests], settings.generator, f"Writing a {pack.label} report"
            )
        except KeyError as exc:
            service.unknown_generator(exc)
            return {"text": None, "reason": "unknown generator"}
        if outcomes is None:
            return {"text": None, "reason": "cancelled"}
        run_id = uuid4()
        records = [
            record
            for request, outcome in zip(requests, outcomes, strict=True)
            for record in run_records(run_id, pack.key, request.section.id, Mode.REGENERATE, outcome, document=None)
        ]
        await asyncio.get_running_loop().run_in_executor(None, record_all, service.decisions, records)
        text = compose_report(pack, brief, outcomes)
        return {"text": text, "passed": all(o.passed for o in outcomes)}

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
