from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.benchmarks.patterns import PatternTimeout
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules.registry import Scope, rule
from aicmo_core.spans import Span


@rule(code="AIC901", name="check_timeout", severity=Severity.ERROR, scope=Scope.ENGINE)
def check_timeout(failed_rule: str, timeout: PatternTimeout, span: Span) -> Iterator[Issue]:
    """A pack's pattern ran past its time budget, so the section's pattern check was abandoned.

    **What it checks**: nothing itself. The patterns of `forbidden_regex` share a time budget per
    section (0.5 s of processor time) and one per report (5 s, for all its sections); when a
    pattern is still matching at the end of either, the engine stops that rule for the section and
    reports this finding at the section's heading, naming the pattern and the budget. The matches
    found before stay; the section's other rules and the other sections are checked as usual (once
    the report's budget is spent, the patterns of the sections after it are not run).

    **Why it matters**: a pattern that backtracks (each extra character doubling its work) would
    otherwise hang `aicmo check` and freeze the language server. The section is not known to be
    free of the pattern, so the finding is an error: a check that could not finish must not pass.

    **Example**: `(ab|a|b)*$` on a long run of `ab` ended by a `!`; rewrite the pattern so that
    each piece of text can be matched one way only, such as `[ab]*$`. The most obvious shapes
    (`(a+)+`, `(a|a)*`, `(.*)*`) are refused when the pack loads.

    **Configuration**: none; fix the pattern in the pack.
    """
    whose = "report's" if timeout.whole_report else "section's"
    yield Issue(
        span,
        f"the {failed_rule} check of this section was abandoned: pattern {timeout.pattern!r} ran past the "
        f"{whose} {timeout.budget_s:g} s time budget; simplify the pattern in the pack",
        {
            "rule": failed_rule,
            "pattern": timeout.pattern,
            "budget_s": timeout.budget_s,
            "scope": "report" if timeout.whole_report else "section",
        },
    )
