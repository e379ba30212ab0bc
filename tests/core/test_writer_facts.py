"""The writer's facts a rewrite must keep, and the brief read from a report that has no front matter."""

from __future__ import annotations

from pathlib import Path

from aicmo_core.briefs import prompt_brief, report_brief
from aicmo_core.document.model import parse_document
from aicmo_core.generators.base import Brief
from aicmo_core.writer_facts import extract_facts, missing_facts

REPO = Path(__file__).resolve().parent.parent.parent

OVERVIEW = """\
- **Category:** Organic Skincare
- **Launch Region(s):** Mumbai, India
- **Primary Goal:** Grow weekend pre-orders from 310 to 450 a week by the end of March, with Instagram as the main driver.

Instagram has 6,800 followers and a 1.9% engagement rate; TikTok has 1,200 followers. We launch in Q3 2026,
with the deck at [the launch deck](https://example.com/deck) and a $12,000 budget.
"""


def test_label_lines_numbers_dates_names_and_links_are_the_facts() -> None:
    facts = [(f.kind, f.text) for f in extract_facts(OVERVIEW)]
    assert facts == [
        ("label", "Category: Organic Skincare"),
        ("label", "Launch Region(s): Mumbai, India"),
        ("number", "310"),
        ("number", "450"),
        ("name", "March"),
        ("name", "Instagram"),
        ("number", "6,800"),
        ("number", "1.9%"),
        ("name", "TikTok"),
        ("number", "1,200"),
        ("date", "Q3 2026"),
        ("link", "https://example.com/deck"),
        ("number", "$12,000"),
    ]


def test_a_candidate_keeps_a_fact_in_other_words_around_it_but_not_another_number() -> None:
    facts = extract_facts(OVERVIEW)
    candidate = (
        "**Category:** organic skincare, launching in Mumbai, India. Pre-orders go from 310 to 450 a week by "
        "March; Instagram (6800 followers, 1.9% engagement) leads, TikTok (1,200) follows, from Q3 2026 "
        "(https://example.com/deck), on a $12,000 budget."
    )
    assert missing_facts(facts, candidate) == []
    dropped = candidate.replace("6800", "7000").replace("Q3 2026", "the third quarter")
    assert [f.text for f in missing_facts(facts, dropped)] == ["6,800", "Q3 2026"]


def test_a_number_inside_a_longer_number_is_not_kept() -> None:
    facts = extract_facts("We sell 45 kinds of bread.")
    assert [f.text for f in facts] == ["45"]
    assert [f.text for f in missing_facts(facts, "We sell 450 kinds.")] == ["45"]


def test_sentence_openers_and_code_are_no_facts() -> None:
    text = "Each choice serves the goal. Grow the list. Use `UTM_2024` links.\n\n```\nBudget: 99\n```\n"
    assert extract_facts(text) == []


def test_the_brief_of_a_report_without_front_matter_comes_from_its_label_lines_and_title() -> None:
    example = (REPO / "examples" / "passing" / "quick_social_basic.md").read_text(encoding="utf-8")
    without_front_matter = example.split("---\n", 2)[2]
    brief = report_brief(parse_document(without_front_matter))
    assert brief.get("brand") == "Kettle & Crumb"
    assert brief.get("goal").startswith("Grow weekend click-and-collect pre-orders from 310 to 450 a week")
    assert brief.get("audience").startswith("Leeds locals aged 24-45")


def test_front_matter_wins_and_lists_come_as_lists_or_text() -> None:
    text = (
        "---\nbrand: Acme Analytics\nchannels: [LinkedIn, email, webinars]\ncompetitors: Globex, Initech and Umbrella\n---\n"
        "# Launch Plan: Something Else\n\n## Client Overview\n\n- **Brand:** Not This One\n- **Channels:** TikTok\n"
    )
    brief = report_brief(parse_document(text))
    assert brief.get("brand") == "Acme Analytics"
    assert brief.items("channels") == ("LinkedIn", "email", "webinars")
    assert brief.items("competitors") == ("Globex", "Initech", "Umbrella")


def test_a_model_is_told_only_the_allowed_brief_fields() -> None:
    brief = Brief({"brand": "Acme", "tracking_id": "UA-1234", "notes": "pay late"}, {"channels": ("LinkedIn",)})
    told = prompt_brief(brief, ("brand", "channels"))
    assert (dict(told.fields), dict(told.lists)) == ({"brand": "Acme"}, {"channels": ("LinkedIn",)})
