"""A section's findings in one line (the hover's, the scorecard's ``findings``) and the scorecard's
bounds, on the rule fixtures: each rule's words, both sides of a bound, errors and warnings."""

from __future__ import annotations

import pytest

from aicmo_core.check import SectionResult
from aicmo_core.scorecard import scorecard
from aicmo_core.summary import summary_line
from tests.core.test_rules import check


def section_of(name: str, section_id: str) -> SectionResult:
    found = check(name).section(section_id)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("fixture", "section", "line"),
    [
        ("word_count_4.md", "word_count", "**FAIL**: 1 error: words 4 (min 5)"),
        ("word_count_9.md", "word_count", "**FAIL**: 1 error: words 9 (max 8)"),
        ("word_count_5.md", "word_count", "**PASS**: no findings"),
        ("bullets_1.md", "bullets", "**FAIL**: 1 error: bullets 1 (min 2)"),
        ("bullets_4.md", "bullets", "**PASS_WITH_WARNINGS**: 1 warning: bullets 4 (max 3)"),
        ("subheadings_0.md", "subheadings", "**FAIL**: 1 error: sub-headings 0 (min 1)"),
        ("subheadings_3.md", "subheadings", "**PASS_WITH_WARNINGS**: 1 warning: sub-headings 3 (max 2)"),
        ("goals_paragraph.md", "goals", "**FAIL**: 1 error: missing sub-heading 'Primary Goal'"),
        ("brand_facts_fail.md", "brand_facts", "**FAIL**: 1 error: missing required phrase 'Brand:'"),
        # Three findings, two phrases: each named once.
        ("banned_phrases_fail.md", "banned_phrases", "**FAIL**: 3 errors: forbidden phrases 'lorem ipsum', 'none'"),
        (
            "banned_patterns_fail.md",
            "banned_patterns",
            "**FAIL**: 2 errors: forbidden patterns in 'Content is King', '10x growth'",
        ),
        (
            "placeholder_fail.md",
            "word_count",
            "**FAIL**: 3 errors: placeholders 'XX%', '[Insert date]', 'TODO'",
        ),
        ("repeats_fail.md", "repeats", "**FAIL**: 1 error: repeated lines 33% (max 25%)"),
        ("sentences_fail.md", "sentences", "**PASS_WITH_WARNINGS**: 1 warning: avg sentence 8.5 words (max 8)"),
        # A rule without a note: its message up to the first ';'.
        ("calendar_fail.md", "calendar", "**FAIL**: 1 error: no table in this section"),
        ("empty_section.md", "word_count", "**FAIL**: 1 error: section 'Word Count' is empty"),
    ],
)
def test_summary_line(fixture: str, section: str, line: str) -> None:
    assert summary_line(section_of(fixture, section)) == line


def test_scorecard_bounds_are_the_hover_rows_measures() -> None:
    card = scorecard("file:///bullets_4.md", 3, check("bullets_4.md"))
    bullets = next(s for s in card["sections"] if s["section"] == "bullets")
    assert (bullets["status"], bullets["warnings"], bullets["findings"]) == (
        "PASS_WITH_WARNINGS",
        1,
        ["bullets 4 (max 3)"],
    )
    # The words have their own fields; a measure the benchmark leaves unbounded is left out.
    assert [b for b in bullets["bounds"] if b["name"] != "repeated_line_ratio"] == [
        {"name": "bullets", "label": "bullets", "value": 4, "min": 2, "max": 3, "ok": False, "now": "4", "bound": "2-3"}
    ]
    assert (card["uri"], card["version"], card["pack"]) == ("file:///bullets_4.md", 3, "rules_lab")


def test_scorecard_of_no_report() -> None:
    assert scorecard("file:///notes.md", None, None) == {
        "uri": "file:///notes.md",
        "version": None,
        "pack": None,
        "packLabel": None,
        "status": "SKIPPED",
        "sections": [],
        "missing": [],
        "unknown": [],
    }
