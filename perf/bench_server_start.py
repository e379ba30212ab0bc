"""The language server's start as an editor meets it: spawn to the first diagnostics of a 10 KB report.

Each round spawns a fresh ``python -m aicmo_lsp`` (as the VS Code extension does), sends
``initialize``, then ``initialized`` and ``didOpen`` of a generated 10 KB report (the report of
``bench_check.py``) as soon as the answer comes, and stops the clock at the ``publishDiagnostics``
for that report. Two times are kept per round: spawn to the ``initialize`` answer, and spawn to the
first diagnostics (the process's own import of ``aicmo_lsp.app`` is not separated out: use
``python -X importtime -m aicmo_lsp`` for that). A third kind of round is the server started as a
window opens (the VS Code extension does so in a folder of reports): it sits idle for
``IDLE_SECONDS`` after ``initialized``, then the report opens, and the time is ``didOpen`` to its
diagnostics. Next to it, in the same rounds, interleaved in a
shuffled order: ``python -c pass`` (the interpreter's own start, the floor no Python server can beat)
and the floor of ``bench_startup.py`` (import markdown-it-py and parse the same report).

The pack cache is warm (a first, untimed round fills it), as on every start after the first one.
``--source DIR`` runs the server from another copy of the sources (``PYTHONPATH=DIR:DIR/server``),
to measure a before. Run ``python perf/bench_server_start.py``; numbers are in ``perf/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

PERF = Path(__file__).resolve().parent
ROOT = PERF.parent
sys.path[:0] = [str(ROOT), str(PERF)]

from bench_check import PACK_KEY, ReportWriter  # noqa: E402
from bench_startup import FLOOR_CODE  # noqa: E402

from aicmo_core.benchmarks.loader import load_packs  # noqa: E402

TIMEOUT = 30.0
IDLE_SECONDS = 1.5  # how long a server started with the window waits before the writer opens a report


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream: IO[bytes]) -> dict[str, Any]:
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    if length == 0:
        raise RuntimeError("the server closed its output")
    result: dict[str, Any] = json.loads(stream.read(length))
    return result


def _reader(stream: IO[bytes], inbox: queue.Queue[dict[str, Any] | None]) -> None:
    try:
        while True:
            inbox.put(read_message(stream))
    except (RuntimeError, ValueError, OSError):
        inbox.put(None)


def server_round(env: dict[str, str], report: Path, idle: float = 0.0) -> tuple[float, float]:
    """Spawn → ``initialize`` answer, in ms, and the first diagnostics of ``report``: with ``idle``
    0, spawn → diagnostics, the report opened as soon as the server answered ``initialize`` (a
    server started for the report); else the server sits ``idle`` seconds after ``initialized``
    (started as the window opened, answering what it asks meanwhile) and it is ``didOpen`` →
    diagnostics."""
    uri = report.as_uri()
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "aicmo_lsp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert child.stdin is not None and child.stdout is not None
    stdin = child.stdin
    inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
    threading.Thread(target=_reader, args=(child.stdout, inbox), daemon=True).start()

    def send(message: dict[str, Any]) -> None:
        stdin.write(frame({"jsonrpc": "2.0", **message}))
        stdin.flush()

    try:
        params = {"processId": None, "rootUri": report.parent.as_uri(), "capabilities": {}}
        send({"id": 1, "method": "initialize", "params": params})
        initialized = opened_at = 0.0
        open_at: float | None = None
        while True:
            if open_at is not None and time.perf_counter() >= open_at:
                item = {"uri": uri, "languageId": "markdown", "version": 1, "text": report.read_text()}
                opened_at, open_at = time.perf_counter(), None
                send({"method": "textDocument/didOpen", "params": {"textDocument": item}})
            wait = max(open_at - time.perf_counter(), 0.001) if open_at is not None else TIMEOUT
            try:
                message = inbox.get(timeout=wait)
            except queue.Empty:
                continue
            if message is None:
                raise RuntimeError("the server closed its output")
            if message.get("id") == 1 and "method" not in message:
                initialized = time.perf_counter()
                send({"method": "initialized", "params": {}})
                open_at = initialized + idle
            elif "id" in message and "method" in message:  # a request of the server's: answer as a plain client
                items = message["params"].get("items", []) if message["method"] == "workspace/configuration" else None
                send({"id": message["id"], "result": [None] * len(items) if items is not None else None})
            elif message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                done = time.perf_counter()
                return (initialized - started) * 1000, (done - (opened_at if idle else started)) * 1000
            if time.perf_counter() - started > TIMEOUT + idle:
                raise RuntimeError("no diagnostics within the timeout")
    finally:
        child.kill()
        child.wait()


def process_ms(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--source", type=Path, help="run the server from these sources instead")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    if args.source is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(args.source), str(args.source / "server")])
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.md"
        report.write_text(ReportWriter(load_packs(()).packs[PACK_KEY], False, 7).report(10_000))
        env["AICMO_CACHE_DIR"] = str(Path(folder) / "cache")
        server_round(env, report)  # fills the pack cache and the byte code
        times: dict[str, list[float]] = {"initialize": [], "diagnostics": [], "opened": [], "python": [], "floor": []}
        for _ in range(args.rounds):
            steps = ["server", "idle", "python", "floor"]
            random.shuffle(steps)
            for step in steps:
                if step == "server":
                    initialize, diagnostics = server_round(env, report)
                    times["initialize"].append(initialize)
                    times["diagnostics"].append(diagnostics)
                elif step == "idle":
                    times["opened"].append(server_round(env, report, IDLE_SECONDS)[1])
                elif step == "python":
                    times["python"].append(process_ms([sys.executable, "-c", "pass"], env))
                else:
                    times["floor"].append(process_ms([sys.executable, "-c", FLOOR_CODE, str(report)], env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"{len(times['python'])} rounds, {sys.executable}, sources: {args.source or ROOT}")
    print("| what | median ms | min ms | median / python -c pass | median / markdown-it floor |")
    print("| --- | ---: | ---: | ---: | ---: |")
    names = {
        "initialize": "spawn → initialize answer",
        "diagnostics": "spawn → first publishDiagnostics (10 KB)",
        "opened": f"started {IDLE_SECONDS:g} s before: didOpen → first publishDiagnostics",
        "python": "python -c pass",
        "floor": "floor: import markdown-it-py + parse",
    }
    for name, label in names.items():
        print(
            f"| {label} | {medians[name]:.0f} | {min(times[name]):.0f} | {medians[name] / medians['python']:.1f}x | {medians[name] / medians['floor']:.2f}x |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
