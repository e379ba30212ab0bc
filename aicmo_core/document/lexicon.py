"""Words of headings and section names as section matching compares them.

A normalised heading (:func:`~aicmo_core.document.text.normalize_heading`) becomes :class:`Terms`:
its words without stop words, each spelled the American way and stemmed (Snowball's English
stemmer, so "strategies" and "strategy", "messaging" and "message" are one word), and for each word
the groups of related marketing terms it belongs to ("paid media" and "ads", "dashboard" and "KPI").
The groups and spellings are data: ``benchmarks/vocabulary/related_terms.yaml``.

Generic words ("strategy", "plan", "overview", ...) tell sections apart poorly, so similarity
weighs them less (:data:`GENERIC_WEIGHT`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from aicmo_core.benchmarks.vocabulary import Vocabulary, builtin_vocabulary
from aicmo_core.document.stemming import snowball_stem

CACHE_ENTRIES = 65536  # headings remembered per lexicon and matcher (a long report has thousands)
GENERIC_WEIGHT = 0.25
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "to",
        "in",
        "on",
        "by",
        "with",
        "vs",
        "our",
        "your",
        "their",
        "its",
        "at",
        "as",
        "from",
        "into",
        "up",
        "out",
        "or",
        "we",
        "us",
        "you",
        "it",
        "is",
        "are",
        "be",
        "will",
        "ll",
        "re",
        "s",
        "ve",
        "d",
        "this",
        "that",
        "these",
        "those",
        "what",
        "who",
        "where",
        "when",
        "how",
        "why",
        "do",
        "does",
        "can",
        "should",
        "i",
        "my",
        "me",
    ]
)
GENERIC_WORDS = frozenset(
    [
        "strategy",
        "strategies",
        "strategic",
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


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A word's stem; a short all-letter plural of an acronym ("kpis") loses its ``s`` first."""
    if word.isdigit():
        return word
    if len(word) in (4, 5) and word.endswith("s") and word[:-1] in ("kpi", "okr", "kol", "cta", "usp", "sku"):
        word = word[:-1]
    return snowball_stem(word)


GENERIC_STEMS = frozenset(stem(word) for word in GENERIC_WORDS)


@dataclass(frozen=True, slots=True)
class Terms:
    """The stems of a heading or name, in order, and for each the related-term groups it is part of."""

    stems: tuple[str, ...]
    groups: tuple[frozenset[int], ...]
    bound: tuple[bool, ...] = ()  # part of a term of several words ("mobile messaging")

    @property
    def all_groups(self) -> frozenset[int]:
        return frozenset().union(*self.groups) if self.groups else frozenset()


_NO_GROUPS: frozenset[int] = frozenset()


class Lexicon:
    """Turns normalised text into :class:`Terms` with one vocabulary (built once, then cached)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.spellings = dict(vocabulary.spellings)
        self.single: dict[str, set[int]] = {}
        self.phrases: dict[tuple[str, ...], set[int]] = {}
        for group, terms in enumerate(vocabulary.groups):
            for term in terms:
                stems = self._all_stems(term.lower().replace("-", " ").replace("/", " "))
                if len(stems) == 1:
                    self.single.setdefault(stems[0], set()).add(group)
                elif stems:
                    self.phrases.setdefault(stems, set()).add(group)
        self.longest_phrase = max((len(p) for p in self.phrases), default=1)
        # Frozen once, so a word's groups are shared, not copied for every heading that has the word.
        self.single_groups = {stem_: frozenset(groups) for stem_, groups in self.single.items()}
        self._cache: dict[str, Terms] = {}

    def _all_stems(self, normalized: str) -> tuple[str, ...]:
        return tuple(stem(self.spellings.get(word, word)) for word in normalized.split())

    def terms(self, normalized: str) -> Terms:
        """The heading's words without stop words, stemmed; related-term groups are found on every
        word, stop words included ("tone of voice", "re-engagement" but not "engagement")."""
        found = self._cache.get(normalized)
        if found is None:
            words = normalized.split()
            stems = self._all_stems(normalized)
            groups, bound = self._groups(stems)
            kept = [i for i, word in enumerate(words) if word not in STOP_WORDS]
            found = Terms(tuple(stems[i] for i in kept), tuple(groups[i] for i in kept), tuple(bound[i] for i in kept))
            if len(self._cache) >= CACHE_ENTRIES:
                self._cache.clear()
            self._cache[normalized] = found
        return found

    def _groups(self, stems: Sequence[str]) -> tuple[list[frozenset[int]], list[bool]]:
        """Each word's groups, and whether it is part of a term of several words: such a word means
        that term, so it has the term's groups only ("messaging" in "mobile messaging")."""
        from_phrases: list[set[int]] = [set() for _ in stems]
        bound = [False] * len(stems)
        for length in range(2, self.longest_phrase + 1):
            for start in range(len(stems) - length + 1):
                phrase = self.phrases.get(tuple(stems[start : start + length]))
                if phrase:
                    for position in range(start, start + length):
                        from_phrases[position] |= phrase
                        bound[position] = True
        groups = [
            frozenset(from_phrases[i]) if bound[i] else self.single_groups.get(s, _NO_GROUPS)
            for i, s in enumerate(stems)
        ]
        return groups, bound


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon of the built-in vocabulary."""
    return Lexicon(builtin_vocabulary())
