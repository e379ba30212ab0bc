"""The pieces of the output formats that a process test cannot reach cheaply: GitHub's escaping
(checked against the runner's own unescaping), columns of ranges over several lines, and SARIF
URIs of names no file system test can make everywhere."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from aicmo_core.benchmarks import load_packs
from aicmo_core.check import CheckOptions, check_text
from aicmo_core.formatters.github import escape_data, escape_property, finding_command, workflow_command
from aicmo_core.formatters.sarif import artifact_location, folder_uri
from aicmo_core.spans import Span

BENCHMARKS = Path(__file__).parents[1] / "fixtures" / "cli" / "benchmarks"
# The runner (actions/runner, ActionCommand.cs) undoes the escapes in this order.
DATA_ESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
PROPERTY_ESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))


def unescape(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for escaped, plain in escapes:
        text = text.replace(escaped, plain)
    return text


def test_escape_data() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"


def test_escape_property() -> None:
    assert escape_property("q, 1: 100%\n.md") == "q%2C 1%3A 100%25%0A.md"


def test_workflow_command_escapes_properties_and_message() -> None:
    command = workflow_command("error", {"file": "a,b:c.md", "line": 3, "title": "AIC101 min_words"}, "two\nlines")
    assert command == "::error file=a%2Cb%3Ac.md,line=3,title=AIC101 min_words::two%0Alines"


@given(st.text())
def test_data_round_trips_through_the_runner(text: str) -> None:
    escaped = escape_data(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert unescape(escaped, DATA_ESCAPES) == text


@given(st.text())
def test_property_round_trips_through_the_runner(text: str) -> None:
    escaped = escape_property(text)
    assert not set(escaped) & {"\n", "\r", ",", ":"}
    assert unescape(escaped, PROPERTY_ESCAPES) == text


def test_columns_are_left_out_of_a_range_over_several_lines() -> None:
    text = "---\npack: tiny_brief\n---\n## Overview\n\nLorem ipsum for now.\n"
    result = check_text(text, "report.md", CheckOptions(packs=load_packs((BENCHMARKS,))))
    finding = next(finding for finding in result.findings if finding.code == "AIC101")
    one_line = finding_command("report.md", finding, result)
    assert one_line.startswith("::error file=report.md,line=4,col=1,endLine=4,endColumn=12,title=")
    spread = dataclasses.replace(finding, span=Span.lines(3, 3, 5, 5))
    assert finding_command("report.md", spread, result).startswith("::error file=report.md,line=4,endLine=6,title=")


def test_sarif_uri_of_a_name_that_is_not_utf8() -> None:
    """Linux file names are bytes; one that is not UTF-8 is percent-encoded byte for byte."""
    name = b"caf\xe9 #1.md".decode("utf-8", "surrogateescape")
    assert artifact_location(name, Path("/work")) == {"uri": "caf%E9%20%231.md", "uriBaseId": "%SRCROOT%"}
    assert artifact_location(f"../{name}", Path("/work/a")) == {"uri": "file:///work/caf%E9%20%231.md"}


def test_sarif_base_uri_ends_with_a_slash() -> None:
    assert folder_uri(Path("/")) == "file:///"
    assert folder_uri(Path("/srv/my repo")) == "file:///srv/my%20repo/"
