"""The decision log: what the enforcement loop decided and why, without a word of the report.

Every generation attempt, every generator passed over, the quality signal of each section run and
what happened to the document are kept as :class:`DecisionRecord` rows in a SQLite file in the
user's data directory (``AICMO_DATA_DIR`` overrides it). ``aicmo stats`` reads them back as pass
and regeneration rates by pack, section and rule.

The invariants, which the record model enforces rather than trusts:

- No prompt, answer or document text, and no secret, is ever stored. Names are short identifiers
  (pack keys, section ids, generator names), reasons and outcomes are closed enums, rule codes
  match ``AIC000``, and free-form ``metadata`` takes only short single-line primitives under keys
  that do not name text or secrets (``prompt``, ``content``, ``api_key``, ...). A string that looks
  like a key or token (``sk-...``, ``Bearer ...``, a long run of letters and digits) is refused
  wherever it appears, and validation errors never repeat the refused input in their text.
- Recording never fails the user's edit: :meth:`DecisionLog.record` turns a locked, read-only or
  unwritable database into one logged warning and returns ``False``.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from aicmo_core.enforce import Candidate
from aicmo_core.enforce import Outcome as EnforcementOutcome
from aicmo_core.generators.base import Mode, Reason

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1  # stored as SQLite's ``PRAGMA user_version``
DATA_DIR_ENV = "AICMO_DATA_DIR"
DATABASE_NAME = "decisions.sqlite3"
# Long enough for another aicmo process to finish its insert, short enough that nobody waits on us.
BUSY_TIMEOUT_S = 0.25


class DecisionType(str, Enum):
    """What kind of decision a record describes."""

    GENERATOR_CHOICE = "generator_choice"  # a generator was passed over for the next one, and why
    ATTEMPT = "attempt"  # one generator call and the validation of its candidate
    QUALITY_SIGNAL = "quality_signal"  # how one section run ended: the enforcement loop's verdict
    OUTCOME = "outcome"  # what happened to the document


class ReasonCode(str, Enum):
    """Why: a closed set, so that nothing but these words is ever stored as a reason."""

    # Why a generator gave no usable candidate: the values of generators.base.Reason, one to one.
    NO_API_KEY = Reason.NO_API_KEY.value
    RATE_LIMITED = Reason.RATE_LIMITED.value
    TIMED_OUT = Reason.TIMED_OUT.value
    SERVER_ERROR = Reason.SERVER_ERROR.value
    BAD_ANSWER = Reason.BAD_ANSWER.value
    EMPTY_ANSWER = Reason.EMPTY_ANSWER.value
    CONNECTION_FAILED = Reason.CONNECTION_FAILED.value
    UNSUPPORTED = Reason.UNSUPPORTED.value
    FAILED_BENCHMARK = Reason.FAILED_BENCHMARK.value
    # An attempt.
    PASSED = "passed"
    CANCELLED = "cancelled"
    # Quality signals (the values of enforce.Quality).
    PASSED_FIRST_ATTEMPT = "passed_first_attempt"
    PASSED_AFTER_RETRY = "passed_after_retry"
    FALLBACK_USED = "fallback_used"
    PROVISIONAL = "provisional"
    NO_CHANGE = "no_change"
    # Outcomes for the document.
    APPLIED = "applied"
    DOCUMENT_CHANGED = "document_changed"  # the text changed while generating: the edit was dropped

    @classmethod
    def of(cls, reason: Reason) -> ReasonCode:
        """The reason code of a generator failure reason."""
        return cls(reason.value)


class Outcome(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    CANCELLED = "cancelled"


_GENERATOR_REASONS = frozenset(ReasonCode.of(reason) for reason in Reason)
QUALITY_REASONS = frozenset(
    {
        ReasonCode.PASSED_FIRST_ATTEMPT,
        ReasonCode.PASSED_AFTER_RETRY,
        ReasonCode.FALLBACK_USED,
        ReasonCode.PROVISIONAL,
        ReasonCode.NO_CHANGE,
    }
)
PASSING_QUALITY = frozenset({ReasonCode.PASSED_FIRST_ATTEMPT, ReasonCode.PASSED_AFTER_RETRY, ReasonCode.FALLBACK_USED})

ALLOWED_REASONS: Mapping[DecisionType, frozenset[ReasonCode]] = {
    DecisionType.GENERATOR_CHOICE: _GENERATOR_REASONS,
    DecisionType.ATTEMPT: _GENERATOR_REASONS | {ReasonCode.PASSED, ReasonCode.CANCELLED},
    DecisionType.QUALITY_SIGNAL: QUALITY_REASONS,
    DecisionType.OUTCOME: frozenset(
        {
            ReasonCode.APPLIED,
            ReasonCode.PROVISIONAL,
            ReasonCode.NO_CHANGE,
            ReasonCode.CANCELLED,
            ReasonCode.DOCUMENT_CHANGED,
        }
    ),
}


def _check_reason_table() -> None:
    """Fail at import, not at the first write, when the enums and the table drift apart."""
    if set(ALLOWED_REASONS) != set(DecisionType):
        raise RuntimeError("ALLOWED_REASONS must name every DecisionType")
    unused = set(ReasonCode) - set().union(*ALLOWED_REASONS.values())
    if unused:
        raise RuntimeError(f"reason codes allowed with no decision type: {sorted(c.value for c in unused)}")


_check_reason_table()

# Pack keys and section ids as the benchmark models allow them; generator names as registered.
# Explicit character classes: pydantic's (Rust) regex reads \d and \w as Unicode.
_IDENTIFIER = r"^[a-z0-9][a-z0-9_]*$"
_GENERATOR_NAME = r"^[a-z][a-z0-9_]*$"
RULE_CODE_RE = re.compile(r"AIC[0-9]{3}")
_METADATA_KEY_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
MAX_METADATA_ITEMS = 16
MAX_METADATA_STRING = 64
# Words a metadata key may not be or contain (any case): they name text or secrets.
FORBIDDEN_METADATA_WORDS = (
    "prompt",
    "response",
    "content",
    "text",
    "body",
    "answer",
    "message",
    "completion",
    "document",
    "api_key",
    "key",
    "secret",
    "token_value",
    "authorization",
    "password",
    "credential",
)
# What an API key or token looks like: OpenAI and Stripe style prefixes, a bearer header, GitHub and
# Slack tokens, or any long unbroken run of letters and digits (a hash is refused too, by design).
_SECRET_RE = re.compile(
    r"(?i)\bsk-|\b[rs]k_(?:live|test)_|\bbearer\b|\bgh[pousr]_|\bgithub_pat_|\bxox[abprs]-|[a-z0-9]{32,}"
)


def looks_secret(value: str) -> bool:
    """Whether ``value`` looks like an API key or token."""
    return _SECRET_RE.search(value) is not None


MetadataValue = StrictStr | StrictInt | StrictFloat | StrictBool | None
ShortName = Annotated[str, Field(min_length=1, max_length=64, pattern=_IDENTIFIER)]


class DecisionRecord(BaseModel):
    """One decision of the enforcement loop about one section: the decision log record."""

    # Validation errors never show the refused input (it may be document text or a key).
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    timestamp: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    run_id: UUID  # groups the records of one user action (one command, one code action)
    pack: ShortName
    section_id: ShortName
    mode: Mode
    generator: Annotated[str, Field(min_length=1, max_length=32, pattern=_GENERATOR_NAME)] | None = None
    # The attempt a record is about (1, 2, ... per generator); for run-level records (quality signal,
    # outcome) the number of attempts the run made, 0 when no generator was called.
    attempt: Annotated[int, Field(strict=True, ge=0, le=1000)]
    outcome: Outcome
    failed_rules: tuple[str, ...] = ()  # the rule codes with errors, sorted, each once
    latency_ms: Annotated[float, Field(strict=True, ge=0, le=86_400_000, allow_inf_nan=False)] = 0.0
    prompt_tokens: Annotated[int, Field(strict=True, ge=0)] | None = None
    completion_tokens: Annotated[int, Field(strict=True, ge=0)] | None = None
    decision_type: DecisionType
    reason_code: ReasonCode
    metadata: dict[str, MetadataValue] = Field(default_factory=dict)

    @field_validator("timestamp")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("timestamp must carry a time zone (use UTC)")
        return value.astimezone(timezone.utc)

    @field_validator("pack", "section_id", "generator")
    @classmethod
    def _no_secret_name(cls, value: str | None) -> str | None:
        if value is not None and looks_secret(value):
            raise ValueError("looks like an API key or token; the decision log never stores secrets")
        return value

    @field_validator("failed_rules", mode="before")
    @classmethod
    def _rule_codes(cls, value: Any) -> Any:
        if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
            raise ValueError("failed_rules must be a list of rule codes such as 'AIC101'")
        codes: set[str] = set()
        for code in value:
            if not isinstance(code, str) or RULE_CODE_RE.fullmatch(code) is None:
                raise ValueError("failed_rules must hold rule codes such as 'AIC101' (AIC and three digits)")
            codes.add(code)
        return tuple(sorted(codes))

    @field_validator("metadata", mode="before")
    @classmethod
    def _safe_metadata(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            raise ValueError("metadata must be a mapping of short names to short values")
        if len(value) > MAX_METADATA_ITEMS:
            raise ValueError(f"metadata holds at most {MAX_METADATA_ITEMS} items")
        for key, item in value.items():
            _check_metadata_key(key)
            _check_metadata_value(key, item)
        return dict(value)

    @model_validator(mode="after")
    def _reason_fits(self) -> DecisionRecord:
        allowed = ALLOWED_REASONS[self.decision_type]
        if self.reason_code not in allowed:
            raise ValueError(
                f"reason {self.reason_code.value!r} does not go with decision type {self.decision_type.value!r}; "
                f"allowed: {', '.join(sorted(code.value for code in allowed))}"
            )
        if self.decision_type is DecisionType.ATTEMPT:
            if (self.reason_code is ReasonCode.PASSED) != (self.outcome is Outcome.PASSED):
                raise ValueError("an attempt passed exactly when its reason is 'passed'")
            if (self.reason_code is ReasonCode.CANCELLED) != (self.outcome is Outcome.CANCELLED):
                raise ValueError("an attempt was cancelled exactly when its reason is 'cancelled'")
        return self


def _check_metadata_key(key: object) -> None:
    if not isinstance(key, str) or _METADATA_KEY_RE.fullmatch(key) is None:
        raise ValueError("metadata keys must be identifiers: a letter, then letters, digits or '_', at most 32")
    if looks_secret(key):
        raise ValueError("a metadata key looks like an API key or token; the decision log never stores secrets")
    lowered = key.lower()
    word = next((word for word in FORBIDDEN_METADATA_WORDS if word in lowered), None)
    if word is not None:
        raise ValueError(
            f"metadata key {key!r} is refused: it names {word!r}, and the decision log never stores "
            "prompt, answer or document text, nor secrets"
        )


def _check_metadata_value(key: str, value: object) -> None:
    if value is None or isinstance(value, (bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"metadata value of {key!r} must be a finite number")
        return
    if not isinstance(value, str):
        raise ValueError(
            f"metadata value of {key!r} must be a short string, a number, a boolean or null, not {type(value).__name__}"
        )
    if len(value) > MAX_METADATA_STRING:
        raise ValueError(f"metadata value of {key!r} is longer than {MAX_METADATA_STRING} characters")
    if any(ch in value for ch in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        raise ValueError(f"metadata value of {key!r} must be a single line")
    if looks_secret(value):
        raise ValueError(f"metadata value of {key!r} looks like an API key or token; secrets are never stored")


def default_path() -> Path:
    """``$AICMO_DATA_DIR/decisions.sqlite3``, else the file in the user's data directory."""
    configured = os.environ.get(DATA_DIR_ENV)
    folder = Path(configured) if configured else Path(platformdirs.user_data_dir("aicmo", appauthor=False))
    return folder / DATABASE_NAME


