"""Edits that move lines, over stdio: each version's diagnostics sit exactly where a fresh check of
that text puts them, though the server checks it from the previous version (rescanning around the
edit, reusing sections and the JSON of diagnostics that did not change)."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import FAILING_DIAGNOSTICS, change, open_document, recorder, summary


def moved(expected: list[tuple[str, str, str]], from_line: int, delta: int) -> list[tuple[str, str, str]]:
    """The expected diagnostics with those on ``from_line`` and below moved by ``delta`` lines."""
    result = []
    for where, code, message in expected:
        start, end = where.split("-")
        (start_line, start_char), (end_line, end_char) = (map(int, p.split(":")) for p in (start, end))
        if start_line >= from_line:
            start_line, end_line = start_line + delta, end_line + delta
        result.append((f"{start_line}:{start_char}-{end_line}:{end_char}", code, message))
    return result


async def cold(client: LanguageClient, workspace: Path, name: str, text: str) -> list[types.Diagnostic]:
    """The diagnostics of ``text`` opened fresh as another document of the workspace."""
    uri = open_document(client, workspace / name, text=text)
    return await recorder(client).diagnostics_for(uri, 1)


async def test_lines_added_and_removed_above_sections_move_their_diagnostics(
    client: LanguageClient, workspace: Path
) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "failing.md")
    assert summary(await rec.diagnostics_for(uri, 1)) == FAILING_DIAGNOSTICS
    # Two lines above "## Overview": everything from there down moves by two.
    change(client, uri, 2, [((5, 0, 5, 0), "An introduction.\n\n")])
    assert summary(await rec.diagnostics_for(uri, 2)) == moved(FAILING_DIAGNOSTICS, 5, 2)
    # A keystroke inside a line moves nothing.
    change(client, uri, 3, [((5, 15, 5, 15), "!")])
    assert summary(await rec.diagnostics_for(uri, 3)) == moved(FAILING_DIAGNOSTICS, 5, 2)
    # Joining the introduction with the heading's line: three lines fewer.
    change(client, uri, 4, [((5, 17, 8, 0), " ")])
    after_join = rec.text(uri)
    assert after_join.splitlines()[5] == "An introduction!. ## Overview"
    # "## Overview" is no heading now: its findings go, the report's section order changes.
    fresh = await cold(client, workspace, "joined.md", after_join)
    assert summary(await rec.diagnostics_for(uri, 4)) == summary(fresh)
    # Undo it all in one change: exactly the first version's diagnostics again.
    change(client, uri, 5, [((5, 0, 5, 29), "\n## Overview")])
    assert rec.text(uri) == (workspace / "failing.md").read_text(encoding="utf-8")
    assert summary(await rec.diagnostics_for(uri, 5)) == FAILING_DIAGNOSTICS


async def test_an_opened_fence_and_front_matter_edit_equal_a_fresh_check(
    client: LanguageClient, workspace: Path
) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "failing.md")
    await rec.diagnostics_for(uri, 1)
    # A fence opened above "## Channel Plan" swallows the rest of the report; closing it gives it back.
    change(client, uri, 2, [((9, 0, 9, 0), "```\n")])
    assert summary(await rec.diagnostics_for(uri, 2)) == summary(await cold(client, workspace, "a.md", rec.text(uri)))
    change(client, uri, 3, [((13, 0, 13, 0), "```\n")])
    fenced = await rec.diagnostics_for(uri, 3)
    assert fenced == await cold(client, workspace, "b.md", rec.text(uri))  # related information too
    # One line more in the front matter: every diagnostic below it moves, the pack's stays.
    change(client, uri, 4, [((2, 0, 2, 0), "client: Glow\n")])
    assert await rec.diagnostics_for(uri, 4) == await cold(client, workspace, "c.md", rec.text(uri))
    change(client, uri, 5, [((2, 0, 3, 0), ""), ((9, 0, 10, 0), ""), ((12, 0, 13, 0), "")])
    assert summary(await rec.diagnostics_for(uri, 5)) == FAILING_DIAGNOSTICS
