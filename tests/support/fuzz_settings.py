"""Hypothesis settings the fuzz tests share (``tests/fuzz/``), and a longer campaign on request.

Every example has its own time limit, so a failing one can cost that whole limit: the fuzz tests do
not shrink (what they print is small enough to read: a repository's files, a few frames) and keep no
example database (nothing is written outside the test's folders). ``AICMO_FUZZ_SCALE=20 pytest
tests/fuzz`` runs twenty times as many examples; the default keeps the fuzz tests under a minute.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

SCALE = max(1, int(os.environ.get("AICMO_FUZZ_SCALE", "1") or "1"))

FUZZ_SETTINGS = settings(
    deadline=None,
    database=None,
    print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def examples(count: int) -> int:
    """``count`` examples, times ``AICMO_FUZZ_SCALE``."""
    return count * SCALE
