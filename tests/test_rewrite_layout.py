"""A section's trailer (the thematic breaks and comments that end it) is layout: generated text replaces
or extends the section's content above it and never deletes or moves it. Whole reports as strings, the
edits applied with ``apply_edits`` and the result compared byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from aicmo_core.benchmarks.loader import load_packs
from aicmo_core.check import CheckOptions, ReportResult, check_text
from aicmo_core.document.model import Section
from aicmo_core.edits import apply_edits
from aicmo_core.rewrite import body_text, content_end, quick_fixes, replace_body, trailer_start

PACKS = load_packs((Path(__file__).parent / "fixtures" / "lsp" / "workspace" / "benchmarks",))
NEW = "Glow Botanicals sells gentle skincare.\n\n- Audience: sensitive skin\n- Promise: short routines"

REPORT = """---
pack: brief
---

# Glow Botanicals: Client Brief

## Overview

Glow Botanicals sells skincare.

---

## Channel Plan

| Channel | Role |
| --- | --- |
| Instagram | Reach new buyers |

---

## Next Steps

- Book the shoot.
- Send the brief.

---
"""


def checked(text: str, path: str = "report.md") -> ReportResult:
    return check_text(text, path, CheckOptions(packs=PACKS))


def section(text: str, section_id: str, path: str = "report.md") -> Section:
    found = checked(text, path).section(section_id)
    assert found is not None
    return found.section


def replaced(text: str, section_id: str, body: str = NEW, path: str = "report.md") -> str:
    return apply_edits(text, [replace_body(section(text, section_id, path), body)])


def test_replacing_a_body_keeps_the_break_to_the_next_section() -> None:
    assert replaced(REPORT, "overview") == REPORT.replace("Glow Botanicals sells skincare.", NEW)
    assert replaced(REPORT, "overview").count("\n---\n") == REPORT.count("\n---\n")


def test_replacing_the_last_section_keeps_the_break_that_ends_the_report() -> None:
    result = replaced(REPORT, "next_steps", "- Book the shoot.\n- Send the brief.\n- Approve the budget.")
    assert result == REPORT.replace("- Send the brief.\n", "- Send the brief.\n- Approve the budget.\n")
    assert result.endswith("- Approve the budget.\n\n---\n")


def test_the_blank_lines_around_the_trailer_are_kept_byte_for_byte() -> None:
    text = "---\npack: brief\n---\n\n## Overview\n\nOld text.\n\n\n---\n\n\n## Channel Plan\n\nRows.\n"
    assert replaced(text, "overview", "New text.") == text.replace("Old text.", "New text.")


def test_an_expanded_body_goes_above_the_break() -> None:
    # Expand and Fix return the whole new body, the writer's text first: all of it lands above the break.
    old = body_text(section(REPORT, "overview"))
    assert old == "Glow Botanicals sells skincare."
    expanded = old + "\n\n### Goal\n\nGrow repeat orders."
    result = replaced(REPORT, "overview", expanded)
    assert result == REPORT.replace(
        "Glow Botanicals sells skincare.\n\n---\n",
        "Glow Botanicals sells skincare.\n\n### Goal\n\nGrow repeat orders.\n\n---\n",
    )


def test_an_html_comment_footer_stays() -> None:
    text = (
        "---\npack: brief\n---\n\n## Overview\n\nOld text.\n\n<!-- reviewed by Jo, 3 March -->\n\n"
        "## Channel Plan\n\nRows.\n"
    )
    overview = section(text, "overview")
    assert body_text(overview) == "Old text."
    assert replaced(text, "overview", "New text.") == text.replace("Old text.", "New text.")


def test_comments_and_breaks_together_over_several_lines_are_one_trailer() -> None:
    text = (
        "---\npack: brief\n---\n\n## Overview\n\nOld text.\n\n---\n\n<!--\nnotes for the next review\n-->\n"
        "<!-- aicmo:section channels -->\n## Plan for Channels\n\nRows.\n"
    )
    overview = section(text, "overview")
    assert (content_end(overview), trailer_start(overview)) == (7, 8)
    assert replaced(text, "overview", "New text.") == text.replace("Old text.", "New text.")


def test_body_text_leaves_out_the_trailer() -> None:
    assert body_text(section(REPORT, "channels")) == (
        "| Channel | Role |\n| --- | --- |\n| Instagram | Reach new buyers |"
    )
    assert body_text(section(REPORT, "next_steps")) == "- Book the shoot.\n- Send the brief."


def test_a_break_between_paragraphs_is_content() -> None:
    text = "---\npack: brief\n---\n\n## Overview\n\nFirst part.\n\n---\n\nSecond part.\n\n---\n\n## Channel Plan\n\nRows.\n"
    assert body_text(section(text, "overview")) == "First part.\n\n---\n\nSecond part."
    assert replaced(text, "overview", "New text.") == text.replace("First part.\n\n---\n\nSecond part.", "New text.")


@pytest.mark.parametrize(
    ("tail", "content"),
    [
        # A last line of emphasis alone has words the rules count: content.
        ("Old text.\n\n*Prepared by Harbour Social*\n", "Old text.\n\n*Prepared by Harbour Social*"),
        # An indented "---" is code.
        ("Old text.\n\n    ---\n", "Old text.\n\n    ---"),
    ],
)
def test_what_is_not_a_trailer(tail: str, content: str) -> None:
    text = "---\npack: brief\n---\n\n# Brief\n\n## Overview\n\n" + tail
    assert body_text(section(text, "overview")) == content


def test_a_dash_line_under_text_underlines_a_heading() -> None:
    # In a report whose sections are "#" headings, "Goal" underlined with "---" is a sub-heading of
    # the section's content, not a break.
    text = "---\npack: brief\n---\n\n# Overview\n\nOld text.\n\nGoal\n---\n\n# Channel Plan\n\nRows.\n"
    overview = section(text, "overview")
    assert [heading.text for _, heading in overview.sub_headings()] == ["Goal"]
    assert body_text(overview) == "Old text.\n\nGoal\n---"
    assert replaced(text, "overview", "New text.") == text.replace("Old text.\n\nGoal\n---", "New text.")


@pytest.mark.parametrize("rule", ["***", "___", "- - -", "* * *"])
def test_every_kind_of_thematic_break_is_a_trailer(rule: str) -> None:
    text = f"---\npack: brief\n---\n\n## Overview\n\nOld text.\n\n{rule}\n\n## Channel Plan\n\nRows.\n"
    assert replaced(text, "overview", "New text.") == text.replace("Old text.", "New text.")


def test_a_section_with_only_a_break_gets_its_text_above_it() -> None:
    text = "---\npack: brief\n---\n\n## Overview\n\n---\n\n## Channel Plan\n\nRows.\n"
    assert body_text(section(text, "overview")) == ""
    assert replaced(text, "overview", "New text.") == text.replace("## Overview\n\n", "## Overview\n\nNew text.\n\n")
    tight = text.replace("## Overview\n\n---", "## Overview\n---")
    assert replaced(tight, "overview", "New text.") == text.replace("## Overview\n\n", "## Overview\n\nNew text.\n\n")


def test_a_missing_sub_heading_is_inserted_above_the_break() -> None:
    result = checked(REPORT)
    fix = next(f for f in quick_fixes(result) if f.title == "Insert missing sub-heading 'Goal'")
    assert apply_edits(REPORT, fix.edits) == REPORT.replace(
        "Glow Botanicals sells skincare.\n\n---\n", "Glow Botanicals sells skincare.\n\n### Goal\n\n---\n"
    )


MDX = """---
pack: brief
---

