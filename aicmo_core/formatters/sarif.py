"""SARIF 2.1.0 for GitHub code scanning: one run, the rules that fired, one result per finding.

Columns are UTF-16 code units (``columnKind: utf16CodeUnits``), the same unit LSP uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aicmo_core import __version__
from aicmo_core.check import ReportResult
from aicmo_core.findings import Severity
from aicmo_core.rules.registry import RULES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULES_DOC = "https://github.com/aicmo/aicmo/blob/main/docs/rules.md"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def rule_help_uri(code: str) -> str:
    return f"{RULES_DOC}#{code.lower()}"


def results_sarif(items: Sequence[tuple[str, ReportResult]]) -> dict[str, Any]:
    used = sorted({finding.code for _, result in items for finding in result.findings})
    rule_index = {code: index for index, code in enumerate(used)}
    rules = []
    for code in used:
        rule = RULES[code]
        rules.append(
            {
                "id": code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.doc.replace("**", "")},
                "helpUri": rule_help_uri(code),
                "help": {"text": rule.doc.replace("**", ""), "markdown": rule.doc},
                "defaultConfiguration": {"level": _LEVELS[rule.severity]},
            }
        )
    results = []
    for path, result in items:
        for finding in result.findings:
            span = finding.span
            results.append(
                {
                    "ruleId": finding.code,
                    "ruleIndex": rule_index[finding.code],
                    "level": _LEVELS[finding.severity],
                    "message": {"text": f"{finding.rule}: {finding.message}"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
                                "region": {
                                    "startLine": span.start.line + 1,
                                    "startColumn": span.start.character + 1,
                                    "endLine": span.end.line + 1,
                                    "endColumn": span.end.character + 1,
                                },
                            }
                        }
                    ],
                    "properties": {"section": finding.section, "rule": finding.rule},
                }
            )
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
                        "rules": rules,
                    }
                },
                "columnKind": "utf16CodeUnits",
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The folder aicmo check ran in."}}},
                "results": results,
            }
        ],
    }
