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
from aicmo_core.generators.answer_checks import model_answer_problem
from aicmo_core.generators.base import Failure, GenerationError, GenerationRequest, Generator, Mode, Reason
from aicmo_core.rewrite import without_layout
from aicmo_core.writer_facts import missing_facts

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
QUOTE_CHARS = 80  # a sentence named in a message is cut to this many characters


def _sentences(body: str) -> list[str]:
    """The writer's sentences in ``body``, white space collapsed; thematic breaks and comments are
    layout, not sentences."""
    text = _SPACE_RE.sub(" ", without_layout(body))
    return [text[start:end].strip() for start, end in sentence_bounds(text) if text[start:end].strip()]


def dropped_sentence(original: str, candidate: str) -> str | None:
    """The first sentence of ``original`` that ``candidate`` does not have, unchanged and in order
    (white space, thematic breaks and comments aside), or None when it keeps them all."""
    text = _SPACE_RE.sub(" ", without_layout(candidate))
    position = 0
    for sentence in _sentences(original):
        found = text.find(sentence, position)
        if found < 0:
            return sentence
        position = found + len(sentence)
    return None


def keeps_sentences(original: str, candidate: str) -> bool:
    """Whether every sentence of ``original`` appears in ``candidate``, unchanged and in order
    (white space may differ, and thematic breaks and comments may move): what ``expand`` promises
    the writer."""
    return dropped_sentence(original, candidate) is None


def quote(sentence: str, limit: int = QUOTE_CHARS) -> str:
    """``sentence`` cut at a word to at most ``limit`` characters, with an ellipsis where it was cut."""
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def answer_problem(request: GenerationRequest, body: str, *, from_model: bool = False) -> Failure | None:
    """Why ``body`` may not reach the report whatever the benchmark says, as the failure the retry is
    told: a heading that would split the section; in ``expand`` a sentence of the writer's dropped or
    changed; a fact of the writer's text dropped (``regenerate``, ``fix``, ``expand``); and for a
    model's answer, talk about itself or the report, the prompt echoed, or figures nobody gave it."""
    problem = outline_problem(body, request.heading_level, request.mdx)
    if problem is not None:
        return Failure(Reason.BAD_ANSWER.value, "outline", problem)
    if request.mode is Mode.EXPAND:
        dropped = dropped_sentence(request.current_body, body)
        if dropped is not None:
            message = f"the expanded text dropped or changed the writer's sentence '{quote(dropped)}'"
            return Failure(Reason.BAD_ANSWER.value, "keeps_sentences", message, {"sentence": dropped})
    missing = missing_facts(list(request.facts), body) if request.mode is not Mode.SCRATCH else []
    if missing:
        facts = ", ".join(f"'{quote(fact.text)}'" for fact in missing[:6])
        more = f" (+{len(missing) - 6} more)" if len(missing) > 6 else ""
        message = f"the text dropped the writer's facts {facts}{more}: write each of them verbatim"
        return Failure(Reason.BAD_ANSWER.value, "facts_kept", message, {"facts": [f.text for f in missing]})
    model_problem = model_answer_problem(body, request) if from_model else None
    if model_problem is not None:
        return Failure(Reason.BAD_ANSWER.value, "model_answer", model_problem)
    return None


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
    model: str | None = None  # the generator's model (``gpt-4o-mini``), None for the template generator

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

    @property
    def written_by(self) -> Candidate | None:
        """The candidate whose text ``body`` is: the accepted one, or for provisional text the best
        attempt under its marker; None when there is no body."""
        if self.body is None:
            return None
        chosen = self.chosen
        if chosen is not None:
            return chosen
        return next(
            (c for c in self.trace if c.body and self.body == f"{provisional_marker(c.errors)}\n\n{c.body}"),
            None,
        )


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
        candidate = replace(candidate, model=getattr(generator, "model", None))  # the generator being tried
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
            problem = answer_problem(request, body, from_model=getattr(generator, "model", None) is not None)
            if problem is not None:
                keep(Candidate(generator.name, attempt, body, (), Reason.BAD_ANSWER, problem.message, latency, *tokens))
                # The retry is told what was wrong, and still what the failures before it named.
                failures = (problem, *(f for f in failures if f.code != Reason.BAD_ANSWER.value))
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


