"""Which pack a report is, from its headings alone (``--pack auto``, ``default_pack = "auto"``, and
the hint on a Markdown file that names no pack).

Every pack's sections are matched with the report's headings (:func:`build_sections`, the same
matching a check uses). A pack fits as well as the F-score of its *found* sections (those some
section-level heading names) against both the pack's sections (recall: tiers of one family are told
apart by how many of their sections are present) and the report's section-level headings
(precision: a pack whose few sections are all present does not win over one that explains every
heading). The best pack is taken when it has at least :data:`MIN_FOUND` sections found and an
F-score of at least :data:`MIN_F_SCORE`, so a README, meeting notes or a shopping list get none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aicmo_core.benchmarks.models import Pack
from aicmo_core.document.model import ParsedDocument, build_sections

AUTO_PACK = "auto"  # the pack key that asks for detection
MIN_FOUND = 3
MIN_F_SCORE = 0.5


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


def fit(doc: ParsedDocument, pack: Pack, aliases: Mapping[str, Sequence[str]] | None = None) -> Detection:
    """How well ``pack`` explains the document's headings."""
    structure = build_sections(doc, pack, aliases)
    found = len({s.id for s in structure.sections if s.id})
    headings = len(structure.sections)
    recall = found / len(pack.sections) if pack.sections else 0.0
    precision = found / headings if headings else 0.0
    score = 2 * recall * precision / (recall + precision) if found else 0.0
    return Detection(pack, found, len(pack.sections), headings, round(score, 4))


def detect_pack(
    doc: ParsedDocument, packs: Mapping[str, Pack], aliases: Mapping[str, Sequence[str]] | None = None
) -> Detection | None:
    """The best-fitting pack, or None when no pack fits well enough (ties: more sections found, then
    the smaller pack, then the key)."""
    if not doc.headings:
        return None
    fits = [fit(doc, pack, aliases) for pack in packs.values()]
    best = max(fits, key=lambda f: (f.score, f.found, -f.total, f.pack.key), default=None)
    if best is None or best.found < MIN_FOUND or best.score < MIN_F_SCORE:
        return None
    return best
