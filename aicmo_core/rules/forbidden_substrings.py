from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.document.text import ascii_folded, phrase_may_match, phrase_pattern
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules._helpers import names_note, quoted
from aicmo_core.rules.registry import SectionContext, rule


def _states(benchmark: SectionBenchmark, sub_heading: str) -> str | None:
    if not benchmark.forbidden_substrings:
        return None
    return f"Forbidden phrases, in any letter case: {quoted(benchmark.forbidden_substrings)}."


@rule(
    code="AIC142",
    name="forbidden_substrings",
    severity=Severity.ERROR,
    note=names_note("forbidden phrase", "forbidden phrases", "phrase"),
    states=_states,
)
def forbidden_substrings(ctx: SectionContext) -> Iterator[Issue]:
    """A phrase the benchmark forbids appears in the section.

    **What it checks**: every occurrence of each `forbidden_substrings` entry, ignoring case, as
    whole words ("none" does not match "nonetheless"), in the section's prose, list items, table
    cells and sub-headings. Each occurrence is reported at its exact place.

    **Why it matters**: placeholders ("insert brand name", "lorem ipsum") and empty phrases ("post
    regularly") must never reach a client.

    **Example**: "We help your business grow" fails `your business`; name the client.

    **Configuration**: `forbidden_substrings`.
    """
    # A phrase's first word must be in the block, letter for letter, before its pattern runs: the
    # pattern (case-insensitive, with look-arounds) is slow to try at every character of every block.
    blocks = tuple(ctx.section.blocks())
    # Once for the whole section first: most sections hold none of the phrases' words (a phrase's
    # first word alone, "to" of "to be provided", is in most).
    section_text = "\n".join(placed.block.content for placed in blocks)
    ascii_text = ascii_folded(section_text)
    phrases = [phrase for phrase in ctx.benchmark.forbidden_substrings if phrase_may_match(phrase, ascii_text)]
    if not phrases:
        return
    folded_text = section_text.casefold()
    first_words = [
        (phrase, first_word) for phrase in phrases if (first_word := phrase.split()[0].casefold()) in folded_text
    ]
    for placed in blocks:
        content = placed.block.content
        folded = content.casefold()
        for phrase, first_word in first_words:
            if first_word not in folded:
                continue
            for match in phrase_pattern(phrase, whole_words=True).finditer(content):
                yield Issue(
                    placed.span_of(ctx.doc, match.start(), match.end()),
                    f"forbidden phrase '{phrase}'",
                    {"phrase": phrase, "found": match.group(0)},
                )
