"""Speed and peak memory of aicmo's full check, as a ratio to markdown-it-py's parse of the same text.

Generates realistic reports (Markdown and MDX) of about 10 KB, 100 KB, 1 MB and 5 MB and measures,
in one process:

- the *floor*: ``MarkdownIt("commonmark").enable("table").parse(text)``, markdown-it-py's full
  parse (block and inline rules), which any Markdown tool pays at least once;
- a *cold* check: ``check_text`` after ``clear_caches(keep_matchers=True)`` and with a fresh
  section cache, so the text is preprocessed, parsed, split into sections and every rule runs. What
  is built from the pack alone (its heading matcher) is kept, as the pack itself is: the CLI and the
  language server build it once per pack; what the matcher found for the report's headings is not
  kept. The step breakdown shows what building the matcher adds to the first check with a pack;
- a *warm* check, what an editor sees while typing: the report was checked once, one character in
  the middle changes, and the edited text is checked again.

Floor and cold runs alternate (floor first on even rounds, aicmo first on odd ones) so drift of the
machine's speed hits both alike. Peak memory comes from ``tracemalloc`` in separate runs, since
tracing slows allocation several times. Run ``python perf/bench_check.py`` (or ``make perf``);
``--quick`` is a smoke run on small sizes. Numbers are recorded in ``perf/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import markdown_it
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aicmo_core.benchmarks.loader import PackSet, load_packs  # noqa: E402
from aicmo_core.benchmarks.models import Pack, SectionBenchmark  # noqa: E402
from aicmo_core.check import CheckOptions, ReportResult, SectionCache, check_document, check_text  # noqa: E402
from aicmo_core.document.blocks import analyze_chunk, block_parser  # noqa: E402
from aicmo_core.document.chunking import grouped_chunk_starts  # noqa: E402
from aicmo_core.document.matching import SectionMatcher  # noqa: E402
from aicmo_core.document.model import clear_caches, parse_document  # noqa: E402
from aicmo_core.document.preprocess import preprocess  # noqa: E402
from aicmo_core.spans import LineIndex  # noqa: E402

PACK_KEY = "strategy_campaign_standard"
KB = 1024
SIZES = {"10 KB": 10 * KB, "100 KB": 100 * KB, "1 MB": 1024 * KB, "5 MB": 5 * 1024 * KB}
QUICK_SIZES = ("10 KB", "100 KB")
TABLE_HEADER = "| kind | size | runs | floor median ms | floor min ms | aicmo median ms | aicmo min ms | ratio median | ratio min | floor peak MiB | aicmo peak MiB | warm edit ms | warm/cold |"

# ---------------------------------------------------------------------------------------------------
# Report generator

_WORDS = [
    "audience",
    "brand",
    "campaign",
    "channel",
    "conversion",
    "creative",
    "customer",
    "engagement",
    "funnel",
    "growth",
    "insight",
    "launch",
    "loyalty",
    "market",
    "message",
    "offer",
    "partner",
    "pipeline",
    "positioning",
    "premium",
    "pricing",
    "product",
    "reach",
    "retention",
    "revenue",
    "search",
    "segment",
    "showroom",
    "social",
    "story",
    "strategy",
    "test",
    "trial",
    "upsell",
    "value",
    "video",
    "weekly",
    "quarterly",
    "regional",
    "local",
    "digital",
    "organic",
    "paid",
    "owned",
    "earned",
    "qualified",
    "repeat",
    "seasonal",
    "signature",
    "curated",
    "measurable",
    "focused",
    "practical",
    "clear",
    "steady",
    "strong",
    "early",
    "late",
    "first",
    "second",
]
_VERBS = [
    "build",
    "drive",
    "grow",
    "test",
    "measure",
    "reach",
    "convert",
    "retain",
    "launch",
    "shift",
    "improve",
    "sharpen",
    "lift",
    "track",
]
_EXTRAS = (
    "🚀 launch week",
    "品牌 增长 计划",
    "📈 +18% QoQ",
    "ブランド認知",
    "café owners",
    "24/7 support",
    "e-commerce",
    "3.5x ROAS",
)
_CHANNELS = ("Search", "Instagram", "YouTube", "Email", "LinkedIn", "Retail", "Podcasts", "WhatsApp")


class ReportWriter:
    """Builds one report section by section; a seeded RNG keeps every section's text different, so
    the chunk cache never gets a hit a real report would not get."""

    def __init__(self, pack: Pack, mdx: bool, seed: int = 7) -> None:
        self.pack = pack
        self.mdx = mdx
        self.rng = random.Random(seed)

    def sentence(self, low: int = 9, high: int = 20) -> str:
        rng = self.rng
        words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
        words.insert(rng.randint(1, 3), rng.choice(_VERBS))
        if rng.random() < 0.3:
            words.insert(rng.randint(2, len(words) - 1), f"{rng.randint(2, 95)}%")
        if rng.random() < 0.15:
            words.insert(rng.randint(2, len(words) - 1), rng.choice(_EXTRAS))
        if rng.random() < 0.2:
            words.insert(
                rng.randint(2, len(words) - 1),
                f"[{rng.choice(_WORDS)} report](https://example.com/r/{rng.randint(1, 999)}?utm_source=aicmo)",
            )
        if rng.random() < 0.15:
            words.insert(rng.randint(2, len(words) - 1), f"`utm_{rng.choice(_WORDS)}`")
        if rng.random() < 0.2:
            position = rng.randint(1, len(words) - 1)
            words[position] = f"**{words[position]}**"
        if self.mdx and rng.random() < 0.15:
            words.insert(rng.randint(2, len(words) - 1), f"{{budget.{rng.choice(_WORDS)}}}")
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def bullets(self, count: int) -> str:
        rng = self.rng
        lines = []
        for _ in range(count):
            label = rng.choice(_WORDS).capitalize()
            lines.append(f"- **{label}:** {self.sentence(5, 12)}")
        return "\n".join(lines)

    def table(self, rows: int) -> str:
        rng = self.rng
        lines = ["| Week | Phase | Channel | Goal |", "|------|-------|---------|------|"]
        for week in range(1, rows + 1):
            goal = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 6)))
            lines.append(f"| {week} | Phase {1 + week // 3} | {rng.choice(_CHANNELS)} | {goal} |")
        return "\n".join(lines)

    def code_block(self) -> str:
        rng = self.rng
        return "\n".join(
            [
                "```yaml",
                f"utm_campaign: spring_{rng.randint(2025, 2027)}",
                f"budget: {rng.randint(10, 90)}000",
                "# a comment that is not a heading",
                "```",
            ]
        )

    def wrapped(self, body: str) -> str:
        """In MDX, prose inside a JSX component (blank lines around it, as MDX needs)."""
        if not self.mdx:
            return body
        kind = self.rng.choice(("tip", "note", "warning"))
        return f'<Callout type="{kind}" icon={{"{kind}"}}>\n\n{body}\n\n</Callout>'

    def section(self, number: int, benchmark: SectionBenchmark | None) -> str:
        rng = self.rng
        if benchmark is not None:
            title = benchmark.label
            sub_headings = list(benchmark.required_headings)
            substrings = [s for s in benchmark.required_substrings if s.endswith(":")]
        else:
            title = f"Market Note {number}: {rng.choice(_WORDS).capitalize()} {rng.choice(_WORDS).capitalize()}"
            sub_headings = [f"{rng.choice(_WORDS).capitalize()} Findings", "Next Steps"]
            substrings = []
        parts = [f"## {number}. {title}", "", self.paragraph(rng.randint(1, 2))]
        for label in substrings:
            parts += ["", f"**{label}** {self.sentence()}"]
        for index, heading in enumerate(sub_headings):
            # Writers mix real sub-headings and bold lead-in labels (both count for required_headings).
            if index % 2 == 0:
                parts += ["", f"### {heading}", "", self.paragraph(rng.randint(1, 2))]
            else:
                parts += ["", f"**{heading}:** {self.paragraph(rng.randint(1, 2))}"]
            parts += ["", self.bullets(rng.randint(2, 3))]
            if index == 0 and number % 2 == 1:
                parts += ["", self.table(rng.randint(3, 5))]
            if index == 1 and number % 2 == 0:
                parts += ["", self.wrapped(self.paragraph(1))]
        if number % 3 == 0:
            parts += ["", self.code_block()]
        if self.mdx and number % 2 == 0:
            parts += ["", f"<Chart data={{metrics.week{number}}} height={{240}} />"]
        return "\n".join(parts) + "\n"

    def header(self) -> str:
        lines = ["---", "title: Luxotica Automobiles strategy", "client: Luxotica", f"pack: {self.pack.key}", "---", ""]
        if self.mdx:
            lines += [
                'import { Callout } from "../components/Callout"',
                'import Chart from "../components/Chart"',
                "",
                "export const metrics = { week2: [1, 2, 3] }",
                "",
            ]
        lines += ["# Luxotica Automobiles – Strategy + Campaign Report", "", self.paragraph(2), ""]
        return "\n".join(lines) + "\n"

    def report(self, target_bytes: int) -> str:
        """Sections in the pack's order, then unknown sections until the text reaches the target."""
        parts = [self.header()]
        size = len(parts[0].encode())
        number = 0
        while size < target_bytes:
            benchmark = self.pack.sections[number] if number < len(self.pack.sections) else None
            number += 1
            part = self.section(number, benchmark) + "\n"
            parts.append(part)
            size += len(part.encode())
        return "".join(parts)


