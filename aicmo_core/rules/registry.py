"""The rule registry: each rule is a small function registered with a stable code and a name.

Section rules see one section and its benchmark; report rules see the whole report structure. A
rule's docstring is its documentation (``aicmo explain`` and ``docs/rules.md``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from aicmo_core.benchmarks.models import Pack, SectionBenchmark
from aicmo_core.document.model import ParsedDocument, ReportStructure, Section, SectionMetrics
from aicmo_core.findings import Finding, Issue, Severity
from aicmo_core.spans import Span


class Scope(str, Enum):
    SECTION = "section"
    SECTION_SUMMARY = "section_summary"  # runs after a section's other rules and sees their findings
    REPORT = "report"


@dataclass(frozen=True, slots=True)
class SectionContext:
    section: Section
    benchmark: SectionBenchmark
    findings: tuple[Finding, ...] = ()  # the other rules' findings, for SECTION_SUMMARY rules

    @property
    def doc(self) -> ParsedDocument:
        return self.section.doc

    @property
    def metrics(self) -> SectionMetrics:
        return self.section.metrics

    @property
    def heading_span(self) -> Span:
        return self.section.heading_span

    @property
    def label(self) -> str:
        return self.benchmark.label


@dataclass(frozen=True, slots=True)
class ReportContext:
    structure: ReportStructure

    @property
    def doc(self) -> ParsedDocument:
        return self.structure.doc

    @property
    def pack(self) -> Pack:
        return self.structure.pack

    @property
    def sections(self) -> list[Section]:
        return self.structure.sections

    def report_span(self) -> Span:
        """Where report-wide findings go: the ``pack:`` line of the front matter, else line 1."""
        doc = self.doc
        front = doc.front_matter
        if front is not None:
            for line in range(front.end_line):
                if doc.index.line_text(line).lstrip().startswith("pack:"):
                    return doc.index.line_span(
                        line, len(doc.index.line_text(line)) - len(doc.index.line_text(line).lstrip())
                    )
        return doc.index.line_span(0)


SectionCheck = Callable[[SectionContext], Iterable[Issue]]
ReportCheck = Callable[[ReportContext], Iterable[Issue]]
F = TypeVar("F", bound=Callable[..., Iterable[Issue]])


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    scope: Scope
    check: Callable[..., Iterable[Issue]]

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.split("\n\n", 1)[0].replace("\n", " ")


RULES: dict[str, Rule] = {}


def rule(*, code: str, name: str, severity: Severity, scope: Scope = Scope.SECTION) -> Callable[[F], F]:
    """Register a rule. Codes and names are unique and never change once released."""

    def register(check: F) -> F:
        if code in RULES or any(r.name == name for r in RULES.values()):
            raise ValueError(f"rule {code} {name} registered twice")
        if not check.__doc__:
            raise ValueError(f"rule {code} {name} needs a docstring: it is the rule's documentation")
        RULES[code] = Rule(code, name, severity, scope, check)
        return check

    return register


def find_rule(code_or_name: str) -> Rule | None:
    """A rule by code (``AIC101``, any case) or name (``min_words``)."""
    key = code_or_name.strip()
    if key.upper() in RULES:
        return RULES[key.upper()]
    for candidate in RULES.values():
        if candidate.name == key.lower():
            return candidate
    return None


def section_rules() -> list[Rule]:
    return [r for r in RULES.values() if r.scope is Scope.SECTION]


def summary_rules() -> list[Rule]:
    return [r for r in RULES.values() if r.scope is Scope.SECTION_SUMMARY]


def report_rules() -> list[Rule]:
    return [r for r in RULES.values() if r.scope is Scope.REPORT]
