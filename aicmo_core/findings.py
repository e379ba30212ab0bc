"""Findings and statuses: what checking a report produces."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from aicmo_core.spans import Span


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Status(str, Enum):
    PASS = "PASS"
    PASS_WITH_WARNINGS = "PASS_WITH_WARNINGS"
    FAIL = "FAIL"
    SKIPPED = "SKIPPED"


@dataclass(frozen=True, slots=True)
class Issue:
    """What a rule reports: where, what, and the measured figures behind the message."""

    span: Span
    message: str
    data: Mapping[str, Any] = field(default_factory=dict)
    section: str | None = None  # for report-level rules that point into a section


@dataclass(frozen=True, slots=True)
class Finding:
    """An issue with its rule's code, name and (possibly overridden) severity."""

    code: str
    rule: str
    severity: Severity
    message: str
    span: Span
    section: str | None
    data: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def shifted(self, line_delta: int) -> Finding:
        if line_delta == 0:
            return self
        # The constructor, not dataclasses.replace: a report of 50,000 findings shifts each one.
        span = self.span.shifted(line_delta)
        return Finding(self.code, self.rule, self.severity, self.message, span, self.section, self.data)

    @property
    def names_a_line(self) -> bool:
        """Whether the message names a line of the report ("line repeats line 12"): its data says so
        with a ``..._line`` field, and then it holds only where its section is."""
        return any(name.endswith("_line") for name in self.data)

    def with_severity(self, severity: Severity) -> Finding:
        return self if severity is self.severity else replace(self, severity=severity)


def status_of(findings: list[Finding]) -> Status:
    severities = {finding.severity for finding in findings}
    if Severity.ERROR in severities:
        return Status.FAIL
    if Severity.WARNING in severities:
        return Status.PASS_WITH_WARNINGS
    return Status.PASS
