"""Regenerating all failing sections with the default settings against a rate-limited endpoint: the
real server over stdio, the ``openai`` generator and the scripted server on 127.0.0.1 serving only
two requests at once and answering any more with a 429 and ``Retry-After``. The writer still gets
every section, in one edit; the endpoint is asked again only as it allows."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient
from support.fake_openai import FakeOpenAI

from tests.lsp.conftest import recorder
from tests.lsp.test_regenerate_all import (
    FAILING,
    front_matter_and_headings,
    open_report,
    regenerate_all,
    section_codes,
    single_document_edit,
    template_answers,
    template_bodies,
    with_bodies,
)

ALLOWED_IN_FLIGHT = 2


async def test_default_settings_back_off_on_429_and_apply_every_section(
    client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI
) -> None:
    rec = recorder(client)
    fake_openai.respond_with(template_answers(0.4))
    fake_openai.limit_in_flight(ALLOWED_IN_FLIGHT, retry_after={"Retry-After": "1"})
    # No concurrency and no maxRetries: the defaults.
    client.set_configuration(
        {"debounceMs": 0, "generator": {"chain": ["openai"], "baseUrl": fake_openai.base_url}}, section="aicmo"
    )
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"aicmo": None}))
    client.protocol.notify("aicmo/setSecrets", {"openaiApiKey": "sk-test"})
    uri, original = await open_report(client, workspace)

    outcome = await regenerate_all(client, uri)

    assert outcome["applied"] is True, outcome
    assert [(s["section"], s["status"], s["quality"]) for s in outcome["sections"]] == [
        (section_id, "applied", "passed_first_attempt") for section_id in FAILING.values()
    ]
    requests = fake_openai.requests
    # All four at once, two refused; those two asked again, after the server's Retry-After, two at most.
    assert [r.status for r in requests].count(429) == len(FAILING) - ALLOWED_IN_FLIGHT
    assert len(requests) == 2 * len(FAILING) - ALLOWED_IN_FLIGHT
    assert max(r.in_flight for r in requests[len(FAILING) :]) <= ALLOWED_IN_FLIGHT
    first_refusal = min(r.answered_at or 0 for r in requests if r.status == 429)
    assert min(r.received_at for r in requests[len(FAILING) :]) - first_refusal >= 1
    assert len(single_document_edit(rec).edits) == len(FAILING)
    text = rec.text(uri)
    assert text == with_bodies(original, template_bodies())
    assert front_matter_and_headings(text) == front_matter_and_headings(original)
    assert section_codes(await rec.diagnostics_for(uri, 2)) == []
