"""Small pieces several rules share: bounds in words and phrase patterns."""

from __future__ import annotations

import re
from functools import lru_cache


def bound_text(low: int, high: int | None, unit: str = "") -> str:
    """``"280-400"`` or ``"at least 5"``, for messages."""
    suffix = f" {unit}" if unit else ""
    return f"{low}-{high}{suffix}" if high is not None else f"at least {low}{suffix}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@lru_cache(maxsize=1024)
def phrase_pattern(phrase: str, whole_words: bool) -> re.Pattern[str]:
    """A case-insensitive pattern for a phrase: any whitespace or emphasis between its words, and,
    with ``whole_words``, no letter or digit glued to its ends ("none" does not match "nonetheless")."""
    words = [re.escape(word) for word in phrase.split()]
    body = r"[\s*_~]+".join(words)
    if whole_words:
        if re.match(r"\w", phrase):
            body = r"(?<!\w)" + body
        if re.search(r"\w$", phrase):
            body = body + r"(?!\w)"
    return re.compile(body, re.IGNORECASE)
