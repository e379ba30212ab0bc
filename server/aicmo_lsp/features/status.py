"""The ``aicmo/status`` notification: per document, its pack and section counts for a status bar.

Payload (documented in docs/lsp.md)::

    {"uri": str, "version": int | None, "pack": str | None, "packLabel": str | None,
     "status": "PASS" | "PASS_WITH_WARNINGS" | "FAIL" | "SKIPPED" | "CLOSED",
     "sections": {"total": int, "passed": int, "warned": int, "failed": int, "missing": int, "unknown": int},
     "errors": int, "warnings": int,
     "failing": [{"section": str, "label": str, "line": int, "errors": int}],
     "suggestion": {"pack": str, "label": str, "found": int, "total": int} | None}

``failing`` lists the sections that fail, in document order, with the 0-based line of their heading,
so a status bar can offer to jump to each. ``suggestion`` is the pack a document that names none
looks like (its headings cover ``found`` of the pack's ``total`` sections), else None.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from aicmo_core.check import ReportResult
from aicmo_core.findings import Severity
from aicmo_core.summary import status_counts
from aicmo_lsp.app import AicmoLanguageServer
from aicmo_lsp.protocol import STATUS_NOTIFICATION


def status_payload(uri: str, version: int | None, result: ReportResult | None, closed: bool = False) -> dict[str, Any]:
    if result is None or result.pack is None:
        detection = result.detection if result is not None else None
        suggestion = (
            {
                "pack": detection.pack.key,
                "label": detection.pack.label,
                "found": detection.found,
                "total": detection.total,
            }
            if detection is not None
            else None
        )
        return {
            "uri": uri,
            "version": version,
            "pack": result.pack_key if result is not None else None,
            "packLabel": None,
            "status": "CLOSED" if closed else (result.status.value if result is not None else "SKIPPED"),
            "sections": {"total": 0, "passed": 0, "warned": 0, "failed": 0, "missing": 0, "unknown": 0},
            "errors": result.errors if result is not None else 0,
            "warnings": result.warnings if result is not None else 0,
            "failing": [],
            "suggestion": suggestion,
        }
    counts = status_counts(result)
    return {
        "uri": uri,
        "version": version,
        "pack": result.pack.key,
        "packLabel": result.pack.label,
        "status": result.status.value,
        "sections": {
            "total": len(result.pack.sections),
            "passed": counts.passed,
            "warned": counts.warned,
            "failed": counts.failed,
            "missing": counts.missing,
            "unknown": counts.unknown,
        },
        "errors": result.errors,
        "warnings": result.warnings,
        "suggestion": None,
        "failing": [
            {
                "section": r.section.id,
                "label": r.section.heading.title,
                "line": r.section.start_line,
                "errors": sum(1 for f in r.findings if f.severity is Severity.ERROR),
            }
            for r in result.failing_sections()
        ],
    }


def register(server: AicmoLanguageServer) -> None:
    def notify(uri: str, result: ReportResult | None) -> None:
        document = server.workspace.text_documents.get(unquote(uri))  # pygls keys documents by unquoted URI
        version = document.version if document is not None else None
        payload = status_payload(uri, version, result, closed=document is None)
        server.protocol.notify(STATUS_NOTIFICATION, payload)

    server.listeners.append(notify)
