"""Settings as a settings UI writes them: ``""`` and ``[]`` mean none, and the answer names where
the report goes."""

from __future__ import annotations

from pathlib import Path

from aicmo_lsp.settings import parse_settings
from lsprotocol import types
from pytest_lsp import LanguageClient
from support.fake_openai import FakeOpenAI, Reply

from tests.lsp.conftest import open_document, recorder
from tests.lsp.test_generation import GOOD_OVERVIEW, SECRET, generate


def test_empty_values_mean_none() -> None:
    for raw in (
        {"defaultPack": "", "generator": {"chain": [], "baseUrl": ""}},
        {"defaultPack": None, "generator": {"chain": None, "baseUrl": None}},
        {},
    ):
        settings, error = parse_settings(raw)
        assert error is None
        config = settings.generator.core()
        assert (settings.default_pack, config.chain, config.base_url) == ("", None, None)
        assert settings.preview_generated == "regenerateAll"
    settings, error = parse_settings({"previewGenerated": "sometimes"})
    assert error == (
        "invalid aicmo setting previewGenerated: Input should be 'off', 'regenerateAll' or 'always'; using defaults"
    )


async def test_an_empty_chain_is_the_default_chain(
    client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI
) -> None:
    rec = recorder(client)
    settings = {"debounceMs": 0, "defaultPack": "", "generator": {"chain": [], "baseUrl": ""}}
    client.set_configuration(settings, section="aicmo")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"aicmo": None}))
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    # No key: the default chain is the template generator alone, and the report goes nowhere.
    outcome = await generate(client, uri)
    assert (outcome["endpoint"], outcome["sections"][0]["generator"]) == (None, "template")
    # With a key, the default chain starts with the model, at the configured endpoint.
    base_url = {"chain": [], "baseUrl": fake_openai.base_url, "maxRetries": 0}
    client.set_configuration({**settings, "generator": base_url}, section="aicmo")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"aicmo": None}))
    client.protocol.notify("aicmo/setSecrets", {"openaiApiKey": SECRET})
    fake_openai.reply(Reply.completion(GOOD_OVERVIEW))
    other = open_document(client, workspace / "other.md", text=(workspace / "failing.md").read_text(encoding="utf-8"))
    await rec.diagnostics_for(other, 1)
    outcome = await generate(client, other)
    host = fake_openai.base_url.removeprefix("http://").removesuffix("/v1")
    assert (outcome["endpoint"], outcome["sections"][0]["generator"]) == (host, "openai")
    assert [p.message for p in rec.of(types.WINDOW_SHOW_MESSAGE)] == []
