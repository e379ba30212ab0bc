"""``aicmo.toml``: a team's own benchmark folders, pack globs, aliases and severities.

The nearest ``aicmo.toml`` above a report applies. Paths in it are relative to its folder.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aicmo_core.errors import ConfigError, Problem
from aicmo_core.input_files import InputFileError, read_input_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_NAME = "aicmo.toml"
_TOML_WHERE_RE = re.compile(r" \(at (?:line (\d+), column (\d+)|end of document)\)$")
SeverityName = Literal["error", "warning", "info", "off"]


class AicmoConfig(BaseModel):
    """The contents of ``aicmo.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    benchmark_paths: tuple[str, ...] = Field(default=(), description="Extra benchmark folders.")
    default_pack: str | None = Field(default=None, description="Pack for reports nothing else maps.")
    packs: dict[str, str] = Field(default_factory=dict, description="File glob -> pack key.")
    aliases: dict[str, tuple[Annotated[str, Field(min_length=1)], ...]] = Field(
        default_factory=dict, description="Section id -> extra heading wordings."
    )
    severity: dict[str, SeverityName] = Field(
        default_factory=dict, description="Rule code or name -> error, warning, info or off."
    )
    root: Path = Field(default=Path("."), exclude=True)
    benchmark_paths_line: int | None = Field(default=None, exclude=True)  # for problems about them

    def benchmark_folders(self) -> list[Path]:
        return [(self.root / folder).resolve() for folder in self.benchmark_paths]

    def pack_for(self, path: Path) -> str | None:
        """The pack of the first glob in ``[packs]`` that matches ``path`` (relative to the root)."""
        try:
            relative = path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None
        for pattern, pack in self.packs.items():
            if fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(relative, pattern.replace("**/", "")):
                return pack
        return None


def load_config(path: Path) -> AicmoConfig:
    """Read one ``aicmo.toml``, raising :class:`ConfigError` with line and field on any problem.

    The file is untrusted input (a cloned repository): a regular file of at most 1 MB that resolves
    inside its own folder (see :func:`~aicmo_core.input_files.read_input_file`).
    """
    try:
        text = read_input_file(path, within=[path.parent.resolve()])
    except InputFileError as exc:
        raise ConfigError(exc.problems) from None
    try:
        data = tomllib.loads(text)
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise ConfigError([Problem(path, "invalid TOML: values nested too deeply")]) from None
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "colno", None)
        message = str(exc)
        where = _TOML_WHERE_RE.search(message)
        if where:
            # Before Python 3.14 the position is only in the message: "... (at line 2, column 5)".
            message = message[: where.start()]
            if line is None and where.group(1):
                line, column = int(where.group(1)), int(where.group(2))
            elif line is None:  # "(at end of document)"
                line = text.count("\n") + 1
        raise ConfigError([Problem(path, f"invalid TOML: {message}", line, column)]) from None
    try:
        config = AicmoConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = [str(part) for part in error["loc"]]
            problems.append(Problem(path, error["msg"], _line_of_key(text, loc), None, ".".join(loc)))
        raise ConfigError(problems) from None
    return config.model_copy(
        update={"root": path.parent.resolve(), "benchmark_paths_line": _line_of_key(text, ["benchmark_paths"])}
    )


def _line_of_key(text: str, loc: list[str]) -> int | None:
    """Best-effort 1-based line of the innermost key of ``loc`` (tomllib keeps no positions)."""
    for key in reversed(loc):
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip().strip("[]").strip()
            if stripped.startswith((key, f'"{key}"')):
                return number
    return None


def find_config(start: Path, stop: Path | None = None) -> Path | None:
    """The nearest ``aicmo.toml`` in ``start`` (a file's folder) or above it, not above ``stop``.

    Anything of that name that is not a folder counts (a FIFO, a broken link): reading it then says
    what is wrong, rather than a config further up applying silently.
    """
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    stop_at = stop.resolve() if stop else None
    while True:
        candidate = folder / CONFIG_NAME
        if os.path.lexists(candidate) and not candidate.is_dir():
            return candidate
        if folder in (stop_at, folder.parent):
            return None
        folder = folder.parent
