"""A section body under construction: groups of (sub-heading, labels, paragraphs, bullets, table),
how a group is written out as Markdown, and which sentences suit a sub-heading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from aicmo_core.document.text import normalize_heading
from aicmo_core.generators.template.facts import as_topic
from aicmo_core.generators.template.vocabulary import FIELD_HEADINGS, SERIES_RE, STEP_WORDS


@dataclass(slots=True)
class Group:
    """One part of the body: the text under a sub-heading, or before the first one."""

    heading: str | None  # None: the text before the first sub-heading
    topic: str
    flavour: str  # "intro", "step" (Week 2), "field:<brief field>" (Primary Goal) or "topic"
    labels: list[str] = field(default_factory=list)
    paragraphs: list[list[str]] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # header row first

    def blocks(self, sub_heading: str) -> list[str]:
        out: list[str] = []
        if self.heading is not None:
            out.append(f"{sub_heading} {self.heading}")
        out.extend(self.labels)
        paragraphs = [" ".join(p) for p in self.paragraphs if p]
        if paragraphs:
            out.append(paragraphs[0])
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


def group_for(heading: str) -> Group:
    """A sub-heading's group: its topic in a sentence and which sentences suit it. A named step
    ("Week 1: Foundations") is about its number ("week 1")."""
    head, _, name = heading.partition(":")
    series = SERIES_RE.match(normalize_heading(head))
    if series and series.group(1) in STEP_WORDS:
        return Group(heading, as_topic(head), "step")
    if series and name.strip():
        return Group(heading, as_topic(name.strip()).lower(), "topic")
    field_name = FIELD_HEADINGS.get(normalize_heading(heading))
    return Group(heading, as_topic(heading), f"field:{field_name}" if field_name else "topic")
