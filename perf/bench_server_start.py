"""The language server's start as an editor meets it: spawn to the first diagnostics of a 10 KB report.

Each round spawns a fresh ``python -m aicmo_lsp`` (as the VS Code extension does), sends
``initialize``, then ``initialized`` and ``didOpen`` of a generated 10 KB report (the report of
``bench_check.py``) as soon as the answer comes, and stops the clock at the ``publishDiagnostics``
for that report. Three times are kept per round: spawn to the ``initialize`` answer, spawn to the
first diagnostics, and the same process's own import of ``aicmo_lsp.app`` is not separated out (use
``python -X importtime -m aicmo_lsp`` for that). Next to it, in the same rounds, interleaved in a
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
import random
import statistics
import subprocess
import sys
import tempfile
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


def server_round(env: dict[str, str], report: Path) -> tuple[float, float]:
    """Spawn → ``initialize`` answer, and spawn → first diagnostics of ``report``, in ms."""
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
    try:
        child.stdin.write(
            frame(
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "initialize",
                    "params": {"processId": None, "rootUri": report.parent.as_uri(), "capabilities": {}},
                }
            )
        )
        child.stdin.flush()
        initialized = 0.0
        while True:
            message = read_message(child.stdout)
            if message.get("id") == 1 and "method" not in message:
                initialized = time.perf_counter()
                opened = {
                    "textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": report.read_text()}
                }
                child.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
                child.stdin.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": opened}))
                child.stdin.flush()
            elif "id" in message and "method" in message:  # a request of the server's: answer as a plain client
                result = (
                    [None] * len(message["params"].get("items", []))
                    if message["method"] == "workspace/configuration"
                    else None
                )
                child.stdin.write(frame({"jsonrpc": "2.0", "id": message["id"], "result": result}))
                child.stdin.flush()
            elif message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return (initialized - started) * 1000, (time.perf_counter() - started) * 1000
            if time.perf_counter() - started > TIMEOUT:
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
        times: dict[str, list[float]] = {"initialize": [], "diagnostics": [], "python": [], "floor": []}
        for _ in range(args.rounds):
            steps = ["server", "python", "floor"]
            random.shuffle(steps)
            for step in steps:
                if step == "server":
                    initialize, diagnostics = server_round(env, report)
                    times["initialize"].append(initialize)
                    times["diagnostics"].append(diagnostics)
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
