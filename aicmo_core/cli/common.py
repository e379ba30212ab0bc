"""What every ``aicmo`` command shares: exit codes, usage errors, progress bars. (Files are written by
:mod:`aicmo_core.cli.report_file`.)"""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
# ``fix`` and ``new``: the sections were written, the file was not (it changed meanwhile, or writing failed).
EXIT_NOT_WRITTEN = 3


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
