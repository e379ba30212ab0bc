"""Section matching on heading wordings written without the packs' aliases (tests/support/matching_set.py).

The set was split once, by a hash of each wording, into a half the matcher was tuned on and a half
kept aside and never looked at while tuning. Both are asserted here so that a change that makes
matching worse fails; the numbers of both are in perf/RESULTS.md. The floors are the measured
values rounded down, not the goals (recall 90%, precision 97%): the kept-aside half does not reach
the recall goal, and the test says so rather than hiding it.
"""

from __future__ import annotations

import pytest

from tests.support.matching_set import Tally, measure, packs, section_wordings, unrelated, wordings

# (kind of report, half) -> (recall floor, precision floor)
FLOORS = {
    ("one reworded", "tune"): (0.92, 0.98),
    ("all reworded", "tune"): (0.85, 0.95),
    ("one reworded", "kept"): (0.85, 0.98),
    ("all reworded", "kept"): (0.79, 0.94),
}


@pytest.fixture(scope="module")
def tallies() -> dict[tuple[str, str], Tally]:
    found: dict[tuple[str, str], Tally] = {}
    for half in ("tune", "kept"):
        for kind, tally in measure(half).items():  # type: ignore[arg-type]
            found[(kind, half)] = tally
    return found


def test_the_set_covers_every_section_of_every_pack_with_six_wordings() -> None:
    assert sorted(wordings()) == sorted(packs())
    for key, pack in packs().items():
        for section in pack.sections:
            assert len(section_wordings(key, section.id, "tune")) == 3
            assert len(section_wordings(key, section.id, "kept")) == 3
        assert len(unrelated(key, "tune")) == len(unrelated(key, "kept")) == 5


@pytest.mark.parametrize(("kind", "half"), sorted(FLOORS))
def test_recall_and_precision_stay_above_their_floors(
    tallies: dict[tuple[str, str], Tally], kind: str, half: str
) -> None:
    tally = tallies[(kind, half)]
    recall_floor, precision_floor = FLOORS[(kind, half)]
    summary = f"{kind}, {half}: recall {tally.recall:.3f}, precision {tally.precision:.3f}"
    assert tally.recall >= recall_floor, summary + "\n" + "\n".join(tally.misses[:40])
    assert tally.precision >= precision_floor, summary + "\n" + "\n".join(tally.misses[:40])
