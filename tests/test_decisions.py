"""The decision log: records that cannot carry text or secrets, SQLite that never fails an edit, and
``aicmo stats`` as a user runs it."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from pydantic import ValidationError
from support.cli import run_aicmo

from aicmo_core.decisions import (
    ALLOWED_REASONS,
    DATABASE_NAME,
    FORBIDDEN_METADATA_WORDS,
    MIGRATIONS,
    PRICES_AS_OF,
    SCHEMA_VERSION,
    DecisionLog,
    DecisionRecord,
    DecisionType,
    GeneratorStats,
    GroupStats,
    NewerSchemaError,
    ReasonCode,
    RecordOutcome,
    compute_stats,
    default_path,
    estimated_cost,
    run_records,
    storable_model,
)
from aicmo_core.decisions import store as decision_store
from aicmo_core.enforce import Candidate, Outcome, Quality
from aicmo_core.generators.base import Mode, Reason

API_KEY = "sk-proj-Zx81Q0aLm3Vt7Rk2Yp9Wc4Hn6Ju5Bd0Ef"
LOGGER = "aicmo_core.decisions"
RUN_1 = UUID("00000000-0000-4000-8000-000000000001")
RUN_2 = UUID("00000000-0000-4000-8000-000000000002")
RUN_3 = UUID("00000000-0000-4000-8000-000000000003")


def make(**overrides: Any) -> DecisionRecord:
    fields: dict[str, Any] = {
        "timestamp": datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc),
        "run_id": RUN_1,
        "pack": "launch_gtm_pack",
        "section_id": "overview",
        "mode": Mode.REGENERATE,
        "generator": "template",
        "attempt": 1,
        "outcome": RecordOutcome.PASSED,
        "decision_type": DecisionType.ATTEMPT,
        "reason_code": ReasonCode.PASSED,
    }
    fields.update(overrides)
    return DecisionRecord(**fields)


def refused(**overrides: Any) -> str:
    """The validation error's text for a record built with ``overrides``."""
    with pytest.raises(ValidationError) as caught:
        make(**overrides)
    return str(caught.value)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("AICMO_DATA_DIR", str(folder))
    return folder


# ---- the record model --------------------------------------------------------------------------


def test_a_valid_record_is_normalised() -> None:
    record = make(
        timestamp=datetime(2025, 3, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))),
        outcome=RecordOutcome.FAILED,
        reason_code=ReasonCode.FAILED_BENCHMARK,
        failed_rules=["AIC111", "AIC101", "AIC111"],
        metadata={"model": "gpt-4o-mini", "temperature": 0.4, "streamed": False, "retries": 2, "note": None},
    )
    assert record.timestamp == datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
    assert record.timestamp.utcoffset() == timedelta(0)
    assert record.failed_rules == ("AIC101", "AIC111")
    with pytest.raises(ValidationError):
        record.pack = "other"  # type: ignore[misc]


@pytest.mark.parametrize("word", FORBIDDEN_METADATA_WORDS)
def test_metadata_keys_naming_text_or_secrets_are_refused(word: str) -> None:
    for key in (word, word.upper(), word.title(), f"user_{word}", f"{word}_count", f"my{word.upper()}2"):
        message = refused(metadata={key: 1})
        assert f"metadata key {key!r} is refused" in message
        assert "never stores prompt, answer or document text" in message


def test_the_listed_forbidden_words_are_all_there() -> None:
    listed = {"prompt", "response", "content", "text", "body", "answer", "message", "completion", "document"}
    listed |= {"api_key", "key", "secret", "token_value", "authorization"}
    assert listed <= set(FORBIDDEN_METADATA_WORDS)
    for key in ("Prompt", "PROMPT", "user_prompt", "raw_Response", "section_text", "API_KEY", "Authorization"):
        refused(metadata={key: "x"})


@pytest.mark.parametrize("key", ["", "1st", "with space", "dash-key", "ünïcode", "x" * 33, "a.b"])
def test_metadata_keys_must_be_short_identifiers(key: str) -> None:
    assert "metadata keys must be identifiers" in refused(metadata={key: 1})


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("x" * 65, "longer than 64 characters"),
        ("two\nlines", "single line"),
        ("carriage\rreturn", "single line"),
        ("line\u2028separator", "single line"),
        ({"nested": 1}, "not dict"),
        (["a", "b"], "not list"),
        (("a",), "not tuple"),
        (b"bytes", "not bytes"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
    ],
)
def test_metadata_values_must_be_short_primitives(value: object, why: str) -> None:
    assert why in refused(metadata={"model": value})


def test_metadata_limits() -> None:
    assert make(metadata={"model": "x-" * 32}).metadata == {"model": "x-" * 32}
    assert "at most 16 items" in refused(metadata={f"field_{i}": i for i in range(17)})
    refused(metadata=["model", "gpt"])


@pytest.mark.parametrize(
    "rules", [["AIC12"], ["aic101"], ["AIC1011"], ["E501"], ["AIC١٠١"], ["AIC101\n"], "AIC101", [101], [None]]
)
def test_bad_rule_codes_are_refused(rules: object) -> None:
    assert "failed_rules" in refused(
        outcome=RecordOutcome.FAILED, reason_code=ReasonCode.FAILED_BENCHMARK, failed_rules=rules
    )


