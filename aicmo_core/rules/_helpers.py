"""Small pieces several rules share: bounds and counts in words."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from aicmo_core.findings import Finding
from aicmo_core.rules.registry import HoverRow, Measure, NoteFn


def bound_text(low: int, high: int | None, unit: str = "") -> str:
    """``"280-400"`` or ``"at least 5"``, for messages."""
    suffix = f" {unit}" if unit else ""
    return f"{low}-{high}{suffix}" if high is not None else f"at least {low}{suffix}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def hover_bound(low: float, high: float | None) -> str:
    """``"280-400"`` or ``"at least 2"``, for the hover table."""
    return f"at least {low:g}" if high is None else f"{low:g}-{high:g}"


def within(value: float, low: float, high: float | None) -> bool:
    return value >= low and (high is None or value <= high)


def range_row(label: str, value: int, low: int, high: int | None, name: str | None = None) -> HoverRow:
    """The hover row of a counted measure and its range (the ``min_`` rule's: its ``max_`` twin has
    none of its own). ``name`` is the measure's ``SectionMetrics`` field when it differs from ``label``."""
    measure = Measure(name or label, value, low, high)
    return HoverRow(label, str(value), hover_bound(low, high), within(value, low, high), measure)


def bound_note(label: str, shown: Callable[[float], str] = "{:g}".format, unit: str = "") -> NoteFn:
    """The note of a rule that bounds a measure: ``"words 212 (min 280)"``, from its finding's
    ``value`` and the ``min`` or ``max`` it breaks (all of a rule's findings share them)."""

    def note(findings: Sequence[Finding]) -> str | None:
        data = findings[0].data
        value, low, high = data.get("value"), data.get("min"), data.get("max")
        if value is not None and low is not None and value < low:
            broken = f"min {shown(low)}"
        elif value is not None and high is not None:
            broken = f"max {shown(high)}"
        else:
            return None
        return f"{label} {shown(value)}{unit} ({broken})"

    return note


def names_note(one: str, many: str, key: str) -> NoteFn:
    """The note of a rule whose findings each name something (``data[key]``): ``"missing
    sub-heading 'Goal'"``, ``"missing sub-headings 'Goal', 'Budget'"``, each name once."""

    def note(findings: Sequence[Finding]) -> str:
        names = list(dict.fromkeys(f"'{f.data.get(key)}'" for f in findings))
        return f"{one if len(names) == 1 else many} {', '.join(names)}"

    return note


def prompt_range(low: int, high: int | None, noun: str = "") -> str:
    """A bound as a model is told it: ``"between 200 and 1200 words"``, ``"at most 5"``, ``"none"``."""
    suffix = f" {noun}" if noun else ""
    if high == 0:
        return "none"
    if high is None:
        return f"at least {low}{suffix}"
    if low == high:
        return f"exactly {low}{suffix}"
    if low == 0:
        return f"at most {high}{suffix}"
    return f"between {low} and {high}{suffix}"


def quoted(items: Iterable[str]) -> str:
    """``"a", "b"``: phrases for a prompt, each in double quotes."""
    return ", ".join(f'"{item}"' for item in items)
