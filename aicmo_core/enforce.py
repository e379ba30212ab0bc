"""Enforcement: every generated section is checked against its benchmark before it may reach a report.

:func:`enforce` runs the chain of generators: each candidate body is validated with the section's
own rules (:func:`validate_body`, the same rules ``aicmo check`` runs, so a candidate that passes here
passes in the report); a failing candidate is retried with its failures named, up to
``max_attempts`` per generator, then the next generator in the chain is tried. When the chain is
exhausted the outcome is, as the writer configured, the best attempt (fewest errors) marked
provisional, or no change. Every candidate and why it was passed over is kept in the trace.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.check import run_section_rules
from aicmo_core.document.model import parse_document, section_text, standalone_section
from aicmo_core.document.text import sentence_bounds
from aicmo_core.findings import Finding, Severity
from aicmo_core.generators import defaults
from aicmo_core.generators.base import Failure, GenerationError, GenerationRequest, Generator, Mode, Reason

PROVISIONAL_MARKER = "aicmo:provisional"
# Failures worth asking the same generator again for; the others go straight to the next generator
# (the SDK has already retried transient HTTP errors by then).
RETRYABLE = frozenset({Reason.FAILED_BENCHMARK, Reason.BAD_ANSWER, Reason.EMPTY_ANSWER})


def outline_problem(body: str, level: int = 2, mdx: bool = False) -> str | None:
    """Why ``body`` would break the report's outline (a heading at the section's level or above, which
    would end the section early), or None."""
    doc = parse_document(section_text("Section", body, level), mdx=mdx)
    breaking = next((h for h in doc.headings[1:] if h.level <= level), None)
    if breaking is None:
        return None
    return f"the text has a heading at the section's level or above ('{breaking.title}')"


def validate_body(
    benchmark: SectionBenchmark, body: str, *, heading: str | None = None, level: int = 2, mdx: bool = False
) -> list[Finding]:
    """The findings of ``benchmark``'s section rules on ``body`` written under ``heading``."""
    section = standalone_section(benchmark, body, heading=heading, level=level, mdx=mdx)
    return list(run_section_rules(section))


def errors_of(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity is Severity.ERROR]


def failures_of(findings: Sequence[Finding]) -> tuple[Failure, ...]:
    return tuple(Failure(f.code, f.rule, f.message, dict(f.data)) for f in findings)


_SPACE_RE = re.compile(r"\s+")


def _sentences(body: str) -> list[str]:
    text = _SPACE_RE.sub(" ", body)
    return [text[start:end].strip() for start, end in sentence_bounds(text) if text[start:end].strip()]


def keeps_sentences(original: str, candidate: str) -> bool:
    """Whether every sentence of ``original`` appears in ``candidate``, unchanged and in order
    (white space may differ): what ``expand`` promises the writer."""
    text = _SPACE_RE.sub(" ", candidate)
    position = 0
    for sentence in _sentences(original):
        found = text.find(sentence, position)
        if found < 0:
            return False
        position = found + len(sentence)
    return True


class OnExhausted(str, Enum):
    """What happens when no generator produced a passing section."""

    PROVISIONAL = "provisional"  # write the best attempt, marked, and keep the diagnostics
    NO_CHANGE = "no_change"  # leave the writer's text as it is


DEFAULT_ON_EXHAUSTED = OnExhausted(defaults.ON_EXHAUSTED)


class Quality(str, Enum):
    """The quality signal of one enforcement run (stored in the decision log)."""

    PASSED_FIRST_ATTEMPT = "passed_first_attempt"
    PASSED_AFTER_RETRY = "passed_after_retry"
    FALLBACK_USED = "fallback_used"
    PROVISIONAL = "provisional"
    NO_CHANGE = "no_change"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One attempt of one generator, and why it was accepted or passed over."""

    generator: str
    attempt: int
    body: str | None  # None when the generator failed to answer
    findings: tuple[Finding, ...]
    reason: Reason | None  # None for the accepted candidate
    message: str
    latency_ms: float
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def passed(self) -> bool:
        return self.body is not None and self.reason is None


@dataclass(frozen=True, slots=True)
class Policy:
    chain: tuple[str, ...] = ("template",)
    max_attempts: int = defaults.MAX_ATTEMPTS
    on_exhausted: OnExhausted = DEFAULT_ON_EXHAUSTED


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of enforcing one section: the body to write (None: leave the text alone)."""

    body: str | None
    quality: Quality
    trace: tuple[Candidate, ...]
    explanation: str

    @property
    def passed(self) -> bool:
        return self.quality in (Quality.PASSED_FIRST_ATTEMPT, Quality.PASSED_AFTER_RETRY, Quality.FALLBACK_USED)

    @property
    def chosen(self) -> Candidate | None:
        return next((c for c in self.trace if c.passed), None)


def provisional_marker(findings: Sequence[Finding]) -> str:
    """``<!-- aicmo:provisional fails: AIC101 min_words, AIC131 required_headings -->``."""
    names = sorted({f"{f.code} {f.rule}" for f in findings})
    return f"<!-- {PROVISIONAL_MARKER} fails: {', '.join(names)} -->"


