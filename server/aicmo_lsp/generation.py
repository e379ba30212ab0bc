"""Running generators for the editor: progress, cancellation, and the answer about each section.

The core's runner (:mod:`aicmo_core.runner`) decides what text each section gets; this module only
wires it to LSP: a cancellable ``window/workDoneProgress`` while it runs, then one
``workspace/applyEdit`` (one undo step) through :mod:`aicmo_lsp.applying`, which never writes over
text the writer typed in a section while it was being generated. The answer says, per section, what
happened (``applied``, ``conflict``, ``declined``, ``missing``, ``unchanged``); clients that do not
show it themselves are also told with ``window/showMessage``. What the server keeps between requests
(the key, the busy documents, the progress tokens, the decision log) is its
:class:`~aicmo_lsp.app.GenerationState`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from lsprotocol import types

from aicmo_core.enforce import Outcome, Quality, default_chain, fallback_notice
from aicmo_core.generators.base import Mode, server_name
from aicmo_core.rewrite import body_text
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
from aicmo_lsp.applying import Placed, Placement, Replacement, apply_bodies

if TYPE_CHECKING:  # the decision log (pydantic models) loads with the first generation, not at start-up
    from aicmo_core.decisions import DecisionRecord, ReasonCode

log = logging.getLogger(__name__)


def tell(ls: AicmoLanguageServer, kind: types.MessageType, message: str) -> None:
    ls.window_show_message(types.ShowMessageParams(type=kind, message=message))


async def generate_sections(
    ls: AicmoLanguageServer, uri: str, choices: Sequence[SectionChoice], title: str, *, all_failing: bool = False
) -> dict[str, Any]:
    """Generate every chosen section with bounded concurrency, then apply all results in one edit.
    At most one generation runs per document. ``all_failing``: the run is "Regenerate all failing
    sections" (the ``regenerateAll`` preview setting applies)."""
    state = ls.generation
    if uri in state.busy:
        tell(ls, types.MessageType.Warning, "aicmo is already generating in this document; wait for it or cancel it")
        return {"applied": False, "reason": "busy"}
    state.busy.add(uri)
    try:
        return await _generate(ls, uri, choices, title, all_failing)
    finally:
        state.busy.discard(uri)


async def _generate(
    ls: AicmoLanguageServer, uri: str, choices: Sequence[SectionChoice], title: str, all_failing: bool
) -> dict[str, Any]:
    result = await ls.current_result(uri)
    if result is None or result.pack is None:
        return {"applied": False, "reason": "not a report"}
    settings = await ls.settings_for(uri)
    found = tasks_for(result, choices)
    # What each section's body was when the generation started: it is applied only over that text.
    snapshots = {c.section_id: body_text(r.section) for c in choices if (r := result.section(c.section_id))}
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
        from aicmo_core.decisions import cancelled_record  # noqa: PLC0415 (see TYPE_CHECKING above)

        run_id = uuid4()
        cancelled = [cancelled_record(run_id, result.pack.key, c.section_id, c.mode) for c in choices]
        await record_in_background(ls, cancelled)
        return {"applied": False, "reason": "cancelled"}
    produced = iter(outcomes)
    finished = [
        (choice, next(produced) if task is not None else None) for choice, task in zip(choices, found, strict=True)
    ]
    replacements = [
        replacement(choice, outcome, snapshots[choice.section_id])
        for choice, outcome in finished
        if outcome is not None and outcome.body
    ]
    preview = settings.preview_generated == "always" or (settings.preview_generated == "regenerateAll" and all_failing)
    placement = await apply_bodies(ls, uri, replacements, preview=preview)
    documents = [
        document_reason_after(outcome, placement.placed.get(task.section_id))
        for task, outcome in zip(tasks, outcomes, strict=True)
    ]
    await record_in_background(ls, decision_records(uuid4(), result.pack.key, tasks, outcomes, documents))
    sections = [section_result(choice, outcome, placement) for choice, outcome in finished]
    if not ls.generation.client_shows_results:
        tell_results(ls, finished, sections, placement)
    return {
        "applied": placement.any_applied,
        "endpoint": openai_endpoint(settings.generator.core(), ls.generation.key()),
        "sections": sections,
    }


VERBS = {Mode.REGENERATE: "Regenerate", Mode.SCRATCH: "Rewrite", Mode.EXPAND: "Expand", Mode.FIX: "Fix"}


