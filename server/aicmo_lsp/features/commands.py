"""The server's commands (``workspace/executeCommand``) and its own notifications.

Each command is a module-level handler; :data:`HANDLERS` maps the ids of
:mod:`aicmo_lsp.protocol` to them, and ``register`` installs the table. What each takes and answers
is in ``docs/lsp.md``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any
from uuid import uuid4

from lsprotocol import types

from aicmo_core.check import CheckOptions, SectionResult
from aicmo_core.decisions import stats_text
from aicmo_core.generators.base import Mode
from aicmo_core.reports import compose_report
from aicmo_core.rewrite import set_pack_edit
from aicmo_core.rules import RULES
from aicmo_core.runner import SectionChoice, decision_records, new_report_tasks
from aicmo_core.summary import lens_title
from aicmo_lsp import generation, protocol
from aicmo_lsp.app import AicmoLanguageServer, uri_to_path
from aicmo_lsp.convert import workspace_edit
from aicmo_lsp.settings import Settings

VERBS = {Mode.REGENERATE: "Regenerating", Mode.SCRATCH: "Rewriting", Mode.EXPAND: "Expanding", Mode.FIX: "Fixing"}


async def engine_options(ls: AicmoLanguageServer, uri: str) -> CheckOptions:
    """Check options for a document (its settings and nearest aicmo.toml), or the workspace root."""
    root = ls.root_path(uri) if uri else (Path(ls.workspace.root_path) if ls.workspace.root_path else Path.cwd())
    settings = await ls.settings_for(uri) if uri else Settings()
    path = uri_to_path(uri) if uri else None
    return ls.engine(settings, root).options_for(path or (root or Path.cwd()) / "report.md")[0]


def _chosen_section(options: Mapping[str, Any], sections: list[SectionResult]) -> SectionResult | None:
    """The section named by ``section`` (an id) or holding ``line``, if it is one of the pack's."""
    if "section" in options:
        found = next((r for r in sections if r.section.id == str(options["section"])), None)
    elif isinstance(options.get("line"), int):
        line = int(options["line"])
        found = next((r for r in sections if r.section.start_line <= line < r.section.end_line), None)
    else:
        found = None
    return found if found is not None and found.section.benchmark is not None else None


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
    section_result = _chosen_section(options, result.sections)
    if section_result is None:
        generation.tell(ls, types.MessageType.Warning, "aicmo: put the cursor in a section of the report's pack")
        return {"applied": False, "reason": "no section"}
    target = options.get("targetWords")
    choice = SectionChoice.of(section_result, mode, target if isinstance(target, int) else None)
    return await generation.generate_sections(ls, uri, [choice], f"{VERBS[mode]} '{choice.label}'")


async def regenerate_all(ls: AicmoLanguageServer, options: dict[str, Any]) -> dict[str, Any]:
    """``{"uri"}``: regenerate every failing section of the document in one edit."""
    uri = str(options.get("uri", ""))
    result = await ls.current_result(uri)
    if result is None or result.pack is None:
        return {"applied": False, "reason": "not a report"}
    choices = [SectionChoice.of(r, Mode.REGENERATE) for r in result.failing_sections()]
    if not choices:
        generation.tell(ls, types.MessageType.Info, "aicmo: no failing sections to regenerate")
        return {"applied": False, "reason": "nothing fails"}
    return await generation.generate_sections(ls, uri, choices, f"Regenerating {len(choices)} failing sections")


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


def list_rules(ls: AicmoLanguageServer, *args: Any) -> list[dict[str, str]]:
    """Every rule with its documentation."""
    return [
        {"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary, "doc": r.doc}
        for r in RULES.values()
    ]


async def stats(ls: AicmoLanguageServer, *args: Any) -> dict[str, Any]:
    """The decision log's statistics as text."""
    log = ls.generation.decisions
    computed = await asyncio.get_running_loop().run_in_executor(None, log.stats)
    if computed.empty:
        return {"text": f"No generation recorded yet (decision log: {log.path}).", "empty": True}
    names = {code: rule.name for code, rule in RULES.items()}
    return {"text": stats_text(computed, names) + f"\n\ndecision log: {log.path}", "empty": False}


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
            edit=workspace_edit(ls.result_mapper(result), uri, version, [edit]), label=f"aicmo: use pack {key}"
        )
    )
    return {"applied": response.applied}


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
    tasks = new_report_tasks(pack, brief, mdx=bool(options.get("mdx")))
    try:
        outcomes = await generation.run_with_progress(
            ls, tasks, settings.generator.core(), f"Writing a {pack.label} report", in_order=True
        )
    except KeyError as exc:
        generation.unknown_generator(ls, exc)
        return {"text": None, "reason": "unknown generator"}
    if outcomes is None:
        return {"text": None, "reason": "cancelled"}
    records = decision_records(uuid4(), pack.key, tasks, outcomes, [None] * len(tasks))
    await generation.record_in_background(ls, records)
    return {"text": compose_report(pack, brief, outcomes), "passed": all(o.passed for o in outcomes)}


async def show_section(ls: AicmoLanguageServer, uri: str, line: int) -> dict[str, Any] | None:
    """The lens of a section heading: its status and findings as a message."""
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


def revalidate(ls: AicmoLanguageServer, *args: Any) -> None:
    """Read the settings again and check every open report anew."""
    ls.forget_settings()
    ls.revalidate_all()


def cancel_progress(ls: AicmoLanguageServer, params: types.WorkDoneProgressCancelParams) -> None:
    generation.cancel(ls, str(params.token))


def set_secrets(ls: AicmoLanguageServer, params: Any) -> None:
    """The editor hands over the API key from its secret storage (never from settings files)."""
    key = params.get("openaiApiKey") if isinstance(params, dict) else getattr(params, "openaiApiKey", None)
    ls.generation.api_key = str(key) if key else None


Handler = Callable[..., "Awaitable[Any] | Any"]
HANDLERS: Mapping[str, Handler] = {
    protocol.GENERATE_SECTION_COMMAND: generate_section,
    protocol.REGENERATE_ALL_COMMAND: regenerate_all,
    protocol.SHOW_SECTION_COMMAND: show_section,
    protocol.REVALIDATE_COMMAND: revalidate,
    protocol.LIST_PACKS_COMMAND: list_packs,
    protocol.LIST_RULES_COMMAND: list_rules,
    protocol.STATS_COMMAND: stats,
    protocol.SET_PACK_COMMAND: set_pack,
    protocol.NEW_REPORT_COMMAND: new_report,
}


def register(server: AicmoLanguageServer) -> None:
    for command, handler in HANDLERS.items():
        server.command(command)(handler)
    server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)(cancel_progress)
    server.feature(protocol.SET_SECRETS_NOTIFICATION)(set_secrets)
