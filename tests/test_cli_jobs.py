"""``aicmo check --jobs``: worker processes only when they pay, and the same output in every format
with any number of them. (How much faster is measured in perf/bench_jobs.py, never here.)"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import pytest
from support.cli import run_aicmo

from aicmo_core.benchmarks.loader import load_packs
from aicmo_core.cli import parallel
from aicmo_core.cli.parallel import detached, usable_cores, workers_for
from aicmo_core.formatters import FORMATS, CheckRun, render
from aicmo_core.workspace import Workspace

WORDS = [
    "brand",
    "growth",
    "launch",
    "offer",
    "repeat",
    "buyers",
    "spring",
    "range",
    "routine",
    "parents",
    "skincare",
    "channel",
    "weekly",
]
MANY = 100  # enough 10 KB reports that two workers pay for themselves


def write_reports(folder: Path, count: int) -> list[Path]:
    """``count`` different reports of about 10 KB: the built-in quick_social_basic pack's sections,
    some too short, some with a forbidden phrase or a missing section, in seeded random words."""
    pack = load_packs([]).packs["quick_social_basic"]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        rng = random.Random(number)
        parts = [f"---\ntitle: Report {number}\npack: quick_social_basic\n---\n\n# Glow {number}\n"]
        for section in pack.sections:
            if rng.random() < 0.1:
                continue  # a missing section
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 160)))
            parts.append(
                f"## {section.label}\n\n{words.capitalize()}.\n\n- {rng.choice(WORDS)}\n- {rng.choice(WORDS)}\n"
            )
        text = "\n".join(parts)
        while len(text) < 10_000:
            text += "\n## Notes\n\n" + " ".join(rng.choice(WORDS) for _ in range(200)) + ".\n"
        path = folder / f"report_{number:03}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_workers_only_when_the_files_pay_for_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    small = []
    for number in range(40):
        small.append(tmp_path / f"small_{number}.md")
        small[-1].write_text("# A\n\nshort\n", encoding="utf-8")
    large = []
    for number in range(1000):
        large.append(tmp_path / f"large_{number}.md")
        with large[-1].open("wb") as handle:
            handle.truncate(10 * 1024)
    assert workers_for(small[:3], 0) == 1  # a few files
    assert workers_for(small, 0) == 1  # many, but small ones
    assert workers_for(large, 0) == 2  # the default: every core, when it pays
    assert workers_for(large, 1) == 1  # --jobs 1 is one process
    assert workers_for(large, 8) == 2  # more workers than cores pay nothing


def test_a_detached_result_prints_the_same_in_every_format(tmp_path: Path) -> None:
    workspace = Workspace()
    results = []
    for path in write_reports(tmp_path / "reports", 3):
        result, problems = workspace.check_text(path.read_text(encoding="utf-8"), path)
        assert problems == []
        results.append((path.name, result))
    light = [(name, detached(result)) for name, result in results]
    for name in FORMATS:
        assert render(name, CheckRun(light, [], tmp_path)) == render(name, CheckRun(results, [], tmp_path)), name


@pytest.mark.parametrize("output_format", list(FORMATS))
def test_two_workers_print_what_one_process_prints(output_format: str, tmp_path: Path) -> None:
    if usable_cores() < 2:
        pytest.skip("one core: --jobs 2 would check in one process too")
    paths = write_reports(tmp_path / "reports", MANY)
    assert workers_for(paths, 2) == 2, "these reports no longer make workers pay: write more"
    runs = [
        run_aicmo("check", "reports", "--jobs", jobs, "--output-format", output_format, cwd=tmp_path)
        for jobs in ("1", "2")
    ]
    assert runs[0].returncode == 1, runs[0].stderr
    assert [(run.returncode, run.stdout, run.stderr) for run in runs[1:]] == [
        (runs[0].returncode, runs[0].stdout, runs[0].stderr)
    ]
    assert runs[0].stdout.count("report_") >= MANY


def test_workers_that_start_afresh_find_what_one_process_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On macOS (fork is not safe there) and Windows (no fork) each worker is a new interpreter that
    takes the packs from the pack cache and sends its results back whole, with no references to this
    process's packs: they print as this process's own, in every format."""
    paths = write_reports(tmp_path / "reports", 12)
    monkeypatch.setattr(parallel, "start_method", lambda: "spawn")
    monkeypatch.setattr(parallel, "workers_for", lambda paths, jobs: 2)
    monkeypatch.setenv("AICMO_CACHE_DIR", str(tmp_path / "cache"))
    args = argparse.Namespace(benchmarks=[], jobs=2, pack=None, max_file_size_mb=10.0)
    spawned = list(parallel.check_reports(paths, args))
    workspace = Workspace()
    here = [(path, *parallel.check_file(path, None, 10.0, workspace)) for path in paths]
    assert [(path, problems, error) for path, _, problems, error in spawned] == [
        (path, problems, error) for path, _, problems, error in here
    ]
    for name in FORMATS:
        printed = [
            render(name, CheckRun([(p.name, r) for p, r, _, _ in run if r], [], tmp_path)) for run in (spawned, here)
        ]
        assert printed[0] == printed[1], name
