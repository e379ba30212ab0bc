"""Which heading is which section, and which pack a report is: the evidence of words and of order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aicmo_core.benchmarks.loader import builtin_benchmark_dir, load_packs
from aicmo_core.check import CheckOptions, ReportResult, check_text
from aicmo_core.detection import detect_pack
from aicmo_core.document.alignment import longest_increasing
from aicmo_core.document.lexicon import default_lexicon, stem
from aicmo_core.document.model import parse_document
from aicmo_core.document.text import heading_number

PACKS = load_packs([builtin_benchmark_dir()], include_builtin=False)
EXAMPLES = Path(__file__).parent.parent.parent / "examples"


def check(headings: list[str], pack: str = "quick_social_basic", path: str = "report.md") -> ReportResult:
    text = "".join(f"## {heading}\n\nA sentence about {heading.lower()} for the client.\n\n" for heading in headings)
    return check_text(text, path, CheckOptions(packs=PACKS, pack=pack))


def matches(result: ReportResult) -> list[tuple[str, str | None, str]]:
    return [(r.section.heading.title, r.section.match.section_id, r.section.match.how) for r in result.sections]


QUICK_SOCIAL = [
    "Client Overview",
    "Messaging Framework",
    "30-Day Social Calendar",
    "Content Buckets",
    "Hashtag Strategy",
    "KPI Plan",
    "Execution Roadmap",
    "Final Summary",
]


def test_related_terms_and_stems_name_a_section_in_other_words() -> None:
    lexicon = default_lexicon()
    assert stem("strategies") == stem("strategy") and stem("KPIs".lower()) == stem("kpi")
    # "dashboard" is a related term of "KPI", and "(Light)" only qualifies the label.
    assert matches(check(["Measurement Dashboard"]))[0] == ("Measurement Dashboard", "kpi_plan_light", "similar")
    assert lexicon.terms("optimisation").stems == lexicon.terms("optimization").stems


def test_a_heading_of_generic_words_first_in_the_report_is_the_pack_s_first_section() -> None:
    result = check(["Brand Approach", *QUICK_SOCIAL[1:]])
    first = result.sections[0].section
    assert (first.id, first.match.how) == ("overview", "position")
    assert first.match.why == "first in the report, as in the pack, and 'brand' (from 'Brand Overview')"


def test_a_heading_with_some_words_in_its_section_s_place_is_that_section() -> None:
    # "Creative Themes" shares "themes" with nothing strong, but sits exactly where Content Buckets
    # is missing and "theme" is a related term of "bucket" only as "content theme": words and place.
    result = check([*QUICK_SOCIAL[:3], "Post Themes & Pillars", *QUICK_SOCIAL[4:]])
    section = result.sections[3].section
    assert (section.id, section.match.how) == ("content_buckets", "similar")


def test_an_unrelated_heading_in_a_missing_section_s_place_stays_unknown() -> None:
    result = check([*QUICK_SOCIAL[:3], "Growth Loop", *QUICK_SOCIAL[4:]])
    assert matches(result)[3] == ("Growth Loop", None, "unknown")
    assert [f.data["section_id"] for f in result.findings if f.rule == "missing_section"] == ["content_buckets"]


def test_the_heading_s_own_number_places_it_among_numbered_anchors() -> None:
    assert [heading_number(t) for t in ("5. Pillars", "Part V - Pillars", "Section 5: x", "30-Day Plan")] == [
        5,
        5,
        5,
        None,
    ]
    headings = [f"{n}. {h}" for n, h in enumerate(QUICK_SOCIAL, start=1)]
    headings[4] = "5. Tags & Discovery Words"  # "tag" is a related term of "hashtag"; number 5 is its place
    headings[3] = "4. What We Post"
    result = check(headings)
    assert matches(result)[4][1:] in {("hashtag_strategy", "similar"), ("hashtag_strategy", "position")}


def test_out_of_order_sections_are_still_found_and_reported() -> None:
    result = check([QUICK_SOCIAL[0], QUICK_SOCIAL[7], *QUICK_SOCIAL[1:7]])
    assert matches(result)[1] == ("Final Summary", "final_summary", "exact")
    assert [f.rule for f in result.findings if f.rule == "section_order"] == ["section_order"]


def test_a_heading_naming_a_taken_section_by_its_own_words_is_a_duplicate() -> None:
    result = check([*QUICK_SOCIAL, "More Hashtags"])
    assert matches(result)[-1] == ("More Hashtags", "hashtag_strategy", "duplicate")


def test_an_empty_section_is_reported_whatever_its_heading() -> None:
    text = "## Client Overview\n\nA bakery in Leeds.\n\n## Team Rituals\n\n## Messaging Framework\n\nFresh bread.\n"
    result = check_text(text, "report.md", CheckOptions(packs=PACKS, pack="quick_social_basic"))
    empty = [(f.span.start.line, f.message) for f in result.findings if f.rule == "empty_section"]
    assert empty == [(4, "section 'Team Rituals' is empty")]


# --- which pack a report is -------------------------------------------------------------------


def reworded(text: str, drop: int = 0) -> str:
    """An example report made another agency's: no front matter, headings renumbered, some sections
    dropped, the numbering restarted."""
    body = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)
    parts = re.split(r"(?m)^(?=## )", body)
    head, sections = parts[0], parts[1:]
    kept = [s for n, s in enumerate(sections) if not (drop and n % drop == drop - 1)]
    renumbered = [re.sub(r"^## (?:\d+\. )?", f"## Part {n} - ", s, count=1) for n, s in enumerate(kept, start=1)]
    return head + "".join(renumbered)


@pytest.mark.parametrize("name", ["quick_social_basic.md", "launch_gtm_pack.md", "strategy_campaign_basic.mdx"])
@pytest.mark.parametrize("folder", ["passing", "failing"])
@pytest.mark.parametrize("drop", [0, 4])
def test_a_renumbered_report_without_front_matter_is_detected_as_its_pack(name: str, folder: str, drop: int) -> None:
    text = reworded((EXAMPLES / folder / name).read_text(encoding="utf-8"), drop)
    detection = detect_pack(parse_document(text, mdx=name.endswith(".mdx")), PACKS.packs)
    assert detection is not None
    assert detection.pack.key == name.split(".", maxsplit=1)[0]


@pytest.mark.parametrize(
    "text",
    [
        "# Meeting notes\n\n## Attendees\n\nAnna, Ben.\n\n## Agenda\n\n1. Budget\n\n## Action Items\n\n- Ben: send deck\n",
        "# Shopping\n\n## Bakery\n\n- sourdough\n\n## Dairy\n\n- milk\n\n## Vegetables\n\n- leeks\n",
        (Path(__file__).parent.parent.parent / "README.md").read_text(encoding="utf-8"),
    ],
    ids=["meeting notes", "shopping list", "the README"],
)
def test_a_file_that_is_no_report_gets_no_pack(text: str) -> None:
    assert detect_pack(parse_document(text), PACKS.packs) is None


def test_the_tiers_of_one_family_are_told_apart_by_how_many_of_their_sections_are_present() -> None:
    for key in (
        "strategy_campaign_basic",
        "strategy_campaign_standard",
        "strategy_campaign_premium",
        "strategy_campaign_enterprise",
    ):
        labels = [section.label for section in PACKS.packs[key].sections]
        detection = detect_pack(parse_document("".join(f"## {label}\n\nText.\n\n" for label in labels)), PACKS.packs)
        assert detection is not None and detection.pack.key == key


def test_auto_picks_the_pack_and_says_which() -> None:
    result = check(QUICK_SOCIAL[:6], pack="auto")
    assert result.pack_key == "quick_social_basic"
    detected = [f.message for f in result.findings if f.rule == "pack_detection"]
    assert detected == [
        "pack detected from the headings: quick_social_basic (Quick Social Pack (Basic)): 6 of 8 sections found"
    ]


def quadratic_longest_increasing(values: list[int]) -> list[int]:
    """The plain O(n^2) reading of "the earliest longest increasing run", to check the fast one."""
    length, previous = [1] * len(values), [-1] * len(values)
    for i, value in enumerate(values):
        for j in range(i):
            if values[j] < value and length[j] + 1 > length[i]:
                length[i], previous[i] = length[j] + 1, j
    if not values:
        return []
    end, chain = max(range(len(values)), key=lambda i: (length[i], -i)), []
    while end != -1:
        chain.append(end)
        end = previous[end]
    return chain[::-1]


@given(st.lists(st.integers(min_value=0, max_value=12), max_size=40))
def test_the_chain_of_anchors_is_the_earliest_longest_increasing_run(values: list[int]) -> None:
    assert longest_increasing(values) == quadratic_longest_increasing(values)


GOLDENS = Path(__file__).parent.parent / "fixtures" / "goldens"


@pytest.mark.parametrize(
    ("name", "pack"),
    [
        ("brand_turnaround_furniture.md", "brand_turnaround_lab"),
        ("full_funnel_growth_suite_saas.md", "full_funnel_growth_suite"),
        ("launch_gtm_consumer_electronics.md", "launch_gtm_pack"),
        ("quick_social_basic_d2c.md", "quick_social_basic"),
        ("retention_crm_coffee.md", "retention_crm_booster"),
    ],
)
def test_real_reports_without_front_matter_are_detected_as_their_pack(name: str, pack: str) -> None:
    """The original system's reports name no pack. The Strategy + Campaign ones are left out: each
    carries sections of other tiers (an executive summary, a budget) and fits a higher tier as well
    as its own; the performance audit's channel review is one section written three times."""
    detection = detect_pack(parse_document((GOLDENS / name).read_text(encoding="utf-8")), PACKS.packs)
    assert detection is not None and detection.pack.key == pack
