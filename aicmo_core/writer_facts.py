"""The writer's facts: what a section says that generated text must keep.

Before a section that has text is rewritten, its facts are read from it: label lines
(``Category: Organic Skincare``, ``**Launch Region(s):** Mumbai, India``), numbers with what they
count (``22%``, ``$12,000``, ``310 to 450 a week``), dates (``March 2026``, ``Q3``, ``1-6 April``),
names (``Chapel Allerton``, ``TikTok``) and links. Generators get them as "facts to keep"; a
candidate that drops one is rejected (:func:`missing_facts`), so a rewrite never loses what the
writer knew and the model did not.

A fact is kept when its telling part appears in the candidate: a label line's value, a number's
digits (``1,500`` and ``1500`` are one number), a date's words, a name, a link's address. Case and
white space do not matter; a name must not be part of a longer word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aicmo_core.document.preprocess import preprocess

# A label line: "Category: Organic Skincare", "- **Launch Region(s):** Mumbai, India".
LABEL_RE = re.compile(
    r"^\s*(?:[-*+]\s+|\d{1,3}[.)]\s+)?(?:\*\*|__)?([A-Z][^:*_\n]{0,40}?)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(\S[^\n]*?)\s*$"
)
_NUMBER_RE = re.compile(
    r"(?<![\w.,])(?:[$£€¥]\s?)?\d{1,3}(?:[,.]\d{3})*(?:[.,]\d+)?(?:\s?(?:%|k|m|bn|x|pp))?(?![\w])|(?<![\w.,])\d+(?:\.\d+)?%",
    re.IGNORECASE,
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_RE = re.compile(
    rf"\b(?:\d{{1,2}}(?:\s?[-–]\s?\d{{1,2}})?\s+(?:{_MONTHS})\b(?:\s+\d{{4}})?|(?:{_MONTHS})\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?\d{{4}}\b|\bQ[1-4](?:\s+\d{{4}})?\b|\b(?:19|20)\d{{2}}\b)",
    re.IGNORECASE,
)
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LINK_RE = re.compile(r"\]\(([^)\s]+)\)|(?<![(\w])(https?://[^\s)>\]]+)")
# A name: capitalised words in a row ("Chapel Allerton", "Kirkgate Market", "Leeds"), or a word with
# a capital inside ("TikTok", "SaaS"); a single capitalised word only where no sentence starts.
_NAME_RE = re.compile(
    r"(?<![\w'’])(?:[A-Z][\w'’&-]*[a-z][\w'’&-]*(?:\s+(?:&\s+|of\s+|de\s+)?[A-Z][\w'’&-]*){0,4}|[A-Za-z]*[a-z][A-Z]\w*)"
)
_SENTENCE_START_RE = re.compile(r"(?:^\s*(?:[-*+>]|\d+[.)])?\s*|[.!?:]\s+|:\s*(?:\*\*|__)\s*|[\"“]\s*)$")
# Capitalised words that start many sentences and are no names.
_NOT_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "our",
        "we",
        "this",
        "these",
        "that",
        "those",
        "it",
        "its",
        "in",
        "on",
        "at",
        "for",
        "to",
        "of",
        "and",
        "or",
        "but",
        "with",
        "by",
        "from",
        "each",
        "every",
        "all",
        "our",
        "your",
        "their",
        "primary",
        "secondary",
        "key",
        "core",
        "goal",
        "brand",
        "industry",
        "audience",
        "week",
        "day",
        "month",
        "phase",
        "step",
        "part",
        "section",
        "",
    ]
)


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing the writer stated: its kind, the text as written, and what must reappear."""

    kind: str  # "label", "number", "date", "name", "link"
    text: str  # as written, for messages and prompts
    key: str  # what a candidate must contain (normalised: see :func:`_normal`)


def _normal(text: str) -> str:
    text = text.replace("’", "'").replace("–", "-").replace("—", "-")
    text = re.sub(r"(?<=\d)[,](?=\d{3}\b)", "", text)  # 1,500 -> 1500
    return " ".join(re.sub(r"[*_`]", "", text).lower().split())


def _prose(body: str, mdx: bool) -> str:
    """The body without what is not prose (comments, code, JSX), columns kept."""
    return preprocess(body, mdx=mdx).masked


def _names(line: str) -> list[str]:
    names = []
    for match in _NAME_RE.finditer(line):
        words = match.group(0).split()
        at_start = _SENTENCE_START_RE.search(line[: match.start()]) is not None
        if at_start and len(words) > 1:  # a sentence's first word is capitalised anyway
            words, at_start = words[1:], False
        while words and words[0].lower() in _NOT_NAMES:
            words = words[1:]
        name = " ".join(words).strip(",&'’- ")
        camel = re.search(r"[a-z][A-Z]", name) is not None
        if len(name) > 2 and (len(words) > 1 or camel or not at_start):
            names.append(name)
    return names


def _in_line(line: str) -> list[tuple[int, str, str]]:
    """(offset, kind, text) of the links, dates, numbers and names of one line."""
    found = [(m.start(), "link", m.group(1) or m.group(2)) for m in _LINK_RE.finditer(line)]
    found += [(m.start(), "date", m.group(0)) for m in _DATE_RE.finditer(line)]
    found += [
        (m.start(), "number", m.group(0)) for m in _NUMBER_RE.finditer(line) if not _DATE_RE.fullmatch(m.group(0))
    ]
    found += [(line.find(name), "name", name) for name in _names(line)]
    return found


def extract_facts(body: str, *, mdx: bool = False) -> list[Fact]:
    """The facts of a section body, in order of appearance, each once."""
    found: dict[str, Fact] = {}

    def add(kind: str, text: str, key: str) -> None:
        key = _normal(key)
        if key and key not in found and len(key) >= 2:
            found[key] = Fact(kind, text.strip(), key)

    fence: str | None = None
    for line in _prose(body, mdx).split("\n"):
        opened = _FENCE_RE.match(line)
        if fence is not None or opened:  # code is no prose: nothing in a fenced block is a fact
            if opened and (fence is None or opened.group(1).startswith(fence)):
                fence = None if fence is not None else opened.group(1)[:3]
            continue
        if not line.strip() or line.lstrip().startswith(("#", "|---", "| ---")):
            continue
        label = LABEL_RE.match(line)
        if label and not label.group(2).startswith("//"):
            value = label.group(2).rstrip(".").strip("*_ ")
            if value and len(value.split()) <= 12:
                add("label", f"{label.group(1).strip()}: {value}", value)
                continue
        for _, kind, text in sorted(_in_line(line)):
            add(kind, text, text)
    facts = list(found.values())
    # "Allerton" says nothing "Chapel Allerton" does not: keep the longer one.
    return [f for f in facts if not any(g is not f and _contains(g.key, f.key) for g in facts)]


def _contains(haystack: str, needle: str) -> bool:
    """``needle`` in ``haystack``, not glued to a longer word or number on either side."""
    return re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", haystack) is not None


def missing_facts(facts: list[Fact], candidate: str) -> list[Fact]:
    """The facts ``candidate`` does not keep (see the module docstring)."""
    text = _normal(candidate)
    return [fact for fact in facts if not _contains(text, fact.key)]
