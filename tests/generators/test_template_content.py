"""What the template generator says, as a client reads it: about the client and never about the
report, brief values as written, the brief's channels, competitors, budget and offer, no invented
figures, the writer's facts kept, no sentence said twice in a report and little shared between two
clients' reports. The words are data (``benchmarks/writing/``), loaded and checked here too."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from support.quality import BRAND_ONLY_BRIEF, EMPTY_BRIEF, FULL_BRIEF, is_meta

from aicmo_core.benchmarks.loader import builtin_benchmark_dir, load_packs
from aicmo_core.benchmarks.models import Pack, SectionBenchmark
from aicmo_core.document.text import line_key, sentence_bounds
from aicmo_core.enforce import failures_of, keeps_sentences, validate_body
from aicmo_core.errors import BenchmarkError
from aicmo_core.generators import Brief, GenerationRequest, Mode
from aicmo_core.generators.answer_checks import invented_figures, meta_talk
from aicmo_core.generators.base import Neighbour
from aicmo_core.generators.template import write_section
from aicmo_core.generators.template.data import builtin_writing, load_writing
from aicmo_core.generators.template.slots import goal_forms, mid_sentence, short_brand
from aicmo_core.reports import new_report_requests
from aicmo_core.writer_facts import extract_facts, missing_facts

REPO = Path(__file__).resolve().parents[2]
PACKS = load_packs(()).packs
SECTIONS = [(pack, section) for pack in PACKS.values() for section in pack.sections]
WRITING = builtin_writing()
TUNE = {
    path.stem: YAML(typ="safe", pure=True).load(path.read_text()) for path in (REPO / "perf/briefs/tune").glob("*.yaml")
}
BRIEFS = {
    "full": FULL_BRIEF,
    "brand_only": BRAND_ONLY_BRIEF,
    "empty": EMPTY_BRIEF,
    **{name: Brief.from_front_matter(data) for name, data in sorted(TUNE.items())},
}

PLATFORMS = ("Instagram", "TikTok", "Facebook", "LinkedIn", "YouTube", "Pinterest", "Snapchat", "Reddit", "WhatsApp")
LIST_MARKER_RE = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")


def request(
    pack: Pack, section: SectionBenchmark, brief: Brief, mode: Mode = Mode.REGENERATE, **more: object
) -> GenerationRequest:
    return GenerationRequest(pack, section, mode, brief, **more)  # type: ignore[arg-type]


def sentences(body: str) -> list[str]:
    found = []
    for line in body.split("\n"):
        if line.startswith("#") or not line.strip():
            continue
        text = LIST_MARKER_RE.sub("", line)
        found += [text[start:end] for start, end in sentence_bounds(text)]
    return found


def units(body: str) -> list[str]:
    """Prose sentences, list items and table rows, as normalised lines."""
    found = []
    for line in body.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or re.match(r"^\|?\s*:?-{3,}", stripped):
            continue
        if stripped.startswith("|"):
            found.append(line_key(stripped))
        else:
            found += [line_key(sentence) for sentence in sentences(stripped)]
    return [key for key in found if key]


def full_report(pack: Pack, data: dict[str, object]) -> list[str]:
    """The pack's sections written in order, each request carrying the sections before it."""
    written: list[Neighbour] = []
    for pack_request in new_report_requests(pack, data):
        body = write_section(replace(pack_request, report=tuple(written)))
        assert validate_body(pack_request.section, body) == [], pack_request.section.id
        written.append(Neighbour(pack_request.section.id, pack_request.section.label, body))
    return [n.body for n in written]


def named(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text) is not None


# ------------------------------------------------------------------------------ about the client


@pytest.mark.parametrize("brief_name", sorted(BRIEFS))
def test_no_sentence_talks_about_the_report_the_section_or_the_task(brief_name: str) -> None:
    for pack, section in SECTIONS:
        body = write_section(request(pack, section, BRIEFS[brief_name]))
        for sentence in sentences(body):
            assert not is_meta(sentence), (pack.key, section.id, sentence)
            assert meta_talk(sentence) is None, (pack.key, section.id, sentence)


