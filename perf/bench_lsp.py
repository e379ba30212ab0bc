"""The language server as an editor meets it: a real ``aicmo-lsp`` process over stdio, driven by
pygls's client.

Measures, with the debounce set to 0:

- the time from spawning the server to its ``initialize`` response (Python start-up and imports
  included: that is what a writer waits for when the editor starts);
- for reports of about 1,000, 5,000, 20,000 and 50,000 lines: the time from sending ``didChange``
  (one character typed, as an incremental change) to receiving the diagnostics published for that
  version, p50, p95 and max over many edits spread over the document (the curve should be flat),
  and the p95 of the time until the message was read, before pygls's client decoded it into
  lsprotocol objects (which costs this client up to 10 ms for 900 diagnostics; VS Code pulls
  diagnostics and decodes them in JavaScript);
  next to it the engine's time for one such edit in this process (warm, as the server runs it), the
  same for an MDX report of that size, and the time of a full validation of the same text (cold
  caches);
- with ``--breakdown LINES``: where one edit's time goes in the server, phase by phase (applying the
  change to the document, preprocessing, parsing, checking, converting to diagnostics, serialising
  the notification, writing it), measured in this process;
- the server's resident memory (VmRSS from ``/proc``) after opening 20 such reports.

Run ``python perf/bench_lsp.py`` (``--quick`` for a smoke run, ``--sizes 1000,5000`` to choose).
Numbers go to ``perf/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.protocol import default_converter
from pygls.workspace import PositionCodec

PERF = Path(__file__).resolve().parent
sys.path[:0] = [str(PERF.parent), str(PERF)]

from aicmo_lsp.convert import DiagnosticsJson, PositionMapper  # noqa: E402
from aicmo_lsp.text_sync import ReportDocument  # noqa: E402
from bench_check import PACK_KEY, ReportWriter  # noqa: E402

from aicmo_core.benchmarks.loader import load_packs  # noqa: E402
from aicmo_core.check import CheckOptions, SectionCache, check_document, check_text  # noqa: E402
from aicmo_core.document.incremental import common_prefix, common_suffix, edited_index, reparse_document  # noqa: E402
from aicmo_core.document.model import clear_caches  # noqa: E402
from aicmo_core.document.rescan import rescan  # noqa: E402

TABLE_HEADER = (
    "| lines | edits | edit→diagnostics p50 ms | p95 ms | max ms | read, not yet decoded: p95 ms "
    "| engine edit p50 ms | the same in MDX | full validation ms | p50/full |"
)
SIZES = (1000, 5000, 20000, 50000)


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


def prose_edits(text: str, edits: int) -> list[tuple[int, int]]:
    """(line, column) of ``edits`` one-character edits on prose lines spread over the document."""
    lines = text.split("\n")
    prose = [n for n, line in enumerate(lines) if line[:1].isalpha() and len(line) > 20]
    return [(prose[(n * 7919) % len(prose)], len(lines[prose[(n * 7919) % len(prose)]]) // 2) for n in range(edits)]


def typed(text: str, places: list[tuple[int, int]]) -> list[str]:
    """The texts after typing "x" at each place in turn (each edit on top of the previous ones)."""
    lines = text.split("\n")
    texts = []
    for line, column in places:
        lines[line] = lines[line][:column] + "x" + lines[line][column:]
        texts.append("\n".join(lines))
    return texts


def engine_edit_ms(text: str, edits: int, path: str = "report.md") -> float:
    """Median time of the engine's check of a one-character edit, warm, as the server runs it."""
    options = CheckOptions(packs=load_packs(()), cache=SectionCache())
    previous = check_text(text, path, options)
    times = []
    for edited in typed(text, prose_edits(text, edits)):
        gc.collect()
        start = time.perf_counter()
        previous = check_text(edited, path, options, previous)  # as the server does
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


class Bench:
    def __init__(self) -> None:
        self.client = LanguageClient("aicmo-perf", "1")
        self.arrivals: dict[tuple[str, int | None], float] = {}
        self.read: dict[tuple[str, int | None], float] = {}  # when decoding began: the message was read
        self.changed = asyncio.Event()
        self._watch_decoding()

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

    def _watch_decoding(self) -> None:
        """Note when pygls's client starts decoding each message: it hands every JSON object, from
        the innermost out, to ``structure_message`` while it parses the body it has read."""
        protocol = self.client.protocol
        decode = protocol.structure_message
        began: list[float] = []

        def timed(data: dict[str, Any]) -> Any:
            if not began:
                began.append(time.perf_counter())
            if "jsonrpc" in data:  # the message itself, the last object decoded
                started = began.pop()
                params = data.get("params")
                if data.get("method") == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS and isinstance(params, dict):
                    self.read[(params.get("uri", ""), params.get("version"))] = started
            return decode(data)

        protocol.structure_message = timed  # type: ignore[method-assign]

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
        # This client's own heap (pygls, lsprotocol, the packs) out of its garbage collector's way: a
        # full collection of it took 60 ms about every tenth message, which an editor's client does
        # not pay and which was most of the p95 measured.
        gc.freeze()
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

    async def edit_latencies(self, uri: str, text: str, edits: int) -> tuple[list[float], list[float]]:
        """Type one character at a time on prose lines spread over the document: the time until each
        version's diagnostics were decoded, and until they were read."""
        latencies, read = [], []
        for version, (line, column) in enumerate(prose_edits(text, edits), start=2):
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
            read.append((self.read[(uri, version)] - sent) * 1000)
        return latencies, read

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


