"""The template generator: offline, deterministic, and passing every section's own benchmark at the
first attempt, for every built-in pack and every kind of brief; ``expand`` keeps the writer's
sentences and ``fix`` touches only what the failures name."""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from support.quality import BRAND_ONLY_BRIEF, EMPTY_BRIEF, FULL_BRIEF
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from aicmo_core.benchmarks.loader import load_packs
from aicmo_core.benchmarks.models import Pack, SectionBenchmark
from aicmo_core.document.text import count_words
from aicmo_core.enforce import failures_of, keeps_sentences, validate_body
from aicmo_core.generators import Brief, GenerationRequest, GeneratorSettings, Mode, create_generator
from aicmo_core.generators.template import TemplateGenerator, write_section
from aicmo_core.generators.template.data import builtin_writing

PACKS = load_packs(()).packs
WRITING = builtin_writing()
SECTIONS = [(pack, section) for pack in PACKS.values() for section in pack.sections]

BRIEFS = {
    "full": FULL_BRIEF,
    "brand_only": BRAND_ONLY_BRIEF,
    "empty": EMPTY_BRIEF,
    "unicode": Brief(
        {
            "brand": "café lumière ☕",
            "industry": "specialty coffee 🍵",
            "audience": (
                "remote workers, students and young professionals in Lisbon, Porto and Madrid who care about "
                "ethically sourced beans, quiet spaces to work, fast wifi and a friendly barista who "
                "remembers their order 😊"
            ),
            "goal": "Double weekday footfall before the summer",
        }
    ),
}
# (heading level, MDX) for each brief: every brief at least once, both levels and both syntaxes.
VARIANTS = {
    "full": [(2, False), (3, True)],
    "brand_only": [(2, False)],
    "empty": [(2, True)],
    "unicode": [(3, False), (2, True)],
}

PLACEHOLDER_RE = re.compile(
    r"(?i:lorem|ipsum|\[brand\]|\binsert\b|\bTBD\b|\bTODO\b|\bTBC\b|\bN/A\b|\bnull\b|\bundefined\b|placeholder)"
    r"|\{.*?\}|\bNone\b|\[[A-Z][a-z]+\]"
)


def request(
    pack: Pack,
    section: SectionBenchmark,
    brief: Brief,
    mode: Mode = Mode.REGENERATE,
    *,
    level: int = 2,
    mdx: bool = False,
    **more: object,
) -> GenerationRequest:
    return GenerationRequest(pack, section, mode, brief, heading_level=level, mdx=mdx, **more)  # type: ignore[arg-type]


def assert_client_readable(body: str, mdx: bool = False) -> None:
    assert PLACEHOLDER_RE.search(body) is None, PLACEHOLDER_RE.search(body)
    if mdx:  # JSX and expressions start with these; prose must not contain them
        assert "<" not in body and "{" not in body and "}" not in body


def describe(findings: list[object]) -> list[tuple[str, str]]:
    return [(f.rule, f.message) for f in findings]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("pack", "section"), SECTIONS, ids=[f"{p.key}.{s.id}" for p, s in SECTIONS])
def test_every_section_passes_its_own_benchmark_first_time(pack: Pack, section: SectionBenchmark) -> None:
    for brief_name, brief in BRIEFS.items():
        for level, mdx in VARIANTS[brief_name]:
            body = write_section(request(pack, section, brief, level=level, mdx=mdx))
            findings = validate_body(section, body, level=level, mdx=mdx)
            assert describe(findings) == [], f"brief {brief_name}, level {level}, mdx {mdx}:\n{body}"
            assert_client_readable(body, mdx)
            if "brand" in brief.fields:
                assert brief.fields["brand"] in body  # as written, in every section
            # The full audience where the section is about the client or its audience; elsewhere,
            # repeating a long description in every section is padding.
            if "audience" in brief.fields and WRITING.kind_for(section).kind in ("overview", "audience"):
                assert brief.fields["audience"][1:] in body


def test_the_section_body_has_no_heading_of_its_own_level() -> None:
    for pack, section in SECTIONS:
        body = write_section(request(pack, section, BRIEFS["full"], level=3))
        assert not re.search(r"(?m)^#{1,3} ", body), (pack.key, section.id)


