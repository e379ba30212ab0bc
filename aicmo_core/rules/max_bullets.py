from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.findings import Issue, Severity
from aicmo_core.rules._helpers import bound_note, plural
from aicmo_core.rules.registry import SectionContext, rule


@rule(code="AIC112", name="max_bullets", severity=Severity.WARNING, note=bound_note("bullets"))
def max_bullets(ctx: SectionContext) -> Iterator[Issue]:
    """A section has more list items than its benchmark allows (a warning).

    **What it checks**: list items (counted as for `min_bullets`) against `max_bullets`.

    **Why it matters**: a wall of bullets hides priorities; group or cut them.

    **Example**: 40 bullets in a Messaging Framework that allows 15: merge related points into
    fewer, stronger ones.

    **Configuration**: `max_bullets`.
    """
    limit = ctx.benchmark.max_bullets
    bullets = ctx.metrics.bullets
    if limit is not None and bullets > limit:
        yield Issue(
            ctx.heading_span,
            f"{plural(bullets, 'bullet')}; this section allows at most {limit}",
            {"value": bullets, "min": ctx.benchmark.min_bullets, "max": limit},
        )
