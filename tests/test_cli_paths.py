"""What `aicmo check` reads, as a user runs it: `.gitignore`, `exclude` and `--exclude`, standard input
with `--stdin-filename`, and settings in `pyproject.toml` (`[tool.aicmo]`). Real processes, exact
output and exit codes (docs/cli.md "Paths", docs/configuration.md)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from support.cli import CI_ENV, TIMEOUT, aicmo_command, run_aicmo

FIXTURES = Path(__file__).parent / "fixtures"
BENCHMARKS = FIXTURES / "cli" / "benchmarks"
FAILING = (FIXTURES / "cli" / "reports" / "failing.md").read_text(encoding="utf-8")
PASSING = (FIXTURES / "cli" / "reports" / "passing.md").read_text(encoding="utf-8")
DRAFT = (FIXTURES / "paths" / "draft.md").read_text(encoding="utf-8")  # names no pack
DRAFT_FINDINGS = [
    "1:1: error AIC101 min_words 4 words; this section needs 5-40",
    "1:1: error AIC111 min_bullets 0 bullets; this section needs at least 2",
    "3:1: error AIC142 forbidden_substrings forbidden phrase 'lorem ipsum'",
    "5:1: error AIC171 format no list in this section; its format is markdown_list",
]


def aicmo(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_aicmo(*args, cwd=cwd, input=stdin)


def tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (path -> text) under ``root``, with the test packs in ``benchmarks/``."""
    shutil.copytree(BENCHMARKS, root / "benchmarks")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def checked(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The paths a JSON run checked, in order."""
    assert result.stderr == ""
    return [entry["path"] for entry in json.loads(result.stdout)["files"]]


def check_json(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return aicmo(cwd, "check", "--benchmarks", str(BENCHMARKS), "--output-format", "json", *args)


# --- .gitignore ----------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository (a `.git` folder is all it takes) with a root and a nested .gitignore."""
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("mine.md\n", encoding="utf-8")
    return tree(
        tmp_path,
        {
            ".gitignore": "build/\n*.tmp.md\n!keep.tmp.md\n",
            "docs/.gitignore": "/local.md\ngenerated/\n!build.md\n",
            "reports/a.md": PASSING,
            "reports/b.tmp.md": PASSING,
            "reports/keep.tmp.md": PASSING,
            "build/out.md": FAILING,
            "build/keep.tmp.md": FAILING,  # inside an ignored folder: cannot be included again
            "docs/local.md": FAILING,
            "docs/guide/local.md": PASSING,  # "/local.md" is anchored to docs/
            "docs/generated/api.md": FAILING,
            "mine.md": FAILING,
            "notes/mine.md": FAILING,
        },
    )


def test_a_folder_walk_leaves_out_what_git_ignores(repo: Path) -> None:
    result = check_json(repo, ".")
    assert result.returncode == 0
    assert checked(result) == ["docs/guide/local.md", "reports/a.md", "reports/keep.tmp.md"]


def test_a_glob_leaves_out_what_git_ignores(repo: Path) -> None:
    result = check_json(repo, "**/*.md")
    assert result.returncode == 0
    assert checked(result) == ["docs/guide/local.md", "reports/a.md", "reports/keep.tmp.md"]


def test_a_file_named_on_the_command_line_is_checked_even_when_ignored(repo: Path) -> None:
    result = aicmo(repo, "check", "--benchmarks", "benchmarks", "build/out.md")
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "1 file checked: 1 failed, 0 passed; 4 errors, 0 warnings"


def test_a_folder_named_on_the_command_line_is_walked_even_when_ignored(repo: Path) -> None:
    result = check_json(repo, "build")
    assert result.returncode == 1
    assert checked(result) == ["build/keep.tmp.md", "build/out.md"]  # inside it, its rules still apply
    assert checked(check_json(repo, "--force-exclude", "build")) == []


def test_force_exclude_filters_named_files_too(repo: Path) -> None:
    result = aicmo(repo, "check", "--benchmarks", "benchmarks", "--force-exclude", "build/out.md", "reports/a.md")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "1 file checked: 0 failed, 1 passed; 0 errors, 0 warnings\n",
        "",
    )


