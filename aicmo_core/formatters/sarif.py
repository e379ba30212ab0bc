"""SARIF 2.1.0 for GitHub code scanning: one run, the rules that fired, one result per finding.

Columns are UTF-16 code units (``columnKind: utf16CodeUnits``), the same unit LSP uses. Artifact
URIs are RFC 3986 references: relative to ``%SRCROOT%`` (the folder the run started in, given as a
``file://`` URI) for a file inside it, an absolute ``file://`` URI otherwise; both percent-encode
the UTF-8 bytes of the path, so a space, ``#``, ``%``, ``?`` or an accent survives. Files the run
could not use are notifications of the one invocation, which then did not succeed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote_from_bytes

from aicmo_core import __version__
from aicmo_core.findings import Finding, Severity
from aicmo_core.formatters.run import CheckRun, RunProblem, absolute_path, display_path, is_inside
from aicmo_core.formatters.text import problem_lines
from aicmo_core.rules.registry import RULES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULES_DOC = "https://github.com/aicmo/aicmo/blob/main/docs/rules.md"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SRCROOT = "%SRCROOT%"
# A configuration error is about how the tool was set up, an unreadable report about its run.
_NOTIFICATIONS = {"configuration": "toolConfigurationNotifications", "read": "toolExecutionNotifications"}


def rule_help_uri(code: str) -> str:
    return f"{RULES_DOC}#{code.lower()}"


def folder_uri(folder: Path) -> str:
    """The ``file://`` URI of a folder, ending with ``/`` as SARIF requires of a base URI."""
    uri = folder.absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def artifact_location(display: str, root: Path) -> dict[str, str]:
    """Where a file is, for a display path (see :func:`aicmo_core.formatters.run.display_path`)."""
    if is_inside(display):
        return {"uri": quote_from_bytes(os.fsencode(display), safe="/"), "uriBaseId": SRCROOT}
    return {"uri": absolute_path(display, root).as_uri()}


def _notification(problem: RunProblem, root: Path) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact_location(display_path(problem.path, root), root)}
    if problem.line is not None:
        physical["region"] = {"startLine": problem.line}
        if problem.column is not None:
            physical["region"]["startColumn"] = problem.column
    return {
        "level": "error",
        "message": {"text": problem.message},
        "descriptor": {"id": f"{problem.kind}-error"},
        "locations": [{"physicalLocation": physical}],
    }


def _invocation(run: CheckRun) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": not run.problems}
    for problem in run.problems:
        invocation.setdefault(_NOTIFICATIONS[problem.kind], []).append(_notification(problem, run.root))
    return invocation


def _rule(code: str) -> dict[str, Any]:
    rule = RULES[code]
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc.replace("**", "")},
        "helpUri": rule_help_uri(code),
        "help": {"text": rule.doc.replace("**", ""), "markdown": rule.doc},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
    }


def _result(location: dict[str, str], finding: Finding, rule_index: int) -> dict[str, Any]:
    span = finding.span
    region = {
        "startLine": span.start.line + 1,
        "startColumn": span.start.character + 1,
        "endLine": span.end.line + 1,
        "endColumn": span.end.character + 1,
    }
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.severity],
        "message": {"text": f"{finding.rule}: {finding.message}"},
        "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
        "properties": {"section": finding.section, "rule": finding.rule},
    }


def results_sarif(run: CheckRun) -> dict[str, Any]:
    used = sorted({finding.code for _, result in run.results for finding in result.findings})
    rule_index = {code: index for index, code in enumerate(used)}
    results: list[dict[str, Any]] = []
    for path, result in run.results:
        location = artifact_location(path, run.root)
        results.extend(_result(location, finding, rule_index[finding.code]) for finding in result.findings)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "aicmo",
                        "version": __version__,
                        "informationUri": "https://github.com/aicmo/aicmo",
                        "rules": [_rule(code) for code in used],
                    }
                },
                "invocations": [_invocation(run)],
                "columnKind": "utf16CodeUnits",
                "originalUriBaseIds": {
                    SRCROOT: {"uri": folder_uri(run.root), "description": {"text": "The folder aicmo check ran in."}}
                },
                "results": results,
            }
        ],
    }


def render_sarif(run: CheckRun) -> tuple[str, str]:
    """The SARIF log on standard output; the problems also on standard error, as text says them."""
    return json.dumps(results_sarif(run), indent=2, ensure_ascii=False) + "\n", problem_lines(run)