import { Chart } from "./chart"

## Overview

Glow Botanicals sells skincare.

{/* footer: figures checked
    against the March export */}

## Channel Plan

<Chart data="channels" />
"""


def test_an_mdx_comment_footer_stays_and_a_jsx_element_is_content() -> None:
    overview = section(MDX, "overview", "report.mdx")
    assert body_text(overview) == "Glow Botanicals sells skincare."
    assert replaced(MDX, "overview", "New text.", "report.mdx") == MDX.replace(
        "Glow Botanicals sells skincare.", "New text."
    )
    channels = section(MDX, "channels", "report.mdx")
    assert body_text(channels) == '<Chart data="channels" />'


def test_in_markdown_an_mdx_comment_is_text() -> None:
    text = "---\npack: brief\n---\n\n## Overview\n\nOld text.\n\n{/* not a comment here */}\n"
    assert body_text(section(text, "overview")) == "Old text.\n\n{/* not a comment here */}"


def test_crlf_line_endings() -> None:
    crlf = REPORT.replace("\n", "\r\n")
    lf_overview, crlf_overview = section(REPORT, "overview"), section(crlf, "overview")
    assert (content_end(crlf_overview), trailer_start(crlf_overview)) == (
        content_end(lf_overview),
        trailer_start(lf_overview),
    )
    assert body_text(crlf_overview) == body_text(lf_overview) == "Glow Botanicals sells skincare."
    assert replace_body(crlf_overview, NEW) == replace_body(lf_overview, NEW)
    result = apply_edits(crlf, [replace_body(crlf_overview, NEW)])
    # The writer's line breaks around the trailer are kept as they were (the new text has "\n").
    assert "Glow Botanicals sells skincare." not in result
    assert "short routines\r\n\r\n---\r\n\r\n## Channel Plan\r\n" in result
    assert result.replace("\r\n", "\n") == replaced(REPORT, "overview")
