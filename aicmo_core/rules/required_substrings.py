from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.document.text import phrase_pattern
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules._helpers import names_note, quoted
from aicmo_core.rules.registry import SectionContext, rule


def _states(benchmark: SectionBenchmark, sub_heading: str) -> str | None:
    if not benchmark.required_substrings:
        return None
    return f"Required phrases, each verbatim at least once: {quoted(benchmark.required_substrings)}."


@rule(
    code="AIC141",
    name="required_substrings",
    severity=Severity.ERROR,
    note=names_note("missing required phrase", "missing required phrases", "phrase"),
    states=_states,
)
def required_substrings(ctx: SectionContext) -> Iterator[Issue]:
    """A phrase the benchmark requires does not appear in the section.

    **What it checks**: each entry of `required_substrings` must occur, ignoring case and with any
    whitespace or emphasis between its words, in the section's prose, list items, table cells or
    sub-headings (not in its own heading, code, comments or link targets).

    **Why it matters**: these are labels clients and downstream tools look for, such as `Brand:` or
    `Big Idea:`.

    **Example**: an overview that says "The brand is Glow Botanicals" fails `Brand:`; write
    `**Brand:** Glow Botanicals`.

    **Configuration**: `required_substrings`.
    """
    blocks = list(ctx.section.blocks())
    for phrase in ctx.benchmark.required_substrings:
        pattern = phrase_pattern(phrase, whole_words=False)
        if not any(pattern.search(placed.block.content) for placed in blocks):
            yield Issue(ctx.heading_span, f"missing required phrase '{phrase}'", {"phrase": phrase})
