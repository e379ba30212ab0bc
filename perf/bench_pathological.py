"""Pathological documents: what tens of thousands of headings, very wide tables and deep nesting cost,
as a ratio to markdown-it-py's parse of the same text.

The goal (issue 14): such structure costs at most 3x markdown-it-py's parse of the same document in
time and at most the parse's memory. Measured two ways:

- **in this process**: the *floor* is ``MarkdownIt("commonmark").enable("table").parse(text)``
  (block and inline rules), the *check* is ``check_text`` with every cache cleared (preprocess,
  parse, sections, every rule, statuses), as in ``bench_check.py``. Time is the minimum of a few
  alternating runs (the machine is shared), memory the ``tracemalloc`` peak of one run each;
- **in the language server**: a fresh ``aicmo-lsp`` process per document, over stdio, with
  ``debounceMs`` 0, after a small report (the packs, the vocabulary and the settings are loaded once
  per server); the time from sending ``didOpen`` to receiving the document's diagnostics, and the
  server's peak resident memory (``VmHWM``) against its resident memory before the document.

Run ``python perf/bench_pathological.py`` (``--quick``: smaller documents, no server; ``--only NAME``
for one document). Numbers are recorded in ``perf/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from markdown_it import MarkdownIt
from pygls.lsp.client import LanguageClient

PERF = Path(__file__).resolve().parent
if str(PERF.parent) not in sys.path:
    sys.path.insert(0, str(PERF.parent))

from aicmo_core.benchmarks.loader import PackSet, load_packs  # noqa: E402
from aicmo_core.check import CheckOptions, SectionCache, check_text  # noqa: E402
from aicmo_core.document.model import clear_caches  # noqa: E402

FRONT = "---\npack: quick_social_basic\n---\n\n# Glow Botanicals\n\n## Client Overview\n\n"
GOAL_TIME, GOAL_MEMORY = 3.0, 1.0


def headings(count: int) -> str:
    """``count`` ``##`` sections, each one short paragraph (none of them a section of the pack)."""
    return FRONT + "".join(f"## Topic {n}\n\nWeek {n} plan.\n\n" for n in range(count))


