from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.findings import Issue, Severity
from aicmo_core.rules._helpers import bound_note, plural
from aicmo_core.rules.registry import SectionContext, rule


@rule(code="AIC102", name="max_words", severity=Severity.ERROR, note=bound_note("words"))
def max_words(ctx: SectionContext) -> Iterator[Issue]:
    """A section has more words than its benchmark allows.

    **What it checks**: the section's body words (counted as for `min_words`) against `max_words`.

    **Why it matters**: an overlong section buries its point; the benchmark's upper bound is what
    clients read to the end.

    **Example**: a 520-word Final Summary in a pack that allows 220-350 fails; cut repetition and
    move detail into the sections it summarises.

    **Configuration**: `max_words`.
    """
    words = ctx.metrics.words
    if words > ctx.benchmark.max_words:
        yield Issue(
            ctx.heading_span,
            f"{plural(words, 'word')}; this section allows {ctx.benchmark.min_words}-{ctx.benchmark.max_words}",
            {"value": words, "min": ctx.benchmark.min_words, "max": ctx.benchmark.max_words},
        )
