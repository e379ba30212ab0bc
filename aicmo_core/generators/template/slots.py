"""The brief made safe to write: its values cleaned and put in pattern slots.

Values are written as the brief gives them. Only a generic first word may be written in lower case
inside a sentence ("Busy parents" -> "busy parents", "Grow sales" -> "grow sales"), and only when
``brief.yaml`` lists it among the words that are no proper nouns: "Portland professionals", "SaaS
founders" and "Lisbon cafés" keep their capitals. A value that holds a forbidden phrase, markup or a
placeholder ("TBD") is left out. What a short brief leaves out is completed from its industry
(``brief.yaml``): channels, an audience, what the client sells, a goal and a tone, so a brief of a
brand and an industry still gets a plan about that industry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from aicmo_core.document.text import count_words
from aicmo_core.generators.base import Brief
from aicmo_core.generators.template.data import Writing
from aicmo_core.generators.template.patterns import MARKUP_RE, PLACEHOLDER_RE

# Where an audience's head noun phrase ends: "Portland professionals | aged 25-45 who ...".
_AUDIENCE_CUT_RE = re.compile(
    r"\s+(?:who|that|with|aged|in|at|across|from|near|living|working|looking|seeking|whose|between|on|for)\s"
    r"|\s*[(;:—–]\s*|\s+-\s+"
)
# Where a goal's aim ends: "Book 120 qualified demos | in Q3".
_GOAL_CUT_RE = re.compile(r"\s+(?:by|in|within|before|over|during|across|through|per)\s|\s*[,;(]\s*")
# Where an industry's name ends: "B2B SaaS | for accounts-payable automation".
_INDUSTRY_CUT_RE = re.compile(r"\s+(?:for|with|in|serving|focused|specialising|specializing)\s|\s*[(;:—–,]\s*|\s+-\s+")
_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")  # HTML or JSX tags in a brief value: the words stay
_FIRST_WORD_RE = re.compile(r"^([A-Z][a-z'’-]*)(?=[\s,]|$)")


@dataclass(frozen=True, slots=True)
class BriefSlots:
    """Brief values ready for patterns: cleaned, completed from the industry where the brief is short."""

    values: Mapping[str, str]  # slot -> text; a slot that is absent skips its patterns
    known: frozenset[str]  # brief fields that had a usable value
    channels: tuple[str, ...]  # the brief's channels, else the industry's usual ones
    channels_given: bool
    competitors: tuple[str, ...]
    as_given: tuple[str, ...]  # values written as given that start in lower case (a brand like "café x")


def mid_sentence(text: str, lowercase_words: frozenset[str]) -> str:
    """``text`` as written inside a sentence: its first word in lower case only when that word is a
    listed generic word capitalised because it starts the value ("Busy parents"); otherwise as given."""
    found = _FIRST_WORD_RE.match(text)
    if found is None or found.group(1).lower() not in lowercase_words:
        return text
    later = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text[found.end() :]) if len(w) > 3]
    if later and sum(1 for w in later if w[0].isupper() and w[1:].islower()) * 2 > len(later):
        return text  # a name in title case ("Fitness & Wellness"): written as given
    return text[0].lower() + text[1:]


def join_list(items: Sequence[str]) -> str:
    """``"a, b and c"``."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _camel(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[^\W_]+", text))


def _short(text: str, cut: re.Pattern[str], limit: int) -> str:
    """The head of ``text`` up to the first cut that leaves two words or more ("Adults aged 28-50 |
    in South East England"), or ``text`` when that head is still longer than ``limit`` words."""
    for found in cut.finditer(text):
        head = text[: found.start()].strip(" ,")
        if count_words(head) >= 2 or (head and head.lower() not in _VAGUE_HEADS):
            return head if count_words(head) <= limit else text
    return text


_VAGUE_HEADS = frozenset({"people", "adults", "those", "anyone", "customers", "users", "buyers", "individuals"})


def short_brand(brand: str, suffixes: frozenset[str]) -> str:
    """``"Hearth & Hollow Bakery"`` -> ``"Hearth & Hollow"``: the name without one trailing generic
    word, when what is left still names something ("The Coffee Co" stays as it is)."""
    words = brand.split()
    if len(words) < 2 or words[-1].lower() not in suffixes:
        return brand
    words.pop()
    while words and words[-1] in ("&", "and", "+", "-"):
        words.pop()
    telling = [w for w in words if w.lower() not in ("the", "a", "an", "&", "and") and w.lower() not in suffixes]
    return " ".join(words) if telling else brand