# What the writer is told about a generator the chain fell back from: a plain phrase per reason, for
# one attempt and for several ("{who}": "the model", or "the NAME generator" without one).
_PASSED_OVER: dict[Reason, tuple[str, str]] = {
    Reason.FAILED_BENCHMARK: ("{who}'s answer failed the benchmark", "{who}'s answers failed the benchmark {times}"),
    Reason.BAD_ANSWER: ("{who}'s answer could not be used", "{who}'s answers could not be used {times}"),
    Reason.EMPTY_ANSWER: ("{who}'s answer was empty", "{who}'s answers were empty {times}"),
    Reason.NO_API_KEY: ("{who} has no API key, or its key was refused", "{who}'s key was refused {times}"),
    Reason.RATE_LIMITED: ("{who} is rate-limited or out of quota", "{who} was rate-limited {times}"),
    Reason.TIMED_OUT: ("{who} did not answer in time", "{who} did not answer in time {times}"),
    Reason.SERVER_ERROR: ("{who}'s server failed to answer", "{who}'s server failed to answer {times}"),
    Reason.CONNECTION_FAILED: ("{who} could not be reached", "{who} could not be reached {times}"),
    Reason.UNSUPPORTED: ("{who} refused the request", "{who} refused the request {times}"),
}
_TRAILING_PARENTHESES_RE = re.compile(r" \(([^()]*)\)$")


def fallback_notice(label: str, outcome: Outcome) -> str | None:
    """What the writer is told when a later generator of the chain wrote the section (quality
    ``fallback_used``), or None: who wrote it and why each generator before it was passed over, e.g.
    ``'Client Overview' was written by the template generator: the model could not be reached (...)``."""
    accepted = outcome.chosen
    if outcome.quality is not Quality.FALLBACK_USED or accepted is None:
        return None
    passed_over: dict[str, list[Candidate]] = {}
    for candidate in outcome.trace:
        if candidate.generator != accepted.generator:
            passed_over.setdefault(candidate.generator, []).append(candidate)
    writer = f"the {accepted.generator} generator" + (f" ({accepted.model})" if accepted.model else "")
    reasons = ", and ".join(_why_passed_over(name, candidates) for name, candidates in passed_over.items())
    return f"'{label}' was written by {writer}: {reasons}"


def _why_passed_over(name: str, candidates: Sequence[Candidate]) -> str:
    """``the model's answers failed the benchmark twice (212 words; this section needs 280-400)``:
    one phrase per reason the generator's attempts failed, the detail of the last attempt of each."""
    who = "the model" if any(c.model for c in candidates) else f"the {name} generator"
    by_reason: dict[Reason, list[Candidate]] = {}
    for candidate in candidates:
        if candidate.reason is not None:
            by_reason.setdefault(candidate.reason, []).append(candidate)
    phrases = []
    for reason, failed in by_reason.items():
        once, several = _PASSED_OVER[reason]
        times = "twice" if len(failed) == 2 else f"{len(failed)} times"
        phrase = (once if len(failed) == 1 else several).format(who=who, times=times)
        if failed[-1].errors:
            phrase += f" ({_in_brief(failed[-1].errors)})"
        elif reason is not Reason.EMPTY_ANSWER and failed[-1].message:  # an empty answer has nothing to add
            # "could not connect to host (with retries off)" reads as "(could not connect to host, with ...)"
            detail = _TRAILING_PARENTHESES_RE.sub(r", \1", failed[-1].message)
            phrase += f" ({detail})"
        phrases.append(phrase)
    return ", then ".join(phrases)


def _in_brief(errors: Sequence[Finding], shown: int = 3) -> str:
    """``212 words, needs 280-400; missing sub-heading 'Goal'; +2 more``: the first errors, shortened."""
    said = [f.message.replace("; this section ", ", ") for f in errors[:shown]]
    return "; ".join(said + ([f"+{len(errors) - shown} more"] if len(errors) > shown else []))
