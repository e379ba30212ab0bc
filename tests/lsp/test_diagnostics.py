"""Diagnostics as the writer sees them: open, type, close; MDX; non-reports; bursts of edits."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import FAILING_DIAGNOSTICS, change, open_document, recorder, summary

RULES = "https://github.com/aicmo/aicmo/blob/main/docs/rules.md"


async def test_failing_report_gets_exact_diagnostics(client: LanguageClient, workspace: Path) -> None:
    uri = open_document(client, workspace / "failing.md")
    diagnostics = await recorder(client).diagnostics_for(uri, 1)
    assert summary(diagnostics) == FAILING_DIAGNOSTICS
    forbidden = diagnostics[4]
    assert forbidden.source == "aicmo"
    assert forbidden.severity == types.DiagnosticSeverity.Error
    assert forbidden.code_description is not None
    assert forbidden.code_description.href == f"{RULES}#aic142"
    # The section's first finding links to its benchmark; the others do not repeat the link.
    assert forbidden.related_information is None
    first = diagnostics[1]
    assert first.related_information is not None
    related = first.related_information[0]
    assert related.location.uri == (workspace / "benchmarks" / "packs" / "brief.yaml").as_uri()
    assert related.location.range.start.line == 6  # "  - id: overview"
    assert related.message == "benchmark of section 'overview' in brief"
    missing = diagnostics[0]
    assert missing.related_information is not None
    assert missing.related_information[0].location.range.start.line == 19  # "  - id: next_steps"


async def test_typing_a_fix_clears_the_diagnostics(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    # Replace the placeholder, one keystroke at a time.
    words = "Glow Botanicals sells clean skincare to women"
    change(client, uri, 2, [((8, 0, 8, 11), "")])
    for offset, char in enumerate(words):
        change(client, uri, 3 + offset, [((8, offset, 8, offset), char)])
    version = 3 + len(words) - 1
    after_typing = await rec.diagnostics_for(uri, version)
    assert [d.code for d in after_typing] == ["AIC001", "AIC111", "AIC131", "AIC171"]
    version += 1
    change(
        client,
        uri,
        version,
        [
            (
                (12, 41, 12, 41),
                "\n\n| Channel | Posts |\n|---|---|\n| Instagram | 5 |\n\n## Next Steps\n\n- Approve the calendar\n",
            ),
            (
                (8, 56, 8, 56),
                "\n\n- Audience: sensitive skin\n- Promise: short routines\n\n### Goal\n\nGrow repeat orders.",
            ),
        ],
    )
    assert await rec.diagnostics_for(uri, version) == []


async def test_closing_clears_diagnostics(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "failing.md")
    assert await rec.diagnostics_for(uri, 1)
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    await rec.until(lambda: len(rec.published(uri)) == 2)
    assert list(rec.published(uri)[-1].diagnostics) == []
    status = await rec.until(lambda: next((s for s in rec.statuses(uri) if s["status"] == "CLOSED"), None))
    assert status["pack"] is None


async def test_markdown_without_pack_stays_silent(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "notes.md")
    assert await rec.diagnostics_for(uri, 1) == []
    assert (await rec.status_for(uri, 1))["status"] == "SKIPPED"
    assert await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri))) is None


async def test_mdx_report(client: LanguageClient, workspace: Path) -> None:
    uri = open_document(client, workspace / "report.mdx", language="mdx")
    diagnostics = await recorder(client).diagnostics_for(uri, 1)
    # The text inside <Callout> counts (the overview passes); a section holding nothing but a JSX
    # chart has no prose: it is empty. The import line and JSX attributes are no words.
    assert summary(diagnostics) == [("19:0-19:15", "AIC005", "section 'Channel Plan' is empty")]


async def test_burst_of_typing_yields_one_validation(debounced_client: LanguageClient, workspace: Path) -> None:
    rec = recorder(debounced_client)
    uri = open_document(debounced_client, workspace / "failing.md")
    await rec.status_for(uri, 1)
    for offset, char in enumerate("quickly"):
        change(debounced_client, uri, 2 + offset, [((12, offset, 12, offset), char)])
    await rec.status_for(uri, 8)
    assert [s["version"] for s in rec.statuses(uri)] == [1, 8]
    assert [p.version for p in rec.published(uri)] == [1, 8]


async def test_superseded_validation_is_never_published(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    # A long report makes each validation take long enough for the next edit to overtake it.
    body = "".join(f"## Extra {n}\n\n" + "Some words in a paragraph of prose. " * 30 + "\n\n" for n in range(400))
    text = (workspace / "failing.md").read_text(encoding="utf-8") + "\n" + body
    uri = open_document(client, workspace / "long.md", text=text)
    await rec.diagnostics_for(uri, 1)
    change(client, uri, 2, [((12, 0, 12, 0), "a")])
    change(client, uri, 3, [((12, 0, 12, 0), "b")])
    await rec.diagnostics_for(uri, 3)
    versions = [p.version for p in rec.published(uri)]
    assert versions[0] == 1
    assert versions[-1] == 3
    assert versions == sorted(versions)
