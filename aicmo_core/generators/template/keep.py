"""The writer's facts, kept when a section is written anew (``regenerate``) or edited (``fix``).

A fact lives in a line of the writer's text: a label line (``**Category:** Organic Skincare``), or a
sentence, list item or table holding a number, a date, a name or a link
(:mod:`aicmo_core.writer_facts`). ``regenerate`` keeps those lines as the writer wrote them: label
lines as ``**Label:** value`` lines (first, or under the new sub-heading they name), sentences as a
paragraph and list items as bullets under the new sub-heading most like the one they were under,
tables whole. A line holding a forbidden phrase or a placeholder is not kept: a stand-in for the
brand ("your business") is replaced by the brand's name, else only the clause holding the fact is
kept, in a "What we know" line, which also takes any fact no line carries. Only the request's facts
are kept; ``scratch`` has none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from aicmo_core.document.preprocess import preprocess
from aicmo_core.document.text import normalize_heading, sentence_bounds
from aicmo_core.generators.template.patterns import BRAND_STAND_IN_RE, HEADING_RE, LIST_MARKER_RE
from aicmo_core.generators.template.writer import Writer
from aicmo_core.rules.placeholder import PLACEHOLDER_RE
from aicmo_core.writer_facts import LABEL_RE, Fact, missing_facts

_CLAUSE_SPLIT_RE = re.compile(r"\s*(?:[,;:()]|—|–|\s-\s)\s*")


@dataclass(slots=True)
class KeptLine:
    text: str  # as it will be written: a label line, a sentence, a list item's text or a table
    kind: str  # "label", "sentence", "bullet" or "table"
    heading: str  # the writer's sub-heading above it, normalised ("" before the first)


@dataclass(slots=True)
class Kept:
    """The writer's lines a new text keeps, and the facts no kept line carries."""

    lines: list[KeptLine] = field(default_factory=list)
    known: dict[str, str] = field(default_factory=dict)  # fact key -> its clause, for "What we know"

    @property
    def labels(self) -> list[KeptLine]:
        return [line for line in self.lines if line.kind == "label"]


def _fixed(writer: Writer, text: str) -> str | None:
    """``text`` fit to keep: a brand stand-in replaced by the brand's name; None when it holds
    another forbidden phrase or a placeholder."""
    if PLACEHOLDER_RE.search(text):
        return None
    if writer.allowed(text):
        return text
    brand = writer.brief.values["brand"] if "brand" in writer.brief.known else None
    for phrase in writer.section.forbidden_substrings:
        if brand and BRAND_STAND_IN_RE.match(phrase.strip()):
            text = re.sub(re.escape(phrase), brand, text, flags=re.IGNORECASE)
    return text if writer.allowed(text) else None


def _clause(text: str, fact: Fact) -> str:
    """The part of ``text`` between punctuation that holds ``fact``, else the fact as written."""
    for part in _CLAUSE_SPLIT_RE.split(text):
        if part and not missing_facts([fact], part) and len(part.split()) <= 14:
            return part.strip(" .*_")
    return fact.text


class _Reader:
    """Walks the writer's lines and takes what carries facts still to keep."""

    def __init__(self, writer: Writer, facts: Sequence[Fact]) -> None:
        self.writer = writer
        self.left = list(facts)
        self.kept = Kept()

    def carried(self, text: str) -> list[Fact]:
        missing = missing_facts(self.left, text)
        return [fact for fact in self.left if fact not in missing]

    def take(self, text: str, kind: str, heading: str, carried: list[Fact]) -> None:
        fixed = _fixed(self.writer, text)
        if fixed is None or missing_facts(carried, fixed):
            for fact in carried:
                clause = _clause(text, fact)
                self.kept.known[fact.key] = clause if self.writer.allowed(clause) else fact.text
        else:
            self.kept.lines.append(KeptLine(fixed, kind, heading))
        self.left = [fact for fact in self.left if fact not in carried]

    def table(self, rows: list[str], heading: str) -> None:
        carried = self.carried("\n".join(rows))
        if carried:
            self.take("\n".join(rows), "table", heading, carried)

    def line(self, line: str, heading: str) -> None:
        label = LABEL_RE.match(line)
        marker = LIST_MARKER_RE.match(line)
        # A short "Label: value" is a fact sheet line; a list item with a longer value stays a list item.
        short = 8 if marker else 12
        if label and len(label.group(1).split()) <= 5 and len(label.group(2).split()) <= short:
            text = f"**{label.group(1).strip()}:** {label.group(2).strip()}"
            carried = self.carried(text)
            if carried:
                self.take(text, "label", heading, carried)
                return
        if marker:
            text = line[marker.end() :].strip()
            carried = self.carried(text)
            if carried:
                self.take(text, "bullet", heading, carried)
            return
        for start, end in sentence_bounds(line):
            sentence = line[start:end].strip()
            carried = self.carried(sentence)
            if carried:
                self.take(sentence, "sentence", heading, carried)


def kept_lines(writer: Writer, body: str, facts: Sequence[Fact]) -> Kept:
    """The lines of ``body`` that carry ``facts``, ready to write (see the module docstring)."""
    if not facts:
        return Kept()
    reader = _Reader(writer, facts)
    heading = ""
    table: list[str] = []
    for line in preprocess(body, mdx=writer.request.mdx).masked.split("\n"):
        stripped = line.strip()
        if table and not stripped.startswith("|"):
            reader.table(table, heading)
            table = []
        found = HEADING_RE.match(line)
        if found:
            heading = normalize_heading(found.group(2))
        elif stripped.startswith("|"):
            table.append(stripped)
        elif stripped:
            reader.line(stripped, heading)
    if table:
        reader.table(table, heading)
    reader.kept.known.update((fact.key, fact.text) for fact in reader.left)
    return reader.kept


def known_line(writer: Writer, body: str, kept: Kept) -> str | None:
    """``**What we know:** 13,200 followers; 410 to 510 orders``: the facts of the request ``body``
    does not carry, each in its clause of the writer's text; None when it carries them all."""
    lost = missing_facts(list(writer.request.facts), body)
    items = list(dict.fromkeys(kept.known.get(fact.key, fact.text) for fact in lost))
    if not items:
        return None
    return writer.use(f"**{writer.data.shared.known_label}:** " + "; ".join(items).rstrip(".") + ".")
