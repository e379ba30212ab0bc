"""The statistics ``aicmo stats`` prints: pass and regeneration rates of the decision records by
pack, section and rule, and their plain-text tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from uuid import UUID

from aicmo_core.decisions.record import (
    PASSING_QUALITY,
    SCHEMA_VERSION,
    DecisionRecord,
    DecisionType,
    ReasonCode,
    RecordOutcome,
)


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
    first_attempt_pass_rate: float | None  # runs that passed on their first attempt (None for rules)
    regeneration_rate: float | None  # runs that needed more than one attempt or a fallback
    provisional_rate: float | None  # runs that ended with the best attempt marked provisional


@dataclass(frozen=True, slots=True)
class DecisionStats:
    total: GroupStats
    packs: tuple[GroupStats, ...] = ()
    sections: tuple[GroupStats, ...] = ()
    rules: tuple[GroupStats, ...] = ()

    @property
    def empty(self) -> bool:
        return self.total.runs + self.total.cancelled == 0

    def as_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "total": asdict(self.total),
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
    quality: ReasonCode | None = None
    cancelled: bool = False

    def add(self, record: DecisionRecord) -> None:
        if record.decision_type is DecisionType.ATTEMPT:
            self.attempts += 1
            if record.outcome in (RecordOutcome.FAILED, RecordOutcome.ERROR):
                self.failed_attempts += 1
            self.rule_failures.update(record.failed_rules)
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
        first_attempt_pass_rate=None
        if rule
        else rate(sum(run.quality is ReasonCode.PASSED_FIRST_ATTEMPT for run in counted)),
        regeneration_rate=rate(sum(run.regenerated for run in counted)),
        provisional_rate=rate(sum(run.quality is ReasonCode.PROVISIONAL for run in counted)),
    )


def compute_stats(records: Iterable[DecisionRecord]) -> DecisionStats:
    """Rates by pack, by section and by rule; see :class:`GroupStats` for the definitions."""
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
    )


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


_HEADER = ("runs", "attempts", "failed", "passed", "first try", "regenerated", "provisional", "cancelled")


def _table(title: str, groups: Iterable[GroupStats], label: Mapping[str, str] | None = None) -> list[str]:
    rows = [
        (
            (label or {}).get(group.key, group.key),
            str(group.runs),
            str(group.attempts),
            str(group.failed_attempts),
            _percent(group.pass_rate),
            _percent(group.first_attempt_pass_rate),
            _percent(group.regeneration_rate),
            _percent(group.provisional_rate),
            str(group.cancelled),
        )
        for group in groups
    ]
    header = (title, *_HEADER)
    widths = [max(len(row[column]) for row in (header, *rows)) for column in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        first, *numbers = cells
        return "  ".join([first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(numbers, widths[1:], strict=True))])

    return [line(header), *(line(row) for row in rows)]


def stats_text(stats: DecisionStats, rule_names: Mapping[str, str] | None = None) -> str:
    """A summary line, then plain aligned tables by pack, by section and by rule (``AIC101 min_words``)."""
    total = stats.total
    summary = (
        f"{total.runs} section runs, {total.attempts} attempts: {_percent(total.pass_rate)} passed, "
        f"{_percent(total.first_attempt_pass_rate)} on the first attempt, {_percent(total.regeneration_rate)} "
        f"regenerated, {_percent(total.provisional_rate)} provisional; {total.cancelled} cancelled"
    )
    names = {code: f"{code} {name}" for code, name in (rule_names or {}).items()}
    blocks = [[summary], _table("pack", stats.packs), _table("section", stats.sections)]
    blocks.append(_table("rule", stats.rules, names) if stats.rules else ["no rule failed an attempt"])
    return "\n\n".join("\n".join(block) for block in blocks)
