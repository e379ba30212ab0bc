""" "Fix all" applied until nothing is left to fix (what ``aicmo check --fix`` runs): a fix that makes
another possible is followed by it in the same run, a level-6 section still gets its sub-heading, and
a pack whose rules undo each other's fixes is said to be unsettled instead of looping."""

from __future__ import annotations

from pathlib import Path

import pytest

from aicmo_core.benchmarks.loader import load_packs
from aicmo_core.check import CheckOptions, ReportResult, check_text
from aicmo_core.edits import apply_edits
from aicmo_core.rewrite import FIXABLE_RULES, fix_all, fix_all_fixes, fix_all_passes, may_fix, remove_span
from aicmo_core.spans import LineIndex, Position, Span
from aicmo_core.workspace import Workspace

TESTS = Path(__file__).parent.parent
BENCHMARKS = TESTS / "fixtures" / "check_fix" / "benchmarks"
REPORTS = sorted(
    [
        *(TESTS.parent / "examples" / "failing").iterdir(),
        *(TESTS / "fixtures" / "check_fix").glob("*.md"),
        TESTS / "fixtures" / "rules" / "front_matter_unclosed.md",
    ],
    key=str,
)

UNCLOSED = """\
---
pack: brief

# Glow Botanicals brief

## Overview

Glow Botanicals sells gentle skincare to people with sensitive skin.

## Channel Plan

Instagram and TikTok, three posts a week.

## Next Steps

Approve the calendar and brief the designer.
"""

LEVEL_SIX = """\
---
pack: brief
---
###### Overview

Glow Botanicals sells gentle skincare to people with sensitive skin.

###### Channel Plan

Instagram and TikTok, three posts a week.

###### Next Steps

Approve the calendar and brief the designer.
"""

CONTRADICTION = """\
key: contradiction
label: "Contradiction"
version: 1
sections:
  - id: overview
    label: "Overview"
    min_words: 1
    max_words: 80
    required_headings: ["Lorem ipsum, goals"]
    forbidden_substrings: ["lorem ipsum"]
"""


def check(text: str, benchmarks: Path = BENCHMARKS) -> ReportResult:
    return check_text(text, "report.md", CheckOptions(packs=load_packs((benchmarks,))))


def test_closing_the_front_matter_is_followed_by_the_fixes_of_the_pack_it_names() -> None:
    first = check(UNCLOSED)
    # Before the front matter is closed, nothing names the pack: its only fix closes it.
    assert [fix.title for fix in fix_all_fixes(first)] == ["Close the front matter after line 2"]
    fixed = fix_all_passes(first, check)
    assert fixed.text == UNCLOSED.replace("pack: brief\n", "pack: brief\n---\n").replace(
        "sensitive skin.\n", "sensitive skin.\n\n### Goal\n"
    )
    assert (fixed.fixes, fixed.settled) == (2, True)
    assert [finding.code for finding in fixed.result.findings] == []
    # A second run has nothing left to do.
    assert fix_all(fixed.result) == []
    assert fix_all_passes(fixed.result, check).text == fixed.text


def test_a_report_with_nothing_to_fix_is_returned_as_it_is() -> None:
    result = check(LEVEL_SIX.replace("sensitive skin.\n", "sensitive skin.\n\n**Goal**\n"))
    fixed = fix_all_passes(result, check)
    assert (fixed.text, fixed.result, fixed.fixes, fixed.settled) == (result.doc.text, result, 0, True)


def test_a_level_six_section_gets_its_sub_heading_as_a_bold_line() -> None:
    # Markdown has no level 7: "###### Goal" would be a section of its own, and the fix would insert
    # it again on every run.
    fixed = fix_all_passes(check(LEVEL_SIX), check)
    assert fixed.text == LEVEL_SIX.replace("sensitive skin.\n", "sensitive skin.\n\n**Goal**\n")
    assert (fixed.fixes, fixed.settled) == (1, True)
    assert [finding.code for finding in fixed.result.findings] == []


def test_fixes_that_undo_each_other_do_not_settle(tmp_path: Path) -> None:
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "contradiction.yaml").write_text(CONTRADICTION, encoding="utf-8")
    text = "---\npack: contradiction\n---\n## Overview\n\nGlow Botanicals sells skincare.\n"

    def recheck(new_text: str) -> ReportResult:
        return check(new_text, tmp_path)

    # The sub-heading inserted holds the forbidden phrase, whose removal takes the sub-heading away.
    fixed = fix_all_passes(recheck(text), recheck, max_passes=4)
    assert fixed.settled is False
    assert fixed.fixes == 4


def test_the_fixable_rules_are_those_fix_all_fixes() -> None:
    # ``may_fix`` reads only the findings (a worker's result has no parsed report to fix).
    workspace = Workspace()
    fixed_rules: set[str] = set()
    for path in REPORTS:
        result = workspace.check_text(path.read_text(encoding="utf-8"), path)[0]
        rules = {fix.finding.rule for fix in fix_all_fixes(result)}
        assert may_fix(result) == bool(rules), path
        fixed_rules |= rules
    assert fixed_rules == FIXABLE_RULES


@pytest.mark.parametrize(
    ("line", "phrase", "after", "reads"),
    [
        ("In today's digital age, a small brand sells.", "In today's digital age", "A small brand sells.", True),
        ("In today's digital age, Glow sells.", "In today's digital age", "Glow sells.", True),
        ("- In today's digital age, candles sell.", "In today's digital age", "- Candles sell.", True),
        ("**Why:** in today's digital age, candles sell.", "in today's digital age", "**Why:** Candles sell.", True),
        ("Sales rose. In today's digital age we grow.", "In today's digital age", "Sales rose. We grow.", True),
        ("Huge opportunity. Sales rose.", "Huge opportunity", "Sales rose.", True),
        ("We see, honestly, growth.", "honestly", "We see, growth.", True),
        ("Grow fast, honestly.", "honestly", "Grow fast.", True),
        # Inside a clause the phrase may be a part the sentence needs: offered, never in "fix all".
        ("Glow makes world-class skincare.", "world-class", "Glow makes skincare.", False),
        ("It is a huge opportunity for us.", "huge opportunity", "It is a for us.", False),
        ("## In today's digital age", "In today's digital age", "## ", False),
    ],
)
def test_a_removed_phrase_leaves_a_sentence_that_reads(line: str, phrase: str, after: str, reads: bool) -> None:
    index = LineIndex(line + "\n")
    start = line.index(phrase)
    edit, surely_reads = remove_span(index, Span(Position(0, start), Position(0, start + len(phrase))))
    assert (apply_edits(line + "\n", [edit]), surely_reads) == (after + "\n", reads)
