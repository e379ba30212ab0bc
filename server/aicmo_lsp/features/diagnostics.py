"""Pull diagnostics: ``textDocument/diagnostic`` and ``workspace/diagnostic``.

The workspace pull reports the reports of a workspace folder only when its ``aicmo.workspaceDiagnostics``
setting is on (read with the folder as scope). Off, it reports no findings, yet it still clears what
the client may hold: VS Code keeps a document's last pulled diagnostics when its tab closes (it
expects the workspace pull to take over), so the answer carries an empty report for each open
document, for each document closed since the last answer, and for each file the last answer
reported and this one does not. VS Code prefers a visible document's own pull over these.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from lsprotocol import types

from aicmo_core.check import ReportResult
from aicmo_core.errors import Problem
from aicmo_core.report_size import ReportTooLarge, read_report
from aicmo_core.workspace import Workspace
from aicmo_lsp.app import AicmoLanguageServer, uri_to_path
from aicmo_lsp.convert import PositionMapper, diagnostics

log = logging.getLogger(__name__)
WORKSPACE_FILE_LIMIT = 2000

Report = types.WorkspaceFullDocumentDiagnosticReport


@dataclass
class WorkspacePull:
    """Documents whose diagnostics the client may still show from an earlier answer or from a
    document pull of a document since closed: the next workspace answer clears those it does not report."""

    stale: set[str] = field(default_factory=set)


def register(server: AicmoLanguageServer) -> None:
    pull = WorkspacePull()

    def on_result(uri: str, result: ReportResult | None) -> None:
        del result
        # pygls keys documents by unquoted URI (VS Code's are quoted: my%20report.md)
        if server.pull_diagnostics and unquote(uri) not in server.workspace.text_documents:  # closed
            pull.stale.add(uri)

    server.listeners.append(on_result)

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
        to_clear = set(pull.stale)
        roots = await _checked_roots(ls)
        reports = await _open_reports(ls, roots)
        for report in await _unopened_reports(ls, roots):
            reports.setdefault(report.uri, report)
        for uri in sorted(to_clear - reports.keys()):
            reports[uri] = Report(uri=uri, version=None, items=[])
        pull.stale = (pull.stale - to_clear) | {uri for uri, report in reports.items() if report.items}
        return types.WorkspaceDiagnosticReport(items=list(reports.values()))


async def _checked_roots(ls: AicmoLanguageServer) -> list[Path]:
    """The workspace folders whose settings turn workspace diagnostics on."""
    folders = [folder.uri for folder in ls.workspace.folders.values()]
    if not folders and ls.workspace.root_uri:
        folders = [ls.workspace.root_uri]
    roots = []
    for uri in folders:
        settings = await ls.settings_for(uri)
        ls.docs.pop(uri, None)  # a folder is no document: ask again next time
        root = uri_to_path(uri)
        if settings.enable and settings.workspace_diagnostics and root is not None:
            roots.append(root)
    return roots


async def _open_reports(ls: AicmoLanguageServer, roots: list[Path]) -> dict[str, Report]:
    """Open documents: their findings under a checked folder, else an empty report."""
    reports: dict[str, Report] = {}
    for uri in list(ls.workspace.text_documents):
        version = ls.workspace.get_text_document(uri).version
        if ls.root_path(uri) not in roots:
            reports[uri] = Report(uri=uri, version=version, items=[])
            continue
        result = await ls.current_result(uri)
        if result is not None and result.pack is not None:
            reports[uri] = Report(uri=uri, version=version, items=diagnostics(result, ls.result_mapper(result)))
    return reports


async def _unopened_reports(ls: AicmoLanguageServer, roots: list[Path]) -> list[Report]:
    """The reports on disk under the checked folders that no editor has open, read and checked."""
    reports = []
    open_paths = {uri_to_path(uri) for uri in ls.workspace.text_documents}
    for path in _workspace_reports(roots)[:WORKSPACE_FILE_LIMIT]:
        if path in open_paths or ls.root_path(path.as_uri()) not in roots:  # open, or in a folder not checked
            continue
        settings = await ls.settings_for(path.as_uri())
        ls.docs.pop(path.as_uri(), None)
        if not settings.enable:
            continue
        root = ls.root_path(path.as_uri())
        engine = ls.engine(settings, root)
        loop = asyncio.get_running_loop()
        checked = await loop.run_in_executor(ls.worker, _read_and_check, engine, path, root, settings.max_file_size_mb)
        if checked is None:
            continue
        result = checked[0]
        if result.pack is None:
            continue
        index = result.doc.index
        mapper = PositionMapper(index.line_text, index.line_count, ls.position_encoding)
        reports.append(Report(uri=path.as_uri(), version=None, items=diagnostics(result, mapper)))
    return reports


def _read_and_check(
    engine: Workspace, path: Path, root: Path | None, max_file_size_mb: float
) -> tuple[ReportResult, list[Problem]] | None:
    """A report on disk, checked; None when it is not read: a link that leads out of its workspace
    folder (to ``/etc/passwd``, ``/proc/self/environ``), not a regular file, over the size limit, or
    unreadable."""
    try:
        if root is None or not path.resolve().is_relative_to(root.resolve()):
            log.info("%s leads out of its workspace folder: not read", path)
            return None
        text = read_report(path, max_file_size_mb, "setting aicmo.maxFileSizeMb")
    except (OSError, UnicodeDecodeError, ReportTooLarge, RuntimeError) as exc:  # RuntimeError: a symlink loop
        log.info("%s is not checked: %s", path, exc)
        return None
    return engine.check_text(text, path)


def _workspace_reports(roots: list[Path]) -> list[Path]:
    """The reports of the workspace folders, as ``aicmo check FOLDER`` finds them (``.gitignore`` and
    ``exclude`` respected)."""
    from aicmo_core.path_filter import PathFilter  # noqa: PLC0415 - pathspec only when the workspace is checked

    found: dict[Path, None] = {}  # a folder inside another is walked twice
    for root in roots:
        if root.is_dir():
            found.update(dict.fromkeys(PathFilter((), respect_gitignore=True, cwd=root).walk(root)))
    return list(found)
