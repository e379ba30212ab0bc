"""Words for a section's state, shared by every front end: code lens titles, hover tables, the
one-line summary of a section's findings, the status payload and the missing sections a writer can
still add."""

from __future__ import annotations

from dataclasses import dataclass

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.check import ReportResult, SectionResult
from aicmo_core.findings import Severity, Status
from aicmo_core.rules import RULES, Scope, rules_of
from aicmo_core.rules.registry import HoverRow


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


def finding_notes(result: SectionResult) -> list[str]:
    """A section's findings in a few words each, one entry per rule in rule order: the rule's note
    (``"words 212 (min 280)"``, ``"missing sub-headings 'Goal', 'Budget'"``), else each distinct
    message up to its first ``;`` (the messages say what is wrong before what the benchmark asks)."""
    notes: list[str] = []
    for rule in RULES.values():
        own = [f for f in result.findings if f.code == rule.code]
        if not own:
            continue
        note = rule.note(own) if rule.note is not None else None
        for text in [note] if note else [f.message.split("; ", 1)[0] for f in own]:
            if text not in notes:
                notes.append(text)
    return notes


def summary_line(result: SectionResult) -> str:
    """One line for a section's findings: ``**FAIL**: 2 errors, 1 warning: words 212 (min 280); ...``."""
    severities = [f.severity for f in result.findings]
    counts = [
        _plural(count, word)
        for count, word in (
            (_count(severities, Severity.ERROR), "error"),
            (_count(severities, Severity.WARNING), "warning"),
        )
        if count
    ]
    parts = [f"**{result.status.value}**"]
    if counts:
        parts.append(", ".join(counts))
    parts.append("; ".join(finding_notes(result)) or "no findings")
    return ": ".join(parts)


def hover_markdown(result: SectionResult) -> str:
    """The section's benchmark next to its current figures, as a small Markdown table with one row
    per rule that has one; then one line for its findings, then how its heading was matched."""
    section = result.section
    benchmark = section.benchmark
    if benchmark is None:
        why = f": {section.match.why}" if section.match.why else ""
        return lens_title(result).capitalize() + why + "."
    mark = {True: "✓", False: "✗"}
    lines = [
        f"| **{benchmark.label}** (`{benchmark.id}`) | now | benchmark | |",
        "| --- | --- | --- | --- |",
    ]
    for row in hover_rows(result):
        lines.append(f"| {row.label} | {row.now} | {row.bound} | {mark[row.ok]} |")
    lines += ["", summary_line(result), "", f"Matched {MATCH_WORDS.get(section.match.how, 'by')}: {section.match.why}."]
    return "\n".join(lines)


def hover_rows(result: SectionResult) -> list[HoverRow]:
    """The rows of a checked section's benchmark table, in rule order."""
    section, benchmark = result.section, result.section.benchmark
    if benchmark is None:
        return []
    rows = (rule.hover(benchmark, section) for rule in rules_of(Scope.SECTION) if rule.hover is not None)
    return [row for row in rows if row is not None]


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
