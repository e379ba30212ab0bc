from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.document.model import Section
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules._helpers import bound_note, bound_text, plural, prompt_range, range_row
from aicmo_core.rules.registry import HoverRow, SectionContext, rule


def _hover(benchmark: SectionBenchmark, section: Section) -> HoverRow:
    return range_row(
        "sub-headings", section.metrics.headings, benchmark.min_headings, benchmark.max_headings, name="headings"
    )


def _states(benchmark: SectionBenchmark, sub_heading: str) -> str | None:
    if not benchmark.min_headings and benchmark.max_headings is None:
        return None
    return f"Sub-headings (`{sub_heading}` or deeper): {prompt_range(benchmark.min_headings, benchmark.max_headings)}."


@rule(
    code="AIC121",
    name="min_headings",
    severity=Severity.ERROR,
    hover=_hover,
    note=bound_note("sub-headings"),
    states=_states,
)
def min_headings(ctx: SectionContext) -> Iterator[Issue]:
    """A section has fewer sub-headings than its benchmark asks for.

    **What it checks**: headings inside the section's body (deeper than the section's own heading,
    which never counts) against `min_headings`. `#hashtags` and `#` lines in code are not headings.

    **Why it matters**: sub-headings give a long section the structure the client expects to scan.

    **Example**: an Execution Roadmap with no `### Week 1` style sub-headings fails a
    `min_headings: 3`.

    **Configuration**: `min_headings` (and `max_headings` for the message's range).
    """
    headings = ctx.metrics.headings
    if headings < ctx.benchmark.min_headings:
        need = bound_text(ctx.benchmark.min_headings, ctx.benchmark.max_headings)
        yield Issue(
            ctx.heading_span,
            f"{plural(headings, 'sub-heading')}; this section needs {need}",
            {"value": headings, "min": ctx.benchmark.min_headings, "max": ctx.benchmark.max_headings},
        )
