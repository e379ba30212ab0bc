"""What the writer sees besides squiggles: hover, code lens, outline, folding, completion, status."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import change, open_document, recorder


def rng(a: int, b: int, c: int, d: int) -> types.Range:
    return types.Range(types.Position(a, b), types.Position(c, d))


async def opened(client: LanguageClient, path: Path, language: str = "markdown") -> types.TextDocumentIdentifier:
    uri = open_document(client, path, language=language)
    await recorder(client).diagnostics_for(uri, 1)
    return types.TextDocumentIdentifier(uri)


async def test_hover_on_heading_shows_benchmark_next_to_figures(client: LanguageClient, workspace: Path) -> None:
    doc = await opened(client, workspace / "failing.md")
    hover = await client.text_document_hover_async(types.HoverParams(doc, types.Position(6, 5)))
    assert hover is not None
    assert hover.range == rng(6, 0, 6, 11)
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value == "\n".join(
        [
            "| **Overview** (`overview`) | now | benchmark | |",
            "| --- | --- | --- | --- |",
            "| words | 4 | 8-60 | ✗ |",
            "| bullets | 0 | at least 2 | ✗ |",
            "| sub-headings | 0 | at least 0 | ✓ |",
            "| repeated lines | 0% | at most 50% | ✓ |",
            "",
            "**FAIL**: 4 errors: words 4 (min 8); bullets 0 (min 2); missing sub-heading 'Goal'; forbidden phrase 'lorem ipsum'",
            "",
            "Matched by name: the heading is the section's label.",
        ]
    )
    # Off a heading there is nothing to say.
    assert await client.text_document_hover_async(types.HoverParams(doc, types.Position(8, 2))) is None


async def test_code_lens_gives_each_section_its_status(client: LanguageClient, workspace: Path) -> None:
    doc = await opened(client, workspace / "failing.md")
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(doc))
    assert lenses is not None
    assert [(lens.range, lens.command.title if lens.command else None) for lens in lenses] == [
        (rng(6, 0, 6, 11), "FAIL: 4 errors, 4/8-60 words"),
        (rng(6, 0, 6, 11), "Regenerate"),
        (rng(6, 0, 6, 11), "Expand"),
        (rng(10, 0, 10, 15), "FAIL: 1 error, 7/5-60 words"),
        (rng(10, 0, 10, 15), "Regenerate"),
    ]
    # The generation lenses carry their work as a command: nothing is generated until clicked.
    expand = lenses[2].command
    assert expand is not None
    assert expand.command == "aicmo.generateSection"
    assert list(expand.arguments or []) == [
        {"uri": doc.uri, "section": "overview", "mode": "expand", "targetWords": 34}
    ]
    passing = await opened(client, workspace / "passing.md")
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(passing))
    assert lenses is not None
    assert [lens.command.title for lens in lenses if lens.command] == [
        "PASS: 23/8-60 words",
        "PASS: 8/5-60 words",
        "PASS: 6/3-40 words",
    ]


async def test_outline_lists_sections_with_status_and_sub_headings(client: LanguageClient, workspace: Path) -> None:
    doc = await opened(client, workspace / "passing.md")
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(doc))
    assert symbols is not None
    outline = [
        (s.name, s.detail, s.range, s.selection_range, [(c.name, c.range) for c in s.children or []])
        for s in symbols
        if isinstance(s, types.DocumentSymbol)
    ]
    assert outline == [
        ("Overview", "PASS · overview", rng(3, 0, 13, 0), rng(3, 0, 3, 11), [("Goal", rng(10, 0, 10, 8))]),
        ("Channel Plan", "PASS · channels", rng(14, 0, 20, 0), rng(14, 0, 14, 15), []),
        ("Next Steps", "PASS · next_steps", rng(21, 0, 25, 0), rng(21, 0, 21, 13), []),
    ]


async def test_folding_range_per_section(client: LanguageClient, workspace: Path) -> None:
    doc = await opened(client, workspace / "passing.md")
    ranges = await client.text_document_folding_range_async(types.FoldingRangeParams(doc))
    assert ranges is not None
    assert [(r.start_line, r.end_line, r.kind) for r in ranges] == [
        (3, 12, types.FoldingRangeKind.Region),
        (14, 19, types.FoldingRangeKind.Region),
        (21, 24, types.FoldingRangeKind.Region),
    ]


async def test_completion_after_heading_marker_offers_missing_sections(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    doc = await opened(client, workspace / "failing.md")
    change(client, doc.uri, 2, [((13, 0, 13, 0), "\n## ")])
    await rec.diagnostics_for(doc.uri, 2)
    completion = await client.text_document_completion_async(types.CompletionParams(doc, types.Position(14, 3)))
    assert isinstance(completion, types.CompletionList)
    assert [(item.label, item.detail) for item in completion.items] == [("Next Steps", "next_steps · 3-40 words")]
    assert completion.items[0].text_edit == types.TextEdit(rng(14, 3, 14, 3), "Next Steps")
    # A sub-heading level is no place for a section.
    change(client, doc.uri, 3, [((14, 0, 14, 0), "#")])
    await rec.diagnostics_for(doc.uri, 3)
    assert await client.text_document_completion_async(types.CompletionParams(doc, types.Position(14, 4))) is None


async def test_status_notification_counts_sections(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "failing.md")
    status = await rec.status_for(uri, 1)
    assert status == {
        "uri": uri,
        "version": 1,
        "pack": "brief",
        "packLabel": "Client Brief",
        "status": "FAIL",
        "sections": {"total": 3, "passed": 0, "warned": 0, "failed": 2, "missing": 1, "unknown": 0},
        "errors": 6,
        "warnings": 0,
        "failing": [
            {"section": "overview", "label": "Overview", "line": 6, "errors": 4},
            {"section": "channels", "label": "Channel Plan", "line": 10, "errors": 1},
        ],
        "suggestion": None,
    }
    passing = open_document(client, workspace / "passing.md")
    status = await rec.status_for(passing, 1)
    assert status["status"] == "PASS"
    assert status["sections"] == {"total": 3, "passed": 3, "warned": 0, "failed": 0, "missing": 0, "unknown": 0}


async def test_provisional_text_gets_a_diagnostic_and_a_lens_until_it_passes(
    client: LanguageClient, workspace: Path
) -> None:
    rec = recorder(client)
    text = (
        "---\npack: brief\n---\n## Overview\n\n<!-- aicmo:provisional fails: AIC111 min_bullets -->\n\n"
        "Glow Botanicals sells clean skincare to women aged 25-40.\n\n### Goal\n\nRepeat orders.\n"
    )
    uri = open_document(client, workspace / "provisional.md", text=text)
    diagnostics = await rec.diagnostics_for(uri, 1)
    provisional = next(d for d in diagnostics if d.code == "AIC009")
    assert provisional.range == rng(5, 0, 5, 52)
    assert provisional.message == "provisional generated text; still fails: AIC111 min_bullets"
    assert provisional.severity == types.DiagnosticSeverity.Warning
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    assert [lens.command.title for lens in lenses or [] if lens.command][:2] == [
        "FAIL: 1 error, 1 warning, 11/8-60 words",
        "Provisional: AIC111 min_bullets",
    ]
    # The writer adds the bullets: the section passes and the marker no longer raises anything.
    change(client, uri, 2, [((11, 14, 11, 14), "\n\n- Audience: sensitive skin\n- Promise: short routines")])
    assert [str(d.code) for d in await rec.diagnostics_for(uri, 2)] == ["AIC001", "AIC001"]