def test_a_table_section_gets_a_real_table_with_rows_for_its_stages() -> None:
    pack = PACKS["full_funnel_growth_suite"]
    body = write_section(request(pack, pack.section("funnel_breakdown"), BRIEFS["full"]))  # type: ignore[arg-type]
    lines = body.splitlines()
    header = lines.index("| Stage | Goal | Key Touchpoint | Measure |")
    assert lines[header + 1] == "| --- | --- | --- | --- |"
    stages = [line.split("|")[1].strip() for line in lines[header + 2 :] if line.startswith("|")]
    assert stages == ["Awareness", "Consideration", "Conversion", "Retention", "Advocacy"]


def test_a_calendar_has_thirty_days() -> None:
    pack = PACKS["quick_social_basic"]
    body = write_section(request(pack, pack.section("detailed_30_day_calendar"), BRIEFS["full"]))  # type: ignore[arg-type]
    days = re.findall(r"(?m)^\| Day (\d+) \|", body)
    assert days == [str(day) for day in range(1, 31)]


@pytest.mark.parametrize("brief_name", sorted(BRIEFS))
def test_the_same_request_gives_the_same_text(brief_name: str) -> None:
    for pack, section in SECTIONS[::7]:
        first = write_section(request(pack, section, BRIEFS[brief_name]))
        assert write_section(request(pack, section, BRIEFS[brief_name])) == first


def test_the_text_is_the_same_in_another_process() -> None:
    """No ``hash()`` (salted per process) and no unseeded randomness anywhere."""
    script = (
        "from aicmo_core.benchmarks.loader import load_packs\n"
        "from aicmo_core.generators import Brief, GenerationRequest, Mode\n"
        "from aicmo_core.generators.template import write_section\n"
        "pack = load_packs(()).packs['strategy_campaign_enterprise']\n"
        "brief = Brief({'brand': 'Glow', 'audience': 'busy parents', 'industry': 'clean beauty'})\n"
        "print('\\n=====\\n'.join(write_section(GenerationRequest(pack, s, Mode.REGENERATE, brief)) for s in pack.sections))\n"
    )
    here = [
        write_section(
            request(
                PACKS["strategy_campaign_enterprise"],
                section,
                Brief({"brand": "Glow", "audience": "busy parents", "industry": "clean beauty"}),
            )
        )
        for section in PACKS["strategy_campaign_enterprise"].sections
    ]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).parents[2],
    )
    assert out.stdout == "\n=====\n".join(here) + "\n"


def test_a_retry_is_worded_differently() -> None:
    pack = PACKS["quick_social_basic"]
    section = pack.section("final_summary")
    assert section is not None
    first = write_section(request(pack, section, BRIEFS["full"]))
    second = write_section(replace(request(pack, section, BRIEFS["full"]), attempt=2))
    assert first != second
    assert validate_body(section, second) == []


def test_brief_values_with_forbidden_phrases_or_markup_are_left_out() -> None:
    pack = PACKS["strategy_campaign_basic"]
    section = pack.section("audience_segments")  # forbids "everyone" and "mass market"
    assert section is not None
    brief = Brief(
        {"brand": "{brand}", "audience": "Everyone, the mass market", "industry": "TBD", "goal": "<b>grow</b>"}
    )
    overview = pack.section("overview")
    assert overview is not None
    for mdx in (False, True):
        body = write_section(request(pack, section, brief, mdx=mdx))
        assert validate_body(section, body, mdx=mdx) == []
        assert_client_readable(body, mdx)
        assert "everyone" not in body.lower()
        # Markup is removed, the words stay: the goal is written where the section is about it.
        goal = write_section(request(pack, overview, brief, mdx=mdx))
        assert "**Primary Goal:** Grow" in goal or "grow" in goal
        assert_client_readable(goal, mdx)


