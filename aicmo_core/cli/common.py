"""What every ``aicmo`` command shares: exit codes, usage errors, progress bars, writing files."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or input the command cannot use: printed as ``aicmo: ...``, exit 2."""


def progress_bar(description: str, total: int, *, time_remaining: bool = False) -> Progress | None:
    """A transient progress bar on standard error, or None where nobody watches (not a terminal, CI,
    or nothing to count)."""
    if not sys.stderr.isatty() or os.environ.get("CI") or total < 1:
        return None
    columns: list[ProgressColumn] = [TextColumn(description), BarColumn(), MofNCompleteColumn()]
    if time_remaining:
        columns.append(TimeRemainingColumn())
    return Progress(*columns, console=Console(stderr=True), transient=True)


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, so a crash never leaves half a report."""
    folder = path.resolve().parent
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp") as handle:
        handle.write(text)
        temporary = Path(handle.name)
    if path.exists():
        os.chmod(temporary, path.stat().st_mode & 0o777)
    os.replace(temporary, path)
