from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from aicmo_core.benchmarks.models import SectionBenchmark, SectionFormat
from aicmo_core.document.text import normalize_heading
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules._helpers import names_note, quoted
from aicmo_core.rules.registry import SectionContext, rule


def _contains_words(haystack: str, needle: str) -> bool:
    return f" {needle} " in f" {haystack} "


def _found(wanted: str, present: Iterable[str]) -> bool:
    return any(_contains_words(text, wanted) for text in present)


@lru_cache(maxsize=1024)  # the pack's names: normalised once per pack, not once per check
def _wanted(required: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(normalize_heading(name) for name in required)


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
    required = ctx.benchmark.required_headings
    if not required:
        return
    # Where a sub-heading can be, cheapest first; a place is read only while a name is still missing.
    places: tuple[Callable[[], Iterable[str]], ...] = (
        lambda: (heading.text for _, heading in ctx.section.sub_headings()),
        ctx.section.bold_labels,
        lambda: (cell for _, table in ctx.section.tables() for cell in table.header_cells),
    )
    missing = dict(zip(required, _wanted(required), strict=True))
    for place in places:
        if not missing:
            return
        present = [normalize_heading(text) for text in place()]
        missing = {name: wanted for name, wanted in missing.items() if not _found(wanted, present)}
    for name in required:
        if name in missing:
            yield Issue(ctx.heading_span, f"missing sub-heading '{name}'", {"heading": name})
