"""Which pack section a heading names: the lexical evidence of one heading against one section.

The evidence, strongest first (``docs/counting.md`` explains it with examples):

1. an explicit ``<!-- aicmo:section ID -->`` comment just above the heading;
2. an exact match of the normalised heading (see :func:`~aicmo_core.document.text.normalize_heading`)
   with the section's label, one of its aliases (pack file or ``aicmo.toml``) or its id read as words;
3. similarity: the weighted share of a candidate name's words that the heading contains
   ("recall"), words compared by stem or as related terms (:mod:`aicmo_core.document.lexicon`),
   generic words weighing a quarter and a related term three quarters. A heading names the best
   candidate scoring at least :data:`SIMILARITY_THRESHOLD` with a non-generic word in common;
   ties go to the candidate that leaves fewer heading words unexplained;
4. weaker evidence (some words in common, or a heading made only of generic words that the
   section's name shares, or words of the section's description), which names a section only
   together with the evidence of order: see :mod:`aicmo_core.document.alignment`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aicmo_core.benchmarks.models import Pack, SectionBenchmark
from aicmo_core.document.lexicon import (
    CACHE_ENTRIES,
    GENERIC_STEMS,
    GENERIC_WEIGHT,
    GENERIC_WORDS,
    STOP_WORDS,
    Lexicon,
    Terms,
    default_lexicon,
)
from aicmo_core.document.text import normalize_heading

__all__ = [
    "GENERIC_WEIGHT",
    "GENERIC_WORDS",
    "SIMILARITY_THRESHOLD",
    "STOP_WORDS",
    "HeadingMatch",
    "SectionMatcher",
    "clear_matchers",
    "matcher_for",
]

SIMILARITY_THRESHOLD = 0.6
RELATED_WEIGHT = 0.75  # a word matched through a group of related terms, not by its stem
PACK_GENERIC_SECTIONS = 4  # a word naming this many sections of a pack weighs as a generic word there
DESCRIPTION_EVIDENCE = 0.4  # every telling word of a heading is in the section's description


@dataclass(frozen=True, slots=True)
class HeadingMatch:
    """How one heading was matched: ``section_id`` is None for an unknown heading. ``why`` says it in
    words for the hover ("the pack's label", "'paid media' for 'ad'", "first in the report, ...")."""

    section_id: str | None
    how: str  # "explicit", "exact", "similar", "position", "duplicate", "unknown", "invalid"
    score: float = 0.0
    duplicate_of: int | None = None  # index of the heading that took the section first
    why: str = ""


@dataclass(frozen=True, slots=True)
class Score:
    """One heading against one candidate name."""

    recall: float
    precision: float
    specific: bool  # a non-generic word of the name is in the heading (by stem or related term)
    direct: bool  # the heading names the candidate by stems alone, without related terms
    shared: tuple[str, ...]  # the heading's words that matched, for explanations

    @property
    def key(self) -> tuple[float, float]:
        return (self.recall, self.precision)


NO_SCORE = Score(0.0, 0.0, False, False, ())


def _may_stand_for(heading: Terms, position: int, name: Terms, index: int) -> bool:
    """Whether a heading word may count as the same word of the name: not when it is part of a
    term of several words that means something else than the name's word ("messaging" in
    "Mobile Messaging" is not the messaging of a messaging framework; "direction" in "Art Direction"
    is the direction of "Creative Direction")."""
    if not heading.bound[position] or name.bound[index] or not name.groups[index]:
        return True
    return bool(name.groups[index] & heading.groups[position])


def score(heading: Terms, name: Terms, generic: frozenset[str] = GENERIC_STEMS) -> Score:
    """Recall and precision of ``heading`` against one candidate ``name``, both in [0, 1].

    A name word the heading has counts fully; one the heading has a related term for counts
    :data:`RELATED_WEIGHT`. Each heading word stands for one name word at most: a word the name
    itself has is used up ("Executive Summary" is not "Closing Summary" twice over), and a related
    term stands for one of the name's words of its group ("Persona Profiles" is not "Audience
    Segments" twice over). A heading word that is part of a term of several words stands for that
    term only ("Mobile Messaging" is about text messages, not the messaging framework), unless the
    name has it inside such a term too.
    """
    used = [False] * len(heading.stems)
    matched = direct_matched = total = 0.0
    specific = direct_specific = False
    related_words: list[tuple[int, bool]] = []
    for index, stem_ in enumerate(name.stems):
        if stem_ in name.stems[:index]:
            continue
        is_generic = stem_ in generic
        weight = GENERIC_WEIGHT if is_generic else 1.0
        total += weight
        position = next(
            (
                i
                for i, s in enumerate(heading.stems)
                if s == stem_ and not used[i] and _may_stand_for(heading, i, name, index)
            ),
            None,
        )
        if position is None:
            related_words.append((index, is_generic))
            continue
        used[position] = True
        matched += weight
        direct_matched += weight
        if not is_generic:
            specific = direct_specific = True
    for index, is_generic in related_words:
        related = next((i for i, g in enumerate(heading.groups) if not used[i] and g & name.groups[index]), None)
        if related is None:
            continue
        used[related] = True
        matched += (GENERIC_WEIGHT if is_generic else 1.0) * RELATED_WEIGHT
        # A telling word of the heading for a word of the name, even a generic one of a name made
        # only of them ("Client Background" for "Client Overview").
        if not is_generic or heading.stems[related] not in generic:
            specific = True
    if not matched:
        return NO_SCORE
    total = total or 1.0
    explained = [s for i, s in enumerate(heading.stems) if used[i]]
    heading_weight = sum(GENERIC_WEIGHT if s in generic else 1.0 for s in set(heading.stems)) or 1.0
    explained_weight = sum(GENERIC_WEIGHT if s in generic else 1.0 for s in set(explained))
    direct = direct_specific and direct_matched / total >= SIMILARITY_THRESHOLD
    return Score(matched / total, explained_weight / heading_weight, specific, direct, tuple(dict.fromkeys(explained)))


@dataclass(frozen=True, slots=True)
class Candidate:
    section_id: str
    name: str  # as written in the pack (or aicmo.toml)
    terms: Terms
    kind: str  # "label", "alias", "id"


KIND_RANK = {"label": 2, "alias": 1, "id": 0}  # on equal scores: the label, then an alias, then the id


@dataclass(frozen=True, slots=True)
class Lexical:
    """The best lexical evidence of a heading for one section, or for the pack."""

    section_id: str | None
    score: Score
    name: str = ""
    kind: str = "id"

    @property
    def key(self) -> tuple[float, float, int]:
        return (self.score.recall, self.score.precision, KIND_RANK[self.kind])

    @property
    def strong(self) -> bool:
        return self.section_id is not None and self.score.recall >= SIMILARITY_THRESHOLD and self.score.specific


class SectionMatcher:
    """The lexical evidence of headings against the sections of one pack (built once per pack and
    alias set). Headings are given normalised (:func:`normalize_heading`)."""

    def __init__(
        self, pack: Pack, extra_aliases: Mapping[str, Sequence[str]] | None = None, lexicon: Lexicon | None = None
    ) -> None:
        self.pack = pack
        self.lexicon = lexicon or default_lexicon()
        self.exact: dict[str, Candidate] = {}
        self.candidates: list[Candidate] = []
        self.descriptions: dict[str, Terms] = {}
        extra = extra_aliases or {}
        for section in pack.sections:
            for name, kind in self._names(section, extra.get(section.id, ())):
                normalized = normalize_heading(name)
                if not normalized:
                    continue
                candidate = Candidate(section.id, name, self.lexicon.terms(normalized), kind)
                self.exact.setdefault(normalized, candidate)
                self.candidates.append(candidate)
            if section.description:
                self.descriptions[section.id] = self.lexicon.terms(normalize_heading(section.description))
        # A word in the names of many of the pack's sections ("launch" in a launch pack) tells them
        # apart as poorly as the generic words do.
        sections_of: dict[str, set[str]] = {}
        for candidate in self.candidates:
            for stem_ in candidate.terms.stems:
                sections_of.setdefault(stem_, set()).add(candidate.section_id)
        self.generic = GENERIC_STEMS | {s for s, ids in sections_of.items() if len(ids) >= PACK_GENERIC_SECTIONS}
        # Only a candidate sharing a stem or a group with a heading can score above zero, so each
        # heading is compared with those alone (a long report has thousands of headings).
        self._by_stem: dict[str, list[int]] = {}
        self._by_group: dict[int, list[int]] = {}
        for position, candidate in enumerate(self.candidates):
            for stem_ in dict.fromkeys(candidate.terms.stems):
                if stem_ not in self.generic:  # a generic word alone never makes a candidate score
                    self._by_stem.setdefault(stem_, []).append(position)
            for group in candidate.terms.all_groups:
                self._by_group.setdefault(group, []).append(position)
        self._ranked: dict[str, list[Lexical]] = {}
        self._possible: dict[str, frozenset[str]] = {}
        self.by_section: dict[str, list[Candidate]] = {}
        for candidate in self.candidates:
            self.by_section.setdefault(candidate.section_id, []).append(candidate)
        self.generic_sections = {c.section_id for c in self.candidates if all(s in self.generic for s in c.terms.stems)}
        self.described_by: dict[str, set[str]] = {}
        for section_id, description in self.descriptions.items():
            for stem_ in description.stems:
                self.described_by.setdefault(stem_, set()).add(section_id)
        self._pairs: dict[tuple[str, str], Lexical] = {}

    def forget_headings(self) -> None:
        """Forget the evidence found for headings; the pack's names and indexes stay."""
        self._ranked.clear()
        self._possible.clear()
        self._pairs.clear()

    @staticmethod
    def _names(section: SectionBenchmark, extra: Sequence[str]) -> list[tuple[str, str]]:
        names = [(section.label, "label")]
        if "(" in section.label:  # "KPI Plan (Light)": the words in brackets qualify, they do not name
            names.append((section.label.split("(", 1)[0], "label"))
        names.append((section.id.replace("_", " "), "id"))
        names += [(alias, "alias") for alias in (*section.aliases, *extra)]
        return names

    def terms(self, normalized: str) -> Terms:
        return self.lexicon.terms(normalized)

    def exact_match(self, normalized: str) -> Candidate | None:
        return self.exact.get(normalized)

    def best(self, normalized: str) -> Lexical:
        """The strongest candidate: the highest (recall, precision), then a label before an alias
        before an id, then the first in pack order."""
        ranked = self.ranked(normalized)
        return ranked[0] if ranked else Lexical(None, NO_SCORE)

    def ranked(self, normalized: str) -> list[Lexical]:
        """For each section with a non-generic word in common, its best candidate, best first."""
        found = self._ranked.get(normalized)
        if found is not None:
            return found
        heading = self.terms(normalized)
        positions: set[int] = set()
        for stem_ in heading.stems:
            positions.update(self._by_stem.get(stem_, ()))
        for group in heading.all_groups:
            positions.update(self._by_group.get(group, ()))
        per_section: dict[str, Lexical] = {}
        for position in sorted(positions):  # in candidate order: the first of equal ones wins
            candidate = self.candidates[position]
            scored = score(heading, candidate.terms, self.generic)
            lexical = Lexical(candidate.section_id, scored, candidate.name, candidate.kind)
            current = per_section.get(candidate.section_id)
            if scored.specific and (current is None or lexical.key > current.key):
                per_section[candidate.section_id] = lexical
        found = sorted(per_section.values(), key=lambda lexical: lexical.key, reverse=True)
        if len(self._ranked) >= CACHE_ENTRIES:
            self._ranked.clear()
        self._ranked[normalized] = found
        return found

    def for_section(self, normalized: str, section_id: str) -> Lexical:
        """The best evidence of a heading for one given section (any score, generic words included)."""
        key = (normalized, section_id)
        found = self._pairs.get(key)
        if found is None:
            heading = self.terms(normalized)
            found = Lexical(section_id, NO_SCORE)
            for candidate in self.by_section.get(section_id, ()):
                scored = score(heading, candidate.terms, self.generic)
                lexical = Lexical(section_id, scored, candidate.name, candidate.kind)
                if lexical.key > found.key:
                    found = lexical
            if len(self._pairs) >= 4 * CACHE_ENTRIES:
                self._pairs.clear()
            self._pairs[key] = found
        return found

    def possible_sections(self, normalized: str) -> frozenset[str]:
        """The sections a heading may have any evidence for (a superset, found through the indexes:
        a report of thousands of unrelated headings must not cost headings x sections)."""
        found = self._possible.get(normalized)
        if found is None:
            heading = self.terms(normalized)
            ids = {lexical.section_id for lexical in self.ranked(normalized) if lexical.section_id}
            if heading.stems and all(s in self.generic for s in heading.stems):
                ids |= self.generic_sections
            specific = [s for s in heading.stems if s not in self.generic]
            if specific:
                ids |= set.intersection(*(self.described_by.get(s, set()) for s in specific))
            found = frozenset(ids)
            if len(self._possible) >= CACHE_ENTRIES:
                self._possible.clear()
            self._possible[normalized] = found
        return found

    def weak_evidence(self, normalized: str, section_id: str) -> tuple[float, str] | None:
        """How much the words of a heading speak for a section short of naming it (the F-score of
        its recall and precision against the best name, in [0, 1]) and why; None when nothing does
        (then no place in the report makes the heading that section)."""
        heading = self.terms(normalized)
        lexical = self.for_section(normalized, section_id)
        if lexical.score.specific:
            recall, precision = lexical.score.recall, lexical.score.precision
            words = ", ".join(f"'{w}'" for w in lexical.score.shared)
            return 2 * recall * precision / (recall + precision), f"{words} (from '{lexical.name}')"
        if heading.stems and all(s in self.generic for s in heading.stems):
            # Only generic words on both sides ("Campaign Overview" for "Client Overview"): nothing the
            # heading says contradicts the section. A name with a word of its own the heading lacks
            # ("Content Calendar" for "Content Strategy") gets no such credit.
            for candidate in self.candidates:
                shared = set(heading.stems) & set(candidate.terms.stems)
                only_generic = all(s in self.generic for s in candidate.terms.stems)
                if candidate.section_id == section_id and shared and only_generic:
                    return 0.25, f"'{', '.join(sorted(shared))}' (from '{candidate.name}')"
        description = self.descriptions.get(section_id)
        specific = [i for i, s in enumerate(heading.stems) if s not in self.generic]
        if description is not None and specific:
            # Every word of the heading that says something is in the section's description
            # ("Client Background" for an overview "... its business background ...").
            described = set(description.stems)
            if all(heading.stems[i] in described for i in specific):
                words = ", ".join(f"'{heading.stems[i]}'" for i in specific)
                return DESCRIPTION_EVIDENCE, f"{words} (from the section's description)"
        return None


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


def clear_matchers(*, keep_built: bool = False) -> None:
    """Forget the built matchers (for cold measurements and tests); with ``keep_built``, only what
    they found for headings (a matcher is built from its pack alone, once per pack)."""
    if not keep_built:
        _MATCHERS.clear()
    for matcher in _MATCHERS.values():
        matcher.forget_headings()