@pytest.mark.parametrize(
    "field", ["mode", "outcome", "decision_type", "reason_code"], ids=lambda field: f"unknown {field}"
)
def test_unknown_enum_values_are_refused(field: str) -> None:
    refused(**{field: "made_up"})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pack", "Our launch plan for spring"),
        ("pack", "a" * 65),
        ("pack", ""),
        ("section_id", "Market Landscape"),
        ("section_id", "overview\n"),
        ("generator", "Template"),
        ("generator", "gpt 4o"),
        ("generator", "g" * 33),
        ("model", "gpt 4o mini"),
        ("model", "m" * 65),
        ("model", ""),
        ("model", "gpt-4o\n"),
        ("model", "-leading-dash"),
        ("attempt", -1),
        ("attempt", True),
        ("attempt", "2"),
        ("latency_ms", -1.0),
        ("latency_ms", float("nan")),
        ("prompt_tokens", -5),
        ("completion_tokens", 1.5),
        ("run_id", "not-a-uuid"),
        ("timestamp", datetime(2025, 3, 1, 12, 0)),  # naive: no time zone
        ("extra_field", "anything"),
    ],
)
def test_short_fields_cannot_carry_text(field: str, value: object) -> None:
    refused(**{field: value})


def test_reason_codes_must_fit_the_decision_type() -> None:
    message = refused(decision_type=DecisionType.QUALITY_SIGNAL, reason_code=ReasonCode.NO_API_KEY)
    assert "reason 'no_api_key' does not go with decision type 'quality_signal'" in message
    assert "allowed: fallback_used, no_change, passed_after_retry, passed_first_attempt, provisional" in message
    refused(decision_type=DecisionType.GENERATOR_CHOICE, reason_code=ReasonCode.APPLIED, outcome=RecordOutcome.ERROR)
    refused(decision_type=DecisionType.OUTCOME, reason_code=ReasonCode.TIMED_OUT)
    # An attempt's outcome and reason agree.
    assert "passed exactly when" in refused(outcome=RecordOutcome.FAILED, reason_code=ReasonCode.PASSED)
    assert "passed exactly when" in refused(outcome=RecordOutcome.PASSED, reason_code=ReasonCode.FAILED_BENCHMARK)
    assert "cancelled exactly when" in refused(outcome=RecordOutcome.ERROR, reason_code=ReasonCode.CANCELLED)
    for decision_type, reasons in ALLOWED_REASONS.items():
        for reason in reasons:
            outcome = {ReasonCode.PASSED: RecordOutcome.PASSED, ReasonCode.CANCELLED: RecordOutcome.CANCELLED}.get(
                reason
            )
            make(decision_type=decision_type, reason_code=reason, outcome=outcome or RecordOutcome.ERROR)


def test_generator_failure_reasons_map_one_to_one() -> None:
    codes = {ReasonCode.of(reason) for reason in Reason}
    assert {code.value for code in codes} == {reason.value for reason in Reason}
    assert codes == ALLOWED_REASONS[DecisionType.GENERATOR_CHOICE]
    assert ReasonCode.of(Reason.NO_API_KEY) is ReasonCode.NO_API_KEY


def test_quality_signals_are_the_enforcement_loop_verdicts() -> None:
    assert {quality.value for quality in Quality} == {
        code.value for code in ALLOWED_REASONS[DecisionType.QUALITY_SIGNAL]
    }


# ---- the model ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gpt-4o-mini", "gpt-4o-2024-08-06", "openai/gpt-4.1", "llama3.1:8b", "o3"])
def test_a_model_is_stored_as_it_is_spelled(name: str) -> None:
    assert make(model=name).model == name
    assert storable_model(name) == name


@pytest.mark.parametrize("name", [None, "", "gpt 4o", "m" * 65, API_KEY, "Bearer abc", "gpt-4o\n", "x" * 40])
def test_a_model_name_the_log_may_not_store_becomes_none(name: str | None) -> None:
    assert storable_model(name) is None


def test_records_carry_the_model_of_their_generator() -> None:
    trace = (
        Candidate("openai", 1, "text", (), Reason.FAILED_BENCHMARK, "212 words", 900.0, 1200, 300, "gpt-4o-mini"),
        Candidate("openai", 2, None, (), Reason.TIMED_OUT, "timed out", 60_000.0, None, None, "gpt-4o-mini"),
        Candidate("template", 1, "text", (), None, "passed", 3.0),
    )
    fallback = Outcome("text", Quality.FALLBACK_USED, trace, "never stored")
    records = run_records(RUN_1, LAUNCH, "overview", Mode.REGENERATE, fallback, document=ReasonCode.APPLIED)
    assert [(r.decision_type.value, r.generator, r.model) for r in records] == [
        ("attempt", "openai", "gpt-4o-mini"),
        ("attempt", "openai", "gpt-4o-mini"),
        ("attempt", "template", None),
        ("generator_choice", "openai", "gpt-4o-mini"),
        ("quality_signal", "template", None),
        ("outcome", "template", None),
    ]
    # When the model's answer is used, the run's records name it.
    passed = Candidate("openai", 1, "text", (), None, "passed", 900.0, 1200, 300, "gpt-4o-mini")
    first = Outcome("text", Quality.PASSED_FIRST_ATTEMPT, (passed,), "never stored")
    records = run_records(RUN_2, LAUNCH, "overview", Mode.REGENERATE, first, document=ReasonCode.APPLIED)
    assert [r.model for r in records] == ["gpt-4o-mini"] * 3
    # A key pasted as the model is not stored; the records still are.
    leaked = Outcome("text", Quality.PASSED_FIRST_ATTEMPT, (replace(passed, model=API_KEY),), "never stored")
    records = run_records(RUN_3, LAUNCH, "overview", Mode.REGENERATE, leaked, document=None)
    assert [r.model for r in records] == [None, None]
    assert API_KEY not in repr(records)


