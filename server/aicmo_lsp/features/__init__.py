"""One module per LSP feature; each exposes ``register(server)``."""

from __future__ import annotations

from aicmo_lsp.app import AicmoLanguageServer
from aicmo_lsp.features import (
    code_actions,
    code_lens,
    commands,
    completion,
    configuration,
    diagnostics,
    documents,
    folding,
    hover,
    status,
    symbols,
)

FEATURES = (
    documents,
    diagnostics,
    hover,
    code_lens,
    code_actions,
    symbols,
    folding,
    completion,
    configuration,
    status,
    commands,
)


def register_all(server: AicmoLanguageServer) -> None:
    for module in FEATURES:
        module.register(server)
