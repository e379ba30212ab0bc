"""``aicmo check --output-format {text,json,sarif,github}`` as CI runs it: real processes, the exact
lines GitHub reads, the exact SARIF URIs of awkward file names, and the files a run could not use
carried by every format."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import jsonschema
import pytest
from support.cli import run_aicmo

FIXTURES = Path(__file__).parent / "fixtures"
CLI = FIXTURES / "cli"
BENCHMARKS = CLI / "benchmarks"
REPORTS = CLI / "reports"
SARIF_SCHEMA = FIXTURES / "sarif" / "sarif-schema-2.1.0.json"

FAILING_GITHUB = [
    "::error file=reports/failing.md,line=4,col=1,endLine=4,endColumn=12,title=AIC101 min_words"
    "::4 words; this section needs 5-40",
    "::error file=reports/failing.md,line=4,col=1,endLine=4,endColumn=12,title=AIC111 min_bullets"
    "::0 bullets; this section needs at least 2",
    "::error file=reports/failing.md,line=6,col=1,endLine=6,endColumn=12,title=AIC142 forbidden_substrings"
    "::forbidden phrase 'lorem ipsum'",
    "::error file=reports/failing.md,line=8,col=1,endLine=8,endColumn=14,title=AIC171 format"
    "::no list in this section; its format is markdown_list",
]
BROKEN_TOML = 'default_pack = "tiny_brief"\nbenchmark_path = ["x"]\n'
BROKEN_PACK = "key: broken\nlabel: Broken\nsections:\n  - id: a\n    label: A\n    min_wrods: 3\n    max_words: 9\n"
UNKNOWN_FIELD = "unknown field (check its spelling against benchmarks/schema.json) [sections[0].min_wrods]"


def aicmo(*args: str, cwd: Path = CLI, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_aicmo("check", *args, cwd=cwd, env=env)


@cache
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def valid_sarif(stdout: str) -> dict[str, Any]:
    """The SARIF log printed, after checking it against the official 2.1.0 schema."""
    log: dict[str, Any] = json.loads(stdout)
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in sarif_validator().iter_errors(log)]
    assert not errors, errors
    return log


def project(tmp_path: Path, report: str = "passing.md", name: str = "report.md") -> Path:
    """A folder with the test benchmarks and one report, the folder the run starts in."""
    shutil.copytree(BENCHMARKS, tmp_path / "benchmarks")
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPORTS / report, tmp_path / name)
    return tmp_path


# GitHub workflow commands


def test_github_prints_one_command_per_finding_and_nothing_else() -> None:
    result = aicmo("--output-format", "github", "--benchmarks", "benchmarks", "reports/failing.md")
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.splitlines() == FAILING_GITHUB


def test_format_is_an_alias_of_output_format() -> None:
    alias = aicmo("--format", "github", "--benchmarks", "benchmarks", "reports/failing.md")
    assert (alias.returncode, alias.stdout.splitlines()) == (1, FAILING_GITHUB)
    help_text = run_aicmo("check", "--help", cwd=CLI, env={"COLUMNS": "200"}).stdout
    assert "--output-format {text,json,sarif,github}, --format {text,json,sarif,github}" in help_text


def test_github_passing_report_prints_nothing_and_exits_0() -> None:
    result = aicmo("--output-format", "github", "--benchmarks", "benchmarks", "reports/passing.md")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_github_warning_and_notice_levels(tmp_path: Path) -> None:
    here = project(tmp_path, "warning.md")
    with (here / "report.md").open("a", encoding="utf-8") as report:
        report.write("\n## Budget\n\nTwo hundred.\n")
    result = aicmo("--output-format", "github", "--benchmarks", "benchmarks", "report.md", cwd=here)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "::warning file=report.md,line=6,col=1,endLine=6,endColumn=183,title=AIC161 max_avg_sentence_length"
        "::sentences average 12.33 words, at most 12; this one has 29",
        "::notice file=report.md,line=16,col=1,endLine=16,endColumn=10,title=AIC002 unknown_section"
        "::'Budget' is not a section of Tiny Brief",
    ]
    quiet = aicmo("--output-format", "github", "-q", "--benchmarks", "benchmarks", "report.md", cwd=here)
    assert quiet.stdout.splitlines() == result.stdout.splitlines()[:1]
    strict = aicmo("--output-format", "github", "--warnings-as-errors", "--benchmarks", "benchmarks", ".", cwd=here)
    assert strict.returncode == 1


def test_github_escapes_the_path_and_counts_columns_in_characters(tmp_path: Path) -> None:
    here = project(tmp_path, "failing.md", "drafts/q, 1: final.md")
    report = here / "drafts" / "q, 1: final.md"
    report.write_text(report.read_text(encoding="utf-8").replace("Lorem", "🚀 Lorem"), encoding="utf-8")
    result = aicmo("--output-format", "github", "--benchmarks", "benchmarks", "drafts", cwd=here)
    assert result.returncode == 1
    assert result.stdout.splitlines()[2] == (
        "::error file=drafts/q%2C 1%3A final.md,line=6,col=3,endLine=6,endColumn=14,"
        "title=AIC142 forbidden_substrings::forbidden phrase 'lorem ipsum'"
    )
    # The text output counts UTF-16 units, as editors do: the rocket is two of them.
    text = aicmo("--benchmarks", "benchmarks", "drafts", cwd=here)
    assert "drafts/q, 1: final.md:6:4: error AIC142" in text.stdout


def test_github_paths_are_relative_to_the_checkout(tmp_path: Path) -> None:
    """With ``working-directory:`` a step runs below the checkout; annotations still name the file
    from the repository's root, and files outside it by their absolute path."""
    checkout = tmp_path / "repo"
    here = project(checkout / "docs", "failing.md")
    outside = tmp_path / "outside.md"
    shutil.copy(REPORTS / "failing.md", outside)
    result = aicmo(
        "--output-format", "github", "--benchmarks", "benchmarks", "report.md", str(outside),
        cwd=here, env={"GITHUB_WORKSPACE": str(checkout)},
    )  # fmt: skip
    files = [line.split(",")[0] for line in result.stdout.splitlines()]
    assert files == ["::error file=docs/report.md"] * 4 + [f"::error file={outside}"] * 4


