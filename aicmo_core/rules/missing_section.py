from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.benchmarks.models import Pack
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules.registry import ReportContext, Scope, rule


def _relaxed_unless_strict(pack: Pack) -> Severity | None:
    """A pack that is not ``strict`` makes a missing section a warning."""
    return None if pack.strict else Severity.WARNING


@rule(
    code="AIC001",
    name="missing_section",
    severity=Severity.ERROR,
    scope=Scope.REPORT,
    pack_severity=_relaxed_unless_strict,
)
def missing_section(ctx: ReportContext) -> Iterator[Issue]:
    """A section of the pack has no heading in the report.

    **What it checks**: every section of the report's pack must be named by one section-level
    heading (see "Which heading is which section" in `docs/counting.md`). The finding sits on the
    front matter's `pack:` line (or the first line) and says where the section belongs. In packs
    with `strict: false` it is a warning.

    **Why it matters**: a report that silently drops a promised part passes nobody's review.

    **Example**: a Quick Social report without a hashtag section: add `## Hashtag Strategy` after
    Content Buckets.

    **Configuration**: the pack's section list and `strict`.
    """
    present = {section.id for section in ctx.sections if section.id}
    order = [section.id for section in ctx.pack.sections]
    labels = {section.id: section.label for section in ctx.pack.sections}
    span = None  # the same for every finding: found once, when the first needs it
    for position, section in enumerate(ctx.pack.sections):
        if section.id in present:
            continue
        before = next((labels[i] for i in reversed(order[:position]) if i in present), None)
        after = next((labels[i] for i in order[position + 1 :] if i in present), None)
        if before and after:
            where = f"between '{before}' and '{after}'"
        elif before:
            where = f"after '{before}'"
        elif after:
            where = f"before '{after}'"
        else:
            where = f"as section {position + 1} of {len(order)}"
        span = span or ctx.report_span()
        yield Issue(
            span,
            f"missing section '{section.label}' ({section.id}); the pack expects it {where}",
            {"section_id": section.id, "label": section.label, "position": position},
            section=section.id,
        )