def test_no_respect_gitignore_walks_everything(repo: Path) -> None:
    result = check_json(repo, "--no-respect-gitignore", ".")
    assert result.returncode == 1
    assert checked(result) == [
        "build/keep.tmp.md",
        "build/out.md",
        "docs/generated/api.md",
        "docs/guide/local.md",
        "docs/local.md",
        "mine.md",
        "notes/mine.md",
        "reports/a.md",
        "reports/b.tmp.md",
        "reports/keep.tmp.md",
    ]


def test_gitignore_counts_outside_a_git_repository_too(tmp_path: Path) -> None:
    tree(tmp_path, {".gitignore": "build/\n", "a.md": PASSING, "build/b.md": FAILING})
    result = check_json(tmp_path, ".")
    assert result.returncode == 0
    assert checked(result) == ["a.md"]


# --- exclude and --exclude -----------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return tree(
        tmp_path,
        {
            "site/aicmo.toml": 'exclude = ["drafts/**", "vendor/"]\n',
            "site/reports/a.md": PASSING,
            "site/drafts/wip.md": FAILING,
            "site/drafts/old/wip.md": FAILING,
            "site/reports/vendor/lib.md": FAILING,
            "site/notes/drafts/kept.md": PASSING,  # "drafts/**" is anchored to the aicmo.toml's folder
            "elsewhere/drafts/kept.md": PASSING,  # under no aicmo.toml: its exclude does not apply
        },
    )


def test_exclude_in_aicmo_toml_is_relative_to_its_folder(project: Path) -> None:
    result = check_json(project, ".")
    assert result.returncode == 0
    assert checked(result) == ["elsewhere/drafts/kept.md", "site/notes/drafts/kept.md", "site/reports/a.md"]


def test_exclude_option_is_relative_to_the_current_folder_and_repeatable(project: Path) -> None:
    result = check_json(project, "--exclude", "elsewhere", "--exclude", "notes/", ".")
    assert result.returncode == 0
    assert checked(result) == ["site/reports/a.md"]
    from_site = check_json(project / "site", "--exclude", "/notes", ".")
    assert checked(from_site) == ["reports/a.md"]


def test_an_excluded_file_named_on_the_command_line_is_checked(project: Path) -> None:
    result = aicmo(project, "check", "--quiet", "--benchmarks", "benchmarks", "site/drafts/wip.md")
    assert result.returncode == 1
    assert (
        result.stdout.splitlines()[0]
        == "site/drafts/wip.md:4:1: error AIC101 min_words 4 words; this section needs 5-40"
    )
    forced = aicmo(project, "check", "--force-exclude", "site/drafts/wip.md")
    assert (forced.returncode, forced.stdout) == (0, "0 files checked: 0 failed, 0 passed; 0 errors, 0 warnings\n")


def test_a_bad_exclude_pattern_is_a_usage_error(project: Path) -> None:
    result = aicmo(project, "check", "--exclude", "!", ".")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "aicmo: --exclude: '!' is not a valid gitignore pattern\n"


def test_a_bad_exclude_in_aicmo_toml_is_a_configuration_error(project: Path) -> None:
    (project / "site" / "aicmo.toml").write_text('exclude = ["ok/", "oops\\\\"]\n', encoding="utf-8")
    result = aicmo(project, "check", "site/reports/a.md")
    assert result.returncode == 2
    assert result.stderr == (
        f"aicmo: configuration error: {project / 'site' / 'aicmo.toml'}:1: Value error, 'oops\\\\' is not a valid "
        "gitignore pattern [exclude.1]\n"
    )


# --- standard input ------------------------------------------------------------------------------


@pytest.fixture
def drafts(tmp_path: Path) -> Path:
    """A project whose aicmo.toml gives drafts/ the test pack: a draft names no pack itself."""
    return tree(tmp_path, {"aicmo.toml": 'benchmark_paths = ["benchmarks"]\n[packs]\n"drafts/*.md" = "tiny_brief"\n'})


