"""Small pieces several rules share: bounds and counts in words."""

from __future__ import annotations


def bound_text(low: int, high: int | None, unit: str = "") -> str:
    """``"280-400"`` or ``"at least 5"``, for messages."""
    suffix = f" {unit}" if unit else ""
    return f"{low}-{high}{suffix}" if high is not None else f"at least {low}{suffix}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
