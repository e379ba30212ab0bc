"""`aicmo fix` and `aicmo new` as a user runs them: real processes, the embedded template generator,
exact exit codes, the file on disk and the decision log afterwards."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest
from support.cli import run_aicmo
from support.fake_openai import FakeOpenAI, Reply

REPO = Path(__file__).parent.parent
FAILING = REPO / "examples" / "failing" / "quick_social_basic.md"


def aicmo(*args: str, cwd: Path, data: Path, key: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"AICMO_DATA_DIR": str(data)} | ({"OPENAI_API_KEY": key} if key else {})
    return run_aicmo(*args, cwd=cwd, env=env)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    target = tmp_path / "report.md"
    shutil.copy(FAILING, target)
    return target


def check(path: Path, data: Path) -> subprocess.CompletedProcess[str]:
    return aicmo("check", path.name, cwd=path.parent, data=data)


def test_fix_dry_run_prints_a_diff_and_leaves_the_file(report: Path, tmp_path: Path) -> None:
    before = report.read_text(encoding="utf-8")
    result = aicmo("fix", report.name, "--section", "overview", "--dry-run", cwd=report.parent, data=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("--- a/report.md\n+++ b/report.md\n@@ ")
    assert report.read_text(encoding="utf-8") == before
    assert result.stderr.startswith("overview: passed_first_attempt: template wrote a passing section (attempt 1)")


def test_fix_rewrites_every_failing_section_so_the_report_passes_them(report: Path, tmp_path: Path) -> None:
    data = tmp_path / "d"
    before = check(report, data)
    assert before.returncode == 1
    result = aicmo("fix", report.name, cwd=report.parent, data=data)
    assert result.returncode == 0, result.stderr
    after = check(report, data)
    # Every section that was there passes now; the missing section is the writer's to add.
    assert [line.split(" ")[2] for line in after.stdout.splitlines()[:-1]] == ["AIC001"]
    assert after.stdout.splitlines()[-1] == "1 file checked: 1 failed, 0 passed; 1 error, 0 warnings"
    # The writer's front matter and headings are untouched.
    text = report.read_text(encoding="utf-8")
    original = FAILING.read_text(encoding="utf-8")
    assert text.split("---\n")[1] == original.split("---\n")[1]
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        line for line in original.splitlines() if line.startswith("## ")
    ]
    # Every attempt is in the decision log, without a word of the report.
    with sqlite3.connect(data / "decisions.sqlite3") as db:
        rows = db.execute("SELECT section_id, decision_type, reason_code FROM decisions ORDER BY id").fetchall()
        blob = "\n".join(str(row) for row in db.execute("SELECT * FROM decisions"))
    assert ("overview", "quality_signal", "passed_first_attempt") in rows
    assert ("overview", "outcome", "applied") in rows
    assert "Saltmarsh" not in blob


def test_expand_keeps_the_writers_sentences_even_when_one_of_them_fails(report: Path, tmp_path: Path) -> None:
    original = report.read_text(encoding="utf-8")
    result = aicmo("fix", report.name, "--section", "overview", "--mode", "expand", cwd=report.parent, data=tmp_path)
    # The writer's overview says "In today's digital age", which its benchmark forbids; expanding must
    # keep every sentence, so the best it can do is pass everything else, marked provisional.
    assert result.returncode == 1
    assert result.stderr.startswith("overview: provisional: no generator wrote a passing section")
    text = report.read_text(encoding="utf-8")
    overview = original.split("\n## ")[1]
    for line in overview.splitlines()[1:]:
        if line.strip():
            assert line.strip() in text
    assert "<!-- aicmo:provisional fails: AIC143 forbidden_regex -->" in text
    after = check(report, tmp_path)
    assert "warning AIC009 provisional provisional generated text; still fails: AIC143 forbidden_regex" in after.stdout


def test_unknown_section_and_generator_are_usage_errors(report: Path, tmp_path: Path) -> None:
    result = aicmo("fix", report.name, "--section", "nope", cwd=report.parent, data=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("aicmo: no section 'nope' in this report; its sections: overview")
    result = aicmo("fix", report.name, "--generator", "gpt5", cwd=report.parent, data=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "aicmo: unknown generator 'gpt5'; known: openai, template\n"


def test_new_writes_a_report_that_passes_its_pack(tmp_path: Path) -> None:
    brief = tmp_path / "brief.yaml"
    brief.write_text(
        "brand: Kettle & Crumb\nindustry: Artisan bakery\naudience: Leeds families who pre-order weekend bakes\n"
        "goal: Grow weekend pre-orders by 25%\nvoice: warm, plain-spoken\n",
        encoding="utf-8",
    )
    result = aicmo(
        "new", "--pack", "quick_social_basic", "--brief", "brief.yaml", "-o", "plan.md", cwd=tmp_path, data=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.endswith("wrote plan.md: 8 sections, report PASS\n")
    text = (tmp_path / "plan.md").read_text(encoding="utf-8")
    assert text.startswith("---\npack: quick_social_basic\nbrand: Kettle & Crumb\n")
    assert check(tmp_path / "plan.md", tmp_path).returncode == 0
    # Never over a file that exists.
    again = aicmo(
        "new", "--pack", "quick_social_basic", "--brief", "brief.yaml", "-o", "plan.md", cwd=tmp_path, data=tmp_path
    )
    assert again.returncode == 2
    assert again.stderr == "aicmo: plan.md exists; pass --force to overwrite it\n"


def with_breaks(text: str) -> str:
    """``text`` with a ``---`` line, between blank lines, after every section (as many writers lay out
    their reports)."""
    head, _, sections = text.partition("\n## ")
    return head + "\n## " + "\n---\n\n## ".join(sections.split("\n## ")) + "\n---\n"


def layout(text: str) -> list[str]:
    """The thematic breaks and section headings of a report, in order."""
    return [line for line in text.splitlines() if line == "---" or line.startswith("## ")]


def test_fix_keeps_the_breaks_between_sections(report: Path, tmp_path: Path) -> None:
    original = with_breaks(report.read_text(encoding="utf-8"))
    report.write_text(original, encoding="utf-8")
    assert layout(original).count("---") == 9  # the front matter's two, one after each of the 7 sections
    result = aicmo("fix", report.name, cwd=report.parent, data=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("passed_first_attempt") == 2  # overview and the calendar were rewritten
    text = report.read_text(encoding="utf-8")
    assert "In today's digital age" not in text
    assert layout(text) == layout(original)
    assert text.count("\n\n---\n\n## ") == original.count("\n\n---\n\n## ") == 6
    assert text.endswith("\n\n---\n")


def test_expand_puts_the_new_text_above_each_sections_break(report: Path, tmp_path: Path) -> None:
    original = with_breaks(report.read_text(encoding="utf-8"))
    report.write_text(original, encoding="utf-8")
    result = aicmo("fix", report.name, "--mode", "expand", cwd=report.parent, data=tmp_path / "d")
    assert result.returncode == 1, result.stderr  # the overview keeps its forbidden phrase: provisional
    text = report.read_text(encoding="utf-8")
    assert layout(text) == layout(original)
    # Each section is what lies between two breaks: the expanded ones hold the writer's text and,
    # after it and before their break, the new text; the others are unchanged.
    old_parts, new_parts = original.split("\n---\n")[1:], text.split("\n---\n")[1:]
    expanded = ("## 1. Brand & Objectives\n", "## 3. 30-Day Social Calendar\n")
    assert sum(1 for old in old_parts if any(heading in old for heading in expanded)) == 2
    for old, new in zip(old_parts, new_parts, strict=True):
        if not any(heading in old for heading in expanded):
            assert new == old
            continue
        last = old.strip().splitlines()[-1]
        added = new.split(last, 1)[1]
        assert len(added.split()) >= 20, added
        assert new[len(new.rstrip()) :] == old[len(old.rstrip()) :] == "\n"  # one blank line above the break
        for line in old.splitlines():
            assert line in new.splitlines()


def fix_with_the_model_first(report: Path, data: Path, base_url: str) -> subprocess.CompletedProcess[str]:
    """``aicmo fix --section overview`` with the chain openai then template, the model at ``base_url``."""
    chain = ("--generator", "openai", "--generator", "template", "--model", "gpt-test", "--base-url", base_url)
    return aicmo("fix", report.name, "--section", "overview", *chain, cwd=report.parent, data=data, key=SECRET)


SECRET = "sk-test-SECRET-123"


def test_the_line_says_when_the_template_wrote_the_section_for_a_model_that_answered_garbage(
    report: Path, tmp_path: Path, fake_openai: FakeOpenAI
) -> None:
    fake_openai.respond_with(lambda request: Reply.completion("Candles are nice."))
    data = tmp_path / "d"
    result = fix_with_the_model_first(report, data, fake_openai.base_url)
    assert result.returncode == 0, result.stderr
    assert len(fake_openai.requests) == 2  # two attempts, both refused
    [line] = [line for line in result.stderr.splitlines() if line.startswith("overview: ")]
    # The answer dropped what the writer wrote, which is checked before the benchmark.
    assert line.startswith(
        "overview: fallback_used: 'Client Overview' was written by the template generator: "
        "the model's answers could not be used twice (the text dropped the writer's facts 'Brand: Saltmarsh Candle Co."
    )
    assert line.endswith("(+2 more): write each of them verbatim)")
    # The decision log knows which model failed, and that the template (no model) wrote the section.
    with sqlite3.connect(data / "decisions.sqlite3") as db:
        rows = db.execute("SELECT decision_type, generator, model, reason_code FROM decisions ORDER BY id").fetchall()
    assert rows == [
        ("attempt", "openai", "gpt-test", "bad_answer"),
        ("attempt", "openai", "gpt-test", "bad_answer"),
        ("attempt", "template", None, "passed"),
        ("generator_choice", "openai", "gpt-test", "bad_answer"),
        ("quality_signal", "template", None, "fallback_used"),
        ("outcome", "template", None, "applied"),
    ]


def test_the_line_says_when_the_template_wrote_the_section_for_a_model_out_of_reach(
    report: Path, tmp_path: Path
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = fix_with_the_model_first(report, tmp_path / "d", f"http://127.0.0.1:{port}/v1")
    assert result.returncode == 0, result.stderr
    assert (
        "overview: fallback_used: 'Client Overview' was written by the template generator: the model could not be "
        f"reached (could not connect to 127.0.0.1:{port}, after 2 retries)\n"
    ) in result.stderr
    assert SECRET not in result.stderr
