"""The example reports in examples/, which `make demo` checks: the passing ones pass, and each failing
one fails in exactly the ways examples/README.md describes. Runs the real CLI from the repository root."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from support.cli import run_aicmo

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FINDING_RE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+):(?P<column>\d+): (?P<severity>\w+) (?P<code>AIC\d{3}) ")
BRIEF_FIELDS = ("pack", "brand", "industry", "audience", "goal")

# (line, code) of every finding, in the order `sorted` gives. Keep in step with examples/README.md.
FAILING: dict[str, list[tuple[int, str]]] = {
    "examples/failing/quick_social_basic.md": [
        (2, "AIC001"),  # no Hashtag Strategy section
        (12, "AIC101"),  # Client Overview of 64 words
        (14, "AIC143"),  # "In today's digital age"
        (41, "AIC131"),  # calendar without a Day column
        (41, "AIC131"),  # ... nor a Platform column
        (41, "AIC171"),  # calendar written as prose, not a table
    ],
    "examples/failing/strategy_campaign_basic.mdx": [
        (28, "AIC131"),  # Big Idea without "Why It Works"
        (34, "AIC142"),  # "go viral"
        (79, "AIC004"),  # Audience Segments above Messaging Framework
        (149, "AIC102"),  # Final Summary of 382 words
    ],
    "examples/failing/launch_gtm_pack.md": [
        (2, "AIC001"),  # no Ad Concepts section
        (28, "AIC142"),  # "huge opportunity"
        (137, "AIC101"),  # Channel Plan split in two: the first part is too short
        (157, "AIC003"),  # ... and the second part is a duplicate
        (313, "AIC002"),  # "Growth Loop" is no section of the pack
    ],
}
PASSING = [
    "examples/passing/launch_gtm_pack.md",
    "examples/passing/quick_social_basic.md",
    "examples/passing/strategy_campaign_basic.mdx",
]


def aicmo(*args: str) -> subprocess.CompletedProcess[str]:
    return run_aicmo(*args, cwd=ROOT)


def findings(stdout: str) -> list[tuple[str, int, str]]:
    """(path, line, code) of each finding line of the text output."""
    return [
        (match["path"], int(match["line"]), match["code"])
        for match in map(FINDING_RE.match, stdout.splitlines())
        if match
    ]


def test_passing_examples_exit_0_without_findings() -> None:
    result = aicmo("check", "examples/passing/")
    assert result.stderr == ""
    assert result.stdout == "3 files checked: 0 failed, 3 passed; 0 errors, 0 warnings\n"
    assert result.returncode == 0


@pytest.mark.parametrize("path", sorted(FAILING))
def test_failing_example_reports_exactly_its_faults(path: str) -> None:
    result = aicmo("check", path)
    assert result.stderr == ""
    assert result.returncode == 1
    found = findings(result.stdout)
    assert {finding_path for finding_path, _, _ in found} == {path}
    assert sorted((line, code) for _, line, code in found) == FAILING[path]


def test_json_status_of_every_example() -> None:
    result = aicmo("check", "examples", "--format", "json")
    assert result.returncode == 1
    statuses = {report["path"]: report["status"] for report in json.loads(result.stdout)["files"]}
    assert statuses == {
        "examples/README.md": "SKIPPED",
        **dict.fromkeys(FAILING, "FAIL"),
        **dict.fromkeys(PASSING, "PASS"),
    }


def test_every_example_is_listed_here_and_in_the_readme() -> None:
    on_disk = sorted(str(path.relative_to(ROOT)) for path in EXAMPLES.rglob("*.md*") if path.name != "README.md")
    assert on_disk == sorted([*FAILING, *PASSING])
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for path in on_disk:
        assert f"`{Path(path).name}`" in readme, path


@pytest.mark.parametrize("path", sorted([*FAILING, *PASSING]))
def test_front_matter_holds_the_brief(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    front_matter = text.split("---\n", 2)[1]
    data = YAML(typ="safe", pure=True).load(front_matter)
    assert all(isinstance(data.get(field), str) and data[field].strip() for field in BRIEF_FIELDS), data
    assert Path(path).stem == data["pack"]


@pytest.mark.parametrize("folder", ["passing", "failing"])
def test_each_folder_has_an_mdx_report_with_mdx_syntax(folder: str) -> None:
    reports = sorted((EXAMPLES / folder).glob("*.mdx"))
    assert reports
    for report in reports:
        text = report.read_text(encoding="utf-8")
        assert re.search(r"^import .+ from ", text, re.MULTILINE)
        assert re.search(r"<Callout [^>]*>\n[^<]+\n</Callout>", text)
        assert re.search(r"\{[A-Za-z_.]+\}", text)


def test_readme_sample_output_matches_the_example() -> None:
    """The sample output in the top-level README is real output of the failing Quick Social example."""
    sample = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if FINDING_RE.match(line)]
    assert sample
    stdout = aicmo("check", *sorted({line.split(":", 1)[0] for line in sample})).stdout.splitlines()
    for line in sample:
        assert line in stdout
