"""The decision record: its closed enums, the reasons allowed with each decision type, and the
validation that refuses prompt, answer or document text and anything that looks like a secret."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from aicmo_core.generators.base import Mode, Reason

# The version of the record schema: stored as SQLite's ``PRAGMA user_version`` and stamped on the
# statistics ``aicmo stats --json`` prints. Version 2 added ``model``.
SCHEMA_VERSION = 2


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


class RecordOutcome(str, Enum):
    """How the attempt, run or document a record describes ended (the record's ``outcome``)."""

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
# Model names as APIs spell them: gpt-4o-mini, gpt-4o-2024-08-06, openai/gpt-4.1, llama3.1:8b.
_MODEL_NAME = r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$"
MAX_MODEL_NAME = 64
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
ModelName = Annotated[str, Field(min_length=1, max_length=MAX_MODEL_NAME, pattern=_MODEL_NAME)]
_MODEL_NAME_RE = re.compile(_MODEL_NAME.strip("^$"))


def storable_model(name: str | None) -> str | None:
    """``name`` when the decision log may store it as a record's ``model``, else None: a name that is
    too long, holds other characters or looks like a key (a key pasted as the model) is not kept."""
    if name is None or len(name) > MAX_MODEL_NAME or _MODEL_NAME_RE.fullmatch(name) is None or looks_secret(name):
        return None
    return name


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
    model: ModelName | None = None  # the generator's model (gpt-4o-mini); None for the template generator
    # The attempt a record is about (1, 2, ... per generator); for run-level records (quality signal,
    # outcome) the number of attempts the run made, 0 when no generator was called.
    attempt: Annotated[int, Field(strict=True, ge=0, le=1000)]
    outcome: RecordOutcome
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

    @field_validator("pack", "section_id", "generator", "model")
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
            if (self.reason_code is ReasonCode.PASSED) != (self.outcome is RecordOutcome.PASSED):
                raise ValueError("an attempt passed exactly when its reason is 'passed'")
            if (self.reason_code is ReasonCode.CANCELLED) != (self.outcome is RecordOutcome.CANCELLED):
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
