"""What the generated-text checks share: the tests of the template generator and
``perf/bench_quality.py`` read text with the same patterns and briefs."""

from __future__ import annotations

import re

from aicmo_core.generators import Brief

# Sentences about the report, the section or the task instead of the client. Stricter than the
# answer checks a model's answer meets (:mod:`aicmo_core.generators.answer_checks`): a pattern
# here may also catch an innocent sentence, which the template generator then must not write.
META_PATTERNS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\bin this (?:section|part|report|document|plan)\b",
        r"\bthis (?:section|report|document)\b",
        r"\bthis part\b",
        r"\b(?:section|part)s? of (?:this|the) (?:report|document)\b",
        r"\bthe [\w\s&-]{1,40} (?:part|section) of (?:this|the) report\b",
        r"\beach choice here\b",
        r"\bwhat we learn here\b",
        r"\b(?:following|next|previous) (?:section|part)\b",
        r"\b(?:table|list) (?:below|above)\b",
        r"\bhere (?:is|are)\b",
        r"\bas (?:shown|described|outlined) (?:above|below)\b",
    )
]


def is_meta(sentence: str) -> bool:
    """Whether ``sentence`` talks about the report, the section or the task."""
    return any(pattern.search(sentence) for pattern in META_PATTERNS)


FULL_BRIEF = Brief(
    {
        "brand": "Glow Botanicals",
        "industry": "Clean beauty",
        "audience": "Women 25-40 who want simple skincare",
        "goal": "Grow online sales 30% in six months",
        "voice": "warm, expert, no jargon",
        "offer": "a free travel-size serum with every first order",
    }
)
BRAND_ONLY_BRIEF = Brief({"brand": "Northwind"})
EMPTY_BRIEF = Brief({})