def test_github_output_is_the_same_from_worker_processes(tmp_path: Path) -> None:
    """The columns come from each report's text, which must survive the trip back from a worker."""
    here = project(tmp_path, "failing.md", "r00.md")
    report = (here / "r00.md").read_text(encoding="utf-8").replace("Lorem", "🚀 Lorem")
    for number in range(20):
        (here / f"r{number:02}.md").write_text(report, encoding="utf-8")
    one = aicmo("--output-format", "github", "-j", "1", "--benchmarks", "benchmarks", ".", cwd=here)
    two = aicmo("--output-format", "github", "-j", "2", "--benchmarks", "benchmarks", ".", cwd=here)
    assert (two.returncode, two.stdout) == (one.returncode, one.stdout)
    assert len(two.stdout.splitlines()) == 80
    assert ",line=6,col=3,endLine=6,endColumn=14,title=AIC142" in two.stdout.splitlines()[-2]


def test_github_configuration_errors_are_error_commands(tmp_path: Path) -> None:
    here = project(tmp_path)
    (here / "aicmo.toml").write_text(BROKEN_TOML, encoding="utf-8")
    (here / "benchmarks" / "packs" / "broken.yaml").write_text(BROKEN_PACK, encoding="utf-8")
    result = aicmo("--output-format", "github", "--benchmarks", "benchmarks", "report.md", cwd=here)
    assert (result.returncode, result.stderr) == (2, "")
    assert sorted(result.stdout.splitlines()) == [
        "::error file=aicmo.toml,line=2,title=aicmo configuration error::Extra inputs are not permitted"
        " [benchmark_path]",
        f"::error file=benchmarks/packs/broken.yaml,line=6,col=5,title=aicmo configuration error::{UNKNOWN_FIELD}",
    ]


def test_github_unreadable_report_is_an_error_command(tmp_path: Path) -> None:
    here = project(tmp_path)
    (here / "latin1.md").write_bytes("## Café\n".encode("latin-1"))
    result = aicmo("--output-format", "github", "--benchmarks", "benchmarks", ".", cwd=here)
    assert (result.returncode, result.stderr) == (2, "")
    assert result.stdout.splitlines() == [
        "::error file=latin1.md,title=aicmo cannot read this file::cannot read: 'utf-8' codec can't decode byte"
        " 0xe9 in position 6: invalid continuation byte"
    ]


# SARIF

ODD_NAMES = {
    "a b.md": "a%20b.md",
    "c#d.md": "c%23d.md",
    "100%.md": "100%25.md",
    "why?.md": "why%3F.md",
    "café.md": "caf%C3%A9.md",
    "sub dir/ü;x.md": "sub%20dir/%C3%BC%3Bx.md",
}


def test_sarif_uris_of_odd_names_are_encoded_and_round_trip(tmp_path: Path) -> None:
    here = project(tmp_path)
    for name in ODD_NAMES:
        (here / name).parent.mkdir(exist_ok=True)
        shutil.copy(REPORTS / "failing.md", here / name)
    result = aicmo("--output-format", "sarif", "--benchmarks", "benchmarks", *ODD_NAMES, cwd=here)
    assert result.returncode == 1, result.stderr
    run = valid_sarif(result.stdout)["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == here.as_uri() + "/"
    locations = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in run["results"]}
    assert locations == set(ODD_NAMES.values())
    for name, uri in ODD_NAMES.items():
        assert Path(unquote(urlsplit(urljoin(base, uri)).path)) == here / name


