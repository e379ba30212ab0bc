"""The server's commands (``workspace/executeCommand``) and its own notifications.

Each command is a module-level handler; :data:`HANDLERS` maps the ids of
:mod:`aicmo_lsp.protocol` to them, and ``register`` installs the table. What each takes and answers
is in ``docs/lsp.md``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any
from uuid import uuid4

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from aicmo_core.check import CheckOptions, SectionResult
from aicmo_core.generators.base import Mode
from aicmo_core.reports import compose_report
from aicmo_core.rewrite import set_pack_edit
from aicmo_core.rules import RULES
from aicmo_core.runner import SectionChoice, decision_records, new_report_tasks
from aicmo_core.summary import lens_title
from aicmo_lsp import arguments, generation, protocol
from aicmo_lsp.app import AicmoLanguageServer, uri_to_path
from aicmo_lsp.applying import Placed, Replacement, apply_bodies
from aicmo_lsp.arguments import ArgumentError
from aicmo_lsp.convert import workspace_edit
from aicmo_lsp.features.scorecard import scorecard
from aicmo_lsp.settings import Settings

log = logging.getLogger(__name__)

VERBS = {Mode.REGENERATE: "Regenerating", Mode.SCRATCH: "Rewriting", Mode.EXPAND: "Expanding", Mode.FIX: "Fixing"}


async def engine_options(ls: AicmoLanguageServer, uri: str) -> CheckOptions:
    """Check options for a document (its settings and nearest aicmo.toml), or the workspace root."""
    root = ls.root_path(uri) if uri else (Path(ls.workspace.root_path) if ls.workspace.root_path else Path.cwd())
    settings = await ls.settings_for(uri) if uri else Settings()
    path = uri_to_path(uri) if uri else None
    return ls.engine(settings, root).options_for(path or (root or Path.cwd()) / "report.md")[0]


def _chosen_section(chosen: arguments.GenerateArguments, sections: list[SectionResult]) -> SectionResult | None:
    """The section named by ``section`` (an id) or holding ``line``, if it is one of the pack's."""
    if chosen.section is not None:
        found = next((r for r in sections if r.section.id == chosen.section), None)
    else:
        found = next((r for r in sections if r.section.start_line <= (chosen.line or 0) < r.section.end_line), None)
    return found if found is not None and found.section.benchmark is not None else None


async def generate_section(ls: AicmoLanguageServer, *raw: Any) -> dict[str, Any]:
    """``{"uri", "section" | "line", "mode": regenerate|expand|fix|scratch, "targetWords"?}``"""
    chosen = arguments.generate_arguments(ls, raw)
    result = await ls.current_result(chosen.uri)
    if result is None or result.pack is None:
        return {"applied": False, "reason": "not a report"}
    section_result = _chosen_section(chosen, result.sections)
    if section_result is None:
        generation.tell(ls, types.MessageType.Warning, "aicmo: put the cursor in a section of the report's pack")
        return {"applied": False, "reason": "no section"}
    choice = SectionChoice.of(section_result, chosen.mode, chosen.target_words)
    title = f"{VERBS[chosen.mode]} '{choice.label}'"
    return await generation.generate_sections(ls, chosen.uri, [choice], title)


async def regenerate_all(ls: AicmoLanguageServer, *raw: Any) -> dict[str, Any]:
    """``{"uri"}``: regenerate every failing section of the document in one edit."""
    uri = arguments.document_uri(ls, arguments.options_of(raw, ("uri",)).get("uri"))
    result = await ls.current_result(uri)
    if result is None or result.pack is None:
        return {"applied": False, "reason": "not a report"}
    choices = [SectionChoice.of(r, Mode.REGENERATE) for r in result.failing_sections()]
    if not choices:
        generation.tell(ls, types.MessageType.Info, "aicmo: no failing sections to regenerate")
        return {"applied": False, "reason": "nothing fails"}
    title = f"Regenerating {len(choices)} failing sections"
    return await generation.generate_sections(ls, uri, choices, title, all_failing=True)


async def apply_section(ls: AicmoLanguageServer, *raw: Any) -> dict[str, Any]:
    """``{"uri", "section", "text"}``: put ``text`` as the section's body in the newest text, as one
    edit, whatever the section holds now (the writer's "Replace anyway" after a conflict)."""
    chosen = arguments.apply_arguments(ls, raw)
    result = await ls.current_result(chosen.uri)
    if result is None or result.pack is None:
        return {"applied": False, "reason": "not a report"}
    found = result.section(chosen.section)
    if found is None or found.section.benchmark is None:
        return {"applied": False, "reason": "no section"}
    title = f"Replace '{found.section.benchmark.label}'"
    replacement = Replacement(chosen.section, chosen.text, None, title, "the text aicmo generated")
    placement = await apply_bodies(ls, chosen.uri, [replacement])
    placed = placement.placed.get(chosen.section)
    if placed is Placed.APPLIED:
        return {"applied": True}
    return {"applied": False, "reason": "no section" if placed is Placed.MISSING else "document kept changing"}


