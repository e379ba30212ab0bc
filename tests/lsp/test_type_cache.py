"""The server's start-up cache of the code attrs generates for lsprotocol's types (``type_cache``).

Each case is a fresh interpreter (the cache only matters for a first import), with its own cache
folder: the first start compiles every generated source and stores them, the next compiles none
and its types behave exactly as lsprotocol's (construction, equality, repr, cattrs round trip); a
corrupt or foreign cache entry is ignored and replaced; ``AICMO_NO_CACHE`` writes nothing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from support.raw_lsp import RawLspServer

FIXTURES = Path(__file__).resolve().parents[2] / "examples" / "failing"

PROBE = """
import json, sys
from aicmo_lsp.type_cache import import_lsp_types
compiled = import_lsp_types()
from lsprotocol import types, converters
position = types.Position(line=3, character=7)
diagnostic = types.Diagnostic(range=types.Range(start=position, end=types.Position(line=3, character=9)), message="too short", code="AIC101")
converter = converters.get_converter()
round_trip = converter.structure(converter.unstructure(diagnostic), types.Diagnostic)
print(json.dumps({
    "compiled": compiled,
    "equal": round_trip == diagnostic,
    "repr": repr(types.Command(title="Regenerate", command="aicmo.regenerateSection")),
    "unstructured": converter.unstructure(position),
    "hashable_enum": types.DiagnosticSeverity.Error.value,
}))
"""


def start(cache: Path, **extra: str) -> dict[str, object]:
    env = {key: value for key, value in os.environ.items() if key != "AICMO_NO_CACHE"}
    env.update(AICMO_CACHE_DIR=str(cache), **extra)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    answer: dict[str, object] = json.loads(result.stdout)
    return answer


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("data-lsptypes-*.marshal"))


def test_first_start_fills_the_cache_and_the_next_compiles_nothing(tmp_path: Path) -> None:
    first = start(tmp_path)
    assert isinstance(first["compiled"], int) and first["compiled"] > 500  # one per attrs class and more
    assert len(entries(tmp_path)) == 1
    second = start(tmp_path)
    assert second["compiled"] == 0
    for answer in (first, second):
        assert answer["equal"] is True
        assert (
            answer["repr"]
            == "Command(title='Regenerate', command='aicmo.regenerateSection', tooltip=None, arguments=None)"
        )
        assert answer["unstructured"] == {"line": 3, "character": 7}
        assert answer["hashable_enum"] == 1


def test_a_corrupt_entry_is_ignored_and_replaced(tmp_path: Path) -> None:
    start(tmp_path)
    (entry,) = entries(tmp_path)
    entry.write_bytes(b"\x00not marshal at all")
    again = start(tmp_path)
    assert isinstance(again["compiled"], int) and again["compiled"] > 500
    assert again["equal"] is True
    assert start(tmp_path)["compiled"] == 0  # rewritten whole


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    answer = start(tmp_path, AICMO_NO_CACHE="1")
    assert isinstance(answer["compiled"], int) and answer["compiled"] > 500
    assert not tmp_path.exists() or entries(tmp_path) == []


def test_a_server_killed_after_its_first_check_has_kept_its_stems(tmp_path: Path) -> None:
    """The stems section matching met are written after a check, not only at exit: an editor that
    kills its server (a window reload) must not make every start stem the vocabulary again."""
    cache = tmp_path / "cache"
    report = tmp_path / "report.md"
    report.write_text((FIXTURES / "quick_social_basic.md").read_text(encoding="utf-8"), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "AICMO_NO_CACHE"}
    server = RawLspServer(tmp_path, env={**env, "AICMO_CACHE_DIR": str(cache)})
    try:
        server.initialize()
        server.open(report)
        assert server.notification("textDocument/publishDiagnostics") is not None
    finally:
        server.process.kill()
        server.stop()
    assert list(cache.glob("data-stems-*.marshal")), sorted(path.name for path in cache.iterdir())


def test_the_server_logs_where_its_start_went(tmp_path: Path) -> None:
    """With ``AICMO_SPAWNED_AT`` (the extension sets it), the log says how long Python took to start,
    how long the imports took, and when ``initialize`` was answered: the extension's output channel
    shows it, and the real VS Code test collects it."""
    spawned = int(time.time() * 1000)
    server = RawLspServer(tmp_path, "--log-level", "INFO", env={**os.environ, "AICMO_SPAWNED_AT": str(spawned)})
    try:
        assert server.initialize() is not None
    finally:
        server.stop()
    found = re.search(
        r"initialize (\d+) ms after this module ran \(imports (\d+) ms\); Python's own start (\d+) ms", server.stderr()
    )
    assert found is not None, server.stderr()
    initialize, imports, python = (int(group) for group in found.groups())
    assert 0 < imports <= initialize and python >= 0


STEMS_TWICE = """
import sys
from pathlib import Path
from aicmo_core.benchmarks.pack_cache import PackCache, use_in_this_process
from aicmo_core.document.stemming import save_new_stems, snowball_stem
use_in_this_process(PackCache(Path(sys.argv[1])))
snowball_stem("campaigns")
save_new_stems()
(entry,) = Path(sys.argv[1]).glob("data-stems-*.marshal")
first = entry.read_bytes()
snowball_stem("retargeting")
save_new_stems()
print(entry.read_bytes() == first)
"""


def test_stems_are_written_after_the_first_check_only(tmp_path: Path) -> None:
    """The early write happens once: a check while the writer types a new heading word writes nothing
    (that word waits for the exit)."""
    result = subprocess.run(
        [sys.executable, "-c", STEMS_TWICE, str(tmp_path)], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "True"
