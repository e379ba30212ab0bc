from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.findings import Issue, Severity
from aicmo_core.rules.registry import Scope, rule
from aicmo_core.spans import Span


@rule(code="AIC900", name="internal_error", severity=Severity.ERROR, scope=Scope.ENGINE)
def internal_error(failed_rule: str, error: Exception, span: Span) -> Iterator[Issue]:
    """A rule failed with an unexpected error while checking a section.

    **What it checks**: nothing itself. When a rule raises, the engine reports this finding at the
    section's heading with the rule's name and goes on with the other rules and sections.

    **Why it matters**: one broken rule must never hide the others' findings.

    **Example**: please report it with the section's text; `aicmo check` prints the traceback on
    standard error, the language server in its log.

    **Configuration**: none.
    """
    yield Issue(span, f"rule {failed_rule} failed: {type(error).__name__}: {error}", {"rule": failed_rule})
