"""The language server in a repository someone else made (issue 14, items 2-4): each hostile
benchmark file is marked in place, the healthy packs keep checking, and the server keeps answering.

Before, one ``!!python`` tag silenced every document, a symlink to ``/dev/stdin`` made the server read
its own JSON-RPC input as a pack, and an alias bomb was an "Internal Error".
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import SERVER, open_document, push_capabilities, recorder, start, summary
from tests.support.hostile import expected_problems, hostile_repo

pytestmark = pytest.mark.timeout(90)
_PROBLEM_RE = re.compile(r"^(?P<path>/[^:]+)(?::(?P<line>\d+))?(?::(?P<column>\d+))?: (?P<message>.*)$")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return hostile_repo(tmp_path).resolve()


@pytest_lsp.fixture(config=SERVER)
async def hostile_client(lsp_client: LanguageClient, repo: Path) -> AsyncIterator[None]:
    lsp_client.recorder = await start(lsp_client, repo, push_capabilities())  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def expected_diagnostics(problems: list[str]) -> dict[str, list[tuple[str, str, str]]]:
    """The diagnostics each problem line of the CLI becomes in the file it names: (range, code, message)."""
    by_uri: dict[str, list[tuple[str, str, str]]] = {}
    for line in problems:
        match = _PROBLEM_RE.match(line)
        assert match, line
        row = int(match["line"] or 1) - 1
        column = int(match["column"] or 1) - 1
        where = f"{row}:{column}-{row}:{column + 1}"
        by_uri.setdefault(Path(match["path"]).as_uri(), []).append((where, "config", match["message"]))
    return by_uri


async def test_hostile_files_are_marked_in_place_and_the_healthy_packs_keep_checking(
    hostile_client: LanguageClient, repo: Path
) -> None:
    rec = recorder(hostile_client)
    team = open_document(hostile_client, repo / "reports" / "team.md")
    social = open_document(hostile_client, repo / "reports" / "social.md")
    assert summary(await rec.diagnostics_for(team, 1)) == [
        ("3:0-3:11", "AIC101", "2 words; this section needs 5-40"),
    ]
    assert "AIC131" in [d.code for d in await rec.diagnostics_for(social, 1)]

    # The server's standard input is its JSON-RPC pipe: /dev/stdin is a FIFO there, refused unread.
    server_pid = hostile_client._server.pid  # type: ignore[union-attr]  # /proc/self is the server
    problems = expected_problems(repo, "a named pipe (FIFO)", server_pid)
    expected = expected_diagnostics(problems)
    await rec.until(lambda: all(rec.published(uri) for uri in expected))
    assert {uri: summary(rec.published(uri)[-1].diagnostics) for uri in expected} == expected

    # One message for the writer per problem, however many documents met it.
    messages = [p.message for p in rec.of(types.WINDOW_SHOW_MESSAGE)]
    assert sorted(messages) == sorted(f"aicmo configuration error: {line}" for line in problems)

    # And the server still answers.
    hover = await hostile_client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(team), types.Position(3, 4))
    )
    assert hover is not None


async def test_repairing_a_hostile_file_clears_its_mark_and_brings_its_pack(
    hostile_client: LanguageClient, repo: Path
) -> None:
    rec = recorder(hostile_client)
    tagged = repo / "benchmarks" / "packs" / "python_tag.yaml"
    report = open_document(
        hostile_client,
        repo / "reports" / "tagged.md",
        "---\npack: tagged\n---\n## Overview\n\nFive words are enough here.\n",
    )
    assert [d.code for d in await rec.diagnostics_for(report, 1)] == ["AIC007"]
    assert len(await rec.until(lambda: rec.published(tagged.as_uri()))) == 1

    tagged.write_text(
        "key: tagged\nlabel: Tagged\nsections:\n  - {id: overview, label: Overview, min_words: 1, max_words: 9}\n",
        encoding="utf-8",
    )
    hostile_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=tagged.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await rec.until(lambda: len(rec.published(tagged.as_uri())) == 2)
    assert list(rec.published(tagged.as_uri())[-1].diagnostics) == []
    await rec.until(lambda: len(rec.published(report)) == 2)
    assert list(rec.published(report)[-1].diagnostics) == []
