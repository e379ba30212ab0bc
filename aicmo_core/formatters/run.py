"""What one ``aicmo check`` run produced, the one input of every output format: the checked files
with their results, and the files aicmo could not use."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from aicmo_core.check import ReportResult
from aicmo_core.errors import Problem

ProblemKind = Literal["configuration", "read"]


@dataclass(frozen=True, slots=True)
class RunProblem:
    """A file the run could not use, which makes ``aicmo check`` exit with 2: a ``configuration``
    error (a broken ``aicmo.toml`` or benchmark file, a refused file) or a report it could not
    ``read``. ``line`` and ``column`` are 1-based, when known."""

    kind: ProblemKind
    path: Path
    message: str
    line: int | None = None
    column: int | None = None

    @classmethod
    def configuration(cls, problem: Problem) -> RunProblem:
        field = f" [{problem.field}]" if problem.field else ""
        return cls("configuration", problem.path, problem.message + field, problem.line, problem.column)

    @classmethod
    def unreadable(cls, path: Path, error: str) -> RunProblem:
        """``error`` as the reader words it, usually ``PATH: cannot read: ...``; the path is kept apart."""
        return cls("read", path, error.removeprefix(f"{path}: "))

    def located(self) -> str:
        """``PATH:LINE:COLUMN: message``, the way standard error shows it (a reader's message that
        starts with the path, such as "big.md is 12.3 MB; ...", already says where)."""
        if self.kind == "read" and self.message.startswith(str(self.path)):
            return self.message
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        return f"{where}: {self.message}"

    def stderr_line(self) -> str:
        prefix = "aicmo: configuration error: " if self.kind == "configuration" else "aicmo: "
        return prefix + self.located()


@dataclass(frozen=True, slots=True)
class CheckRun:
    """``results`` pairs each checked file's display path (see :func:`display_path`) with its
    result, in the order checked; ``root`` is the folder the run started in; ``quiet`` is
    ``--quiet`` (hide ``info`` findings, in the formats that honour it)."""

    results: Sequence[tuple[str, ReportResult]]
    problems: Sequence[RunProblem]
    root: Path
    quiet: bool = False


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` in forward-slash form when it lies inside it, else as given."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def is_inside(display: str) -> bool:
    """Whether a display path names a file inside the run's root (relative, no ``..``)."""
    posix = PurePosixPath(display)
    return not posix.is_absolute() and not Path(display).is_absolute() and ".." not in posix.parts


def absolute_path(display: str, root: Path) -> Path:
    """The absolute, normalised (``..`` removed, symlinks kept) path of a display path."""
    return Path(os.path.abspath(root / display))
