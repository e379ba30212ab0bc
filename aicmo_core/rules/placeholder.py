from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.document.text import ascii_folded, phrase_pattern
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules._helpers import names_note
from aicmo_core.rules.registry import HeadingContext, SectionContext, rule

# What a template, a model or a hurried writer leaves for later. Bracketed text only when it starts
# with a word that asks for content ("[Insert KPI target here]", "[TBD]", "[Client name]") and is no
# link ("[text](url)", "[text][ref]"); markers in capitals; unfilled figures; question marks.
PLACEHOLDER_RE = re.compile(
    r"\[(?:insert|add|enter|fill|tbd|tbc|todo|placeholder|to be|your|client|brand|company|name|date|number|"
    r"link|url|x{2,})\b[^\]\n]{0,80}\](?![(\[])"
    r"|(?<![\w-])(?:TODO|TBD|TBC|FIXME)(?![\w-])"
    r"|(?<![\w$£€])(?:[$£€]\s?)?X{2,}(?:[.,]X+)?\s?(?:%|k|m)?(?![\w])"
    r"|\{\{[^{}\n]{1,60}\}\}"
    r"|\?{3,}"
    r"|lorem ipsum",
    re.IGNORECASE,
)
# Bracketed and templated placeholders match in any case; the bare markers only in capitals.
_MARKERS = re.compile(r"todo|tbd|tbc|fixme|x{2,}(?:[.,]x+)?", re.IGNORECASE)

# What any match of PLACEHOLDER_RE contains, in :func:`ascii_folded` text: its bracketed alternative
# but the word boundary (a link such as "[brand report](...)" is none), or a marker's letters: a
# section whose prose has none of it has no placeholder, and most have none. A test holds it to
# PLACEHOLDER_RE.
MAYBE_PLACEHOLDER_RE = re.compile(
    r"\[(?:insert|add|enter|fill|placeholder|to be|your|client|brand|company|name|date|number|link|url)"
    r"[^\]\n]{0,80}\](?![(\[])"
    r"|todo|tbd|tbc|fixme|xx|\{\{|\?\?\?|lorem"
)


def may_hold_placeholder(texts: Iterable[str]) -> bool:
    """False when none of ``texts`` can hold a placeholder (one test over all of them: cheaper than
    the placeholder pattern, which starts with look-behinds and is tried at every character)."""
    return MAYBE_PLACEHOLDER_RE.search(ascii_folded("\n".join(texts))) is not None


def _states(benchmark: SectionBenchmark, sub_heading: str) -> str:
    return "Placeholders: none. No [Insert ...], [TBD], TODO, XX%, ??? or lorem ipsum: write the real content."


def _placeholders(text: str) -> Iterator[re.Match[str]]:
    for match in PLACEHOLDER_RE.finditer(text):
        found = match.group(0)
        bare = found.strip("$£€ %kmKM.,")
        if _MARKERS.fullmatch(bare) and bare != bare.upper():
            continue  # "todo" or "xx" in prose is a word, not a marker
        yield match


@rule(
    code="AIC144",
    name="placeholder",
    severity=Severity.ERROR,
    note=names_note("placeholder", "placeholders", "found"),
    states=_states,
    unmatched=True,
)
def placeholder(ctx: SectionContext | HeadingContext) -> Iterator[Issue]:
    """Text left for later: a placeholder instead of content.

    **What it checks**: bracketed requests for content (`[Insert KPI target here]`, `[TBD]`,
    `[Client name]`; a Markdown link is not one), the markers `TODO`, `TBD`, `TBC` and `FIXME` in
    capitals, unfilled figures (`XX%`, `$XXk`), template slots (`{{brand}}`), `???` and lorem ipsum,
    in the section's prose, list items, table cells and sub-headings (not in code, comments or link
    targets). Each one is reported at its place. It holds for every section of a report, also one
    that names no section of the pack, and for text a generator writes: a candidate with a
    placeholder is rejected. A phrase the section's benchmark already forbids is left to
    `forbidden_substrings`.

    **Why it matters**: a placeholder that reaches the client says the report was not finished.

    **Example**: `Grow followers by [XX]% by [Insert date]`: write the target and the date, or drop
    the sentence until they are known.

    **Configuration**: none in the benchmark; like every rule, it can be turned off or made a
    warning with `[severity]` in `aicmo.toml` (for drafts).
    """
    benchmark = ctx.benchmark if isinstance(ctx, SectionContext) else None
    blocks = tuple(ctx.section.blocks())
    if not may_hold_placeholder(placed.block.content for placed in blocks):
        return
    forbidden = [phrase_pattern(p, whole_words=True) for p in benchmark.forbidden_substrings] if benchmark else []
    for placed in blocks:
        content = placed.block.content
        if not may_hold_placeholder((content,)):
            continue
        for match in _placeholders(content):
            if any(pattern.fullmatch(match.group(0)) for pattern in forbidden):
                continue
            yield Issue(
                placed.span_of(ctx.doc, match.start(), match.end()),
                f"placeholder '{match.group(0)}': write the real content",
                {"found": match.group(0)},
            )
