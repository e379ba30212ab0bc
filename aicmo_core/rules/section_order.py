from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.document.alignment import longest_increasing
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules.registry import ReportContext, Scope, rule


@rule(code="AIC004", name="section_order", severity=Severity.WARNING, scope=Scope.REPORT)
def section_order(ctx: ReportContext) -> Iterator[Issue]:
    """A section appears out of the pack's order (a warning).

    **What it checks**: the matched sections, in document order, against the pack's order. The
    largest set of sections already in order stays; each other section is reported at its heading
    with the place it belongs among them ("between 'Content Buckets' and 'KPI Plan'").

    **Why it matters**: readers of a report type expect its parts in a known sequence.

    **Example**: Final Summary above KPI Plan in a Quick Social report: move it to the end.

    **Configuration**: the pack's section list.
    """
    order = {section.id: position for position, section in enumerate(ctx.pack.sections)}
    matched = [section for section in ctx.sections if section.id in order]
    positions = [order[section.id] for section in matched if section.id]
    keep = set(longest_increasing(positions))
    labels = [section.label for section in ctx.pack.sections]
    kept = sorted(positions[index] for index in keep)
    for index, section in enumerate(matched):
        if index in keep or section.id is None:
            continue
        position = order[section.id]
        # Where it goes among the sections that stay: between its nearest neighbours in pack order.
        before = next((labels[p] for p in reversed(kept) if p < position), None)
        after = next((labels[p] for p in kept if p > position), None)
        if before and after:
            hint = f"between '{before}' and '{after}'"
        elif before:
            hint = f"after '{before}'"
        elif after:
            hint = f"before '{after}'"
        else:
            hint = "elsewhere"
        yield Issue(
            section.heading_span,
            f"'{section.heading.title}' is out of order; the pack puts it {hint}",
            {"position": position},
            section=section.id,
        )
