"""The JSON output of ``aicmo check --output-format json`` (version 1, documented in docs/cli.md).

Version 1 only grows: keys are added (``problems``), never renamed or removed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aicmo_core.check import ReportResult
from aicmo_core.findings import Finding
from aicmo_core.formatters.run import CheckRun, RunProblem, display_path
from aicmo_core.formatters.text import problem_lines

JSON_VERSION = 1


def finding_json(path: str, finding: Finding) -> dict[str, Any]:
    span = finding.span
    return {
        "path": path,
        "line": span.start.line + 1,
        "column": span.start.character + 1,
        "end_line": span.end.line + 1,
        "end_column": span.end.character + 1,
        "severity": finding.severity.value,
        "code": finding.code,
        "rule": finding.rule,
        "section": finding.section,
        "message": finding.message,
        "data": dict(finding.data),
    }


def report_json(path: str, result: ReportResult) -> dict[str, Any]:
    sections = []
    for section_result in result.sections:
        section = section_result.section
        metrics = section.metrics
        sections.append(
            {
                "id": section.id,
                "label": section.benchmark.label if section.benchmark else None,
                "heading": section.heading.title,
                "line": section.heading.line + 1,
                "status": section_result.status.value,
                "matched_by": section.match.how,
                "match": {"how": section.match.how, "score": section.match.score, "why": section.match.why},
                "metrics": {
                    "words": metrics.words,
                    "bullets": metrics.bullets,
                    "headings": metrics.headings,
                    "sentences": metrics.sentences,
                    "avg_sentence_words": metrics.avg_sentence_words,
                    "repeated_line_ratio": metrics.repeated_line_ratio,
                },
            }
        )
    return {
        "path": path,
        "pack": result.pack_key,
        "status": result.status.value,
        "sections": sections,
        "findings": [finding_json(path, finding) for finding in result.findings],
    }


def problem_json(problem: RunProblem, root: Path) -> dict[str, Any]:
    return {
        "kind": problem.kind,
        "path": display_path(problem.path, root),
        "line": problem.line,
        "column": problem.column,
        "message": problem.message,
    }


def results_json(run: CheckRun) -> dict[str, Any]:
    items = run.results
    return {
        "version": JSON_VERSION,
        "files": [report_json(path, result) for path, result in items],
        "problems": [problem_json(problem, run.root) for problem in run.problems],
        "summary": {
            "files": len(items),
            "errors": sum(result.errors for _, result in items),
            "warnings": sum(result.warnings for _, result in items),
        },
    }


def render_json(run: CheckRun) -> tuple[str, str]:
    """The JSON document on standard output; the problems also on standard error, as text says them."""
    return json.dumps(results_json(run), indent=2, ensure_ascii=False) + "\n", problem_lines(run)