EXPAND_CASES = [
    ("quick_social_basic", "overview"),
    ("quick_social_basic", "kpi_plan_light"),
    ("full_funnel_growth_suite", "funnel_breakdown"),
    ("strategy_campaign_premium", "core_campaign_idea"),
    ("retention_crm_booster", "customer_journey_map"),
    ("launch_gtm_pack", "final_summary"),
]
WRITER_TEXT = (
    "Glow Botanicals sells plant-based skincare online. Most first orders come from Instagram, "
    "and repeat orders come from email.\n\n"
    "- Sales grew 12% last quarter\n"
    "- Returns stay under 3%\n"
)


@pytest.mark.parametrize(("pack_key", "section_id"), EXPAND_CASES)
def test_expand_keeps_every_writer_sentence_in_order_and_passes(pack_key: str, section_id: str) -> None:
    pack = PACKS[pack_key]
    section = pack.section(section_id)
    assert section is not None
    body = write_section(request(pack, section, BRIEFS["full"], Mode.EXPAND, current_body=WRITER_TEXT))
    assert body.startswith(WRITER_TEXT.rstrip())  # the writer's text, byte for byte, comes first
    assert keeps_sentences(WRITER_TEXT, body)
    flat = " ".join(body.split())
    positions = [
        flat.find(sentence)
        for sentence in (
            "Glow Botanicals sells plant-based skincare online.",
            "Most first orders come from Instagram, and repeat orders come from email.",
            "Sales grew 12% last quarter",
            "Returns stay under 3%",
        )
    ]
    assert -1 not in positions and positions == sorted(positions)
    assert describe(validate_body(section, body)) == []
    assert_client_readable(body)


def test_expand_reaches_the_target_word_count() -> None:
    pack = PACKS["launch_gtm_pack"]
    section = pack.section("market_landscape")  # 260-700 words
    assert section is not None
    body = write_section(
        request(pack, section, BRIEFS["brand_only"], Mode.EXPAND, current_body=WRITER_TEXT, target_words=600)
    )
    assert describe(validate_body(section, body)) == []
    words = count_words("\n".join(line for line in body.splitlines() if not line.startswith("#")))
    assert 600 <= words <= section.max_words
    assert keeps_sentences(WRITER_TEXT, body)


def changed_lines(before: str, after: str) -> tuple[set[int], list[str]]:
    """Indices of ``before``'s lines that were replaced or deleted, and every line inserted."""
    matcher = difflib.SequenceMatcher(a=before.rstrip("\n").split("\n"), b=after.rstrip("\n").split("\n"))
    touched: set[int] = set()
    inserted: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            touched.update(range(i1, i2))
        if tag in ("replace", "insert"):
            inserted.extend(matcher.b[j1:j2])
    return touched, inserted


FIX_CASES = [(pack, section) for pack, section in SECTIONS if section.forbidden_substrings][::5]


@pytest.mark.parametrize(("pack", "section"), FIX_CASES, ids=[f"{p.key}.{s.id}" for p, s in FIX_CASES])
def test_fix_changes_only_the_lines_the_failures_point_at(pack: Pack, section: SectionBenchmark) -> None:
    good = write_section(request(pack, section, BRIEFS["full"]))
    lines = good.rstrip("\n").split("\n")
    target = next(i for i, line in enumerate(lines) if line and not line.startswith(("#", "|", "-", "**")))
    lines[target] += f" We will {section.forbidden_substrings[0]} from now on."
    if section.required_headings:  # drop the sub-heading line of the last required heading
        required = section.required_headings[-1].lower()
        lines = [line for line in lines if not (line.startswith("#") and required in line.lower())]
    broken = "\n".join(lines) + "\n"
    failures = failures_of(validate_body(section, broken))
    assert "forbidden_substrings" in {f.rule for f in failures}

    fixed = write_section(request(pack, section, BRIEFS["full"], Mode.FIX, current_body=broken, failures=failures))

    touched, _ = changed_lines(broken, fixed)
    assert touched <= {target}  # only the line holding the phrase; everything else is added after it
    for index, line in enumerate(broken.rstrip("\n").split("\n")):
        if index != target:
            assert line in fixed
    assert describe(validate_body(section, fixed)) == []
    assert_client_readable(fixed)