@pytest.mark.parametrize("brief_name", sorted(BRIEFS))
def test_no_figure_is_invented(brief_name: str) -> None:
    for pack, section in SECTIONS:
        req = request(pack, section, BRIEFS[brief_name])
        assert invented_figures(write_section(req), req) == [], (pack.key, section.id)


def test_the_words_are_about_the_client_not_filler_of_the_old_generator() -> None:
    pack = PACKS["strategy_campaign_enterprise"]
    text = "\n".join(write_section(request(pack, s, BRIEFS["full"])) for s in pack.sections)
    for stamp in ("Each choice here serves", "In this section on", "part of this report", "What we learn here"):
        assert stamp not in text


# ------------------------------------------------------------------------------ brief values


def test_a_generic_first_word_goes_lower_case_mid_sentence_and_a_proper_noun_never_does() -> None:
    words = WRITING.brief.lowercase_words
    assert mid_sentence("Busy parents in Leeds", words) == "busy parents in Leeds"
    assert mid_sentence("Women 25-40 who want simple skincare", words) == "women 25-40 who want simple skincare"
    assert mid_sentence("Grow online sales 30%", words) == "grow online sales 30%"
    assert mid_sentence("Portland professionals aged 25-45", words) == "Portland professionals aged 25-45"
    assert mid_sentence("SaaS founders in Berlin", words) == "SaaS founders in Berlin"
    assert mid_sentence("Lisbon cafés", words) == "Lisbon cafés"
    assert mid_sentence("Fitness & Wellness", words) == "Fitness & Wellness"  # a name in title case
    assert mid_sentence("B2B software", words) == "B2B software"


def test_goals_and_brands_are_written_in_the_forms_a_sentence_needs() -> None:
    assert goal_forms("grow online sales 30% in six months", WRITING) == (
        "grow online sales 30% in six months",
        "growing online sales 30%",
    )
    assert goal_forms("200 active members in 90 days", WRITING) == (
        "reach 200 active members in 90 days",
        "reaching 200 active members",
    )
    suffixes = WRITING.brief.brand_suffixes
    assert short_brand("Hearth & Hollow Bakery", suffixes) == "Hearth & Hollow"
    assert short_brand("Peak Coffee Co.", suffixes) == "Peak Coffee"
    assert short_brand("The Coffee Co", suffixes) == "The Coffee Co"
    assert short_brand("Ledgerline", suffixes) == "Ledgerline"


def test_proper_nouns_of_the_brief_keep_their_case_everywhere() -> None:
    brief = Brief(
        {
            "brand": "Hearth & Hollow Bakery",
            "industry": "SaaS for independent bakeries",
            "audience": "Portland professionals aged 25-45 who live near the Alberta Arts District",
            "market": "Lisbon and Porto",
            "goal": "Grow pre-orders to 300 a week",
        }
    )
    for pack, section in SECTIONS:
        body = write_section(request(pack, section, brief))
        for lowered in ("portland professionals", "alberta arts", "saas", "lisbon", "porto", "hearth & hollow"):
            assert not named(body, lowered), (pack.key, section.id, lowered)
    overview = write_section(request(PACKS["quick_social_basic"], PACKS["quick_social_basic"].sections[0], brief))
    assert "Portland professionals aged 25-45 who live near the Alberta Arts District" in overview
    assert "**Industry:** SaaS for independent bakeries" in overview


# ------------------------------------------------------------------------------ the brief drives it


CHANNEL_SECTION_RE = re.compile(r"calendar|channel|ad.concept|awareness|acquisition", re.IGNORECASE)


def _own_platforms(section: SectionBenchmark) -> set[str]:
    own = " ".join([section.label, *section.required_headings, *section.required_substrings])
    return {p for p in PLATFORMS if named(own, p)}