_COLUMNS = (
    "timestamp",
    "run_id",
    "pack",
    "section_id",
    "mode",
    "generator",
    "attempt",
    "outcome",
    "failed_rules",
    "latency_ms",
    "prompt_tokens",
    "completion_tokens",
    "decision_type",
    "reason_code",
    "metadata",
)
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS decisions (
        id INTEGER PRIMARY KEY,
        timestamp TEXT NOT NULL,          -- ISO 8601, UTC
        run_id TEXT NOT NULL,             -- a UUID per user action
        pack TEXT NOT NULL,
        section_id TEXT NOT NULL,
        mode TEXT NOT NULL,
        generator TEXT,
        attempt INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        failed_rules TEXT NOT NULL,       -- JSON array of rule codes
        latency_ms REAL NOT NULL,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        decision_type TEXT NOT NULL,
        reason_code TEXT NOT NULL,
        metadata TEXT NOT NULL            -- JSON object of short primitives
    )""",
    "CREATE INDEX IF NOT EXISTS decisions_run ON decisions (run_id)",
    "CREATE INDEX IF NOT EXISTS decisions_section ON decisions (pack, section_id)",
    f"PRAGMA user_version = {SCHEMA_VERSION}",
)


class NewerSchemaError(sqlite3.DatabaseError):
    """The database was written by a newer aicmo, with a schema this one does not know."""


class DecisionLog:
    """The decision log in one SQLite file. Safe to share between threads and processes: every call
    opens its own short-lived connection."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_path()
        self._warned: set[str] = set()

    def record(self, record: DecisionRecord) -> bool:
        """Store ``record``; ``False`` (and a logged warning, once per problem) when it cannot be."""
        try:
            # Validated again here, the storage boundary: ``model_construct`` skips validation.
            row = _row(DecisionRecord.model_validate(record.model_dump()))
        except ValueError as exc:  # a ValidationError's text never repeats the refused input
            self._warn(f"refused a decision record: {exc}")
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)) as connection:
                self._prepare(connection)
                connection.execute(
                    f"INSERT INTO decisions ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})", row
                )
        except (sqlite3.Error, OSError) as exc:
            self._warn(f"cannot write the decision log {self.path}: {exc}; generation goes on without it")
            return False
        return True

    def _prepare(self, connection: sqlite3.Connection) -> None:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise NewerSchemaError(f"it has schema version {version}, newer than this aicmo's {SCHEMA_VERSION}")
        # WAL lets `aicmo stats` read while an editor writes; it cannot change inside a transaction.
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA:
                connection.execute(statement)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    def _warn(self, message: str) -> None:
        # One warning per problem per log: a read-only disk should not flood the editor's output.
        if message in self._warned:
            logger.debug("%s", message)
        else:
            self._warned.add(message)
            logger.warning("%s", message)

    def records(
        self, *, run_id: UUID | None = None, pack: str | None = None, section_id: str | None = None
    ) -> list[DecisionRecord]:
        """The stored records in the order they were written, optionally of one run, pack or section.

        An absent database holds no records; one that cannot be read raises ``sqlite3.Error`` or
        ``OSError``. Rows this version cannot read (written by a newer aicmo) are skipped.
        """
        if not self.path.exists():
            return []
        filters = {"run_id": None if run_id is None else str(run_id), "pack": pack, "section_id": section_id}
        where = [f"{name} = ?" for name, value in filters.items() if value is not None]
        query = f"SELECT {', '.join(_COLUMNS)} FROM decisions"
        if where:
            query += " WHERE " + " AND ".join(where)
        query += " ORDER BY id"
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)) as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                return []  # created but never written
            if version > SCHEMA_VERSION:
                raise NewerSchemaError(f"it has schema version {version}, newer than this aicmo's {SCHEMA_VERSION}")
            rows = connection.execute(query, [value for value in filters.values() if value is not None]).fetchall()
        found: list[DecisionRecord] = []
        skipped = 0
        for row in rows:
            try:
                found.append(_record(row))
            except (ValidationError, ValueError):
                skipped += 1
        if skipped:
            self._warn(f"skipped {skipped} rows of the decision log {self.path} that this aicmo cannot read")
        return found

    def stats(self) -> DecisionStats:
        """Pass and regeneration rates of the stored records (see :func:`compute_stats`)."""
        return compute_stats(self.records())


