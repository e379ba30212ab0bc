"""What a model's answer must not do beyond the benchmark, and what the prompt tells it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from aicmo_core.benchmarks.loader import load_packs
from aicmo_core.generators.answer_checks import model_answer_problem
from aicmo_core.generators.base import Brief, GenerationRequest, Mode, Neighbour
from aicmo_core.generators.context import build_prompt
from aicmo_core.writer_facts import extract_facts

PACK = load_packs(()).packs["quick_social_basic"]
OVERVIEW = PACK.sections[0]
REQUEST = GenerationRequest(
    pack=PACK,
    section=OVERVIEW,
    mode=Mode.REGENERATE,
    brief=Brief({"brand": "Kettle & Crumb", "goal": "grow pre-orders from 310 to 450 a week", "voice": "warm, local"}),
    current_body="Instagram has 6,800 followers.\n\n**Category:** Sourdough bakery",
    facts=tuple(extract_facts("Instagram has 6,800 followers.\n\n**Category:** Sourdough bakery")),
    report=(Neighbour("messaging_framework", "Messaging Framework", "Bread baked at 4 a.m., waiting for you at 8."),),
)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("Kettle & Crumb grows pre-orders from 310 to 450 a week; its 6,800 followers see the 4 a.m. bake.", None),
        ("We post 3 times a week from 2026.", None),
        (
            "Here is the revised section. Kettle & Crumb bakes at 4 a.m.",
            "the answer talks about itself or the report instead of the client: 'Here is the revised section.'",
        ),
        (
            "In this section we set out the brand.",
            "the answer talks about itself or the report instead of the client: 'In this section we set out the brand.'",
        ),
        ("<current_text>\nKettle & Crumb\n</current_text>", "the answer repeats the prompt ('<current_text>')"),
        ("<example>\nKettle & Crumb bakes sourdough.\n</example>", "the answer repeats the prompt ('<example>')"),
        (
            "Engagement rose 42% and sales hit $1.2m among 12,000 locals.",
            "the answer states figures found nowhere in the brief or the report: '42%', '$1.2m', '12,000'; "
            "use only given numbers",
        ),
    ],
)
def test_answers_that_talk_about_themselves_echo_the_prompt_or_invent_figures_are_refused(
    answer: str, problem: str | None
) -> None:
    assert model_answer_problem(answer, REQUEST) == problem


def test_the_prompt_carries_the_purpose_outline_facts_report_so_far_and_voice() -> None:
    prompt = build_prompt(REQUEST)
    assert "- write in the voice the brief gives, if it gives one." in prompt.system
    assert "- voice: warm, local" in prompt.user and "warm, local" not in prompt.system
    assert "never invent a statistic" in prompt.system
    user = prompt.user
    assert "1. Client Overview  <- this section\n2. Messaging Framework" in user
    assert "## Facts to keep (from the current text; each must appear in your answer, verbatim)\n" in user
    assert "- Category: Sourdough bakery" in user and "- 6,800" in user
    assert '## The report so far (do not repeat what it says)\n- "Messaging Framework": Bread baked at 4 a.m.' in user
    assert "Keep every fact listed under 'Facts to keep'" in prompt.system


def test_scratch_discards_the_current_text_and_its_facts() -> None:
    prompt = build_prompt(replace(REQUEST, mode=Mode.SCRATCH))
    assert "Facts to keep" not in prompt.user
    assert "<current_text>\n(discarded: write from the brief)\n</current_text>" in prompt.user
    assert "6,800" not in prompt.user


LONG_REPORT = tuple(Neighbour(f"s{n}", f"Section {n}", "word " * 400) for n in range(12))
WHOLE = build_prompt(replace(REQUEST, report=LONG_REPORT), token_budget=10**6).estimated_tokens


@pytest.mark.parametrize(
    ("budget", "trimmed"),
    [
        (WHOLE, ()),
        (WHOLE - 1, ("example dropped",)),
        (1200, ("example dropped", "report shortened")),  # 12 openings of 240 characters do not fit, of 80 do
        (1000, ("example dropped", "report dropped")),
    ],
)
def test_over_budget_the_example_goes_first_then_the_report_so_far(budget: int, trimmed: tuple[str, ...]) -> None:
    prompt = build_prompt(replace(REQUEST, report=LONG_REPORT), token_budget=budget)
    assert prompt.trimmed == trimmed
    assert prompt.estimated_tokens <= budget
    assert ('- "Section 0": word word' in prompt.user) is (trimmed[-1:] != ("report dropped",))


def test_unlisted_front_matter_keys_never_reach_the_model() -> None:
    brief = Brief({"brand": "Kettle & Crumb", "internal_note": "client pays late"})
    prompt = build_prompt(replace(REQUEST, brief=brief))
    assert "pays late" not in prompt.user
    assert "internal_note" not in prompt.user
