"""Letting the writer settle which heading is which section, in the report itself.

For an unknown heading, the pack's missing sections most likely to be it; for a missing section,
the unknown headings most likely to be it. Likelihood is what section matching weighs
(:mod:`aicmo_core.document.alignment`): the heading's words for the section, and whether the
section's place in the pack lies between the sections matched just before and after the heading.
The edit is an explicit ``aicmo:section`` marker above the heading, so the report carries its own
mapping and the CLI agrees with the editor.
"""

from __future__ import annotations

from dataclasses import dataclass

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.check import ReportResult
from aicmo_core.document.matching import matcher_for
from aicmo_core.document.model import Section
from aicmo_core.document.text import normalize_heading
from aicmo_core.edits import TextEdit
from aicmo_core.spans import Position, Span

MOST_LIKELY = 3  # choices offered at a time
IN_PLACE = 1.0  # the section's place in the pack lies between the heading's matched neighbours


@dataclass(frozen=True, slots=True)
class Choice:
    section: Section  # the heading
    benchmark: SectionBenchmark  # the pack section it may be
    likelihood: float


def _unknown_headings(result: ReportResult) -> list[Section]:
    return [r.section for r in result.sections if r.section.match.how == "unknown"]


def _missing(result: ReportResult) -> list[SectionBenchmark]:
    assert result.pack is not None
    present = {r.section.id for r in result.sections if r.section.id}
    return [section for section in result.pack.sections if section.id not in present]


def _likelihood(result: ReportResult, heading: Section, benchmark: SectionBenchmark) -> float:
    assert result.pack is not None
    order = [section.id for section in result.pack.sections]
    place = order.index(benchmark.id)
    before = [order.index(s.section.id) for s in result.sections if s.section.id and s.section.index < heading.index]
    after = [order.index(s.section.id) for s in result.sections if s.section.id and s.section.index > heading.index]
    likelihood = IN_PLACE if max(before, default=-1) < place < min(after, default=len(order)) else 0.0
    matcher = matcher_for(result.pack, result.structure.aliases if result.structure else None)
    evidence = matcher.weak_evidence(normalize_heading(heading.heading.text), benchmark.id)
    return likelihood + (evidence[0] if evidence is not None else 0.0)


def _ranked(choices: list[Choice]) -> list[Choice]:
    likely = [choice for choice in choices if choice.likelihood > 0]
    return sorted(likely, key=lambda c: (-c.likelihood, c.section.index))[:MOST_LIKELY]


def sections_for_heading(result: ReportResult, heading: Section) -> list[Choice]:
    """The missing sections an unknown heading most likely is, most likely first."""
    return _ranked([Choice(heading, b, _likelihood(result, heading, b)) for b in _missing(result)])


def headings_for_section(result: ReportResult, benchmark: SectionBenchmark) -> list[Choice]:
    """The unknown headings most likely to be a missing section, most likely first."""
    return _ranked([Choice(h, benchmark, _likelihood(result, h, benchmark)) for h in _unknown_headings(result)])


def marker_edit(heading: Section, section_id: str) -> TextEdit:
    """The line ``<!-- aicmo:section ID -->`` (``{/* ... */}`` in MDX) inserted above the heading."""
    marker = f"{{/* aicmo:section {section_id} */}}" if heading.doc.mdx else f"<!-- aicmo:section {section_id} -->"
    start = Position(heading.start_line, 0)
    return TextEdit(Span(start, start), marker + "\n")
