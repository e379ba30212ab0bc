"""What every ``aicmo`` command shares: exit codes, usage errors, progress bars. (Files are written by
:mod:`aicmo_core.cli.report_file`.)"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from aicmo_core.report_size import DEFAULT_MAX_FILE_MB

if TYPE_CHECKING:
    from rich.progress import Progress

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
    # rich only now: a command whose output nobody watches (CI, a pipe) never imports it.
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    columns: list[ProgressColumn] = [TextColumn(description), BarColumn(), MofNCompleteColumn()]
    if time_remaining:
        columns.append(TimeRemainingColumn())
    return Progress(*columns, console=Console(stderr=True), transient=True)


def _megabytes(value: str) -> float:
    try:
        megabytes = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not megabytes > 0:
        raise argparse.ArgumentTypeError(f"{value} is not above 0")
    return megabytes


def add_max_file_size_option(parser: argparse.ArgumentParser) -> None:
    """``--max-file-size-mb``: the one size limit of a report (see :mod:`aicmo_core.report_size`)."""
    parser.add_argument(
        "--max-file-size-mb",
        type=_megabytes,
        default=DEFAULT_MAX_FILE_MB,
        metavar="MB",
        help=f"larger reports are not read, and exit with 2 (default {DEFAULT_MAX_FILE_MB:g})",
    )
