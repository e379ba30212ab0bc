"""``aicmo.toml`` (or ``[tool.aicmo]`` in ``pyproject.toml``): a team's own benchmark folders, pack
globs, aliases, severities and excluded paths.

The nearest settings file above a report applies. Paths in it are relative to its folder.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from aicmo_core.benchmarks.pack_cache import this_process
from aicmo_core.errors import ConfigError, Problem
from aicmo_core.input_files import InputFileError, read_input_file

if TYPE_CHECKING:
    from aicmo_core.config_file import SeverityName

CONFIG_NAME = "aicmo.toml"
PYPROJECT_NAME = "pyproject.toml"
TOOL_TABLE = "tool.aicmo"
# A pyproject.toml that is not valid TOML counts as aicmo's when its text names the table.
_TOOL_TABLE_RE = re.compile(r"\btool\s*\.\s*[\"']?aicmo\b")
_TOML_WHERE_RE = re.compile(r" \(at (?:line (\d+), column (\d+)|end of document)\)$")


@dataclass(frozen=True)
class AicmoConfig:
    """The contents of ``aicmo.toml``, validated (by ``config_file.AicmoConfigFile``, which documents
    each field: pydantic is imported only when a settings file is read)."""

    benchmark_paths: tuple[str, ...] = ()
    default_pack: str | None = None
    packs: Mapping[str, str] = field(default_factory=dict)
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    severity: Mapping[str, SeverityName] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    root: Path = Path(".")
    source: Path = Path(CONFIG_NAME)  # the file it was read from
    benchmark_paths_line: int | None = None  # for problems about them

    def field_path(self, key: str) -> str:
        """``key`` as a problem names it: ``tool.aicmo.key`` in a pyproject.toml."""
        return f"{TOOL_TABLE}.{key}" if self.source.name == PYPROJECT_NAME else key

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
    """Read one ``aicmo.toml``, or the ``[tool.aicmo]`` table of a ``pyproject.toml``, raising
    :class:`ConfigError` with line and field on any problem.

    The file is untrusted input (a cloned repository): a regular file of at most 1 MB that resolves
    inside its own folder (see :func:`~aicmo_core.input_files.read_input_file`).
    """
    try:
        text = read_input_file(path, within=[path.parent.resolve()])
    except InputFileError as exc:
        raise ConfigError(exc.problems) from None
    table = TOOL_TABLE if path.name == PYPROJECT_NAME else None
    # Validated once per text (in the pack cache, when the process has one): a settings file that
    # did not change costs neither a TOML parse nor pydantic.
    cache, name = this_process(), f"settings {path.resolve()}"
    fields = cache.load_data(name, text) if cache is not None else None
    if not isinstance(fields, dict):
        fields = _validated_fields(path, text, table)
        if cache is not None:
            cache.store_data(name, text, fields)
    return replace(
        AicmoConfig(**fields),
        root=path.parent.resolve(),
        source=path,
        benchmark_paths_line=_line_of_key(text, ["benchmark_paths"], table),
    )


def _validated_fields(path: Path, text: str, table: str | None) -> dict[str, Any]:
    """The settings of ``text`` validated, as plain values, or :class:`ConfigError`."""
    data = _parse_toml(path, text)
    if table is not None:
        tool = data.get("tool")
        settings = tool.get("aicmo", {}) if isinstance(tool, dict) else {}
        if not isinstance(settings, dict):
            line = _line_of_key(text, ["aicmo", TOOL_TABLE])
            raise ConfigError([Problem(path, f"[{TOOL_TABLE}] must be a table", line, None, TOOL_TABLE)])
        data = settings
    # pydantic only now: a folder without settings never imports it.
    from pydantic import ValidationError  # noqa: PLC0415

    from aicmo_core.config_file import AicmoConfigFile  # noqa: PLC0415

    try:
        validated = AicmoConfigFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = [str(part) for part in error["loc"]]
            field = ".".join([table, *loc] if table else loc)
            problems.append(Problem(path, error["msg"], _line_of_key(text, loc, table), None, field))
        raise ConfigError(problems) from None
    return validated.model_dump()


def _toml() -> ModuleType:
    """``tomllib`` (``tomli`` before Python 3.11), imported when a settings file is read: 5 ms of
    start-up that a folder without one does not pay."""
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # noqa: PLC0415
    return tomllib


def _parse_toml(path: Path, text: str) -> dict[str, object]:
    tomllib = _toml()
    try:
        return tomllib.loads(text)  # type: ignore[no-any-return]
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


def _line_of_key(text: str, loc: list[str], table: str | None = None) -> int | None:
    """Best-effort 1-based line of the innermost key of ``loc`` (tomllib keeps no positions).

    With ``table`` (``tool.aicmo``), keys are searched from the table's first header on, and read
    in headers without the table's name (``[tool.aicmo.severity]`` is ``severity``)."""
    lines = text.splitlines()
    first = 0
    if table:
        first = next((i for i, line in enumerate(lines) if _header(line).startswith(table)), 0)
    for key in reversed(loc):
        if key.isdigit():  # a list index: the list's key says where
            continue
        for number in range(first, len(lines)):
            stripped = _header(lines[number])
            if table and stripped.startswith(f"{table}."):
                stripped = stripped[len(table) + 1 :]
            if stripped.startswith((key, f'"{key}"')):
                return number + 1
    return None


