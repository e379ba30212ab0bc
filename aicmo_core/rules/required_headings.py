from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.benchmarks.models import SectionBenchmark, SectionFormat
from aicmo_core.document.text import normalize_heading
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules._helpers import names_note, quoted
from aicmo_core.rules.registry import SectionContext, rule


def _contains_words(haystack: str, needle: str) -> bool:
    return f" {needle} " in f" {haystack} "


def _states(benchmark: SectionBenchmark, sub_heading: str) -> str | None:
    if not benchmark.required_headings:
        return None
    where = f"a `{sub_heading}` sub-heading"
    if benchmark.format is SectionFormat.TABLE:
        where += " or a table column header"
    return f"Required sub-headings, each as {where} containing these words: {quoted(benchmark.required_headings)}."


@rule(
    code="AIC131",
    name="required_headings",
    severity=Severity.ERROR,
    note=names_note("missing sub-heading", "missing sub-headings", "heading"),
    states=_states,
)
def required_headings(ctx: SectionContext) -> Iterator[Issue]:
    """A sub-heading the benchmark requires is missing.

    **What it checks**: each entry of `required_headings` must appear, as whole words and ignoring
    case, numbering, punctuation and emoji, in a sub-heading of the section or in a column header of
    a table in it, or in a bold lead-in label at the start of a line (`**Primary Goal:** ...`, or a
    line that is bold alone), which real reports use as light sub-headings. The section's own
    heading never satisfies it, and other text in paragraphs does not.

    **Why it matters**: required sub-headings are the parts a reviewer looks for first ("Primary
    Goal", "Week 1").

    **Example**: a Client Overview without a `### Primary Goal` sub-heading fails; add the
    sub-heading and its paragraph. `### Primary Goal & KPIs` also satisfies it.

    **Configuration**: `required_headings`.
    """
    present = [normalize_heading(heading.text) for _, heading in ctx.section.sub_headings()]
    present += [normalize_heading(label) for label in ctx.section.bold_labels()]
    present += [normalize_heading(cell) for _, table in ctx.section.tables() for cell in table.header_cells]
    for required in ctx.benchmark.required_headings:
        wanted = normalize_heading(required)
        if not any(_contains_words(text, wanted) for text in present):
            yield Issue(
                ctx.heading_span,
                f"missing sub-heading '{required}'",
                {"heading": required},
            )
