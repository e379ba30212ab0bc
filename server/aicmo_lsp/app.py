"""The server object: open documents, their settings, and scheduling of validations.

Validation runs in one worker thread (the event loop never waits on a large document), debounced
per document. A result is used only for the document version it was computed from: when the writer
typed meanwhile, it is dropped and the newer version's validation publishes instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from aicmo_core import __version__
from aicmo_core.check import ReportResult, SectionCache
from aicmo_core.document.stemming import save_new_stems
from aicmo_core.errors import Problem
from aicmo_core.report_size import MEGABYTE, text_size, too_large_message
from aicmo_core.workspace import Workspace
from aicmo_lsp.convert import DiagnosticsJson, PositionMapper, diagnostics, problem_diagnostic, problem_uri
from aicmo_lsp.settings import Settings, parse_settings
from aicmo_lsp.transport import AicmoProtocol

if TYPE_CHECKING:  # pydantic models: loaded on the first generation, not at start-up
    from aicmo_core.decisions import DecisionLog

log = logging.getLogger(__name__)

REPORT_LANGUAGES = ("markdown", "mdx")


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


@dataclass
class DocState:
    """What the server knows about one open document."""

    uri: str
    settings: Settings | None = None
    result: ReportResult | None = None
    result_version: int | None = None
    pending: asyncio.Task[None] | None = None
    too_large_reported: bool = False
    problems: tuple[Problem, ...] = ()
    published_version: int | None = None


@dataclass
class GenerationState:
    """What the server keeps between generation requests (the work itself is ``generation.py``'s)."""

    api_key: str | None = None  # handed over by the editor (aicmo/setSecrets); never logged or stored
    busy: set[str] = field(default_factory=set)  # documents with a generation running
    progress_tasks: dict[str, asyncio.Future[Any]] = field(default_factory=dict)  # by progress token
    decision_log: DecisionLog | None = None
    # The client shows generation results itself (initializationOptions clientFeatures
    # "generationResults"): no per-section window/showMessage from the server then.
    client_shows_results: bool = False

    @property
    def decisions(self) -> DecisionLog:
        """The decision log, opened on first use."""
        if self.decision_log is None:
            from aicmo_core.decisions import DecisionLog  # noqa: PLC0415

            self.decision_log = DecisionLog()
        return self.decision_log

    def key(self) -> str | None:
        """The editor's key, else ``OPENAI_API_KEY`` from the server's environment."""
        return self.api_key or os.environ.get("OPENAI_API_KEY") or None


@dataclass
class Validation:
    result: ReportResult | None
    problems: list[Problem]
    too_large: bool = False
    size_mb: float = 0.0


class AicmoLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("aicmo-lsp", __version__, protocol_cls=AicmoProtocol)
        self.docs: dict[str, DocState] = {}
        self.section_cache = SectionCache()
        self.diagnostics_json = DiagnosticsJson()  # what publishing a version costs is its edit's
        self.engines: dict[tuple[Any, ...], Workspace] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aicmo-check")
        self.published_problems: dict[str, tuple[Problem, ...]] = {}
        self.reported_problems: set[str] = set()
        self.listeners: list[Callable[[str, ReportResult | None], None]] = []
        self.initialization_settings: Any = None
        self.pushed_settings: Any = None
        self.generation = GenerationState()
        self.warming: asyncio.Future[None] | None = None
        self.checked_once = False

    # ----------------------------------------------------------------- capabilities
    @property
    def pull_diagnostics(self) -> bool:
        """Whether the client pulls diagnostics (then they are not also pushed)."""
        caps = self.client_capabilities.text_document
        return bool(caps and caps.diagnostic)

    @property
    def supports_configuration(self) -> bool:
        workspace = self.client_capabilities.workspace
        return bool(workspace and workspace.configuration)

    @property
    def position_encoding(self) -> str:
        encoding = self.workspace.position_encoding
        return str(encoding.value if isinstance(encoding, types.PositionEncodingKind) else encoding or "utf-16")

    def open_document(self, uri: str) -> TextDocument | None:
        """The document the editor has open at ``uri``; None for any other URI. pygls's
        ``get_text_document`` makes up a document for an unknown URI that reads the file from disk
        when asked for its text: a request naming ``file:///dev/zero`` or a FIFO would hang the
        server. Nothing here reads a file the editor did not open."""
        document: TextDocument | None = self.workspace.text_documents.get(unquote(uri))  # keyed unquoted
        return document

    def mapper(self, uri: str) -> PositionMapper:
        """Position conversion for the document as the server has it now (empty when not open)."""
        document = self.open_document(uri)
        lines = document.lines if document is not None else []
        return PositionMapper(lambda n: lines[n].rstrip("\r\n"), len(lines), self.position_encoding)

    def result_mapper(self, result: ReportResult) -> PositionMapper:
        """Position conversion for the text a result was computed from."""
        index = result.doc.index
        return PositionMapper(index.line_text, index.line_count, self.position_encoding)

    # ------------------------------------------------------------------- settings
    def root_path(self, uri: str) -> Path | None:
        path = uri_to_path(uri)
        best: Path | None = None
        for folder in self.workspace.folders.values():
            folder_path = uri_to_path(folder.uri)
            inside = folder_path is not None and path is not None and path.is_relative_to(folder_path)
            if inside and (best is None or len(folder_path.parts) > len(best.parts)):  # type: ignore[union-attr]
                best = folder_path
        if best is None and self.workspace.root_path:
            best = Path(self.workspace.root_path)
        return best

    async def settings_for(self, uri: str) -> Settings:
        state = self.docs.setdefault(uri, DocState(uri))
        if state.settings is not None:
            return state.settings
        raw: Any = self.pushed_settings if self.pushed_settings is not None else self.initialization_settings
        if self.supports_configuration:
            try:
                # Shielded: a validation cancelled by the next keystroke (or by a settings change)
                # must not cancel pygls's future for the request; the client's answer would then hit a
                # cancelled future, and pygls shows the writer "Error in server: CANCELLED".
                values = await asyncio.wait_for(
                    asyncio.shield(
                        self.workspace_configuration_async(
                            types.ConfigurationParams(items=[types.ConfigurationItem(scope_uri=uri, section="aicmo")])
                        )
                    ),
                    timeout=5,
                )
                raw = values[0] if values else None
            except Exception:  # a client that fails this request still gets checks with defaults
                log.warning("workspace/configuration failed; using defaults", exc_info=True)
        settings, error = parse_settings(raw)
        if error:
            self.report_once(error, types.MessageType.Warning)
        state.settings = settings
        return settings

    def engine(self, settings: Settings, root: Path | None) -> Workspace:
        key = (
            settings.benchmark_folders(root),
            settings.default_pack,
            tuple(sorted(settings.severity_overrides.items())),
        )
        engine = self.engines.get(key)
        if engine is None:
            engine = Workspace(
                benchmark_paths=key[0],
                default_pack=settings.default_pack,
                severity=dict(settings.severity_overrides),
                cache=self.section_cache,
            )
            self.engines[key] = engine
        return engine

    def forget_settings(self) -> None:
        for state in self.docs.values():
            state.settings = None

    # ----------------------------------------------------------------- validation
    async def validate(self, uri: str) -> ReportResult | None:
        """Check the document's current version; publish unless a newer version arrived meanwhile."""
        document = self.open_document(uri)
        if document is None:
            return None
        version = document.version
        settings = await self.settings_for(uri)
        state = self.docs.setdefault(uri, DocState(uri))
        if state.result is not None and state.result_version == version and version is not None:
            return state.result
        path = uri_to_path(uri) or Path(urlparse(uri).path or "untitled.md")
        if not settings.enable:
            self.publish(uri, version, None, [])
            return None
        text = document.source
        engine = self.engine(settings, self.root_path(uri))
        limit = settings.max_file_size_mb * 1024 * 1024
        loop = asyncio.get_running_loop()
        previous = state.result  # the engine parses again only what the edit changed
        started, cpu = time.perf_counter(), time.process_time()
        validation = await loop.run_in_executor(self.worker, _check, engine, text, path, limit, previous)
        if not self.checked_once:  # what the writer waited for at the first report, and whether it was the CPU's
            self.checked_once = True
            elapsed, used = time.perf_counter() - started, time.process_time() - cpu
            log.info("first check (%s) took %.0f ms, %.0f ms of CPU", path.name, elapsed * 1000, used * 1000)
        current = self.workspace.text_documents.get(unquote(uri))  # pygls keys documents by unquoted URI
        if current is None or current.version != version:
            log.debug("dropping result for %s version %s (now %s)", uri, version, current and current.version)
            return None
        state.problems = tuple(validation.problems)
        self.publish_problems()
        if validation.too_large:
            if not state.too_large_reported:
                state.too_large_reported = True
                size = int(validation.size_mb * MEGABYTE)
                self.report_once(
                    too_large_message(path.name, size, settings.max_file_size_mb, "setting aicmo.maxFileSizeMb"),
                    types.MessageType.Warning,
                    key=f"too-large:{uri}",
                )
            self.publish(uri, version, None, [])
            return None
        state.result, state.result_version = validation.result, version
        self.publish(uri, version, validation.result, [])
        return validation.result

    def publish(
        self, uri: str, version: int | None, result: ReportResult | None, extra: list[types.Diagnostic]
    ) -> None:
        if not self.pull_diagnostics and not extra and isinstance(self.protocol, AicmoProtocol):
            mapper = self.result_mapper(result) if result is not None else None
            self.protocol.send_encoded(self.diagnostics_json.message(uri, version, result, mapper))
        elif not self.pull_diagnostics:
            items = (diagnostics(result, self.result_mapper(result)) if result is not None else []) + extra
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version)
            )
        for listener in self.listeners:
            listener(uri, result)

    def start_warm_up(self) -> None:
        """Start :meth:`warm_up` in the background (once)."""
        if self.warming is None:
            self.warming = asyncio.ensure_future(self.warm_up())

    async def warm_up(self) -> None:
        """Prepare what the first report's check needs while no report is open: the extension starts
        the server as a folder of reports opens, so this runs while the writer picks a report, which
        then shows its checks at once. A check of a small sample report loads the packs and the
        folder's ``aicmo.toml``, imports the rules and builds the heading matchers, as the first real
        check would; with a report already open, its own check does all this and nothing is done."""
        folder = next(iter(self.workspace.folders.values()), None)
        root = uri_to_path(folder.uri) if folder is not None else None
        if root is None and self.workspace.root_path:
            root = Path(self.workspace.root_path)
        if root is None or self.workspace.text_documents:
            return
        try:
            settings = await self.settings_for(root.as_uri())
            if not settings.enable or self.workspace.text_documents:
                return
            engine = self.engine(settings, root)
            started = time.perf_counter()
            await asyncio.get_running_loop().run_in_executor(self.worker, _warm_up, engine, root)
            log.info("warmed up in %.0f ms", (time.perf_counter() - started) * 1000)
        except Exception:  # the first real check will meet and report the same trouble
            log.warning("warming up failed", exc_info=True)

    def schedule(self, uri: str, delay_ms: int | None = None) -> None:
        """(Re)start the debounce timer of a document: a burst of edits yields one validation."""
        state = self.docs.setdefault(uri, DocState(uri))
        if state.pending is not None and not state.pending.done():
            state.pending.cancel()
        state.pending = asyncio.ensure_future(self._debounced(uri, delay_ms))

    async def _debounced(self, uri: str, delay_ms: int | None) -> None:
        try:
            if delay_ms is None:
                delay_ms = (await self.settings_for(uri)).debounce_ms
            if delay_ms:
                await asyncio.sleep(delay_ms / 1000)
            await self.validate(uri)
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("validation of %s failed", uri)

    def revalidate_all(self) -> None:
        """Forget every result (settings or benchmarks changed) and check the open reports again;
        a client that pulls diagnostics is asked to pull them anew."""
        for uri in list(self.workspace.text_documents):
            state = self.docs.get(uri)
            if state is not None:
                state.result = None
                state.result_version = None
            self.schedule(uri, 0)
        workspace = self.client_capabilities.workspace
        if self.pull_diagnostics and workspace and workspace.diagnostics and workspace.diagnostics.refresh_support:
            self.workspace_diagnostic_refresh(None)

    # ------------------------------------------------------------- config problems
    def publish_problems(self) -> None:
        """Diagnostics in broken benchmark files and aicmo.toml (the problems met by any open
        document), published when they change, and one message per problem when it appears."""
        by_uri: dict[str, tuple[Problem, ...]] = {}
        for state in self.docs.values():
            for problem in state.problems:
                found = by_uri.setdefault(problem_uri(problem), ())
                if problem not in found:
                    by_uri[problem_uri(problem)] = (*found, problem)
        for uri in set(self.published_problems) | set(by_uri):
            problems = by_uri.get(uri, ())
            if problems == self.published_problems.get(uri, ()):
                continue
            for problem in problems:
                self.report_once(f"aicmo configuration error: {problem}", types.MessageType.Error)
            for gone in set(self.published_problems.get(uri, ())) - set(problems):
                self.reported_problems.discard(f"aicmo configuration error: {gone}")
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[problem_diagnostic(p) for p in problems])
            )
        self.published_problems = {uri: problems for uri, problems in by_uri.items() if problems}

    def report_once(self, message: str, kind: types.MessageType, key: str | None = None) -> None:
        key = key or message
        if key in self.reported_problems:
            return
        self.reported_problems.add(key)
        log.warning("%s", message)
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    async def current_result(self, uri: str) -> ReportResult | None:
        """The result for the document's current version, validating now if needed.

        A validation already scheduled (the debounce of a burst of typing) is waited for rather than
        overtaken, so a client that pulls diagnostics on every change gets the debounce too.
        """
        state = self.docs.get(uri)
        while state is not None and state.pending is not None and not state.pending.done():
            pending = state.pending
            try:
                await asyncio.shield(pending)
            except asyncio.CancelledError:
                if not pending.cancelled():  # this request itself was cancelled ($/cancelRequest)
                    raise
            state = self.docs.get(uri)
        document = self.open_document(uri)
        if document is None:
            return None
        version = document.version
        if state is not None and state.result is not None and state.result_version == version:
            return state.result
        return await self.validate(uri)


def _check(engine: Workspace, text: str, path: Path, limit: float, previous: ReportResult | None) -> Validation:
    size = text_size(text, int(limit))
    if size > limit:
        return Validation(None, [], too_large=True, size_mb=size / 1024 / 1024)
    result, problems = engine.check_text(text, path, previous=previous)
    save_new_stems()  # once, after the first check: a server the editor stops never reaches its exit handlers
    return Validation(result, problems)


WARM_UP_REPORT = """# Warming up

## Overview

The client runs three cafes and sells coffee beans online. Sales grew by 12% last year.

## Goals

- Grow online orders by a fifth before the summer.
- Keep the cost per order under four pounds.

| Channel | Budget |
| --- | --- |
| Search | 40% |
"""


def _warm_up(engine: Workspace, root: Path) -> None:
    """Check a small sample report in ``root`` (not saved anywhere; its findings are dropped)."""
    engine.check_text(WARM_UP_REPORT, root / "aicmo-warm-up.md")