def print_breakdown(lines: int, edits: int = 30) -> None:
    """Where one edit's time goes in the server: each phase's median over ``edits`` edits."""
    text = report_of_lines(lines)
    times: dict[str, list[float]] = {}
    for phase, elapsed in edit_phases(text, edits):
        times.setdefault(phase, []).append(elapsed)
    medians = {phase: statistics.median(values) for phase, values in times.items()}
    print(f"one-character edit of a report of {len(text.splitlines())} lines, median of {edits} edits:")
    print()
    print("| phase | ms |")
    print("| --- | ---: |")
    for phase, median in medians.items():
        print(f"| {phase} | {median:.2f} |")
    print(f"| **sum** | **{sum(medians.values()):.2f}** |")


def edit_phases(text: str, edits: int) -> Iterator[tuple[str, float]]:
    """(phase, ms) for each phase of each of ``edits`` edits, run the way the server runs them."""
    converter = default_converter()
    options = CheckOptions(packs=load_packs(()), cache=SectionCache())
    result = check_text(text, "report.md", options)
    document = ReportDocument("file:///report.md", text, 1, "markdown", PositionCodec())
    published = DiagnosticsJson()
    published.message(document.uri, 1, result, PositionMapper(result.doc.index.line_text, 0, "utf-16"))
    with open(os.devnull, "wb") as sink:
        for version, (line, column) in enumerate(prose_edits(text, edits), start=2):
            gc.collect()
            change = types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(line, column), types.Position(line, column)), text="x"
            )
            start = time.perf_counter()
            document.apply_change(change)
            edited = document.source
            yield "apply the change to the document", _since(start)
            old = result.doc
            start = time.perf_counter()
            prefix = common_prefix(old.text, edited)
            suffix = common_suffix(old.text, edited, min(len(old.text), len(edited)) - prefix)
            index, edit = edited_index(old.index, edited, prefix, suffix)
            indexed = _since(start)
            yield "find the edit, line index", indexed
            start = time.perf_counter()
            rescan(old.pre, old.index.line_starts, edited, index.line_starts, edit)
            rescanned = _since(start)
            yield "preprocess (rescan around the edit)", rescanned
            start = time.perf_counter()
            doc, edit = reparse_document(old, edited)
            yield "parse (chunks, headings)", max(_since(start) - indexed - rescanned, 0.0)
            start = time.perf_counter()
            result = check_document(doc, "report.md", options, result.structure, edit)
            yield "check (sections, rules)", _since(start)
            start = time.perf_counter()
            index = result.doc.index
            body = published.message(document.uri, version, result, PositionMapper(index.line_text, 0, "utf-16"))
            yield "convert and serialise (JSON pieces)", _since(start)
            start = time.perf_counter()
            sink.write(f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
            sink.flush()
            yield "write", _since(start)
            start = time.perf_counter()
            converter.structure(json.loads(body), types.PublishDiagnosticsNotification)
            yield "the client reads it (JSON, lsprotocol objects: pygls's client)", _since(start)


def _since(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run(quick: bool, sizes: tuple[int, ...], memory: bool) -> None:
    bench = Bench()
    print(f"initialize: {await bench.start():.0f} ms from spawning the server to its response")
    latencies: dict[int, list[float]] = {}
    read: dict[int, list[float]] = {}
    texts = {lines: report_of_lines(lines) for lines in sizes}
    # Every size over the wire first: the in-process checks below fill this process's heap, and its
    # garbage collector would then slow the client's reading of each message down.
    for lines, text in texts.items():
        uri = (PERF / f"bench-{lines}.md").as_uri()
        bench.open(uri, text)
        await bench.wait_for(uri, 1, timeout=300)
        edits = 20 if quick else 200 if lines <= 20000 else 100
        latencies[lines], read[lines] = await bench.edit_latencies(uri, text, edits)
        bench.client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    if memory:
        count = 3 if quick else 20
        before = bench.server_rss_mib()
        for n in range(count):
            uri = (PERF / f"memory-{n}.md").as_uri()
            bench.open(uri, report_of_lines(5000 if not quick else 1000, seed=100 + n))
            await bench.wait_for(uri, 1)
        after = bench.server_rss_mib()
        print(f"server memory: {before:.0f} MiB before, {after:.0f} MiB with {count} more reports open")
    await bench.stop()
    print()
    print(TABLE_HEADER)
    print("|" + " ---: |" * (TABLE_HEADER.count("|") - 1))
    for lines, text in texts.items():
        engine = engine_edit_ms(text, 10 if quick else 30)
        engine_mdx = engine_edit_ms(report_of_lines(lines, mdx=True), 10 if quick else 30, "report.mdx")
        full = full_validation_ms(text, 3 if quick or lines > 5000 else 7)
        p50 = statistics.median(latencies[lines])
        print(
            f"| {len(text.splitlines())} | {len(latencies[lines])} | {p50:.1f} | "
            f"{percentile(latencies[lines], 0.95):.1f} | {max(latencies[lines]):.1f} | "
            f"{percentile(read[lines], 0.95):.1f} | {engine:.1f} | {engine_mdx:.1f} | {full:.1f} | "
            f"{p50 / full:.2f} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a fast smoke run: 1,000 lines, few edits")
    parser.add_argument("--sizes", help="comma-separated report sizes in lines (default: 1000,5000,20000,50000)")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurement")
    parser.add_argument("--breakdown", type=int, metavar="LINES", help="only the per-phase breakdown of one edit")
    args = parser.parse_args(argv)
    if args.breakdown:
        print_breakdown(args.breakdown)
        return 0
    sizes = tuple(int(size) for size in args.sizes.split(",")) if args.sizes else (1000,) if args.quick else SIZES
    asyncio.run(run(args.quick, sizes, not args.no_memory))
    return 0


if __name__ == "__main__":
    sys.exit(main())