def test_stdin_is_checked_as_the_stdin_filename(drafts: Path) -> None:
    result = aicmo(drafts, "check", "-", "--stdin-filename", "drafts/q.md", stdin=DRAFT)
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        *(f"drafts/q.md:{finding}" for finding in DRAFT_FINDINGS),
        "1 file checked: 1 failed, 0 passed; 4 errors, 0 warnings",
    ]


def test_stdin_filename_outside_the_globs_is_no_report(drafts: Path) -> None:
    result = aicmo(drafts, "check", "-", "--stdin-filename", "notes/q.md", stdin=DRAFT)
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "1 file checked: 0 failed, 0 passed, 1 not reports; 0 errors, 0 warnings\n",
        "",
    )


def test_stdin_without_a_filename_is_named_dash(drafts: Path) -> None:
    result = aicmo(drafts, "check", "-", "--pack", "tiny_brief", "--benchmarks", "benchmarks", stdin="\ufeff" + DRAFT)
    assert result.returncode == 1
    assert result.stdout.splitlines()[:4] == [f"-:{finding}" for finding in DRAFT_FINDINGS]


@pytest.mark.parametrize(
    ("output_format", "first_finding"),
    [
        ("text", "drafts/q.md:1:1: error AIC101 min_words 4 words; this section needs 5-40"),
        (
            "github",
            "::error file=drafts/q.md,line=1,col=1,endLine=1,endColumn=12,title=AIC101 min_words::4 words; this section needs 5-40",
        ),
        ("sarif", '"uri": "drafts/q.md"'),
    ],
)
def test_stdin_in_every_output_format(drafts: Path, output_format: str, first_finding: str) -> None:
    result = aicmo(
        drafts, "check", "-", "--stdin-filename", "drafts/q.md", "--output-format", output_format, stdin=DRAFT
    )
    assert (result.returncode, result.stderr) == (1, "")
    assert first_finding in result.stdout


def test_stdin_in_json(drafts: Path) -> None:
    result = aicmo(drafts, "check", "-", "--stdin-filename", "drafts/q.md", "--output-format", "json", stdin=DRAFT)
    assert result.returncode == 1
    [report] = json.loads(result.stdout)["files"]
    assert (report["path"], report["pack"], report["findings"][0]["path"]) == (
        "drafts/q.md",
        "tiny_brief",
        "drafts/q.md",
    )


def test_stdin_over_the_size_limit_is_not_checked(drafts: Path) -> None:
    result = aicmo(
        drafts, "check", "-", "--max-file-size-mb", "0.001", "--stdin-filename", "drafts/q.md", stdin=DRAFT * 40
    )
    assert result.returncode == 2
    assert result.stderr == (
        "aicmo: drafts/q.md (standard input) is larger than 0.001 MB; aicmo checks reports up to 0.001 MB "
        "(--max-file-size-mb), so it is not checked.\n"
    )


def test_stdin_that_is_not_utf8_is_a_read_error(drafts: Path) -> None:
    result = subprocess.run(
        aicmo_command("check", "-", "--stdin-filename", "drafts/q.md"),
        cwd=drafts,
        input="## Café\n".encode("latin-1"),
        capture_output=True,
        check=False,
        env=dict(CI_ENV),
        timeout=TIMEOUT,
    )
    assert result.returncode == 2
    assert result.stderr.decode() == (
        "aicmo: drafts/q.md: cannot read standard input: 'utf-8' codec can't decode byte 0xe9 in position 6: "
        "invalid continuation byte\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-", "reports/a.md"), "aicmo: '-' (standard input) cannot be mixed with other paths\n"),
        (("-", "-"), "aicmo: '-' (standard input) cannot be mixed with other paths\n"),
        (
            ("--stdin-filename", "q.md", "."),
            "aicmo: --stdin-filename names the report read from standard input: give '-' as the path\n",
        ),
    ],
)
def test_stdin_usage_errors(drafts: Path, args: tuple[str, ...], message: str) -> None:
    result = aicmo(drafts, "check", *args, stdin=DRAFT)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message)


