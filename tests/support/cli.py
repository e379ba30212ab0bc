"""Run ``aicmo`` as CI runs it: a separate process (``python -m aicmo_core.cli``), a minimal
environment (no variable of the developer's shell leaks in: no API key, no data folder, no colours),
and its exact exit code, standard output and standard error.

    result = run_aicmo("check", "report.md", cwd=tmp_path, env={"AICMO_DATA_DIR": str(tmp_path / "d")})
    assert result.returncode == 1, result.stderr

``CI_ENV`` is the base environment (read-only: merge over it, ``CI_ENV | {...}``), ``aicmo_command``
the command line, for a test that needs ``subprocess.Popen`` (a run started in the background, a
standard input that stays open), and ``run_aicmo`` runs one to the end.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

# One pack cache for every test run (its entries are keyed by the files' contents, so tests share
# it safely), not the developer's own; tests of the cache itself set AICMO_CACHE_DIR.
TEST_PACK_CACHE = Path(tempfile.gettempdir()) / "aicmo-tests-pack-cache"
CI_ENV: MappingProxyType[str, str] = MappingProxyType(
    {"PATH": "/usr/bin:/bin", "CI": "true", "AICMO_CACHE_DIR": str(TEST_PACK_CACHE)}
)
TIMEOUT = 120.0  # seconds: a run that hangs fails with ``subprocess.TimeoutExpired`` instead of hanging the tests


def aicmo_command(*args: str) -> list[str]:
    """The command line of ``aicmo ARGS`` with this interpreter."""
    return [sys.executable, "-m", "aicmo_core.cli", *args]


def run_aicmo(
    *args: str,
    cwd: Path | None,
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
    **kwargs: Any,
) -> subprocess.CompletedProcess[str]:
    """Run ``aicmo ARGS`` in ``cwd`` (``None``: this process's working directory) with ``CI_ENV``
    and ``env`` over it, and return what it printed (text) and its exit code, whatever that is.
    Other keyword arguments (``preexec_fn``, ``stdin``, ...) go to ``subprocess.run``."""
    return subprocess.run(
        aicmo_command(*args),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**CI_ENV, **(env or {})},
        timeout=timeout,
        **kwargs,
    )