def _describe(findings: Sequence[Finding]) -> str:
    return "; ".join(f.message for f in findings[:3]) + (f" (+{len(findings) - 3} more)" if len(findings) > 3 else "")


Listener = Callable[[Candidate], None]


async def enforce(
    request: GenerationRequest,
    generators: Sequence[Generator],
    policy: Policy,
    *,
    heading: str | None = None,
    on_candidate: Listener | None = None,
) -> Outcome:
    """Generate, validate, retry and fall back until a candidate passes or the chain is exhausted.

    Cancelling the calling task cancels the generator call in flight; nothing is returned then.
    """
    trace: list[Candidate] = []

    def keep(candidate: Candidate) -> Candidate:
        trace.append(candidate)
        if on_candidate is not None:
            on_candidate(candidate)
        return candidate

    for position, generator in enumerate(generators):
        failures = request.failures
        for attempt in range(1, max(policy.max_attempts, 1) + 1):
            attempt_request = replace(request, attempt=attempt, failures=failures)
            started = time.perf_counter()
            try:
                generation = await generator.generate(attempt_request)
            except GenerationError as exc:
                keep(Candidate(generator.name, attempt, None, (), exc.reason, exc.message, _ms(started)))
                if exc.reason in RETRYABLE:
                    continue
                break
            latency = _ms(started)
            body = generation.body.strip()
            tokens = (generation.prompt_tokens, generation.completion_tokens)
            if not body:
                keep(
                    Candidate(generator.name, attempt, None, (), Reason.EMPTY_ANSWER, "empty answer", latency, *tokens)
                )
                continue
            problem = outline_problem(body, request.heading_level, request.mdx)
            if problem is None and request.mode is Mode.EXPAND and not keeps_sentences(request.current_body, body):
                problem = "the expanded text dropped or changed the writer's sentences"
            if problem is not None:
                keep(Candidate(generator.name, attempt, body, (), Reason.BAD_ANSWER, problem, latency, *tokens))
                continue
            findings = tuple(
                validate_body(request.section, body, heading=heading, level=request.heading_level, mdx=request.mdx)
            )
            errors = [f for f in findings if f.severity is Severity.ERROR]
            if errors:
                keep(
                    Candidate(
                        generator.name,
                        attempt,
                        body,
                        findings,
                        Reason.FAILED_BENCHMARK,
                        _describe(errors),
                        latency,
                        *tokens,
                    )
                )
                failures = failures_of(errors)
                continue
            accepted = keep(Candidate(generator.name, attempt, body, findings, None, "passed", latency, *tokens))
            if position > 0:
                quality = Quality.FALLBACK_USED
            elif attempt > 1:
                quality = Quality.PASSED_AFTER_RETRY
            else:
                quality = Quality.PASSED_FIRST_ATTEMPT
            return Outcome(accepted.body, quality, tuple(trace), _explain_pass(accepted, trace))
    current = validate_body(
        request.section, request.current_body, heading=heading, level=request.heading_level, mdx=request.mdx
    )
    return _exhausted(trace, policy, len(errors_of(current)))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _explain_pass(accepted: Candidate, trace: Sequence[Candidate]) -> str:
    passed_over = [c for c in trace if c is not accepted]
    text = f"{accepted.generator} wrote a passing section (attempt {accepted.attempt})"
    if passed_over:
        text += "; passed over: " + "; ".join(f"{c.generator} #{c.attempt}: {c.message}" for c in passed_over)
    return text


def _exhausted(trace: list[Candidate], policy: Policy, current_errors: int) -> Outcome:
    """The best attempt marked provisional, unless the writer chose no change or the best attempt is
    no better than the writer's own text (then the text is left alone: never made worse)."""
    with_text = [c for c in trace if c.body is not None and c.findings]
    why = "; ".join(f"{c.generator} #{c.attempt}: {c.message}" for c in trace) or "no generator configured"
    best = min(with_text, key=lambda c: (len(c.errors), len(c.findings), trace.index(c)), default=None)
    if policy.on_exhausted is OnExhausted.NO_CHANGE or best is None or len(best.errors) >= current_errors:
        return Outcome(
            None, Quality.NO_CHANGE, tuple(trace), f"no generator wrote a passing section ({why}); text left as it was"
        )
    assert best.body is not None
    body = f"{provisional_marker(best.errors)}\n\n{best.body}"
    return Outcome(
        body,
        Quality.PROVISIONAL,
        tuple(trace),
        f"no generator wrote a passing section; kept the best attempt ({best.generator} #{best.attempt}, "
        f"{len(best.errors)} errors) marked provisional ({why})",
    )


def default_chain(api_key: str | None) -> tuple[str, ...]:
    """``openai`` then ``template`` when a key is set, ``template`` alone otherwise."""
    return ("openai", "template") if api_key else ("template",)
