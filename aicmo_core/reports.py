"""Whole reports: a new report for a pack from a brief."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from io import StringIO

from aicmo_core.benchmarks.models import Pack
from aicmo_core.document.model import section_text
from aicmo_core.enforce import Outcome
from aicmo_core.generators.base import Brief, GenerationRequest, Mode, Neighbour


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
    from ruamel.yaml import YAML  # noqa: PLC0415 (12 ms the language server's start need not pay)

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
