"""Read and validate pack and library files: YAML or JSON with exact error locations, includes
resolved, overrides merged.

A broken file is reported as :class:`~aicmo_core.errors.Problem` entries naming file, 1-based line
and column and the field path; the other files still load, whatever is wrong with it. Files are
read as untrusted input (``yaml_data``, ``aicmo_core.input_files``) and only inside the folders the
caller allows. Every read is noted (:class:`~aicmo_core.benchmarks.pack_cache.FileRead`) so that the
pack cache can tell, without parsing anything, that a cached result still holds.

This is the slow part of loading (YAML parsing and pydantic validation); :mod:`loader` imports it
only when the pack cache has no valid entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from aicmo_core.benchmarks.file_models import (
    LibraryFile,
    PackFile,
    SectionDefinition,
    merge_override,
    to_benchmark,
)
from aicmo_core.benchmarks.models import Pack, SectionBenchmark, SectionSource
from aicmo_core.benchmarks.pack_cache import FileRead, text_digest
from aicmo_core.benchmarks.yaml_data import LoadedYaml, PathKey, parse_benchmark_yaml
from aicmo_core.errors import BenchmarkError, Problem
from aicmo_core.input_files import InputFileError, describe_folders, is_within, mtime_ns, read_input_file

# A broken file is told in a few located problems, not in thousands (a generated file, a fuzzer).
MAX_PROBLEMS_PER_FILE = 20


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


def read_noted(path: Path, within: Sequence[Path] | None, reads: list[FileRead] | None) -> LoadedYaml:
    """Read and parse one benchmark file, noting the read (the text's digest, or the refusal)."""
    try:
        text = read_input_file(path, within=within)
    except InputFileError as exc:
        if reads is not None:
            reads.append(FileRead.of(path, within, text_digest(None, exc.problems)))
        raise BenchmarkError(exc.problems) from None
    if reads is not None:
        reads.append(FileRead.of(path, within, text_digest(text)))
    return parse_benchmark_yaml(path, text)


@lru_cache(maxsize=64)
def _library(path: Path, text: str) -> tuple[tuple[SectionBenchmark, ...], LoadedYaml]:
    loaded = parse_benchmark_yaml(path, text)
    try:
        library = LibraryFile.model_validate(loaded.data)
    except ValidationError as exc:
        raise BenchmarkError(_dedupe(_validation_problems(loaded, exc))) from None
    return tuple(to_benchmark(section) for section in library.sections), loaded


def load_library(
    path: Path, stamps: dict[Path, int] | None = None
) -> tuple[tuple[SectionBenchmark, ...], LoadedYaml, str]:
    """Load a library file's sections (parsed once while its text is the same), noting its time in
    ``stamps``; with the file's positions and the digest of its text."""
    resolved = path.resolve()
    if stamps is not None:
        stamps[resolved] = mtime_ns(resolved)
    try:
        text = read_input_file(resolved)
    except InputFileError as exc:
        raise BenchmarkError(exc.problems) from None
    sections, loaded = _library(resolved, text)
    return sections, loaded, text_digest(text)


def _included(
    path: Path,
    loaded: LoadedYaml,
    includes: Sequence[str],
    within: Sequence[Path] | None,
    stamps: dict[Path, int],
    *,
    reads: list[FileRead] | None,
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
            sections, library_yaml, digest = load_library(library_path, stamps)
        except BenchmarkError as exc:
            if reads is not None:  # unresolved, so that a link pointed elsewhere is another read
                reads.append(FileRead.of(path.parent / include, within, text_digest(None, exc.problems)))
            problems.append(loaded.problem(f"cannot include {include!r}", ("include", index)))
            problems.extend(exc.problems)
            continue
        if reads is not None:
            reads.append(FileRead.of(path.parent / include, within, digest))
        for position, section in enumerate(sections):
            line = library_yaml.positions.get(("sections", position), (0, 0))[0]
            available[section.id] = (section, SectionSource(library_path, line))
    if problems:
        # Without the library, every section taken from it would be reported "not defined" or
        # "missing a field": errors the writer did not make. Fix the include first.
        raise BenchmarkError(_dedupe(problems))
    return available


def read_pack_file(
    path: Path,
    *,
    within: Sequence[Path] | None = None,
    stamps: dict[Path, int] | None = None,
    reads: list[FileRead] | None = None,
) -> Pack:
    """Load one pack file and resolve its includes, raising :class:`BenchmarkError` when broken.

    ``within``: the resolved folders the pack and its libraries must lie in (None: anywhere, for a
    file the caller chose); ``stamps`` collects the modification time of every file read, ``reads``
    what each read gave.
    """
    stamps = {} if stamps is None else stamps
    stamps[path.resolve()] = mtime_ns(path)
    loaded = read_noted(path, within, reads)
    if "library" in loaded.data and "key" not in loaded.data:
        raise BenchmarkError([loaded.problem("this is a library file, not a pack", ("library",))])
    try:
        pack_file = PackFile.model_validate(loaded.data)
    except ValidationError as exc:
        raise BenchmarkError(_dedupe(_validation_problems(loaded, exc))) from None
    available = _included(path, loaded, pack_file.include, within, stamps, reads=reads)

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
            section = to_benchmark(SectionDefinition.model_validate(fields))
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
