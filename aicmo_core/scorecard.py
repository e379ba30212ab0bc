"""A report's scorecard: every section of its pack with its figures, bounds and findings, as the
plain data a client draws a table from (the language server's ``aicmo.scorecard``, docs/lsp.md)."""

from __future__ import annotations

from typing import Any

from aicmo_core.check import ReportResult, SectionResult
from aicmo_core.findings import Severity
from aicmo_core.rewrite import expand_target
from aicmo_core.summary import finding_notes, hover_rows, missing_sections

WORDS = "words"  # the measure a section's own fields carry; ``bounds`` lists the others


def section_score(result: SectionResult) -> dict[str, Any]:
    """One checked section: its status, words and word range, the words Expand aims for, its other
    bounded measures and its findings in a few words."""
    section, benchmark = result.section, result.section.benchmark
    assert benchmark is not None
    bounds = [
        {
            "name": row.measure.name,
            "label": row.label,
            "value": row.measure.value,
            "min": row.measure.low,
            "max": row.measure.high,
            "ok": row.ok,
            "now": row.now,  # as the hover writes them: "0%", "at most 30%"
            "bound": row.bound,
        }
        for row in hover_rows(result)
        if row.measure is not None and row.measure.name != WORDS and row.measure.bounded
    ]
    return {
        "section": benchmark.id,
        "label": benchmark.label,
        "line": section.heading.line,
        "status": result.status.value,
        "words": section.metrics.words,
        "minWords": benchmark.min_words,
        "maxWords": benchmark.max_words,
        "expandTarget": expand_target(result),
        "errors": sum(1 for f in result.findings if f.severity is Severity.ERROR),
        "warnings": sum(1 for f in result.findings if f.severity is Severity.WARNING),
        "bounds": bounds,
        "findings": finding_notes(result),
    }


def scorecard(uri: str, version: int | None, result: ReportResult | None) -> dict[str, Any]:
    """The scorecard of a checked document; for one that is no report (or was not checked) its pack
    key if it names one, its status and no sections."""
    pack = result.pack if result is not None else None
    card: dict[str, Any] = {
        "uri": uri,
        "version": version,
        "pack": result.pack_key if result is not None else None,
        "packLabel": pack.label if pack is not None else None,
        "status": result.status.value if result is not None else "SKIPPED",
        "sections": [],
        "missing": [],
        "unknown": [],
    }
    if result is None or pack is None:
        return card
    card["sections"] = [section_score(r) for r in result.sections if r.section.benchmark is not None]
    card["missing"] = [{"section": s.id, "label": s.label} for s in missing_sections(result)]
    card["unknown"] = [
        {"label": r.section.heading.title, "line": r.section.heading.line}
        for r in result.sections
        if r.section.benchmark is None
    ]
    return card
