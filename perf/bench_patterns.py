"""Pack patterns (``forbidden_regex``) from a repository someone else made: what refusing the
catastrophic ones costs at load, what a report full of slow patterns costs a check, and whether the
language server keeps answering while such a check runs.

Measures:

- **refusal**: :func:`pattern_problem` (shape analysis and compilation) per pattern: the built-in
  packs' patterns, and the worst 1,000-character patterns the limits allow (many alternatives, deep
  nesting, long sequences of optional parts); median and maximum;
- **check**: ``tests/fixtures/patterns/slow/many.md`` (twelve sections, each with a line on which
  ``(ab|a|b)*$`` backtracks without end) checked in this process: wall and processor time, and the
  findings (twelve ``AIC901``), against the section budget (0.5 s) and the report budget (5 s);
- **server**: a real ``aicmo-lsp`` over stdio, workspace a temporary copy of that fixture folder.
  Hover latency on a calm report of the same pack, first idle, then while ``many.md`` is being
  checked (hovers sent one after another until its diagnostics arrive), the time from opening
  ``many.md`` to its diagnostics, and a hover on ``many.md`` itself sent as it opened (it waits for
  that report's check: a hover shows the figures of the text as it is now). The same run again with a server whose matcher holds the GIL
  (``concurrent=False``, patched in at start-up, as the ``re`` module always does) shows what
  releasing it buys.

Run ``python perf/bench_patterns.py`` (``--quick`` for fewer hovers). Numbers go to
``perf/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

PERF = Path(__file__).resolve().parent
REPO = PERF.parent
sys.path[:0] = [str(REPO)]

from aicmo_core.benchmarks.loader import load_packs  # noqa: E402
from aicmo_core.benchmarks.pattern_refusal import MAX_PATTERN_CHARS, pattern_problem  # noqa: E402
from aicmo_core.check import CheckOptions, SectionCache, check_text  # noqa: E402
from aicmo_core.workspace import Workspace  # noqa: E402

SLOW = REPO / "tests" / "fixtures" / "patterns" / "slow"

# The server with its matcher holding the GIL, as the standard library's ``re`` always does.
HOLDING_GIL_SERVER = """
import sys
import aicmo_core.benchmarks.patterns as patterns
real = patterns.compiled
class HoldingGil:
    def __init__(self, pattern): self.pattern = pattern
    def finditer(self, text, **options): return self.pattern.finditer(text, **{**options, "concurrent": False})
    def search(self, text, **options): return self.pattern.search(text, **{**options, "concurrent": False})
