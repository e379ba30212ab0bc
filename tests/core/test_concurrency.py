"""The adaptive limiter's logic alone: the limit's arithmetic (halving, floor 1, growth), slots
handed out in order and given back on cancellation, and a paced generator's waits, with a fake
generator and a fake sleep that only records what it was asked to wait. Nothing here sleeps or
times anything; the real SDK against a rate-limited server is in
``tests/generators/test_openai_rate_limits.py``."""

from __future__ import annotations

import asyncio

import pytest

from aicmo_core.benchmarks.loader import load_packs
from aicmo_core.concurrency import AdaptiveLimiter, PacedGenerator, RateLimitedCall, Window, paced, retry_wait
from aicmo_core.generators import defaults
from aicmo_core.generators.base import Brief, Generation, GenerationError, GenerationRequest, Mode, Reason

PACK = load_packs([]).packs["quick_social_basic"]
REQUEST = GenerationRequest(PACK, PACK.sections[0], Mode.REGENERATE, Brief({"brand": "Glow"}))

# ------------------------------------------------------------------------------ the window


def test_a_refusal_halves_the_limit_once_per_round() -> None:
    window = Window(limit=10, ceiling=10)

    window.rate_limited(sent_in=0, still_in_flight=9)  # the first refusal of requests sent at 10
    window.rate_limited(sent_in=0, still_in_flight=8)  # the same round: no second cut

    assert (window.limit, window.epoch) == (5, 1)


def test_the_limit_never_stays_above_what_the_server_still_serves() -> None:
    window = Window(limit=10, ceiling=10)

    for still_in_flight in range(9, 3, -1):  # ten sent at once, a server that serves four: six refusals
        window.rate_limited(sent_in=0, still_in_flight=still_in_flight)

    assert window.limit == 4


def test_the_limit_never_falls_below_one() -> None:
    window = Window(limit=2, ceiling=10)
    for epoch in range(4):
        window.rate_limited(sent_in=epoch, still_in_flight=0)
        assert window.limit == 1
    assert window.epoch == 4


def test_it_grows_by_one_after_as_many_successes_as_the_limit_up_to_where_it_started() -> None:
    window = Window(limit=2, ceiling=4, epoch=1)
    limits = []
    for _ in range(12):
        window.succeeded(sent_in=1)
        limits.append(window.limit)

    assert limits == [2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4]


def test_successes_of_requests_sent_before_the_last_cut_do_not_grow_it() -> None:
    window = Window(limit=10, ceiling=10)
    window.rate_limited(sent_in=0, still_in_flight=4)
    assert window.limit == 4

    for _ in range(8):
        window.succeeded(sent_in=0)

    assert window.limit == 4


# ------------------------------------------------------------------------------ the limiter


async def test_it_starts_at_the_number_of_requests_up_to_the_bound() -> None:
    assert AdaptiveLimiter(requests=10, bound=16).limit == 10
    assert AdaptiveLimiter(requests=30, bound=16).limit == 16
    assert AdaptiveLimiter(requests=0, bound=16).limit == 1


async def test_waiters_get_freed_slots_in_order_and_a_cut_holds_them_back() -> None:
    limiter = AdaptiveLimiter(requests=4, bound=2)
    first, second = await limiter.acquire(), await limiter.acquire()
    order: list[str] = []

    async def wait(name: str) -> None:
        await limiter.acquire()
        order.append(name)

    waiting = [asyncio.create_task(wait(name)) for name in ("third", "fourth")]
    await asyncio.sleep(0)
    assert (limiter.in_flight, order) == (2, [])

    limiter.rate_limited(first)  # 2 -> 1, and one still in flight: nobody may start
    await asyncio.sleep(0)
    assert (limiter.limit, limiter.in_flight, order) == (1, 1, [])

    limiter.succeeded(second)
    await asyncio.gather(waiting[0])
    assert (limiter.in_flight, order) == (1, ["third"])
    waiting[1].cancel()
    await asyncio.gather(waiting[1], return_exceptions=True)


async def test_a_cancelled_waiter_takes_no_slot() -> None:
    limiter = AdaptiveLimiter(requests=2, bound=1)
    slot = await limiter.acquire()
    waiter = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0)

    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    limiter.release(slot)
    limiter.release(slot)  # twice: counted once

    assert limiter.in_flight == 0
    assert (await limiter.acquire()).epoch == 0


# ------------------------------------------------------------------------------ a paced generator


class Scripted:
    """A fake model generator: raises the scripted errors in order, then answers."""

    name = "openai"
    model = "gpt-test"

    def __init__(self, *errors: GenerationError) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def generate(self, request: GenerationRequest) -> Generation:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return Generation("the body")


class FakeSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def rate_limited(retry_after_s: float | None = None) -> GenerationError:
    return GenerationError(
        Reason.RATE_LIMITED, "host is rate-limiting requests (HTTP 429)", retry_after_s=retry_after_s
    )


async def test_a_rate_limited_call_waits_what_the_server_asked_then_is_retried() -> None:
    generator, sleep, retried = Scripted(rate_limited(2.5), rate_limited(None)), FakeSleep(), []
    limiter = AdaptiveLimiter(requests=1, bound=4)

    generation = await PacedGenerator(generator, limiter, retried.append, sleep=sleep).generate(REQUEST)

    assert generation.body == "the body"
    assert generator.calls == 3
    assert sleep.waits == [2.5, defaults.RATE_LIMIT_BACKOFF_S * 2]  # no header: the back-off, doubled
    assert [(r.generator, r.attempt, r.waited_s) for r in retried] == [("openai", 1, 2.5), ("openai", 1, 2.0)]
    assert retried[0].message == "host is rate-limiting requests (HTTP 429); waited 2.5 s and tried again"
    assert (limiter.in_flight, limiter.rate_limits) == (0, 2)


async def test_it_gives_up_after_the_retries_or_at_once_when_asked_to_wait_too_long() -> None:
    endless = Scripted(*[rate_limited(1.0) for _ in range(defaults.RATE_LIMIT_RETRIES + 1)])
    with pytest.raises(GenerationError) as raised:
        await PacedGenerator(endless, AdaptiveLimiter(1, 1), sleep=FakeSleep()).generate(REQUEST)
    assert raised.value.reason is Reason.RATE_LIMITED
    assert raised.value.message.endswith(f"; still after {defaults.RATE_LIMIT_RETRIES} retries")
    assert endless.calls == defaults.RATE_LIMIT_RETRIES + 1

    quota, sleep = Scripted(rate_limited(3600.0)), FakeSleep()
    with pytest.raises(GenerationError) as raised:
        await PacedGenerator(quota, AdaptiveLimiter(1, 1), sleep=sleep).generate(REQUEST)
    assert raised.value.message.endswith("; it asked to wait 3600 s, more than aicmo waits (60 s)")
    assert (quota.calls, sleep.waits) == (1, [])


async def test_other_errors_pass_through_and_free_the_slot() -> None:
    limiter = AdaptiveLimiter(1, 1)
    failing = Scripted(GenerationError(Reason.SERVER_ERROR, "host failed to answer (HTTP 500)"))

    with pytest.raises(GenerationError) as raised:
        await PacedGenerator(failing, limiter, sleep=FakeSleep()).generate(REQUEST)

    assert raised.value.reason is Reason.SERVER_ERROR
    assert (failing.calls, limiter.in_flight, limiter.limit) == (1, 0, 1)


async def test_a_server_error_with_retry_after_is_paced_like_a_rate_limit() -> None:
    busy = GenerationError(Reason.SERVER_ERROR, "host failed to answer (HTTP 503)", retry_after_s=0.0)
    generator, sleep = Scripted(busy), FakeSleep()

    await PacedGenerator(generator, AdaptiveLimiter(1, 1), sleep=sleep).generate(REQUEST)

    assert (generator.calls, sleep.waits) == (2, [0.0])


async def test_cancelling_a_call_frees_its_slot() -> None:
    started = asyncio.Event()

    class Slow(Scripted):
        async def generate(self, request: GenerationRequest) -> Generation:
            started.set()
            await asyncio.Event().wait()
            raise AssertionError("never answers")

    limiter = AdaptiveLimiter(1, 1)
    call = asyncio.create_task(PacedGenerator(Slow(), limiter).generate(REQUEST))
    await started.wait()
    assert limiter.in_flight == 1

    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert limiter.in_flight == 0


def test_only_generators_with_a_model_are_paced() -> None:
    class Template:
        name = "template"
        model = None

        async def generate(self, request: GenerationRequest) -> Generation:
            return Generation("text")

    model, template = Scripted(), Template()
    retried: list[RateLimitedCall] = []

    wrapped = paced((model, template), AdaptiveLimiter(1, 1), retried.append)

    assert isinstance(wrapped[0], PacedGenerator) and wrapped[0].generator is model
    assert (wrapped[0].name, wrapped[0].model) == ("openai", "gpt-test")
    assert wrapped[1] is template


@pytest.mark.parametrize(
    ("retry_after_s", "retries", "expected"),
    [(None, 0, 1.0), (None, 3, 8.0), (None, 10, 60.0), (-5.0, 0, 0.0), (60.0, 0, 60.0), (60.5, 0, None)],
)
def test_retry_wait(retry_after_s: float | None, retries: int, expected: float | None) -> None:
    assert retry_wait(retry_after_s, retries) == expected
