"""From an enforcement outcome to decision records: each attempt, each generator passed over, the
quality signal of the run and what happened to the document."""

from __future__ import annotations

from uuid import UUID

from aicmo_core.decisions.record import (
    PASSING_QUALITY,
    DecisionRecord,
    DecisionType,
    ReasonCode,
    RecordOutcome,
    storable_model,
)
from aicmo_core.enforce import Candidate, Outcome
from aicmo_core.generators.base import Mode


def document_reason(outcome: Outcome) -> ReasonCode:
    """What writing an enforcement outcome into the document does to it."""
    if outcome.body is None:
        return ReasonCode.NO_CHANGE
    return ReasonCode.APPLIED if outcome.passed else ReasonCode.PROVISIONAL


def cancelled_record(run_id: UUID, pack: str, section_id: str, mode: Mode) -> DecisionRecord:
    """The record of a section run the writer cancelled before it ended (nothing was applied)."""
    return DecisionRecord(
        run_id=run_id,
        pack=pack,
        section_id=section_id,
        mode=mode,
        attempt=0,
        outcome=RecordOutcome.CANCELLED,
        decision_type=DecisionType.OUTCOME,
        reason_code=ReasonCode.CANCELLED,
    )


def run_records(
    run_id: UUID, pack: str, section_id: str, mode: Mode, outcome: Outcome, *, document: ReasonCode | None
) -> list[DecisionRecord]:
    """The records of one enforcement run: each attempt, each generator passed over, the quality
    signal, and (when known) what happened to the document (``applied``, ``document_changed``, ...).
    Each carries the model of its generator (the accepted candidate's for the run's records), when the
    log may store its name."""
    common = {"run_id": run_id, "pack": pack, "section_id": section_id, "mode": mode}
    records = []
    for candidate in outcome.trace:
        records.append(
            DecisionRecord(
                **common,
                generator=candidate.generator,
                model=storable_model(candidate.model),
                attempt=candidate.attempt,
                outcome=RecordOutcome.PASSED
                if candidate.passed
                else (RecordOutcome.ERROR if candidate.body is None else RecordOutcome.FAILED),
                failed_rules=tuple(f.code for f in candidate.errors),
                latency_ms=float(candidate.latency_ms),
                prompt_tokens=candidate.prompt_tokens,
                completion_tokens=candidate.completion_tokens,
                decision_type=DecisionType.ATTEMPT,
                reason_code=ReasonCode.PASSED if candidate.reason is None else ReasonCode.of(candidate.reason),
            )
        )
    accepted = outcome.chosen
    last_of: dict[str, Candidate] = {}
    for candidate in outcome.trace:
        last_of[candidate.generator] = candidate
    for generator, candidate in last_of.items():
        if (accepted is not None and generator == accepted.generator) or candidate.reason is None:
            continue
        records.append(
            DecisionRecord(
                **common,
                generator=generator,
                model=storable_model(candidate.model),
                attempt=candidate.attempt,
                outcome=RecordOutcome.ERROR if candidate.body is None else RecordOutcome.FAILED,
                failed_rules=tuple(f.code for f in candidate.errors),
                decision_type=DecisionType.GENERATOR_CHOICE,
                reason_code=ReasonCode.of(candidate.reason),
            )
        )
    quality = ReasonCode(outcome.quality.value)
    run_outcome = RecordOutcome.PASSED if quality in PASSING_QUALITY else RecordOutcome.FAILED
    records.append(
        DecisionRecord(
            **common,
            generator=accepted.generator if accepted else None,
            model=storable_model(accepted.model) if accepted else None,
            attempt=len(outcome.trace),
            outcome=run_outcome,
            failed_rules=tuple(f.code for f in (outcome.trace[-1].errors if outcome.trace and not accepted else ())),
            latency_ms=float(sum(c.latency_ms for c in outcome.trace)),
            decision_type=DecisionType.QUALITY_SIGNAL,
            reason_code=quality,
        )
    )
    if document is not None:
        records.append(
            DecisionRecord(
                **common,
                generator=accepted.generator if accepted else None,
                model=storable_model(accepted.model) if accepted else None,
                attempt=len(outcome.trace),
                outcome=RecordOutcome.CANCELLED if document is ReasonCode.CANCELLED else run_outcome,
                decision_type=DecisionType.OUTCOME,
                reason_code=document,
            )
        )
    return records
