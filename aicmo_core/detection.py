"""Which pack a report is, from its headings alone (``--pack auto``, ``default_pack = "auto"``, and
the hint on a Markdown file that names no pack).

Every pack's sections are matched with the report's headings (:func:`build_sections`, the same
matching a check uses). Headings that many packs explain ("Brand & Objectives") say little, so each
explained heading counts one over the number of packs that explain it, and a pack scores that sum
over its section-level headings plus a quarter of its recall (so of the tiers of one family, which
explain the same headings, the one whose sections are all present wins, and a tier with sections
the others lack wins when those are there). The best pack is taken when the headings name at least
:data:`MIN_FOUND` of its sections and it explains at least :data:`MIN_PRECISION` of the report's
section-level headings, so a README, meeting notes or a shopping list get none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aicmo_core.benchmarks.models import Pack
from aicmo_core.document.model import ParsedDocument, build_sections

AUTO_PACK = "auto"  # the pack key that asks for detection
MIN_FOUND = 3  # sections of the pack the headings must name
MIN_PRECISION = 0.4  # share of the report's section-level headings the pack must explain
RECALL_WEIGHT = 0.25


@dataclass(frozen=True, slots=True)
class Detection:
    """The pack that fits a report best: its sections found among the headings, of all of them."""

    pack: Pack
    found: int
    total: int
    headings: int  # section-level headings of the report
    score: float

    @property
    def summary(self) -> str:
        """``"quick_social_basic (Quick Social Pack (Basic)): 7 of 8 sections found"``."""
        return f"{self.pack.key} ({self.pack.label}): {self.found} of {self.total} sections found"


@dataclass(frozen=True, slots=True)
class _Fit:
    pack: Pack
    matched: frozenset[int]  # lines of the section-level headings that name a section of the pack
    found: int  # distinct sections of the pack named
    headings: int  # section-level headings for this pack

    @property
    def precision(self) -> float:
        return len(self.matched) / self.headings if self.headings else 0.0


def _fit(doc: ParsedDocument, pack: Pack, aliases: Mapping[str, Sequence[str]] | None) -> _Fit:
    structure = build_sections(doc, pack, aliases)
    # A heading that repeats a section already named explains little: the pack has one such section.
    sections = [s for s in structure.sections if s.id is not None]
    return _Fit(pack, frozenset(s.start_line for s in sections), len(sections), len(structure.sections))


def detect_pack(
    doc: ParsedDocument, packs: Mapping[str, Pack], aliases: Mapping[str, Sequence[str]] | None = None
) -> Detection | None:
    """The best-fitting pack, or None when no pack fits well enough.

    A heading that many packs have a section for ("Brand & Objectives") says little about which
    pack a report is; one only a few packs have ("Reputation Recovery") says much. So each heading a
    pack explains counts one over the number of packs that explain it; a pack's score is that sum
    over its section-level headings (how much of the report only it explains), plus a quarter of
    its recall (of two tiers that explain the same headings, the one whose sections are all there).
    """
    if not doc.headings or not packs:
        return None
    fits = [_fit(doc, pack, aliases) for pack in packs.values()]
    explained_by: dict[int, int] = {}
    for fitted in fits:
        for line in fitted.matched:
            explained_by[line] = explained_by.get(line, 0) + 1

    def score(fitted: _Fit) -> float:
        specific = sum(1 / explained_by[line] for line in fitted.matched) / max(fitted.headings, 1)
        return specific + RECALL_WEIGHT * fitted.found / max(len(fitted.pack.sections), 1)

    best = max(fits, key=lambda f: (score(f), f.found, -len(f.pack.sections), f.pack.key))
    if best.found < MIN_FOUND or best.precision < MIN_PRECISION:
        return None
    return Detection(best.pack, best.found, len(best.pack.sections), best.headings, round(score(best), 4))
