"""Errors the core raises for bad input. Each names the file and where in it the problem is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in an input file, with a 1-based line and column when known."""

    path: Path
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" [{self.field}]" if self.field else ""
        return f"{where}: {self.message}{field}"


class AicmoInputError(Exception):
    """An input file (benchmark pack, library or aicmo.toml) could not be used."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class BenchmarkError(AicmoInputError):
    """A benchmark pack or library file is broken."""


class ConfigError(AicmoInputError):
    """``aicmo.toml`` is broken."""
