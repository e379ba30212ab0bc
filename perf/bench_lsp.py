"""The language server as an editor meets it: a real ``aicmo-lsp`` process over stdio, driven by
pygls's client.

Measures, with the debounce set to 0:

- the time from spawning the server to its ``initialize`` response (Python start-up and imports
  included: that is what a writer waits for when the editor starts);
- for reports of about 1,000 and 5,000 lines: the time from sending ``didChange`` (one character
  typed, as an incremental change) to receiving the diagnostics published for that version, p50 and
  p95 over many edits spread over the document; next to it the time of a full validation of the same
  text in this process (cold caches), so the ratio says what the per-section cache saves;
- the server's resident memory (VmRSS from ``/proc``) after opening 20 such reports.

Run ``python perf/bench_lsp.py`` (``--quick`` for a smoke run). Numbers go to ``perf/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

PERF = Path(__file__).resolve().parent
sys.path[:0] = [str(PERF.parent), str(PERF)]

from bench_check import PACK_KEY, ReportWriter  # noqa: E402

from aicmo_core.benchmarks.loader import load_packs  # noqa: E402
from aicmo_core.check import CheckOptions, SectionCache, check_text  # noqa: E402
from aicmo_core.document.model import clear_caches  # noqa: E402

TABLE_HEADER = "| lines | edits | edit→diagnostics p50 ms | p95 ms | max ms | full validation ms | p50/full |"


def report_of_lines(lines: int, mdx: bool = False, seed: int = 7) -> str:
    """A generated report cut at the first section boundary at or after ``lines`` lines."""
    packs = load_packs(())
    text = ReportWriter(packs.packs[PACK_KEY], mdx, seed).report(lines * 80)
    kept: list[str] = []
    for line in text.split("\n"):
        if len(kept) >= lines and line.startswith("## "):
            break
        kept.append(line)
    return "\n".join(kept) + "\n"


def full_validation_ms(text: str, runs: int) -> float:
    """Median time of a cold check of ``text`` in this process."""
    options = CheckOptions(packs=load_packs(()))
    times = []
    for _ in range(runs):
        clear_caches()
        options.cache = SectionCache()
        gc.collect()
        start = time.perf_counter()
        check_text(text, "report.md", options)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


class Bench:
    def __init__(self) -> None:
        self.client = LanguageClient("aicmo-perf", "1")
        self.arrivals: dict[tuple[str, int | None], float] = {}
        self.changed = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.arrivals[(params.uri, params.version)] = time.perf_counter()
            self.changed.set()

        @self.client.feature(types.WORKSPACE_CONFIGURATION)
        def configuration(params: types.ConfigurationParams) -> list[Any]:
            return [{"debounceMs": 0} for _ in params.items]

        @self.client.feature("aicmo/status")
        def status(params: Any) -> None:
            del params

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def log_message(params: Any) -> None:
            del params

    async def start(self) -> float:
        """Milliseconds from spawning the server to its ``initialize`` response."""
        spawned = time.perf_counter()
        await self.client.start_io(sys.executable, "-m", "aicmo_lsp", "--log-level", "WARNING")
        capabilities = types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(configuration=True),
            text_document=types.TextDocumentClientCapabilities(
                publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)
            ),
        )
        await self.client.initialize_async(types.InitializeParams(capabilities=capabilities, root_uri=PERF.as_uri()))
        done = time.perf_counter()
        self.client.initialized(types.InitializedParams())
        return (done - spawned) * 1000

    async def wait_for(self, uri: str, version: int, timeout: float = 60) -> float:
        deadline = time.perf_counter() + timeout
        while (uri, version) not in self.arrivals:
            self.changed.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no diagnostics for {uri} version {version}")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)
        return self.arrivals[(uri, version)]

    def open(self, uri: str, text: str) -> None:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
            )
        )

    async def edit_latencies(self, uri: str, text: str, edits: int) -> list[float]:
        """Type one character at a time on prose lines spread over the document."""
        lines = text.split("\n")
        prose = [n for n, line in enumerate(lines) if line[:1].isalpha() and len(line) > 20]
        latencies = []
        for version, n in enumerate(range(edits), start=2):
            line = prose[(n * 7919) % len(prose)]
            column = len(lines[line]) // 2
            self.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[
                        types.TextDocumentContentChangePartial(
                            range=types.Range(types.Position(line, column), types.Position(line, column)), text="x"
                        )
                    ],
                )
            )
            sent = time.perf_counter()
            arrived = await self.wait_for(uri, version)
            latencies.append((arrived - sent) * 1000)
        return latencies

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    def server_rss_mib(self) -> float:
        server = self.client._server  # the asyncio subprocess pygls started
        assert server is not None
        for line in Path(f"/proc/{server.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run(quick: bool) -> None:
    bench = Bench()
    print(f"initialize: {await bench.start():.0f} ms from spawning the server to its response")
    print()
    print(TABLE_HEADER)
    print("|" + " ---: |" * (TABLE_HEADER.count("|") - 1))
    sizes = (1000,) if quick else (1000, 5000)
    edits = 20 if quick else 200
    for lines in sizes:
        text = report_of_lines(lines)
        uri = (PERF / f"bench-{lines}.md").as_uri()
        bench.open(uri, text)
        await bench.wait_for(uri, 1)
        latencies = await bench.edit_latencies(uri, text, edits)
        full = full_validation_ms(text, 3 if quick else 7)
        p50 = statistics.median(latencies)
        print(
            f"| {len(text.splitlines())} | {edits} | {p50:.1f} | {percentile(latencies, 0.95):.1f} | "
            f"{max(latencies):.1f} | {full:.1f} | {p50 / full:.2f} |"
        )
    print()
    count = 3 if quick else 20
    before = bench.server_rss_mib()
    for n in range(count):
        uri = (PERF / f"memory-{n}.md").as_uri()
        bench.open(uri, report_of_lines(5000 if not quick else 1000, seed=100 + n))
        await bench.wait_for(uri, 1)
    after = bench.server_rss_mib()
    print(f"server memory: {before:.0f} MiB before, {after:.0f} MiB with {count} more reports open")
    await bench.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a fast smoke run: 1,000 lines, few edits")
    args = parser.parse_args(argv)
    asyncio.run(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
