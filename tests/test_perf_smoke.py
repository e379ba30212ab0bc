"""The speed benchmark still runs. Speed itself is never asserted here: it depends on the machine
(numbers are in perf/RESULTS.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def quick(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "perf" / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        check=False,
    )


def test_bench_check_quick_prints_its_table() -> None:
    result = quick("bench_check.py")
    assert result.returncode == 0, result.stderr
    assert "| kind | size | runs | floor median ms |" in result.stdout
    assert "| md | 1" in result.stdout and "| mdx | 1" in result.stdout


def test_bench_generate_quick_prints_its_table() -> None:
    result = quick("bench_generate.py")
    assert result.returncode == 0, result.stderr
    assert "| concurrency | failing sections | runs | answer delay ms | command→edit ms |" in result.stdout


def test_bench_matching_quick_prints_its_table() -> None:
    result = quick("bench_matching.py")
    assert result.returncode == 0, result.stderr
    assert "| lines | headings | floor ms | cold match ms | warm match ms |" in result.stdout
    assert "\n| 1000 | " in result.stdout


def test_bench_pathological_quick_prints_its_table() -> None:
    result = quick("bench_pathological.py")
    assert result.returncode == 0, result.stderr
    assert "| document | size | findings | floor ms | check ms | check/floor |" in result.stdout
    assert "| headings (5,000 headings) |" in result.stdout and "| wide table (500 columns) |" in result.stdout


def test_bench_startup_quick_prints_its_table() -> None:
    result = quick("bench_startup.py")
    assert result.returncode == 0, result.stderr
    assert "| command | runs | median ms | min ms | median / floor | median / python |" in result.stdout
    assert "| aicmo check (cache warm) | 3 |" in result.stdout


def test_bench_jobs_quick_prints_its_table() -> None:
    result = quick("bench_jobs.py")
    assert result.returncode == 0, result.stderr
    assert "| command | reports | runs | median s | min s | speed-up over --jobs 1 (median) |" in result.stdout
    assert "| --jobs 2 | 40 | 1 |" in result.stdout
