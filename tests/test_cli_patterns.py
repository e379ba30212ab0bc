"""Patterns from a cloned repository's packs, as a user meets them on the command line: real
processes, exact exit codes and output, and a time limit on each so a pattern that hangs fails the
test instead of CI."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from support.cli import run_aicmo

pytestmark = pytest.mark.timeout(120)

FIXTURES = Path(__file__).parent / "fixtures" / "patterns"
SLOW_LINE = "ab" * 40 + "!"


def aicmo(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_aicmo(*args, cwd=cwd, env={"AICMO_DATA_DIR": str(cwd / "data")}, timeout=100)


@pytest.fixture
def catastrophic(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "catastrophic", tmp_path / "repo"))


@pytest.fixture
def slow(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "slow", tmp_path / "repo"))


def timed_out(line: int, budget: str, name: str = "report.md") -> str:
    return (
        f"{name}:{line}:1: error AIC901 check_timeout the forbidden_regex check of this section was abandoned: "
        f"pattern '(ab|a|b)*$' ran past the {budget} time budget; simplify the pattern in the pack"
    )


def test_a_catastrophic_pattern_is_refused_at_load_with_file_line_and_reason(catastrophic: Path) -> None:
    """The issue's first row: `(a+)+$` and a line of forty "a" and a "!" used to never end."""
    result = aicmo("check", "report.md", cwd=catastrophic)
    assert result.returncode == 2
    pack = catastrophic / "benchmarks" / "packs" / "greedy.yaml"
    assert (
        f"{pack}:9:36: '(a+)+$' is refused: `(a+)+` repeats `a+` inside a repeat that can match the same text, so "
        "on a line that almost matches the matcher tries exponentially many ways to split it (catastrophic "
        "backtracking); repeat once instead"
    ) in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_section_past_its_time_budget_is_one_finding_and_the_check_ends(slow: Path) -> None:
    result = aicmo("check", "report.md", cwd=slow)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.splitlines() == [
        timed_out(4, "section's 0.5 s"),
        "report.md:6:1: error AIC143 forbidden_regex text matches forbidden pattern '(?i)content is king': "
        "'Content is king'",
        "1 file checked: 1 failed, 0 passed; 2 errors, 0 warnings",
    ]


def test_the_json_output_names_the_pattern_and_the_budget(slow: Path) -> None:
    result = aicmo("check", "--format", "json", "report.md", cwd=slow)
    assert result.returncode == 1
    [timeout] = [f for f in json.loads(result.stdout)["files"][0]["findings"] if f["code"] == "AIC901"]
    assert (timeout["rule"], timeout["severity"], timeout["section"]) == ("check_timeout", "error", "intro")
    assert timeout["data"] == {"rule": "forbidden_regex", "pattern": "(ab|a|b)*$", "budget_s": 0.5, "scope": "section"}


def test_a_report_of_many_slow_sections_costs_one_report_budget(slow: Path) -> None:
    result = aicmo("check", "many.md", cwd=slow)
    assert (result.returncode, result.stderr) == (1, "")
    lines = result.stdout.splitlines()
    assert [line.split(" ")[:3] for line in lines[:-1]] == [
        [f"many.md:{4 + 4 * n}:1:", "error", "AIC901"] for n in range(12)
    ]
    # Ten sections spend their 0.5 s each, the report's 5 s; the last ones are not run at all (the
    # one at the boundary may go either way).
    assert lines[:8] == [timed_out(4 + 4 * n, "section's 0.5 s", "many.md") for n in range(8)]
    assert lines[10:12] == [timed_out(4 + 4 * n, "report's 5 s", "many.md") for n in (10, 11)]
    assert lines[-1] == "1 file checked: 1 failed, 0 passed; 12 errors, 0 warnings"


def test_fix_regenerates_a_section_its_pattern_was_too_slow_on(slow: Path) -> None:
    result = aicmo("fix", "report.md", cwd=slow)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("intro: passed_first_attempt: template wrote a passing section (attempt 1)")
    assert SLOW_LINE not in (slow / "report.md").read_text(encoding="utf-8")
    after = aicmo("check", "report.md", cwd=slow)
    assert (after.returncode, after.stdout) == (0, "1 file checked: 0 failed, 1 passed; 0 errors, 0 warnings\n")


def test_fix_mode_leaves_a_line_it_cannot_run_the_pattern_on_and_marks_the_section(slow: Path) -> None:
    result = aicmo("fix", "report.md", "--mode", "fix", cwd=slow)
    assert result.returncode == 1
    assert result.stderr.startswith("intro: provisional: no generator wrote a passing section")
    assert "Traceback" not in result.stderr
    text = (slow / "report.md").read_text(encoding="utf-8")
    assert "<!-- aicmo:provisional fails: AIC901 check_timeout -->" in text
    assert SLOW_LINE in text
