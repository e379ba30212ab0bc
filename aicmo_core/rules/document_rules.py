"""Rules about the document as a whole that run before (or without) a pack: front matter, pack
name, and the engine's own internal-error code. The engine reports these; they have no check."""

from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.findings import Issue, Severity
from aicmo_core.rules.registry import ReportContext, Scope, rule


@rule(code="AIC006", name="front_matter", severity=Severity.ERROR, scope=Scope.REPORT)
def front_matter(ctx: ReportContext) -> Iterator[Issue]:
    """The report's front matter is not valid YAML.

    **What it checks**: the block between the first two `---` lines must be a YAML mapping. When it
    is not, the report's pack and settings cannot be read; the finding sits on the offending line.

    **Why it matters**: a typo there silently turns benchmarks off for the whole report.

    **Example**: `pack quick_social_basic` (no colon): write `pack: quick_social_basic`.

    **Configuration**: none.
    """
    return iter(())


@rule(code="AIC007", name="unknown_pack", severity=Severity.ERROR, scope=Scope.REPORT)
def unknown_pack(ctx: ReportContext) -> Iterator[Issue]:
    """The report names a pack that no benchmark folder defines.

    **What it checks**: the `pack:` of the front matter (or `aicmo.pack`, an `aicmo.toml` mapping or
    `--pack`) must be the key of a loaded pack. The message lists the keys that are known.

    **Why it matters**: a misspelt pack means no section is checked at all.

    **Example**: `pack: quick_social` where the key is `quick_social_basic`.

    **Configuration**: benchmark folders (`benchmark_paths`).
    """
    return iter(())


@rule(code="AIC900", name="internal_error", severity=Severity.ERROR, scope=Scope.REPORT)
def internal_error(ctx: ReportContext) -> Iterator[Issue]:
    """A rule failed with an unexpected error while checking a section.

    **What it checks**: nothing itself. When a rule raises, the engine reports this finding at the
    section's heading with the rule's name and goes on with the other rules and sections.

    **Why it matters**: one broken rule must never hide the others' findings.

    **Example**: please report it with the section's text; `aicmo check` prints the traceback on
    standard error, the language server in its log.

    **Configuration**: none.
    """
    return iter(())
