"""The brief made safe to write: cleaned values in template slots, wording for what the brief leaves
out, and filling a template from those slots."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from aicmo_core.document.text import count_words
from aicmo_core.generators.base import Brief
from aicmo_core.generators.template.patterns import MARKUP_RE, PLACEHOLDER_RE


@dataclass(frozen=True, slots=True)
class Facts:
    """Brief values ready for templates: cleaned, with wording for what the brief does not say."""

    slots: Mapping[str, str]  # template slot -> text; a slot that is absent skips its template
    known: frozenset[str]  # brief fields that had a usable value


def lower_first(text: str) -> str:
    """``"Busy parents"`` -> ``"busy parents"``, but ``"SaaS founders"`` and ``"London"``-like single
    proper nouns stay as written when the first word has capitals inside."""
    first, _, rest = text.partition(" ")
    if len(first) > 1 and first[0].isupper() and first[1:].islower() and rest:
        return first[0].lower() + first[1:] + " " + rest
    return text


def as_topic(heading: str) -> str:
    """A heading as a noun phrase inside a sentence: ``"Offers & Hooks"`` -> ``"offers and hooks"``."""
    words = re.sub(r"\s*\([^)]*\)", "", heading).replace("&", " and ").replace("+", " and ").split()
    out = []
    for word in words:
        parts = word.strip(":;").split("-")
        parts = [p[0].lower() + p[1:] if len(p) > 1 and p[0].isupper() and p[1:].islower() else p for p in parts]
        out.append("-".join(parts))
    return " ".join(w for w in out if w)


def _camel(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[^\W_]+", text))


def build_facts(brief: Brief, allowed: Callable[[str], bool]) -> Facts:
    def clean(key: str) -> str:
        text = " ".join(MARKUP_RE.sub(" ", brief.get(key)).split()).strip(" ,;:-–—")
        text = text.rstrip(".")
        if not text or PLACEHOLDER_RE.search(text) or not allowed(text):
            return ""
        return text

    values = {key: clean(key) for key in ("brand", "industry", "audience", "goal", "voice")}
    values["brand"] = values["brand"] or clean("client")
    extras = {key: clean(key) for key in ("product", "offer", "market", "timeline")}
    known = frozenset(key for key, value in {**values, **extras}.items() if value)

    brand = values["brand"] or "the client"
    audience_full = lower_first(values["audience"]) if values["audience"] else "current and prospective customers"
    audience = audience_full if count_words(audience_full) <= 8 else "this audience"
    goal_full = values["goal"] or "steady, measurable growth"
    goal_full = goal_full[0].lower() + goal_full[1:] if goal_full[:2].istitle() else goal_full
    goal = goal_full if count_words(goal_full) <= 8 else "the primary goal"
    industry = lower_first(values["industry"])
    slots: dict[str, str] = {
        "brand": brand,
        "audience": audience,
        "audience_full": audience_full,
        "goal": goal,
        "goal_full": goal_full,
        "industry_in": f"in {industry}" if industry else "in this market",
        "voice": lower_first(values["voice"]) if values["voice"] else "clear and warm",
    }
    if industry:
        slots["industry"] = values["industry"]
        slots["industry_tag"] = "#" + _camel(industry)
    if values["brand"]:
        slots["brand_tag"] = "#" + _camel(brand)
        slots["campaign_tag"] = "#" + _camel(brand) + "Moments"
    elif industry:
        slots["campaign_tag"] = "#" + _camel(industry) + "Moments"
    slots.update({key: value for key, value in extras.items() if value})
    return Facts(slots, known)


class _Slots(dict[str, str]):
    def __missing__(self, key: str) -> str:
        raise KeyError(key)


def fill_template(template: str, slots: Mapping[str, str]) -> str | None:
    try:
        return template.format_map(_Slots(slots))
    except KeyError:
        return None
