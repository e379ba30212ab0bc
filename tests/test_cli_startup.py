"""What ``aicmo`` imports and caches to start fast: real processes, what ``python -X importtime``
says each command imported, and the same output with the pack cache cold, warm, corrupt or off.
(How fast is measured in perf/bench_startup.py, never here.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import CI_ENV, run_aicmo

from aicmo_core import __version__
from aicmo_core.cli import COMMANDS, build_parser

REPORT = """---
title: Spring plan
pack: quick_social_basic
---

# Glow Skincare

## Brand Overview

Glow makes gentle skincare for busy parents who want a short routine that works.

## Goals

- Grow repeat orders
- Launch the spring range
"""
# Never imported by these commands: the generation stack, the decision log, the progress bar,
# validation and YAML (the packs come from the cache), the stemmer (the stems too), the pool.
NEVER = (
    "openai",
    "httpx",
    "rich",
    "pydantic",
    "ruamel",
    "sqlite3",
    "asyncio",
    "multiprocessing",
    "concurrent.futures",
    "snowballstemmer",
    "aicmo_core.generators",
    "aicmo_core.decisions",
    "aicmo_core.enforce",
    "aicmo_core.benchmarks.pack_reader",
    "aicmo_core.benchmarks.file_models",
    "aicmo_core.benchmarks.pattern_refusal",
    "aicmo_core.config_file",
)
# Not even the engine for these two.
NOT_FOR_VERSION = ("aicmo_core.check", "aicmo_core.cli.check", "aicmo_core.benchmarks", "markdown_it")


def imported(*args: str, cwd: Path, cache: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``aicmo ARGS`` and return it with the modules it imported (their full dotted names)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "aicmo_core.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**CI_ENV, "AICMO_CACHE_DIR": str(cache)},
        timeout=120,
    )
    modules = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    return result, modules - {"imported package"}


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(module for module in modules for name in names if module == name or module.startswith(f"{name}."))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "report.md").write_text(REPORT, encoding="utf-8")
    return tmp_path / "work"


@pytest.mark.parametrize("args", [("--version",), ("--help",)])
def test_version_and_help_import_no_command(args: tuple[str, ...], folder: Path, tmp_path: Path) -> None:
    result, modules = imported(*args, cwd=folder, cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert loaded(modules, NEVER + NOT_FOR_VERSION) == []
    assert not (tmp_path / "cache").exists()


def test_a_check_with_a_warm_cache_imports_only_the_engine(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = run_aicmo("check", "report.md", cwd=folder, env={"AICMO_CACHE_DIR": str(cache)})
    result, modules = imported("check", "report.md", cwd=folder, cache=cache)
    assert (result.returncode, result.stdout) == (first.returncode, first.stdout)
    assert "aicmo_core.check" in modules
    assert loaded(modules, NEVER) == []


def test_a_cold_check_validates_and_a_warm_one_does_not(folder: Path, tmp_path: Path) -> None:
    _, cold = imported("check", "report.md", cwd=folder, cache=tmp_path / "cache")
    assert {"pydantic", "aicmo_core.benchmarks.pack_reader"} <= cold
    assert sorted(path.name.split("-")[0] for path in (tmp_path / "cache").iterdir()) == [
        "data",
        "data",
        "packs",
    ]  # the vocabulary, the stems and the built-in packs


def test_the_output_is_the_same_with_the_cache_cold_warm_corrupt_or_off(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"AICMO_CACHE_DIR": str(cache)}
    cold = run_aicmo("check", "report.md", "--output-format", "json", cwd=folder, env=env)
    warm = run_aicmo("check", "report.md", "--output-format", "json", cwd=folder, env=env)
    for entry in cache.iterdir():
        entry.write_bytes(b"\x00garbage")
    corrupt = run_aicmo("check", "report.md", "--output-format", "json", cwd=folder, env=env)
    off_env = {"AICMO_CACHE_DIR": str(tmp_path / "unused"), "AICMO_NO_CACHE": "1"}
    off = run_aicmo("check", "report.md", "--output-format", "json", cwd=folder, env=off_env)
    outcomes = {(run.returncode, run.stdout, run.stderr) for run in (cold, warm, corrupt, off)}
    assert len(outcomes) == 1, outcomes
    assert cold.returncode == 1 and '"pack": "quick_social_basic"' in cold.stdout
    assert not (tmp_path / "unused").exists()


def test_a_cache_folder_that_cannot_be_made_is_ignored(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    blocked = run_aicmo("check", "report.md", cwd=folder, env={"AICMO_CACHE_DIR": str(tmp_path / "file" / "cache")})
    plain = run_aicmo("check", "report.md", cwd=folder, env={"AICMO_NO_CACHE": "1"})
    assert (blocked.returncode, blocked.stdout, blocked.stderr) == (plain.returncode, plain.stdout, plain.stderr)


def test_each_command_is_listed_with_its_own_help_without_importing_it() -> None:
    """The help lines ``aicmo --help`` shows without importing the commands are the commands' own."""
    full = build_parser().format_help()
    assert build_parser("").format_help() == full
    for command in COMMANDS:
        assert build_parser(command).format_help() == full


def test_version_says_the_same_with_or_without_the_parser(tmp_path: Path) -> None:
    quick = run_aicmo("--version", cwd=tmp_path)  # answered before any parser is built
    parsed = run_aicmo("--version", "--version", cwd=tmp_path)  # by argparse
    assert (quick.returncode, quick.stdout, quick.stderr) == (parsed.returncode, parsed.stdout, parsed.stderr)
    assert quick.stdout == f"aicmo {__version__}\n"


def test_settings_are_validated_once_and_broken_ones_every_time(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    settings = folder / "aicmo.toml"
    settings.write_text('default_pack = "quick_social_basic"\n[severity]\nAIC101 = "warning"\n', encoding="utf-8")
    first = run_aicmo("check", "report.md", cwd=folder, env={"AICMO_CACHE_DIR": str(cache)})
    result, modules = imported("check", "report.md", cwd=folder, cache=cache)
    assert (result.returncode, result.stdout) == (first.returncode, first.stdout)
    assert loaded(modules, NEVER) == []
    settings.write_text('default_pack = "quick_social_basic"\n[severity]\nAIC101 = "loud"\n', encoding="utf-8")
    for _ in range(2):
        broken = run_aicmo("check", "report.md", cwd=folder, env={"AICMO_CACHE_DIR": str(cache)})
        assert broken.returncode == 2
        assert "aicmo.toml:3: Input should be 'error', 'warning', 'info' or 'off' [severity.AIC101]" in broken.stderr


@pytest.mark.parametrize("args", [("packs",), ("explain", "AIC101")])
def test_packs_and_explain_import_neither_the_decision_log_nor_the_generation_stack(
    args: tuple[str, ...], folder: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    run_aicmo("check", "report.md", cwd=folder, env={"AICMO_CACHE_DIR": str(cache)})  # a warm cache
    result, modules = imported(*args, cwd=folder, cache=cache)
    assert result.returncode == 0, result.stderr
    assert loaded(modules, NEVER) == []