@pytest.mark.parametrize("pack_key", sorted(PACKS))
def test_the_brief_channels_are_the_platforms(pack_key: str) -> None:
    pack = PACKS[pack_key]
    data = {"brand": "Ledgerline", "industry": "B2B SaaS", "channels": ["LinkedIn", "email", "webinars"]}
    bodies = dict(zip((s.id for s in pack.sections), full_report(pack, data), strict=True))
    for section in pack.sections:
        foreign = {p for p in PLATFORMS if p != "LinkedIn" and named(bodies[section.id], p)} - _own_platforms(section)
        assert not foreign, (section.id, foreign)
    planned = " ".join(
        b for s in pack.sections if CHANNEL_SECTION_RE.search(f"{s.id} {s.label}") for b in [bodies[s.id]]
    )
    if planned:
        for channel in ("LinkedIn", "email", "webinars"):
            assert re.search(rf"(?i)\b{channel}\b", planned), channel
    for section in pack.sections:
        if WRITING.kind_for(section).calendar is not None:  # every row on a channel of the brief, each used
            cells = {row.split("|")[3].strip() for row in bodies[section.id].split("\n") if re.match(r"\| Day \d", row)}
            assert cells == {"LinkedIn", "Email", "Webinars"}, cells


def test_without_channels_the_industry_usual_channels_are_used() -> None:
    pack = PACKS["quick_social_basic"]
    section = pack.section("detailed_30_day_calendar")
    assert section is not None
    body = write_section(request(pack, section, Brief({"brand": "Rye & Rise", "industry": "Bakery"})))
    cells = {row.split("|")[3].strip() for row in body.split("\n") if re.match(r"\| Day \d", row)}
    assert cells == {"Instagram", "Google Business Profile", "Email"}
    assert not any(named(body, p) for p in ("TikTok", "LinkedIn", "Pinterest", "YouTube"))


def test_competitors_budget_offer_timeline_market_and_product_appear_where_they_fit() -> None:
    brief = BRIEFS["bakery"]
    fields = brief.fields
    checked = {"competitor": 0, "budget": 0, "offer": 0, "timeline": 0, "market": 0, "product": 0}
    for pack in PACKS.values():
        for section in pack.sections:
            kind = WRITING.kind_for(section).kind
            body = write_section(request(pack, section, brief))
            if kind == "competitors":
                assert all(c in body for c in brief.items("competitors")), (pack.key, section.id)
                checked["competitor"] += 1
            if kind in ("budget", "measurement"):
                assert fields["budget"] in body, (pack.key, section.id)
                checked["budget"] += 1
            if kind == "offers":
                assert fields["offer"] in body, (pack.key, section.id)
                checked["offer"] += 1
            if kind == "roadmap":
                assert fields["timeline"] in body, (pack.key, section.id)
                checked["timeline"] += 1
            if kind == "market":
                assert fields["market"] in body, (pack.key, section.id)
                checked["market"] += 1
            if kind == "overview":
                assert fields["product"] in body, (pack.key, section.id)
                checked["product"] += 1
    assert all(checked.values()), checked


# ------------------------------------------------------------------------------ the writer's facts

FAILING = {
    ("launch_gtm_pack", "overview"): (
        "In today's digital age, launches need buzz.\n\n"
        "- **Category:** Organic Skincare\n"
        "- **Launch Region(s):** Mumbai, India\n\n"
        "We launch in March 2026 with 12 stockists in Bandra and a 15% launch discount.\n"
    ),
    ("quick_social_basic", "kpi_plan_light"): (
        "### Reach\n\nInstagram has 13,200 followers; we want 410 to 510 orders in October.\n\n"
        "- Saves on Reels: 2.4% today\n- Newsletter list: 1,100 refill customers\n"
    ),
    ("strategy_campaign_enterprise", "competitor_analysis"): (
        "Kettle & Crumb and Chapel Allerton Bakehouse sell sourdough at £4.20; see https://example.com/prices.\n\n"
        "| Rival | Price |\n| --- | --- |\n| Kettle & Crumb | £4.20 |\n| Leeds Bread Co | £3.90 |\n"
    ),
    ("retention_crm_booster", "email_automation_flows"): (
        "Welcome emails go out on Q3 2026 dates only. Peak Coffee Co. keeps 45% of subscribers after 12 months.\n"
    ),
}


def _facts_request(pack_key: str, section_id: str, mode: Mode) -> GenerationRequest:
    pack = PACKS[pack_key]
    section = pack.section(section_id)
    assert section is not None
    body = FAILING[(pack_key, section_id)]
    failures = failures_of(validate_body(section, body))
    assert failures, "the example section must fail its benchmark"
    facts = tuple(extract_facts(body))
    return request(pack, section, BRIEFS["full"], mode, current_body=body, failures=failures, facts=facts)


