from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.findings import Issue, Severity
from aicmo_core.rules._helpers import bound_note, plural
from aicmo_core.rules.registry import SectionContext, rule


@rule(code="AIC122", name="max_headings", severity=Severity.WARNING, note=bound_note("sub-headings"))
def max_headings(ctx: SectionContext) -> Iterator[Issue]:
    """A section has more sub-headings than its benchmark allows (a warning).

    **What it checks**: sub-headings (counted as for `min_headings`) against `max_headings`.

    **Why it matters**: too many sub-headings fragment a section into fragments nobody reads as one
    argument.

    **Example**: twelve `###` headings of one line each in a section that allows 6: merge them.

    **Configuration**: `max_headings`.
    """
    limit = ctx.benchmark.max_headings
    headings = ctx.metrics.headings
    if limit is not None and headings > limit:
        yield Issue(
            ctx.heading_span,
            f"{plural(headings, 'sub-heading')}; this section allows at most {limit}",
            {"value": headings, "min": ctx.benchmark.min_headings, "max": limit},
        )
