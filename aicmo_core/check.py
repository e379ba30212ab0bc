"""Check a report: resolve its pack, split it into sections, run every rule, apply suppressions
and severity overrides, and compute statuses.

Per-section results are cached by the section's source hash and its benchmark's fingerprint, so
re-checking an edited report only re-runs rules on the sections whose text changed.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aicmo_core.benchmarks.loader import PackSet
from aicmo_core.benchmarks.models import Pack
from aicmo_core.benchmarks.patterns import PatternTimeout, report_budget
from aicmo_core.config import AicmoConfig
from aicmo_core.detection import AUTO_PACK, Detection, detect_pack
from aicmo_core.document.incremental import inherit_sections, reparse_document
from aicmo_core.document.model import ParsedDocument, ReportStructure, Section, build_sections, parse_document
from aicmo_core.document.preprocess import Directive
from aicmo_core.document.rescan import LineEdit
from aicmo_core.findings import Finding, Issue, Severity, Status, status_of
from aicmo_core.rules.registry import (
    RULES,
    DocumentContext,
    HeadingContext,
    ReportContext,
    Rule,
    Scope,
    SectionContext,
    document_rules,
    find_rule,
    heading_rules,
    report_rules,
    section_rules,
    summary_rules,
)
from aicmo_core.spans import Span

log = logging.getLogger(__name__)

SEVERITY_OFF = "off"
INTERNAL_ERROR = "AIC900"  # the engine's own code for a rule that raised
CHECK_TIMEOUT = "AIC901"  # the engine's own code for a rule whose pattern ran past its time budget
# A section rule reports at most this many findings in one section (a section of 100,000 repeated
# lines would otherwise cost 100,000 findings, and a writer reads none of them); the last says so.
MAX_FINDINGS_PER_SECTION_RULE = 100


CacheKey = tuple[str, str] | tuple[str, str, int]


class SectionCache:
    """A bounded LRU of per-section findings, relative to the section's first line."""

    def __init__(self, max_entries: int = 16384) -> None:  # every section of a few long reports
        self.max_entries = max_entries
        self._entries: OrderedDict[CacheKey, tuple[Finding, ...]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: CacheKey) -> tuple[Finding, ...] | None:
        found = self._entries.get(key)
        if found is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return found

    def find(self, key: tuple[str, str], line: int) -> tuple[Finding, ...] | None:
        """The findings under ``key``, else under ``key`` at ``line`` (findings that name a line of the
        report hold only where their section is): one hit or one miss."""
        return self.get(key if key in self._entries else (*key, line))

    def put(self, key: CacheKey, findings: tuple[Finding, ...]) -> None:
        self._entries[key] = findings
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


_DEFAULT_CACHE = SectionCache()


@dataclass(slots=True)
class CheckOptions:
    """What a check needs besides the text. ``pack`` is the explicit choice (``--pack``), used when
    neither the front matter nor ``aicmo.toml`` names one."""

    packs: PackSet
    config: AicmoConfig | None = None
    pack: str | None = None
    severity: Mapping[str, str] = field(default_factory=dict)
    cache: SectionCache | None = None


@dataclass(slots=True)
class SectionResult:
    section: Section
    status: Status
    findings: list[Finding]


@dataclass(slots=True)
class ReportResult:
    """Everything checking one report found. ``pack_key`` is None for a file that is not a report."""

    path: str | None
    doc: ParsedDocument
    pack_key: str | None
    pack: Pack | None
    status: Status
    findings: list[Finding]
    sections: list[SectionResult]
    structure: ReportStructure | None = None
    detection: Detection | None = None  # the pack the headings fit best, when the report named none or "auto"

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    def failing_sections(self) -> list[SectionResult]:
        """The sections of the pack that fail their benchmark, in document order."""
        return [r for r in self.sections if r.section.benchmark is not None and r.status is Status.FAIL]

    def section(self, section_id: str) -> SectionResult | None:
        """The section of the pack with this id, if the report has it."""
        return next((r for r in self.sections if r.section.id == section_id), None)

    def section_at(self, line: int) -> SectionResult | None:
        """The section (of the pack or not) that holds this 0-based line."""
        return next((r for r in self.sections if r.section.start_line <= line < r.section.end_line), None)


