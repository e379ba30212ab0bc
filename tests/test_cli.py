"""The `aicmo` command as a user runs it: real processes, exact output lines and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from support.cli import run_aicmo

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
BENCHMARKS = FIXTURES / "benchmarks"
REPORTS = FIXTURES / "reports"


def aicmo(*args: str, cwd: Path = FIXTURES) -> subprocess.CompletedProcess[str]:
    return run_aicmo(*args, cwd=cwd)


def test_passing_report_exits_0_with_summary() -> None:
    result = aicmo("check", "--benchmarks", "benchmarks", "reports/passing.md")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1 file checked: 0 failed, 1 passed; 0 errors, 0 warnings\n"


def test_failing_report_prints_clickable_lines_and_exits_1() -> None:
    result = aicmo("check", "--benchmarks", "benchmarks", "reports/failing.md")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "reports/failing.md:4:1: error AIC101 min_words 4 words; this section needs 5-40",
        "reports/failing.md:4:1: error AIC111 min_bullets 0 bullets; this section needs at least 2",
        "reports/failing.md:6:1: error AIC142 forbidden_substrings forbidden phrase 'lorem ipsum'",
        "reports/failing.md:8:1: error AIC171 format no list in this section; its format is markdown_list",
        "1 file checked: 1 failed, 0 passed; 4 errors, 0 warnings",
    ]


def test_warnings_pass_unless_warnings_are_errors() -> None:
    plain = aicmo("check", "--benchmarks", "benchmarks", "reports/warning.md")
    assert plain.returncode == 0
    assert "warning AIC161 max_avg_sentence_length" in plain.stdout
    strict = aicmo("check", "--benchmarks", "benchmarks", "--warnings-as-errors", "reports/warning.md")
    assert strict.returncode == 1


def test_quiet_hides_summary_and_info() -> None:
    result = aicmo("check", "--quiet", "--benchmarks", "benchmarks", "reports/passing.md")
    assert result.returncode == 0
    assert result.stdout == ""


def test_folder_expands_to_reports_and_non_reports_are_skipped() -> None:
    result = aicmo("check", "--benchmarks", "benchmarks", "reports")
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "4 files checked: 1 failed, 2 passed, 1 not reports; 4 errors, 1 warning"


def test_glob_argument() -> None:
    result = aicmo("check", "--benchmarks", "benchmarks", "reports/pass*.md")
    assert result.returncode == 0
    assert result.stdout.startswith("1 file checked")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "reports/nope.md"), "aicmo: no such file or folder: reports/nope.md\n"),
        (("check", "reports/*.txt"), "aicmo: no files match 'reports/*.txt'\n"),
        (("check", "--pack", "no_such_pack", "reports/passing.md"), "aicmo: unknown pack 'no_such_pack'"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    result = aicmo(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(message)


def test_no_arguments_is_a_usage_error() -> None:
    assert aicmo("check").returncode == 2


def test_broken_aicmo_toml_exits_2_with_location(tmp_path: Path) -> None:
    shutil.copy(REPORTS / "passing.md", tmp_path / "report.md")
    (tmp_path / "aicmo.toml").write_text('default_pack = "tiny_brief"\nbenchmark_path = ["x"]\n', encoding="utf-8")
    result = aicmo("check", "report.md", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{tmp_path / 'aicmo.toml'}:2: Extra inputs are not permitted [benchmark_path]" in result.stderr


def test_broken_benchmark_file_is_reported_and_other_packs_still_work(tmp_path: Path) -> None:
    shutil.copytree(BENCHMARKS, tmp_path / "benchmarks")
    (tmp_path / "benchmarks" / "packs" / "broken.yaml").write_text(
        "key: broken\nlabel: Broken\nsections:\n  - id: a\n    label: A\n    min_wrods: 3\n    max_words: 9\n",
        encoding="utf-8",
    )
    shutil.copy(REPORTS / "passing.md", tmp_path / "report.md")
    result = aicmo("check", "--benchmarks", "benchmarks", "report.md", cwd=tmp_path)
    assert result.returncode == 2
    broken = tmp_path / "benchmarks" / "packs" / "broken.yaml"
    assert (
        f"{broken}:6:5: unknown field (check its spelling against benchmarks/schema.json) [sections[0].min_wrods]"
        in (result.stderr)
    )
    assert "1 file checked: 0 failed, 1 passed" in result.stdout


def test_json_output_has_the_documented_shape() -> None:
    result = aicmo(
        "check", "--format", "json", "--benchmarks", "benchmarks", "reports/failing.md", "reports/not_a_report.md"
    )
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["version"] == 1
    assert payload["summary"] == {"files": 2, "errors": 4, "warnings": 0}
    failing, skipped = payload["files"]
    assert skipped == {
        "path": "reports/not_a_report.md",
        "pack": None,
        "status": "SKIPPED",
        "sections": [],
        "findings": [],
    }
    assert failing["pack"] == "tiny_brief"
    assert failing["status"] == "FAIL"
    assert failing["sections"][0] == {
        "id": "overview",
        "label": "Overview",
        "heading": "Overview",
        "line": 4,
        "status": "FAIL",
        "matched_by": "exact",
        "match": {"how": "exact", "score": 1.0, "why": "the heading is the section's label"},
        "metrics": {
            "words": 4,
            "bullets": 0,
            "headings": 0,
            "sentences": 1,
            "avg_sentence_words": 4.0,
            "repeated_line_ratio": 0.0,
        },
    }
    assert failing["findings"][2] == {
        "path": "reports/failing.md",
        "line": 6,
        "column": 1,
        "end_line": 6,
        "end_column": 12,
        "severity": "error",
        "code": "AIC142",
        "rule": "forbidden_substrings",
        "section": "overview",
        "message": "forbidden phrase 'lorem ipsum'",
        "data": {"phrase": "lorem ipsum", "found": "Lorem ipsum"},
    }


def test_sarif_output_is_sarif_2_1_0() -> None:
    result = aicmo("check", "--format", "sarif", "--benchmarks", "benchmarks", "reports/failing.md")
    assert result.returncode == 1
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["name"] == "aicmo"
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["AIC101", "AIC111", "AIC142", "AIC171"]
    assert run["columnKind"] == "utf16CodeUnits"
    forbidden = run["results"][2]
    assert forbidden["ruleId"] == "AIC142"
    assert forbidden["level"] == "error"
    assert run["tool"]["driver"]["rules"][forbidden["ruleIndex"]]["id"] == "AIC142"
    assert forbidden["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "reports/failing.md", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 6, "startColumn": 1, "endLine": 6, "endColumn": 12},
    }


def test_many_files_are_reported_in_order_whatever_jobs_says(tmp_path: Path) -> None:
    shutil.copytree(BENCHMARKS, tmp_path / "benchmarks")
    for number in range(20):
        source = "failing.md" if number % 2 else "passing.md"
        shutil.copy(REPORTS / source, tmp_path / f"r{number:02}.md")
    result = aicmo("check", "--jobs", "2", "--benchmarks", "benchmarks", ".", cwd=tmp_path)
    assert result.returncode == 1
    paths = [line.split(":")[0] for line in result.stdout.splitlines()[:-1]]
    assert paths == sorted(paths)
    assert result.stdout.splitlines()[-1] == "20 files checked: 10 failed, 10 passed; 40 errors, 0 warnings"


def test_explain_prints_rule_doc_by_code_or_name() -> None:
    by_code = aicmo("explain", "AIC101")
    by_name = aicmo("explain", "min_words")
    assert by_code.returncode == by_name.returncode == 0
    assert by_code.stdout == by_name.stdout
    assert by_code.stdout.startswith("AIC101 min_words (error by default)\n\nA section has fewer words")
    assert aicmo("explain", "AIC999").returncode == 2


def test_packs_lists_builtin_packs() -> None:
    result = aicmo("packs")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 10
    assert "quick_social_basic  Quick Social Pack (Basic) (v1, 8 sections, strict)" in lines
    one = aicmo("packs", "strategy_campaign_basic")
    assert (
        one.stdout.splitlines()[1]
        == "   1. overview                       Client Overview  [120-280 words, markdown_block]"
    )


def test_pack_auto_checks_each_file_against_the_pack_its_headings_cover(tmp_path: Path) -> None:
    example = (Path(__file__).parent.parent / "examples" / "passing" / "quick_social_basic.md").read_text()
    without_front_matter = example.split("---\n", 2)[2]
    (tmp_path / "social.md").write_text(without_front_matter, encoding="utf-8")
    (tmp_path / "notes.md").write_text("# Notes\n\n## Attendees\n\nAnna.\n\n## Agenda\n\nBudget.\n", encoding="utf-8")
    first_heading = 1 + next(n for n, line in enumerate(without_front_matter.splitlines()) if line.startswith("#"))

    auto = aicmo("check", "--pack", "auto", "social.md", "notes.md", cwd=tmp_path)
    assert auto.returncode == 0, auto.stderr
    assert auto.stdout.splitlines() == [
        f"social.md:{first_heading}:1: info AIC008 pack_detection pack detected from the headings: "
        "quick_social_basic (Quick Social Pack (Basic)): 8 of 8 sections found",
        "2 files checked: 0 failed, 1 passed, 1 not reports; 0 errors, 0 warnings",
    ]

    # Without --pack the same file is not checked, and says which pack it looks like.
    hint = aicmo("check", "social.md", cwd=tmp_path)
    assert hint.returncode == 0
    assert hint.stdout.splitlines()[0] == (
        f"social.md:{first_heading}:1: info AIC008 pack_detection this looks like a Quick Social Pack (Basic) "
        "report (8 of 8 sections found); name its pack to check it (pack: quick_social_basic)"
    )
