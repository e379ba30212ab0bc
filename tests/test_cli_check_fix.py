"""``aicmo check --fix`` and ``--diff``, run as a user runs them (real processes): the model-free fixes
(a missing sub-heading, a forbidden phrase, a missing section) are written and what remains is
reported; ``--diff`` shows them and writes nothing; a second run changes nothing; the writer's file
is kept safe (read-only refused, symlinks followed, byte order mark and line endings kept, a failed
write leaves it as it was, an edit made while the fix waits is fixed too, never overwritten)."""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import resource
import shutil
import subprocess
from pathlib import Path

import pytest
from support.cli import CI_ENV, aicmo_command, run_aicmo

from aicmo_core.cli.check_fix import Fixer
from aicmo_core.cli.parallel import detached
from aicmo_core.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures" / "check_fix"
NAMES = ("forbidden_phrase.md", "missing_section.md", "missing_sub_heading.md")
SUMMARY_ONE_LEFT = "3 files checked: 1 failed, 2 passed; 1 error, 0 warnings\n"
SECTION_EMPTY = "reports/missing_section.md:14:1: error AIC005 empty_section section 'Channel Plan' is empty\n"
SUB_HEADING = "reports/missing_sub_heading.md"

# What --diff prints for the three reports, a patch to review.
DIFF = (FIXTURES / "fixed" / "all.diff").read_text(encoding="utf-8")

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository with the fixture pack and the three reports to fix in ``reports/``."""
    shutil.copy(FIXTURES / "aicmo.toml", tmp_path)
    shutil.copytree(FIXTURES / "benchmarks", tmp_path / "benchmarks")
    (tmp_path / "reports").mkdir()
    for name in NAMES:
        shutil.copy(FIXTURES / name, tmp_path / "reports" / name)
    return tmp_path


def environment(project: Path) -> dict[str, str]:
    return {"HOME": str(project / "home"), "AICMO_DATA_DIR": str(project / "data")}


def aicmo(project: Path, *args: str, file_size_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit_file_size() -> None:  # writing past it fails with EFBIG, as a full disk fails with ENOSPC
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    # preexec_fn is safe here: the child has no threads before exec
    return run_aicmo(*args, cwd=project, env=environment(project), preexec_fn=limit_file_size)


def fixed(name: str) -> str:
    return (FIXTURES / "fixed" / name).read_text(encoding="utf-8")


def report_texts(project: Path) -> dict[str, str]:
    return {name: (project / "reports" / name).read_text(encoding="utf-8") for name in NAMES}


def fixed_lines(*names: str, verb: str = "fixed") -> str:
    return "".join(f"aicmo: {verb} 1 problem in reports/{name}\n" for name in names)


def test_fix_writes_the_fixed_reports_and_reports_what_remains(project: Path) -> None:
    result = aicmo(project, "check", "--fix", "reports")
    # The new section is empty: writing it is left to the writer (or a generator).
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        SECTION_EMPTY + SUMMARY_ONE_LEFT,
        fixed_lines(*NAMES),
    )
    assert report_texts(project) == {name: fixed(name) for name in NAMES}


def test_a_report_left_with_nothing_to_fix_passes(project: Path) -> None:
    result = aicmo(project, "check", "--fix", SUB_HEADING)
    summary = "1 file checked: 0 failed, 1 passed; 0 errors, 0 warnings\n"
    assert (result.returncode, result.stdout, result.stderr) == (0, summary, fixed_lines("missing_sub_heading.md"))
    assert (project / SUB_HEADING).read_text(encoding="utf-8") == fixed("missing_sub_heading.md")


def test_the_json_output_holds_what_remains_after_the_fixes(project: Path) -> None:
    result = aicmo(project, "check", "--fix", "--format", "json", "reports")
    assert result.returncode == 1, result.stderr
    codes = {report["path"]: [f["code"] for f in report["findings"]] for report in json.loads(result.stdout)["files"]}
    assert codes == {f"reports/{name}": ["AIC005"] if name == "missing_section.md" else [] for name in NAMES}


def test_a_second_run_changes_nothing(project: Path) -> None:
    assert aicmo(project, "check", "--fix", "reports").returncode == 1
    before = {name: os.stat(project / "reports" / name) for name in NAMES}
    again = aicmo(project, "check", "--fix", "reports")
    assert (again.returncode, again.stdout, again.stderr) == (1, SECTION_EMPTY + SUMMARY_ONE_LEFT, "")
    assert report_texts(project) == {name: fixed(name) for name in NAMES}
    after = {name: os.stat(project / "reports" / name) for name in NAMES}
    assert {name: (s.st_ino, s.st_mtime_ns) for name, s in after.items()} == {
        name: (s.st_ino, s.st_mtime_ns) for name, s in before.items()
    }
    diff = aicmo(project, "check", "--diff", "reports")
    assert (diff.returncode, diff.stdout, diff.stderr) == (0, "", "")


@pytest.mark.parametrize("options", [("--diff",), ("--fix", "--diff")], ids=["diff", "fix_and_diff"])
def test_diff_prints_what_fix_would_change_and_writes_nothing(project: Path, options: tuple[str, ...]) -> None:
    result = aicmo(project, "check", *options, "reports")
    assert (result.returncode, result.stdout, result.stderr) == (1, DIFF, fixed_lines(*NAMES, verb="would fix"))
    assert report_texts(project) == {name: (FIXTURES / name).read_text(encoding="utf-8") for name in NAMES}
    # The diff is a patch: applied, it gives what --fix writes.
    subprocess.run(["git", "apply"], input=result.stdout, text=True, cwd=project, check=True, env=CI_ENV)
    assert report_texts(project) == {name: fixed(name) for name in NAMES}


def test_a_diff_at_the_end_of_a_report_without_a_last_line_break_applies(project: Path) -> None:
    report = project / "reports" / "no_next_steps.md"
    text = fixed("missing_sub_heading.md")
    report.write_text(text[: text.index("\n## Next Steps")].rstrip("\n"), encoding="utf-8")
    result = aicmo(project, "check", "--diff", "reports/no_next_steps.md")
    assert result.returncode == 1, result.stderr
    assert result.stdout.endswith(
        "-Instagram and TikTok, three posts a week.\n\\ No newline at end of file\n"
        "+Instagram and TikTok, three posts a week.\n+\n+## Next Steps\n"
    )
    subprocess.run(["git", "apply"], input=result.stdout, text=True, cwd=project, check=True, env=CI_ENV)
    assert report.read_text(encoding="utf-8") == text[: text.index("\nApprove")]


def test_a_read_only_report_is_refused_and_left_as_it_was(project: Path) -> None:
    report = project / SUB_HEADING
    report.chmod(0o444)
    result = aicmo(project, "check", "--fix", SUB_HEADING)
    assert result.returncode == 2
    assert result.stderr == f"aicmo: {SUB_HEADING} is read-only; make it writable to change it (or use --diff)\n"
    assert report.read_text(encoding="utf-8") == (FIXTURES / "missing_sub_heading.md").read_text(encoding="utf-8")
    # --diff writes nothing, so it shows the fix of a read-only report too.
    diff = aicmo(project, "check", "--diff", SUB_HEADING)
    assert (diff.returncode, diff.stdout) == (1, DIFF[DIFF.index(f"--- a/{SUB_HEADING}") :])


def test_a_symlinked_report_is_fixed_through_its_link(project: Path) -> None:
    shared = project / "shared"
    shared.mkdir()
    target = shared / "brief.md"
    shutil.move(project / SUB_HEADING, target)
    link = project / SUB_HEADING
    link.symlink_to("../shared/brief.md")
    result = aicmo(project, "check", "--fix", SUB_HEADING)
    assert (result.returncode, result.stderr) == (0, fixed_lines("missing_sub_heading.md"))
    assert link.is_symlink() and os.readlink(link) == "../shared/brief.md"
    assert target.read_text(encoding="utf-8") == fixed("missing_sub_heading.md")


def test_the_byte_order_mark_and_line_endings_are_kept(project: Path) -> None:
    report = project / SUB_HEADING
    original = (FIXTURES / "missing_sub_heading.md").read_text(encoding="utf-8")
    report.write_bytes(b"\xef\xbb\xbf" + original.replace("\n", "\r\n").encode("utf-8"))
    mode = report.stat().st_mode
    report.chmod(0o640)
    result = aicmo(project, "check", "--fix", SUB_HEADING)
    assert result.returncode == 0, result.stderr
    assert report.read_bytes() == b"\xef\xbb\xbf" + fixed("missing_sub_heading.md").replace("\n", "\r\n").encode()
    assert oct(report.stat().st_mode & 0o777) == oct(0o640) != oct(mode & 0o777)


def test_a_failed_write_leaves_the_report_and_exits_3(project: Path) -> None:
    report = project / SUB_HEADING
    before = report.read_bytes()
    # The fixed report is longer than this: writing it fails.
    result = aicmo(project, "check", "--fix", SUB_HEADING, file_size_limit=len(before) + 4)
    assert result.returncode == 3, result.stderr
    assert result.stderr == f"aicmo: cannot write {SUB_HEADING}: File too large; the report is as it was\n"
    # What is reported is the report as it still is.
    assert result.stdout.startswith(f"{SUB_HEADING}:6:1: error AIC131 required_headings missing sub-heading 'Goal'\n")
    assert report.read_bytes() == before
    assert sorted(p.name for p in report.parent.iterdir()) == sorted(NAMES)


def test_an_edit_made_while_the_fix_waits_for_the_file_is_fixed_too(project: Path) -> None:
    report = project / SUB_HEADING
    with report.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as another aicmo run that is changing the report holds it
        run = subprocess.Popen(
            aicmo_command("check", "--fix", SUB_HEADING),
            cwd=project,
            env=CI_ENV | environment(project),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert run.stderr is not None
            waiting = run.stderr.readline()
            assert waiting == f"aicmo: another aicmo is changing {SUB_HEADING}; waiting for it to finish\n"
            # The other run saves a forbidden phrase; the fix must start from that text, not the one it checked.
            text = report.read_text(encoding="utf-8").replace(
                "Glow Botanicals sells", "In today's digital age, Glow Botanicals sells"
            )
            report.write_text(text, encoding="utf-8")
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
        stdout, stderr = run.communicate(timeout=50)
    assert (run.returncode, stderr) == (0, "aicmo: fixed 2 problems in reports/missing_sub_heading.md\n"), stdout
    assert report.read_text(encoding="utf-8") == fixed("missing_sub_heading.md")


def test_fix_on_standard_input_prints_the_fixed_text_and_writes_nothing(project: Path) -> None:
    def from_stdin(*options: str, text: str) -> subprocess.CompletedProcess[str]:
        arguments = ("check", *options, "-", "--stdin-filename", "reports/new.md")
        return run_aicmo(*arguments, cwd=project, env=environment(project), input=text)

    source = (FIXTURES / "missing_section.md").read_text(encoding="utf-8")
    # As ruff does it: the fixed text on standard output (for an editor's buffer), the rest on standard error.
    result = from_stdin("--fix", text=source)
    assert (result.returncode, result.stdout) == (1, fixed("missing_section.md"))
    remaining = (
        SECTION_EMPTY.replace("missing_section", "new") + "1 file checked: 1 failed, 0 passed; 1 error, 0 warnings\n"
    )
    assert result.stderr == "aicmo: fixed 1 problem in reports/new.md\n" + remaining
    # Nothing to fix: the text comes back as it was.
    passing = from_stdin("--fix", text=fixed("missing_sub_heading.md"))
    summary = "1 file checked: 0 failed, 1 passed; 0 errors, 0 warnings\n"
    assert (passing.returncode, passing.stdout, passing.stderr) == (0, fixed("missing_sub_heading.md"), summary)
    diff = from_stdin("--diff", text=source)
    expected = DIFF[DIFF.index("--- a/reports/missing_section.md") : DIFF.index("--- a/reports/missing_sub_heading")]
    assert (diff.returncode, diff.stdout) == (1, expected.replace("missing_section", "new"))
    assert sorted(p.name for p in (project / "reports").iterdir()) == sorted(NAMES)


def test_a_configuration_problem_fixes_nothing(project: Path) -> None:
    (project / "aicmo.toml").write_text('benchmark_paths = ["benchmarks"\n', encoding="utf-8")
    for options in (("--fix",), ("--diff",)):
        result = aicmo(project, "check", *options, "reports")
        assert result.returncode == 2, result.stderr
        assert "configuration error" in result.stderr
        assert "aicmo: fixed" not in result.stderr and "aicmo: would fix" not in result.stderr
        assert report_texts(project) == {name: (FIXTURES / name).read_text(encoding="utf-8") for name in NAMES}


def test_a_report_checked_by_a_worker_is_fixed_too(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # In process: how many workers a run uses depends on the machine. A worker sends back a light
    # result, without the parsed report the fixes are computed from; the fixer checks the file again.
    monkeypatch.chdir(project)
    path = Path(SUB_HEADING)
    result, problems = Workspace().check_text(path.read_text(encoding="utf-8"), path)
    fixer = Fixer(argparse.Namespace(pack=None, max_file_size_mb=10.0, benchmarks=[]))
    [(fixed_path, fixed_result, fixed_problems, read_error)] = fixer.fixed([(path, detached(result), problems, None)])
    assert (fixed_path, fixed_problems, read_error, fixer.not_written) == (path, [], None, 0)
    assert fixed_result is not None and fixed_result.findings == []
    assert path.read_text(encoding="utf-8") == fixed("missing_sub_heading.md")