def front_matter_pack(data: Mapping[str, Any]) -> str | None:
    """``pack: KEY`` or ``aicmo: {pack: KEY}`` from front matter."""
    nested = data.get("aicmo")
    if isinstance(nested, Mapping) and isinstance(nested.get("pack"), str):
        return str(nested["pack"])
    value = data.get("pack")
    return value if isinstance(value, str) else None


def resolve_pack_key(doc: ParsedDocument, path: str | None, options: CheckOptions) -> str | None:
    """Front matter first, then an ``aicmo.toml`` glob, then the explicit or default pack."""
    if doc.front_matter is not None:
        key = front_matter_pack(doc.front_matter.data)
        if key:
            return key
    config = options.config
    if config is not None and path is not None:
        key = config.pack_for(Path(path))
        if key:
            return key
    if options.pack:
        return options.pack
    return config.default_pack if config is not None else None


def _finding(rule: Rule, issue: Issue, section: str | None) -> Finding:
    return Finding(rule.code, rule.name, rule.severity, issue.message, issue.span, issue.section or section, issue.data)


def _internal_error(failed: Rule, error: Exception, span: Span, section: str | None) -> Finding:
    engine_rule = RULES[INTERNAL_ERROR]
    return next(_finding(engine_rule, issue, section) for issue in engine_rule.check(failed.name, error, span))


def _with_more(finding: Finding) -> Finding:
    more = f"; more follow: the first {MAX_FINDINGS_PER_SECTION_RULE} of this rule's findings in a section are listed"
    return replace(finding, message=finding.message + more, data={**finding.data, "truncated": True})


def _run(rule: Rule, context: object, span: Span, section: str | None) -> list[Finding]:
    """One rule's findings; a rule that raises is one internal error, so the others still run. A
    rule whose pattern runs past its time budget keeps what it found and adds one check_timeout."""
    findings: list[Finding] = []
    try:
        capped = rule.scope in (Scope.SECTION, Scope.SECTION_SUMMARY)
        for issue in rule.check(context):
            if capped and len(findings) == MAX_FINDINGS_PER_SECTION_RULE:
                findings[-1] = _with_more(findings[-1])
                break
            findings.append(_finding(rule, issue, section))
    except PatternTimeout as timeout:
        log.info("rule %s abandoned on %s: %s", rule.name, section or "the report", timeout)
        engine_rule = RULES[CHECK_TIMEOUT]
        findings += [_finding(engine_rule, issue, section) for issue in engine_rule.check(rule.name, timeout, span)]
    except Exception as exc:  # one broken rule must not take the others down
        log.exception("rule %s failed on %s", rule.name, section or "the report")
        return [_internal_error(rule, exc, span, section)]
    return findings


def run_section_rules(section: Section) -> tuple[Finding, ...]:
    """The findings of a section's own rules (no cache, no settings): exclusive rules first, and when
    one of them fires, only its findings; then every section rule, then the summary rules."""
    assert section.benchmark is not None
    context = SectionContext(section, section.benchmark)
    span, section_id = section.heading_span, section.id
    rules = section_rules()
    for exclusive in (r for r in rules if r.exclusive):
        found = _run(exclusive, context, span, section_id)
        if found:
            return tuple(found)
    findings: list[Finding] = []
    for rule in rules:
        if not rule.exclusive:
            findings.extend(_run(rule, context, span, section_id))
    for rule in summary_rules():
        findings.extend(_run(rule, SectionContext(section, section.benchmark, tuple(findings)), span, section_id))
    return tuple(findings)


def run_unmatched_rules(section: Section, pack: Pack) -> tuple[Finding, ...]:
    """The findings of the rules that hold for a section-level heading naming no pack section: the
    section rules that hold for every section, then the heading rules."""
    context = HeadingContext(section, pack)
    rules = [rule for rule in section_rules() if rule.unmatched] + heading_rules()
    return tuple(f for rule in rules for f in _run(rule, context, section.heading_span, None))


