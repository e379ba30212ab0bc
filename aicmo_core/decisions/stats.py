"""The statistics ``aicmo stats`` prints: pass and regeneration rates of the decision records by
pack, section and rule, what each generator (and model) did and cost, and their plain-text tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from uuid import UUID

from aicmo_core.decisions.prices import PRICES_AS_OF, estimated_cost
from aicmo_core.decisions.record import (
    PASSING_QUALITY,
    SCHEMA_VERSION,
    DecisionRecord,
    DecisionType,
    ReasonCode,
    RecordOutcome,
)

_BY_FIRST_GENERATOR = frozenset({ReasonCode.PASSED_FIRST_ATTEMPT, ReasonCode.PASSED_AFTER_RETRY})


@dataclass(frozen=True, slots=True)
class GroupStats:
    """Rates of one pack, one section (``pack/section``), one rule (its code) or of everything.

    A *run* is one section's enforcement in one user action (records sharing run id, pack and
    section). Rates are shares of the group's runs that were not cancelled, None when there are none.
    For a rule, the group's runs are those in which the rule failed at least one attempt, and
    ``failed_attempts`` counts the attempts it failed.
    """

    key: str
    runs: int  # runs not cancelled
    cancelled: int  # runs cancelled before a verdict
    attempts: int  # attempt records in the group's runs, cancelled ones included
    failed_attempts: int  # attempts that failed (a rule: attempts that failed that rule)
    pass_rate: float | None  # runs whose final outcome passed, after any retries and fallbacks
    first_generator_pass_rate: float | None  # runs the first generator of the chain passed (retries included)
    fallback_pass_rate: float | None  # runs a later generator of the chain passed (quality fallback_used)
    first_attempt_pass_rate: float | None  # runs that passed on their first attempt (None for rules)
    regeneration_rate: float | None  # runs that needed more than one attempt or a fallback
    provisional_rate: float | None  # runs that ended with the best attempt marked provisional


@dataclass(frozen=True, slots=True)
class GeneratorStats:
    """What one generator did with one model (``model`` None: the template generator, or a record
    written before models were recorded), over the runs not cancelled in which it was called."""

    generator: str
    model: str | None
    runs: int  # runs in which it was called
    attempts: int  # its attempts in those runs
    passed_attempts: int  # its attempts that passed
    first_attempt_pass_rate: float | None  # its runs in which its first attempt passed
    attempt_pass_rate: float | None  # its attempts that passed
    passed_over: int  # its runs in which the chain fell back from it to a later generator
    passed_over_rate: float | None  # passed_over as a share of its runs
    prompt_tokens: int | None  # what the server reported, summed; None when it reported none
    completion_tokens: int | None
    estimated_cost_usd: float | None  # at the list price of the model; None when unknown or no tokens


@dataclass(frozen=True, slots=True)
class DecisionStats:
    total: GroupStats
    packs: tuple[GroupStats, ...] = ()
    sections: tuple[GroupStats, ...] = ()
    rules: tuple[GroupStats, ...] = ()
    generators: tuple[GeneratorStats, ...] = ()

    @property
    def empty(self) -> bool:
        return self.total.runs + self.total.cancelled == 0

    def as_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "prices_as_of": PRICES_AS_OF,
            "total": asdict(self.total),
            "generators": [asdict(group) for group in self.generators],
            "packs": [asdict(group) for group in self.packs],
            "sections": [asdict(group) for group in self.sections],
            "rules": [asdict(group) for group in self.rules],
        }


@dataclass(slots=True)
class _Run:
    """What the records of one section run add up to."""

    pack: str
    section: str
    attempts: int = 0
    failed_attempts: int = 0
    rule_failures: Counter[str] = field(default_factory=Counter)
    calls: list[DecisionRecord] = field(default_factory=list)  # the attempts that were not cancelled
    quality: ReasonCode | None = None
    cancelled: bool = False

    def add(self, record: DecisionRecord) -> None:
        if record.decision_type is DecisionType.ATTEMPT:
            self.attempts += 1
            if record.outcome in (RecordOutcome.FAILED, RecordOutcome.ERROR):
                self.failed_attempts += 1
            self.rule_failures.update(record.failed_rules)
            if record.outcome is not RecordOutcome.CANCELLED and record.generator is not None:
                self.calls.append(record)
        elif record.decision_type is DecisionType.QUALITY_SIGNAL:
            self.quality = record.reason_code
        if record.reason_code is ReasonCode.CANCELLED or record.outcome is RecordOutcome.CANCELLED:
            self.cancelled = True

    @property
    def counted(self) -> bool:
        """Whether the run reached a verdict, or at least was not cancelled before one."""
        return self.quality is not None or not self.cancelled

    @property
    def passed(self) -> bool:
        return self.quality in PASSING_QUALITY

    @property
    def regenerated(self) -> bool:
        return self.attempts > 1 or self.quality in (ReasonCode.PASSED_AFTER_RETRY, ReasonCode.FALLBACK_USED)


def _group(key: str, runs: list[_Run], rule: str | None = None) -> GroupStats:
    counted = [run for run in runs if run.counted]

    def rate(count: int) -> float | None:
        return count / len(counted) if counted else None

    return GroupStats(
        key=key,
        runs=len(counted),
        cancelled=len(runs) - len(counted),
        attempts=sum(run.attempts for run in runs),
        failed_attempts=sum(run.rule_failures[rule] if rule else run.failed_attempts for run in runs),
        pass_rate=rate(sum(run.passed for run in counted)),
        first_generator_pass_rate=rate(sum(run.quality in _BY_FIRST_GENERATOR for run in counted)),
        fallback_pass_rate=rate(sum(run.quality is ReasonCode.FALLBACK_USED for run in counted)),
        first_attempt_pass_rate=None
        if rule
        else rate(sum(run.quality is ReasonCode.PASSED_FIRST_ATTEMPT for run in counted)),
        regeneration_rate=rate(sum(run.regenerated for run in counted)),
        provisional_rate=rate(sum(run.quality is ReasonCode.PROVISIONAL for run in counted)),
    )


@dataclass(slots=True)
class _Calls:
    """What one generator and model add up to, run by run."""

    runs: int = 0
    first_passed: int = 0
    attempts: int = 0
    passed: int = 0
    passed_over: int = 0
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    def add_run(self, calls: list[DecisionRecord], fell_back: bool) -> None:
        self.runs += 1
        self.first_passed += calls[0].outcome is RecordOutcome.PASSED
        self.attempts += len(calls)
        self.passed += sum(call.outcome is RecordOutcome.PASSED for call in calls)
        self.passed_over += fell_back
        for call in calls:
            if call.prompt_tokens is not None:
                self.prompt_tokens = (self.prompt_tokens or 0) + call.prompt_tokens
            if call.completion_tokens is not None:
                self.completion_tokens = (self.completion_tokens or 0) + call.completion_tokens

    def stats(self, generator: str, model: str | None) -> GeneratorStats:
        def share(count: int, total: int) -> float | None:
            return count / total if total else None

        return GeneratorStats(
            generator=generator,
            model=model,
            runs=self.runs,
            attempts=self.attempts,
            passed_attempts=self.passed,
            first_attempt_pass_rate=share(self.first_passed, self.runs),
            attempt_pass_rate=share(self.passed, self.attempts),
            passed_over=self.passed_over,
            passed_over_rate=share(self.passed_over, self.runs),
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            estimated_cost_usd=estimated_cost(model, self.prompt_tokens, self.completion_tokens),
        )


def _generators(runs: Iterable[_Run]) -> tuple[GeneratorStats, ...]:
    """Per generator and model: its runs, attempts, passes, how often the chain fell back from it, tokens."""
    totals: dict[tuple[str, str | None], _Calls] = {}
    for run in runs:
        if not run.counted:
            continue
        by_key: dict[tuple[str, str | None], list[DecisionRecord]] = {}
        for call in run.calls:
            assert call.generator is not None
            by_key.setdefault((call.generator, call.model), []).append(call)
        order = list(by_key)  # in the order the chain tried them
        for position, key in enumerate(order):
            totals.setdefault(key, _Calls()).add_run(by_key[key], fell_back=position < len(order) - 1)
    ordered = sorted(totals.items(), key=lambda item: (item[0][0], item[0][1] or ""))
    return tuple(calls.stats(generator, model) for (generator, model), calls in ordered)


def compute_stats(records: Iterable[DecisionRecord]) -> DecisionStats:
    """Rates by pack, by section and by rule, and what each generator did; see :class:`GroupStats`
    and :class:`GeneratorStats` for the definitions."""
    runs: dict[tuple[UUID, str, str], _Run] = {}
    for record in records:
        key = (record.run_id, record.pack, record.section_id)
        run = runs.get(key)
        if run is None:
            run = runs[key] = _Run(record.pack, record.section_id)
        run.add(record)
    every = list(runs.values())
    by_pack: dict[str, list[_Run]] = {}
    by_section: dict[str, list[_Run]] = {}
    by_rule: dict[str, list[_Run]] = {}
    for run in every:
        by_pack.setdefault(run.pack, []).append(run)
        by_section.setdefault(f"{run.pack}/{run.section}", []).append(run)
        for code in run.rule_failures:
            by_rule.setdefault(code, []).append(run)
    return DecisionStats(
        total=_group("all", every),
        packs=tuple(_group(key, group) for key, group in sorted(by_pack.items())),
        sections=tuple(_group(key, group) for key, group in sorted(by_section.items())),
        rules=tuple(_group(key, group, rule=key) for key, group in sorted(by_rule.items())),
        generators=_generators(every),
    )


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _count(number: int | None) -> str:
    return "-" if number is None else f"{number:,}"


def _aligned(header: tuple[str, ...], rows: Sequence[tuple[str, ...]], left: int = 1) -> list[str]:
    """Plain columns: the first ``left`` ones flush left, the others flush right."""
    widths = [max(len(row[column]) for row in (header, *rows)) for column in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(width) if column < left else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(header), *(line(row) for row in rows)]


_HEADER = (
    "runs",
    "attempts",
    "failed",
    "passed",
    "by fallback",
    "first try",
    "regenerated",
    "provisional",
    "cancelled",
)


def _table(title: str, groups: Iterable[GroupStats], label: Mapping[str, str] | None = None) -> list[str]:
    rows = [
        (
            (label or {}).get(group.key, group.key),
            str(group.runs),
            str(group.attempts),
            str(group.failed_attempts),
            _percent(group.pass_rate),
            _percent(group.fallback_pass_rate),
            _percent(group.first_attempt_pass_rate),
            _percent(group.regeneration_rate),
            _percent(group.provisional_rate),
            str(group.cancelled),
        )
        for group in groups
    ]
    return _aligned((title, *_HEADER), rows)


_GENERATOR_HEADER = (
    "generator",
    "model",
    "runs",
    "attempts",
    "first try",
    "attempts passed",
    "passed over",
    "prompt tokens",
    "completion tokens",
    "est. cost",
)


def _cost(group: GeneratorStats) -> str:
    if group.estimated_cost_usd is not None:
        return f"${group.estimated_cost_usd:.4f}"
    return "-" if group.prompt_tokens is None and group.completion_tokens is None else "n/a"


def generator_table(generators: Iterable[GeneratorStats]) -> list[str]:
    """The table by generator and model, and what its cost column means."""
    rows = [
        (
            group.generator,
            group.model or "-",
            str(group.runs),
            str(group.attempts),
            _percent(group.first_attempt_pass_rate),
            _percent(group.attempt_pass_rate),
            _percent(group.passed_over_rate),
            _count(group.prompt_tokens),
            _count(group.completion_tokens),
            _cost(group),
        )
        for group in generators
    ]
    note = f"est. cost: USD at OpenAI list prices as of {PRICES_AS_OF}; n/a: no known price for the model"
    return [*_aligned(_GENERATOR_HEADER, rows, left=2), note]


def summary_line(total: GroupStats) -> str:
    """``N section runs: X% passed (Y% by the first generator of the chain, Z% by a fallback), ...``"""
    return (
        f"{total.runs} section runs: {_percent(total.pass_rate)} passed "
        f"({_percent(total.first_generator_pass_rate)} by the first generator of the chain, "
        f"{_percent(total.fallback_pass_rate)} by a fallback), {_percent(total.first_attempt_pass_rate)} on the "
        f"first attempt, {_percent(total.regeneration_rate)} regenerated, {_percent(total.provisional_rate)} "
        f"provisional; {total.attempts} attempts, {total.cancelled} cancelled"
    )


def stats_text(stats: DecisionStats, rule_names: Mapping[str, str] | None = None) -> str:
    """A summary line, then plain aligned tables by generator and model, by pack, by section and by
    rule (``AIC101 min_words``)."""
    names = {code: f"{code} {name}" for code, name in (rule_names or {}).items()}
    blocks = [[summary_line(stats.total)]]
    if stats.generators:
        blocks.append(generator_table(stats.generators))
    blocks += [_table("pack", stats.packs), _table("section", stats.sections)]
    blocks.append(_table("rule", stats.rules, names) if stats.rules else ["no rule failed an attempt"])
    return "\n\n".join("\n".join(block) for block in blocks)