def _row(record: DecisionRecord) -> tuple[object, ...]:
    return (
        record.timestamp.isoformat(),
        str(record.run_id),
        record.pack,
        record.section_id,
        record.mode.value,
        record.generator,
        record.attempt,
        record.outcome.value,
        json.dumps(list(record.failed_rules)),
        record.latency_ms,
        record.prompt_tokens,
        record.completion_tokens,
        record.decision_type.value,
        record.reason_code.value,
        json.dumps(record.metadata, ensure_ascii=True, allow_nan=False, separators=(",", ":")),
    )


def _record(row: tuple[Any, ...]) -> DecisionRecord:
    data = dict(zip(_COLUMNS, row, strict=True))
    data["failed_rules"] = json.loads(data["failed_rules"])
    data["metadata"] = json.loads(data["metadata"])
    return DecisionRecord.model_validate(data)


# ---- statistics ---------------------------------------------------------------------------------


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
            if record.outcome in (Outcome.FAILED, Outcome.ERROR):
                self.failed_attempts += 1
            self.rule_failures.update(record.failed_rules)
        elif record.decision_type is DecisionType.QUALITY_SIGNAL:
            self.quality = record.reason_code
        if record.reason_code is ReasonCode.CANCELLED or record.outcome is Outcome.CANCELLED:
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


