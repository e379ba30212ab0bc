"""A section body under construction: groups of (sub-heading, labels, paragraphs, bullets, table),
how a group is written out as Markdown, and what a sub-heading is about."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from aicmo_core.document.text import normalize_heading
from aicmo_core.generators.template.data import Kind, Topic, Writing

# A numbered series of sub-headings; the steps of a plan ("Week 2") get their own sentences, the
# others ("Bucket 2") are named after a theme and written about as that theme.
SERIES_RE = re.compile(r"^(week|phase|step|stage|month|sprint|wave|bucket|pillar)\s+(\d+)$")
STEP_WORDS = frozenset({"week", "phase", "step", "stage", "month", "sprint", "wave"})


@dataclass(slots=True)
class Group:
    """One part of the body: the text under a sub-heading, or before the first one."""

    heading: str | None  # None: the text before the first sub-heading
    topic: str
    flavour: str  # "intro", "step" (Week 2) or "topic"
    topic_data: Topic | None = None  # what the words say about this sub-heading
    labels: list[str] = field(default_factory=list)
    paragraphs: list[list[str]] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # header row first
    kept: list[str] = field(default_factory=list)  # the writer's lines kept for their facts
    fixed_bullets: int = 0  # the first bullets are the writer's, kept for their facts

    def blocks(self, sub_heading: str) -> list[str]:
        out: list[str] = []
        if self.heading is not None:
            out.append(f"{sub_heading} {self.heading}")
        out.extend(self.labels)
        paragraphs = [" ".join(p) for p in self.paragraphs if p]
        if paragraphs:
            out.append(paragraphs[0])
        out.extend(self.kept)
        if self.table:
            out.append(_render_table(self.table))
        if self.bullets:
            out.append("\n".join(f"- {item}" for item in self.bullets))
        out.extend(paragraphs[1:])
        return out


def _render_table(rows: Sequence[Sequence[str]]) -> str:
    header, *body = rows
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines.extend("| " + " | ".join(row) + " |" for row in body)
    return "\n".join(lines)


def as_topic(heading: str) -> str:
    """A heading as a noun phrase inside a sentence: ``"Offers & Hooks"`` -> ``"offers and hooks"``."""
    words = re.sub(r"\s*\([^)]*\)", "", heading).replace("&", " and ").replace("+", " and ").split()
    out = []
    for word in words:
        parts = word.strip(":;").split("-")
        parts = [p[0].lower() + p[1:] if len(p) > 1 and p[0].isupper() and p[1:].islower() else p for p in parts]
        out.append("-".join(parts))
    return " ".join(w for w in out if w)


def group_for(writing: Writing, kind: Kind, heading: str) -> Group:
    """A sub-heading's group: its topic in a sentence and what the words say about it. A named step
    ("Week 1: Foundations") is about its number ("week 1")."""
    head, _, name = heading.partition(":")
    series = SERIES_RE.match(normalize_heading(head))
    if series and series.group(1) in STEP_WORDS:
        return Group(heading, as_topic(head), "step", writing.topic_for(kind, name) if name.strip() else None)
    if series and name.strip():
        return Group(heading, as_topic(name.strip()).lower(), "topic", writing.topic_for(kind, name))
    return Group(heading, as_topic(heading), "topic", writing.topic_for(kind, heading))
