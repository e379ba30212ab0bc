"""What the writer is told when a fallback wrote the section, and the model each candidate carries
(scripted generators: the real ones have their own tests, and the fronts theirs)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from support.scripted import OVERVIEW, PACK, PASSING, Scripted

from aicmo_core.enforce import Candidate, Outcome, Policy, Quality, enforce, fallback_notice
from aicmo_core.generators.base import (
    Brief,
    Generation,
    GenerationError,
    GenerationRequest,
    GeneratorSettings,
    Mode,
    Reason,
    create_generator,
)

NO_GOAL = "Glow Botanicals sells gentle skincare to women with sensitive skin.\n\n- Audience: sensitive skin\n- Promise: short routines"
NO_BULLETS = "Glow Botanicals sells gentle skincare to women with sensitive skin.\n\n### Goal\n\nGrow repeat orders."


def run(*generators: Scripted) -> Outcome:
    request = GenerationRequest(pack=PACK, section=OVERVIEW, mode=Mode.REGENERATE, brief=Brief({"brand": "Glow"}))
    return asyncio.run(enforce(request, list(generators), Policy(chain=tuple(g.name for g in generators))))


def test_each_candidate_carries_the_model_of_its_generator() -> None:
    model = Scripted("openai", [NO_GOAL, NO_BULLETS], model="gpt-4o-mini")
    template = Scripted("template", [PASSING])
    outcome = run(model, template)
    assert [(c.generator, c.attempt, c.model) for c in outcome.trace] == [
        ("openai", 1, "gpt-4o-mini"),
        ("openai", 2, "gpt-4o-mini"),
        ("template", 1, None),
    ]
    assert outcome.chosen is not None and outcome.chosen.model is None


def test_a_generator_without_the_attribute_has_no_model() -> None:
    @dataclass
    class Older:  # written before generators named their model
        name: str = "older"

        async def generate(self, request: GenerationRequest) -> Generation:
            return Generation(PASSING)

    request = GenerationRequest(pack=PACK, section=OVERVIEW, mode=Mode.REGENERATE, brief=Brief({}))
    outcome = asyncio.run(enforce(request, [Older()], Policy(chain=("older",))))
    assert [c.model for c in outcome.trace] == [None]


def test_answers_that_failed_the_benchmark_twice_are_named_with_what_failed_last() -> None:
    outcome = run(Scripted("openai", [NO_GOAL, NO_BULLETS], model="gpt-4o-mini"), Scripted("template", [PASSING]))
    assert outcome.quality is Quality.FALLBACK_USED
    assert fallback_notice("Overview", outcome) == (
        "'Overview' was written by the template generator: the model's answers failed the benchmark twice "
        "(0 bullets, needs at least 2)"
    )


def test_an_unreachable_model_is_named_with_the_generators_message() -> None:
    unreachable = GenerationError(Reason.CONNECTION_FAILED, "could not connect to 127.0.0.1:9 (with retries off)")
    outcome = run(Scripted("openai", [unreachable], model="gpt-4o-mini"), Scripted("template", [PASSING]))
    assert fallback_notice("Overview", outcome) == (
        "'Overview' was written by the template generator: the model could not be reached "
        "(could not connect to 127.0.0.1:9, with retries off)"
    )


def test_several_reasons_and_generators_are_all_named_in_order() -> None:
    outcome = run(
        Scripted(
            "openai",
            [NO_GOAL, GenerationError(Reason.TIMED_OUT, "api.openai.com did not answer within 60 s")],
            model="gpt-4o",
        ),
        Scripted("backup", ["", "  "]),
        Scripted("template", [PASSING], model="local-7b"),
    )
    assert fallback_notice("Overview", outcome) == (
        "'Overview' was written by the template generator (local-7b): the model's answer failed the benchmark "
        "(missing sub-heading 'Goal'), then the model did not answer in time (api.openai.com did not answer "
        "within 60 s), and the backup generator's answers were empty twice"
    )


def test_nothing_to_say_unless_a_fallback_wrote_the_section() -> None:
    first = run(Scripted("openai", [PASSING], model="gpt-4o-mini"), Scripted("template", [PASSING]))
    assert first.quality is Quality.PASSED_FIRST_ATTEMPT
    assert fallback_notice("Overview", first) is None
    retried = run(Scripted("openai", [NO_GOAL, PASSING], model="gpt-4o-mini"))
    assert retried.quality is Quality.PASSED_AFTER_RETRY
    assert fallback_notice("Overview", retried) is None
    exhausted = run(Scripted("openai", [NO_GOAL, NO_GOAL], model="gpt-4o-mini"))
    assert not exhausted.passed
    assert fallback_notice("Overview", exhausted) is None


@pytest.mark.parametrize("reason", list(Reason), ids=lambda reason: reason.value)
def test_every_reason_has_a_plain_phrase(reason: Reason) -> None:
    failed = Candidate("openai", 1, None, (), reason, "the detail", 1.0, model="gpt-4o-mini")
    accepted = Candidate("template", 1, PASSING, (), None, "passed", 1.0)
    notice = fallback_notice("Overview", Outcome(PASSING, Quality.FALLBACK_USED, (failed, accepted), ""))
    assert notice is not None
    assert notice.startswith("'Overview' was written by the template generator: the model")
    assert reason.value not in notice  # words, not codes
    assert notice.endswith("(the detail)") == (reason is not Reason.EMPTY_ANSWER)


def test_the_built_in_generators_name_their_model() -> None:
    settings = GeneratorSettings(model="gpt-4.1-mini", api_key="sk-test-SECRET-123")
    assert create_generator("openai", settings).model == "gpt-4.1-mini"
    assert create_generator("template", settings).model is None
