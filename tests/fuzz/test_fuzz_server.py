"""Issue 14, item 9: a repository a stranger made, opened in the language server.

The server keeps running across the examples (as it does in an editor while files change on disk):
each example replaces the workspace folder's files with a hostile repository, says so with
``workspace/didChangeWatchedFiles`` and edits the two open reports. Then, within the time limit:
both reports get diagnostics for their new version, the built-in pack's report still gets its
``min_words`` error, a hover on its heading is answered, a broken file is marked with diagnostics of
its own (and nothing is marked for a correct repository), and neither the server's messages nor its
log hold a traceback. A failing example restarts the server: the next one starts afresh.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from support.fuzz_session import TIME_LIMIT, FuzzSession, has_traceback
from support.fuzz_settings import FUZZ_SETTINGS, SCALE, examples
from support.hostile_files import (
    BUILTIN_HEADING_LINE,
    BUILTIN_REPORT,
    BUILTIN_TEXT,
    SCENARIOS,
    TEAM_REPORT,
    Repository,
    Scenario,
    any_repository,
    repositories,
)

DOCUMENTS = {BUILTIN_REPORT: BUILTIN_TEXT, TEAM_REPORT: "# A report to be\n"}


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzSession]:
    fuzz = FuzzSession(tmp_path_factory.mktemp("fuzz-server"))
    yield fuzz
    fuzz.discard()


def codes(diagnostics: list[dict[str, Any]] | None) -> list[str]:
    return [str(d.get("code")) for d in diagnostics or []]


def open_in_server(session: FuzzSession, repository: Repository) -> None:
    """Run one example; any failure restarts the server for the next one."""
    server = session.running(DOCUMENTS)
    try:
        session.clear_workspace()
        repository.write(session.workspace)
        since = len(server.received)
        changes = [{"uri": session.uri(item.path), "type": 2} for item in repository.files]
        server.notify("workspace/didChangeWatchedFiles", {"changes": changes})
        versions = {name: session.change(name, repository.texts[name]) for name in DOCUMENTS}
        published = {name: session.diagnostics(name, version, since) for name, version in versions.items()}
        hover = session.hover(BUILTIN_REPORT, BUILTIN_HEADING_LINE) if server.alive else None
        assert_server_outcome(session, repository, since, published, hover)
    except BaseException:
        session.discard()
        raise


def assert_server_outcome(
    session: FuzzSession,
    repository: Repository,
    since: int,
    published: dict[str, list[dict[str, Any]] | None],
    hover: dict[str, Any] | None,
) -> None:
    assert session.server is not None
    log = session.new_stderr()
    context = f"{repository.what}\n--- server log\n{log[-4000:]}"
    assert session.server.alive, f"the server died: {context}"
    for name, diagnostics in published.items():
        assert diagnostics is not None, f"no diagnostics for {name} within {TIME_LIMIT:g} s: {context}"
    assert "AIC101" in codes(published[BUILTIN_REPORT]), f"the built-in pack's report was not checked: {context}"
    assert "AIC900" not in codes(published[BUILTIN_REPORT]) + codes(published[TEAM_REPORT]), context
    assert hover is not None, f"no answer to a hover within {TIME_LIMIT:g} s: {context}"
    assert (hover.get("result") or {}).get("contents"), f"hover answered {hover}: {context}"
    assert not has_traceback(log), context
    assert not has_traceback(session.sent_since(since)), f"a traceback sent to the client: {context}"
    marked = {uri: diagnostics for uri, diagnostics in session.latest_problem_diagnostics().items() if diagnostics}
    team_unknown = "AIC007" in codes(published[TEAM_REPORT])
    if repository.verdict == "valid":
        assert not marked, f"a correct file was marked: {marked}\n{context}"
        assert not team_unknown, f"the team's pack did not load: {context}"
    elif repository.verdict == "broken":
        assert marked, f"nothing marks the broken file: {context}"
        if repository.blame is not None:
            uri = session.uri(repository.blame)
            assert uri in marked, f"{repository.blame} is not marked (marked: {sorted(marked)}): {context}"
        if repository.target == "other":
            assert not team_unknown, f"one broken pack silenced the team's: {context}"


@pytest.mark.timeout(60 * SCALE)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_every_kind_of_hostile_repository_in_the_server(session: FuzzSession, scenario: Scenario) -> None:
    """The simplest repository of each kind (hypothesis's first example), so every kind runs every time."""

    @settings(FUZZ_SETTINGS, max_examples=examples(1))
    @given(repository=repositories(scenario))
    def check(repository: Repository) -> None:
        open_in_server(session, repository)

    check()


@pytest.mark.timeout(180 * SCALE)
@settings(FUZZ_SETTINGS, max_examples=examples(8))
@given(repository=any_repository)
def test_random_hostile_repositories_in_the_server(session: FuzzSession, repository: Repository) -> None:
    """Any kind, any variant: a different sample on every run."""
    open_in_server(session, repository)
