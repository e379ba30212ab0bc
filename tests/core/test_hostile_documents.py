"""Hostile documents: front matter that is never closed, reports over the size limit, and structure
that used to cost far more than parsing it (tens of thousands of headings, very wide tables,
deep nesting, a finding on every line). Each pathological case has a time limit so a regression
fails instead of hanging; the time and memory goals themselves are measured by
``perf/bench_pathological.py`` (``perf/RESULTS.md``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_block.table import escapedSplit

from aicmo_core.benchmarks.loader import load_packs
from aicmo_core.check import MAX_FINDINGS_PER_SECTION_RULE, CheckOptions, SectionCache, check_text
from aicmo_core.document import blocks
from aicmo_core.document.model import clear_caches, parse_document
from aicmo_core.document.table_rule import cell_count
from aicmo_core.edits import apply_edits
from aicmo_core.findings import Status
from aicmo_core.report_size import ReportTooLarge, read_report, too_large_message
from aicmo_core.rewrite import quick_fixes
from tests.core.test_rules import check, triples_of

PACKS = load_packs(())
FRONT = "---\npack: quick_social_basic\n---\n\n## Client Overview\n\n"


def check_fresh(text: str, path: str = "report.md") -> object:
    clear_caches()
    return check_text(text, path, CheckOptions(PACKS, cache=SectionCache()))


# --------------------------------------------------------------------------- unclosed front matter


def test_front_matter_that_is_never_closed_is_an_error_on_its_opening_line() -> None:
    result = check("front_matter_unclosed.md")

    assert triples_of(result) == [
        (
            (0, 0, 0, 3),
            "AIC010",
            "the front matter is never closed: add a '---' line after line 5; until then its pack and settings are "
            "not read",
        )
    ]
    assert result.status is Status.FAIL  # not "not a report": CI fails it


def test_a_thematic_break_on_the_first_line_is_no_front_matter() -> None:
    result = check("front_matter_thematic_break.md")

    assert triples_of(result) == []
    assert result.status is Status.SKIPPED


@pytest.mark.parametrize(
    ("text", "close_after"),
    [
        ("---\npack: rules_lab\n", 1),  # the end of the file
        ("---\npack: rules_lab\ntags:\n  - a\n  - b\n\n# Title\n", 4),  # nested lines are YAML
        ("---\npack: rules_lab\n# Title\n", 1),  # a heading is not
        ("---\ntitle: Q3 plan\nSome text: with a colon\n", 2),  # reads as YAML: the writer decides
    ],
)
def test_the_closing_line_belongs_after_the_last_line_that_reads_as_yaml(text: str, close_after: int) -> None:
    [finding] = [f for f in check_fresh(text).findings if f.code == "AIC010"]  # type: ignore[attr-defined]
    assert finding.data == {"close_after": close_after}


@pytest.mark.parametrize("text", ["---\n\nText.\n", "---\n# Title\n", "---\n- item\n", "---\n", "Text\n---\npack: x\n"])
def test_no_finding_without_a_key_line_right_after_the_first_line(text: str) -> None:
    assert [f for f in check_fresh(text).findings if f.code == "AIC010"] == []  # type: ignore[attr-defined]


def test_the_quick_fix_closes_the_front_matter_and_the_report_is_checked_again() -> None:
    result = check("front_matter_unclosed.md")
    [fix] = [fix for fix in quick_fixes(result) if fix.finding.code == "AIC010"]

    fixed = apply_edits(result.doc.text, fix.edits)

    assert fix.title == "Close the front matter after line 5"
    assert fixed.split("\n")[:7] == [
        "---",
        "pack: rules_lab",
        "brand: Glow Botanicals",
        "aicmo:",
        "  disable: [section_order]",
        "---",
        "",
    ]
    recheck = check_text(fixed, "report.md", CheckOptions(PACKS, cache=SectionCache()))
    assert "AIC010" not in {f.code for f in recheck.findings}
    assert recheck.doc.front_matter is not None and recheck.doc.front_matter.data["brand"] == "Glow Botanicals"


# --------------------------------------------------------------------------------- the size limit


def test_a_report_over_the_limit_is_refused_with_the_shared_message(tmp_path: Path) -> None:
    report = tmp_path / "plan.md"
    report.write_text(FRONT + "word " * 3_000, encoding="utf-8")  # 15 KB

    with pytest.raises(ReportTooLarge) as refused:
        read_report(report, 0.01, "--max-file-size-mb")

    assert (
        str(refused.value)
        == f"{report} is 0.0 MB; aicmo checks reports up to 0.01 MB (--max-file-size-mb), so it is not checked."
    )
    assert str(refused.value) == too_large_message(str(report), report.stat().st_size, 0.01, "--max-file-size-mb")
    assert read_report(report, 1, "--max-file-size-mb").startswith("---\npack: quick_social_basic")


@pytest.mark.timeout(10)
def test_only_a_regular_file_is_read(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    with pytest.raises(OSError, match="not a regular file"):
        read_report(pipe, 10, "--max-file-size-mb")  # opened without blocking, never read
    with pytest.raises(OSError, match="not a regular file"):
        read_report(Path("/dev/zero"), 10, "--max-file-size-mb")


def test_a_byte_order_mark_is_dropped_and_newlines_read_as_before(tmp_path: Path) -> None:
    report = tmp_path / "plan.md"
    report.write_bytes(b"\xef\xbb\xbf# Title\r\n\r\nText\rmore\n")
    assert read_report(report, 10, "--max-file-size-mb") == "# Title\n\nText\nmore\n"


# ----------------------------------------------------------------------------- pathological shape


@pytest.mark.timeout(120)
def test_fifty_thousand_headings_are_fifty_thousand_sections() -> None:
    text = FRONT + "".join(f"## Topic {n}\n\nWeek {n} plan.\n\n" for n in range(50_000))
    result = check_fresh(text)

    assert len(result.sections) == 50_001  # type: ignore[attr-defined]
    assert sum(1 for f in result.findings if f.code == "AIC002") == 50_000  # type: ignore[attr-defined]


@pytest.mark.timeout(120)
def test_a_table_of_five_thousand_columns_is_one_table() -> None:
    header = "|" + "|".join(f"c{n}" for n in range(5_000)) + "|"
    text = FRONT + "\n".join([header, "|" + "---|" * 5_000, *["|" + "x|" * 5_000] * 200]) + "\n"
    doc = parse_document(text)

    [table] = [table for chunk in doc.chunks for table in chunk.info.tables]
    assert (table.line, table.end_line, len(table.header_cells)) == (2, 204, 5_000)  # lines of its chunk
    assert table.header_cells[:2] == ("c0", "c1")


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "body",
    [
        "".join("> " * 1_000 + f"quoted line {n}\n" for n in range(300)),
        "".join("  " * level + f"- item {level}\n" for level in range(1_000)),
        "<Box>\n" * 5_000 + "Deep text.\n" + "</Box>\n" * 5_000,
        "[" * 200_000 + "\n",
        "*a " * 100_000 + "\n",
    ],
    ids=["quotes", "lists", "jsx", "brackets", "emphasis"],
)
def test_deep_nesting_is_checked(body: str) -> None:
    result = check_fresh(FRONT + body, "report.mdx" if body.startswith("<Box>") else "report.md")
    assert result.pack_key == "quick_social_basic"  # type: ignore[attr-defined]


@pytest.mark.timeout(120)
def test_a_section_rule_reports_at_most_a_hundred_findings_and_the_last_says_more_follow() -> None:
    result = check_fresh(FRONT + "Brand: Glow\n" * 10_000)

    repeats = [f for f in result.findings if f.code == "AIC151"]  # type: ignore[attr-defined]
    assert len(repeats) == MAX_FINDINGS_PER_SECTION_RULE == 100
    assert repeats[0].message == "line repeats line 7; 100% of this section's lines repeat, at most 30%"
    assert repeats[-1].message == (
        "line repeats line 7; 100% of this section's lines repeat, at most 30%; more follow: the first 100 of "
        "this rule's findings in a section are listed"
    )
    assert repeats[-1].data["truncated"] is True and repeats[-1].span.start.line == 106


# ------------------------------------------------------------------------- the lighter table rule


def _reference_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    parser.disable(["inline", "text_join"])
    return parser


CELL = st.text(alphabet=st.sampled_from(["a", " ", "\\", "|", "`", "-", ":"]), max_size=4)
ROW = st.tuples(st.sampled_from(["", "|", " |"]), st.lists(CELL, max_size=6), st.sampled_from(["", "|", "| "]))
DELIMITER = st.lists(st.sampled_from(["---", ":--", "--:", ":-:", "-", "", " - ", "x"]), min_size=1, max_size=6)
OTHER = st.sampled_from(["", "> quote", "- item", "    code", "# heading", "```", "text"])


@st.composite
def tables(draw: st.DrawFn) -> str:
    def row(parts: tuple[str, list[str], str]) -> str:
        return parts[0] + "|".join(parts[1]) + parts[2]

    lines = [
        row(draw(ROW)),
        draw(st.sampled_from(["", "|"])) + "|".join(draw(DELIMITER)) + draw(st.sampled_from(["", "|"])),
    ]
    lines += [draw(st.one_of(ROW.map(row), OTHER)) for _ in range(draw(st.integers(0, 6)))]
    prefix = draw(st.sampled_from(["", "> ", "- ", "  "]))
    return "\n".join(prefix + line for line in lines)


@settings(max_examples=400, deadline=None)
@given(tables())
def test_the_table_rule_finds_what_markdown_its_own_finds(text: str) -> None:
    """Same tables, rows and header cells as markdown-it-py's rule (aicmo's tokens, its decisions)."""
    mine = blocks.analyze_chunk.__wrapped__(text, False)  # type: ignore[attr-defined]
    saved = blocks._PARSERS[False]
    blocks._PARSERS[False] = _reference_parser()
    try:
        reference = blocks.analyze_chunk.__wrapped__(text, False)  # type: ignore[attr-defined]
    finally:
        blocks._PARSERS[False] = saved
    assert mine == reference


@pytest.mark.parametrize(
    ("row", "cells"),
    [("a|b", 2), ("|a|b|", 2), ("|a|", 1), ("|", 0), ("a", 1), ("a\\|b", 1), ("|a\\|", 1), ("||", 1), ("a|", 1)],
)
def test_cells_are_counted_as_markdown_it_splits_them(row: str, cells: int) -> None:
    columns = escapedSplit(row)
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    assert cell_count(row) == len(columns) == cells
