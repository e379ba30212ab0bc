"""``aicmo check`` (and ``fix``) against hostile documents, as a process: the size limit it shares with the
server, front matter that is never closed, and files that are no regular files."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from support.cli import run_aicmo

REPORT = "---\npack: quick_social_basic\nbrand: Glow\n---\n\n## Client Overview\n\nGlow sells skincare.\n"


def aicmo(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_aicmo(*args, cwd=cwd, env={"HOME": str(cwd)}, timeout=60)


@pytest.mark.timeout(90)
def test_a_report_over_the_default_limit_is_not_checked_and_fails_with_2(tmp_path: Path) -> None:
    (tmp_path / "big.md").write_text(REPORT + "Lorem ipsum dolor sit amet. " * 400_000, encoding="utf-8")  # 11 MB
    (tmp_path / "small.md").write_text(REPORT, encoding="utf-8")

    result = aicmo("check", "big.md", "small.md", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr == (
        "aicmo: big.md is 10.7 MB; aicmo checks reports up to 10 MB (--max-file-size-mb), so it is not checked.\n"
    )
    assert "small.md:6:1: error AIC101" in result.stdout  # the other report is checked
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.timeout(60)
@pytest.mark.parametrize("dry_run", [(), ("--dry-run",)])
def test_fix_keeps_to_the_same_limit_and_leaves_the_report_as_it_was(tmp_path: Path, dry_run: tuple[str, ...]) -> None:
    text = REPORT + "More words here. " * 200  # 3.5 KB
    (tmp_path / "plan.md").write_text(text, encoding="utf-8")

    refused = aicmo("fix", *dry_run, "--max-file-size-mb", "0.001", "plan.md", cwd=tmp_path)

    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == (
        "aicmo: plan.md is 0.0 MB; aicmo checks reports up to 0.001 MB (--max-file-size-mb), so it is not checked.\n"
    )
    assert (tmp_path / "plan.md").read_text(encoding="utf-8") == text


@pytest.mark.timeout(60)
def test_the_limit_is_a_flag(tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text(REPORT + "More words here. " * 200, encoding="utf-8")  # 3.5 KB

    refused = aicmo("check", "--max-file-size-mb", "0.001", "plan.md", cwd=tmp_path)
    checked = aicmo("check", "--max-file-size-mb", "0.01", "plan.md", cwd=tmp_path)
    invalid = aicmo("check", "--max-file-size-mb", "0", "plan.md", cwd=tmp_path)

    assert (refused.returncode, refused.stderr) == (
        2,
        "aicmo: plan.md is 0.0 MB; aicmo checks reports up to 0.001 MB (--max-file-size-mb), so it is not checked.\n",
    )
    assert checked.returncode == 1 and checked.stderr == ""
    assert invalid.returncode == 2
    assert invalid.stderr.endswith("error: argument --max-file-size-mb: 0 is not above 0\n")


@pytest.mark.timeout(60)
def test_front_matter_that_is_never_closed_fails_the_check(tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text(REPORT.replace("brand: Glow\n---\n", "brand: Glow\n"), encoding="utf-8")

    result = aicmo("check", "plan.md", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "plan.md:1:1: error AIC010 front_matter_unclosed the front matter is never closed: add a '---' line after "
        "line 3; until then its pack and settings are not read"
    )


@pytest.mark.timeout(60)
def test_a_folder_with_a_fifo_and_a_link_to_a_device_is_checked_without_waiting(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "plan.md").write_text(REPORT, encoding="utf-8")
    os.mkfifo(reports / "pipe.md")
    (reports / "zero.md").symlink_to("/dev/zero")

    result = aicmo("check", "reports", cwd=tmp_path)

    assert result.returncode == 1
    assert {line.split(":")[0] for line in result.stdout.splitlines()[:-1]} == {"reports/plan.md"}
    assert result.stderr == ""


@pytest.mark.timeout(60)
def test_naming_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")

    result = aicmo("check", "pipe.md", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr == "aicmo: no such file or folder: pipe.md\n"
