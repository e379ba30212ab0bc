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

The package: :mod:`~aicmo_core.decisions.record` (the record model, its enums and validation),
:mod:`~aicmo_core.decisions.store` (the SQLite file), :mod:`~aicmo_core.decisions.stats` (what
``aicmo stats`` prints) and :mod:`~aicmo_core.decisions.runs` (the records of an enforcement outcome).
"""

from aicmo_core.decisions.record import (
    ALLOWED_REASONS,
    FORBIDDEN_METADATA_WORDS,
    MAX_METADATA_ITEMS,
    MAX_METADATA_STRING,
    PASSING_QUALITY,
    QUALITY_REASONS,
    RULE_CODE_RE,
    SCHEMA_VERSION,
    DecisionRecord,
    DecisionType,
    MetadataValue,
    ReasonCode,
    RecordOutcome,
    ShortName,
    looks_secret,
)
from aicmo_core.decisions.runs import cancelled_record, document_reason, run_records
from aicmo_core.decisions.stats import DecisionStats, GroupStats, compute_stats, stats_text
from aicmo_core.decisions.store import (
    BUSY_TIMEOUT_S,
    DATA_DIR_ENV,
    DATABASE_NAME,
    DecisionLog,
    NewerSchemaError,
    default_path,
)

__all__ = [
    "ALLOWED_REASONS",
    "BUSY_TIMEOUT_S",
    "DATABASE_NAME",
    "DATA_DIR_ENV",
    "FORBIDDEN_METADATA_WORDS",
    "MAX_METADATA_ITEMS",
    "MAX_METADATA_STRING",
    "PASSING_QUALITY",
    "QUALITY_REASONS",
    "RULE_CODE_RE",
    "SCHEMA_VERSION",
    "DecisionLog",
    "DecisionRecord",
    "DecisionStats",
    "DecisionType",
    "GroupStats",
    "MetadataValue",
    "NewerSchemaError",
    "ReasonCode",
    "RecordOutcome",
    "ShortName",
    "cancelled_record",
    "compute_stats",
    "default_path",
    "document_reason",
    "looks_secret",
    "run_records",
    "stats_text",
]
