"""A real aicmo-lsp process over stdio, driven by pytest-lsp's client."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

WORKSPACE = Path(__file__).parent.parent / "fixtures" / "lsp" / "workspace"
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "aicmo_lsp", "--log-level", "WARNING"])


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


async def start(client: LanguageClient, workspace: Path, capabilities: types.ClientCapabilities) -> None:
    client.set_configuration({"debounceMs": 0}, section="aicmo")
    registrations: list[types.Registration] = []
    client.registrations = registrations  # type: ignore[attr-defined]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="workspace")],
        )
    )


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    await start(lsp_client, workspace, push_capabilities())
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def pull_client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    await start(lsp_client, workspace, pull_capabilities())
    yield
    await lsp_client.shutdown_session()
