"""``path:line:col: severity CODE rule message`` lines, 1-based so terminals make them clickable.

``aicmo check`` prints a file's lines as soon as it is checked (above the progress bar, see
``aicmo_core/cli/check.py``); :func:`render_text` gives what comes after: the summary line on
standard output and the problems of the run on standard error.
"""

from __future__ import annotations

from collections.abc import Sequence

from aicmo_core.check import ReportResult
from aicmo_core.findings import Finding, Severity, Status
from aicmo_core.formatters.run import CheckRun


def finding_line(path: str, finding: Finding) -> str:
    start = finding.span.start
    where = f"{path}:{start.line + 1}:{start.character + 1}"
    return f"{where}: {finding.severity.value} {finding.code} {finding.rule} {finding.message}"


def finding_lines(path: str, result: ReportResult, quiet: bool) -> list[str]:
    """The lines of one file's findings; ``quiet`` leaves out ``info`` findings."""
    return [
        finding_line(path, finding) for finding in result.findings if not (quiet and finding.severity is Severity.INFO)
    ]


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


def problem_lines(run: CheckRun) -> str:
    """The run's problems as ``aicmo: ...`` lines for standard error (every format but GitHub's)."""
    return "".join(problem.stderr_line() + "\n" for problem in run.problems)


def render_text(run: CheckRun) -> tuple[str, str]:
    summary = "" if run.quiet else summary_line([result for _, result in run.results]) + "\n"
    return summary, problem_lines(run)
