"""Load benchmark files (YAML or JSON) with exact error locations, resolve includes, build packs.

A broken file is reported as :class:`~aicmo_core.errors.Problem` entries naming file, 1-based line
and column and the field path; the other files still load, whatever is wrong with it. Files are
read as untrusted input (``yaml_data``, ``aicmo_core.input_files``) and only inside the folders a
:class:`BenchmarkFolder` allows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from aicmo_core.benchmarks.models import (
    LibraryFile,
    Pack,
    PackFile,
    SectionBenchmark,
    SectionSource,
    merge_override,
)
from aicmo_core.benchmarks.yaml_data import LoadedYaml, PathKey, read_benchmark_file
from aicmo_core.errors import BenchmarkError, Problem
from aicmo_core.input_files import describe_folders, is_within, mtime_ns

BENCHMARK_SUFFIXES = (".yaml", ".yml", ".json")
# A broken file is told in a few located problems, not in thousands (a generated file, a fuzzer).
MAX_PROBLEMS_PER_FILE = 20
# More pack files than any team keeps; beyond it a folder is someone's whole disk or a trap.
MAX_PACK_FILES = 500
log = logging.getLogger(__name__)


def builtin_benchmark_dir() -> Path:
    """The packs shipped with aicmo: inside the installed package, or the repository's folder."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_benchmarks", here.parent / "benchmarks"):
        if (candidate / "packs").is_dir():
            return candidate
    raise FileNotFoundError("aicmo's built-in benchmarks are missing from this installation")


@dataclass(frozen=True, slots=True)
class BenchmarkFolder:
    """A benchmark folder and the folders its pack and library files may resolve into.

    A folder the user names (``--benchmarks``, ``aicmo.benchmarkPaths``) or the built-in one is
    confined to itself; a folder an ``aicmo.toml`` names, to the folder of that ``aicmo.toml``
    (and the user's folders). See ``docs/configuration.md``, "Confinement".
    """

    path: Path
    within: tuple[Path, ...]

    @classmethod
    def own(cls, path: Path) -> BenchmarkFolder:
        resolved = path.resolve()
        return cls(resolved, (resolved,))


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
    """Each problem once, and at most :data:`MAX_PROBLEMS_PER_FILE` per file (then how many more)."""
    seen: set[tuple[object, ...]] = set()
    unique = []
    per_file: dict[Path, int] = {}
    for problem in problems:
        key = (problem.path, problem.line, problem.column, problem.message, problem.field)
        if key in seen:
            continue
        seen.add(key)
        per_file[problem.path] = per_file.get(problem.path, 0) + 1
        if per_file[problem.path] <= MAX_PROBLEMS_PER_FILE:
            unique.append(problem)
    for path, count in per_file.items():
        if count > MAX_PROBLEMS_PER_FILE:
            unique.append(Problem(path, f"and {count - MAX_PROBLEMS_PER_FILE} more problems in this file"))
    return unique


@lru_cache(maxsize=64)
def _library(path: Path, mtime: int) -> tuple[LibraryFile, LoadedYaml]:
    del mtime  # part of the cache key only
    loaded = read_benchmark_file(path)
    try:
        library = LibraryFile.model_validate(loaded.data)
    except ValidationError as exc:
        raise BenchmarkError(_dedupe(_validation_problems(loaded, exc))) from None
    return library, loaded


def load_library(path: Path, stamps: dict[Path, int] | None = None) -> tuple[LibraryFile, LoadedYaml]:
    """Load a library file (cached while the file is unchanged), noting its time in ``stamps``."""
    resolved = path.resolve()
    mtime = mtime_ns(resolved)
    if stamps is not None:
        stamps[resolved] = mtime
    return _library(resolved, mtime)


def _included(
    path: Path, loaded: LoadedYaml, includes: Sequence[str], within: Sequence[Path] | None, stamps: dict[Path, int]
) -> dict[str, tuple[SectionBenchmark, SectionSource]]:
    """The sections of the libraries a pack includes, by id (a later library wins)."""
    available: dict[str, tuple[SectionBenchmark, SectionSource]] = {}
    problems: list[Problem] = []
    for index, include in enumerate(includes):
        library_path = (path.parent / include).resolve()
        if within is not None and not is_within(library_path, within):
            message = (
                f"cannot include {include!r}: {library_path} is outside {describe_folders(within)} "
                "(see docs/configuration.md#confinement)"
            )
            problems.append(loaded.problem(message, ("include", index)))
            continue
        try:
            library, library_yaml = load_library(library_path, stamps)
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
    return available