def document_reason(outcome: EnforcementOutcome) -> ReasonCode:
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
        outcome=Outcome.CANCELLED,
        decision_type=DecisionType.OUTCOME,
        reason_code=ReasonCode.CANCELLED,
    )


def run_records(
    run_id: UUID, pack: str, section_id: str, mode: Mode, outcome: EnforcementOutcome, *, document: ReasonCode | None
) -> list[DecisionRecord]:
    """The records of one enforcement run: each attempt, each generator passed over, the quality
    signal, and (when known) what happened to the document (``applied``, ``document_changed``, ...)."""
    common = {"run_id": run_id, "pack": pack, "section_id": section_id, "mode": mode}
    records = []
    for candidate in outcome.trace:
        records.append(
            DecisionRecord(
                **common,
                generator=candidate.generator,
                attempt=candidate.attempt,
                outcome=Outcome.PASSED
                if candidate.passed
                else (Outcome.ERROR if candidate.body is None else Outcome.FAILED),
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
                attempt=candidate.attempt,
                outcome=Outcome.ERROR if candidate.body is None else Outcome.FAILED,
                failed_rules=tuple(f.code for f in candidate.errors),
                decision_type=DecisionType.GENERATOR_CHOICE,
                reason_code=ReasonCode.of(candidate.reason),
            )
        )
    quality = ReasonCode(outcome.quality.value)
    run_outcome = Outcome.PASSED if quality in PASSING_QUALITY else Outcome.FAILED
    records.append(
        DecisionRecord(
            **common,
            generator=accepted.generator if accepted else None,
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
                attempt=len(outcome.trace),
                outcome=Outcome.CANCELLED if document is ReasonCode.CANCELLED else run_outcome,
                decision_type=DecisionType.OUTCOME,
                reason_code=document,
            )
        )
    return records
