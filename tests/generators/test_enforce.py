"""The enforcement loop with scripted generators (a unit: the real generators have their own tests)."""

from __future__ import annotations

import asyncio

import pytest
from support.scripted import OVERVIEW, PACK, PASSING, Scripted

from aicmo_core.enforce import (
    OnExhausted,
    Policy,
    Quality,
    dropped_sentence,
    enforce,
    keeps_sentences,
    outline_problem,
)
from aicmo_core.generators.base import (
    Brief,
    GenerationError,
    GenerationRequest,
    Mode,
    Reason,
)

TWO_ERRORS = "Glow Botanicals sells gentle skincare to women with sensitive skin."  # bullets and Goal missing


def request(mode: Mode = Mode.REGENERATE, body: str = "") -> GenerationRequest:
    return GenerationRequest(pack=PACK, section=OVERVIEW, mode=mode, brief=Brief({"brand": "Glow"}), current_body=body)


def run(req: GenerationRequest, *generators: Scripted, policy: Policy | None = None):  # type: ignore[no-untyped-def]
    return asyncio.run(enforce(req, list(generators), policy or Policy(chain=tuple(g.name for g in generators))))


def test_retry_names_the_failures_of_the_last_attempt() -> None:
    model = Scripted("model", [TWO_ERRORS, PASSING])
    outcome = run(request(), model)
    assert outcome.quality is Quality.PASSED_AFTER_RETRY
    assert outcome.body == PASSING
    assert [f.code for f in model.requests[1].failures] == ["AIC111", "AIC131"]
    assert [c.reason for c in outcome.trace] == [Reason.FAILED_BENCHMARK, None]


def test_falls_back_along_the_chain_and_keeps_the_trace() -> None:
    model = Scripted("model", [GenerationError(Reason.TIMED_OUT, "timed out after 60 s")])
    backup = Scripted("backup", [PASSING])
    outcome = run(request(), model, backup)
    assert outcome.quality is Quality.FALLBACK_USED
    assert outcome.body == PASSING
    assert [(c.generator, c.reason) for c in outcome.trace] == [("model", Reason.TIMED_OUT), ("backup", None)]
    assert "model #1: timed out after 60 s" in outcome.explanation


def test_exhausted_chain_keeps_the_best_attempt_marked_provisional() -> None:
    one_error = PASSING.replace("### Goal\n\n", "")
    model = Scripted("model", [TWO_ERRORS, one_error])
    outcome = run(request(body="Lorem ipsum."), model)  # the writer's text has 4 errors
    assert outcome.quality is Quality.PROVISIONAL
    assert outcome.body == "<!-- aicmo:provisional fails: AIC131 required_headings -->\n\n" + one_error
    assert outcome.written_by is outcome.trace[1]  # the best attempt, not the first


def test_written_by_names_the_candidate_whose_text_is_used() -> None:
    fallback = run(
        request(), Scripted("model", [GenerationError(Reason.TIMED_OUT, "timed out")]), Scripted("backup", [PASSING])
    )
    assert fallback.written_by is not None and fallback.written_by.generator == "backup"
    unchanged = run(request(body=TWO_ERRORS), Scripted("model", [TWO_ERRORS, TWO_ERRORS]))
    assert unchanged.written_by is None


def test_never_replaces_the_writers_text_with_something_no_better() -> None:
    model = Scripted("model", [TWO_ERRORS, TWO_ERRORS])
    outcome = run(request(body=TWO_ERRORS), model)
    assert outcome.quality is Quality.NO_CHANGE
    assert outcome.body is None


def test_no_change_when_the_writer_asked_for_it() -> None:
    model = Scripted("model", [TWO_ERRORS, TWO_ERRORS])
    policy = Policy(chain=("model",), on_exhausted=OnExhausted.NO_CHANGE)
    outcome = run(request(body="Lorem ipsum."), model, policy=policy)
    assert (outcome.quality, outcome.body) == (Quality.NO_CHANGE, None)


def test_expand_that_drops_the_writers_sentences_is_refused() -> None:
    writer = "Glow Botanicals sells gentle skincare. It ships across Europe."
    model = Scripted("model", [PASSING, writer + "\n\n" + PASSING])
    outcome = run(request(Mode.EXPAND, writer), model)
    assert outcome.trace[0].reason is Reason.BAD_ANSWER
    assert outcome.trace[0].message == (
        "the expanded text dropped or changed the writer's sentence 'Glow Botanicals sells gentle skincare.'"
    )
    assert outcome.body == writer + "\n\n" + PASSING


