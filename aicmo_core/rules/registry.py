"""The rule registry: each rule is a small function registered with a stable code and a name.

A rule owns everything about its check, so adding one touches its own file and one import line in
``rules/__init__.py``:

- ``check``: the function the engine runs. Its docstring is the rule's documentation
  (``aicmo explain`` and ``docs/rules.md``).
- ``hover``: the rule's line in a section's hover table (its measure now, its bound, whether it
  holds, and for a numeric bound the figures as numbers), and ``note``: the rule's findings in a
  few words (``"words 212 (min 280)"``) for the one-line summary of a section (the hover, the
  scorecard); without one, the summary quotes each message up to its first ``;``.
- ``states``: the sentence that states the rule's bound to a model (the prompt's constraints).
- ``exclusive``: when it fires, the section's other rules are not run (one clear finding instead
  of ten, as for an empty section).
- ``pack_severity``: the default severity a pack's flags give the rule (``missing_section`` is a
  warning in a pack that is not ``strict``); ``[severity]`` settings still win.
- ``unmatched``: the rule also runs, with a :class:`HeadingContext`, on section-level headings that
  name no section of the pack (an empty section is empty whatever its heading).

Rules are kept in registration order, which is the order of the imports in ``rules/__init__.py``:
sections run their rules in that order, and the hover table and the prompt list them in it.

Scopes: a section rule sees one section; a section-summary rule runs after the section's other
rules and sees their findings; a heading rule sees one section-level heading that names no section
of the pack (what it finds is kept with that section, like a section rule's, so an edit elsewhere
does not run it again); a report rule sees the report's structure once its pack is known; a
document rule runs before (and without) a pack; an engine code is reported by the engine itself
(a rule that raised).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from aicmo_core.benchmarks.models import Pack, SectionBenchmark
from aicmo_core.detection import Detection
from aicmo_core.document.model import ParsedDocument, ReportStructure, Section, SectionMetrics
from aicmo_core.findings import Finding, Issue, Severity
from aicmo_core.spans import Span


class Scope(str, Enum):
    SECTION = "section"
    SECTION_SUMMARY = "section_summary"  # runs after a section's other rules and sees their findings
    HEADING = "heading"  # runs on a section-level heading that names no section of the pack
    REPORT = "report"
    DOCUMENT = "document"  # runs before a pack is resolved: front matter, the pack's name
    ENGINE = "engine"  # reported by the engine, never run

    @property
    def label(self) -> str:
        """``section`` or ``report``: what the scope looks at, for the rules table."""
        return "section" if self in (Scope.SECTION, Scope.SECTION_SUMMARY, Scope.HEADING) else "report"


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
class HeadingContext:
    """A section-level heading that names no section of the pack (unknown or a duplicate), for the
    rules that hold for every section (``unmatched=True``) and the heading rules."""

    section: Section
    pack: Pack

    @property
    def doc(self) -> ParsedDocument:
        return self.section.doc

    @property
    def heading_span(self) -> Span:
        return self.section.heading_span

    @property
    def label(self) -> str:
        return self.section.heading.title


def front_matter_span(doc: ParsedDocument, key: str) -> Span | None:
    """The ``key:`` line of the front matter, from its first non-blank character; None without one."""
    front = doc.front_matter
    if front is None:
        return None
    for line in range(front.end_line):
        text = doc.index.line_text(line)
        if text.lstrip().startswith(f"{key}:"):
            return doc.index.line_span(line, len(text) - len(text.lstrip()))
    return None


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
        return front_matter_span(self.doc, "pack") or self.doc.index.line_span(0)


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """A document before its pack is known: the key it resolves to and the packs that exist."""

    doc: ParsedDocument
    pack_key: str | None
    pack: Pack | None
    known_packs: tuple[str, ...]
    detection: Detection | None = None  # the pack the headings fit best, when none or "auto" was named
    detected: bool = False  # whether ``pack`` is the detected one ("auto")


@dataclass(frozen=True, slots=True)
class Measure:
    """A hover row's figures as numbers, for clients that draw them (the scorecard): the measure's
    name (a ``SectionMetrics`` field), its value, and its bounds (None: no bound on that side)."""

    name: str
    value: float
    low: float | None
    high: float | None

    @property
    def bounded(self) -> bool:
        """Whether the benchmark bounds it at all (``at least 0`` bounds nothing)."""
        return bool(self.low) or self.high is not None


@dataclass(frozen=True, slots=True)
class HoverRow:
    """One line of a section's hover table: what is measured, its value now, the bound, whether it holds."""

    label: str
    now: str
    bound: str
    ok: bool
    measure: Measure | None = None


HoverFn = Callable[[SectionBenchmark, Section], "HoverRow | None"]
NoteFn = Callable[[Sequence[Finding]], "str | None"]
StatesFn = Callable[[SectionBenchmark, str], "str | None"]  # (benchmark, sub-heading marker such as "###")
PackSeverityFn = Callable[[Pack], "Severity | None"]
F = TypeVar("F", bound=Callable[..., Iterable[Issue]])


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    scope: Scope
    check: Callable[..., Iterable[Issue]]
    hover: HoverFn | None = None
    note: NoteFn | None = None
    states: StatesFn | None = None
    exclusive: bool = False
    pack_severity: PackSeverityFn | None = None
    unmatched: bool = False

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.split("\n\n", 1)[0].replace("\n", " ")

    def default_severity(self, pack: Pack | None) -> Severity:
        """The severity before settings: the rule's own, or what the pack's flags make it."""
        relaxed = self.pack_severity(pack) if self.pack_severity is not None and pack is not None else None
        return relaxed or self.severity


RULES: dict[str, Rule] = {}


def rule(
    *,
    code: str,
    name: str,
    severity: Severity,
    scope: Scope = Scope.SECTION,
    hover: HoverFn | None = None,
    note: NoteFn | None = None,
    states: StatesFn | None = None,
    exclusive: bool = False,
    pack_severity: PackSeverityFn | None = None,
    unmatched: bool = False,
) -> Callable[[F], F]:
    """Register a rule. Codes and names are unique and never change once released."""

    def register(check: F) -> F:
        if code in RULES or any(r.name == name for r in RULES.values()):
            raise ValueError(f"rule {code} {name} registered twice")
        if not check.__doc__:
            raise ValueError(f"rule {code} {name} needs a docstring: it is the rule's documentation")
        RULES[code] = Rule(code, name, severity, scope, check, hover, note, states, exclusive, pack_severity, unmatched)
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


def rules_of(*scopes: Scope) -> list[Rule]:
    """The registered rules of these scopes, in registration order."""
    return [r for r in RULES.values() if r.scope in scopes]


def section_rules() -> list[Rule]:
    return rules_of(Scope.SECTION)


def heading_rules() -> list[Rule]:
    return rules_of(Scope.HEADING)


def summary_rules() -> list[Rule]:
    return rules_of(Scope.SECTION_SUMMARY)


def report_rules() -> list[Rule]:
    return rules_of(Scope.REPORT)


def document_rules() -> list[Rule]:
    return rules_of(Scope.DOCUMENT)
