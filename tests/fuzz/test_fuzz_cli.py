"""Issue 14, item 9: a repository a stranger made, checked by ``aicmo check`` (the CLI's loading path:
``aicmo.toml``, the team's benchmark folder, packs and their included library).

Whatever the repository holds: the command ends within the time limit, prints no traceback, says
everything it says on stderr as ``aicmo: ...`` lines, and still checks the report of a built-in pack.
A correct repository gives no configuration error; a broken file gives exit 2 and a message naming
it (see ``tests/support/hostile_files.py`` for what is generated and what each verdict means).

Each example runs in a child forked from a warm process (``tests/support/forked_cli.py``), so the
fuzz fits its time budget; what it found is pinned down as plain subprocess tests in
``test_fuzz_regressions.py``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from support.forked_cli import CliRun, ForkedCli
from support.fuzz_settings import FUZZ_SETTINGS, SCALE, examples
from support.hostile_files import (
    BUILTIN_REPORT,
    SCENARIOS,
    TEAM_REPORT,
    Repository,
    Scenario,
    any_repository,
    repositories,
)

TIME_LIMIT = 15.0  # seconds for one `aicmo check`; a normal run takes a fraction of one
BUILTIN_FINDING = "builtin.md:4:1: error AIC101 min_words "


@pytest.fixture(scope="module")
def cli() -> Iterator[ForkedCli]:
    runner = ForkedCli()
    yield runner
    runner.close()


def check_repository(cli: ForkedCli, repository: Repository, tmp_path: Path) -> tuple[CliRun, Path]:
    root = Path(tempfile.mkdtemp(prefix="repo-", dir=tmp_path))
    repository.write(root)
    run = cli.run(
        ["check", BUILTIN_REPORT, TEAM_REPORT],
        cwd=root,
        time_limit=TIME_LIMIT,
        scratch=tmp_path,
        env={"AICMO_DATA_DIR": str(tmp_path / "data")},
    )
    return run, root


def team_pack_unknown(stdout: str) -> bool:
    return any(line.startswith(f"{TEAM_REPORT}:") and " AIC007 " in line for line in stdout.splitlines())


def assert_cli_outcome(repository: Repository, run: CliRun) -> None:
    context = f"{repository.what}\n--- exit {run.returncode}\n--- stdout\n{run.stdout[-4000:]}\n--- stderr\n{run.stderr[-4000:]}"
    assert not run.hung, f"aicmo check did not end within {TIME_LIMIT:g} s: {context}"
    assert "Traceback" not in run.stdout + run.stderr, context
    strays = [line for line in run.stderr.splitlines() if line.strip() and not line.startswith("aicmo: ")]
    assert not strays, f"stderr lines that are no aicmo message: {strays[:3]}\n{context}"
    assert " AIC900 " not in run.stdout, context
    assert BUILTIN_FINDING in run.stdout, f"the built-in pack's report was not checked: {context}"
    configuration_errors = [line for line in run.stderr.splitlines() if line.startswith("aicmo: configuration error: ")]
    if repository.verdict == "valid":
        assert run.returncode == 1, context
        assert not configuration_errors, context
        assert not team_pack_unknown(run.stdout), f"the team's pack did not load: {context}"
    elif repository.verdict == "broken":
        assert run.returncode == 2, context
        assert configuration_errors, f"nothing said about the broken file: {context}"
        if repository.blame is not None:
            name = Path(repository.blame).name
            assert any(name in line for line in configuration_errors), f"{name} is not named: {context}"
        if repository.target == "other":
            assert not team_pack_unknown(run.stdout), f"one broken pack silenced the team's: {context}"
    else:
        assert run.returncode in (1, 2), context


def check_and_assert(cli: ForkedCli, repository: Repository, tmp_path: Path) -> None:
    run, root = check_repository(cli, repository, tmp_path)
    try:
        assert_cli_outcome(repository, run)
    finally:
        shutil.rmtree(root)


@pytest.mark.timeout(60 * SCALE)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_every_kind_of_hostile_repository(cli: ForkedCli, scenario: Scenario, tmp_path: Path) -> None:
    """The simplest repository of each kind (hypothesis's first example), so every kind runs every time."""

    @settings(FUZZ_SETTINGS, max_examples=examples(1))
    @given(repository=repositories(scenario))
    def check(repository: Repository) -> None:
        check_and_assert(cli, repository, tmp_path)

    check()


@pytest.mark.timeout(180 * SCALE)
@settings(FUZZ_SETTINGS, max_examples=examples(8))
@given(repository=any_repository)
def test_random_hostile_repositories(cli: ForkedCli, repository: Repository, tmp_path: Path) -> None:
    """Any kind, any variant: a different sample on every run."""
    check_and_assert(cli, repository, tmp_path)
