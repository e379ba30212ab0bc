"""How the ``template`` generator's text reads: repetition, sameness between clients, use of the brief,
and the writer's facts kept on regenerate.

For every built-in pack and every brief in ``--briefs`` (``perf/briefs/tune`` by default: YAML files
holding front matter fields such as ``brand``, ``industry``, ``channels``), a full report is built
the way a report is written section by section: each section of the pack in order, its request
carrying the sections written before it in ``report``. Measured per report, then per pack:

- *fail*: sections whose text fails their own benchmark (must be 0);
- *repeated*: the share of the report's sentences (prose sentences, list items and table rows,
  compared as normalised lines) that repeat an earlier one of the same report (goal: at most 5%);
- *shared*: for two clients' reports of one pack, the share of their sentences found in the other
  report (goal: at most 15%); *masked* is the same with each brief's own values (brand, industry,
  channels, ...) blanked first, so "Acme posts weekly" and "Zeta posts weekly" count as shared;
- *channels missing*: channels of the brief never named in the pack's calendar, channel or ad
  sections (goal: 0); *foreign platforms*: platforms named anywhere outside the brief's channels
  when the brief lists channels (a platform the section's own label or required headings name, such
  as "WhatsApp" in "SMS & WhatsApp Strategy", is allowed; goal: 0);
- *competitors missing*: competitors of the brief never named in the pack's competitor sections;
- *lower-cased*: proper nouns of the brief written in lower case ("portland professionals");
- *meta*: sentences about the report or the section instead of the client ("In this section ...");
- *invented*: figures (percentages, amounts, numbers of 100 or more) found nowhere in the brief
  (:func:`aicmo_core.generators.answer_checks.invented_figures`);
- *ms/section*: the mean time to write one section (and the slowest).

Then, for failing reports that carry the writer's facts (``examples/failing/*``, ``perf/reports/*.md`` (breaks between sections, a comment footer) and the goldens of
``tests/fixtures/goldens`` with their packs from ``tests/test_goldens.py``): every failing section is
regenerated with its facts (:func:`aicmo_core.writer_facts.extract_facts`) and the report's other
sections, and the share of facts the new text keeps is counted (goal: 95% or more), with how many
of the new texts pass their benchmark; the new texts are then put into the report as ``aicmo fix``
does, and the report's thematic breaks (``---``, not the front matter's) before and after and the
placeholders (AIC144) in the new texts are counted (goals: every break kept, no placeholder).

Run ``python perf/bench_quality.py`` (``--briefs DIR`` for other briefs, ``--quick`` for a smoke run:
three packs, two briefs, the examples only). Numbers go to ``perf/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import itertools
import re
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.quality import is_meta  # noqa: E402
from test_goldens import FIXTURES, GOLDENS  # noqa: E402  (tests/ is on the path: the goldens' packs)

from aicmo_core.benchmarks.loader import load_packs  # noqa: E402
from aicmo_core.benchmarks.models import Pack, SectionBenchmark  # noqa: E402
from aicmo_core.briefs import report_brief  # noqa: E402
from aicmo_core.check import CheckOptions, check_text  # noqa: E402
from aicmo_core.document.text import line_key, sentence_bounds  # noqa: E402
from aicmo_core.edits import apply_edits  # noqa: E402
from aicmo_core.enforce import validate_body  # noqa: E402
from aicmo_core.findings import Status  # noqa: E402
from aicmo_core.generators.answer_checks import invented_figures, meta_talk  # noqa: E402
from aicmo_core.generators.base import Brief, GenerationRequest, Mode, Neighbour  # noqa: E402
from aicmo_core.generators.template import write_section  # noqa: E402
from aicmo_core.reports import new_report_requests  # noqa: E402
from aicmo_core.rewrite import body_text, generation_request, replace_body  # noqa: E402
from aicmo_core.writer_facts import extract_facts, missing_facts  # noqa: E402

DEFAULT_BRIEFS = ROOT / "perf" / "briefs" / "tune"
QUICK_PACKS = ("quick_social_basic", "launch_gtm_pack", "strategy_campaign_enterprise")
# Platforms a report may name; "X" and "email" are left out (a letter, and a word of every plan).
PLATFORMS = (
    "Instagram",
    "TikTok",
    "Facebook",
    "LinkedIn",
    "YouTube",
    "Pinterest",
    "Twitter",
    "Snapchat",
    "Threads",
    "Reddit",
    "WhatsApp",
    "Google Ads",
    "Google Business Profile",
)
# Brief fields whose values are names ("BrightSmile Dental", "Northeast Portland").
NAME_FIELDS = ("brand", "competitors", "channels", "market", "location", "city", "region")
CHANNEL_SECTION_RE = re.compile(r"calendar|channel|ad.concept|ad_concept|awareness|acquisition", re.IGNORECASE)
COMPETITOR_SECTION_RE = re.compile(r"competit", re.IGNORECASE)
_LIST_MARKER_RE = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_DELIMITER_RE = re.compile(r"^\s*\|?\s*:?-{3,}")
THEMATIC_BREAK_RE = re.compile(r"^ {0,3}(?:-[ \t]*){3,}$", re.MULTILINE)
FRONT_MATTER_RE = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def units(body: str) -> list[str]:
    """The sentences of a body as normalised lines: prose sentences, list items, table rows."""
    found: list[str] = []
    for raw in body.split("\n"):
        line = raw.strip()
        if not line or line.startswith(("#", "<!--", "{/*")) or _DELIMITER_RE.match(line):
            continue
        if line.startswith("|"):
            found.append(line_key(line))
            continue
        line = _LIST_MARKER_RE.sub("", line)
        found.extend(line_key(line[start:end]) for start, end in sentence_bounds(line))
    return [key for key in found if key]


def sentences(body: str) -> list[str]:
    """The prose sentences of a body as written (for the meta check)."""
    flat = [_LIST_MARKER_RE.sub("", line.strip()) for line in body.split("\n") if not line.startswith("#")]
    text = " ".join(flat)
    return [text[start:end] for start, end in sentence_bounds(text)]


def brief_values(brief: Brief) -> list[str]:
    values = [value for value in brief.fields.values() if value]
    values += [item for items in brief.lists.values() for item in items]
    return sorted({value for value in values if len(value) > 2}, key=len, reverse=True)


def masked(text: str, brief: Brief) -> str:
    for value in brief_values(brief):
        text = re.sub(re.escape(value), " slot ", text, flags=re.IGNORECASE)
    return text


def known_names(brief: Brief) -> set[str]:
    """Words the brief shows are names: every word of a name field, any capitalised word inside a value."""
    names = {
        word
        for field in NAME_FIELDS
        for value in [brief.fields.get(field, ""), *brief.lists.get(field, [])]
        for word in value.split()
    }
    for value in brief_values(brief):
        names |= {word for word in value.split()[1:] if word[:1].isupper()}
    return {name.strip(",.") for name in names}


def lower_cased(text: str, brief: Brief) -> list[str]:
    """Proper nouns of the brief written in lower case in ``text`` (case-sensitive, whole words).

    A value's first word is capitalised because it starts the value ("Private dental clinics"); it
    counts as a name only when the brief shows it is one ("Portland professionals" with the market
    "Northeast Portland").
    """
    names = known_names(brief)
    found = []
    for value in brief_values(brief):
        words = value.split()
        checks: list[str] = []
        if words[0].strip(",.") in names and words[0] != words[0].lower():
            checks.append(" ".join([words[0].lower(), *words[1:3]]))  # "portland professionals aged"
        for before, word in itertools.pairwise(words):
            if word != word.lower() and word[:1].isalpha():
                checks.append(f"{before} {word.lower()}")  # "in lisbon"
        found += [c for c in checks if re.search(rf"(?<![\w]){re.escape(c)}(?![\w])", text)]
    return sorted(set(found))


def named(text: str, name: str, *, exact_case: bool = False) -> bool:
    flags = 0 if exact_case else re.IGNORECASE
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text, flags) is not None


@dataclass
class Report:
    pack: Pack
    brief_name: str
    brief: Brief
    bodies: list[str] = field(default_factory=list)
    failing: int = 0
    invented: list[str] = field(default_factory=list)
    times_ms: list[float] = field(default_factory=list)

    @property
    def units(self) -> list[str]:
        return [key for body in self.bodies for key in units(body)]


def build_report(pack: Pack, name: str, data: dict[str, object]) -> Report:
    """The pack's sections written in order, each request carrying the sections before it."""
    requests = new_report_requests(pack, data)
    report = Report(pack, name, requests[0].brief)
    written: list[Neighbour] = []
    for pack_request in requests:
        request = replace(pack_request, report=tuple(written))
        started = time.perf_counter()
        body = write_section(request)
        report.times_ms.append((time.perf_counter() - started) * 1000)
        report.bodies.append(body)
        if validate_body(request.section, body):
            report.failing += 1
        report.invented += invented_figures(body, request)
        written.append(Neighbour(request.section.id, request.section.label, body))
    return report