patterns.compiled = lambda pattern: HoldingGil(real(pattern))
from aicmo_lsp.__main__ import main
sys.exit(main(["--log-level", "WARNING"]))
"""


def worst_patterns() -> dict[str, str]:
    """Patterns as costly to analyse or compile as the limits allow (length, nesting, copies)."""
    patterns = {
        "199 alternatives under a repeat": "(?:" + "|".join(f"w{n:03d}" for n in range(199)) + ")+",
        "490 optional parts in a row": "(?:" + "a?b?c?d?e?f?g?h?i?j?" * 49 + ")",
        "49 nested optional groups": "(?:" * 49 + "ab" + ")?c" * 49,
        "11 nested + groups (6,143 copies)": "(?:" * 11 + "ab" + ")+c" * 11,
        "12 nested + groups (12,287 copies, refused)": "(?:" * 12 + "ab" + ")+c" * 12,
        "(a+)+ after 980 characters (refused)": "x" * 980 + "(a+)+",
    }
    assert all(len(pattern) <= MAX_PATTERN_CHARS for pattern in patterns.values())
    return patterns


def refusal_rows() -> list[str]:
    builtin = sorted({p for pack in load_packs(()).packs.values() for s in pack.sections for p in s.forbidden_regex})
    rows = []
    for name, patterns in [("built-in packs", builtin), *((n, [p]) for n, p in worst_patterns().items())]:
        times = []
        for pattern in patterns:
            for _ in range(5):
                start = time.perf_counter()
                problem = pattern_problem(pattern)
                times.append((time.perf_counter() - start) * 1000)
        verdict = "accepted" if problem is None else "refused"
        longest = max(map(len, patterns))
        rows.append(
            f"| {name} | {len(patterns)} | {longest} | {verdict} | {statistics.median(times):.2f} | {max(times):.2f} |"
        )
    return rows


def check_row() -> str:
    path = SLOW / "many.md"
    options, _ = Workspace(stop_at=SLOW.parent).options_for(path)
    options = CheckOptions(packs=options.packs, config=options.config, cache=SectionCache())
    wall, cpu = time.perf_counter(), time.process_time()
    result = check_text(path.read_text(encoding="utf-8"), str(path), options)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    scopes = [f.data.get("scope") for f in result.findings if f.code == "AIC901"]
    return (
        f"| many.md | {len(result.sections)} | {wall:.2f} | {cpu:.2f} | "
        f"{scopes.count('section')} section, {scopes.count('report')} report |"
    )


class Server:
    def __init__(self) -> None:
        self.client = LanguageClient("aicmo-perf", "1")
        self.published: dict[str, float] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            if params.diagnostics or params.uri.endswith("calm.md"):
                self.published.setdefault(params.uri, time.perf_counter())

        @self.client.feature(types.WORKSPACE_CONFIGURATION)
        def configuration(params: types.ConfigurationParams) -> list[Any]:
            return [{"debounceMs": 0} for _ in params.items]

        for method in ("aicmo/status", types.WINDOW_LOG_MESSAGE, types.WINDOW_SHOW_MESSAGE):
            self.client.feature(method)(lambda params: None)

    async def start(self, root: Path, holding_gil: bool) -> None:
        args = ("-c", HOLDING_GIL_SERVER) if holding_gil else ("-m", "aicmo_lsp", "--log-level", "WARNING")
        await self.client.start_io(sys.executable, *args)
        capabilities = types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(configuration=True))
        await self.client.initialize_async(types.InitializeParams(capabilities=capabilities, root_uri=root.as_uri()))
        self.client.initialized(types.InitializedParams())

    def open(self, path: Path) -> str:
        uri = path.as_uri()
        item = types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=path.read_text(encoding="utf-8"))
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(item))
        return uri

    async def until_published(self, uri: str, timeout: float = 300) -> float:
        deadline = time.perf_counter() + timeout
        while uri not in self.published:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no diagnostics for {uri}")
            await asyncio.sleep(0.005)
        return self.published[uri]

    async def hover_ms(self, uri: str) -> float:
        start = time.perf_counter()
        hover = await self.client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(3, 2))
        )
        assert hover is not None
        return (time.perf_counter() - start) * 1000

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def row(label: str, latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"| {label} | {len(latencies)} | {statistics.median(latencies):.1f} | {p95:.1f} | {max(latencies):.1f} |"


async def server_rows(holding_gil: bool, idle_hovers: int) -> list[str]:
    name = "matcher holding the GIL" if holding_gil else "aicmo (matcher releases the GIL)"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(shutil.copytree(SLOW, Path(folder) / "repo"))
        server = Server()
        await server.start(root, holding_gil)
        calm = server.open(root / "calm.md")
        await server.until_published(calm)
        idle = [await server.hover_ms(calm) for _ in range(idle_hovers)]
        slow = server.open(root / "many.md")
        opened = time.perf_counter()
        own = asyncio.ensure_future(server.hover_ms(slow))  # waits for the report's own check
        during = []
        while slow not in server.published:
            during.append(await server.hover_ms(calm))
        check_s = await server.until_published(slow) - opened
        waited = await own
        await server.stop()
    return [
        row(f"{name}: idle", idle),
        row(f"{name}: during the check of many.md ({check_s:.1f} s)", during),
        f"| {name}: hover on many.md itself, sent as it opened | 1 | {waited:.1f} | | |",
    ]


async def run(quick: bool) -> None:
    print("| patterns | count | longest | verdict | analysis + compile median ms | max ms |")
    print("| --- | ---: | ---: | --- | ---: | ---: |")
    for line in refusal_rows():
        print(line)
    print()
    print("| report | sections | wall s | processor s | AIC901 findings by budget |")
    print("| --- | ---: | ---: | ---: | --- |")
    print(check_row())
    print()
    print("| server | hovers | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for holding_gil in (False, True):
        for line in await server_rows(holding_gil, 10 if quick else 50):
            print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer idle hovers")
    args = parser.parse_args(argv)
    asyncio.run(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
