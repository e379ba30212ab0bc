from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.document.model import Section
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules._helpers import bound_note, bound_text, plural, prompt_range, range_row
from aicmo_core.rules.registry import HoverRow, SectionContext, rule


def _hover(benchmark: SectionBenchmark, section: Section) -> HoverRow:
    return range_row("bullets", section.metrics.bullets, benchmark.min_bullets, benchmark.max_bullets)


def _states(benchmark: SectionBenchmark, sub_heading: str) -> str | None:
    if not benchmark.min_bullets and benchmark.max_bullets is None:
        return None
    return f"List items (bulleted or numbered): {prompt_range(benchmark.min_bullets, benchmark.max_bullets)}."


@rule(
    code="AIC111", name="min_bullets", severity=Severity.ERROR, hover=_hover, note=bound_note("bullets"), states=_states
)
def min_bullets(ctx: SectionContext) -> Iterator[Issue]:
    """A section has fewer list items than its benchmark asks for.

    **What it checks**: list items found by the Markdown parse, bulleted or numbered, nested ones
    included, against `min_bullets`. Table rules (`|---|`), horizontal rules and `**bold**` lines
    are not list items.

    **Why it matters**: the benchmark asks for scannable, concrete points (tactics, metrics, steps).

    **Example**: a KPI Plan written as one paragraph fails a `min_bullets: 10`; list each KPI with
    its target as its own item.

    **Configuration**: `min_bullets` (and `max_bullets` for the message's range).
    """
    bullets = ctx.metrics.bullets
    if bullets < ctx.benchmark.min_bullets:
        need = bound_text(ctx.benchmark.min_bullets, ctx.benchmark.max_bullets)
        yield Issue(
            ctx.heading_span,
            f"{plural(bullets, 'bullet')}; this section needs {need}",
            {"value": bullets, "min": ctx.benchmark.min_bullets, "max": ctx.benchmark.max_bullets},
        )
