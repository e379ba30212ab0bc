"""The decision log: what the enforcement loop decided and why, without a word of the report.

Every generation attempt, every generator passed over, the quality signal of each section run and
what happened to the document are kept as :class:`DecisionRecord` rows in a SQLite file in the
user's data directory (``AICMO_DATA_DIR`` overrides it). ``aicmo stats`` reads them back as pass
and regeneration rates by pack, section and rule, and as what each generator and model did and cost.

The invariants, which the record model enforces rather than trusts:

- No prompt, answer or document text, and no secret, is ever stored. Names are short identifiers
  (pack keys, section ids, generator and model names), reasons and outcomes are closed enums, rule codes
  match ``AIC000``, and free-form ``metadata`` takes only short single-line primitives under keys
  that do not name text or secrets (``prompt``, ``content``, ``api_key``, ...). A string that looks
  like a key or token (``sk-...``, ``Bearer ...``, a long run of letters and digits) is refused
  wherever it appears, and validation errors never repeat the refused input in their text.
- Recording never fails the user's edit: :meth:`DecisionLog.record` turns a locked, read-only or
  unwritable database into one logged warning and returns ``False``.

The package: :mod:`~aicmo_core.decisions.record` (the record model, its enums and validation),
:mod:`~aicmo_core.decisions.store` (the SQLite file and its migrations), :mod:`~aicmo_core.decisions.stats`
(what ``aicmo stats`` prints), :mod:`~aicmo_core.decisions.prices` (the price table behind its cost
estimates) and :mod:`~aicmo_core.decisions.runs` (the records of an enforcement outcome).
"""

from aicmo_core.decisions.prices import PRICES, PRICES_AS_OF, estimated_cost
from aicmo_core.decisions.record import (
    ALLOWED_REASONS,
    FORBIDDEN_METADATA_WORDS,
    MAX_METADATA_ITEMS,
    MAX_METADATA_STRING,
    MAX_MODEL_NAME,
    PASSING_QUALITY,
    QUALITY_REASONS,
    RULE_CODE_RE,
    SCHEMA_VERSION,
    DecisionRecord,
    DecisionType,
    MetadataValue,
    ModelName,
    ReasonCode,
    RecordOutcome,
    ShortName,
    looks_secret,
    storable_model,
)
from aicmo_core.decisions.runs import cancelled_record, document_reason, run_records
from aicmo_core.decisions.stats import DecisionStats, GeneratorStats, GroupStats, compute_stats, stats_text
from aicmo_core.decisions.store import (
    BUSY_TIMEOUT_S,
    DATA_DIR_ENV,
    DATABASE_NAME,
    MIGRATIONS,
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
    "MAX_MODEL_NAME",
    "MIGRATIONS",
    "PASSING_QUALITY",
    "PRICES",
    "PRICES_AS_OF",
    "QUALITY_REASONS",
    "RULE_CODE_RE",
    "SCHEMA_VERSION",
    "DecisionLog",
    "DecisionRecord",
    "DecisionStats",
    "DecisionType",
    "GeneratorStats",
    "GroupStats",
    "MetadataValue",
    "ModelName",
    "NewerSchemaError",
    "ReasonCode",
    "RecordOutcome",
    "ShortName",
    "cancelled_record",
    "compute_stats",
    "default_path",
    "document_reason",
    "estimated_cost",
    "looks_secret",
    "run_records",
    "stats_text",
    "storable_model",
]
