"""Pull diagnostics: ``textDocument/diagnostic`` and ``workspace/diagnostic``."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from lsprotocol import types

from aicmo_core.check import ReportResult
from aicmo_core.errors import Problem
from aicmo_lsp.app import REPORT_SUFFIXES, AicmoLanguageServer, uri_to_path
from aicmo_lsp.convert import PositionMapper, diagnostics

log = logging.getLogger(__name__)
WORKSPACE_FILE_LIMIT = 2000


def register(server: AicmoLanguageServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="aicmo", inter_file_dependencies=False, workspace_diagnostics=True),
    )
    async def document_diagnostic(
        ls: AicmoLanguageServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        result = await ls.current_result(params.text_document.uri)
        items = diagnostics(result, ls.result_mapper(result)) if result is not None else []
        return types.RelatedFullDocumentDiagnosticReport(items=items)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(
        ls: AicmoLanguageServer, params: types.WorkspaceDiagnosticParams
    ) -> types.WorkspaceDiagnosticReport:
        reports: list[types.WorkspaceDocumentDiagnosticReport] = []
        for uri in list(ls.workspace.text_documents):
            result = await ls.current_result(uri)
            if result is not None and result.pack is not None:
                reports.append(
                    types.WorkspaceFullDocumentDiagnosticReport(
                        uri=uri,
                        version=ls.workspace.get_text_document(uri).version,
                        items=diagnostics(result, ls.result_mapper(result)),
                    )
                )
        open_paths = {uri_to_path(uri) for uri in ls.workspace.text_documents}
        for path in _workspace_reports(ls)[:WORKSPACE_FILE_LIMIT]:
            if path in open_paths:
                continue
            settings = await ls.settings_for(path.as_uri())
            ls.docs.pop(path.as_uri(), None)
            engine = ls.engine(settings, ls.root_path(path.as_uri()))
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue
            loop = asyncio.get_running_loop()
            checked: tuple[ReportResult, list[Problem]] = await loop.run_in_executor(
                ls.worker, engine.check_text, text, path
            )
            result = checked[0]
            if result.pack is None:
                continue
            index = result.doc.index
            mapper = PositionMapper(index.line_text, index.line_count, ls.position_encoding)
            reports.append(
                types.WorkspaceFullDocumentDiagnosticReport(
                    uri=path.as_uri(), version=None, items=diagnostics(result, mapper)
                )
            )
        return types.WorkspaceDiagnosticReport(items=reports)


def _workspace_reports(ls: AicmoLanguageServer) -> list[Path]:
    found: list[Path] = []
    for folder in ls.workspace.folders.values():
        root = uri_to_path(folder.uri)
        if root is None or not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root).parts
            if any(part.startswith(".") or part == "node_modules" for part in relative):
                continue
            if path.suffix.lower() in REPORT_SUFFIXES and path.is_file():
                found.append(path)
    return found
