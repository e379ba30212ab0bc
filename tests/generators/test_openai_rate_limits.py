"""Rate limits, with the real ``openai`` SDK over real HTTP against the scripted server of
``tests/support/fake_openai.py``: the generator hands a rate limit to the runner's limiter instead of
retrying it inside the SDK, and "regenerate all" against an endpoint that serves only a few requests
at once backs off, waits what ``Retry-After`` says, and still writes every section.

What is asserted is what the server saw (its own clock, its count of requests in flight) and what
would reach the writer's report; nothing here asserts how fast a run was.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from uuid import uuid4

import pytest
from support.fake_openai import FakeOpenAI, RecordedRequest, Reply

from aicmo_core.benchmarks.loader import load_packs
from aicmo_core.check import CheckOptions, ReportResult, check_text
from aicmo_core.decisions import ReasonCode
from aicmo_core.enforce import Quality
from aicmo_core.findings import Status
from aicmo_core.generators import GenerationError, GeneratorSettings, Mode, Reason, create_generator
from aicmo_core.generators.base import server_name
from aicmo_core.generators.openai_generator import retry_after_seconds
from aicmo_core.generators.template import write_section
from aicmo_core.rewrite import generation_request
from aicmo_core.runner import GenerationConfig, SectionChoice, build_chain, decision_records, run_tasks, tasks_for

API_KEY = "sk-test-SECRET-429"
REPORT = Path(__file__).parent.parent / "fixtures" / "generation" / "ten_failing_sections.md"
SECTION_ID_RE = re.compile(r"\(id `([^`]+)`\)")  # how the prompt names its section (generators/context.py)
ANSWER_DELAY_S = 0.5
ALLOWED_IN_FLIGHT = 4
RETRY_AFTER_S = 1


def checked_report() -> ReportResult:
    return check_text(REPORT.read_text(encoding="utf-8"), str(REPORT), CheckOptions(packs=load_packs(())))


def section_of(request: RecordedRequest) -> str:
    match = SECTION_ID_RE.search(request.prompt)
    assert match is not None, "the prompt names no section id"
    return match.group(1)


def paced_settings(server: FakeOpenAI, max_retries: int = 2) -> GeneratorSettings:
    return GeneratorSettings(
        model="gpt-test", base_url=server.base_url, api_key=API_KEY, max_retries=max_retries, paced=True
    )


async def generation_error(server: FakeOpenAI, max_retries: int = 2) -> GenerationError:
    result = checked_report()
    request = generation_request(result, result.sections[0], Mode.REGENERATE)
    with pytest.raises(GenerationError) as raised:
        await create_generator("openai", paced_settings(server, max_retries)).generate(request)
    return raised.value


# ------------------------------------------------------------------------------ the generator


async def test_a_paced_generator_hands_a_429_back_at_once_with_the_wait_asked(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply(Reply.error(429, f"slow down {API_KEY}", headers={"Retry-After": "7"}))

    error = await generation_error(fake_openai)

    assert len(fake_openai.requests) == 1  # the SDK, allowed 2 retries, made none
    assert error.reason is Reason.RATE_LIMITED
    assert error.retry_after_s == 7.0
    server = server_name(fake_openai.base_url)
    assert error.message == f"{server} is rate-limiting requests or the quota is used up (HTTP 429)"
    assert API_KEY not in error.message and "slow down" not in error.message


async def test_a_server_error_asking_to_wait_is_handed_back_and_a_plain_one_still_retried_by_the_sdk(
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.reply(Reply.error(503, "busy", headers={"retry-after-ms": "250"}))
    busy = await generation_error(fake_openai)
    assert (busy.reason, busy.retry_after_s, len(fake_openai.requests)) == (Reason.SERVER_ERROR, 0.25, 1)
    assert busy.message.endswith("failed to answer (HTTP 503)")

    fake_openai.reply(Reply.error(500, "down"), Reply.error(500, "down"))  # no wait asked: the SDK's to retry
    down = await generation_error(fake_openai, max_retries=1)
    assert (down.reason, down.retry_after_s, len(fake_openai.requests)) == (Reason.SERVER_ERROR, None, 3)
    assert down.message.endswith("failed to answer (HTTP 500, after 1 retries)")


async def test_a_client_error_with_retry_after_is_no_rate_limit(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply(Reply.error(400, "bad request", headers={"Retry-After": "1"}))

    error = await generation_error(fake_openai)

    assert (error.reason, error.retry_after_s, len(fake_openai.requests)) == (Reason.UNSUPPORTED, None, 1)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after": "2"}, 2.0),
        ({"retry-after-ms": "soon", "retry-after": "3"}, 3.0),
        ({"retry-after": format_datetime(datetime(2030, 1, 1, 0, 0, 30, tzinfo=UTC), usegmt=True)}, 30.0),
        ({"retry-after": "tomorrow"}, None),
        ({"retry-after": "nan"}, None),
        ({}, None),
    ],
)
def test_retry_after_is_read_as_the_sdk_reads_it(headers: dict[str, str], expected: float | None) -> None:
    now = datetime(2030, 1, 1, tzinfo=UTC).timestamp()
    assert retry_after_seconds(headers, now=now) == expected


# ------------------------------------------------------------------------------ regenerate all


async def test_regenerate_all_backs_off_on_429_honours_retry_after_and_writes_every_section(
    fake_openai: FakeOpenAI,
) -> None:
    result = checked_report()
    failing = [r for r in result.sections if r.section.benchmark is not None and r.status is Status.FAIL]
    assert len(failing) == 10
    tasks = [task for task in tasks_for(result, [SectionChoice.of(r, Mode.REGENERATE) for r in failing]) if task]
    bodies = {task.section_id: write_section(task.request).strip() for task in tasks}  # bodies that pass
    fake_openai.respond_with(lambda request: Reply.completion(bodies[section_of(request)], delay_s=ANSWER_DELAY_S))
    fake_openai.limit_in_flight(ALLOWED_IN_FLIGHT, retry_after={"Retry-After": str(RETRY_AFTER_S)})
    config = GenerationConfig(chain=("openai",), model="gpt-test", base_url=fake_openai.base_url, max_retries=0)

    # The default bound: all ten go at once. wait_for only guards against a hang.
    outcomes = await asyncio.wait_for(run_tasks(tasks, build_chain(config, API_KEY), config.concurrency), 60)

    # Every section is written with the server's text, at its first attempt.
    assert [outcome.body for outcome in outcomes] == [bodies[task.section_id] for task in tasks]
    assert {outcome.quality for outcome in outcomes} == {Quality.PASSED_FIRST_ATTEMPT}
    # Ten at once (more in flight than the server serves); four served, six refused; the six again,
    # none refused: no request after the first ten found more than four in flight.
    requests = fake_openai.requests
    assert [r.status for r in requests].count(429) == 10 - ALLOWED_IN_FLIGHT
    assert len(requests) == 10 + (10 - ALLOWED_IN_FLIGHT)
    assert max(r.in_flight for r in requests[:10]) > ALLOWED_IN_FLIGHT
    assert max(r.in_flight for r in requests[10:]) <= ALLOWED_IN_FLIGHT
    # Each refused section asked again no sooner than Retry-After, by the server's clock.
    for section_id in bodies:
        asked = [r for r in requests if section_of(r) == section_id]
        for refused, again in itertools.pairwise(asked):
            assert refused.status == 429 and refused.answered_at is not None
            assert again.received_at - refused.answered_at >= RETRY_AFTER_S
    # The trace and the decision log say which sections were rate-limited and retried; no secret.
    limited = [o for o in outcomes if o.trace[0].reason is Reason.RATE_LIMITED]
    assert len(limited) == 10 - ALLOWED_IN_FLIGHT
    for outcome in limited:
        first, accepted = outcome.trace
        assert (first.generator, first.attempt, first.body, accepted.attempt, accepted.passed) == (
            "openai",
            1,
            None,
            1,
            True,
        )
        assert first.message.endswith("(HTTP 429); waited 1 s and tried again")
        assert API_KEY not in first.message
    records = decision_records(uuid4(), "strategy_campaign_standard", tasks, outcomes, [None] * len(tasks))
    assert sum(r.reason_code is ReasonCode.RATE_LIMITED for r in records) == 10 - ALLOWED_IN_FLIGHT
