from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.findings import Issue, Severity
from aicmo_core.rules.registry import HeadingContext, SectionContext, rule


@rule(code="AIC005", name="empty_section", severity=Severity.ERROR, exclusive=True, unmatched=True)
def empty_section(ctx: SectionContext | HeadingContext) -> Iterator[Issue]:
    """A section has a heading and nothing else.

    **What it checks**: a section whose body holds nothing but blank lines and comments. When it
    fires, the section's other checks are skipped: one clear finding instead of ten. It holds for
    every section-level heading, also one that names no section of the pack.

    **Why it matters**: an empty heading is a placeholder that must not reach the client.

    **Example**: `## Hashtag Strategy` directly followed by `## KPI Plan`: write the section or
    remove the heading.

    **Configuration**: none in the benchmark: every section of a pack needs content (like every
    rule, it can be turned off with `[severity]` in `aicmo.toml`).
    """
    if not ctx.section.has_content():
        yield Issue(ctx.heading_span, f"section '{ctx.label}' is empty", {})
