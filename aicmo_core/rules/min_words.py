from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.document.model import Section
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules._helpers import bound_note, bound_text, plural, prompt_range, range_row
from aicmo_core.rules.registry import HoverRow, SectionContext, rule


def _hover(benchmark: SectionBenchmark, section: Section) -> HoverRow:
    return range_row("words", section.metrics.words, benchmark.min_words, benchmark.max_words)


def _states(benchmark: SectionBenchmark, sub_heading: str) -> str:
    return f"Length: {prompt_range(benchmark.min_words, benchmark.max_words, 'words')}."


@rule(code="AIC101", name="min_words", severity=Severity.ERROR, hover=_hover, note=bound_note("words"), states=_states)
def min_words(ctx: SectionContext) -> Iterator[Issue]:
    """A section has fewer words than its benchmark asks for.

    **What it checks**: the words of the section's body (paragraphs, list items and table cells;
    not its headings, code, comments, JSX or link targets) against `min_words`.

    **Why it matters**: a thin section reads as unfinished to the client and usually skips the
    analysis the report type promises.

    **Example**: a Client Overview of two sentences in a pack that asks for 120-260 words fails;
    add the brand, industry, goal and audience context until it reaches the range.

    **Configuration**: `min_words` (and `max_words` for the message's range).
    """
    words = ctx.metrics.words
    if words < ctx.benchmark.min_words:
        need = bound_text(ctx.benchmark.min_words, ctx.benchmark.max_words)
        yield Issue(
            ctx.heading_span,
            f"{plural(words, 'word')}; this section needs {need}",
            {"value": words, "min": ctx.benchmark.min_words, "max": ctx.benchmark.max_words},
        )
