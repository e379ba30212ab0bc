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


def _weight(stem: str) -> float:
    return GENERIC_WEIGHT if stem in GENERIC_STEMS else 1.0


def score(heading: Terms, name: Terms) -> Score:
    """Recall and precision of ``heading`` against one candidate ``name``, both in [0, 1].

    A name word the heading contains counts fully; one the heading has a related term for counts
    :data:`RELATED_WEIGHT`. Each heading word stands for one name word at most: a word the name
    itself has is used up ("Executive Summary" is not "Closing Summary" twice over), and a related
    term stands for one of the name's words of its group ("Persona Profiles" is not "Audience
    Segments" twice over).
    """
    heading_stems = set(heading.stems)
    name_stems = set(name.stems)
    available = [i for i, s in enumerate(heading.stems) if s not in name_stems]
    used: list[int] = []
    matched = direct_matched = total = 0.0
    specific = direct_specific = False
    first_index = {stem_: index for index, stem_ in reversed(list(enumerate(name.stems)))}
    for stem_, index in first_index.items():
        weight = _weight(stem_)
        total += weight
        generic = stem_ in GENERIC_STEMS
        if stem_ in heading_stems:
            matched += weight
            direct_matched += weight
            if not generic:
                specific = direct_specific = True
            continue
        related = next((i for i in available if heading.groups[i] & name.groups[index]), None)
        if related is not None:
            available.remove(related)
            used.append(related)
            matched += weight * RELATED_WEIGHT
            if not generic:
                specific = True
    if not matched:
        return NO_SCORE
    total = total or 1.0
    explained = [s for s in heading.stems if s in name_stems] + [heading.stems[i] for i in used]
    heading_weight = sum(_weight(s) for s in set(heading.stems)) or 1.0
    explained_weight = sum(_weight(s) for s in set(explained))
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
        # Only a candidate sharing a stem or a group with a heading can score above zero, so each
        # heading is compared with those alone (a long report has thousands of headings).
        self._by_stem: dict[str, list[int]] = {}
        self._by_group: dict[int, list[int]] = {}
        for position, candidate in enumerate(self.candidates):
            for stem_ in dict.fromkeys(candidate.terms.stems):
                self._by_stem.setdefault(stem_, []).append(position)
            for group in candidate.terms.all_groups:
                self._by_group.setdefault(group, []).append(position)
        self._ranked: dict[str, list[Lexical]] = {}
        self._pairs: dict[tuple[str, str], Lexical] = {}

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
            scored = score(heading, candidate.terms)
            lexical = Lexical(candidate.section_id, scored, candidate.name, candidate.kind)
            current = per_section.get(candidate.section_id)
            if scored.specific and (current is None or lexical.key > current.key):
                per_section[candidate.section_id] = lexical
        found = sorted(per_section.values(), key=lambda lexical: lexical.key, reverse=True)
        if len(self._ranked) >= 16384:
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
            for candidate in self.candidates:
                if candidate.section_id == section_id:
                    scored = score(heading, candidate.terms)
                    lexical = Lexical(section_id, scored, candidate.name, candidate.kind)
                    if lexical.key > found.key:
                        found = lexical
            if len(self._pairs) >= 65536:
                self._pairs.clear()
            self._pairs[key] = found
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
        if heading.all_generic:
            # Only generic words on both sides ("Campaign Overview" for "Client Overview"): nothing the
            # heading says contradicts the section. A name with a word of its own the heading lacks
            # ("Content Calendar" for "Content Strategy") gets no such credit.
            for candidate in self.candidates:
                shared = set(heading.stems) & set(candidate.terms.stems)
                if candidate.section_id == section_id and candidate.terms.all_generic and shared:
                    return 0.25, f"'{', '.join(sorted(shared))}' (from '{candidate.name}')"
        description = self.descriptions.get(section_id)
        if description is not None:
            related = score(heading, description)
            share = related.precision if related.specific else 0.0
            if share >= 0.5:
                return 0.2 + 0.3 * share, f"words of the section's description ({', '.join(related.shared)})"
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


def clear_matchers() -> None:
    """Forget the built matchers (for cold measurements and tests)."""
    _MATCHERS.clear()
