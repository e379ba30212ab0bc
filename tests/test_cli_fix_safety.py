"""`aicmo fix` never loses the writer's file, run as a user runs it (real processes): an edit made
while the model writes is kept (nothing written, exit 3), two runs on one file both land, symlinks,
hard links and permissions are kept, a read-only report or a FIFO is refused, a full disk leaves the
report and no temporary file, and a locked decision log costs one short wait, not one per record."""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest
from support.cli import CI_ENV, aicmo_command, run_aicmo
from support.fake_openai import FakeOpenAI, RecordedRequest, Reply

from aicmo_core.decisions import DATABASE_NAME, DecisionLog, DecisionRecord, DecisionType, ReasonCode, RecordOutcome
from aicmo_core.generators.base import Mode

REPO = Path(__file__).parent.parent
FAILING = REPO / "examples" / "failing" / "quick_social_basic.md"
SECRET = "sk-test-SECRET-123"
MODEL_FIRST = ("--generator", "openai", "--generator", "template", "--model", "gpt-test")
GARBAGE = "Candles are nice."  # refused twice, so the template writes the section
EDIT = "\nA line the writer added while the model was writing.\n"

pytestmark = pytest.mark.timeout(60)


def env(data: Path) -> dict[str, str]:
    return CI_ENV | {"AICMO_DATA_DIR": str(data), "OPENAI_API_KEY": SECRET, "PYTHONDONTWRITEBYTECODE": "1"}


