"""``aicmo`` in a repository someone else made (issue 14, items 2-4), run as CI runs it: a process,
its exact exit code and messages, and a time limit, since the failures guarded against were hangs
and tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import CI_ENV, aicmo_command
from tests.support.hostile import expected_problems, hostile_repo

pytestmark = pytest.mark.timeout(60)


def run(args: list[str], cwd: Path) -> tuple[int, str, str, int]:
    """Run ``aicmo ARGS`` with a standard input that stays open (a pipe nobody writes to), as a CI
    job's may: a loader reading ``/dev/stdin`` would wait forever. Returns (exit code, stdout,
    stderr, pid)."""
    read_end, write_end = os.pipe()
    try:
        process = subprocess.Popen(
            aicmo_command(*args),
            cwd=cwd,
            stdin=read_end,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=CI_ENV,
        )
        try:
            stdout, stderr = process.communicate(timeout=45)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise AssertionError("aicmo did not finish within 45 s") from None
    finally:
        os.close(read_end)
        os.close(write_end)
    return process.returncode, stdout, stderr, process.pid


def test_check_in_a_hostile_repository_says_what_it_refused_and_checks_with_the_rest(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path).resolve()
    code, stdout, stderr, pid = run(["check", "--quiet", "reports/team.md", "reports/social.md"], repo)
    assert code == 2
    assert "Traceback" not in stdout + stderr
    assert stderr.splitlines() == [
        f"aicmo: configuration error: {line}" for line in expected_problems(repo, "a named pipe (FIFO)", pid)
    ]
    # The team's healthy pack and the built-in packs still check their reports.
    assert stdout.splitlines()[0] == "reports/team.md:4:1: error AIC101 min_words 2 words; this section needs 5-40"
    assert "reports/social.md:4:1: error AIC131 required_headings missing sub-heading 'Brand Hashtags'" in stdout
    assert not (repo / "pwned.txt").exists()


def test_packs_in_a_hostile_repository_lists_what_loaded_and_exits_2(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path).resolve()
    code, stdout, stderr, pid = run(["packs"], repo)
    assert code == 2
    assert len(stderr.splitlines()) == len(expected_problems(repo, "a named pipe (FIFO)", pid))
    assert [line.split()[0] for line in stdout.splitlines()] == [
        "brand_turnaround_lab",
        "full_funnel_growth_suite",
        "launch_gtm_pack",
        "performance_audit_revamp",
        "quick_social_basic",
        "retention_crm_booster",
        "strategy_campaign_basic",
        "strategy_campaign_enterprise",
        "strategy_campaign_premium",
        "strategy_campaign_standard",
        "team",
    ]


def test_a_folder_outside_is_used_when_the_user_names_it(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "reports").mkdir(parents=True)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "team.yaml").write_text(
        "key: team\nlabel: Team\nsections:\n  - {id: overview, label: Overview, min_words: 5, max_words: 40}\n",
        encoding="utf-8",
    )
    (repo / "aicmo.toml").write_text('benchmark_paths = ["../shared"]\n', encoding="utf-8")
    (repo / "reports" / "a.md").write_text("---\npack: team\n---\n## Overview\n\nToo short.\n", encoding="utf-8")

    code, stdout, stderr, _ = run(["check", "reports/a.md"], repo)
    assert code == 2
    assert stderr.splitlines()[0].startswith(
        f"aicmo: configuration error: {repo.resolve()}/aicmo.toml:1: benchmark folder '../shared' "
    )
    assert stdout.startswith("reports/a.md:2:1: error AIC007 unknown_pack unknown pack 'team'; known packs: ")

    code, stdout, stderr, _ = run(["check", "--benchmarks", "../shared", "reports/a.md"], repo)
    assert (code, stderr) == (1, "")
    assert stdout.splitlines()[0] == "reports/a.md:4:1: error AIC101 min_words 2 words; this section needs 5-40"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (os.mkfifo, "is a named pipe (FIFO), not a regular file: refused"),
        (
            lambda p: p.symlink_to("/dev/stdin"),
            "links to /dev/stdin, which is a named pipe (FIFO), not a regular file: refused",
        ),
        (lambda p: p.symlink_to("/proc/self/environ"), None),
    ],
    ids=["fifo", "dev-stdin", "proc-environ"],
)
def test_a_hostile_aicmo_toml_is_one_message_and_exit_2(tmp_path: Path, make: object, message: str | None) -> None:
    (tmp_path / "report.md").write_text("---\npack: quick_social_basic\n---\n## Overview\n", encoding="utf-8")
    make(tmp_path / "aicmo.toml")  # type: ignore[operator]
    code, stdout, stderr, pid = run(["check", "--quiet", "report.md"], tmp_path)
    if message is None:  # /proc/self is the process reading it
        message = f"links to /proc/{pid}/environ, which is outside {tmp_path.resolve()}: refused (see docs/configuration.md#confinement)"
    assert code == 2
    assert stderr == f"aicmo: configuration error: {tmp_path.resolve()}/aicmo.toml: {message}\n"
    assert "report.md:2:1: error AIC001 missing_section" in stdout


def test_an_error_of_aicmo_itself_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    script = (
        "import sys, aicmo_core.cli as cli, aicmo_core.cli.check as check\n"
        "def broken(args): raise TypeError('cannot unpack non-iterable NoneType object')\n"
        "check.command_check = broken\n"
        "sys.exit(cli.main(['check', 'x.md']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=CI_ENV,
        timeout=45,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "aicmo: internal error: TypeError: cannot unpack non-iterable NoneType object (please report it)\n"
    )


@pytest.mark.parametrize(
    ("brief", "message"),
    [
        (
            "brand: Acme\naudience: !!python/object/apply:os.system ['touch pwned.txt']\n",
            "brief.yaml:2:11: YAML tag !!python/object/apply:os.system is not allowed: benchmark files hold plain "
            "data (text, numbers, true/false, lists and mappings)",
        ),
        ("- brand\n- audience\n", "brief.yaml:1:1: a brief must be a mapping (key: value pairs)"),
        (
            "\ufeffbrand: [Acme\n",
            "brief.yaml:2:1: while parsing a flow sequence expected ',' or ']', but got '<stream end>'",
        ),
    ],
)
def test_new_reads_its_brief_as_plain_data_and_names_the_place_it_refuses(
    tmp_path: Path, brief: str, message: str
) -> None:
    (tmp_path / "brief.yaml").write_text(brief, encoding="utf-8")
    code, stdout, stderr, _ = run(
        ["new", "--pack", "quick_social_basic", "--brief", "brief.yaml", "-o", "plan.md"], tmp_path
    )
    assert (code, stdout, stderr) == (2, "", f"aicmo: {message}\n")
    assert not (tmp_path / "plan.md").exists()
    assert not (tmp_path / "pwned.txt").exists()


def test_new_refuses_a_brief_that_is_a_named_pipe_instead_of_waiting_on_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "brief.yaml")
    code, _stdout, stderr, _ = run(
        ["new", "--pack", "quick_social_basic", "--brief", "brief.yaml", "-o", "plan.md"], tmp_path
    )
    assert (code, stderr) == (2, "aicmo: brief.yaml: is a named pipe (FIFO), not a regular file: refused\n")
