"""Speed of section matching and pack detection, as a ratio to markdown-it-py's parse of the same text.

Matching (``build_sections``: the lexical evidence of every heading, the chain of anchors and the
alignment of the gaps) runs on an already parsed document, so its floor is the parse it follows:
``MarkdownIt("commonmark").enable("table").parse(text)``. Reports of 1,000 and 5,000 lines are
generated from a pack's labels, one heading in three reworded (other words, so the alignment has
gaps to fill), with unrelated headings between. Measured in one process, alternating floor and
matching runs; matchers are cold (``clear_caches``) in the *cold* column and built in the *warm*
one, which is what a keystroke pays. Detection (``--pack auto`` and the hint) matches every pack.

Run ``python perf/bench_matching.py``; ``--quick`` for a smoke run. Numbers: ``perf/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aicmo_core.benchmarks.loader import builtin_benchmark_dir, load_packs  # noqa: E402
from aicmo_core.benchmarks.models import Pack  # noqa: E402
from aicmo_core.detection import detect_pack  # noqa: E402
from aicmo_core.document.model import build_sections, clear_caches, parse_document  # noqa: E402

PACK_KEY = "strategy_campaign_enterprise"
REWORDED = ["Where We Are Today", "Paid Media Concepts", "Measurement Dashboard", "Who We're Talking To"]
UNRELATED = ["Appendix: Team Bios", "Glossary", "Growth Loop"]


def report(lines: int) -> str:
    packs = load_packs([builtin_benchmark_dir()], include_builtin=False).packs
    labels = [section.label for section in packs[PACK_KEY].sections]
    parts: list[str] = ["# Client report\n"]
    count, n = 1, 0
    while count < lines:
        label = labels[n % len(labels)]
        heading = REWORDED[n % len(REWORDED)] if n % 3 == 1 else label
        if n % 7 == 3:
            parts.append(f"\n## {UNRELATED[n % len(UNRELATED)]}\n\nNotes.\n")
            count += 4
        parts.append(f"\n## {n // len(labels) + 1}.{n % len(labels) + 1} {heading}\n\n")
        parts.append("The plan for this part, with the figures the client asked for. " * 3 + "\n\n- one\n- two\n")
        count += 7
        n += 1
    return "".join(parts)


def timed(run: Callable[[], object], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def row(lines: int, rounds: int, markdown: MarkdownIt, packs: dict[str, Pack]) -> str:
    """One table row: a report of about ``lines`` lines, its parse and its matching."""
    pack = packs[PACK_KEY]
    text = report(lines)
    doc = parse_document(text)
    floor = timed(lambda: markdown.parse(text), rounds)

    def cold() -> object:
        clear_caches()
        return build_sections(doc, pack)

    cold_times = timed(cold, rounds)
    build_sections(doc, pack)
    warm_times = timed(lambda: build_sections(doc, pack), rounds)
    detect_times = timed(lambda: detect_pack(doc, packs), rounds)
    f, w, d = statistics.median(floor), statistics.median(warm_times), statistics.median(detect_times)
    return (
        f"| {lines} | {len(doc.headings)} | {f:.1f} | {statistics.median(cold_times):.1f} | {w:.1f} | "
        f"{w / f:.2f} | {d:.1f} | {d / f:.2f} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rounds = 3 if args.quick else 15
    packs = dict(load_packs([builtin_benchmark_dir()], include_builtin=False).packs)
    markdown = MarkdownIt("commonmark").enable("table")
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(
        "| lines | headings | floor ms | cold match ms | warm match ms | warm/floor | detect (10 packs) ms | detect/floor |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for lines in (1000,) if args.quick else (1000, 5000):
        print(row(lines, rounds, markdown, packs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
