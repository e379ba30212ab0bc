"""Edits to a report's text, in the core's positions (0-based lines, UTF-16 columns).

The language server turns them into ``WorkspaceEdit`` objects; the CLI applies them with
:func:`apply_edits`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aicmo_core.findings import Finding
from aicmo_core.spans import LineIndex, Span


@dataclass(frozen=True, slots=True)
class TextEdit:
    span: Span
    new_text: str


@dataclass(frozen=True, slots=True)
class QuickFix:
    """A fix that needs no model: its edits, and the finding it answers. A fix that is one choice
    among several (which section a heading is) is never part of "fix all"."""

    title: str
    edits: tuple[TextEdit, ...]
    finding: Finding
    section_id: str | None
    in_fix_all: bool = True


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """``text`` with non-overlapping edits applied (positions refer to the original text)."""
    index = LineIndex(text)
    ordered: Sequence[TextEdit] = sorted(edits, key=lambda e: (e.span.start, e.span.end), reverse=True)
    for edit in ordered:
        start = index.offset(edit.span.start)
        end = index.offset(edit.span.end)
        text = text[:start] + edit.new_text + text[end:]
    return text
