"""Running generators for the editor: progress, cancellation, and applying the result safely.

The core's enforcement loop decides what text a section gets; this module only wires it to LSP:
a cancellable ``window/workDoneProgress`` while it runs, then one ``workspace/applyEdit`` (one undo
step) against the document version it is applied to. When the writer typed while the generator
worked, the section is found again by its id in the newest text and only its body is replaced; if it
is gone, nothing is applied and the writer is told.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from lsprotocol import types

from aicmo_core.check import ReportResult, SectionResult
from aicmo_core.decisions import (
    DecisionLog,
    DecisionRecord,
    ReasonCode,
    cancelled_record,
    document_reason,
    run_records,
)
from aicmo_core.enforce import OnExhausted, Outcome, Policy, default_chain, enforce
from aicmo_core.findings import Status
from aicmo_core.generators.base import GenerationRequest, Generator, GeneratorSettings, Mode, create_generator
from aicmo_core.rewrite import TextEdit, expand_target, find_section, generation_request, replace_body
from aicmo_lsp.app import AicmoLanguageServer
from aicmo_lsp.settings import GeneratorConfig

log = logging.getLogger(__name__)

APPLY_TRIES = 3


@dataclass(frozen=True, slots=True)
class SectionJob:
    section_id: str
    label: str
    mode: Mode
    target_words: int | None = None


class GenerationService:
    """Generation jobs of one server: at most one per document at a time."""

    def __init__(self, server: AicmoLanguageServer) -> None:
        self.server = server
        self.api_key: str | None = None  # handed over by the editor; never logged or stored
        self.progress_tasks: dict[str, asyncio.Task[Any]] = {}
        self.busy: set[str] = set()
        self.decisions = DecisionLog()

    # ------------------------------------------------------------------ generators
    def key(self) -> str | None:
        return self.api_key or os.environ.get("OPENAI_API_KEY") or None

    def generators(self, config: GeneratorConfig) -> tuple[list[Generator], Policy]:
        key = self.key()
        settings = GeneratorSettings(
            model=config.model,
            base_url=config.base_url,
            api_key=key,
            timeout_s=config.timeout_seconds,
            max_retries=config.max_retries,
            token_budget=config.token_budget,
        )
        chain = config.chain or default_chain(key)
        policy = Policy(
            chain=tuple(chain), max_attempts=config.max_attempts, on_exhausted=OnExhausted(config.on_exhausted)
        )
        return [create_generator(name, settings) for name in chain], policy

    # --------------------------------------------------------------------- running
    async def run(self, uri: str, jobs: Sequence[SectionJob], title: str) -> dict[str, Any]:
        """Generate every job's section with bounded concurrency, then apply all results in one edit."""
        if uri in self.busy:
            self.tell(
                types.MessageType.Warning, "aicmo is already generating in this document; wait for it or cancel it"
            )
            return {"applied": False, "reason": "busy"}
        self.busy.add(uri)
        try:
            return await self._run(uri, jobs, title)
        finally:
            self.busy.discard(uri)

    async def enforce_all(
        self, requests: Sequence[tuple[GenerationRequest, str | None]], config: GeneratorConfig, title: str
    ) -> list[Outcome] | None:
        """Enforce each (request, heading) with the configured chain, at most ``concurrency`` at once,
        under one cancellable progress. None when the writer cancelled; ``KeyError`` for a chain that
        names an unknown generator."""
        generators, policy = self.generators(config)
        semaphore = asyncio.Semaphore(config.concurrency)
        progress = await self.begin_progress(title, len(requests))
        done = 0

        async def one(request: GenerationRequest, heading: str | None) -> Outcome:
            nonlocal done
            async with semaphore:
                outcome = await enforce(request, generators, policy, heading=heading)
            done += 1
            progress.report(f"{done}/{len(requests)}: {request.section.label}", done * 100 // max(len(requests), 1))
            return outcome

        work = asyncio.ensure_future(asyncio.gather(*(one(request, heading) for request, heading in requests)))
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
        return list(outcomes)

    def unknown_generator(self, error: KeyError) -> None:
        self.tell(types.MessageType.Error, f"aicmo: {error.args[0]}; check the setting aicmo.generator.chain")

    async def _run(self, uri: str, jobs: Sequence[SectionJob], title: str) -> dict[str, Any]:
        result = await self.server.current_result(uri)
        if result is None or result.pack is None:
            return {"applied": False, "reason": "not a report"}
        settings = await self.server.settings_for(uri)
        found = [(job, find_section(result, job.section_id)) for job in jobs]
        requests = [
            (generation_request(result, target, job.mode, job.target_words), target.section.heading.title)
            for job, target in found
            if target is not None
        ]
        try:
            outcomes = await self.enforce_all(requests, settings.generator, title)
        except KeyError as exc:
            self.unknown_generator(exc)
            return {"applied": False, "reason": "unknown generator"}
        except Exception as exc:  # a generator bug must not leave the writer guessing
            log.exception("generation failed")
            self.tell(types.MessageType.Error, f"aicmo could not generate: {type(exc).__name__}: {exc}")
            return {"applied": False, "reason": "error"}
        if outcomes is None:
            run_id = uuid4()
            cancelled = [cancelled_record(run_id, result.pack.key, job.section_id, job.mode) for job in jobs]
            await asyncio.get_running_loop().run_in_executor(None, record_all, self.decisions, cancelled)
            return {"applied": False, "reason": "cancelled"}
        produced = iter(outcomes)
        finished = [(job, next(produced) if target is not None else None) for job, target in found]
        bodies = {job.section_id: outcome.body for job, outcome in finished if outcome is not None and outcome.body}
        applied, missing = await self.apply(uri, bodies) if bodies else (False, [])
        await self.log(result, finished, applied, missing)
        summary = [self.describe(job, outcome, job.section_id in missing) for job, outcome in finished]
        for message, kind in summary:
            if kind is not None:
                self.tell(kind, message)
        return {
            "applied": applied,
            "sections": [
                {
                    "section": job.section_id,
                    "quality": outcome.quality.value if outcome else None,
                    "explanation": outcome.explanation if outcome else "section not found",
                    "applied": applied and job.section_id in bodies and job.section_id not in missing,
                }
                for job, outcome in finished
            ],
        }

    async def log(
        self,
        result: ReportResult,
        finished: Sequence[tuple[SectionJob, Outcome | None]],
        applied: bool,
        missing: list[str],
    ) -> None:
        """The decision log of this action (in a worker thread: a locked database must not stall the editor)."""
        assert result.pack is not None
        run_id = uuid4()
        records = []
        for job, outcome in finished:
            if outcome is None:
                continue
            document = document_reason(outcome)
            if outcome.body is not None and (not applied or job.section_id in missing):
                document = ReasonCode.DOCUMENT_CHANGED
            records += run_records(run_id, result.pack.key, job.section_id, job.mode, outcome, document=document)
        if records:
            await asyncio.get_running_loop().run_in_executor(None, record_all, self.decisions, records)

    def describe(self, job: SectionJob, outcome: Outcome | None, missing: bool) -> tuple[str, types.MessageType | None]:
        """The message for the writer about one section, and its kind (None: say nothing)."""
        if outcome is None or missing:
            return (
                f"Section '{job.label}' is no longer in the document; nothing was applied.",
                types.MessageType.Warning,
            )
        if outcome.passed:
            return outcome.explanation, None
        if outcome.body is None:
            return f"'{job.label}': {outcome.explanation}", types.MessageType.Warning
        return f"'{job.label}' is marked provisional: {outcome.explanation}", types.MessageType.Warning

    # -------------------------------------------------------------------- applying
    async def apply(self, uri: str, bodies: dict[str, str]) -> tuple[bool, list[str]]:
        """Replace the bodies of the sections (by id) in the newest text, as one edit.

        Returns whether the client applied it and the ids of sections no longer found.
        """
        for _ in range(APPLY_TRIES):
            result = await self.server.current_result(uri)
            if result is None:
                await asyncio.sleep(0.05)  # a newer version is being validated
                continue
            version = self.server.workspace.get_text_document(uri).version
            edits: list[TextEdit] = []
            missing = []
            for section_id, body in bodies.items():
                section_result = find_section(result, section_id)
                if section_result is None:
                    missing.append(section_id)
                else:
                    edits.append(replace_body(section_result.section, body))
            if not edits:
                return False, missing
            response = await self.server.workspace_apply_edit_async(
                types.ApplyWorkspaceEditParams(
                    edit=workspace_edit(self.server, result, uri, version, edits),
                    label="aicmo: generate sections" if len(edits) > 1 else "aicmo: generate section",
                )
            )
            if response.applied:
                return True, missing
            log.info("client did not apply the edit (%s); trying against the newest text", response.failure_reason)
        self.tell(
            types.MessageType.Warning, "The document kept changing while aicmo applied its text; nothing was applied."
        )
        return False, []

    # -------------------------------------------------------------------- progress
    async def begin_progress(self, title: str, total: int) -> Progress:
        progress = Progress(self.server, str(uuid4()), self.progress_tasks)
        await progress.begin(title, total)
        return progress

    def cancel(self, token: str) -> None:
        task = self.progress_tasks.get(token)
        if task is not None:
            task.cancel()

    def tell(self, kind: types.MessageType, message: str) -> None:
        self.server.window_show_message(types.ShowMessageParams(type=kind, message=message))


class Progress:
    """A cancellable work-done progress (a no-op when the client does not support it)."""

    def __init__(self, server: AicmoLanguageServer, token: str, tasks: dict[str, asyncio.Task[Any]]) -> None:
        self.server = server
        self.token = token
        self.tasks = tasks
        self.enabled = False

    async def begin(self, title: str, total: int) -> None:
        window = self.server.client_capabilities.window
        if not (window and window.work_done_progress):
            return
        try:
            await self.server.work_done_progress.create_async(self.token)
        except Exception:
            log.warning("the client refused a progress token", exc_info=True)
            return
        self.enabled = True
        self.server.work_done_progress.begin(
            self.token,
            types.WorkDoneProgressBegin(title=title, cancellable=True, message=f"0/{total}", percentage=0),
        )

    def attach(self, task: asyncio.Task[Any] | asyncio.Future[Any]) -> None:
        self.tasks[self.token] = task  # type: ignore[assignment]

    def report(self, message: str, percentage: int) -> None:
        if self.enabled:
            self.server.work_done_progress.report(
                self.token, types.WorkDoneProgressReport(message=message, percentage=percentage)
            )

    def end(self, message: str) -> None:
        self.tasks.pop(self.token, None)
        if self.enabled:
            self.server.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))


def record_all(log: DecisionLog, records: Sequence[DecisionRecord]) -> None:
    for record in records:
        log.record(record)


def workspace_edit(
    server: AicmoLanguageServer, result: ReportResult, uri: str, version: int | None, edits: Sequence[TextEdit]
) -> types.WorkspaceEdit:
    """Edits computed on ``result``'s text, as one versioned document edit (one undo step)."""
    mapper = server.result_mapper(result)
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=[types.TextEdit(range=mapper.range(edit.span), new_text=edit.new_text) for edit in edits],
            )
        ]
    )


def failing(result: ReportResult) -> list[SectionResult]:
    """Sections of the pack that fail their benchmark, in document order."""
    return [r for r in result.sections if r.section.benchmark is not None and r.status is Status.FAIL]


def section_job(section_result: SectionResult, mode: Mode) -> SectionJob:
    benchmark = section_result.section.benchmark
    assert benchmark is not None
    target = expand_target(section_result) if mode is Mode.EXPAND else None
    return SectionJob(benchmark.id, benchmark.label, mode, target)