def gerund(verb: str) -> str:
    """``"grow"`` -> ``"growing"``, ``"make"`` -> ``"making"``, ``"get"`` -> ``"getting"``."""
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and len(verb) > 2:
        return verb[:-1] + "ing"
    if re.fullmatch(r"[^aeiou]?[^aeiou][aeiou][^aeiouwxy]", verb) and len(verb) <= 4 and verb not in _NO_DOUBLING:
        return verb + verb[-1] + "ing"
    return verb + "ing"


_NO_DOUBLING = frozenset({"open", "own", "gain", "sign", "lead", "reach", "keep", "earn", "add"})


def goal_forms(goal: str, writing: Writing) -> tuple[str, str]:
    """The goal as a verb phrase (``"grow sales 30% by June"``: "to grow ...") and, shortened, as a
    noun phrase (``"growing sales 30%"``: "progress on growing ..."). A goal that starts with no
    listed verb ("200 members by June") is reached: ``"reach 200 members by June"``."""
    first, _, rest = goal.partition(" ")
    verb = first.lower()
    if verb not in writing.brief.goal_verbs:
        verb, rest = "reach", goal
    full = f"{verb} {rest}".strip() if verb != first.lower() else goal
    short = _short(rest, _GOAL_CUT_RE, 9) if rest else ""
    return full, f"{gerund(verb)} {short}".strip()


def _cleaner(allowed: Callable[[str], bool]) -> Callable[[str], str]:
    def clean(value: str) -> str:
        text = " ".join(MARKUP_RE.sub(" ", _TAG_RE.sub(" ", value)).split()).strip(" ,;:-–—").rstrip(".")
        if not text or PLACEHOLDER_RE.search(text) or not allowed(text):
            return ""
        return text

    return clean


def build_slots(brief: Brief, allowed: Callable[[str], bool], writing: Writing) -> BriefSlots:
    clean = _cleaner(allowed)
    lower = writing.brief.lowercase_words
    given = {key: clean(brief.get(key)) for key in ("brand", "industry", "audience", "goal", "voice")}
    given["brand"] = given["brand"] or clean(brief.get("client"))
    extras = {key: clean(brief.get(key)) for key in ("product", "offer", "market", "timeline", "budget")}
    known = frozenset(key for key, value in {**given, **extras}.items() if value)
    industry = writing.industry_for(given["industry"])

    audience_full = mid_sentence(given["audience"], lower) if given["audience"] else industry.audience
    goal_full, goal = goal_forms(mid_sentence(given["goal"], lower) if given["goal"] else industry.goal, writing)
    values: dict[str, str] = {
        "brand": given["brand"] or "the brand",
        "audience_full": audience_full,
        "audience": _short(audience_full, _AUDIENCE_CUT_RE, 7),
        "goal_full": goal_full,
        "goal": goal,
        "voice": mid_sentence(given["voice"], lower) if given["voice"] else industry.voice,
        "offering": industry.offering,
        "purchase": industry.purchase,
        "people": industry.people,
    }
    if given["goal"]:
        values["goal_given"] = given["goal"]
    if given["industry"]:
        values["industry_full"] = given["industry"]
        values["industry"] = _short(mid_sentence(given["industry"], lower), _INDUSTRY_CUT_RE, 5)
        values["industry_tag"] = "#" + _camel(given["industry"])
    for key, value in extras.items():
        if value:
            values[key] = mid_sentence(value, lower) if key in ("offer", "timeline") else value
    if extras["product"]:
        values["product_short"] = extras["product"].split(",")[0].strip()
        values["offering"] = values["product_short"]
    if given["brand"]:
        values["brand_full"] = given["brand"]
        values["brand_short"] = short_brand(given["brand"], writing.brief.brand_suffixes)
        values["brand_tag"] = "#" + _camel(given["brand"])
        values["campaign_tag"] = "#" + _camel(given["brand"]) + "Moments"
    elif given["industry"]:
        values["campaign_tag"] = "#" + _camel(given["industry"]) + "Moments"

    channels = tuple(c for c in (clean(item) for item in brief.items("channels")) if c)
    channels_given = bool(channels)
    if not channels:
        channels = tuple(c for c in industry.channels if allowed(c))
    for number, channel in enumerate(channels[:3], start=1):
        values[f"channel_{number}"] = channel
    if channels:
        values["channels"] = join_list(channels)
    competitors = tuple(c for c in (clean(item) for item in brief.items("competitors")) if c)
    if competitors:
        values["competitors"] = join_list(competitors)
        values["competitor_1"] = competitors[0]
    named = (given["brand"], given["brand"].rstrip(" .,!?-–—&+*☕✨🍵😊"), *competitors)
    as_given = tuple(v for v in named if v and v[:1].islower())
    return BriefSlots(values, known, channels, channels_given, competitors, as_given)