def test_sarif_file_outside_the_folder_gets_an_absolute_uri(tmp_path: Path) -> None:
    here = project(tmp_path / "work")
    outside = tmp_path / "other dir" / "é#1.md"
    outside.parent.mkdir()
    shutil.copy(REPORTS / "failing.md", outside)
    result = aicmo("--output-format", "sarif", "--benchmarks", "benchmarks", "../other dir/é#1.md", cwd=here)
    run = valid_sarif(result.stdout)["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": f"{tmp_path.as_uri()}/other%20dir/%C3%A9%231.md"}
    assert Path(unquote(urlsplit(location["uri"]).path)) == outside


def test_sarif_and_json_carry_configuration_errors(tmp_path: Path) -> None:
    here = project(tmp_path)
    (here / "aicmo.toml").write_text(BROKEN_TOML, encoding="utf-8")
    (here / "benchmarks" / "packs" / "broken.yaml").write_text(BROKEN_PACK, encoding="utf-8")
    stderr_lines = sorted(
        [
            f"aicmo: configuration error: {here / 'aicmo.toml'}:2: Extra inputs are not permitted [benchmark_path]",
            f"aicmo: configuration error: {here / 'benchmarks/packs/broken.yaml'}:6:5: {UNKNOWN_FIELD}",
        ]
    )
    sarif = aicmo("--output-format", "sarif", "--benchmarks", "benchmarks", "report.md", cwd=here)
    assert sarif.returncode == 2
    assert sorted(sarif.stderr.splitlines()) == stderr_lines
    invocation = valid_sarif(sarif.stdout)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert sorted(invocation["toolConfigurationNotifications"], key=str) == [
        {
            "level": "error",
            "message": {"text": "Extra inputs are not permitted [benchmark_path]"},
            "descriptor": {"id": "configuration-error"},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": "aicmo.toml", "uriBaseId": "%SRCROOT%"},
                                      "region": {"startLine": 2}}}
            ],
        },
        {
            "level": "error",
            "message": {"text": UNKNOWN_FIELD},
            "descriptor": {"id": "configuration-error"},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": "benchmarks/packs/broken.yaml",
                                                           "uriBaseId": "%SRCROOT%"},
                                      "region": {"startLine": 6, "startColumn": 5}}}
            ],
        },
    ]  # fmt: skip
    payload = json.loads(aicmo("--output-format", "json", "--benchmarks", "benchmarks", "report.md", cwd=here).stdout)
    assert sorted(payload["problems"], key=str) == [
        {"kind": "configuration", "path": "aicmo.toml", "line": 2, "column": None,
         "message": "Extra inputs are not permitted [benchmark_path]"},
        {"kind": "configuration", "path": "benchmarks/packs/broken.yaml", "line": 6, "column": 5,
         "message": UNKNOWN_FIELD},
    ]  # fmt: skip
    assert payload["summary"] == {"files": 1, "errors": 0, "warnings": 0}


def test_sarif_and_json_carry_unreadable_reports(tmp_path: Path) -> None:
    here = project(tmp_path)
    (here / "latin1.md").write_bytes("## Café\n".encode("latin-1"))
    message = "cannot read: 'utf-8' codec can't decode byte 0xe9 in position 6: invalid continuation byte"
    sarif = aicmo("--output-format", "sarif", "--benchmarks", "benchmarks", ".", cwd=here)
    assert (sarif.returncode, sarif.stderr) == (2, f"aicmo: latin1.md: {message}\n")
    invocation = valid_sarif(sarif.stdout)["runs"][0]["invocations"][0]
    assert invocation == {
        "executionSuccessful": False,
        "toolExecutionNotifications": [
            {
                "level": "error",
                "message": {"text": message},
                "descriptor": {"id": "read-error"},
                "locations": [
                    {"physicalLocation": {"artifactLocation": {"uri": "latin1.md", "uriBaseId": "%SRCROOT%"}}}
                ],
            }
        ],
    }
    payload = json.loads(aicmo("--output-format", "json", "--benchmarks", "benchmarks", ".", cwd=here).stdout)
    assert payload["problems"] == [
        {"kind": "read", "path": "latin1.md", "line": None, "column": None, "message": message}
    ]
    assert [file["path"] for file in payload["files"]] == ["report.md"]


def test_sarif_of_a_clean_run_is_valid_and_successful() -> None:
    result = aicmo("--output-format", "sarif", "--benchmarks", "benchmarks", "reports")
    assert result.returncode == 1
    run = valid_sarif(result.stdout)["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == CLI.as_uri() + "/"
    assert {result["level"] for result in run["results"]} == {"error", "warning"}


def test_json_of_a_clean_run_has_no_problems() -> None:
    payload = json.loads(aicmo("--format", "json", "--benchmarks", "benchmarks", "reports/passing.md").stdout)
    assert payload["problems"] == []


@pytest.mark.parametrize("output_format", ["json", "sarif", "github"])
def test_machine_formats_print_no_summary_and_no_progress(output_format: str) -> None:
    result = aicmo("--output-format", output_format, "--benchmarks", "benchmarks", "reports")
    assert "files checked" not in result.stdout
    assert result.stderr == ""
