"""Words for a section's state, shared by every front end: code lens titles, hover tables, the
status payload and the missing sections a writer can still add."""

from __future__ import annotations

from dataclasses import dataclass

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.check import ReportResult, SectionResult
from aicmo_core.findings import Severity, Status


def _count(findings_severity: list[Severity], severity: Severity) -> int:
    return sum(1 for s in findings_severity if s is severity)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def word_band(benchmark: SectionBenchmark, words: int) -> str:
    return f"{words}/{benchmark.min_words}-{benchmark.max_words} words"


def lens_title(result: SectionResult) -> str:
    """``"FAIL: 2 errors, 212/280-400 words"``, ``"PASS: 300/280-400 words"``, or why unchecked."""
    section = result.section
    if section.benchmark is None:
        if section.match.how == "duplicate":
            return f"not checked: repeats section '{section.match.section_id}'"
        return "not a section of this pack"
    severities = [f.severity for f in result.findings]
    parts = []
    errors, warnings = _count(severities, Severity.ERROR), _count(severities, Severity.WARNING)
    if errors:
        parts.append(_plural(errors, "error"))
    if warnings:
        parts.append(_plural(warnings, "warning"))
    parts.append(word_band(section.benchmark, section.metrics.words))
    return f"{result.status.value}: {', '.join(parts)}"


def _bound(low: int | float, high: int | float | None) -> str:
    if high is None:
        return f"at least {low:g}"
    return f"{low:g}-{high:g}"


def hover_markdown(result: SectionResult) -> str:
    """The section's benchmark next to its current figures, as a small Markdown table."""
    section = result.section
    benchmark = section.benchmark
    if benchmark is None:
        return lens_title(result).capitalize() + "."
    metrics = section.metrics
    mark = {True: "✓", False: "✗"}
    rows = [
        (
            "words",
            str(metrics.words),
            _bound(benchmark.min_words, benchmark.max_words),
            benchmark.min_words <= metrics.words <= benchmark.max_words,
        ),
        (
            "bullets",
            str(metrics.bullets),
            _bound(benchmark.min_bullets, benchmark.max_bullets),
            metrics.bullets >= benchmark.min_bullets
            and (benchmark.max_bullets is None or metrics.bullets <= benchmark.max_bullets),
        ),
        (
            "sub-headings",
            str(metrics.headings),
            _bound(benchmark.min_headings, benchmark.max_headings),
            metrics.headings >= benchmark.min_headings
            and (benchmark.max_headings is None or metrics.headings <= benchmark.max_headings),
        ),
    ]
    if benchmark.max_avg_sentence_length is not None:
        rows.append(
            (
                "avg sentence",
                f"{metrics.avg_sentence_words:g} words",
                f"at most {benchmark.max_avg_sentence_length:g}",
                metrics.avg_sentence_words <= benchmark.max_avg_sentence_length,
            )
        )
    rows.append(
        (
            "repeated lines",
            f"{metrics.repeated_line_ratio:.0%}",
            f"at most {benchmark.max_repeated_line_ratio:.0%}",
            metrics.repeated_line_ratio <= benchmark.max_repeated_line_ratio,
        )
    )
    if benchmark.format.value != "markdown_block":
        has = metrics.tables > 0 if benchmark.format.value == "markdown_table" else metrics.lists > 0
        rows.append(
            (
                "format",
                "table" if metrics.tables else ("list" if metrics.lists else "prose"),
                benchmark.format.value,
                has,
            )
        )
    lines = [
        f"**{benchmark.label}** (`{benchmark.id}`): **{result.status.value}**",
        "",
        "| | now | benchmark | |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {name} | {now} | {want} | {mark[ok]} |" for name, now, want, ok in rows]
    missing = [f.data.get("heading") for f in result.findings if f.rule == "required_headings"]
    if missing:
        lines += ["", "Missing sub-headings: " + ", ".join(f"'{m}'" for m in missing)]
    phrases = [f.data.get("phrase") for f in result.findings if f.rule == "required_substrings"]
    if phrases:
        lines += ["", "Missing phrases: " + ", ".join(f"'{p}'" for p in phrases)]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class StatusCounts:
    passed: int
    warned: int
    failed: int
    missing: int
    unknown: int


def status_counts(result: ReportResult) -> StatusCounts:
    checked = [r for r in result.sections if r.section.benchmark is not None]
    return StatusCounts(
        passed=sum(1 for r in checked if r.status is Status.PASS),
        warned=sum(1 for r in checked if r.status is Status.PASS_WITH_WARNINGS),
        failed=sum(1 for r in checked if r.status is Status.FAIL),
        missing=sum(1 for f in result.findings if f.rule == "missing_section"),
        unknown=sum(1 for r in result.sections if r.section.benchmark is None),
    )


def missing_sections(result: ReportResult) -> list[SectionBenchmark]:
    """Sections of the pack that no heading names yet, in pack order."""
    if result.pack is None:
        return []
    present = {r.section.id for r in result.sections if r.section.id}
    return [section for section in result.pack.sections if section.id not in present]
