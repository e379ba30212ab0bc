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
from typing import Any, Union

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

WORKSPACE = Path(__file__).parent.parent / "fixtures" / "lsp" / "workspace"


def server_logging_at(level: str) -> ClientServerConfig:
    """The server started with ``--log-level LEVEL`` (its log goes to stderr, which tests read)."""
    return ClientServerConfig(server_command=[sys.executable, "-m", "aicmo_lsp", "--log-level", level])


SERVER = server_logging_at("WARNING")
TIMEOUT = 20.0


@dataclass
class Recorder:
    """The client's side of the conversation: what the server sent, and the documents as the editor
    has them (``texts``: uri -> (version, text)), kept up to date by ``open_document``, ``change``
    and the server's ``workspace/applyEdit`` requests, which it applies as an editor would."""

    client: LanguageClient
    notifications: list[tuple[str, Any]] = field(default_factory=list)
    registrations: list[types.Registration] = field(default_factory=list)
    texts: dict[str, tuple[int, str]] = field(default_factory=dict)
    applied: list[types.ApplyWorkspaceEditParams] = field(default_factory=list)
    before_apply: Callable[[], None] | None = None  # runs when an applyEdit arrives (a racing keystroke)

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

    def text(self, uri: str) -> str:
        return self.texts[uri][1]

    def apply_workspace_edit(self, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        """Apply the server's edit like an editor: refused when it was made for another version."""
        if self.before_apply is not None:
            hook, self.before_apply = self.before_apply, None
            hook()
        for change in params.edit.document_changes or []:
            assert isinstance(change, types.TextDocumentEdit)
            uri = change.text_document.uri
            version, _ = self.texts[uri]
            if change.text_document.version is not None and change.text_document.version != version:
                return types.ApplyWorkspaceEditResult(applied=False, failure_reason="document version changed")
        self.applied.append(params)
        for change in params.edit.document_changes or []:
            assert isinstance(change, types.TextDocumentEdit)
            uri = change.text_document.uri
            version, _ = self.texts[uri]
            # Simultaneous edits become incremental changes from the end of the text backwards.
            edits = sorted(change.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
            plain = [e for e in edits if isinstance(e, types.TextEdit | types.AnnotatedTextEdit)]
            self.edit(uri, version + 1, [(_tuple(e.range), e.new_text) for e in plain])
        return types.ApplyWorkspaceEditResult(applied=True)

    def edit(self, uri: str, version: int, edits: list[tuple[tuple[int, int, int, int], str]]) -> None:
        """Send incremental changes and apply them to the editor's copy, each after the previous."""
        text = self.texts[uri][1]
        for (a, b, c, d), new_text in edits:
            start, end = _offset(text, a, b), _offset(text, c, d)
            text = text[:start] + new_text + text[end:]
        self.texts[uri] = (version, text)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(types.Position(a, b), types.Position(c, d)), text=new_text
                    )
                    for (a, b, c, d), new_text in edits
                ],
            )
        )

    async def status_for(self, uri: str, version: int) -> dict[str, Any]:
        return await self.until(lambda: next((s for s in self.statuses(uri) if s["version"] == version), None))


def _tuple(r: types.Range) -> tuple[int, int, int, int]:
    return (r.start.line, r.start.character, r.end.line, r.end.character)


def _offset(text: str, line: int, character: int) -> int:
    """String offset of an LSP position (UTF-16 column), written independently of the server's code."""
    lines = text.split("\n")
    start = sum(len(previous) + 1 for previous in lines[:line])
    units = 0
    for index, char in enumerate(lines[line] if line < len(lines) else ""):
        if units >= character:
            return start + index
        units += len(char.encode("utf-16-le")) // 2
    return start + len(lines[line]) if line < len(lines) else len(text)


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
    assert capabilities.workspace is not None
    capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return capabilities


async def start(
    client: LanguageClient,
    workspace: Path,
    capabilities: types.ClientCapabilities,
    settings: dict[str, Any] | None = None,
    more_folders: tuple[Path, ...] = (),
    initialization_options: dict[str, Any] | None = None,
) -> Recorder:
    recorder = Recorder(client)
    # lsprotocol 2025.0.0 reads any code action that has a "command" as a bare Command, losing the
    # code action around it (client side only; VS Code reads it right). Decide by the field's type.
    client.protocol._converter.register_structure_hook(
        Union[types.Command, types.CodeAction],  # noqa: UP007  (the exact type lsprotocol registered)
        lambda obj, _: client.protocol._converter.structure(
            obj, types.Command if isinstance(obj.get("command"), str) else types.CodeAction
        ),
    )
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

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        return recorder.apply_workspace_edit(params)

    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            initialization_options=initialization_options,
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


@pytest_lsp.fixture(config=server_logging_at("INFO"))
async def info_client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    lsp_client.recorder = await start(lsp_client, workspace, push_capabilities())  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=server_logging_at("DEBUG"))
async def debug_client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    lsp_client.recorder = await start(lsp_client, workspace, push_capabilities())  # type: ignore[attr-defined]
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
    content = text if text is not None else path.read_text(encoding="utf-8")
    recorder(client).texts[uri] = (1, content)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id=language, version=1, text=content))
    )
    return uri


def change(client: LanguageClient, uri: str, version: int, edits: list[tuple[tuple[int, int, int, int], str]]) -> None:
    """Incremental edits: ((start line, start char, end line, end char), new text), each applied after
    the previous one, as an editor sends them."""
    recorder(client).edit(uri, version, edits)


# What a check of the workspace's failing.md publishes, as ``summary`` gives it.
FAILING_DIAGNOSTICS = [
    ("1:0-1:11", "AIC001", "missing section 'Next Steps' (next_steps); the pack expects it after 'Channel Plan'"),
    ("6:0-6:11", "AIC101", "4 words; this section needs 8-60"),
    ("6:0-6:11", "AIC111", "0 bullets; this section needs at least 2"),
    ("6:0-6:11", "AIC131", "missing sub-heading 'Goal'"),
    ("8:0-8:11", "AIC142", "forbidden phrase 'lorem ipsum'"),
    ("10:0-10:15", "AIC171", "no table in this section; its format is markdown_table"),
]


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


@pytest.fixture(autouse=True)
def decision_log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    """The server (started after this fixture) writes its decision log here, never in the user's folder.
    A test marked ``server_log`` also gets the server's log in ``tmp_path / "server.log"``."""
    folder = tmp_path / "data"
    monkeypatch.setenv("AICMO_DATA_DIR", str(folder))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    if request.node.get_closest_marker("server_log"):
        monkeypatch.setenv("AICMO_LOG_FILE", str(tmp_path / "server.log"))
    return folder
