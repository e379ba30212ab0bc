"""Builds the server: the state object plus every feature module."""

from __future__ import annotations

from aicmo_lsp.app import AicmoLanguageServer
from aicmo_lsp.features import register_all


def create_server() -> AicmoLanguageServer:
    server = AicmoLanguageServer()
    register_all(server)
    return server
