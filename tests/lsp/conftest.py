"""A real aicmo-lsp process over stdio, driven by pytest-lsp's client.

``Recorder`` keeps every notification the server sends, in order, so tests can wait for exactly
the one they expect (a given document version, the n-th status) instead of sleeping.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

WORKSPACE = Path(__file__).parent.parent / "fixtures" / "lsp" / "workspace"
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "aicmo_lsp", "--log-level", "WARNING"])
TIMEOUT = 20.0


@dataclass
class Recorder:
    client: LanguageClient
    notifications: list[tuple[str, Any]] = field(default_factory=list)
    registrations: list[types.Registration] = field(default_factory=list)

    def of(self, method: str) -> list[Any]:
        return [params for name, params in self.notifications if name == method]

    def published(self, uri: str) -> list[types.PublishDiagnosticsParams]:
        return [p for p in self.of(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS) if p.uri == uri]

    def statuses(self, uri: str) -> list[dict[str, Any]]:
        return [_plain(p) for p in self.of("aicmo/status") if _plain(p)["uri"] == uri]

    async def until(self, condition: Callable[[], Any], timeout: float = TIMEOUT) -> Any:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            value = condition()
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("timed out waiting for the server")
            await asyncio.sleep(0.01)

    async def diagnostics_for(self, uri: str, version: int) -> list[types.Diagnostic]:
        """The diagnostics published for exactly this version of the document."""
        params = await self.until(lambda: next((p for p in self.published(uri) if p.version == version), None))
        return list(params.diagnostics)

    async def status_for(self, uri: str, version: int) -> dict[str, Any]:
        return await self.until(lambda: next((s for s in self.statuses(uri) if s["version"] == version), None))


def _plain(params: Any) -> Any:
    """pygls hands unknown notifications over as nested namedtuples: back to plain dicts."""
    if hasattr(params, "_asdict"):
        return {key: _plain(value) for key, value in params._asdict().items()}
    if isinstance(params, dict):
        return {key: _plain(value) for key, value in params.items()}
    if isinstance(params, list):
        return [_plain(value) for value in params]
    return params


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A fresh copy of the test workspace, so tests may edit files on disk."""
    target = tmp_path / "workspace"
    shutil.copytree(WORKSPACE, target)
    return target


def push_capabilities() -> types.ClientCapabilities:
    """VS Code 1.65's capabilities: push diagnostics, configuration, dynamic registration."""
    return client_capabilities("visual-studio-code")


def pull_capabilities() -> types.ClientCapabilities:
    capabilities = client_capabilities("visual-studio-code")
    assert capabilities.text_document is not None
    capabilities.text_document.diagnostic = types.DiagnosticClientCapabilities(dynamic_registration=False)
    return capabilities


async def start(
    client: LanguageClient,
    workspace: Path,
    capabilities: types.ClientCapabilities,
    settings: dict[str, Any] | None = None,
    more_folders: tuple[Path, ...] = (),
) -> Recorder:
    recorder = Recorder(client)
    client.set_configuration({"debounceMs": 0, **(settings or {})}, section="aicmo")
    original = client.protocol._handle_notification

    def record(method: str, params: Any) -> None:
        recorder.notifications.append((method, params))
        original(method, params)

    client.protocol._handle_notification = record  # type: ignore[method-assign]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        recorder.registrations.extend(params.registrations)

    @client.feature("aicmo/status")
    def status(params: Any) -> None:
        del params  # recorded above

    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=workspace.as_uri(),
            workspace_folders=[
                types.WorkspaceFolder(uri=folder.as_uri(), name=folder.name) for folder in (workspace, *more_folders)
            ],
        )
    )
    return recorder


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    lsp_client.recorder = await start(lsp_client, workspace, push_capabilities())  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def pull_client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    lsp_client.recorder = await start(lsp_client, workspace, pull_capabilities())  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def debounced_client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    lsp_client.recorder = await start(lsp_client, workspace, push_capabilities(), {"debounceMs": 150})  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def second_folder(tmp_path: Path) -> Path:
    """Another root of a multi-root workspace, with its own aicmo.toml mapping drafts to a built-in pack."""
    folder = tmp_path / "agency"
    folder.mkdir()
    (folder / "aicmo.toml").write_text('[packs]\n"drafts/*.md" = "quick_social_basic"\n', encoding="utf-8")
    (folder / "drafts").mkdir()
    return folder


@pytest_lsp.fixture(config=SERVER)
async def multi_root_client(lsp_client: LanguageClient, workspace: Path, second_folder: Path) -> AsyncIterator[None]:
    lsp_client.recorder = await start(lsp_client, workspace, push_capabilities(), more_folders=(second_folder,))  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def recorder(client: LanguageClient) -> Recorder:
    return client.recorder  # type: ignore[attr-defined,no-any-return]


def open_document(client: LanguageClient, path: Path, text: str | None = None, language: str = "markdown") -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(
                uri=uri,
                language_id=language,
                version=1,
                text=text if text is not None else path.read_text(encoding="utf-8"),
            )
        )
    )
    return uri


def change(client: LanguageClient, uri: str, version: int, edits: list[tuple[tuple[int, int, int, int], str]]) -> None:
    """Incremental edits: ((start line, start char, end line, end char), new text)."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(a, b), types.Position(c, d)), text=text
                )
                for (a, b, c, d), text in edits
            ],
        )
    )


def summary(diagnostics: list[types.Diagnostic]) -> list[tuple[str, str, str]]:
    """(range, code, message) triples, ranges as "line:char-line:char" (0-based)."""
    return [
        (
            f"{d.range.start.line}:{d.range.start.character}-{d.range.end.line}:{d.range.end.character}",
            str(d.code),
            d.message,
        )
        for d in diagnostics
    ]