def replacement(choice: SectionChoice, outcome: Outcome, snapshot: str) -> Replacement:
    """The new body of a section, applied only over ``snapshot``, labelled for a preview."""
    assert outcome.body is not None
    author = outcome.written_by
    description = (
        f"written by the {author.generator} generator" + (f" ({author.model})" if author.model else "")
        if author is not None
        else "generated"
    )
    if outcome.quality is Quality.PROVISIONAL:
        description += "; provisional: it still fails its benchmark"
    return Replacement(choice.section_id, outcome.body, snapshot, f"{VERBS[choice.mode]} '{choice.label}'", description)


def document_reason_after(outcome: Outcome, placed: Placed | None) -> ReasonCode:
    """What the run did to the document, for the decision log."""
    from aicmo_core.decisions import ReasonCode, document_reason  # noqa: PLC0415

    if outcome.body is None or placed is Placed.APPLIED:
        return document_reason(outcome)
    if placed is Placed.DECLINED:
        return ReasonCode.CANCELLED  # the writer discarded the preview
    return ReasonCode.DOCUMENT_CHANGED  # a conflict, or the section is gone


def section_result(choice: SectionChoice, outcome: Outcome | None, placement: Placement) -> dict[str, Any]:
    """One section of a generation command's answer (see docs/lsp.md#generation)."""
    placed = placement.placed.get(choice.section_id)
    if outcome is None:
        status = Placed.MISSING.value
    elif not outcome.body:
        status = "unchanged"
    else:
        status = (placed or Placed.MISSING).value
    author = outcome.written_by if outcome is not None else None
    answer: dict[str, Any] = {
        "section": choice.section_id,
        "label": choice.label,
        "line": placement.lines.get(choice.section_id) if status != Placed.MISSING.value else None,
        "status": status,
        "generator": author.generator if author is not None else None,
        "quality": outcome.quality.value if outcome is not None else None,
        "explanation": outcome.explanation if outcome is not None else "section not found",
    }
    if outcome is not None and status in (Placed.CONFLICT.value, Placed.DECLINED.value):
        answer["text"] = outcome.body
    if status == Placed.CONFLICT.value:
        answer["current"] = placement.current.get(choice.section_id, "")
    return answer


def tell_results(
    ls: AicmoLanguageServer,
    finished: Sequence[tuple[SectionChoice, Outcome | None]],
    sections: Sequence[dict[str, Any]],
    placement: Placement,
) -> None:
    """The writer's messages about the run, for clients that do not show the results themselves."""
    if placement.kept_changing:
        tell(
            ls,
            types.MessageType.Warning,
            "The document kept changing while aicmo applied its text; nothing was applied.",
        )
    for (choice, outcome), section in zip(finished, sections, strict=True):
        if choice.section_id in placement.refused:
            continue  # told above: the document kept changing
        message, kind = describe(choice, outcome, section["status"])
        if kind is not None:
            tell(ls, kind, message)


def openai_endpoint(config: GenerationConfig, api_key: str | None) -> str | None:
    """The host the ``openai`` generator sends the report to (never the key), or None when the chain
    has no ``openai`` generator."""
    chain = config.chain or default_chain(api_key)
    return server_name(config.base_url) if "openai" in chain else None


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
    if "openai" in chain.policy.chain:  # where the report goes; never the key
        log.info("generation: openai model %s at %s", config.model, server_name(config.base_url))
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


def describe(choice: SectionChoice, outcome: Outcome | None, status: str) -> tuple[str, types.MessageType | None]:
    """The message for the writer about one section, and its kind (None: say nothing)."""
    if status == Placed.MISSING.value:
        return (
            f"Section '{choice.label}' is no longer in the document; nothing was applied.",
            types.MessageType.Warning,
        )
    if status == Placed.CONFLICT.value:
        return (
            f"'{choice.label}' changed while aicmo was writing it; nothing was applied there. "
            "Run the command again to replace it.",
            types.MessageType.Warning,
        )
    if outcome is None or status == Placed.DECLINED.value:
        return "", None  # the writer discarded the preview: nothing to tell
    if outcome.passed:
        # A fallback wrote it: the writer must not believe the first generator (the model) did.
        notice = fallback_notice(choice.label, outcome)
        return (notice, types.MessageType.Warning) if notice else (outcome.explanation, None)
    if outcome.body is None:
        return f"'{choice.label}': {outcome.explanation}", types.MessageType.Warning
    return f"'{choice.label}' is marked provisional: {outcome.explanation}", types.MessageType.Warning


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
