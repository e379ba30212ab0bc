"""``aicmo check --jobs``: one worker against several, on many distinct reports, as whole processes.

Writes ``--reports`` distinct reports of about 10 KB (``bench_check.ReportWriter`` with a different
seed each, so no two share a section and no cache of the engine helps across files) into a
temporary folder, then times ``aicmo check FOLDER`` with ``--jobs 1``, ``--jobs 2`` (and more up to
the machine's cores) and without ``--jobs`` (the default), interleaved in a shuffled order every
round, with the pack cache warm. The printed findings must be the same for every run (it stops
otherwise). Reported: median and minimum wall time, and the speed-up over ``--jobs 1``.
``--source DIR`` runs another copy of the sources (``PYTHONPATH=DIR``), to measure a before.
Run ``python perf/bench_jobs.py``; ``--quick`` is a smoke run. Numbers are in ``perf/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench_check import PACK_KEY, ReportWriter  # noqa: E402

from aicmo_core.benchmarks.loader import load_packs  # noqa: E402

TABLE_HEADER = "| command | reports | runs | median s | min s | speed-up over --jobs 1 (median) |"


def write_reports(folder: Path, count: int, size: int) -> int:
    """``count`` distinct reports of about ``size`` bytes; their total size."""
    pack = load_packs([]).packs[PACK_KEY]
    total = 0
    for number in range(count):
        text = ReportWriter(pack, mdx=False, seed=1000 + number).report(size)
        (folder / f"report_{number:04}.md").write_text(text, encoding="utf-8")
        total += len(text.encode())
    return total


def run(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited with {result.returncode}: {result.stderr}")
    return elapsed, result.stdout


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="few reports and one round: a smoke test")
    parser.add_argument("--reports", type=int, default=1200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--source", type=Path, help="run aicmo from these sources (PYTHONPATH)")
    args = parser.parse_args(argv)
    count, rounds = (40, 1) if args.quick else (args.reports, args.rounds)

    scratch = Path(tempfile.mkdtemp(prefix="aicmo-jobs-"))
    try:
        folder = scratch / "reports"
        folder.mkdir()
        total = write_reports(folder, count, 10 * 1024)
        env = {key: value for key, value in os.environ.items() if not key.startswith("AICMO_")}
        env |= {"AICMO_CACHE_DIR": str(scratch / "cache"), "CI": "true"}
        if args.source:
            env["PYTHONPATH"] = str(args.source.resolve())
        base = [sys.executable, "-m", "aicmo_core.cli", "check", "reports"]
        cores = os.cpu_count() or 1
        commands = {f"--jobs {n}": [*base, "--jobs", str(n)] for n in range(1, max(2, cores) + 1)}
        commands["default (no --jobs)"] = base
        outputs: dict[str, str] = {}
        times: dict[str, list[float]] = {name: [] for name in commands}
        run([*base, "--jobs", "1"], env, scratch)  # the pack cache and the page cache, warm
        for _ in range(rounds):
            order = list(commands)
            random.shuffle(order)
            for name in order:
                elapsed, output = run(commands[name], env, scratch)
                times[name].append(elapsed)
                outputs.setdefault(name, output)
                if output != outputs["--jobs 1" if "--jobs 1" in outputs else name]:
                    raise SystemExit(f"{name} printed other findings than --jobs 1")
        print(
            f"Python {platform.python_version()}, {cores} CPUs, {count:,} reports, {total / count / 1024:.1f} KB each"
        )
        print()
        print(TABLE_HEADER)
        print("|---|---|---|---|---|---|")
        single = statistics.median(times["--jobs 1"])
        for name, measured in times.items():
            median = statistics.median(measured)
            cells = [
                name,
                f"{count:,}",
                str(len(measured)),
                f"{median:.2f}",
                f"{min(measured):.2f}",
                f"{single / median:.2f}x",
            ]
            print("| " + " | ".join(cells) + " |")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
