"""``path:line:col: severity CODE rule message`` lines, 1-based so terminals make them clickable."""

from __future__ import annotations

from collections.abc import Sequence

from aicmo_core.check import ReportResult
from aicmo_core.findings import Finding, Status


def finding_line(path: str, finding: Finding) -> str:
    start = finding.span.start
    where = f"{path}:{start.line + 1}:{start.character + 1}"
    return f"{where}: {finding.severity.value} {finding.code} {finding.rule} {finding.message}"


def summary_line(results: Sequence[ReportResult]) -> str:
    reports = [r for r in results if r.status is not Status.SKIPPED]
    failed = sum(1 for r in reports if r.status is Status.FAIL)
    errors = sum(r.errors for r in results)
    warnings = sum(r.warnings for r in results)
    skipped = len(results) - len(reports)
    parts = [f"{len(results)} file{'s' if len(results) != 1 else ''} checked"]
    parts.append(f"{failed} failed, {len(reports) - failed} passed" + (f", {skipped} not reports" if skipped else ""))
    return (
        ": ".join(parts)
        + f"; {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    )