def wide_table(columns: int, size: int) -> str:
    """One table of ``columns`` columns, rows added until the text is ``size`` characters."""
    header = "|" + "|".join(f"c{n}" for n in range(columns)) + "|"
    rule = "|" + "---|" * columns
    row = "|" + "x|" * columns
    rows = max(1, (size - len(header) - len(rule)) // (len(row) + 1))
    return FRONT + "\n".join([header, rule, *([row] * rows)]) + "\n"


def nested_quotes(depth: int, lines: int) -> str:
    return FRONT + "".join("> " * depth + f"quoted line {n}\n" for n in range(lines))


def nested_lists(depth: int) -> str:
    return FRONT + "".join("  " * level + f"- item {level}\n" for level in range(depth))


def nested_jsx(depth: int) -> str:
    """MDX: ``depth`` nested elements around one line of text."""
    return FRONT + "<Box>\n" * depth + "Deep text.\n" + "</Box>\n" * depth


def repeated_lines(count: int) -> str:
    """One paragraph of ``count`` identical label lines: a finding on every line after the first."""
    return FRONT + "Brand: Glow\n" * count


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    make: Callable[[], str]
    mdx: bool = False


def cases(quick: bool) -> list[Case]:
    scale = 10 if quick else 1
    return [
        Case("headings", f"{50_000 // scale:,} headings", lambda: headings(50_000 // scale)),
        Case(
            "wide table",
            f"{5_000 // scale:,} columns",
            lambda: wide_table(5_000 // scale, 2 * 1024 * 1024 // scale),
        ),
        Case("nested quotes", "1,000 levels x 500 lines", lambda: nested_quotes(1_000, 500 // scale)),
        Case("nested lists", f"{1_000 // scale:,} levels", lambda: nested_lists(1_000 // scale)),
        Case("nested JSX (MDX)", f"{5_000 // scale:,} levels", lambda: nested_jsx(5_000 // scale), mdx=True),
        Case("repeated lines", f"{100_000 // scale:,} lines", lambda: repeated_lines(100_000 // scale)),
    ]


# ------------------------------------------------------------------------------------- in process


def run_floor(text: str) -> object:
    return MarkdownIt("commonmark").enable("table").parse(text)


def run_check(text: str, case: Case, packs: PackSet) -> object:
    clear_caches()
    return check_text(text, "report.mdx" if case.mdx else "report.md", CheckOptions(packs, cache=SectionCache()))


def seconds(function: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def peak_mib(function: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


@dataclass
class Measured:
    floor_s: float
    check_s: float
    floor_mib: float
    check_mib: float
    findings: int


def measure(case: Case, text: str, packs: PackSet, rounds: int) -> Measured:
    run_floor(text)  # untimed: imports, regular expressions, the vocabulary
    run_check(text, case, packs)
    floor_times, check_times = [], []
    for round_ in range(rounds):  # alternate, so a slower moment of the machine hits both
        pair = [("floor", lambda: run_floor(text)), ("check", lambda: run_check(text, case, packs))]
        for name, function in pair if round_ % 2 == 0 else reversed(pair):
            (floor_times if name == "floor" else check_times).append(seconds(function))
    result: Any = run_check(text, case, packs)
    return Measured(
        min(floor_times),
        min(check_times),
        peak_mib(lambda: run_floor(text)),
        peak_mib(lambda: run_check(text, case, packs)),
        len(result.findings),
    )


# ---------------------------------------------------------------------------------------- server


class Server:
    """A fresh ``aicmo-lsp`` over stdio that records when each document's diagnostics arrive."""

    def __init__(self) -> None:
        self.client = LanguageClient("aicmo-perf", "1")
        self.arrived: dict[str, float] = {}
        self.event = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            if params.version is not None:
                self.arrived[params.uri] = time.perf_counter()
                self.event.set()

        @self.client.feature(types.WORKSPACE_CONFIGURATION)
        def configuration(params: types.ConfigurationParams) -> list[Any]:
            return [{"debounceMs": 0} for _ in params.items]

        for method in ("aicmo/status", types.WINDOW_LOG_MESSAGE, types.WINDOW_SHOW_MESSAGE):
            self.client.feature(method)(lambda params: None)

    async def start(self) -> None:
        await self.client.start_io(sys.executable, "-m", "aicmo_lsp", "--log-level", "WARNING")
        capabilities = types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(configuration=True),
            text_document=types.TextDocumentClientCapabilities(
                publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)
            ),
        )
        await self.client.initialize_async(types.InitializeParams(capabilities=capabilities, root_uri=PERF.as_uri()))
        self.client.initialized(types.InitializedParams())

    async def open_and_wait(self, uri: str, text: str, mdx: bool, timeout: float = 600) -> float:
        sent = time.perf_counter()
        language = "mdx" if mdx else "markdown"
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text))
        )
        deadline = sent + timeout
        while uri not in self.arrived:
            self.event.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.event.wait(), max(deadline - time.perf_counter(), 0.01))
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no diagnostics for {uri}")
        return self.arrived[uri] - sent

    def memory_mib(self, field: str) -> float:
        process = self.client._server  # the subprocess pygls started
        assert process is not None
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.client.shutdown_async(None), 30)
            self.client.exit(None)
        await self.client.stop()


async def in_server(case: Case, text: str) -> tuple[float, float, float]:
    """Seconds from didOpen to diagnostics; resident MiB before; peak resident MiB."""
    server = Server()
    await server.start()
    try:
        # A small report first: the packs, the vocabulary and the settings are loaded once per server.
        await server.open_and_wait((PERF / "warm-up.md").as_uri(), FRONT + "Text.\n", mdx=False)
        before = server.memory_mib("VmRSS")
        uri = (PERF / ("pathological.mdx" if case.mdx else "pathological.md")).as_uri()
        elapsed = await server.open_and_wait(uri, text, case.mdx)
        return elapsed, before, server.memory_mib("VmHWM")
    finally:
        await server.stop()


# ------------------------------------------------------------------------------------------ main

TABLE_HEADER = (
    "| document | size | findings | floor ms | check ms | check/floor | floor peak MiB | check peak MiB | "
    "check/floor memory | server open→diagnostics ms | server/floor | server MiB before → peak |"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="documents a tenth of the size, no server")
    parser.add_argument("--only", help="one document by name (e.g. 'headings')")
    parser.add_argument("--rounds", type=int, help="timed rounds per document (default 3; 1 with --quick)")
    args = parser.parse_args(argv)
    packs = load_packs(())
    print(f"Python {sys.version.split()[0]}; goal: check/floor at most {GOAL_TIME:g}x, memory at most {GOAL_MEMORY:g}x")
    print()
    print(TABLE_HEADER)
    print("|" + " --- |" * (TABLE_HEADER.count("|") - 1))
    over = []
    for case in cases(args.quick):
        if args.only and case.name != args.only:
            continue
        text = case.make()
        found = measure(case, text, packs, args.rounds or (1 if args.quick else 3))
        ratio, memory = found.check_s / found.floor_s, found.check_mib / found.floor_mib
        server = "" if args.quick else " | ".join(_server_cells(case, text, found.floor_s))
        print(
            f"| {case.name} ({case.what}) | {len(text.encode()) / 2**20:.2f} MB | {found.findings:,} | "
            f"{found.floor_s * 1000:,.0f} | {found.check_s * 1000:,.0f} | {ratio:.2f}x | {found.floor_mib:.1f} | "
            f"{found.check_mib:.1f} | {memory:.2f}x | {server or '-'} |",
            flush=True,
        )
        if ratio > GOAL_TIME or memory > GOAL_MEMORY:
            over.append(case.name)
    print()
    print("over the goal: " + (", ".join(over) if over else "none"))
    return 0


def _server_cells(case: Case, text: str, floor_s: float) -> list[str]:
    elapsed, before, peak = asyncio.run(in_server(case, text))
    return [f"{elapsed * 1000:,.0f}", f"{elapsed / floor_s:.2f}x", f"{before:.0f} → {peak:.0f}"]


if __name__ == "__main__":
    sys.exit(main())