def repeated_share(keys: Sequence[str]) -> float:
    seen: set[str] = set()
    repeats = 0
    for key in keys:
        repeats += key in seen
        seen.add(key)
    return repeats / len(keys) if keys else 0.0


def shared_share(a: Sequence[str], b: Sequence[str]) -> float:
    set_a, set_b = set(a), set(b)
    shared = sum(key in set_b for key in a) + sum(key in set_a for key in b)
    return shared / (len(a) + len(b)) if a or b else 0.0


def section_named_platforms(section: SectionBenchmark) -> set[str]:
    own = " ".join([section.label, *section.required_headings, *section.required_substrings])
    return {p for p in PLATFORMS if named(own, p)}


def brief_checks(report: Report) -> dict[str, list[str]]:
    """Channels and competitors missing, foreign platforms, lower-cased proper nouns, meta sentences."""
    brief, sections = report.brief, report.pack.sections
    channels = list(brief.items("channels"))
    competitors = list(brief.items("competitors"))
    channel_text = " ".join(b for s, b in zip(sections, report.bodies, strict=True) if _channel_section(s))
    competitor_text = " ".join(b for s, b in zip(sections, report.bodies, strict=True) if _competitor_section(s))
    out: dict[str, list[str]] = {"channels": [], "foreign": [], "competitors": [], "lower": [], "meta": []}
    if channel_text:
        out["channels"] = [c for c in channels if not named(channel_text, c)]
    if competitor_text:
        out["competitors"] = [c for c in competitors if not named(competitor_text, c)]
    for section, body in zip(sections, report.bodies, strict=True):
        if channels:
            allowed = section_named_platforms(section)
            allowed |= {p for p in PLATFORMS if any(named(c, p) or named(p, c) for c in channels)}
            out["foreign"] += [
                f"{section.id}: {p}" for p in PLATFORMS if p not in allowed and named(body, p, exact_case=True)
            ]
        out["lower"] += [f"{section.id}: {w}" for w in lower_cased(body, brief)]
        for sentence in sentences(body):
            if is_meta(sentence) or meta_talk(sentence):
                out["meta"].append(f"{section.id}: {sentence[:90]}")
    return out