def _header(line: str) -> str:
    return line.strip().strip("[]").strip()


def has_aicmo_table(pyproject: Path) -> bool:
    """Whether a ``pyproject.toml`` holds aicmo settings (a ``[tool.aicmo]`` table).

    One aicmo may not read (see :func:`~aicmo_core.input_files.read_input_file`) does not; one
    that is not valid TOML does when its text names the table, so that loading it says what is
    wrong rather than a settings file further up applying silently."""
    try:
        text = read_input_file(pyproject, within=[pyproject.parent.resolve()])
    except InputFileError:
        return False
    if "aicmo" not in text:  # most pyproject.toml files: no TOML parse at all
        return False
    tomllib = _toml()
    try:
        data = tomllib.loads(text)
    except (RecursionError, tomllib.TOMLDecodeError):
        return _TOOL_TABLE_RE.search(text) is not None
    tool = data.get("tool")
    return isinstance(tool, dict) and "aicmo" in tool


def find_config_files(
    start: Path, stop: Path | None = None, is_aicmo_pyproject: Callable[[Path], bool] = has_aicmo_table
) -> tuple[Path, ...]:
    """The settings files of the nearest folder that has any, from ``start`` (a file's folder) up,
    not above ``stop``: its ``aicmo.toml``, its ``pyproject.toml`` if that has a ``[tool.aicmo]``
    table, or both (a configuration error, which the caller reports); ``()`` when no folder has one.

    Anything named ``aicmo.toml`` that is not a folder counts (a FIFO, a broken link): reading it
    then says what is wrong, rather than a config further up applying silently.
    """
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    stop_at = stop.resolve() if stop else None
    while True:
        candidate = folder / CONFIG_NAME
        pyproject = folder / PYPROJECT_NAME
        found = [candidate] if os.path.lexists(candidate) and not candidate.is_dir() else []
        if pyproject.is_file() and is_aicmo_pyproject(pyproject):
            found.append(pyproject)
        if found:
            return tuple(found)
        if folder in (stop_at, folder.parent):
            return ()
        folder = folder.parent


def both_configs_problem(aicmo_toml: Path, pyproject: Path) -> Problem:
    """One folder with two settings files: neither is used until one goes."""
    message = (
        f"{pyproject} has a [{TOOL_TABLE}] table too: aicmo's settings must be in one of the two files, "
        "so neither is used (see docs/configuration.md#toolaicmo-in-pyprojecttoml)"
    )
    return Problem(aicmo_toml, message)
