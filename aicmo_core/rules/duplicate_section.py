from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.findings import Issue, Severity
from aicmo_core.rules.registry import ReportContext, Scope, rule


@rule(code="AIC003", name="duplicate_section", severity=Severity.WARNING, scope=Scope.REPORT)
def duplicate_section(ctx: ReportContext) -> Iterator[Issue]:
    """A second heading names a section another heading already took (a warning).

    **What it checks**: section-level headings that match a section another heading took: the
    first exact (or explicit) match takes a section, else the first similar one (see "Which heading
    is which section" in `docs/counting.md`). Only the heading that took the section is checked
    against the benchmark; the duplicate's text counts for nothing.

    **Why it matters**: a section split over several headings ("Channel Deep-Dive: Meta",
    "Channel Deep-Dive: Google") is checked as a fraction of itself.

    **Example**: make the parts sub-headings (`###`) of one `## Channel-by-Channel Review`.

    **Configuration**: none.
    """
    firsts = {section.id: section for section in ctx.sections if section.id}
    for section in ctx.sections:
        if section.match.how != "duplicate" or section.match.section_id is None:
            continue
        first = firsts.get(section.match.section_id)
        where = f" (checked at line {first.heading.line + 1})" if first else ""
        label = first.benchmark.label if first and first.benchmark else section.match.section_id
        yield Issue(
            section.heading_span,
            f"'{section.heading.title}' repeats section '{label}'{where}; make it a sub-heading of that section",
            {"section_id": section.match.section_id},
            section=section.match.section_id,
        )
