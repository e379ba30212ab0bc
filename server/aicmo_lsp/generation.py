"""Running generators for the editor: progress, cancellation, and applying the result safely.

The core's runner (:mod:`aicmo_core.runner`) decides what text each section gets; this module only
wires it to LSP: a cancellable ``window/workDoneProgress`` while it runs, then one
``workspace/applyEdit`` (one undo step) against the document version it is applied to. When the
writer typed while the generator worked, the section is found again by its id in the newest text
and only its body is replaced; if it is gone, nothing is applied and the writer is told. What the
server keeps between requests (the key, the busy documents, the progress tokens, the decision log)
is its :class:`~aicmo_lsp.app.GenerationState`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any
from uuid import uuid4

from lsprotocol import types

from aicmo_core.check import ReportResult
from aicmo_core.decisions import DecisionRecord, ReasonCode, cancelled_record, document_reason
from aicmo_core.edits import TextEdit
from aicmo_core.enforce import Outcome, fallback_notice
from aicmo_core.rewrite import replace_body
from aicmo_core.runner import (
    GenerationConfig,
    SectionChoice,
    SectionTask,
    build_chain,
    decision_records,
    record_all,
    run_in_order,
    run_tasks,
    tasks_for,
)
from aicmo_lsp.app import AicmoLanguageServer
from aicmo_lsp.convert import workspace_edit

log = logging.getLogger(__name__)

APPLY_TRIES = 3


def tell(ls: AicmoLanguageServer, kind: types.MessageType, message: str) -> None:
    ls.window_show_message(types.ShowMessageParams(type=kind, message=message))


async def generate_sections(
    ls: AicmoLanguageServer, uri: str, choices: Sequence[SectionChoice], title: str
) -> dict[str, Any]:
    """Generate every chosen section with bounded concurrency, then apply all results in one edit.
    At most one generation runs per document."""
    state = ls.generation
    if uri in state.busy:
        tell(ls, types.MessageType.Warning, "aicmo is already generating in this document; wait for it or cancel it")
        return {"applied": False, "reason": "busy"}
    state.busy.add(uri)
    try:
        return await _generate(ls, uri, choices, title)
    finally:
        state.busy.discard(uri)


async def _generate(ls: AicmoLanguageServer, uri: str, choices: Sequence[SectionChoice], title: str) -> dict[str, Any]:
    result = await ls.current_result(uri)
    if result is None or result.pack is None:
        return {"applied": False, "reason": "not a report"}
    settings = await ls.settings_for(uri)
    found = tasks_for(result, choices)
    tasks = [task for task in found if task is not None]
    try:
        outcomes = await run_with_progress(ls, tasks, settings.generator.core(), title)
    except KeyError as exc:
        unknown_generator(ls, exc)
        return {"applied": False, "reason": "unknown generator"}
    except Exception as exc:  # a generator bug must not leave the writer guessing
        log.exception("generation failed")
        tell(ls, types.MessageType.Error, f"aicmo could not generate: {type(exc).__name__}: {exc}")
        return {"applied": False, "reason": "error"}
    if outcomes is None:
        run_id = uuid4()
        cancelled = [cancelled_record(run_id, result.pack.key, c.section_id, c.mode) for c in choices]
        await record_in_background(ls, cancelled)
        return {"applied": False, "reason": "cancelled"}
    produced = iter(outcomes)
    finished = [
        (choice, next(produced) if task is not None else None) for choice, task in zip(choices, found, strict=True)
    ]
    bodies = {c.section_id: outcome.body for c, outcome in finished if outcome is not None and outcome.body}
    applied, missing = await apply(ls, uri, bodies) if bodies else (False, [])
    documents = [
        ReasonCode.DOCUMENT_CHANGED
        if outcome.body is not None and (not applied or task.section_id in missing)
        else document_reason(outcome)
        for task, outcome in zip(tasks, outcomes, strict=True)
    ]
    await record_in_background(ls, decision_records(uuid4(), result.pack.key, tasks, outcomes, documents))
    for choice, outcome in finished:
        message, kind = describe(choice, outcome, choice.section_id in missing)
        if kind is not None:
            tell(ls, kind, message)
    return {
        "applied": applied,
        "sections": [
            {
                "section": choice.section_id,
                "quality": outcome.quality.value if outcome else None,
                "explanation": outcome.explanation if outcome else "section not found",
                "applied": applied and choice.section_id in bodies and choice.section_id not in missing,
            }
            for choice, outcome in finished
        ],
    }


async def run_with_progress(
    ls: AicmoLanguageServer,
    tasks: Sequence[SectionTask],
    config: GenerationConfig,
    title: str,
    *,
    in_order: bool = False,
) -> list[Outcome] | None:
    """Run the tasks with the configured chain under one cancellable progress. None when the writer
    cancelled; ``KeyError`` for a chain that names an unknown generator."""
    chain = build_chain(config, ls.generation.key())
    progress = Progress(ls, str(uuid4()))
    await progress.begin(title, len(tasks))

    def finished(done: int, task: SectionTask) -> None:
        progress.report(f"{done}/{len(tasks)}: {task.label}", done * 100 // max(len(tasks), 1))

    running = (
        run_in_order(tasks, chain, finished) if in_order else run_tasks(tasks, chain, config.concurrency, finished)
    )
    work = asyncio.ensure_future(running)
    progress.attach(work)
    try:
        outcomes = await work
    except asyncio.CancelledError:
        progress.end("Cancelled: nothing was changed")
        return None
    except Exception:
        progress.end("Failed")
        raise
    progress.end("Done")
    return outcomes


def unknown_generator(ls: AicmoLanguageServer, error: KeyError) -> None:
    tell(ls, types.MessageType.Error, f"aicmo: {error.args[0]}; check the setting aicmo.generator.chain")


async def record_in_background(ls: AicmoLanguageServer, records: Sequence[DecisionRecord]) -> None:
    """Write to the decision log in a worker thread: a locked database must not stall the editor."""
    if records:
        await asyncio.get_running_loop().run_in_executor(None, record_all, ls.generation.decisions, records)


def describe(choice: SectionChoice, outcome: Outcome | None, missing: bool) -> tuple[str, types.MessageType | None]:
    """The message for the writer about one section, and its kind (None: say nothing)."""
    if outcome is None or missing:
        return (
            f"Section '{choice.label}' is no longer in the document; nothing was applied.",
            types.MessageType.Warning,
        )
    if outcome.passed:
        # A fallback wrote it: the writer must not believe the first generator (the model) did.
        notice = fallback_notice(choice.label, outcome)
        return (notice, types.MessageType.Warning) if notice else (outcome.explanation, None)
    if outcome.body is None:
        return f"'{choice.label}': {outcome.explanation}", types.MessageType.Warning
    return f"'{choice.label}' is marked provisional: {outcome.explanation}", types.MessageType.Warning


async def apply(ls: AicmoLanguageServer, uri: str, bodies: dict[str, str]) -> tuple[bool, list[str]]:
    """Replace the bodies of the sections (by id) in the newest text, as one edit.

    Returns whether the client applied it and the ids of sections no longer found.
    """
    for _ in range(APPLY_TRIES):
        result = await ls.current_result(uri)
        if result is None:
            await asyncio.sleep(0.05)  # a newer version is being validated
            continue
        version = ls.workspace.get_text_document(uri).version
        edits, missing = _body_edits(result, bodies)
        if not edits:
            return False, missing
        response = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(
                edit=workspace_edit(ls.result_mapper(result), uri, version, edits),
                label="aicmo: generate sections" if len(edits) > 1 else "aicmo: generate section",
            )
        )
        if response.applied:
            return True, missing
        log.info("client did not apply the edit (%s); trying against the newest text", response.failure_reason)
    tell(ls, types.MessageType.Warning, "The document kept changing while aicmo applied its text; nothing was applied.")
    return False, []


def _body_edits(result: ReportResult, bodies: dict[str, str]) -> tuple[list[TextEdit], list[str]]:
    edits: list[TextEdit] = []
    missing = []
    for section_id, body in bodies.items():
        section_result = result.section(section_id)
        if section_result is None:
            missing.append(section_id)
        else:
            edits.append(replace_body(section_result.section, body))
    return edits, missing


def cancel(ls: AicmoLanguageServer, token: str) -> None:
    task = ls.generation.progress_tasks.get(token)
    if task is not None:
        task.cancel()


class Progress:
    """A cancellable work-done progress (a no-op when the client does not support it)."""

    def __init__(self, ls: AicmoLanguageServer, token: str) -> None:
        self.ls = ls
        self.token = token
        self.enabled = False

    async def begin(self, title: str, total: int) -> None:
        window = self.ls.client_capabilities.window
        if not (window and window.work_done_progress):
            return
        try:
            await self.ls.work_done_progress.create_async(self.token)
        except Exception:
            log.warning("the client refused a progress token", exc_info=True)
            return
        self.enabled = True
        self.ls.work_done_progress.begin(
            self.token,
            types.WorkDoneProgressBegin(title=title, cancellable=True, message=f"0/{total}", percentage=0),
        )

    def attach(self, task: asyncio.Future[Any]) -> None:
        self.ls.generation.progress_tasks[self.token] = task

    def report(self, message: str, percentage: int) -> None:
        if self.enabled:
            self.ls.work_done_progress.report(
                self.token, types.WorkDoneProgressReport(message=message, percentage=percentage)
            )

    def end(self, message: str) -> None:
        self.ls.generation.progress_tasks.pop(self.token, None)
        if self.enabled:
            self.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))
