from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.findings import Issue, Severity
from aicmo_core.rules.registry import HeadingContext, Scope, rule


@rule(code="AIC002", name="unknown_section", severity=Severity.INFO, scope=Scope.HEADING)
def unknown_section(ctx: HeadingContext) -> Iterator[Issue]:
    """A section-level heading names no section of the pack (information only).

    **What it checks**: headings at the report's section level that match no section by id,
    label, alias or similarity. They are listed, never dropped and never forced onto a wrong
    section; their text is not checked against any benchmark. An `aicmo:section` comment naming an
    id the pack does not have is reported here too.

    **Why it matters**: often the heading is a pack section in other words; an alias in
    `aicmo.toml` or an `<!-- aicmo:section ID -->` comment makes it count.

    **Example**: `## Growth Loop` in a Full-Funnel report: keep it as extra material, or mark it
    with `<!-- aicmo:section retention_strategy -->` if that is what it is.

    **Configuration**: `aliases` in `aicmo.toml`; section aliases in the pack.
    """
    how = ctx.section.match.how
    if how == "unknown":
        message = f"'{ctx.label}' is not a section of {ctx.pack.label}"
    elif how == "invalid":
        message = f"'{ctx.label}' is marked as a section this pack does not have"
    else:  # a duplicate: duplicate_section says so
        return
    yield Issue(ctx.heading_span, message, {"heading": ctx.label})
