from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.findings import Issue, Severity
from aicmo_core.rules.registry import DocumentContext, Scope, rule


@rule(code="AIC006", name="front_matter", severity=Severity.ERROR, scope=Scope.DOCUMENT)
def front_matter(ctx: DocumentContext) -> Iterator[Issue]:
    """The report's front matter is not valid YAML.

    **What it checks**: the block between the first two `---` lines must be a YAML mapping. When it
    is not, the report's pack and settings cannot be read; the finding sits on the offending line.

    **Why it matters**: a typo there silently turns benchmarks off for the whole report.

    **Example**: `pack quick_social_basic` (no colon): write `pack: quick_social_basic`.

    **Configuration**: none.
    """
    front = ctx.doc.front_matter
    if front is not None and front.error:
        line = min(front.error_line or 1, max(front.end_line - 1, 0))
        yield Issue(ctx.doc.index.line_span(line), front.error, {})
