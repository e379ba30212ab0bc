"""Start-up of the ``aicmo`` command, as a ratio to a process that imports markdown-it-py and parses.

Every measurement is a whole process, timed from the parent (``subprocess.run`` around it), as a
shell or CI sees it:

- the *floor*: ``python -c "import markdown_it; markdown_it.MarkdownIt('commonmark').parse(...)"`` of
  the same 10 KB report, what any Markdown tool written in Python pays at least;
- ``python -m aicmo_core.cli check report.md`` and the ``aicmo`` console script's ``check``, with the
  pack cache warm (the usual run), cold (an empty cache folder every run: the first run after an
  install or an upgrade) and off (``AICMO_NO_CACHE=1``);
- ``aicmo --version`` and ``aicmo --help``, against ``python -c pass`` (the interpreter's own start).

The commands run interleaved, in a shuffled order every round, so drift of a shared machine's speed
hits all of them alike; medians and minimums are reported, and ratios of medians. The report lies in
a temporary folder without an ``aicmo.toml`` above it. ``--importtime`` adds, for each command, what
``python -X importtime`` says it imports, grouped by top-level package. ``--source DIR`` runs the
aicmo commands against another copy of the sources (``PYTHONPATH=DIR``), to measure a before.
Run ``python perf/bench_startup.py``; ``--quick`` is a smoke run. Numbers are in ``perf/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import PACK_KEY, ReportWriter  # noqa: E402

from aicmo_core.benchmarks.loader import load_packs  # noqa: E402

FLOOR_CODE = "import markdown_it, sys; markdown_it.MarkdownIt('commonmark').parse(open(sys.argv[1]).read())"
TABLE_HEADER = "| command | runs | median ms | min ms | median / floor | median / python |"
IMPORT_HEADER = "| command | imports ms | aicmo_core | pydantic | ruamel | rich | markdown_it | regex | other |"
IMPORT_GROUPS = ("aicmo_core", "pydantic", "ruamel", "rich", "markdown_it", "regex")
IMPORT_GROUP_OF = {
    "aicmo_core": "aicmo_core",
    "pydantic": "pydantic",
    "pydantic_core": "pydantic",
    "annotated_types": "pydantic",
    "typing_inspection": "pydantic",
    "ruamel": "ruamel",
    "_ruamel_yaml": "ruamel",
    "rich": "rich",
    "markdown_it": "markdown_it",
    "mdurl": "markdown_it",
    "regex": "regex",
}


@dataclass
class Command:
    """One process to time: its arguments, the environment it adds, and the times measured."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    fresh_cache: bool = False  # an empty cache folder for every run
    times: list[float] = field(default_factory=list)

    def run(self, cwd: Path, base_env: dict[str, str], scratch: Path) -> float:
        env = {**base_env, **self.env}
        if self.fresh_cache:
            folder = Path(tempfile.mkdtemp(dir=scratch))
            env["AICMO_CACHE_DIR"] = str(folder)
        start = time.perf_counter()
        subprocess.run(self.argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        elapsed = time.perf_counter() - start
        if self.fresh_cache:
            shutil.rmtree(folder, ignore_errors=True)
        return elapsed


def commands_for(python: str, script: str, report: Path) -> list[Command]:
    check = ["check", report.name]
    return [
        Command("python -c pass", [python, "-c", "pass"]),
        Command("floor: import markdown_it + parse", [python, "-c", FLOOR_CODE, report.name]),
        Command("python -m aicmo_core.cli check (cache warm)", [python, "-m", "aicmo_core.cli", *check]),
        Command("aicmo check (cache warm)", [python, script, *check]),
        Command("aicmo check (cache cold)", [python, script, *check], fresh_cache=True),
        Command("aicmo check (AICMO_NO_CACHE=1)", [python, script, *check], env={"AICMO_NO_CACHE": "1"}),
        Command("aicmo --version", [python, script, "--version"]),
        Command("aicmo --help", [python, script, "--help"]),
    ]


def import_times(command: Command, cwd: Path, base_env: dict[str, str]) -> dict[str, float]:
    """Milliseconds spent importing, by package group (``python -X importtime``, self times summed)."""
    argv = [command.argv[0], "-X", "importtime", *command.argv[1:]]
    env = {**base_env, **command.env}
    if command.fresh_cache:
        env["AICMO_CACHE_DIR"] = tempfile.mkdtemp(dir=cwd)
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    groups: dict[str, float] = {}
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if match is None:
            continue
        top = match.group(2).split(".")[0]
        group = IMPORT_GROUP_OF.get(top, "other")
        groups[group] = groups.get(group, 0.0) + int(match.group(1)) / 1000
    return groups


def import_row(name: str, groups: dict[str, float]) -> str:
    total = sum(groups.values())
    cells = [name, f"{total:.0f}"]
    for group in (*IMPORT_GROUPS, "other"):
        value = groups.get(group, 0.0)
        cells.append(f"{value:.0f} ({value / total:.0%})" if total and value >= 0.5 else "-")
    return "| " + " | ".join(cells) + " |"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a few rounds: a smoke test")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--importtime", action="store_true", help="also break imports down by package")
    parser.add_argument("--source", type=Path, help="run aicmo from these sources (PYTHONPATH)")
    args = parser.parse_args(argv)
    rounds = 3 if args.quick else args.rounds

    python = sys.executable
    script = shutil.which("aicmo", path=str(Path(python).parent)) or str(Path(python).parent / "aicmo")
    pack = load_packs([]).packs[PACK_KEY]
    scratch = Path(tempfile.mkdtemp(prefix="aicmo-startup-"))
    try:
        report = scratch / "report.md"
        report.write_text(ReportWriter(pack, mdx=False).report(10 * 1024), encoding="utf-8")
        base_env = {key: value for key, value in os.environ.items() if not key.startswith("AICMO_")}
        base_env["AICMO_CACHE_DIR"] = str(scratch / "cache")
        if args.source:
            base_env["PYTHONPATH"] = str(args.source.resolve())
        commands = commands_for(python, script, report)
        for command in commands:  # warm the page cache, the bytecode and the pack cache
            command.run(scratch, base_env, scratch)
        for _ in range(rounds):
            order = commands[:]
            random.shuffle(order)
            for command in order:
                command.times.append(command.run(scratch, base_env, scratch))
        print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, report {report.stat().st_size:,} bytes")
        print()
        print(TABLE_HEADER)
        print("|---|---|---|---|---|---|")
        bare = statistics.median(commands[0].times)
        floor = statistics.median(commands[1].times)
        for command in commands:
            median = statistics.median(command.times)
            cells = [command.name, str(len(command.times)), f"{median * 1000:.0f}", f"{min(command.times) * 1000:.0f}"]
            cells += [f"{median / floor:.2f}x", f"{median / bare:.2f}x"]
            print("| " + " | ".join(cells) + " |")
        if args.importtime:
            print()
            print("Imports by package (`-X importtime`, self times summed, ms and share of the command's imports):")
            print()
            print(IMPORT_HEADER)
            print("|" + "---|" * (len(IMPORT_GROUPS) + 3))
            for command in commands[1:]:
                print(import_row(command.name, import_times(command, scratch, base_env)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