def section_findings(section: Section, cache: SectionCache, pack: Pack) -> tuple[Finding, ...]:
    """Findings of one section's own rules (for a heading naming no section of the pack, the rules
    for every section and the heading rules): those the same section found in the previous version
    when an edit left it as it was, else from the cache when its text was checked before, else
    checked now. A long report's sections are checked once, not on every keystroke."""
    if section.own_findings is not None:
        return section.own_findings
    benchmark = section.benchmark
    if benchmark is not None:
        key = (section.source_hash, benchmark.fingerprint)
    else:  # what the heading rules say depends on how the heading matched and on the pack's name
        key = (section.source_hash, f"unmatched {section.match.how} {pack.label}")
    cached = cache.find(key, section.start_line)
    if cached is not None:
        found = tuple(f.shifted(section.start_line) for f in cached)
    else:
        found = run_section_rules(section) if benchmark is not None else run_unmatched_rules(section, pack)
        # Not when the report's pattern budget ran out: that depends on the other sections.
        if any(f.code == CHECK_TIMEOUT and f.data.get("scope") == "report" for f in found):
            return found
        relative = tuple(f.shifted(-section.start_line) for f in found)
        cache.put((*key, section.start_line) if any(f.names_a_line for f in found) else key, relative)
    section.own_findings = found
    return found


@dataclass(frozen=True, slots=True)
class Suppressions:
    """Rules turned off by comments and front matter. An empty rule set means "every rule"."""

    whole_document: frozenset[str]
    ranges: tuple[tuple[int, int, frozenset[str]], ...]
    lines: tuple[tuple[int, frozenset[str]], ...]

    @staticmethod
    def _names(args: Iterable[str]) -> frozenset[str]:
        names = set()
        for arg in args:
            rule = find_rule(arg)
            names.add(rule.code if rule else arg.upper())
        return frozenset(names)

    @classmethod
    def build(cls, doc: ParsedDocument) -> Suppressions:
        whole: set[str] = set()
        if doc.front_matter is not None:
            nested = doc.front_matter.data.get("aicmo")
            disable = nested.get("disable") if isinstance(nested, Mapping) else None
            if isinstance(disable, str):  # "disable: AIC142" or "disable: AIC142, min_words"
                disable = [part for part in disable.replace(",", " ").split() if part]
            if isinstance(disable, list):
                whole |= cls._names(str(item) for item in disable)
        ranges: list[tuple[int, int, frozenset[str]]] = []
        lines: list[tuple[int, frozenset[str]]] = []
        open_ranges: list[tuple[int, frozenset[str]]] = []
        directives: list[Directive] = sorted(doc.directives, key=lambda d: d.line)
        for directive in directives:
            names = cls._names(directive.args)
            if directive.kind == "aicmo-disable":
                open_ranges.append((directive.line, names))
            elif directive.kind == "aicmo-enable":
                still_open = []
                for start, disabled in open_ranges:
                    if not names or not disabled or disabled <= names:
                        ranges.append((start, directive.line, disabled))
                    else:
                        ranges.append((start, directive.line, disabled & names))
                        if disabled - names:
                            still_open.append((start, disabled - names))
                open_ranges = still_open
            elif directive.kind == "aicmo-disable-next-line":
                lines.append((directive.end_line + 1, names))
        ranges.extend((start, doc.line_count, disabled) for start, disabled in open_ranges)
        return cls(frozenset(whole), tuple(ranges), tuple(lines))

    def suppresses(self, finding: Finding) -> bool:
        line = finding.span.start.line
        code = finding.code
        if self.whole_document and code in self.whole_document:
            return True
        for start, end, disabled in self.ranges:
            if start <= line < end and (not disabled or code in disabled):
                return True
        return any(target == line and (not disabled or code in disabled) for target, disabled in self.lines)


def merge_severity(*layers: Mapping[str, str]) -> dict[str, str]:
    """Severity settings, later layers winning, keyed by rule code: ``AIC142`` in ``aicmo.toml`` and
    ``forbidden_substrings`` in the editor's settings name the same rule, so the editor's must win."""
    merged: dict[str, str] = {}
    for layer in layers:
        for key, value in layer.items():
            rule = find_rule(key)
            merged[rule.code if rule else key] = value
    return merged


def _apply_overrides(findings: Iterable[Finding], overrides: Mapping[str, str], pack: Pack | None) -> list[Finding]:
    result = []
    severities: dict[tuple[str, Severity], Severity | None] = {}  # one look-up per rule, not per finding
    for finding in findings:
        key = (finding.code, finding.severity)
        if key not in severities:
            severities[key] = _severity(finding, overrides, pack)
        severity = severities[key]
        if severity is not None:
            result.append(finding.with_severity(severity))
    return result


