"""A server started before any report is open (the extension starts it as a folder of reports opens)
prepares the first report's check while the writer picks one: the packs, the folder's ``aicmo.toml``,
the rules and the heading matchers. What it prepares changes nothing a check finds, and trouble it
meets (a broken ``aicmo.toml``) stays for the first real check to report."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from support.raw_lsp import Message, RawLspServer

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "failing" / "quick_social_basic.md"
WARMED = re.compile(r"warmed up in \d+ ms")


def diagnostics_of(server: RawLspServer, uri: str) -> list[Any] | None:
    def found(messages: list[Message]) -> list[Any] | None:
        for message in messages:
            params = message.get("params") if isinstance(message, dict) else None
            if message.get("method") == "textDocument/publishDiagnostics" and params and params["uri"] == uri:
                return list(params["diagnostics"])
        return None

    return server.wait_for(found, 60)


def first_check(folder: Path, wait_for_warm_up: bool) -> tuple[list[Any] | None, str]:
    """The diagnostics of the example report opened in ``folder``, and the server's log."""
    report = folder / EXAMPLE.name
    shutil.copy(EXAMPLE, report)
    server = RawLspServer(folder, "--log-level", "INFO")
    try:
        assert server.initialize() is not None
        if wait_for_warm_up:
            assert server.wait_for(lambda _: WARMED.search(server.stderr()), 60), server.stderr()
        found = diagnostics_of(server, server.open(report))
    finally:
        server.stop()
    return found, server.stderr()


def test_the_server_warms_up_before_any_report_opens_and_finds_the_same(tmp_path: Path) -> None:
    """The warm-up is logged before any report opens, and the first report's diagnostics are those a
    server that did not wait for it publishes."""
    (tmp_path / "warm").mkdir()
    (tmp_path / "cold").mkdir()
    warm, log = first_check(tmp_path / "warm", wait_for_warm_up=True)
    cold, _ = first_check(tmp_path / "cold", wait_for_warm_up=False)
    assert warm is not None and len(warm) > 3
    assert warm == cold
    assert "Traceback" not in log
    # The log says what the writer waited for at the first report (only the first: not every keystroke).
    assert len(re.findall(r"first check \(quick_social_basic\.md\) took \d+ ms, \d+ ms of CPU", log)) == 1


def test_a_broken_aicmo_toml_met_while_warming_up_is_reported_by_the_first_check(tmp_path: Path) -> None:
    (tmp_path / "aicmo.toml").write_text("[packs\nthis is not toml", encoding="utf-8")
    report = tmp_path / EXAMPLE.name
    shutil.copy(EXAMPLE, report)
    server = RawLspServer(tmp_path, "--log-level", "INFO")
    try:
        assert server.initialize() is not None
        assert server.wait_for(lambda _: WARMED.search(server.stderr()), 60), server.stderr()
        assert server.alive
        assert diagnostics_of(server, server.open(report)) is not None
        toml = diagnostics_of(server, (tmp_path / "aicmo.toml").as_uri())
        message = server.notification("window/showMessage")
    finally:
        server.stop()
    assert toml is not None and len(toml) == 1
    assert message is not None and "aicmo.toml" in message["params"]["message"]
    assert "Traceback" not in server.stderr()