async def list_packs(ls: AicmoLanguageServer, *raw: Any) -> list[dict[str, Any]]:
    """The packs a document can use (built-in, settings, its aicmo.toml), with their sections."""
    options = arguments.options_of(raw, ("uri",), required=False)
    uri = arguments.document_uri(ls, options["uri"], in_workspace=True) if "uri" in options else ""
    packs = (await engine_options(ls, uri)).packs.packs
    return [
        {
            "key": pack.key,
            "label": pack.label,
            "sections": [{"id": section.id, "label": section.label} for section in pack.sections],
        }
        for pack in sorted(packs.values(), key=lambda p: p.label)
    ]


def list_rules(ls: AicmoLanguageServer, *raw: Any) -> list[dict[str, str]]:
    """Every rule with its documentation."""
    arguments.options_of(raw, (), required=False)
    return [
        {"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary, "doc": r.doc}
        for r in RULES.values()
    ]


async def stats(ls: AicmoLanguageServer, *raw: Any) -> dict[str, Any]:
    """The decision log's statistics as text."""
    arguments.options_of(raw, (), required=False)
    decisions = ls.generation.decisions
    computed = await asyncio.get_running_loop().run_in_executor(None, decisions.stats)
    if computed.empty:
        return {"text": f"No generation recorded yet (decision log: {decisions.path}).", "empty": True}
    from aicmo_core.decisions import stats_text  # noqa: PLC0415 (the decision log loads on first use)

    names = {code: rule.name for code, rule in RULES.items()}
    return {"text": stats_text(computed, names) + f"\n\ndecision log: {decisions.path}", "empty": False}


async def set_pack(ls: AicmoLanguageServer, *raw: Any) -> dict[str, Any]:
    """``{"uri", "pack"}``: make the document's front matter name a pack it can use (one edit, one
    undo step)."""
    options = arguments.options_of(raw, ("uri", "pack"))
    uri = arguments.document_uri(ls, options.get("uri"))
    key = arguments.string(options, "pack", limit=arguments.MAX_ID_CHARS)
    assert key is not None  # required
    arguments.known_pack(key, (await engine_options(ls, uri)).packs.packs)
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


async def new_report(ls: AicmoLanguageServer, *raw: Any) -> dict[str, Any]:
    """``{"pack", "brief": {...}, "uri"?, "mdx"?}``: a whole report from the generator chain."""
    options = arguments.options_of(raw, ("pack", "brief", "uri", "mdx"))
    uri = arguments.document_uri(ls, options["uri"], in_workspace=True) if "uri" in options else ""
    key = arguments.string(options, "pack", limit=arguments.MAX_ID_CHARS)
    brief = arguments.brief(options)
    mdx = arguments.boolean(options, "mdx")
    engine = await engine_options(ls, uri)
    pack = engine.packs.get(arguments.known_pack(key or "", engine.packs.packs))
    assert pack is not None  # a known pack
    settings = await ls.settings_for(uri) if uri else Settings()
    tasks = new_report_tasks(pack, brief, mdx=mdx)
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


async def show_section(ls: AicmoLanguageServer, *raw: Any) -> dict[str, Any] | None:
    """``uri, line``: the lens of a section heading: its status and findings as a message."""
    uri, line = arguments.show_section_arguments(ls, raw)
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


def revalidate(ls: AicmoLanguageServer, *raw: Any) -> None:
    """Read the settings again and check every open report anew."""
    arguments.options_of(raw, (), required=False)
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
    protocol.APPLY_SECTION_COMMAND: apply_section,
    protocol.SCORECARD_COMMAND: scorecard,
}


def answering(command: str, handler: Handler) -> Callable[..., Awaitable[Any]]:
    """``handler`` answering a bad argument with ``InvalidParams`` and its short message, and any
    other exception with a short ``InternalError``: the traceback goes to the server's log only,
    never to the client (pygls would send it in the error's ``data``)."""

    async def run(ls: AicmoLanguageServer, *raw: Any) -> Any:
        try:
            answer = handler(ls, *raw)
            return await answer if inspect.isawaitable(answer) else answer
        except ArgumentError as exc:
            log.info("%s refused: %s", command, exc)
            raise JsonRpcInvalidParams(str(exc)) from None
        except Exception:
            log.exception("%s failed", command)
            raise JsonRpcInternalError(f"internal error in {command}: see the server log") from None

    return run


def register(server: AicmoLanguageServer) -> None:
    for command, handler in HANDLERS.items():
        server.command(command)(answering(command, handler))
    server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)(cancel_progress)
    server.feature(protocol.SET_SECRETS_NOTIFICATION)(set_secrets)