def test_a_heading_that_would_split_the_section_is_refused() -> None:
    model = Scripted("model", [PASSING + "\n\n## Next Steps\n\nShip it.", PASSING])
    outcome = run(request(), model)
    assert outcome.trace[0].reason is Reason.BAD_ANSWER
    assert outcome.trace[0].message == "the text has a heading at the section's level or above ('Next Steps')"
    assert outcome.quality is Quality.PASSED_AFTER_RETRY


@pytest.mark.parametrize(
    ("original", "candidate", "kept"),
    [
        ("One. Two.", "One.\n\nTwo. Three.", True),
        ("One. Two.", "Two. One.", False),
        ("One. Two.", "One. Too.", False),
        ("", "Anything.", True),
        # Thematic breaks and comments are layout, not sentences: moving or dropping one is no change.
        ("One.\n\n---\n\nTwo.", "One.\n\nTwo. Three.\n\n---", True),
        ("One.\n\n---", "One. Three.", True),
        ("One.\n\n***\n\nTwo.", "One.\n\n___\n\nTwo.", True),
        ("One. <!-- note --> Two.", "One. Two. Three.", True),
        ("One.\n\n{/* note */}\n\nTwo.", "One. Two.", True),
        ("One.\n\n---\n\nTwo.", "One.\n\n---\n\nToo.", False),
    ],
)
def test_keeps_sentences(original: str, candidate: str, kept: bool) -> None:
    assert keeps_sentences(original, candidate) is kept


def test_outline_problem_allows_deeper_headings() -> None:
    assert outline_problem("### Goal\n\nText.", level=2) is None
    assert (
        outline_problem("# Title\n\nText.", level=2)
        == "the text has a heading at the section's level or above ('Title')"
    )


def test_an_answer_with_a_placeholder_is_rejected_and_retried_with_it_named() -> None:
    with_placeholder = PASSING.replace("Grow repeat orders.", "Grow repeat orders by [Insert KPI target here].")
    model = Scripted("model", [with_placeholder, PASSING])
    outcome = run(request(), model)
    assert outcome.quality is Quality.PASSED_AFTER_RETRY
    assert [(f.code, f.message) for f in model.requests[1].failures] == [
        ("AIC144", "placeholder '[Insert KPI target here]': write the real content")
    ]


# A report section as the writer had it: a thematic break under the text, as between sections.
WRITER_WITH_BREAK = (
    "Only 22% of pre-orders come back for a second box within a month, so the plan starts with repeat orders "
    "from the customers we already have.\n\nGlow ships across Europe.\n\n---"
)


def test_expand_may_move_a_thematic_break_below_the_new_text() -> None:
    moved = WRITER_WITH_BREAK.removesuffix("---") + PASSING + "\n\n---"
    model = Scripted("model", [moved])
    outcome = run(request(Mode.EXPAND, WRITER_WITH_BREAK), model)
    assert [c.reason for c in outcome.trace] == [None]
    assert outcome.body == moved


def test_expand_that_drops_a_sentence_names_it_to_the_retry() -> None:
    dropped = "Glow ships across Europe.\n\n" + PASSING  # the long first sentence is gone
    kept = WRITER_WITH_BREAK.removesuffix("---") + PASSING
    model = Scripted("model", [dropped, kept])
    outcome = run(request(Mode.EXPAND, WRITER_WITH_BREAK), model)
    message = (
        "the expanded text dropped or changed the writer's sentence "
        "'Only 22% of pre-orders come back for a second box within a month, so the plan…'"
    )
    assert [(c.reason, c.message) for c in outcome.trace] == [(Reason.BAD_ANSWER, message), (None, "passed")]
    assert [(f.code, f.rule, f.message) for f in model.requests[1].failures] == [
        ("bad_answer", "keeps_sentences", message)
    ]
    assert outcome.body == kept


def test_dropped_sentence_is_the_first_one_missing() -> None:
    assert dropped_sentence("One. Two. Three.", "One. Three.") == "Two."
    assert dropped_sentence("One.\n\n---\n\nTwo.", "Two.\n\n---\n\nOne.") == "Two."
    assert dropped_sentence("One. Two.", "One.\n\n---\n\nTwo.") is None
