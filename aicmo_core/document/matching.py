"""Which pack section a heading names.

Order of evidence, strongest first:

1. an explicit ``<!-- aicmo:section ID -->`` comment just above the heading;
2. an exact match of the normalised heading (see :func:`~aicmo_core.document.text.normalize_heading`)
   with the section's label, one of its aliases (pack file or ``aicmo.toml``) or its id read as words;
3. similarity: the weighted share of a candidate name's words that the heading contains
   ("recall"), where generic words such as "strategy", "tactics", "plan" or "brand" weigh a quarter
   (every report is about a brand's strategy and tactics, so they tell sections apart poorly: an
   alias "Campaign Tactics" must not pull "Conversion Tactics" away from "Conversion Strategy"),
   stop words nothing, and words are compared after removing a plural ending. A heading takes the
   best candidate scoring at least :data:`SIMILARITY_THRESHOLD`, with at least one non-generic word
   in common; ties go to the candidate that leaves fewer heading words unexplained.

Each section is taken by the first heading that matches it; a later heading matching the same
section exactly or by similarity is a duplicate. Everything else is an unknown section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aicmo_core.benchmarks.models import Pack
from aicmo_core.document.text import normalize_heading

SIMILARITY_THRESHOLD = 0.6
GENERIC_WEIGHT = 0.25
STOP_WORDS = frozenset(
    ["a", "an", "and", "the", "of", "for", "to", "in", "on", "by", "with", "vs", "our", "your", "their", "its"]
)
GENERIC_WORDS = frozenset(
    [
        "strategy",
        "strategies",
        "tactic",
        "tactics",
        "plan",
        "plans",
        "planning",
        "framework",
        "analysis",
        "overview",
        "section",
        "map",
        "model",
        "plays",
        "playbook",
        "approach",
        "blueprint",
        "stack",
        "check",
        "review",
        "client",
        "brand",
        "customer",
        "key",
        "campaign",
        "content",
        "marketing",
    ]
)


@dataclass(frozen=True, slots=True)
class HeadingMatch:
    """How one heading was matched: ``section_id`` is None for an unknown heading."""

    section_id: str | None
    how: str  # "explicit", "exact", "similar", "duplicate", "unknown", "invalid"
    score: float = 0.0
    duplicate_of: int | None = None  # index of the heading that took the section first


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _tokens(normalized: str) -> tuple[str, ...]:
    return tuple(_stem(word) for word in normalized.split() if word not in STOP_WORDS)


# Tokens are compared after plural stripping ("analysis" -> "analysi"), so generic words are too.
_GENERIC_TOKENS = frozenset(GENERIC_WORDS | {_stem(word) for word in GENERIC_WORDS})


def _weight(token: str) -> float:
    return GENERIC_WEIGHT if token in _GENERIC_TOKENS else 1.0


def similarity(heading_tokens: Sequence[str], candidate_tokens: Sequence[str]) -> tuple[float, float]:
    """(recall, precision) of a heading against one candidate name, both in [0, 1]."""
    heading_set = set(heading_tokens)
    shared = [t for t in set(candidate_tokens) if t in heading_set]
    if not any(t not in _GENERIC_TOKENS for t in shared):
        return 0.0, 0.0
    shared_weight = sum(_weight(t) for t in shared)
    candidate_weight = sum(_weight(t) for t in set(candidate_tokens)) or 1.0
    heading_weight = sum(_weight(t) for t in heading_set) or 1.0
    return shared_weight / candidate_weight, shared_weight / heading_weight


class SectionMatcher:
    """Matches headings to the sections of one pack (built once per pack and alias set)."""

    def __init__(self, pack: Pack, extra_aliases: Mapping[str, Sequence[str]] | None = None) -> None:
        self.pack = pack
        self.exact: dict[str, str] = {}
        self.candidates: list[tuple[str, tuple[str, ...]]] = []
        extra = extra_aliases or {}
        for section in pack.sections:
            names = [section.label, section.id.replace("_", " "), *section.aliases, *extra.get(section.id, ())]
            for name in names:
                normalized = normalize_heading(name)
                if not normalized:
                    continue
                self.exact.setdefault(normalized, section.id)
                self.candidates.append((section.id, _tokens(normalized)))
        # Only a candidate sharing a non-generic token with a heading can score above zero, so each
        # heading is compared with those alone (a long report has thousands of headings).
        self._by_token: dict[str, list[int]] = {}
        for position, (_, candidate) in enumerate(self.candidates):
            for token in dict.fromkeys(candidate):
                if token not in _GENERIC_TOKENS:
                    self._by_token.setdefault(token, []).append(position)
        self._similar: dict[str, tuple[str | None, float]] = {}

    def best_similar(self, normalized: str) -> tuple[str | None, float]:
        found = self._similar.get(normalized)
        if found is not None:
            return found
        tokens = _tokens(normalized)
        positions = sorted({p for token in tokens for p in self._by_token.get(token, ())})
        best: tuple[float, float, str | None] = (0.0, 0.0, None)
        for position in positions:  # in candidate order: the first of equal scores wins
            section_id, candidate = self.candidates[position]
            recall, precision = similarity(tokens, candidate)
            if (recall, precision) > best[:2]:
                best = (recall, precision, section_id)
        found = (best[2], best[0]) if best[0] >= SIMILARITY_THRESHOLD else (None, best[0])
        if len(self._similar) >= 16384:
            self._similar.clear()
        self._similar[normalized] = found
        return found

    def match(self, headings: Sequence[str], explicit: Mapping[int, str]) -> list[HeadingMatch]:
        """Match heading texts (raw) in document order; ``explicit`` maps heading index to an id."""
        results: list[HeadingMatch | None] = [None] * len(headings)
        taken: dict[str, int] = {}
        known = {section.id for section in self.pack.sections}
        normalized = [normalize_heading(text) for text in headings]

        def claim(index: int, section_id: str, how: str, score: float) -> None:
            if section_id in taken:
                results[index] = HeadingMatch(section_id, "duplicate", score, taken[section_id])
            else:
                taken[section_id] = index
                results[index] = HeadingMatch(section_id, how, score)

        for index, section_id in sorted(explicit.items()):
            if section_id in known:
                claim(index, section_id, "explicit", 1.0)
            else:
                results[index] = HeadingMatch(None, "invalid", 0.0)
        for index, text in enumerate(normalized):
            if results[index] is None and text in self.exact:
                claim(index, self.exact[text], "exact", 1.0)
        pending = []
        for index, text in enumerate(normalized):
            if results[index] is None:
                similar_id, score = self.best_similar(text)
                if similar_id is None:
                    results[index] = HeadingMatch(None, "unknown", score)
                else:
                    pending.append((-score, index, similar_id))
        for negative_score, index, similar_id in sorted(pending):
            claim(index, similar_id, "similar", -negative_score)
        return [result if result is not None else HeadingMatch(None, "unknown") for result in results]


_MATCHERS: dict[tuple[int, tuple[tuple[str, tuple[str, ...]], ...]], SectionMatcher] = {}


def matcher_for(pack: Pack, extra_aliases: Mapping[str, Sequence[str]] | None = None) -> SectionMatcher:
    """The matcher of a pack and alias set, built once: a check per keystroke must not rebuild it.

    Keyed by the pack object's identity; the matcher holds the pack, so the id cannot be reused by
    another pack while the entry lives (a reloaded pack is a new object and gets a new matcher).
    """
    aliases = tuple(sorted((key, tuple(names)) for key, names in (extra_aliases or {}).items()))
    key = (id(pack), aliases)
    matcher = _MATCHERS.get(key)
    if matcher is None or matcher.pack is not pack:
        if len(_MATCHERS) >= 64:
            _MATCHERS.clear()
        matcher = _MATCHERS[key] = SectionMatcher(pack, extra_aliases)
    return matcher


def clear_matchers() -> None:
    """Forget the built matchers (for cold measurements and tests)."""
    _MATCHERS.clear()