def test_fix_names_the_client_where_the_text_had_a_stand_in() -> None:
    pack = PACKS["quick_social_basic"]
    section = pack.section("overview")
    assert section is not None
    broken = (
        "**Brand:** Glow Botanicals\n\n"
        "We help your business grow with simple skincare content. In today's digital age, that matters.\n\n"
        "### Industry\n\n"
        "**Industry:** Clean beauty\n\n"
        "- Instagram first\n"
        "- TikTok second\n"
        "- Email third\n"
    )
    failures = failures_of(validate_body(section, broken))
    assert {f.rule for f in failures} >= {"forbidden_substrings", "forbidden_regex", "required_headings", "min_words"}

    fixed = write_section(request(pack, section, BRIEFS["full"], Mode.FIX, current_body=broken, failures=failures))

    touched, inserted = changed_lines(broken, fixed)
    assert touched == {2}
    first = fixed.split("\n")[2]
    assert first.startswith("We help Glow Botanicals grow with simple skincare content. ")
    assert "digital age" not in first
    assert "### Primary Goal" in inserted
    assert "**Primary Goal:** Grow online sales 30% in six months" in inserted
    assert describe(validate_body(section, fixed)) == []


def test_fix_rewrites_repeated_lines_and_keeps_the_first() -> None:
    pack = PACKS["quick_social_basic"]
    section = pack.section("execution_roadmap")
    assert section is not None
    good = write_section(request(pack, section, BRIEFS["full"]))
    lines = good.rstrip("\n").split("\n")
    bullets = [i for i, line in enumerate(lines) if line.startswith("- ")]
    for index in bullets[1:]:  # every bullet now says the same
        lines[index] = lines[bullets[0]]
    broken = "\n".join(lines) + "\n"
    failures = failures_of(validate_body(section, broken))
    assert "max_repeated_line_ratio" in {f.rule for f in failures}

    fixed = write_section(request(pack, section, BRIEFS["full"], Mode.FIX, current_body=broken, failures=failures))

    touched, _ = changed_lines(broken, fixed)
    assert touched == set(bullets[1:])
    assert fixed.split("\n")[bullets[0]] == lines[bullets[0]]
    assert describe(validate_body(section, fixed)) == []


def test_fix_of_an_empty_section_writes_one() -> None:
    pack = PACKS["quick_social_basic"]
    section = pack.section("hashtag_strategy")
    assert section is not None
    failures = failures_of(validate_body(section, "<!-- to do -->"))
    fixed = write_section(
        request(pack, section, BRIEFS["full"], Mode.FIX, current_body="<!-- to do -->", failures=failures)
    )
    assert validate_body(section, fixed) == []


async def test_create_generator_gives_the_template_generator() -> None:
    generator = create_generator("template", GeneratorSettings())
    assert isinstance(generator, TemplateGenerator)
    assert generator.name == "template"
    pack = PACKS["quick_social_basic"]
    section = pack.section("overview")
    assert section is not None
    generation = await generator.generate(request(pack, section, BRIEFS["full"]))
    assert generation.body == write_section(request(pack, section, BRIEFS["full"]))
    assert validate_body(section, generation.body) == []


class TextSnapshot(SingleFileSnapshotExtension):
    """One plain text file per snapshot: a change to the wording reads as an ordinary diff."""

    _write_mode = WriteMode.TEXT
    file_extension = "md"


SAMPLES = [
    ("quick_social_basic", "overview", "full", 2, False),
    ("quick_social_basic", "content_buckets", "unicode", 3, True),
    ("full_funnel_growth_suite", "funnel_breakdown", "empty", 2, False),
]


@pytest.mark.parametrize(("pack_key", "section_id", "brief_name", "level", "mdx"), SAMPLES)
def test_sample_text_a_person_has_read(
    pack_key: str, section_id: str, brief_name: str, level: int, mdx: bool, snapshot: SnapshotAssertion
) -> None:
    pack = PACKS[pack_key]
    section = pack.section(section_id)
    assert section is not None
    body = write_section(request(pack, section, BRIEFS[brief_name], level=level, mdx=mdx))
    assert body == snapshot.use_extension(TextSnapshot)
