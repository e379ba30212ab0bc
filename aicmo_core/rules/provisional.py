from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.findings import Issue, Severity
from aicmo_core.rules.registry import Scope, SectionContext, rule


@rule(code="AIC009", name="provisional", severity=Severity.WARNING, scope=Scope.SECTION_SUMMARY)
def provisional(ctx: SectionContext) -> Iterator[Issue]:
    """Generated text marked provisional still fails its benchmark.

    **What it checks**: a section holding an `<!-- aicmo:provisional ... -->` comment, which the
    generators write when no attempt passed the benchmark and the best one was kept, while the
    section still has errors. The finding sits on the comment and names what fails now. It goes away
    when the section passes or the writer deletes the comment.

    **Why it matters**: text a generator could not make pass needs a person's eyes before it
    reaches a client; the marker keeps it from being forgotten.

    **Example**: `<!-- aicmo:provisional fails: AIC101 min_words -->` above a section of 180 words
    that needs 280: add the missing material, then delete the comment.

    **Configuration**: none; the generators' `onExhausted` setting decides whether provisional text
    is written at all.
    """
    section = ctx.section
    failing = sorted({f"{f.code} {f.rule}" for f in ctx.findings if f.severity is Severity.ERROR})
    if not failing:
        return
    for directive in section.doc.directives:
        if directive.kind == "aicmo:provisional" and section.start_line <= directive.line < section.end_line:
            yield Issue(
                section.doc.index.line_span(directive.line, directive.start_col, directive.end_col)
                if directive.end_line == directive.line
                else section.doc.index.line_span(directive.line, directive.start_col),
                f"provisional generated text; still fails: {', '.join(failing)}",
                {"fails": failing},
            )
