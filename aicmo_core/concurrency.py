"""Adaptive concurrency: how many model requests a run keeps in flight, learned from the endpoint.

"Regenerate all failing sections" makes one request per section. An endpoint that can take them all
should get them all at once: the run then lasts about as long as its slowest section. One that
cannot says so with a rate-limit answer (HTTP 429, or a server error with ``Retry-After``).
:class:`AdaptiveLimiter` serves both, additive-increase/multiplicative-decrease (AIMD) as TCP does
with its congestion window:

- it **starts wide**, at the number of requests to make, up to the configured bound;
- on a rate-limit answer it **halves** its limit, never below 1. One round of requests sent at the
  same limit cuts it once (a request sent before the last cut says nothing new), and the limit is
  never left above the number of requests the endpoint is still serving: it has just refused one
  more than that. Ten sent at once to an endpoint that serves four come back as six refusals and
  leave the limit at four, not five;
- it **grows back slowly**: by one after as many successes as the limit, counting only requests
  sent since the last cut, up to where it started.

:class:`PacedGenerator` puts a generator behind a limiter: each call waits for a slot; a
rate-limited call gives its slot back, waits what the server asked (at most
``defaults.MAX_RETRY_AFTER_S``; a longer wait gives up at once, as the quota is used up) or, without
a header, a back-off that doubles from ``defaults.RATE_LIMIT_BACKOFF_S``, and is tried again, up to
``defaults.RATE_LIMIT_RETRIES`` times. Waiting holds no slot and is cancelled with the calling task.
The generator must not retry rate limits itself (``GeneratorSettings.paced``): retries hidden in a
client keep every slot busy and defeat the back-off.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aicmo_core.generators import defaults
from aicmo_core.generators.base import Generation, GenerationError, GenerationRequest, Generator, Reason


@dataclass(slots=True)
class Window:
    """The arithmetic of the limit, without any waiting: what :class:`AdaptiveLimiter` decides.

    ``epoch`` counts the cuts; a request remembers the epoch it was sent in, so that only answers to
    requests sent at the current limit cut it again or count towards growing it."""

    limit: int
    ceiling: int
    epoch: int = 0
    successes: int = 0  # of requests sent in the current epoch, since the limit last changed

    def rate_limited(self, sent_in: int, still_in_flight: int) -> None:
        """A request sent in epoch ``sent_in`` was refused while ``still_in_flight`` others were out."""
        if sent_in == self.epoch:
            self.limit = max(1, self.limit // 2)
            self.epoch += 1
            self.successes = 0
        self.limit = max(1, min(self.limit, still_in_flight))

    def succeeded(self, sent_in: int) -> None:
        """A request sent in epoch ``sent_in`` was answered."""
        if sent_in != self.epoch or self.limit >= self.ceiling:
            return
        self.successes += 1
        if self.successes >= self.limit:
            self.limit += 1
            self.successes = 0


@dataclass(slots=True)
class Slot:
    """One request's place in flight, and the epoch it was sent in."""

    epoch: int
    open: bool = True


class AdaptiveLimiter:
    """At most ``limit`` requests in flight, the limit moving as :class:`Window` decides. Waiters are
    served first come, first served. Single event loop, no threads: every method but
    :meth:`acquire` is synchronous, so a slot is given back even from a cancelled task."""

    def __init__(self, requests: int, bound: int) -> None:
        start = max(1, min(requests, bound))
        self.window = Window(start, start)
        self.rate_limits = 0  # rate-limit answers seen
        self._in_flight = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def limit(self) -> int:
        return self.window.limit

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def acquire(self) -> Slot:
        """Wait for a free slot and take it."""
        if self._waiters or self._in_flight >= self.limit:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():  # handed a slot just as it was cancelled
                    self._in_flight -= 1
                    self._wake()
                elif waiter in self._waiters:
                    self._waiters.remove(waiter)
                raise
        else:
            self._in_flight += 1
        return Slot(self.window.epoch)

    def succeeded(self, slot: Slot) -> None:
        """The request of ``slot`` was answered."""
        if self._close(slot):
            self.window.succeeded(slot.epoch)
            self._wake()

    def rate_limited(self, slot: Slot) -> None:
        """The request of ``slot`` got a rate-limit answer."""
        if self._close(slot):
            self.rate_limits += 1
            self.window.rate_limited(slot.epoch, self._in_flight)
            self._wake()

    def release(self, slot: Slot) -> None:
        """The request of ``slot`` ended otherwise (another error, cancelled): no news of the endpoint."""
        if self._close(slot):
            self._wake()

    def _close(self, slot: Slot) -> bool:
        if not slot.open:
            return False
        slot.open = False
        self._in_flight -= 1
        return True

    def _wake(self) -> None:
        """Hand free slots to the waiters, in order."""
        while self._waiters and self._in_flight < self.limit:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self._in_flight += 1
                waiter.set_result(None)