def aicmo(*args: str, cwd: Path, data: Path, file_size_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit_file_size() -> None:  # writing past it fails with EFBIG, as a full disk fails with ENOSPC
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    # preexec_fn is safe here: the child has no threads before exec
    return run_aicmo(*args, cwd=cwd, env=env(data), timeout=50, preexec_fn=limit_file_size)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / "report.md"
    shutil.copy(FAILING, target)
    return target


def errors(path: Path, data: Path) -> list[str]:
    """The codes ``aicmo check`` reports for ``path``."""
    result = aicmo("check", path.name, cwd=path.parent, data=data)
    return [line.split(" ")[2] for line in result.stdout.splitlines()[:-1]]


def outcome_reasons(data: Path) -> list[str]:
    with sqlite3.connect(data / DATABASE_NAME) as db:
        rows = db.execute("SELECT reason_code FROM decisions WHERE decision_type = 'outcome' ORDER BY id").fetchall()
    return [row[0] for row in rows]


def test_an_edit_made_while_the_model_writes_is_kept_and_nothing_is_written(
    report: Path, tmp_path: Path, fake_openai: FakeOpenAI
) -> None:
    original = report.read_text(encoding="utf-8")

    def edit_then_answer(request: RecordedRequest) -> Reply:
        if len(fake_openai.requests) == 1:  # the writer saves while the model is busy
            with report.open("a", encoding="utf-8") as handle:
                handle.write(EDIT)
        return Reply.completion(GARBAGE)

    fake_openai.respond_with(edit_then_answer)
    data = tmp_path / "d"
    result = aicmo(
        "fix", report.name, "--section", "overview", *MODEL_FIRST, "--base-url", fake_openai.base_url,
        cwd=report.parent, data=data,
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert result.stderr.endswith(
        "aicmo: report.md changed since it was read (by an editor or another program): nothing was written; "
        "run aicmo fix again\n"
    )
    assert result.stderr.startswith("overview: fallback_used: ")
    assert "Traceback" not in result.stderr
    assert report.read_text(encoding="utf-8") == original + EDIT
    assert sorted(p.name for p in report.parent.iterdir()) == ["report.md"]
    assert outcome_reasons(data) == [ReasonCode.DOCUMENT_CHANGED.value]


def test_two_runs_on_one_file_both_land(report: Path, tmp_path: Path, fake_openai: FakeOpenAI) -> None:
    data = tmp_path / "d"
    second: list[subprocess.Popen[str]] = []
    said: list[str] = []

    def start_the_second_run_then_answer(request: RecordedRequest) -> Reply:
        if not second:  # the first run holds the file: the second must wait for it
            run = subprocess.Popen(
                aicmo_command("fix", report.name, "--section", "detailed_30_day_calendar", "--generator", "template"),
                cwd=report.parent,
                env=env(data),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            second.append(run)
            assert run.stderr is not None
            said.append(run.stderr.readline())  # returns once the second run says it waits
        return Reply.completion(GARBAGE)

    fake_openai.respond_with(start_the_second_run_then_answer)
    first = aicmo(
        "fix", report.name, "--section", "overview", *MODEL_FIRST, "--base-url", fake_openai.base_url,
        cwd=report.parent, data=data,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    [run] = second
    _, rest = run.communicate(timeout=50)
    assert said == ["aicmo: another aicmo fix is changing report.md; waiting for it to finish\n"]
    assert run.returncode == 0, rest
    assert rest.startswith("detailed_30_day_calendar: passed_first_attempt: ")
    # Both rewrites are in the file: only the section the report lacks is left.
    assert errors(report, data) == ["AIC001"]
    assert sorted(p.name for p in report.parent.iterdir()) == ["report.md"]


def test_a_symlinked_report_is_fixed_through_its_link(report: Path, tmp_path: Path) -> None:
    link = tmp_path / "linked.md"
    link.symlink_to(Path("reports") / "report.md")
    result = aicmo("fix", link.name, cwd=tmp_path, data=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert os.readlink(link) == str(Path("reports") / "report.md")
    assert errors(report, tmp_path / "d") == ["AIC001"]
    assert sorted(p.name for p in report.parent.iterdir()) == ["report.md"]


def test_a_hard_linked_report_keeps_its_links_and_permissions(report: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-name.md"
    os.link(report, other)
    report.chmod(0o640)
    result = aicmo("fix", report.name, cwd=report.parent, data=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    assert report.stat().st_ino == other.stat().st_ino
    assert report.stat().st_nlink == 2
    assert stat.S_IMODE(other.stat().st_mode) == 0o640
    assert errors(other, tmp_path / "d") == ["AIC001"]


def test_permissions_are_kept(report: Path, tmp_path: Path) -> None:
    report.chmod(0o604)
    result = aicmo("fix", report.name, cwd=report.parent, data=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(report.stat().st_mode) == 0o604
    assert errors(report, tmp_path / "d") == ["AIC001"]


def test_a_read_only_report_is_refused_before_anything_is_generated(report: Path, tmp_path: Path) -> None:
    before = report.read_bytes()
    report.chmod(0o444)
    data = tmp_path / "d"
    result = aicmo("fix", report.name, cwd=report.parent, data=data)
    assert result.returncode == 2
    assert result.stderr == "aicmo: report.md is read-only; make it writable to change it (or use --dry-run)\n"
    assert report.read_bytes() == before
    assert not data.exists()  # nothing was generated, so nothing recorded
    # Looking at what a fix would do is still fine.
    dry = aicmo("fix", report.name, "--section", "overview", "--dry-run", cwd=report.parent, data=data)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("--- a/report.md\n+++ b/report.md\n")


def test_a_fifo_or_a_device_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.md")
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    for name in ("fifo.md", "zero.md"):
        for extra in ((), ("--dry-run",)):
            result = aicmo("fix", name, *extra, cwd=tmp_path, data=tmp_path / "d")
            assert result.returncode == 2
            assert result.stderr == f"aicmo: cannot read {name}: not a regular file\n"


@pytest.mark.parametrize("hard_linked", [False, True], ids=["replaced", "in_place"])
def test_a_full_disk_leaves_the_report_and_no_temporary_file(report: Path, tmp_path: Path, hard_linked: bool) -> None:
    if hard_linked:
        os.link(report, tmp_path / "other-name.md")
    before = report.read_bytes()
    data = tmp_path / "d"
    # The fixed report is longer than this: writing it fails (and so does the decision log).
    result = aicmo("fix", report.name, cwd=report.parent, data=data, file_size_limit=len(before) + 16)
    assert result.returncode == 3, result.stderr
    assert result.stderr.endswith("aicmo: cannot write report.md: File too large; the report is as it was\n")
    assert "Traceback" not in result.stderr
    assert report.read_bytes() == before
    assert sorted(p.name for p in report.parent.iterdir()) == ["report.md"]


def locked_log(data: Path) -> sqlite3.Connection:
    """A decision log with one row, locked by another process's write transaction."""
    record = DecisionRecord(
        run_id="00000000-0000-4000-8000-000000000001",
        pack="quick_social_basic",
        section_id="overview",
        mode=Mode.REGENERATE,
        attempt=1,
        outcome=RecordOutcome.PASSED,
        decision_type=DecisionType.ATTEMPT,
        reason_code=ReasonCode.PASSED,
    )
    assert DecisionLog(data / DATABASE_NAME).record(record)
    holder = sqlite3.connect(data / DATABASE_NAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def test_a_locked_decision_log_is_one_warning_and_the_fix_goes_on(report: Path, tmp_path: Path) -> None:
    data = tmp_path / "d"
    holder = locked_log(data)
    try:
        result = aicmo("fix", report.name, cwd=report.parent, data=data)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "decision log" in line]
    assert warnings == [
        f"cannot write the decision log {data / DATABASE_NAME}: database is locked; generation goes on without it"
    ]
    assert errors(report, data) == ["AIC001"]
    assert len(DecisionLog(data / DATABASE_NAME).records()) == 1


def test_new_writes_through_a_link_and_refuses_a_read_only_output(tmp_path: Path) -> None:
    brief = tmp_path / "brief.yaml"
    brief.write_text("brand: Kettle & Crumb\nindustry: Artisan bakery\n", encoding="utf-8")
    (tmp_path / "real.md").write_text("old\n", encoding="utf-8")
    (tmp_path / "plan.md").symlink_to("real.md")
    new = ("new", "--pack", "quick_social_basic", "--brief", "brief.yaml", "-o", "plan.md", "--force")
    result = aicmo(*new, cwd=tmp_path, data=tmp_path / "d")
    assert result.returncode in (0, 1), result.stderr
    assert (tmp_path / "plan.md").is_symlink()
    assert (tmp_path / "real.md").read_text(encoding="utf-8").startswith("---\npack: quick_social_basic\n")
    (tmp_path / "real.md").chmod(0o444)
    refused = aicmo(*new, cwd=tmp_path, data=tmp_path / "d")
    assert refused.returncode == 2
    assert refused.stderr == "aicmo: plan.md is read-only; make it writable to change it (or use --dry-run)\n"
