"""Words for a section's state, shared by every front end: code lens titles, hover tables, the
status payload and the missing sections a writer can still add."""

from __future__ import annotations

from dataclasses import dataclass

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.check import ReportResult, SectionResult
from aicmo_core.findings import Severity, Status
from aicmo_core.rules import Scope, rules_of


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


def provisional_title(result: SectionResult) -> str | None:
    """``"Provisional: AIC101 min_words"`` for a section whose generated text is marked provisional
    and still fails, else None."""
    provisional = next((f for f in result.findings if f.rule == "provisional"), None)
    if provisional is None:
        return None
    return f"Provisional: {', '.join(str(code) for code in provisional.data.get('fails', ()))}"


MATCH_WORDS = {
    "explicit": "by a comment",
    "exact": "by name",
    "similar": "by its words",
    "position": "by its place",
}


def hover_markdown(result: SectionResult) -> str:
    """The section's benchmark next to its current figures, as a small Markdown table: one row per
    rule that has one, then each rule's note on its findings (the sub-headings still missing, ...)."""
    section = result.section
    benchmark = section.benchmark
    if benchmark is None:
        why = f": {section.match.why}" if section.match.why else ""
        return lens_title(result).capitalize() + why + "."
    mark = {True: "✓", False: "✗"}
    lines = [
        f"**{benchmark.label}** (`{benchmark.id}`): **{result.status.value}**",
        "",
        f"Matched {MATCH_WORDS.get(section.match.how, 'by')}: {section.match.why}.",
        "",
        "| | now | benchmark | |",
        "| --- | --- | --- | --- |",
    ]
    section_rules = rules_of(Scope.SECTION)
    for rule in section_rules:
        row = rule.hover(benchmark, section) if rule.hover is not None else None
        if row is not None:
            lines.append(f"| {row.label} | {row.now} | {row.bound} | {mark[row.ok]} |")
    for rule in section_rules:
        own = [f for f in result.findings if f.code == rule.code]
        note = rule.note(own) if rule.note is not None and own else None
        if note:
            lines += ["", note]
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