def _channel_section(section: SectionBenchmark) -> bool:
    return CHANNEL_SECTION_RE.search(f"{section.id} {section.label}") is not None


def _competitor_section(section: SectionBenchmark) -> bool:
    words = " ".join([section.id, section.label, *section.required_headings])
    return COMPETITOR_SECTION_RE.search(words) is not None


def load_briefs(folder: Path, limit: int | None) -> dict[str, dict[str, object]]:
    yaml = YAML(typ="safe", pure=True)
    briefs = {}
    for path in sorted(folder.glob("*.y*ml"))[:limit]:
        data = yaml.load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            briefs[path.stem] = data
    if len(briefs) < 2:
        raise SystemExit(f"{folder}: at least two briefs (YAML files) are needed")
    return briefs


def print_reports(reports: Sequence[Report], verbose: bool) -> dict[str, list[str]]:
    print(
        "| pack | brief | sections | fail | sentences | repeated % | channels missing | foreign platforms "
        "| competitors missing | lower-cased | meta | invented | ms/section (max) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    problems: dict[str, list[str]] = {}
    for report in reports:
        keys = report.units
        found = brief_checks(report)
        found["invented"] = report.invented
        for kind, items in found.items():
            problems.setdefault(kind, []).extend(f"{report.pack.key}/{report.brief_name}: {i}" for i in items)
        print(
            f"| {report.pack.key} | {report.brief_name} | {len(report.bodies)} | {report.failing} | {len(keys)} "
            f"| {repeated_share(keys) * 100:.1f} | {len(found['channels'])} | {len(found['foreign'])} "
            f"| {len(found['competitors'])} | {len(found['lower'])} | {len(found['meta'])} | {len(report.invented)} "
            f"| {statistics.mean(report.times_ms):.1f} ({max(report.times_ms):.1f}) |"
        )
    if verbose:
        for kind, items in problems.items():
            for item in items[:15]:
                print(f"  {kind}: {item}")
    return problems


def print_sharing(reports: Sequence[Report]) -> tuple[float, float]:
    print()
    print("| pack | pairs | shared % mean | shared % max | masked % mean | masked % max |")
    print("|---|---:|---:|---:|---:|---:|")
    by_pack: dict[str, list[Report]] = {}
    for report in reports:
        by_pack.setdefault(report.pack.key, []).append(report)
    all_raw: list[float] = []
    all_masked: list[float] = []
    for key, group in by_pack.items():
        raw = [shared_share(a.units, b.units) for a, b in itertools.combinations(group, 2)]
        hidden = [
            shared_share(
                [k for body in a.bodies for k in units(masked(body, a.brief))],
                [k for body in b.bodies for k in units(masked(body, b.brief))],
            )
            for a, b in itertools.combinations(group, 2)
        ]
        all_raw += raw
        all_masked += hidden
        print(
            f"| {key} | {len(raw)} | {statistics.mean(raw) * 100:.1f} | {max(raw) * 100:.1f} "
            f"| {statistics.mean(hidden) * 100:.1f} | {max(hidden) * 100:.1f} |"
        )
    return statistics.mean(all_raw), max(all_raw)


@dataclass
class FactsKept:
    name: str
    sections: int = 0
    facts: int = 0
    kept: int = 0
    passing: int = 0
    breaks: int = 0  # thematic breaks (``---``) of the report
    breaks_kept: int = 0  # ... still there once every new text is in
    placeholders: int = 0  # placeholder findings (AIC144) in the report once every new text is in
    lost: list[str] = field(default_factory=list)


def failing_reports(quick: bool) -> Iterable[tuple[Path, str | None]]:
    for path in sorted((ROOT / "examples" / "failing").iterdir()):
        yield path, None
    for path in sorted((ROOT / "perf" / "reports").glob("*.md")):
        yield path, None
    if quick:
        return
    for name, (pack_key, _) in sorted(GOLDENS.items()):
        yield FIXTURES / name, pack_key


def regenerate_keeps_facts(path: Path, pack_key: str | None, options: CheckOptions) -> FactsKept:
    """Every failing section of the report at ``path`` regenerated with its facts."""
    result = check_text(path.read_text(encoding="utf-8"), str(path), replace(options, pack=pack_key))
    kept = FactsKept(path.name)
    if result.structure is None or result.pack is None:
        return kept
    brief = report_brief(result.doc)  # front matter, completed from the report's label lines and title
    others = [
        Neighbour(r.section.id, r.section.heading.title, body_text(r.section))
        for r in result.sections
        if r.section.heading is not None
    ]
    edits = []
    regenerated: set[str | None] = set()
    for section_result in result.sections:
        section = section_result.section
        if section.benchmark is None or section_result.status is not Status.FAIL:
            continue
        request: GenerationRequest = generation_request(result, section_result, Mode.REGENERATE)
        facts = extract_facts(request.current_body, mdx=request.mdx)
        report = tuple(n for n in others if n.section_id != section.id or n.heading != section.heading.title)
        request = replace(request, brief=brief, facts=tuple(facts), report=report)
        body = write_section(request)
        lost = missing_facts(facts, body)
        kept.sections += 1
        kept.facts += len(facts)
        kept.kept += len(facts) - len(lost)
        kept.lost += [f"{section.id}: {fact.text}" for fact in lost]
        findings = validate_body(section.benchmark, body, level=request.heading_level, mdx=request.mdx)
        kept.passing += not findings
        edits.append(replace_body(section, body))
        regenerated.add(section.id)
    before = path.read_text(encoding="utf-8")
    after = apply_edits(before, edits)
    kept.breaks = len(THEMATIC_BREAK_RE.findall(FRONT_MATTER_RE.sub("", before)))
    kept.breaks_kept = min(kept.breaks, len(THEMATIC_BREAK_RE.findall(FRONT_MATTER_RE.sub("", after))))
    rechecked = check_text(after, str(path), replace(options, pack=pack_key))
    kept.placeholders = sum(f.code == "AIC144" and f.section in regenerated for f in rechecked.findings)
    return kept


def print_facts(quick: bool, verbose: bool) -> float:
    options = CheckOptions(packs=load_packs(()))
    print()
    print(
        "| report | failing sections regenerated | facts | kept | kept % | passing their benchmark "
        "| `---` before | `---` after | placeholders after |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    total = FactsKept("all")
    for path, pack_key in failing_reports(quick):
        kept = regenerate_keeps_facts(path, pack_key, options)
        for name in ("sections", "facts", "kept", "passing", "breaks", "breaks_kept", "placeholders"):
            setattr(total, name, getattr(total, name) + getattr(kept, name))
        print(facts_row(kept))
        if verbose:
            for item in kept.lost[:10]:
                print(f"  lost: {item}")
    total.name = "**all**"
    print(facts_row(total))
    return total.kept / total.facts * 100 if total.facts else 100.0


def facts_row(kept: FactsKept) -> str:
    share = kept.kept / kept.facts * 100 if kept.facts else 100.0
    return (
        f"| {kept.name} | {kept.sections} | {kept.facts} | {kept.kept} | {share:.1f} | {kept.passing} "
        f"| {kept.breaks} | {kept.breaks_kept} | {kept.placeholders} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--briefs", type=Path, default=DEFAULT_BRIEFS, help="a folder of brief YAML files")
    parser.add_argument("--quick", action="store_true", help="a smoke run: three packs, two briefs, the examples")
    parser.add_argument("--verbose", action="store_true", help="list every problem found (up to 15 per kind)")
    args = parser.parse_args(argv)
    packs = load_packs(()).packs
    briefs = load_briefs(args.briefs, 2 if args.quick else None)
    keys = [k for k in packs if k in QUICK_PACKS] if args.quick else list(packs)
    reports = [build_report(packs[key], name, data) for key in keys for name, data in briefs.items()]
    print(f"{len(reports)} reports: {len(keys)} packs x {len(briefs)} briefs from {args.briefs}")
    print()
    problems = print_reports(reports, args.verbose)
    mean_shared, max_shared = print_sharing(reports)
    kept = print_facts(args.quick, args.verbose)
    all_keys = [r.units for r in reports]
    print()
    print(
        f"Summary: failing sections {sum(r.failing for r in reports)}; repeated within a report "
        f"{statistics.mean(repeated_share(k) for k in all_keys) * 100:.1f}% mean, "
        f"{max(repeated_share(k) for k in all_keys) * 100:.1f}% max; shared between clients "
        f"{mean_shared * 100:.1f}% mean, {max_shared * 100:.1f}% max; channels missing {len(problems['channels'])}; "
        f"foreign platforms {len(problems['foreign'])}; competitors missing {len(problems['competitors'])}; "
        f"lower-cased proper nouns {len(problems['lower'])}; meta sentences {len(problems['meta'])}; "
        f"invented figures {len(problems['invented'])}; facts kept by regenerate {kept:.1f}%; "
        f"ms/section {statistics.mean(t for r in reports for t in r.times_ms):.1f} mean, "
        f"{max(t for r in reports for t in r.times_ms):.1f} max"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
