"""Load benchmark files (YAML or JSON) with exact error locations, resolve includes, build packs.

A broken file is reported as :class:`~aicmo_core.errors.Problem` entries naming file, 1-based line
and column and the field path; the other files still load.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from aicmo_core.benchmarks.models import (
    LibraryFile,
    Pack,
    PackFile,
    SectionBenchmark,
    SectionSource,
    merge_override,
)
from aicmo_core.errors import BenchmarkError, Problem

BENCHMARK_SUFFIXES = (".yaml", ".yml", ".json")
PathKey = tuple[str | int, ...]


def builtin_benchmark_dir() -> Path:
    """The packs shipped with aicmo: inside the installed package, or the repository's folder."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_benchmarks", here.parent / "benchmarks"):
        if (candidate / "packs").is_dir():
            return candidate
    raise FileNotFoundError("aicmo's built-in benchmarks are missing from this installation")


@dataclass(frozen=True, slots=True)
class LoadedYaml:
    """A parsed document as plain Python data, with the 0-based position of every key and item."""

    path: Path
    data: Any
    positions: dict[PathKey, tuple[int, int]]

    def locate(self, loc: Sequence[str | int]) -> tuple[int, int] | None:
        """The position of the longest prefix of ``loc`` that exists in the file."""
        key = tuple(loc)
        while key:
            if key in self.positions:
                return self.positions[key]
            key = key[:-1]
        return self.positions.get((), None)

    def problem(self, message: str, loc: Sequence[str | int] = ()) -> Problem:
        position = self.locate(loc)
        return Problem(
            path=self.path,
            message=message,
            line=position[0] + 1 if position else None,
            column=position[1] + 1 if position else None,
            field=_dotted(loc) or None,
        )