def test_an_excluded_stdin_filename_checks_nothing_with_force_exclude(drafts: Path) -> None:
    (drafts / ".gitignore").write_text("drafts/\n", encoding="utf-8")
    plain = aicmo(drafts, "check", "-", "--stdin-filename", "drafts/q.md", stdin=DRAFT)
    assert plain.returncode == 1  # named, so checked, as a file named on the command line
    forced = aicmo(drafts, "check", "-", "--stdin-filename", "drafts/q.md", "--force-exclude", stdin=DRAFT)
    assert (forced.returncode, forced.stdout, forced.stderr) == (
        0,
        "0 files checked: 0 failed, 0 passed; 0 errors, 0 warnings\n",
        "",
    )


# --- [tool.aicmo] in pyproject.toml --------------------------------------------------------------

PYPROJECT = """[project]
name = "site"

[tool.ruff]
exclude = ["build"]

[tool.aicmo]
benchmark_paths = ["benchmarks"]

[tool.aicmo.packs]
"drafts/*.md" = "tiny_brief"
"""


def test_tool_aicmo_in_pyproject_applies_like_aicmo_toml(tmp_path: Path) -> None:
    tree(tmp_path, {"pyproject.toml": PYPROJECT, "drafts/q.md": DRAFT})
    result = aicmo(tmp_path / "drafts", "check", "q.md")
    assert result.returncode == 1
    assert result.stdout.splitlines()[:4] == [f"q.md:{finding}" for finding in DRAFT_FINDINGS]


def test_a_pyproject_without_tool_aicmo_does_not_stop_the_search(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "aicmo.toml": 'benchmark_paths = ["benchmarks"]\n[packs]\n"**/drafts/*.md" = "tiny_brief"\n',
            "site/pyproject.toml": '[project]\nname = "site"\n',
            "site/drafts/q.md": DRAFT,
        },
    )
    result = aicmo(tmp_path, "check", "--quiet", "site/drafts/q.md")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"site/drafts/q.md:{finding}" for finding in DRAFT_FINDINGS]


def test_both_settings_files_in_one_folder_is_a_configuration_error(tmp_path: Path) -> None:
    tree(tmp_path, {"pyproject.toml": PYPROJECT, "aicmo.toml": 'default_pack = "tiny_brief"\n', "drafts/q.md": DRAFT})
    result = aicmo(tmp_path, "check", "drafts/q.md")
    assert result.returncode == 2
    assert result.stdout == "1 file checked: 0 failed, 0 passed, 1 not reports; 0 errors, 0 warnings\n"
    assert result.stderr == (
        f"aicmo: configuration error: {tmp_path / 'aicmo.toml'}: {tmp_path / 'pyproject.toml'} has a [tool.aicmo] "
        "table too: aicmo's settings must be in one of the two files, so neither is used "
        "(see docs/configuration.md#toolaicmo-in-pyprojecttoml)\n"
    )


def test_errors_in_tool_aicmo_point_at_pyproject_lines(tmp_path: Path) -> None:
    broken = PYPROJECT + '\n[tool.aicmo.severity]\nmin_words = "loud"\n'
    tree(tmp_path, {"pyproject.toml": broken, "drafts/q.md": DRAFT})
    result = aicmo(tmp_path, "check", "drafts/q.md")
    assert result.returncode == 2
    assert result.stderr == (
        f"aicmo: configuration error: {tmp_path / 'pyproject.toml'}:14: Input should be 'error', 'warning', 'info' "
        "or 'off' [tool.aicmo.severity.min_words]\n"
    )


def test_tool_aicmo_benchmark_folders_are_confined_to_the_pyproject_folder(tmp_path: Path) -> None:
    tree(tmp_path, {"site/pyproject.toml": '[tool.aicmo]\nbenchmark_paths = ["../benchmarks"]\n', "site/q.md": DRAFT})
    result = aicmo(tmp_path, "check", "site/q.md")
    assert result.returncode == 2
    assert result.stderr == (
        f"aicmo: configuration error: {tmp_path / 'site' / 'pyproject.toml'}:2: benchmark folder '../benchmarks' "
        f"({tmp_path / 'benchmarks'}) is outside {tmp_path / 'site'}, the folder of this pyproject.toml: refused "
        "(to use it, name it in your own settings: --benchmarks or aicmo.benchmarkPaths; "
        "see docs/configuration.md#confinement) [tool.aicmo.benchmark_paths[0]]\n"
    )
