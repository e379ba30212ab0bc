from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.document.model import Section
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules._helpers import bound_note
from aicmo_core.rules.registry import HoverRow, Measure, SectionContext, rule


def _hover(benchmark: SectionBenchmark, section: Section) -> HoverRow:
    ratio, limit = section.metrics.repeated_line_ratio, benchmark.max_repeated_line_ratio
    measure = Measure("repeated_line_ratio", round(ratio, 4), None, limit)
    return HoverRow("repeated lines", f"{ratio:.0%}", f"at most {limit:.0%}", ratio <= limit, measure)


def _states(benchmark: SectionBenchmark, sub_heading: str) -> str:
    return (
        f"Repetition: at most {benchmark.max_repeated_line_ratio:.0%} of lines may repeat an earlier line"
        " word for word."
    )


@rule(
    code="AIC151",
    name="max_repeated_line_ratio",
    severity=Severity.ERROR,
    hover=_hover,
    note=bound_note("repeated lines", "{:.0%}".format),
    states=_states,
)
def max_repeated_line_ratio(ctx: SectionContext) -> Iterator[Issue]:
    """Too many lines of the section repeat earlier lines.

    **What it checks**: the share of prose lines (paragraph lines, list items, table rows) whose
    words, ignoring case and punctuation, equal an earlier line's in the same section, against
    `max_repeated_line_ratio`. When the share is over the bound, each repeating line is reported.

    **Why it matters**: copy-pasted rows ("same as above" weeks in a calendar) look like padding.

    **Example**: a calendar whose weeks 2-4 repeat week 1 word for word; vary each week's focus.

    **Configuration**: `max_repeated_line_ratio` (0.0-1.0; default 0.5).
    """
    total, repeats = ctx.section.repeated_lines()
    if not total:
        return
    ratio = len(repeats) / total
    limit = ctx.benchmark.max_repeated_line_ratio
    if ratio <= limit:
        return
    for placed, start, end, first_line in repeats:
        yield Issue(
            placed.span_of(ctx.doc, start, end),
            f"line repeats line {first_line + 1}; {ratio:.0%} of this section's lines repeat, at most {limit:.0%}",
            {"value": round(ratio, 4), "max": limit, "first_line": first_line + 1},
        )
