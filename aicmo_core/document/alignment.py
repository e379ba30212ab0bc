"""Matching a report's headings to its pack's sections as an alignment of two sequences.

The headings come in the report's order, the sections in the pack's. Matching is done in two steps:

1. **Anchors.** Strong evidence names a section wherever the heading stands (so out-of-order
   sections are still found): an explicit comment, an exact name, a similar name
   (:mod:`aicmo_core.document.matching`). Each section is taken once; a later heading naming a
   taken section by its own words is a duplicate.
2. **Gaps.** The anchors that keep the pack's order (the longest such chain) cut the report into
   gaps, each between two anchors, and the pack likewise. The headings left in a gap may only be
   the sections still missing from the matching part of the pack, and they are aligned with them
   by dynamic programming (in order, with gaps for unknown headings and missing sections). A pair
   counts when weak words (:meth:`~aicmo_core.document.matching.SectionMatcher.weak_evidence`)
   and the evidence of place together reach :data:`ALIGN_THRESHOLD`: the gap holds as many headings
   as missing sections (each heading in its section's place), the heading's own number is the
   section's number in the pack counted from the anchors, or it is the first (last) heading and the
   pack's first (last) section. A heading with no word for a section never becomes it, wherever it
   stands.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aicmo_core.document.matching import HeadingMatch, Lexical, SectionMatcher
from aicmo_core.document.text import heading_number

ALIGN_THRESHOLD = 0.55
GAP_EVIDENCE = 0.1  # the gap lies between two anchors: the heading is where its section belongs
ORDER_EVIDENCE = 0.15  # about as far into its gap as the section is into the gap's part of the pack
ORDER_SPREAD = 0.25
SLOT_EVIDENCE = 0.35  # the gap has as many headings as missing sections, and this is the pair's place
NUMBER_EVIDENCE = 0.35  # the heading's number is the section's place in the pack, counted from the anchors
END_EVIDENCE = 0.3  # first heading and first section of the pack, or last and last
STRONG = ("explicit", "exact", "similar")


@dataclass(frozen=True, slots=True)
class Gap:
    """Headings without a match between two anchors, and the sections missing between theirs."""

    rows: list[int]  # heading indexes
    columns: list[int]  # pack positions
    left: tuple[int, int]  # the anchor before: (heading index, pack position), (-1, -1) at the start
    right: tuple[int, int]  # the anchor after, (len(headings), len(sections)) at the end

    @property
    def square(self) -> bool:
        return len(self.rows) == len(self.columns)


@dataclass(frozen=True, slots=True)
class HeadingInput:
    text: str  # as written (for its number)
    normalized: str


def anchor_matches(
    matcher: SectionMatcher, headings: Sequence[HeadingInput], explicit: Mapping[int, str], *, direct: bool = False
) -> list[HeadingMatch | None]:
    """Step 1: explicit comments, then exact names in document order, then similar names from the
    highest score down. None where no strong evidence names a section. With ``direct``, similar
    names count only by their own words, not through related terms (the evidence that decides a
    report's section level: a sub-heading in other words must not outvote the sections)."""
    pack = matcher.pack
    known = {section.id: section.label for section in pack.sections}
    results: list[HeadingMatch | None] = [None] * len(headings)
    taken: dict[str, int] = {}

    def claim(index: int, section_id: str, how: str, score: float, why: str) -> None:
        if section_id in taken:
            first = headings[taken[section_id]].text
            why = f"repeats section '{known[section_id]}' (first: '{first}'); {why}"
            results[index] = HeadingMatch(section_id, "duplicate", score, taken[section_id], why)
        else:
            taken[section_id] = index
            results[index] = HeadingMatch(section_id, how, score, None, why)

    for index, section_id in sorted(explicit.items()):
        if section_id in known:
            claim(index, section_id, "explicit", 1.0, f"marked as section '{section_id}' by a comment")
        else:
            results[index] = HeadingMatch(
                None, "invalid", 0.0, None, f"marked as '{section_id}', no section of this pack"
            )
    for index, heading in enumerate(headings):
        candidate = matcher.exact_match(heading.normalized) if results[index] is None else None
        if candidate is not None:
            what = {"label": "the section's label", "id": "the section's id"}.get(
                candidate.kind, f"the alias '{candidate.name}'"
            )
            claim(index, candidate.section_id, "exact", 1.0, f"the heading is {what}")
    pending: list[tuple[float, int, list[Lexical]]] = []
    for index, heading in enumerate(headings):
        if results[index] is None:
            strong = [
                lexical
                for lexical in matcher.ranked(heading.normalized)
                if lexical.strong and (lexical.score.direct or not direct)
            ]
            if strong:
                pending.append((-strong[0].score.recall, index, strong))
    for _, index, strong in sorted(pending, key=lambda item: (item[0], item[1])):
        # The strongest section still free; a taken one only when the heading names it by its own
        # words (then the heading is a duplicate).
        chosen = next((lexical for lexical in strong if lexical.section_id not in taken), None)
        if chosen is None and strong[0].score.direct:
            chosen = strong[0]
        if chosen is not None:
            assert chosen.section_id is not None
            words = ", ".join(f"'{w}'" for w in chosen.score.shared)
            claim(index, chosen.section_id, "similar", chosen.score.recall, f"{words} from '{chosen.name}'")
    return results


def align_headings(
    matcher: SectionMatcher, headings: Sequence[HeadingInput], explicit: Mapping[int, str]
) -> list[HeadingMatch]:
    """Every heading's match: anchors (step 1), then the gaps between them aligned (step 2)."""
    results = anchor_matches(matcher, headings, explicit)
    Aligner(matcher, headings, results).fill_gaps()
    return [
        result if result is not None else _unknown(matcher, heading.normalized)
        for result, heading in zip(results, headings, strict=True)
    ]


def _unknown(matcher: SectionMatcher, normalized: str) -> HeadingMatch:
    best = matcher.best(normalized)
    if best.section_id is None:
        return HeadingMatch(None, "unknown", 0.0, None, "no section of the pack has its words")
    label = matcher.pack.section(best.section_id)
    name = label.label if label is not None else best.section_id
    why = f"closest: '{name}' ({best.score.recall:.2f}, short of the {0.6:g} a name needs)"
    return HeadingMatch(None, "unknown", round(best.score.recall, 4), None, why)


def longest_increasing(values: Sequence[int]) -> list[int]:
    """Indexes of one longest strictly increasing subsequence of ``values``, in O(n log n) (a report
    may have thousands of headings). Of equally long ones, the one that ends first, each element
    preceded by the first that can precede it: the earliest reading of the report."""
    tails: list[int] = []  # tails[k]: the smallest last value of an increasing run of length k + 1
    by_length: list[list[int]] = []  # indexes of the runs ending there, by length, in order
    length = [0] * len(values)
    for index, value in enumerate(values):
        k = bisect.bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            by_length.append([])
        else:
            tails[k] = value
        length[index] = k + 1
        by_length[k].append(index)
    if not tails:
        return []
    chain = [by_length[-1][0]]
    while length[chain[-1]] > 1:
        # Values of one length class never rise along the report (a later, higher one would
        # extend the earlier run), so the first index below the current value is a binary search.
        candidates, value = by_length[length[chain[-1]] - 2], values[chain[-1]]
        low, high = 0, len(candidates)
        while low < high:
            middle = (low + high) // 2
            if values[candidates[middle]] < value:
                high = middle
            else:
                low = middle + 1
        chain.append(candidates[low])
    return chain[::-1]


def longest_chain(anchors: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of (heading, pack position) anchors whose positions increase."""
    return [anchors[i] for i in longest_increasing([position for _, position in anchors])]


class Aligner:
    """Step 2 for one report: the gaps between the chain of anchors, each aligned on its own."""

    def __init__(
        self, matcher: SectionMatcher, headings: Sequence[HeadingInput], results: list[HeadingMatch | None]
    ) -> None:
        self.matcher = matcher
        self.headings = headings
        self.results = results
        self.sections = [section.id for section in matcher.pack.sections]
        self.position = {section_id: n for n, section_id in enumerate(self.sections)}
        self.numbers = [heading_number(h.text) for h in headings]
        self.taken = {r.section_id for r in results if r is not None and r.section_id and r.how in STRONG}

    def fill_gaps(self) -> None:
        anchors = [
            (index, self.position[result.section_id])
            for index, result in enumerate(self.results)
            if result is not None and result.section_id is not None and result.how in STRONG
        ]
        chain = longest_chain(anchors)
        offsets = [self.numbers[i] - p for i, p in chain if self.numbers[i] is not None]  # type: ignore[operator]
        self.offset = max(set(offsets), key=offsets.count) if len(offsets) >= 2 else None
        if self.offset is not None and offsets.count(self.offset) < 2:
            self.offset = None
        bounds = [(-1, -1), *chain, (len(self.headings), len(self.sections))]
        for left, right in itertools.pairwise(bounds):
            columns = [p for p in range(left[1] + 1, right[1]) if self.sections[p] not in self.taken]
            wanted = {self.sections[p] for p in columns}
            rows = [i for i in range(left[0] + 1, right[0]) if self.results[i] is None]
            # Only headings with some word for a section of the gap can pair; the others only make
            # the gap longer (and "as many headings as sections" is counted with them all).
            candidates = [i for i in rows if self.matcher.possible_sections(self.headings[i].normalized) & wanted]
            if candidates and columns:
                self._align(Gap(rows, columns, left, right), candidates)

    def _align(self, gap: Gap, candidates: list[int]) -> None:
        """The best in-order pairing of the gap's headings and sections (dynamic programming over
        the headings that can pair at all)."""
        columns = gap.columns
        rows = candidates
        place_in_gap = {index: row for row, index in enumerate(gap.rows)}
        values = [
            [
                self._value(gap, place_in_gap[i], b)
                if self.sections[p] in self.matcher.possible_sections(self.headings[i].normalized)
                else None
                for b, p in enumerate(columns)
            ]
            for i in rows
        ]
        best = [[0.0] * (len(columns) + 1) for _ in range(len(rows) + 1)]
        for a in range(1, len(rows) + 1):
            for b in range(1, len(columns) + 1):
                pair = values[a - 1][b - 1]
                best[a][b] = max(
                    best[a - 1][b], best[a][b - 1], best[a - 1][b - 1] + pair[0] if pair is not None else 0.0
                )
        a, b = len(rows), len(columns)
        while a and b:
            pair = values[a - 1][b - 1]
            if pair is not None and best[a][b] == best[a - 1][b - 1] + pair[0] and best[a][b] > best[a - 1][b]:
                index, position = rows[a - 1], columns[b - 1]
                self.results[index] = HeadingMatch(
                    self.sections[position], "position", round(min(pair[0] + ALIGN_THRESHOLD, 1.0), 4), None, pair[1]
                )
                a, b = a - 1, b - 1
            elif best[a][b] == best[a - 1][b]:
                a -= 1
            else:
                b -= 1

    def _value(self, gap: Gap, row: int, column: int) -> tuple[float, str] | None:
        """What pairing the gap's heading ``row`` with its section ``column`` is worth above the
        threshold, and why; None for a pair that does not count."""
        index, position = gap.rows[row], gap.columns[column]
        evidence = self.matcher.weak_evidence(self.headings[index].normalized, self.sections[position])
        if evidence is None:
            return None
        words, why_words = evidence
        places = [(0.0, "")]
        if gap.left[0] >= 0 and gap.right[0] < len(self.headings):
            places.append((GAP_EVIDENCE, self._between(gap.left, gap.right)))
        if gap.square and row == column:
            places.append((SLOT_EVIDENCE, self._between(gap.left, gap.right)))
        elif abs((row + 0.5) / len(gap.rows) - (column + 0.5) / len(gap.columns)) <= ORDER_SPREAD:
            places.append((ORDER_EVIDENCE, self._between(gap.left, gap.right)))
        if self._number_fits(index, position, gap.left, gap.right):
            places.append((NUMBER_EVIDENCE, f"numbered {self.numbers[index]}, its place in the pack"))
        place = max(value for value, _ in places)
        why_place = max(places)[1]
        if index == 0 and position == 0:
            place, why_place = max(place, END_EVIDENCE), "first in the report, as in the pack"
        elif index == len(self.headings) - 1 and position == len(self.sections) - 1:
            place, why_place = max(place, END_EVIDENCE), "last in the report, as in the pack"
        value = words + place - ALIGN_THRESHOLD
        if value < 0:
            return None
        return value + 1e-9, f"{why_place}, and {why_words}" if why_place else why_words

    def _between(self, left: tuple[int, int], right: tuple[int, int]) -> str:
        labels = [section.label for section in self.matcher.pack.sections]
        if left[1] >= 0 and right[1] < len(labels):
            return f"in its place between '{labels[left[1]]}' and '{labels[right[1]]}'"
        if left[1] >= 0:
            return f"in its place after '{labels[left[1]]}'"
        if right[1] < len(labels):
            return f"in its place before '{labels[right[1]]}'"
        return "in its place in the pack's order"

    def _number_fits(self, index: int, position: int, left: tuple[int, int], right: tuple[int, int]) -> bool:
        number = self.numbers[index]
        if number is None:
            return False
        numbered = [(self.numbers[i], p) for i, p in (left, right) if 0 <= i < len(self.headings)]
        numbered = [(n, p) for n, p in numbered if n is not None]
        if len(numbered) == 2 and numbered[1][0] - numbered[0][0] == numbered[1][1] - numbered[0][1]:  # type: ignore[operator]
            return number - numbered[0][0] == position - numbered[0][1]  # type: ignore[operator]
        return self.offset is not None and number - self.offset == position


def detect_section_level(levels: Sequence[int], section_ids: Sequence[str | None]) -> int | None:
    """The heading level of sections in a document whose headings have ``levels`` and name
    ``section_ids`` (None for a heading that names no section).

    The level whose headings name the most *distinct* pack sections (three "... Hashtags"
    sub-headings all naming the hashtag section count once, so required sub-headings never outvote
    the real sections), the shallower level on a tie; without any match, the shallowest level that
    has more than one heading (so a single ``#`` title above ``##`` sections is a title).
    """
    if not levels:
        return None
    named: dict[int, set[str]] = {}
    for level, section_id in zip(levels, section_ids, strict=True):
        if section_id is not None:
            named.setdefault(level, set()).add(section_id)
    if named:
        return min(named, key=lambda level: (-len(named[level]), level))
    counts = Counter(levels)
    for level in sorted(counts):
        if counts[level] > 1:
            return level
    return min(counts)