def load_pack_file(path: Path, *, within: Sequence[Path] | None = None, stamps: dict[Path, int] | None = None) -> Pack:
    """Load one pack file and resolve its includes, raising :class:`BenchmarkError` when broken.

    ``within``: the resolved folders the pack and its libraries must lie in (None: anywhere, for a
    file the caller chose); ``stamps`` collects the modification time of every file read.
    """
    stamps = {} if stamps is None else stamps
    stamps[path.resolve()] = mtime_ns(path)
    loaded = read_benchmark_file(path, within=within)
    if "library" in loaded.data and "key" not in loaded.data:
        raise BenchmarkError([loaded.problem("this is a library file, not a pack", ("library",))])
    try:
        pack_file = PackFile.model_validate(loaded.data)
    except ValidationError as exc:
        raise BenchmarkError(_dedupe(_validation_problems(loaded, exc))) from None
    available = _included(path, loaded, pack_file.include, within, stamps)

    problems: list[Problem] = []
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
    """The packs that loaded, the problems of the files that did not, and the modification time of
    every file and folder read (what decides whether the set is still current)."""

    packs: dict[str, Pack] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    stamps: dict[Path, int] = field(default_factory=dict)

    def get(self, key: str) -> Pack | None:
        return self.packs.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self.packs

    def is_current(self) -> bool:
        """Whether no file or folder it was loaded from changed since."""
        return all(mtime_ns(path) == stamp for path, stamp in self.stamps.items())


def pack_files_in(folder: Path) -> list[Path]:
    """Pack files of a benchmark folder: ``packs/*`` if there is such a folder, else the folder's own
    files that are not libraries (``library/`` and ``schema.json`` are skipped)."""
    root = folder / "packs" if (folder / "packs").is_dir() else folder
    return sorted(p for p in root.iterdir() if p.suffix in BENCHMARK_SUFFIXES and p.name != "schema.json")


def load_packs(folders: Iterable[Path | BenchmarkFolder], *, include_builtin: bool = True) -> PackSet:
    """Load every pack of the built-in folder and then of ``folders``; a later pack with the same key
    replaces an earlier one, so teams can override a built-in pack. A plain path is a folder the
    user chose (confined to itself)."""
    result = PackSet()
    all_folders = [BenchmarkFolder.own(builtin_benchmark_dir())] if include_builtin else []
    all_folders.extend(f if isinstance(f, BenchmarkFolder) else BenchmarkFolder.own(f) for f in folders)
    for folder in all_folders:
        for path in _listed(folder.path, result):
            try:
                pack = load_pack_file(path, within=folder.within, stamps=result.stamps)
            except BenchmarkError as exc:
                result.problems.extend(exc.problems)
                continue
            except Exception as exc:  # a bug must cost one file, never every pack, never a traceback
                log.exception("loading %s failed", path)
                message = f"cannot be loaded: {type(exc).__name__}: {exc} (an error in aicmo; please report it)"
                result.problems.append(Problem(path, message))
                continue
            result.packs[pack.key] = pack
    return result


def _listed(folder: Path, result: PackSet) -> list[Path]:
    """The pack files of ``folder``, noting the folders' times; a problem when it cannot be listed."""
    packs_folder = folder / "packs"
    for listed in (folder, packs_folder):
        result.stamps[listed] = mtime_ns(listed)
    if not folder.is_dir():
        result.problems.append(Problem(folder, "benchmark folder does not exist"))
        return []
    try:
        paths = pack_files_in(folder)
    except OSError as exc:
        result.problems.append(Problem(folder, f"cannot list the benchmark folder: {exc.strerror or exc}"))
        return []
    if len(paths) > MAX_PACK_FILES:
        message = f"has {len(paths)} pack files; only the first {MAX_PACK_FILES} are read"
        result.problems.append(Problem(packs_folder if packs_folder.is_dir() else folder, message))
    return paths[:MAX_PACK_FILES]
