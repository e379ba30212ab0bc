"""The client's brief: from the report's front matter, completed from the report itself.

Front matter is the brief's first source (``brand``, ``industry``, ``audience``, ``goal``, ...;
lists such as ``channels`` and ``competitors`` as YAML lists or text with commas). A report without
it usually states the brief anyway: label lines (``**Brand:** Kettle & Crumb``, ``Primary Goal:
grow pre-orders to 450 a week``, ``Channels: Instagram, TikTok``) and a title naming the client
(``# Quick Social Pack: Kettle & Crumb, March``). :func:`report_brief` reads those for the fields
front matter lacks; front matter always wins.

:func:`prompt_brief` is what a model is told: only the fields of an allow-list
(:data:`aicmo_core.generators.defaults.BRIEF_FIELDS` unless configured), so front-matter keys that
are not about the client (tracking ids, internal notes) never leave the machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from aicmo_core.document.model import ParsedDocument
from aicmo_core.generators.base import Brief

# A label in the report -> the brief field it states.
LABELS: Mapping[str, str] = {
    "brand": "brand",
    "client": "brand",
    "company": "brand",
    "business": "brand",
    "industry": "industry",
    "category": "industry",
    "sector": "industry",
    "primary goal": "goal",
    "goal": "goal",
    "main goal": "goal",
    "objective": "goal",
    "primary objective": "goal",
    "audience": "audience",
    "target audience": "audience",
    "primary audience": "audience",
    "voice": "voice",
    "tone": "voice",
    "tone of voice": "voice",
    "product": "product",
    "products": "product",
    "offer": "offer",
    "market": "market",
    "markets": "market",
    "region": "market",
    "launch region": "market",
    "location": "market",
    "timeline": "timeline",
    "launch date": "timeline",
    "budget": "budget",
    "channels": "channels",
    "platforms": "channels",
    "competitors": "competitors",
    "key competitors": "competitors",
}
LIST_FIELDS = frozenset({"channels", "competitors"})
_LABEL_LINE_RE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?([A-Za-z][A-Za-z ()]{1,30}?)(?:\s*\(s\))?(?:\*\*|__)?"
    r"\s*:\s*(?:\*\*|__)?\s*(\S[^\n]{0,300}?)\s*$"
)
_TITLE_SEPARATORS_RE = re.compile(r"\s+[–—|-]\s+|:\s+")
_TITLE_NOISE_RE = re.compile(
    r"\b(?:pack|report|plan|strategy|campaign|audit|suite|lab|proposal|playbook|deck|brief)\b", re.IGNORECASE
)
_TRAILING_DATE_RE = re.compile(
    r",\s*(?:q[1-4]|january|february|march|april|may|june|july|august|september|october|november|december|\d{4})"
    r"[\w ]*$",
    re.IGNORECASE,
)


def _clean(value: str) -> str:
    return " ".join(re.sub(r"[*_`]", "", value).split()).rstrip(".")


def _label_lines(doc: ParsedDocument) -> Iterable[tuple[str, str]]:
    for line in doc.pre.masked.split("\n"):
        found = _LABEL_LINE_RE.match(line)
        if found:
            label = " ".join(found.group(1).lower().replace("(s)", "").split())
            if label in LABELS:
                yield LABELS[label], _clean(found.group(2))


def _title_brand(doc: ParsedDocument) -> str | None:
    """The client named in the report's title: the part of it that is not the report's kind."""
    title = next((h.title for h in doc.headings if h.level == 1), None)
    if title is None:
        return None
    parts = [part.strip() for part in _TITLE_SEPARATORS_RE.split(title) if part.strip()]
    named = [_TRAILING_DATE_RE.sub("", part).strip() for part in parts if not _TITLE_NOISE_RE.search(part)]
    named = [part for part in named if part and len(part.split()) <= 6]
    return named[0] if len(parts) > 1 and named else None


def report_brief(doc: ParsedDocument) -> Brief:
    """The brief as front matter gives it, completed from the report's label lines and title."""
    front = Brief.from_front_matter(doc.front_matter.data if doc.front_matter is not None else {})
    fields: dict[str, str] = {}
    lists: dict[str, tuple[str, ...]] = {}
    for field, value in _label_lines(doc):
        if field in LIST_FIELDS:
            lists.setdefault(field, Brief({field: value}).items(field))
        elif value and len(value.split()) <= 40:
            fields.setdefault(field, value)
    if "brand" not in fields:
        brand = _title_brand(doc)
        if brand:
            fields["brand"] = brand
    if fields.get("brand"):
        fields["brand"] = fields["brand"].split(",")[0].split(" (")[0].strip()
    return front.merged(Brief(fields, lists))


def prompt_brief(brief: Brief, allowed: Iterable[str]) -> Brief:
    """Only the allowed fields of ``brief``: what a model may be told."""
    keep = {name.lower() for name in allowed}
    return Brief(
        {k: v for k, v in brief.fields.items() if k in keep}, {k: v for k, v in brief.lists.items() if k in keep}
    )
