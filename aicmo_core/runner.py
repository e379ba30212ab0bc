"""The generation runner: writing several sections at once, for ``aicmo fix``, ``aicmo new`` and
the editor's actions alike.

- :class:`GenerationConfig` is how a run is set up (which generators, how hard they try, how many
  sections at once); :func:`build_chain` turns it and the API key into generators and a policy.
- :class:`SectionChoice` is a section the writer chose (by id, in a mode); :func:`tasks_for`
  resolves choices against a checked report into :class:`SectionTask` objects, and
  :func:`new_report_tasks` makes one per section of a pack for a new report.
- :func:`run_tasks` enforces each task with adaptive concurrency (:mod:`aicmo_core.concurrency`:
  every model request at once up to ``concurrency``, fewer when the endpoint rate-limits;
  cancelling the calling task cancels every generator call in flight) and reports each finished
  section. A rate-limited call that was waited out and retried is kept in the section's trace.
- :func:`decision_records` and :func:`record_all` keep the run in the decision log.

Front ends only add what is theirs: the CLI a progress bar, a diff and atomic writes; the
language server work-done progress, cancellation and a versioned workspace edit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from uuid import UUID

from aicmo_core.benchmarks.models import Pack
from aicmo_core.check import ReportResult, SectionResult
from aicmo_core.concurrency import AdaptiveLimiter, RateLimitedCall, paced
from aicmo_core.enforce import Candidate, OnExhausted, Outcome, Policy, default_chain, enforce
from aicmo_core.findings import Status
from aicmo_core.generators import defaults
from aicmo_core.generators.base import (
    GenerationRequest,
    Generator,
    GeneratorSettings,
    Mode,
    Neighbour,
    Reason,
    create_generator,
)
from aicmo_core.reports import new_report_requests
from aicmo_core.rewrite import expand_target, generation_request

if TYPE_CHECKING:  # the decision log (pydantic models) loads when a run is recorded, not at start-up
    from aicmo_core.decisions import DecisionLog, DecisionRecord, ReasonCode


@dataclass(frozen=True, slots=True)
class GenerationConfig:
    """How sections are generated. ``chain`` None: ``openai`` then ``template`` with a key, else
    ``template`` alone. The defaults are :mod:`aicmo_core.generators.defaults`."""

    chain: tuple[str, ...] | None = None
    model: str = defaults.MODEL
    base_url: str | None = None
    timeout_seconds: float = defaults.TIMEOUT_SECONDS
    max_retries: int = defaults.MAX_RETRIES
    max_attempts: int = defaults.MAX_ATTEMPTS
    on_exhausted: str = defaults.ON_EXHAUSTED
    token_budget: int = defaults.TOKEN_BUDGET
    brief_fields: tuple[str, ...] = defaults.BRIEF_FIELDS
    concurrency: int = defaults.CONCURRENCY  # the most model requests in flight at once


@dataclass(frozen=True, slots=True)
class Chain:
    """The generators to try, in order, and the enforcement policy."""

    generators: tuple[Generator, ...]
    policy: Policy


def build_chain(config: GenerationConfig, api_key: str | None) -> Chain:
    """The generators of ``config`` with the key (never logged), leaving rate limits to the runner's
    limiter. ``KeyError`` names an unknown generator and the known ones; ``ValueError`` an
    impossible setting."""
    if config.max_attempts < 1:
        raise ValueError("max attempts must be at least 1")
    settings = GeneratorSettings(
        model=config.model,
        base_url=config.base_url,
        api_key=api_key,
        timeout_s=config.timeout_seconds,
        max_retries=config.max_retries,
        token_budget=config.token_budget,
        brief_fields=config.brief_fields,
        paced=True,  # run_tasks and run_in_order pace every model call
    )
    names = config.chain or default_chain(api_key)
    generators = tuple(create_generator(name, settings) for name in names)
    return Chain(generators, Policy(tuple(names), config.max_attempts, OnExhausted(config.on_exhausted)))


@dataclass(frozen=True, slots=True)
class SectionChoice:
    """A section the writer chose to have written: its id and label, the mode, and for ``expand``
    the word count to reach."""

    section_id: str
    label: str
    mode: Mode
    target_words: int | None = None

    @classmethod
    def of(cls, section_result: SectionResult, mode: Mode, target_words: int | None = None) -> SectionChoice:
        """The choice for a section of a checked report; ``expand`` aims for :func:`expand_target`."""
        benchmark = section_result.section.benchmark
        assert benchmark is not None
        if mode is Mode.EXPAND and target_words is None:
            target_words = expand_target(section_result)
        return cls(benchmark.id, benchmark.label, mode, target_words if mode is Mode.EXPAND else None)


def generation_modes(section_result: SectionResult) -> list[Mode]:
    """The modes worth offering for a section: none for one that does not fail; ``expand`` only
    below the minimum length, ``fix`` and ``scratch`` (discarding the text) only where there is text."""
    benchmark = section_result.section.benchmark
    if benchmark is None or section_result.status is not Status.FAIL:
        return []
    modes = [Mode.REGENERATE]
    if section_result.section.metrics.words < benchmark.min_words:
        modes.append(Mode.EXPAND)
    if section_result.section.metrics.words > 0:
        modes += [Mode.FIX, Mode.SCRATCH]
    return modes


@dataclass(frozen=True, slots=True)
class SectionTask:
    """One section to write: the request, and the heading it sits under (None: a new report's
    section, headed by its label)."""

    request: GenerationRequest
    heading: str | None = None

    @property
    def section_id(self) -> str:
        return self.request.section.id

    @property
    def label(self) -> str:
        return self.request.section.label


def tasks_for(result: ReportResult, choices: Sequence[SectionChoice]) -> list[SectionTask | None]:
    """Each choice as a task on the checked report; None where the report no longer has the section."""
    tasks: list[SectionTask | None] = []
    for choice in choices:
        found = result.section(choice.section_id)
        if found is None or found.section.benchmark is None:
            tasks.append(None)
            continue
        request = generation_request(result, found, choice.mode, choice.target_words)
        tasks.append(SectionTask(request, found.section.heading.title))
    return tasks


def new_report_tasks(pack: Pack, brief: Mapping[str, object], *, mdx: bool = False) -> list[SectionTask]:
    """One ``regenerate`` task per section of ``pack``, in pack order, for a new report."""
    return [SectionTask(request) for request in new_report_requests(pack, brief, mdx=mdx)]


Finished = Callable[[int, SectionTask], None]  # (sections done so far, the one that just finished)


async def run_tasks(
    tasks: Sequence[SectionTask], chain: Chain, concurrency: int, on_finished: Finished | None = None
) -> list[Outcome]:
    """Enforce every task at once, the model requests paced by one :class:`AdaptiveLimiter`: at
    most ``concurrency`` in flight, fewer while the endpoint rate-limits. Outcomes in task order."""
    limiter = AdaptiveLimiter(len(tasks), concurrency)
    done = 0

    async def one(task: SectionTask) -> Outcome:
        nonlocal done
        outcome = await enforce_paced(task.request, chain, limiter, task.heading)
        done += 1
        if on_finished is not None:
            on_finished(done, task)
        return outcome

    return list(await asyncio.gather(*(one(task) for task in tasks)))


async def run_in_order(
    tasks: Sequence[SectionTask], chain: Chain, on_finished: Finished | None = None
) -> list[Outcome]:
    """Enforce the tasks one after the other, each request carrying the sections written before it
    (``GenerationRequest.report``): a new report's sections continue each other instead of each
    being written blind. Rate-limited calls are waited out and retried as in :func:`run_tasks`."""
    limiter = AdaptiveLimiter(1, 1)
    outcomes: list[Outcome] = []
    written: list[Neighbour] = []
    for done, task in enumerate(tasks, start=1):
        request = replace(task.request, report=(*task.request.report, *written))
        outcome = await enforce_paced(request, chain, limiter, task.heading)
        outcomes.append(outcome)
        written.append(Neighbour(task.section_id, task.heading or task.label, outcome.body or ""))
        if on_finished is not None:
            on_finished(done, task)
    return outcomes


async def enforce_paced(
    request: GenerationRequest, chain: Chain, limiter: AdaptiveLimiter, heading: str | None
) -> Outcome:
    """:func:`enforce` with the chain's model calls behind ``limiter``; each call that was
    rate-limited and retried is in the trace, just before the attempt it became."""
    retried: list[RateLimitedCall] = []
    generators = paced(chain.generators, limiter, retried.append)
    outcome = await enforce(request, generators, chain.policy, heading=heading)
    return with_retried_calls(outcome, retried) if retried else outcome


def with_retried_calls(outcome: Outcome, retried: Sequence[RateLimitedCall]) -> Outcome:
    """``outcome`` with a ``rate_limited`` candidate (no text) for each call in ``retried``, just
    before the candidate of the same generator and attempt: the decision log then records that the
    section was rate-limited and tried again."""
    waiting = [
        Candidate(c.generator, c.attempt, None, (), Reason.RATE_LIMITED, c.message, c.latency_ms, model=c.model)
        for c in retried
    ]
    trace: list[Candidate] = []
    for candidate in outcome.trace:
        key = (candidate.generator, candidate.attempt)
        trace += [c for c in waiting if (c.generator, c.attempt) == key]
        waiting = [c for c in waiting if (c.generator, c.attempt) != key]
        trace.append(candidate)
    return replace(outcome, trace=(*trace, *waiting))


def decision_records(
    run_id: UUID,
    pack_key: str,
    tasks: Sequence[SectionTask],
    outcomes: Sequence[Outcome],
    documents: Sequence[ReasonCode | None],
) -> list[DecisionRecord]:
    """The records of a run: per section, its attempts, the generators passed over, its quality
    signal and (where known) what happened to the document."""
    from aicmo_core.decisions import run_records  # noqa: PLC0415 (see the TYPE_CHECKING import)

    return [
        record
        for task, outcome, document in zip(tasks, outcomes, documents, strict=True)
        for record in run_records(run_id, pack_key, task.section_id, task.request.mode, outcome, document=document)
    ]


def record_all(log: DecisionLog, records: Sequence[DecisionRecord]) -> None:
    """Write records to the decision log in one transaction (safe: it never raises, and waits for a
    locked database at most ``BUSY_TIMEOUT_S`` once, not once per record)."""
    log.record_many(records)
