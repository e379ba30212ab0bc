from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.document.model import Section
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules._helpers import bound_note
from aicmo_core.rules.registry import HoverRow, Measure, SectionContext, rule


def _hover(benchmark: SectionBenchmark, section: Section) -> HoverRow | None:
    limit = benchmark.max_avg_sentence_length
    if limit is None:
        return None
    average = section.metrics.avg_sentence_words
    measure = Measure("avg_sentence_words", average, None, limit)
    return HoverRow("avg sentence", f"{average:g} words", f"at most {limit:g}", average <= limit, measure)


def _states(benchmark: SectionBenchmark, sub_heading: str) -> str | None:
    if benchmark.max_avg_sentence_length is None:
        return None
    return f"Sentences: at most {benchmark.max_avg_sentence_length:g} words on average."


@rule(
    code="AIC161",
    name="max_avg_sentence_length",
    severity=Severity.WARNING,
    hover=_hover,
    note=bound_note("avg sentence", unit=" words"),
    states=_states,
)
def max_avg_sentence_length(ctx: SectionContext) -> Iterator[Issue]:
    """The section's sentences are too long on average (a warning).

    **What it checks**: the average words per sentence of the section's paragraphs and list items
    against `max_avg_sentence_length`. Sentences end at `.`, `!`, `?` before a new sentence, at a
    hard line break, and at the end of every paragraph or list item; abbreviations (`e.g.`, `Dr.`),
    initials and decimals (`3.5%`) do not end one. Tables are not sentences. The finding points at
    the longest sentence, the best place to start.

    **Why it matters**: long sentences are where client reports lose their readers.

    **Example**: a 60-word sentence listing every channel: split it, or make it a list.

    **Configuration**: `max_avg_sentence_length`.
    """
    limit = ctx.benchmark.max_avg_sentence_length
    metrics = ctx.metrics
    if limit is None or not metrics.sentences or metrics.avg_sentence_words <= limit:
        return
    longest = None
    for placed in ctx.section.blocks(("paragraph",)):
        for sentence in placed.block.sentences:
            if longest is None or sentence.words > longest[1].words:
                longest = (placed, sentence)
    if longest is None:
        return
    placed, sentence = longest
    yield Issue(
        placed.span_of(ctx.doc, sentence.start, sentence.end),
        f"sentences average {metrics.avg_sentence_words:g} words, at most {limit:g}; this one has {sentence.words}",
        {"value": metrics.avg_sentence_words, "max": limit, "longest": sentence.words},
    )
