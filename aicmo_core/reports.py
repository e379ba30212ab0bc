"""Whole reports: a new report for a pack from a brief, and naming a report's pack in its front matter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from io import StringIO

from ruamel.yaml import YAML

from aicmo_core.benchmarks.models import Pack
from aicmo_core.document.model import ParsedDocument, section_text
from aicmo_core.enforce import Outcome
from aicmo_core.generators.base import Brief, GenerationRequest, Mode, Neighbour
from aicmo_core.rewrite import TextEdit
from aicmo_core.spans import Position, Span


def new_report_requests(pack: Pack, brief_data: Mapping[str, object], *, mdx: bool = False) -> list[GenerationRequest]:
    """One ``regenerate`` request per section of ``pack``, in pack order, with the brief."""
    brief = Brief.from_front_matter(brief_data)
    sections = pack.sections
    return [
        GenerationRequest(
            pack=pack,
            section=section,
            mode=Mode.REGENERATE,
            brief=brief,
            before=Neighbour(sections[n - 1].id, sections[n - 1].label, "") if n else None,
            after=Neighbour(sections[n + 1].id, sections[n + 1].label, "") if n + 1 < len(sections) else None,
            mdx=mdx,
        )
        for n, section in enumerate(sections)
    ]


def front_matter_text(pack_key: str, brief_data: Mapping[str, object]) -> str:
    """``---`` front matter naming the pack first, then the brief's fields in their order."""
    yaml = YAML()  # round-trip mode keeps the order
    yaml.default_flow_style = False
    buffer = StringIO()
    yaml.dump({"pack": pack_key, **{k: v for k, v in brief_data.items() if k != "pack"}}, buffer)
    return f"---\n{buffer.getvalue()}---\n"


def compose_report(pack: Pack, brief_data: Mapping[str, object], outcomes: Sequence[Outcome]) -> str:
    """Front matter, a title and each section's heading with its generated body (empty when none)."""
    brief = Brief.from_front_matter(brief_data)
    title = str(brief_data.get("title") or f"{brief.brand}: {pack.label}")
    parts = [front_matter_text(pack.key, brief_data), f"\n# {title}\n"]
    for section, outcome in zip(pack.sections, outcomes, strict=True):
        parts.append("\n" + section_text(section.label, outcome.body or "", level=2))
    return "".join(parts)


def set_pack_edit(doc: ParsedDocument, pack_key: str) -> TextEdit:
    """The edit that makes ``doc``'s front matter name ``pack_key``: its ``pack:`` line replaced,
    else a ``pack:`` line added to the front matter, else new front matter at the top."""
    front = doc.front_matter
    if front is None:
        start = Position(0, 0)
        return TextEdit(Span(start, start), f"---\npack: {pack_key}\n---\n\n")
    for line in range(1, front.end_line - 1):
        if doc.index.line_text(line).startswith("pack:"):
            return TextEdit(doc.index.line_span(line), f"pack: {pack_key}")
    start = Position(1, 0)
    return TextEdit(Span(start, start), f"pack: {pack_key}\n")
