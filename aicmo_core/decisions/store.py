"""The decision log's SQLite store: one file in the user's data directory, written so that
recording never fails the user's edit."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Sequence
from contextlib import closing, suppress
from datetime import datetime, timezone
from pathlib import Path
from time import monotonic
from typing import Any
from uuid import UUID

import platformdirs
from pydantic import ValidationError

from aicmo_core.decisions.record import SCHEMA_VERSION, DecisionRecord
from aicmo_core.decisions.stats import DecisionStats, compute_stats

# The package's logger, as before the split: one name for users (and tests) to configure.
logger = logging.getLogger("aicmo_core.decisions")

DATA_DIR_ENV = "AICMO_DATA_DIR"
DATABASE_NAME = "decisions.sqlite3"
# Long enough for another aicmo process to finish its insert, short enough that nobody waits on us:
# the most one write of a run's records waits for the database's lock, in all.
BUSY_TIMEOUT_S = 0.25


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
    "model",
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
        model TEXT,                       -- since schema version 2
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
)
# How a database of each older version becomes one of the next: MIGRATIONS[1] turns version 1 into 2.
# Every step adds what is new and keeps every row; a column added later is NULL in older rows.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: ("ALTER TABLE decisions ADD COLUMN model TEXT",),
}
_INSERT = f"INSERT INTO decisions ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
# The version that added each column added since version 1: an older table is read with it as NULL.
_ADDED_IN = {"model": 2}


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
        return self.record_many([record]) == 1

    def record_many(self, records: Sequence[DecisionRecord]) -> int:
        """Store ``records`` in one transaction, how many were stored. A record that is refused is
        left out with a warning; when the database cannot be written (locked for longer than
        ``BUSY_TIMEOUT_S`` in all, read-only, ...) none is stored and the warning is logged once per
        problem."""
        rows = []
        for record in records:
            try:
                # Validated again here, the storage boundary: ``model_construct`` skips validation.
                rows.append(_row(DecisionRecord.model_validate(record.model_dump())))
            except ValueError as exc:  # a ValidationError's text never repeats the refused input
                self._warn(f"refused a decision record: {exc}")
        if not rows:
            return 0
        budget = _LockBudget(BUSY_TIMEOUT_S)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)) as connection:
                self._prepare(connection, budget)
                budget.execute(connection, "BEGIN IMMEDIATE")
                try:
                    connection.executemany(_INSERT, rows)
                    budget.execute(connection, "COMMIT")
                except BaseException:
                    with suppress(sqlite3.Error):
                        connection.execute("ROLLBACK")
                    raise
        except (sqlite3.Error, OSError) as exc:
            self._warn(f"cannot write the decision log {self.path}: {exc}; generation goes on without it")
            return 0
        return len(rows)

    def _prepare(self, connection: sqlite3.Connection, budget: _LockBudget) -> None:
        """Create the table in a new database, or migrate an older one to this version in one
        transaction; refuse a newer one (``NewerSchemaError``)."""
        version = _version(connection, budget)
        if version == SCHEMA_VERSION:
            return
        # WAL lets `aicmo stats` read while an editor writes; it cannot change inside a transaction.
        budget.execute(connection, "PRAGMA journal_mode = WAL")
        budget.execute(connection, "BEGIN IMMEDIATE")
        try:
            version = _version(connection)  # again, under the lock: another process may have migrated
            if version == 0:
                statements: list[str] = list(_SCHEMA)
            else:
                statements = [sql for step in range(version, SCHEMA_VERSION) for sql in MIGRATIONS[step]]
            for statement in statements:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
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
        self,
        *,
        run_id: UUID | None = None,
        pack: str | None = None,
        section_id: str | None = None,
        since: datetime | None = None,
    ) -> list[DecisionRecord]:
        """The stored records in the order they were written, optionally of one run, pack or section,
        and written at or after ``since``.

        An absent database holds no records; one that cannot be read raises ``sqlite3.Error`` or
        ``OSError``; one of an older version is read as it is (it is migrated at the next write).
        Rows this version cannot read are skipped.
        """
        if not self.path.exists():
            return []
        filters = {"run_id": None if run_id is None else str(run_id), "pack": pack, "section_id": section_id}
        where = [f"{name} = ?" for name, value in filters.items() if value is not None]
        values: list[object] = [value for value in filters.values() if value is not None]
        if since is not None:
            # Stored as UTC ISO 8601 with the same offset, timestamps compare as text.
            where.append("timestamp >= ?")
            values.append(since.astimezone(timezone.utc).isoformat())
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)) as connection:
            version = _version(connection)
            if version == 0:
                return []  # created but never written
            columns = [name if _ADDED_IN.get(name, 1) <= version else f"NULL AS {name}" for name in _COLUMNS]
            query = f"SELECT {', '.join(columns)} FROM decisions"
            if where:
                query += " WHERE " + " AND ".join(where)
            rows = connection.execute(query + " ORDER BY id", values).fetchall()
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

    def stats(self, *, pack: str | None = None, since: datetime | None = None) -> DecisionStats:
        """Pass and regeneration rates of the stored records, optionally of one pack and from a time
        on (see :func:`compute_stats`)."""
        return compute_stats(self.records(pack=pack, since=since))


class _LockBudget:
    """One wait for the database's locks per write, however many statements may wait: each is given
    what is left of the budget (SQLite's busy timeout is per statement)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = monotonic() + seconds

    def execute(self, connection: sqlite3.Connection, sql: str) -> sqlite3.Cursor:
        left_ms = max(0, round((self.deadline - monotonic()) * 1000))
        connection.execute(f"PRAGMA busy_timeout = {left_ms}")
        return connection.execute(sql)


def _version(connection: sqlite3.Connection, budget: _LockBudget | None = None) -> int:
    """The database's schema version; ``NewerSchemaError`` when this aicmo does not know it."""
    sql = "PRAGMA user_version"
    version = int((budget.execute(connection, sql) if budget else connection.execute(sql)).fetchone()[0])
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(f"it has schema version {version}, newer than this aicmo's {SCHEMA_VERSION}")
    return version


def _row(record: DecisionRecord) -> tuple[object, ...]:
    return (
        record.timestamp.isoformat(),
        str(record.run_id),
        record.pack,
        record.section_id,
        record.mode.value,
        record.generator,
        record.model,
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
