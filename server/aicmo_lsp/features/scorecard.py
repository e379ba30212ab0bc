"""``aicmo.scorecard``: every section of an open report with its figures, for a client's table.

The data is the core's (:func:`aicmo_core.scorecard.scorecard`); this module checks the argument
and finds the document's current result. What it answers is in ``docs/lsp.md``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from aicmo_core.scorecard import scorecard as report_scorecard
from aicmo_lsp import arguments
from aicmo_lsp.app import AicmoLanguageServer


async def scorecard(ls: AicmoLanguageServer, *raw: Any) -> dict[str, Any] | None:
    """``{"uri"}``: the scorecard of an open document (``SKIPPED`` with no sections when it is no
    report), ``null`` when the document is not open."""
    uri = arguments.string(arguments.options_of(raw, ("uri",)), "uri", limit=arguments.MAX_URI_CHARS)
    assert uri is not None  # required
    document = ls.workspace.text_documents.get(unquote(uri))  # pygls keys documents by unquoted URI
    if document is None:
        return None
    result = await ls.current_result(uri)
    return report_scorecard(uri, document.version, result)