@dataclass(frozen=True, slots=True)
class RateLimitedCall:
    """A call that was rate-limited and tried again: kept in the section's trace and decision log."""

    generator: str
    model: str | None
    attempt: int  # the enforcement attempt it belonged to
    message: str  # for the writer: the server, the status, the wait
    latency_ms: float
    waited_s: float


def is_rate_limit(error: GenerationError) -> bool:
    """Whether ``error`` asks for fewer or later requests: a rate limit, or any error with a wait."""
    return error.reason is Reason.RATE_LIMITED or error.retry_after_s is not None


def retry_wait(retry_after_s: float | None, retries: int) -> float | None:
    """How long to wait before retry number ``retries + 1``: what the server asked (not below 0),
    else a back-off doubling from ``RATE_LIMIT_BACKOFF_S`` (up to ``MAX_RETRY_AFTER_S``); None when
    the server asked for more than ``MAX_RETRY_AFTER_S`` (not worth waiting for)."""
    if retry_after_s is None:
        return min(defaults.RATE_LIMIT_BACKOFF_S * 2.0**retries, defaults.MAX_RETRY_AFTER_S)
    if retry_after_s > defaults.MAX_RETRY_AFTER_S:
        return None
    return max(retry_after_s, 0.0)


Sleep = Callable[[float], Awaitable[None]]


class PacedGenerator:
    """``generator`` behind ``limiter``: a slot per call, and rate-limited calls waited out and retried
    (see the module's docstring). ``on_retry`` hears of each call that was retried."""

    def __init__(
        self,
        generator: Generator,
        limiter: AdaptiveLimiter,
        on_retry: Callable[[RateLimitedCall], None] | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.name = generator.name
        self.generator = generator
        self.limiter = limiter
        self.on_retry = on_retry
        self.sleep = sleep

    @property
    def model(self) -> str | None:
        return self.generator.model

    async def generate(self, request: GenerationRequest) -> Generation:
        retries = 0
        while True:
            slot = await self.limiter.acquire()
            started = time.perf_counter()
            try:
                generation = await self.generator.generate(request)
            except GenerationError as error:
                wait = self._wait_after(error, slot, request, started, retries)
            except BaseException:
                self.limiter.release(slot)
                raise
            else:
                self.limiter.succeeded(slot)
                return generation
            retries += 1
            await self.sleep(wait)

    def _wait_after(
        self, error: GenerationError, slot: Slot, request: GenerationRequest, started: float, retries: int
    ) -> float:
        """How long to wait before trying ``error``'s call again; raises what the call ends with
        when it is not tried again."""
        if not is_rate_limit(error):
            self.limiter.release(slot)
            raise error
        self.limiter.rate_limited(slot)
        wait = retry_wait(error.retry_after_s, retries)
        if wait is None or retries >= defaults.RATE_LIMIT_RETRIES:
            raise given_up(error, retries, wait) from None
        if self.on_retry is not None:
            latency_ms = round((time.perf_counter() - started) * 1000, 1)
            message = f"{error.message}; waited {wait:g} s and tried again"
            self.on_retry(RateLimitedCall(self.name, self.model, request.attempt, message, latency_ms, wait))
        return wait


def given_up(error: GenerationError, retries: int, wait: float | None) -> GenerationError:
    """The error a rate-limited call ends with: ``error``, saying why it was not tried again."""
    if wait is None:
        why = f"it asked to wait {error.retry_after_s:g} s, more than aicmo waits ({defaults.MAX_RETRY_AFTER_S:g} s)"
    else:
        why = f"still after {retries} retries"
    return GenerationError(error.reason, f"{error.message}; {why}", retry_after_s=error.retry_after_s)


def paced(
    generators: tuple[Generator, ...], limiter: AdaptiveLimiter, on_retry: Callable[[RateLimitedCall], None]
) -> tuple[Generator, ...]:
    """The generators with those that call a model (a ``model`` is set) behind ``limiter``; the
    others (``template``) need no pacing."""
    return tuple(g if g.model is None else PacedGenerator(g, limiter, on_retry) for g in generators)