def _severity(finding: Finding, overrides: Mapping[str, str], pack: Pack | None) -> Severity | None:
    """The finding's severity after the settings; None when its rule is turned off."""
    severity_name = overrides.get(finding.code)
    if severity_name == SEVERITY_OFF:
        return None
    if severity_name is not None:
        return Severity(severity_name)
    rule = RULES.get(finding.code)
    return rule.default_severity(pack) if rule is not None else finding.severity


def check_document(
    doc: ParsedDocument,
    path: str | None,
    options: CheckOptions,
    previous: ReportStructure | None = None,
    edit: LineEdit | None = None,
) -> ReportResult:
    """Check an already parsed document. ``previous`` is the structure of the version ``edit`` made
    ``doc`` from: what the edit did not touch is taken from it (the result is the same)."""
    overrides = merge_severity(options.config.severity if options.config else {}, options.severity)
    key = resolve_pack_key(doc, path, options)
    aliases = options.config.aliases if options.config else {}
    detection = None
    if key is None or key == AUTO_PACK:
        detection = detect_pack(doc, options.packs.packs, aliases)
    detected = key == AUTO_PACK
    if detected:
        key = detection.pack.key if detection is not None else None
    pack = options.packs.get(key) if key else None
    first_line = doc.index.line_span(0)
    document_context = DocumentContext(doc, key, pack, tuple(options.packs.packs), detection, detected)
    findings = [f for rule in document_rules() for f in _run(rule, document_context, first_line, None)]
    if key is None or pack is None:
        findings = _apply_overrides(findings, overrides, None)
        unchecked = all(f.severity is Severity.INFO for f in findings)
        status = Status.SKIPPED if unchecked else status_of(findings)
        return ReportResult(path, doc, key, None, status, findings, [], detection=detection)

    if previous is not None and edit is not None and previous.pack is pack and previous.aliases == aliases:
        structure = build_sections(doc, pack, aliases, matched=previous)
        inherit_sections(structure, previous, edit)
    else:
        structure = build_sections(doc, pack, aliases)
    cache = options.cache or _DEFAULT_CACHE
    with report_budget():  # the time the pack's patterns may take over the whole report
        for section in structure.sections:
            findings.extend(section_findings(section, cache, pack))
    report_context = ReportContext(structure)
    for rule in report_rules():
        findings.extend(_run(rule, report_context, first_line, None))
    suppressions = Suppressions.build(doc)
    findings = _apply_overrides(findings, overrides, pack)
    if suppressions.whole_document or suppressions.ranges or suppressions.lines:
        findings = [f for f in findings if not suppressions.suppresses(f)]
    findings.sort(key=lambda f: (f.span.start.line, f.span.start.character, f.code))

    # A finding about a section the report lacks (missing_section) sits on the first line, which can
    # be a present section's heading: it is the report's problem, not that section's.
    present = {section.match.section_id for section in structure.sections if section.match.section_id}
    section_results = []
    # Findings are sorted by line, so each section's are one slice (a scan per section would make a
    # report of thousands of sections quadratic).
    finding_lines = [f.span.start.line for f in findings]
    for section in structure.sections:
        inside = [
            f
            for f in findings[
                bisect_left(finding_lines, section.start_line) : bisect_left(finding_lines, section.end_line)
            ]
            if f.section is None or f.section in present
        ]
        section_results.append(SectionResult(section, status_of(inside), inside))
    return ReportResult(path, doc, key, pack, status_of(findings), findings, section_results, structure, detection)


def check_text(
    text: str, path: str | None, options: CheckOptions, previous: ReportResult | None = None
) -> ReportResult:
    """Parse and check report text. ``path`` decides MDX handling and ``aicmo.toml`` globs. With
    ``previous``, the result of an earlier version of the same document, only what the edit touched
    is parsed again (the result is the same)."""
    mdx = bool(path) and str(path).lower().endswith(".mdx")
    if previous is not None and previous.doc.mdx == mdx:
        doc, edit = reparse_document(previous.doc, text)
        return check_document(doc, path, options, previous.structure, edit)
    return check_document(parse_document(text, mdx=mdx), path, options)