def one_char_edit(text: str, variant: int) -> str:
    """The text with one letter near the middle changed, as when typing; ``variant`` picks the letter,
    so each variant differs from the original and from the other variants."""
    middle = len(text) // 2
    line_start = text.rfind("\n", 0, middle) + 1
    while not text[line_start].isalpha():  # a prose line, not markup
        line_start = text.index("\n", line_start) + 1
    position = next(i for i in range(line_start + 3, len(text)) if text[i].isalpha())
    letters = [c for c in "qxzjkvwy" if c != text[position]]
    return text[:position] + letters[variant % len(letters)] + text[position + 1 :]


# ---------------------------------------------------------------------------------------------------
# Measuring

_FLOOR_PARSER = MarkdownIt("commonmark").enable("table")


def run_floor(text: str) -> object:
    return _FLOOR_PARSER.parse(text)


def run_cold(text: str, path: str, packs: PackSet) -> ReportResult:
    """A first check: no parsed chunk, front matter, heading match or section findings to reuse (the
    pack's matcher, built once per pack, is kept)."""
    clear_caches(keep_matchers=True)
    return check_text(text, path, CheckOptions(packs=packs, cache=SectionCache()))


def timed(function: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def peak_bytes(function: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        result = function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


@dataclass
class Row:
    kind: str
    size: int
    runs: int
    floor: list[float]
    cold: list[float]
    floor_peak: int
    cold_peak: int
    warm: list[float]
    findings: int
    sections: int

    def cells(self) -> list[str]:
        floor_median, cold_median = statistics.median(self.floor), statistics.median(self.cold)
        return [
            self.kind,
            f"{self.size / KB:,.0f} KB" if self.size < 1024 * KB else f"{self.size / KB / KB:.2f} MB",
            str(self.runs),
            f"{floor_median * 1000:,.1f}",
            f"{min(self.floor) * 1000:,.1f}",
            f"{cold_median * 1000:,.1f}",
            f"{min(self.cold) * 1000:,.1f}",
            f"{cold_median / floor_median:.2f}x",
            f"{min(self.cold) / min(self.floor):.2f}x",
            f"{self.floor_peak / KB / KB:,.1f}",
            f"{self.cold_peak / KB / KB:,.1f}",
            f"{statistics.median(self.warm) * 1000:,.1f}",
            f"{statistics.median(self.warm) / cold_median:.2f}x",
        ]


def runs_for(seconds_per_run: float, budget: float, low: int, high: int) -> int:
    return max(low, min(high, int(budget / max(seconds_per_run, 1e-6))))


def measure(kind: str, text: str, packs: PackSet, quick: bool) -> Row:
    path = f"report.{kind}"
    # A first untimed round compiles regexes and fills the re module's cache; it also sizes N.
    run_floor(text)
    run_cold(text, path, packs)
    probe = timed(lambda: run_floor(text)) + timed(lambda: run_cold(text, path, packs))
    runs = runs_for(probe, 1.0 if quick else 12.0, 2 if quick else 3, 3 if quick else 30)
    floor: list[float] = []
    cold: list[float] = []
    for round_number in range(runs):
        if round_number % 2 == 0:
            floor.append(timed(lambda: run_floor(text)))
            cold.append(timed(lambda: run_cold(text, path, packs)))
        else:
            cold.append(timed(lambda: run_cold(text, path, packs)))
            floor.append(timed(lambda: run_floor(text)))

    floor_peak = peak_bytes(lambda: run_floor(text))
    cold_peak = peak_bytes(lambda: run_cold(text, path, packs))

    # Warm: the editor checked the report once; each run then checks it with one letter changed (a
    # different letter each time, so the edited chunk is never in the cache already).
    warm: list[float] = []
    cache = SectionCache()
    clear_caches()
    options = CheckOptions(packs=packs, cache=cache)
    result = check_text(text, path, options)
    for variant in range(runs):
        edited = one_char_edit(text, variant)
        warm.append(timed(lambda edited=edited: check_text(edited, path, options)))  # type: ignore[misc]
    return Row(
        kind,
        len(text.encode()),
        runs,
        floor,
        cold,
        floor_peak,
        cold_peak,
        warm,
        len(result.findings),
        len(result.sections),
    )


def phases(text: str, mdx: bool, packs: PackSet, runs: int) -> list[tuple[str, float]]:
    """Where a cold check's time goes: the best of ``runs`` for each step, caches cleared each time."""
    path = "report.mdx" if mdx else "report.md"
    pre = preprocess(text, mdx=mdx)
    lines = pre.masked.split("\n")
    # The chunks parse_document parses (small ones grouped).
    bounds = grouped_chunk_starts(pre.masked, LineIndex(pre.masked).line_starts, pre.chunk_starts)
    chunks = ["\n".join(lines[start:end]) for start, end in itertools.pairwise(bounds) if end > start]
    doc = parse_document(text, mdx=mdx)
    pack = packs.get(PACK_KEY)
    assert pack is not None

    def best(function: Callable[[], object]) -> float:
        times = []
        for _ in range(runs):
            clear_caches(keep_matchers=True)
            times.append(timed(function))
        return min(times) * 1000

    return [
        ("floor: markdown-it full parse (block + inline)", best(lambda: run_floor(text))),
        (
            "  of which block rules only (aicmo's parser, whole masked text)",
            best(lambda: block_parser(mdx).parse(pre.masked)),
        ),
        ("aicmo cold check, total", best(lambda: run_cold(text, path, packs))),
        ("  preprocess: masking, chunk bounds, front matter YAML", best(lambda: preprocess(text, mdx=mdx))),
        (
            "  chunks: block parse + prose blocks, words, sentences",
            best(lambda: [analyze_chunk(c, mdx) for c in chunks]),
        ),
        ("  parse_document (the two above + line index, headings)", best(lambda: parse_document(text, mdx=mdx))),
        (
            "  check_document: sections, matching, rules, suppressions",
            best(lambda: check_document(doc, path, CheckOptions(packs=packs, cache=SectionCache()))),
        ),
        ("not in a cold check: the pack's heading matcher, built once per pack", best(lambda: SectionMatcher(pack))),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes and few runs: a smoke test")
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), help="sizes to measure (default: all)")
    parser.add_argument("--kinds", nargs="+", choices=["md", "mdx"], default=["md", "mdx"])
    args = parser.parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else list(SIZES))

    packs = load_packs([])
    pack = packs.get(PACK_KEY)
    if pack is None:
        print(f"built-in pack {PACK_KEY} is missing", file=sys.stderr)
        return 1
    print(f"Python {platform.python_version()}, markdown-it-py {markdown_it.__version__}, pack {PACK_KEY}")
    print()
    print(TABLE_HEADER)
    print("|" + "---|" * TABLE_HEADER.count(" | ") + "---|")
    details = []
    for size_name in sizes:
        for kind in args.kinds:
            text = ReportWriter(pack, mdx=kind == "mdx").report(SIZES[size_name])
            row = measure(kind, text, packs, args.quick)
            print("| " + " | ".join(row.cells()) + " |", flush=True)
            details.append(
                f"{kind} {size_name}: {row.sections} sections, {row.findings} findings, {text.count(chr(10)):,} lines"
            )
    print()
    for line in details:
        print(f"- {line}")
    # The smallest report is where fixed costs show, so that is the one broken down.
    size_name = sizes[0]
    mdx = args.kinds[0] == "mdx"
    text = ReportWriter(pack, mdx=mdx).report(SIZES[size_name])
    print()
    print(f"Cold check of the {size_name} {args.kinds[0]} report, step by step (best of runs, ms):")
    print()
    for name, milliseconds in phases(text, mdx, packs, 5 if args.quick else 30):
        print(f"    {milliseconds:8.2f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
