"""Patterns from a cloned repository's packs in the language server: a refused pattern is marked in
the pack file, a slow one is one diagnostic on its section, and the server keeps answering (a hover
on another report) while a check spends its time budget on a slow pattern."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import SERVER, open_document, push_capabilities, recorder, start, summary

pytestmark = pytest.mark.timeout(120)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "patterns"


def timed_out(budget: str) -> str:
    return (
        "the forbidden_regex check of this section was abandoned: pattern '(ab|a|b)*$' ran past the "
        f"{budget} time budget; simplify the pattern in the pack"
    )


@pytest.fixture
def repos(tmp_path: Path) -> Path:
    """Two repositories someone else made: one with a catastrophic pattern, one with a slow one."""
    for name in ("catastrophic", "slow"):
        shutil.copytree(FIXTURES / name, tmp_path / name)
    return tmp_path


@pytest_lsp.fixture(config=SERVER)
async def patterns_client(lsp_client: LanguageClient, repos: Path) -> AsyncIterator[None]:
    folders = (repos / "catastrophic",)
    lsp_client.recorder = await start(lsp_client, repos / "slow", push_capabilities(), more_folders=folders)  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_a_slow_pattern_is_one_diagnostic_on_its_section(patterns_client: LanguageClient, repos: Path) -> None:
    uri = open_document(patterns_client, repos / "slow" / "report.md")
    diagnostics = await recorder(patterns_client).diagnostics_for(uri, 1)
    assert summary(diagnostics) == [
        ("3:0-3:7", "AIC901", timed_out("section's 0.5 s")),
        ("5:0-5:15", "AIC143", "text matches forbidden pattern '(?i)content is king': 'Content is king'"),
    ]


async def test_a_refused_pattern_is_marked_in_the_pack_file(patterns_client: LanguageClient, repos: Path) -> None:
    open_document(patterns_client, repos / "catastrophic" / "report.md")
    pack_uri = (repos / "catastrophic" / "benchmarks" / "packs" / "greedy.yaml").as_uri()
    client = recorder(patterns_client)
    published = await client.until(lambda: next((p for p in client.published(pack_uri) if p.diagnostics), None))
    [diagnostic] = published.diagnostics
    assert diagnostic.range.start == types.Position(8, 35)
    assert diagnostic.message.startswith(
        "'(a+)+$' is refused: `(a+)+` repeats `a+` inside a repeat that can match the same text"
    )


async def test_a_hover_is_answered_while_a_check_spends_its_budget(
    patterns_client: LanguageClient, repos: Path
) -> None:
    client = recorder(patterns_client)
    calm = open_document(patterns_client, repos / "slow" / "calm.md")
    assert await client.diagnostics_for(calm, 1) == []
    slow = open_document(patterns_client, repos / "slow" / "many.md")
    await asyncio.sleep(0.5)  # the slow report's check (about 5 s of matching) is under way

    hover = await patterns_client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(calm), types.Position(3, 2))
    )
    assert hover is not None
    assert hover.range == types.Range(types.Position(3, 0), types.Position(3, 7))
    assert client.published(slow) == []  # answered before the slow check ended

    published = await client.until(lambda: next(iter(client.published(slow)), None), timeout=100)
    codes = [d.code for d in published.diagnostics]
    assert codes == ["AIC901"] * 12
    assert published.diagnostics[0].message == timed_out("section's 0.5 s")
    assert published.diagnostics[-1].message == timed_out("report's 5 s")