def _dotted(loc: Iterable[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _plain(node: Any, path: PathKey, positions: dict[PathKey, tuple[int, int]]) -> Any:
    """Convert ruamel's round-trip nodes to plain data while recording positions."""
    if isinstance(node, CommentedMap):
        result: dict[str, Any] = {}
        for key, value in node.items():
            child = (*path, str(key))
            line, col = node.lc.key(key)
            positions[child] = (line, col)
            result[str(key)] = _plain(value, child, positions)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            child = (*path, index)
            line, col = node.lc.item(index)
            positions[child] = (line, col)
            items.append(_plain(value, child, positions))
        return items
    return node


def read_benchmark_file(path: Path) -> LoadedYaml:
    """Parse one YAML or JSON benchmark file, raising :class:`BenchmarkError` with its location."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BenchmarkError([Problem(path, f"cannot read benchmark file: {exc}")]) from None
    yaml = YAML(typ="rt")
    try:
        node = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        raise BenchmarkError(
            [Problem(path, message, mark.line + 1 if mark else None, mark.column + 1 if mark else None)]
        ) from None
    except Exception as exc:  # ruamel raises a few unmarked errors (for example on bad encodings)
        raise BenchmarkError([Problem(path, f"invalid YAML: {exc}")]) from None
    positions: dict[PathKey, tuple[int, int]] = {(): (0, 0)}
    data = _plain(node, (), positions)
    if not isinstance(data, dict):
        raise BenchmarkError([Problem(path, "a benchmark file must be a mapping (key: value pairs)", 1, 1)])
    return LoadedYaml(path, data, positions)


def _validation_problems(loaded: LoadedYaml, error: ValidationError, prefix: PathKey = ()) -> list[Problem]:
    problems = []
    errors = error.errors(include_url=False)
    for item in errors:
        if item["type"] == "string_type" and isinstance(item["input"], dict) and "str" in item["loc"]:
            continue  # a section written as a mapping is not meant as a bare id: only its fields' errors help
        if item["type"] == "too_short" and item["input"] and _has_error_inside(errors, item["loc"]):
            continue  # "at least 1 item after validation": only an echo of the items' own errors
        loc = (*prefix, *(part for part in item["loc"] if not _is_union_tag(part)))
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown field (check its spelling against benchmarks/schema.json)"
        elif item["type"] == "missing":
            message = "required field is missing"
        problems.append(loaded.problem(message, loc))
    return problems


def _has_error_inside(errors: Sequence[ErrorDetails], loc: tuple[str | int, ...]) -> bool:
    return any(len(other["loc"]) > len(loc) and other["loc"][: len(loc)] == loc for other in errors)


def _is_union_tag(part: str | int) -> bool:
    # pydantic puts the union member's name in the location ("str", "SectionOverride"): not a field.
    return isinstance(part, str) and (part == "str" or part[:1].isupper())


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[object, ...]] = set()
    unique = []
    for problem in problems:
        key = (problem.line, problem.column, problem.message, problem.field)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


@cache
def _library(path: Path, mtime_ns: int) -> tuple[LibraryFile, LoadedYaml]:
    del mtime_ns  # part of the cache key only
    loaded = read_benchmark_file(path)
    try:
        library = LibraryFile.model_validate(loaded.data)
    except ValidationError as exc:
        raise BenchmarkError(_dedupe(_validation_problems(loaded, exc))) from None
    return library, loaded


def load_library(path: Path) -> tuple[LibraryFile, LoadedYaml]:
    """Load a library file (cached while the file is unchanged)."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise BenchmarkError([Problem(path, f"cannot read included library: {exc}")]) from None
    return _library(path.resolve(), mtime)


def load_pack_file(path: Path) -> Pack:
    """Load one pack file and resolve its includes, raising :class:`BenchmarkError` when broken."""
    loaded = read_benchmark_file(path)
    if "library" in loaded.data and "key" not in loaded.data:
        raise BenchmarkError([loaded.problem("this is a library file, not a pack", ("library",))])
    try:
        pack_file = PackFile.model_validate(loaded.data)
    except ValidationError as exc:
        raise BenchmarkError(_dedupe(_validation_problems(loaded, exc))) from None

    available: dict[str, tuple[SectionBenchmark, SectionSource]] = {}
    problems: list[Problem] = []
    for index, include in enumerate(pack_file.include):
        library_path = (path.parent / include).resolve()
        try:
            library, library_yaml = load_library(library_path)
        except BenchmarkError as exc:
            problems.append(loaded.problem(f"cannot include {include!r}", ("include", index)))
            problems.extend(exc.problems)
            continue
        for position, section in enumerate(library.sections):
            line = library_yaml.positions.get(("sections", position), (0, 0))[0]
            available[section.id] = (section, SectionSource(library_path, line))
    if problems:
        # Without the library, every section taken from it would be reported "not defined" or
        # "missing a field": errors the writer did not make. Fix the include first.
        raise BenchmarkError(_dedupe(problems))

    sections: list[SectionBenchmark] = []
    sources: dict[str, SectionSource] = {}
    for index, entry in enumerate(pack_file.sections):
        line = loaded.positions.get(("sections", index), (0, 0))[0]
        section_id = entry if isinstance(entry, str) else entry.id
        if section_id in sources:
            problems.append(loaded.problem(f"section {section_id!r} is listed twice", ("sections", index)))
            continue
        base = available.get(section_id)
        if isinstance(entry, str):
            if base is None:
                problems.append(
                    loaded.problem(
                        f"section {section_id!r} is not defined in any included library", ("sections", index)
                    )
                )
                continue
            sections.append(base[0])
            sources[section_id] = base[1]
            continue
        fields = merge_override(base[0], entry) if base else entry.model_dump(exclude_unset=True)
        try:
            section = SectionBenchmark.model_validate(fields)
        except ValidationError as exc:
            problems.extend(_validation_problems(loaded, exc, ("sections", index)))
            continue
        sections.append(section)
        sources[section_id] = SectionSource(path.resolve(), line)
    if problems:
        raise BenchmarkError(_dedupe(problems))
    return Pack(
        key=pack_file.key,
        label=pack_file.label,
        version=pack_file.version,
        strict=pack_file.strict,
        description=pack_file.description,
        sections=tuple(sections),
        path=path.resolve(),
        line=loaded.positions.get(("key",), (0, 0))[0],
        section_sources=sources,
    )


@dataclass(slots=True)
class PackSet:
    """The packs that loaded, and the problems of the files that did not."""

    packs: dict[str, Pack] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, key: str) -> Pack | None:
        return self.packs.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self.packs


def pack_files_in(folder: Path) -> list[Path]:
    """Pack files of a benchmark folder: ``packs/*`` if there is such a folder, else the folder's own
    files that are not libraries (``library/`` and ``schema.json`` are skipped)."""
    root = folder / "packs" if (folder / "packs").is_dir() else folder
    return sorted(p for p in root.iterdir() if p.suffix in BENCHMARK_SUFFIXES and p.name != "schema.json")


def load_packs(folders: Iterable[Path], *, include_builtin: bool = True) -> PackSet:
    """Load every pack of the built-in folder and then of ``folders``; a later pack with the same key
    replaces an earlier one, so teams can override a built-in pack."""
    result = PackSet()
    all_folders = [builtin_benchmark_dir()] if include_builtin else []
    all_folders.extend(folders)
    for folder in all_folders:
        if not folder.is_dir():
            result.problems.append(Problem(folder, "benchmark folder does not exist"))
            continue
        for path in pack_files_in(folder):
            try:
                pack = load_pack_file(path)
            except BenchmarkError as exc:
                result.problems.extend(exc.problems)
                continue
            result.packs[pack.key] = pack
    return result