@pytest.mark.parametrize(("pack_key", "section_id"), sorted(FAILING))
@pytest.mark.parametrize("mode", [Mode.REGENERATE, Mode.FIX, Mode.EXPAND])
def test_every_fact_of_the_writer_is_kept(pack_key: str, section_id: str, mode: Mode) -> None:
    req = _facts_request(pack_key, section_id, mode)
    assert len(req.facts) >= 3
    body = write_section(req)
    assert missing_facts(list(req.facts), body) == []
    if mode is Mode.REGENERATE:
        assert validate_body(req.section, body) == []
    if mode is Mode.EXPAND:
        assert keeps_sentences(req.current_body, body)


def test_regenerate_writes_label_facts_as_label_lines_first() -> None:
    body = write_section(_facts_request("launch_gtm_pack", "overview", Mode.REGENERATE))
    lines = body.split("\n")
    assert "**Category:** Organic Skincare" in lines[:4]
    assert "**Launch Region(s):** Mumbai, India" in lines[:4]
    assert "We launch in March 2026 with 12 stockists in Bandra and a 15% launch discount." in body
    assert "digital age" not in body.lower()


def test_scratch_discards_the_writer_text() -> None:
    req = replace(_facts_request("launch_gtm_pack", "overview", Mode.SCRATCH), facts=())
    body = write_section(req)
    assert "Bandra" not in body and "Organic Skincare" not in body
    assert validate_body(req.section, body) == []


# ------------------------------------------------------------------------------ repetition


def test_a_report_says_nothing_twice_and_two_clients_share_little() -> None:
    pack = PACKS["strategy_campaign_enterprise"]
    reports = {name: [k for body in full_report(pack, TUNE[name]) for k in units(body)] for name in sorted(TUNE)}
    for name, keys in reports.items():
        repeated = len(keys) - len(set(keys))
        assert repeated / len(keys) <= 0.05, (name, repeated, len(keys))
    for a, b in itertools.combinations(sorted(reports), 2):
        set_a, set_b = set(reports[a]), set(reports[b])
        shared = sum(k in set_b for k in reports[a]) + sum(k in set_a for k in reports[b])
        assert shared / (len(reports[a]) + len(reports[b])) <= 0.15, (a, b)


def test_a_line_already_in_the_report_is_not_written_again() -> None:
    pack = PACKS["strategy_campaign_premium"]
    section = pack.section("persona_cards")
    assert section is not None
    first = write_section(request(pack, section, BRIEFS["full"]))
    other = Neighbour("audience_segments", "Audience Segments", first)
    second = write_section(request(pack, section, BRIEFS["full"], report=(other,)))
    assert validate_body(section, second) == []
    assert not set(units(first)) & set(units(second)) - {line_key("Stage Goal Key Touchpoint Measure")}


# ------------------------------------------------------------------------------ the data


def test_every_kind_file_loads_and_every_section_has_a_kind_with_words() -> None:
    writing = load_writing(builtin_benchmark_dir() / "writing", every_kind=True)
    assert len(writing.kinds) >= 20
    kinds = {writing.kind_for(section).kind for _, section in SECTIONS}
    assert "general" not in kinds  # every built-in section is of a kind written for it
    for kind in writing.kinds.values():
        assert kind.opening or kind.lead or kind.table or kind.calendar, kind.kind


def test_a_pattern_with_an_unknown_slot_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "writing"
    shutil.copytree(builtin_benchmark_dir() / "writing", folder)
    path = folder / "kinds" / "overview.yaml"
    path.write_text(path.read_text().replace("opening:\n", 'opening:\n  - "Hello {clientname}."\n', 1))
    with pytest.raises(BenchmarkError, match="unknown slots: clientname"):
        load_writing(folder, every_kind=True)


def test_the_quality_bench_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "perf" / "bench_quality.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "| pack | brief | sections | fail | sentences | repeated % |" in result.stdout
    assert "facts kept by regenerate" in result.stdout