def test_the_model_round_trips_through_sqlite(data_dir: Path) -> None:
    log = DecisionLog()
    written = [make(generator="openai", model="gpt-4o-mini"), make(attempt=2)]
    for record in written:
        assert log.record(record)
    assert log.records() == written
    with closing(sqlite3.connect(log.path)) as db:
        assert db.execute("SELECT model FROM decisions ORDER BY id").fetchall() == [("gpt-4o-mini",), (None,)]


# ---- secrets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"pack": API_KEY},
        {"pack": "sk_live_abcdef"},
        {"section_id": API_KEY},
        {"section_id": "a" * 40},
        {"generator": API_KEY},
        {"model": API_KEY},
        {"model": "sk-ant-api03-abc"},
        {"metadata": {"model": API_KEY}},
        {"metadata": {"model": "sk-ant-api03-abc"}},
        {"metadata": {"auth_header": "Bearer abc.def"}},
        {"metadata": {"model": "ghp_16C7e42F292c6912E7710c838347Ae178B4a"}},
        {"metadata": {"model": "x0Zx81Q0aLm3Vt7Rk2Yp9Wc4Hn6Ju5Bd0Ef"}},
        {"metadata": {"sk_live_abc": 1}},
        {"metadata": {API_KEY: 1}},
        {"metadata": {"model": {"nested": API_KEY}}},
    ],
)
def test_key_like_values_are_refused_and_not_repeated(overrides: dict[str, Any]) -> None:
    message = refused(**overrides)
    assert API_KEY not in message
    assert "sk-ant" not in message and "ghp_" not in message and "Bearer" not in message


