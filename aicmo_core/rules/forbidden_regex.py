from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.benchmarks.patterns import Budget
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules._helpers import names_note
from aicmo_core.rules.registry import SectionContext, rule


def _states(benchmark: SectionBenchmark, sub_heading: str) -> str | None:
    if not benchmark.forbidden_regex:
        return None
    patterns = ", ".join(f"`{pattern}`" for pattern in benchmark.forbidden_regex)
    return f"Forbidden patterns (Python regular expressions; no text may match): {patterns}."


@rule(
    code="AIC143",
    name="forbidden_regex",
    severity=Severity.ERROR,
    note=names_note("forbidden pattern in", "forbidden patterns in", "found"),
    states=_states,
)
def forbidden_regex(ctx: SectionContext) -> Iterator[Issue]:
    """Text in the section matches a forbidden regular expression.

    **What it checks**: each Python regular expression of `forbidden_regex` against each prose
    block of the section (paragraph, list item, table row, sub-heading); every match is reported at
    its exact place. Patterns decide their own case rules (`(?i)` for case-insensitive). They run
    with a time limit: all of a section's patterns share 0.5 s, and a pattern still matching then
    abandons the rule for that section with one `AIC901 check_timeout` finding. Patterns that
    obviously backtrack without end (`(a+)+`, `(a|a)*`, `(.*)*`) are refused when the pack loads.

    **Why it matters**: clichés like "in today's digital age" have many spellings that a pattern
    catches in one line.

    **Example**: "Content is king for Glow" matches `(?i)content is king`; say what the content
    does for this client instead.

    **Configuration**: `forbidden_regex`.
    """
    if not ctx.benchmark.forbidden_regex:
        return
    budget = Budget()  # raises PatternTimeout, which the engine reports as AIC901 check_timeout
    for placed in ctx.section.blocks():
        content = placed.block.content
        for pattern in ctx.benchmark.forbidden_regex:
            for match in budget.finditer(pattern, content):
                if match.end() == match.start():
                    continue
                yield Issue(
                    placed.span_of(ctx.doc, match.start(), match.end()),
                    f"text matches forbidden pattern {pattern!r}: '{match.group(0)}'",
                    {"pattern": pattern, "found": match.group(0)},
                )
