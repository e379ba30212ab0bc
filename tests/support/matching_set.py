"""The section-matching test set: heading wordings of every pack section written without the packs'
aliases (``tests/fixtures/matching/headings.yaml``), split once into a half to tune on and a half
kept aside, and reports built from them.

Two kinds of report, both checked with the real engine:

- *one reworded*: the pack's sections under their labels, one of them under a wording from the set
  (or one unrelated heading added): what a writer meets who words one section differently;
- *all reworded*: every section under a wording of the set (numbered in one report in three, in
  the pack's order), a few sections dropped and unrelated headings put in between: another agency's
  report of the same type.

A heading counts as *found* when it is matched to its section; a match is *wrong* when a heading is
matched to another section or an unrelated heading to any. Recall = found / section headings,
precision = found / (found + wrong).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from ruamel.yaml import YAML

from aicmo_core.benchmarks.loader import PackSet, builtin_benchmark_dir, load_packs
from aicmo_core.benchmarks.models import Pack
from aicmo_core.check import CheckOptions, check_text

SET_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "matching" / "headings.yaml"
Half = Literal["tune", "kept"]


@cache
def packs() -> dict[str, Pack]:
    return dict(load_packs([builtin_benchmark_dir()], include_builtin=False).packs)


@cache
def wordings() -> dict[str, dict[str, object]]:
    data = YAML(typ="safe", pure=True).load(SET_PATH.read_text(encoding="utf-8"))
    return dict(data["packs"])


def _rank(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=8).digest()


def half(items: list[str], which: Half) -> list[str]:
    """A fixed half of ``items``: ordered by a hash of their text, the first half is for tuning."""
    ordered = sorted(items, key=_rank)
    middle = len(ordered) // 2
    return ordered[:middle] if which == "tune" else ordered[middle:]


def section_wordings(pack_key: str, section_id: str, which: Half) -> list[str]:
    sections = wordings()[pack_key]["sections"]
    assert isinstance(sections, dict)
    return half(list(sections[section_id]), which)


def unrelated(pack_key: str, which: Half) -> list[str]:
    items = wordings()[pack_key]["unrelated"]
    assert isinstance(items, list)
    return half([str(item) for item in items], which)


@dataclass
class Tally:
    """Section headings found, missed and wrong, with the misses listed for reading."""

    found: int = 0
    missed: int = 0
    wrong: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / max(self.found + self.missed, 1)

    @property
    def precision(self) -> float:
        return self.found / max(self.found + self.wrong, 1)

    def add(self, other: Tally) -> None:
        self.found += other.found
        self.missed += other.missed
        self.wrong += other.wrong
        self.misses += other.misses


# (heading, the section id it is or None for an unrelated heading, whether it is counted)
Heading = tuple[str, str | None, bool]


def _report(headings: list[Heading]) -> str:
    parts = ["# Client report\n"]
    for heading, _, _ in headings:
        parts.append(f"\n## {heading}\n\nWhat this part of the plan says for the client, in a sentence.\n")
    return "".join(parts)


def score_report(pack: Pack, headings: list[Heading]) -> Tally:
    """Check a report of these (heading, expected section id or None) and count the matches."""
    result = check_text(_report(headings), "report.md", CheckOptions(packs=_packset(), pack=pack.key))
    tally = Tally()
    matched = [(s.section.heading.title, s.section.match) for s in result.sections]
    assert [title for title, _ in matched] == [h for h, _, _ in headings], "every heading is a section"
    for (heading, expected, counted), (_, match) in zip(headings, matched, strict=True):
        got = match.section_id
        if not counted:
            continue
        if expected is not None and got == expected:
            tally.found += 1
        elif expected is not None:
            tally.missed += 1
            tally.misses.append(f"{pack.key}: '{heading}' -> {got} ({match.how}), expected {expected}")
            if got is not None:
                tally.wrong += 1
        elif got is not None:
            tally.wrong += 1
            tally.misses.append(f"{pack.key}: unrelated '{heading}' -> {got} ({match.how})")
    return tally


@cache
def _packset() -> PackSet:
    return load_packs([builtin_benchmark_dir()], include_builtin=False)


def one_reworded(which: Half) -> Iterator[tuple[Pack, list[Heading]]]:
    for key, pack in sorted(packs().items()):
        labels: list[Heading] = [(section.label, section.id, False) for section in pack.sections]
        for position, section in enumerate(pack.sections):
            for wording in section_wordings(key, section.id, which):
                yield pack, [*labels[:position], (wording, section.id, True), *labels[position + 1 :]]
        for number, heading in enumerate(unrelated(key, which)):
            position = random.Random(f"{key}{number}").randrange(len(labels) + 1)
            yield pack, [*labels[:position], (heading, None, True), *labels[position:]]


def all_reworded(which: Half) -> Iterator[tuple[Pack, list[Heading]]]:
    for key, pack in sorted(packs().items()):
        extra = unrelated(key, which)
        for variant in range(len(section_wordings(key, pack.sections[0].id, which))):
            rng = random.Random(f"{key}/{variant}")
            kept = [s for s in pack.sections if rng.random() > 0.15]
            headings: list[Heading] = [(section_wordings(key, s.id, which)[variant], s.id, True) for s in kept]
            for heading in rng.sample(extra, k=min(2, len(extra))):
                headings.insert(rng.randrange(1, len(headings) + 1), (heading, None, True))
            if variant % 3 == 0:
                headings = [(f"{n}. {text}", expected, True) for n, (text, expected, _) in enumerate(headings, start=1)]
            yield pack, headings


def measure(which: Half) -> dict[str, Tally]:
    """The tallies of both kinds of report on one half of the set."""
    totals = {"one reworded": Tally(), "all reworded": Tally()}
    for name, reports in (("one reworded", one_reworded(which)), ("all reworded", all_reworded(which))):
        for pack, headings in reports:
            totals[name].add(score_report(pack, headings))
    return totals