def test_no_key_reaches_the_database_file(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    log = DecisionLog()
    assert log.record(make(metadata={"model": "gpt-4o-mini", "base_url_host": "api.openai.com"}))
    for field in ("pack", "section_id", "generator"):
        with pytest.raises(ValidationError):
            make(**{field: API_KEY})
    with pytest.raises(ValidationError):
        make(metadata={"model": API_KEY})
    # Validation skipped on purpose: the log validates again before it writes.
    sneaked = DecisionRecord.model_construct(**{**make().__dict__, "metadata": {"model": API_KEY}})
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert log.record(sneaked) is False
    assert "refused a decision record" in caplog.text
    assert API_KEY not in caplog.text
    stored = b"".join(path.read_bytes() for path in data_dir.iterdir())
    assert b"gpt-4o-mini" in stored
    assert API_KEY.encode() not in stored
    assert b"sk-" not in stored


# ---- SQLite ------------------------------------------------------------------------------------


def test_default_path_follows_the_environment(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_path() == data_dir / DATABASE_NAME
    assert DecisionLog().path == data_dir / DATABASE_NAME
    monkeypatch.delenv("AICMO_DATA_DIR")
    assert default_path().name == DATABASE_NAME
    assert "aicmo" in default_path().parent.as_posix().lower()


def test_records_round_trip_through_sqlite(data_dir: Path) -> None:
    log = DecisionLog()
    assert log.records() == []  # no file yet, and reading creates none
    assert not data_dir.exists()
    written = [
        make(),
        make(
            run_id=RUN_2,
            section_id="market_landscape",
            mode=Mode.FIX,
            generator="openai",
            attempt=2,
            outcome=RecordOutcome.FAILED,
            reason_code=ReasonCode.FAILED_BENCHMARK,
            failed_rules=["AIC131", "AIC101"],
            latency_ms=812.5,
            prompt_tokens=1200,
            completion_tokens=340,
            metadata={"model": "gpt-4o-mini", "temperature": 0.4, "streamed": True, "retries": 0, "seed": None},
        ),
        make(
            run_id=RUN_2,
            section_id="market_landscape",
            mode=Mode.FIX,
            generator=None,
            attempt=2,
            outcome=RecordOutcome.FAILED,
            decision_type=DecisionType.QUALITY_SIGNAL,
            reason_code=ReasonCode.PROVISIONAL,
            failed_rules=["AIC101"],
        ),
    ]
    for record in written:
        assert log.record(record) is True
    assert DecisionLog(data_dir / DATABASE_NAME).records() == written
    assert log.records(run_id=RUN_2) == written[1:]
    assert log.records(section_id="overview") == written[:1]
    assert log.records(pack="quick_social_basic") == []
    with sqlite3.connect(data_dir / DATABASE_NAME) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        row = connection.execute("SELECT failed_rules, metadata, reason_code FROM decisions WHERE id = 2").fetchone()
    assert row == (
        '["AIC101", "AIC131"]',
        '{"model":"gpt-4o-mini","temperature":0.4,"streamed":true,"retries":0,"seed":null}',
        "failed_benchmark",
    )


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` read-only, for root too: root ignores permission bits but not the immutable flag."""
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    chattr = shutil.which("chattr")
    immutable = hasattr(os, "geteuid") and os.geteuid() == 0
    if immutable and (
        chattr is None or subprocess.run([chattr, "+i", path], capture_output=True, check=False).returncode
    ):
        path.chmod(mode)
        pytest.skip("running as root where chattr +i is unavailable: nothing is read-only")
    try:
        yield
    finally:
        if immutable:
            assert chattr is not None
            subprocess.run([chattr, "-i", path], check=True)
        path.chmod(mode)


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]


def test_a_read_only_database_file_is_a_warning(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert DecisionLog().record(make())
    with read_only(data_dir / DATABASE_NAME), caplog.at_level(logging.WARNING, logger=LOGGER):
        assert DecisionLog().record(make(attempt=2)) is False
    [warning] = warnings_of(caplog)
    assert warning.startswith(f"cannot write the decision log {data_dir / DATABASE_NAME}: ")
    assert "readonly" in warning or "read-only" in warning or "unable to open" in warning
    assert warning.endswith("; generation goes on without it")
    assert [r.attempt for r in DecisionLog().records()] == [1]


def test_a_read_only_data_folder_is_a_warning(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    data_dir.mkdir()
    with read_only(data_dir), caplog.at_level(logging.WARNING, logger=LOGGER):
        assert DecisionLog().record(make()) is False
    [warning] = warnings_of(caplog)
    assert "unable to open database file" in warning
    assert not (data_dir / DATABASE_NAME).exists()


def test_a_data_folder_that_cannot_be_created_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    parent = tmp_path / "readonly"
    parent.mkdir()
    monkeypatch.setenv("AICMO_DATA_DIR", str(parent / "aicmo"))
    with read_only(parent), caplog.at_level(logging.WARNING, logger=LOGGER):
        assert DecisionLog().record(make()) is False
    [warning] = warnings_of(caplog)
    assert "Permission denied" in warning or "Operation not permitted" in warning
    # A file where the folder should be.
    (tmp_path / "plain_file").write_text("not a folder")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert DecisionLog(tmp_path / "plain_file" / DATABASE_NAME).record(make()) is False
    assert len(warnings_of(caplog)) == 1


def test_a_locked_database_is_a_warning(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    log = DecisionLog()
    assert log.record(make())
    holder = sqlite3.connect(data_dir / DATABASE_NAME, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with caplog.at_level(logging.DEBUG, logger=LOGGER):
            assert log.record(make(attempt=2)) is False
            assert log.record(make(attempt=3)) is False  # the same problem again: not a second warning
        assert warnings_of(caplog) == [
            f"cannot write the decision log {data_dir / DATABASE_NAME}: database is locked; "
            "generation goes on without it"
        ]
        assert [r.levelname for r in caplog.records if r.name == LOGGER] == ["WARNING", "DEBUG"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert log.record(make(attempt=4)) is True
    assert [r.attempt for r in log.records()] == [1, 4]


def traced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements every connection opened from now on runs, in order."""
    statements: list[str] = []
    connect = sqlite3.connect

    def tracing(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", tracing)
    return statements


def test_a_run_is_written_in_one_transaction(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = DecisionLog()
    assert log.record(make())
    statements = traced(monkeypatch)
    assert log.record_many([make(attempt=n) for n in range(2, 28)]) == 26
    assert statements.count("BEGIN IMMEDIATE") == 1
    assert statements[-1] == "COMMIT"
    assert [r.attempt for r in log.records()] == list(range(1, 28))


def test_a_refused_record_is_left_out_of_the_run(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    sneaked = make().model_copy(update={"section_id": API_KEY})
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert DecisionLog().record_many([make(), sneaked, make(attempt=2)]) == 2
    [warning] = warnings_of(caplog)
    assert warning.startswith("refused a decision record: ")
    assert [r.attempt for r in DecisionLog().records()] == [1, 2]


def test_a_locked_database_costs_one_wait_per_run_not_one_per_record(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A fix of a whole report writes a few dozen records: waiting 0.25 s for each stalled it 6.6 s.
    log = DecisionLog()
    assert log.record(make())
    holder = sqlite3.connect(data_dir / DATABASE_NAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    statements = traced(monkeypatch)
    try:
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            assert log.record_many([make(attempt=n) for n in range(2, 28)]) == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    waits = [s for s in statements if s.startswith("PRAGMA busy_timeout = ")]
    assert [s for s in statements if s not in waits] == ["PRAGMA user_version", "BEGIN IMMEDIATE"]
    assert all(0 <= int(s.rpartition(" ")[2]) <= 250 for s in waits)
    assert len(warnings_of(caplog)) == 1


@pytest.mark.parametrize(("spent", "left_ms"), [(0.2, 50), (0.3, 0)])
def test_the_statements_of_one_write_share_one_wait(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, spent: float, left_ms: int
) -> None:
    log = DecisionLog()
    assert log.record(make())
    holder = sqlite3.connect(data_dir / DATABASE_NAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    times = iter([100.0, 100.0, 100.0 + spent])  # the start, the version read, the transaction
    monkeypatch.setattr(decision_store, "monotonic", lambda: next(times))
    statements = traced(monkeypatch)
    try:
        assert log.record(make(attempt=2)) is False
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert statements == [
        "PRAGMA busy_timeout = 250",
        "PRAGMA user_version",
        f"PRAGMA busy_timeout = {left_ms}",
        "BEGIN IMMEDIATE",
    ]


def test_a_database_from_a_newer_aicmo_is_left_alone(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    log = DecisionLog()
    assert log.record(make())
    with sqlite3.connect(log.path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert log.record(make()) is False
    assert "newer than this aicmo's" in caplog.text
    with pytest.raises(NewerSchemaError):
        log.records()


# The table as schema version 1 created it, before ``model``.
V1_TABLE = """CREATE TABLE decisions (
    id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, run_id TEXT NOT NULL, pack TEXT NOT NULL,
    section_id TEXT NOT NULL, mode TEXT NOT NULL, generator TEXT, attempt INTEGER NOT NULL,
    outcome TEXT NOT NULL, failed_rules TEXT NOT NULL, latency_ms REAL NOT NULL, prompt_tokens INTEGER,
    completion_tokens INTEGER, decision_type TEXT NOT NULL, reason_code TEXT NOT NULL, metadata TEXT NOT NULL
)"""


def user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def test_a_version_1_database_keeps_its_rows_and_gains_the_model_column(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / DATABASE_NAME
    with closing(sqlite3.connect(path)) as db:
        db.execute(V1_TABLE)
        db.execute(
            "INSERT INTO decisions (timestamp, run_id, pack, section_id, mode, generator, attempt, outcome, "
            "failed_rules, latency_ms, prompt_tokens, completion_tokens, decision_type, reason_code, metadata) "
            "VALUES ('2025-03-01T12:00:00+00:00', ?, 'launch_gtm_pack', 'overview', 'regenerate', 'openai', 1, "
            "'failed', '[\"AIC101\"]', 812.5, 1200, 340, 'attempt', 'failed_benchmark', '{\"retries\":0}')",
            (str(RUN_1),),
        )
        db.execute("PRAGMA user_version = 1")
        db.commit()
    old = make(
        generator="openai",
        outcome=RecordOutcome.FAILED,
        reason_code=ReasonCode.FAILED_BENCHMARK,
        failed_rules=["AIC101"],
        latency_ms=812.5,
        prompt_tokens=1200,
        completion_tokens=340,
        metadata={"retries": 0},
    )
    log = DecisionLog()
    # Read as it is: reading never migrates.
    assert log.records() == [old]
    assert log.stats().generators[0].model is None
    assert user_version(path) == 1
    # The first write migrates it, in place.
    new = make(run_id=RUN_2, generator="openai", model="gpt-4o-mini", attempt=2)
    assert log.record(new) is True
    assert user_version(path) == SCHEMA_VERSION == 2
    with closing(sqlite3.connect(path)) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(decisions)")]
        rows = db.execute("SELECT id, section_id, prompt_tokens, model FROM decisions ORDER BY id").fetchall()
    assert columns[-1] == "model"
    assert rows == [(1, "overview", 1200, None), (2, "overview", None, "gpt-4o-mini")]
    assert log.records() == [old, new]
    assert log.record(make(run_id=RUN_3)) is True  # migrated once: the next write just writes
    assert len(log.records()) == 3


def test_every_older_version_has_a_migration() -> None:
    assert set(MIGRATIONS) == set(range(1, SCHEMA_VERSION))


# ---- statistics --------------------------------------------------------------------------------


def attempt(
    run: UUID, pack: str, section: str, generator: str, number: int, reason: ReasonCode, *rules: str
) -> DecisionRecord:
    outcome = {
        ReasonCode.PASSED: RecordOutcome.PASSED,
        ReasonCode.FAILED_BENCHMARK: RecordOutcome.FAILED,
        ReasonCode.CANCELLED: RecordOutcome.CANCELLED,
    }.get(reason, RecordOutcome.ERROR)
    return make(
        run_id=run,
        pack=pack,
        section_id=section,
        generator=generator,
        attempt=number,
        outcome=outcome,
        reason_code=reason,
        failed_rules=rules,
    )


def verdict(run: UUID, pack: str, section: str, quality: ReasonCode, attempts: int) -> DecisionRecord:
    passed = quality in (ReasonCode.PASSED_FIRST_ATTEMPT, ReasonCode.PASSED_AFTER_RETRY, ReasonCode.FALLBACK_USED)
    return make(
        run_id=run,
        pack=pack,
        section_id=section,
        generator=None,
        attempt=attempts,
        outcome=RecordOutcome.PASSED if passed else RecordOutcome.FAILED,
        decision_type=DecisionType.QUALITY_SIGNAL,
        reason_code=quality,
    )


def applied(run: UUID, pack: str, section: str, reason: ReasonCode) -> DecisionRecord:
    outcome = RecordOutcome.CANCELLED if reason is ReasonCode.CANCELLED else RecordOutcome.PASSED
    return make(
        run_id=run,
        pack=pack,
        section_id=section,
        generator=None,
        attempt=0,
        outcome=outcome,
        decision_type=DecisionType.OUTCOME,
        reason_code=reason,
    )


LAUNCH, SOCIAL = "launch_gtm_pack", "quick_social_basic"
R = ReasonCode
HAND_MADE = [
    # Run 1, overview: the template passes at once.
    attempt(RUN_1, LAUNCH, "overview", "template", 1, R.PASSED),
    verdict(RUN_1, LAUNCH, "overview", R.PASSED_FIRST_ATTEMPT, 1),
    applied(RUN_1, LAUNCH, "overview", R.APPLIED),
    # Run 1, market_landscape: no API key for openai, the template passes on its second attempt.
    make(
        run_id=RUN_1,
        section_id="market_landscape",
        generator="openai",
        attempt=0,
        outcome=RecordOutcome.ERROR,
        decision_type=DecisionType.GENERATOR_CHOICE,
        reason_code=R.NO_API_KEY,
    ),
    attempt(RUN_1, LAUNCH, "market_landscape", "openai", 1, R.NO_API_KEY),
    attempt(RUN_1, LAUNCH, "market_landscape", "template", 1, R.FAILED_BENCHMARK, "AIC101"),
    attempt(RUN_1, LAUNCH, "market_landscape", "template", 2, R.PASSED),
    verdict(RUN_1, LAUNCH, "market_landscape", R.FALLBACK_USED, 3),
    applied(RUN_1, LAUNCH, "market_landscape", R.APPLIED),
    # Run 2, overview again: both attempts fail, the best is kept provisional.
    attempt(RUN_2, LAUNCH, "overview", "template", 1, R.FAILED_BENCHMARK, "AIC101", "AIC111"),
    attempt(RUN_2, LAUNCH, "overview", "template", 2, R.FAILED_BENCHMARK, "AIC101"),
    verdict(RUN_2, LAUNCH, "overview", R.PROVISIONAL, 2),
    applied(RUN_2, LAUNCH, "overview", R.PROVISIONAL),
    # Run 2, another pack: passes on the retry.
    attempt(RUN_2, SOCIAL, "captions", "template", 1, R.FAILED_BENCHMARK, "AIC131"),
    attempt(RUN_2, SOCIAL, "captions", "template", 2, R.PASSED),
    verdict(RUN_2, SOCIAL, "captions", R.PASSED_AFTER_RETRY, 2),
    applied(RUN_2, SOCIAL, "captions", R.APPLIED),
    # Run 3: the writer cancels the call.
    attempt(RUN_3, SOCIAL, "captions", "openai", 1, R.CANCELLED),
    applied(RUN_3, SOCIAL, "captions", R.CANCELLED),
]


def group(key: str, runs: int, cancelled: int, attempts: int, failed: int, *rates: float | None) -> GroupStats:
    return GroupStats(key, runs, cancelled, attempts, failed, *rates)


def test_stats_of_hand_made_records_are_exact() -> None:
    stats = compute_stats(HAND_MADE)
    # Rates: passed (by the first generator, by a fallback), first try, regenerated, provisional.
    assert stats.total == group("all", 4, 1, 9, 5, 3 / 4, 2 / 4, 1 / 4, 1 / 4, 3 / 4, 1 / 4)
    assert stats.packs == (
        group(LAUNCH, 3, 0, 6, 4, 2 / 3, 1 / 3, 1 / 3, 1 / 3, 2 / 3, 1 / 3),
        group(SOCIAL, 1, 1, 3, 1, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0),
    )
    assert stats.sections == (
        group(f"{LAUNCH}/market_landscape", 1, 0, 3, 2, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0),
        group(f"{LAUNCH}/overview", 2, 0, 3, 2, 1 / 2, 1 / 2, 0.0, 1 / 2, 1 / 2, 1 / 2),
        group(f"{SOCIAL}/captions", 1, 1, 3, 1, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0),
    )
    # A rule's runs are those where it failed an attempt; "failed" counts the attempts it failed.
    assert stats.rules == (
        group("AIC101", 2, 0, 5, 3, 1 / 2, 0.0, 1 / 2, None, 1.0, 1 / 2),
        group("AIC111", 1, 0, 2, 1, 0.0, 0.0, 0.0, None, 1.0, 1.0),
        group("AIC131", 1, 0, 2, 1, 1.0, 1.0, 0.0, None, 1.0, 0.0),
    )


def test_stats_of_nothing_and_of_cancelled_runs_only() -> None:
    empty = compute_stats([])
    assert empty.empty
    assert empty.total == group("all", 0, 0, 0, 0, *[None] * 6)
    assert empty.generators == ()
    cancelled = compute_stats(HAND_MADE[-2:])
    assert not cancelled.empty
    assert cancelled.total == group("all", 0, 1, 1, 0, *[None] * 6)
    assert cancelled.generators == ()  # a cancelled call is no attempt of its generator


def test_stats_read_from_the_database(data_dir: Path) -> None:
    log = DecisionLog()
    for record in HAND_MADE:
        assert log.record(record)
    assert log.stats() == compute_stats(HAND_MADE)


# ---- by generator and model --------------------------------------------------------------------

RUN_4 = UUID("00000000-0000-4000-8000-000000000004")
RUN_5 = UUID("00000000-0000-4000-8000-000000000005")
RUN_6 = UUID("00000000-0000-4000-8000-000000000006")
MARCH_5 = datetime(2025, 3, 5, 9, 30, tzinfo=timezone.utc)
MINI, LOCAL = "gpt-4o-mini", "local-llama-3"


def call(
    run: UUID,
    pack: str,
    section: str,
    generator: str,
    model: str | None,
    number: int,
    reason: ReasonCode,
    tokens: tuple[int | None, int | None] = (None, None),
) -> DecisionRecord:
    """An attempt of a generator with its model and the tokens the server reported, on March 5."""
    base = attempt(run, pack, section, generator, number, reason)
    return base.model_copy(
        update={"timestamp": MARCH_5, "model": model, "prompt_tokens": tokens[0], "completion_tokens": tokens[1]}
    )


def on_march_5(record: DecisionRecord) -> DecisionRecord:
    return record.model_copy(update={"timestamp": MARCH_5})


WITH_MODELS = [
    # Run 4, overview: the model fails the benchmark twice, the template writes the section.
    call(RUN_4, LAUNCH, "overview", "openai", MINI, 1, R.FAILED_BENCHMARK, (100_000, 40_000)),
    call(RUN_4, LAUNCH, "overview", "openai", MINI, 2, R.FAILED_BENCHMARK, (120_000, 50_000)),
    call(RUN_4, LAUNCH, "overview", "template", None, 1, R.PASSED),
    on_march_5(verdict(RUN_4, LAUNCH, "overview", R.FALLBACK_USED, 3)),
    # Run 5, overview: the model passes at once.
    call(RUN_5, LAUNCH, "overview", "openai", MINI, 1, R.PASSED, (90_000, 30_000)),
    on_march_5(verdict(RUN_5, LAUNCH, "overview", R.PASSED_FIRST_ATTEMPT, 1)),
    # Run 5, market_landscape: the model cannot be reached, the template writes the section.
    call(RUN_5, LAUNCH, "market_landscape", "openai", MINI, 1, R.CONNECTION_FAILED),
    call(RUN_5, LAUNCH, "market_landscape", "template", None, 1, R.PASSED),
    on_march_5(verdict(RUN_5, LAUNCH, "market_landscape", R.FALLBACK_USED, 2)),
    # Run 6, another pack: a model without a known price passes on its second attempt.
    call(RUN_6, SOCIAL, "captions", "openai", LOCAL, 1, R.FAILED_BENCHMARK, (2_000, 1_000)),
    call(RUN_6, SOCIAL, "captions", "openai", LOCAL, 2, R.PASSED, (2_100, 900)),
    on_march_5(verdict(RUN_6, SOCIAL, "captions", R.PASSED_AFTER_RETRY, 2)),
]


def test_stats_by_generator_and_model_are_exact() -> None:
    stats = compute_stats(WITH_MODELS)
    # Every run passed, but the model passed only two of the four: the template wrote the others.
    assert stats.total == group("all", 4, 0, 8, 4, 1.0, 2 / 4, 2 / 4, 1 / 4, 3 / 4, 0.0)
    assert stats.generators == (
        # gpt-4o-mini: called in 3 runs, 4 attempts, 1 passed; passed over in runs 4 and 5.
        GeneratorStats(
            "openai", MINI, 3, 4, 1, 1 / 3, 1 / 4, 2, 2 / 3, 310_000, 120_000, estimated_cost(MINI, 310_000, 120_000)
        ),
        GeneratorStats("openai", LOCAL, 1, 2, 1, 0.0, 1 / 2, 0, 0.0, 4_100, 1_900, None),  # no known price
        GeneratorStats("template", None, 2, 2, 2, 1.0, 1.0, 0, 0.0, None, None, None),
    )
    assert stats.generators[0].estimated_cost_usd == pytest.approx(0.1185)  # 310k x $0.15 + 120k x $0.60 per 1M


def test_estimated_cost() -> None:
    assert estimated_cost("gpt-4o", 1_000_000, 1_000_000) == pytest.approx(12.5)
    assert estimated_cost("gpt-4o-mini", 1_000_000, None) == pytest.approx(0.15)
    assert estimated_cost("gpt-4o-mini", None, None) is None  # nothing reported: nothing to price
    assert estimated_cost("some-local-model", 1_000, 1_000) is None
    assert estimated_cost(None, 1_000, 1_000) is None


def test_records_filtered_by_pack_and_time(data_dir: Path) -> None:
    log = DecisionLog()
    for record in HAND_MADE + WITH_MODELS:
        assert log.record(record)
    march_2 = datetime(2025, 3, 2, tzinfo=timezone.utc)
    assert log.records(since=march_2) == WITH_MODELS
    assert log.records(since=MARCH_5) == WITH_MODELS  # from that instant on, inclusive
    assert log.records(since=MARCH_5 + timedelta(microseconds=1)) == []
    assert log.records(pack=SOCIAL, since=march_2) == WITH_MODELS[-3:]
    # A time in another zone means the same instant.
    assert log.records(since=datetime(2025, 3, 5, 11, 30, tzinfo=timezone(timedelta(hours=2)))) == WITH_MODELS
    assert log.stats(pack=SOCIAL, since=march_2) == compute_stats(WITH_MODELS[-3:])


# ---- aicmo stats -------------------------------------------------------------------------------


def aicmo_stats(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_aicmo("stats", *args, cwd=None, env={"AICMO_DATA_DIR": str(data_dir)})


def test_aicmo_stats_with_nothing_recorded(data_dir: Path) -> None:
    result = aicmo_stats(data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"no generation recorded yet (decision log: {data_dir / DATABASE_NAME})\n"
    assert not data_dir.exists()


def test_aicmo_stats_prints_rates_by_pack_section_and_rule(data_dir: Path) -> None:
    log = DecisionLog()
    for record in HAND_MADE:
        assert log.record(record)
    result = aicmo_stats(data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert (
        result.stdout
        == f"""\
4 section runs: 75% passed (50% by the first generator of the chain, 25% by a fallback), 25% on the first \
attempt, 75% regenerated, 25% provisional; 9 attempts, 1 cancelled

generator  model  runs  attempts  first try  attempts passed  passed over  prompt tokens  completion tokens  est. cost
openai     -         1         1         0%               0%         100%              -                  -          -
template   -         4         7        25%              43%           0%              -                  -          -
est. cost: USD at OpenAI list prices as of {PRICES_AS_OF}; n/a: no known price for the model

pack                runs  attempts  failed  passed  by fallback  first try  regenerated  provisional  cancelled
launch_gtm_pack        3         6       4     67%          33%        33%          67%          33%          0
quick_social_basic     1         3       1    100%           0%         0%         100%           0%          1

section                           runs  attempts  failed  passed  by fallback  first try  regenerated  provisional  cancelled
launch_gtm_pack/market_landscape     1         3       2    100%         100%         0%         100%           0%          0
launch_gtm_pack/overview             2         3       2     50%           0%        50%          50%          50%          0
quick_social_basic/captions          1         3       1    100%           0%         0%         100%           0%          1

rule                      runs  attempts  failed  passed  by fallback  first try  regenerated  provisional  cancelled
AIC101 min_words             2         5       3     50%          50%          -         100%          50%          0
AIC111 min_bullets           1         2       1      0%           0%          -         100%         100%          0
AIC131 required_headings     1         2       1    100%           0%          -         100%           0%          0

decision log: {data_dir / DATABASE_NAME}
"""
    )


def test_aicmo_stats_json_and_db_option(data_dir: Path, tmp_path: Path) -> None:
    elsewhere = DecisionLog(tmp_path / "other.sqlite3")
    for record in HAND_MADE:
        assert elsewhere.record(record)
    result = aicmo_stats(data_dir, "--db", str(elsewhere.path), "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["database"] == str(elsewhere.path)
    assert payload["schema_version"] == SCHEMA_VERSION
    assert payload["filters"] == {"since": None, "pack": None}
    assert payload["prices_as_of"] == PRICES_AS_OF
    assert payload["total"] == {
        "key": "all",
        "runs": 4,
        "cancelled": 1,
        "attempts": 9,
        "failed_attempts": 5,
        "pass_rate": 0.75,
        "first_generator_pass_rate": 0.5,
        "fallback_pass_rate": 0.25,
        "first_attempt_pass_rate": 0.25,
        "regeneration_rate": 0.75,
        "provisional_rate": 0.25,
    }
    assert [(g["generator"], g["model"], g["runs"], g["passed_over"]) for g in payload["generators"]] == [
        ("openai", None, 1, 1),
        ("template", None, 4, 0),
    ]
    assert [p["key"] for p in payload["packs"]] == [LAUNCH, SOCIAL]
    assert [r["key"] for r in payload["rules"]] == ["AIC101", "AIC111", "AIC131"]
    assert payload["rules"][0]["first_attempt_pass_rate"] is None
    assert not data_dir.exists()  # --db was read, the default log was not created


def test_aicmo_stats_reports_a_missing_or_broken_db(tmp_path: Path) -> None:
    missing = aicmo_stats(tmp_path, "--db", str(tmp_path / "nope.sqlite3"))
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == f"aicmo: no decision log at {tmp_path / 'nope.sqlite3'}\n"
    broken = tmp_path / "broken.sqlite3"
    broken.write_text("this is not a database, it is long enough to have a header though" * 10)
    result = aicmo_stats(tmp_path, "--db", str(broken))
    assert result.returncode == 2
    assert result.stderr.startswith(f"aicmo: cannot read the decision log {broken}: ")


def test_aicmo_stats_by_generator_and_model_since_a_day(data_dir: Path) -> None:
    log = DecisionLog()
    for record in HAND_MADE + WITH_MODELS:  # HAND_MADE is from March 1, WITH_MODELS from March 5
        assert log.record(record)
    result = aicmo_stats(data_dir, "--since", "2025-03-02")
    assert result.returncode == 0, result.stderr
    summary, generators = result.stdout.split("\n\n")[:2]
    # The template's passes are not the model's: half the runs passed only thanks to a fallback.
    assert summary == (
        "4 section runs: 100% passed (50% by the first generator of the chain, 50% by a fallback), 25% on the "
        "first attempt, 75% regenerated, 0% provisional; 8 attempts, 0 cancelled"
    )
    assert generators.split("\n") == [
        "generator  model          runs  attempts  first try  attempts passed  passed over  prompt tokens  "
        "completion tokens  est. cost",
        "openai     gpt-4o-mini       3         4        33%              25%          67%        310,000  "
        "          120,000    $0.1185",
        "openai     local-llama-3     1         2         0%              50%           0%          4,100  "
        "            1,900        n/a",
        "template   -                 2         2       100%             100%           0%              -  "
        "                -          -",
        f"est. cost: USD at OpenAI list prices as of {PRICES_AS_OF}; n/a: no known price for the model",
    ]
    assert "launch_gtm_pack/market_landscape     1         2" in result.stdout  # March 5's run only


def test_aicmo_stats_for_one_pack_as_json(data_dir: Path) -> None:
    log = DecisionLog()
    for record in HAND_MADE + WITH_MODELS:
        assert log.record(record)
    result = aicmo_stats(data_dir, "--pack", SOCIAL, "--since", "2025-03-02", "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["filters"] == {"since": "2025-03-02", "pack": SOCIAL}
    assert [p["key"] for p in payload["packs"]] == [SOCIAL]
    assert payload["total"]["runs"] == 1
    assert payload["generators"] == [
        {
            "generator": "openai",
            "model": LOCAL,
            "runs": 1,
            "attempts": 2,
            "passed_attempts": 1,
            "first_attempt_pass_rate": 0.0,
            "attempt_pass_rate": 0.5,
            "passed_over": 0,
            "passed_over_rate": 0.0,
            "prompt_tokens": 4100,
            "completion_tokens": 1900,
            "estimated_cost_usd": None,
        }
    ]
    whole_pack = json.loads(aicmo_stats(data_dir, "--pack", LAUNCH, "--format", "json").stdout)
    assert whole_pack["total"]["runs"] == 6  # 3 runs on March 1, 3 on March 5


def test_aicmo_stats_filters_that_match_nothing_and_a_bad_date(data_dir: Path) -> None:
    assert DecisionLog().record(make())
    nothing = aicmo_stats(data_dir, "--pack", "no_such_pack", "--since", "2025-01-01")
    assert (nothing.returncode, nothing.stderr) == (0, "")
    assert nothing.stdout == (
        f"nothing recorded matches --since 2025-01-01 --pack no_such_pack (decision log: {data_dir / DATABASE_NAME})\n"
    )
    for bad in ("2025-3-1", "20250301", "yesterday", "2025-02-30"):
        result = aicmo_stats(data_dir, "--since", bad)
        assert result.returncode == 2
        assert f"argument --since: expected a date as YYYY-MM-DD, not '{bad}'" in result.stderr
