from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.benchmarks.models import SectionBenchmark, SectionFormat
from aicmo_core.document.model import Section
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules.registry import HoverRow, SectionContext, rule


def _hover(benchmark: SectionBenchmark, section: Section) -> HoverRow | None:
    wanted = benchmark.format
    if wanted is SectionFormat.BLOCK:
        return None
    metrics = section.metrics
    has = metrics.tables > 0 if wanted is SectionFormat.TABLE else metrics.lists > 0
    now = "table" if metrics.tables else ("list" if metrics.lists else "prose")
    return HoverRow("format", now, wanted.value, has)


def _states(benchmark: SectionBenchmark, sub_heading: str) -> str | None:
    if benchmark.format is SectionFormat.TABLE:
        return "Format: include a Markdown table (a header row, a `|---|` delimiter row, then rows)."
    if benchmark.format is SectionFormat.LIST:
        return "Format: include a Markdown list."
    return None


@rule(code="AIC171", name="format", severity=Severity.ERROR, hover=_hover, states=_states)
def format_(ctx: SectionContext) -> Iterator[Issue]:
    """The section lacks the shape its benchmark requires: a table or a list.

    **What it checks**: `format: markdown_table` needs a real Markdown table in the section (a
    header row and a delimiter row, as the parser reads it; a `|` in a sentence is not a table);
    `format: markdown_list` needs a bulleted or numbered list; `markdown_block` needs nothing more.

    **Why it matters**: calendars, funnels and flows are compared across rows and columns; prose
    cannot be scanned that way.

    **Example**: a 30-day calendar written as paragraphs fails `markdown_table`; put the days in a
    `| Day | Platform | Theme |` table.

    **Configuration**: `format`.
    """
    wanted = ctx.benchmark.format
    metrics = ctx.metrics
    if wanted is SectionFormat.TABLE and metrics.tables == 0:
        yield Issue(
            ctx.heading_span, "no table in this section; its format is markdown_table", {"format": wanted.value}
        )
    elif wanted is SectionFormat.LIST and metrics.lists == 0:
        yield Issue(ctx.heading_span, "no list in this section; its format is markdown_list", {"format": wanted.value})
