"""Load benchmark packs: the built-in folder's, then the user's and an ``aicmo.toml``'s, each from
the pack cache when it still holds (:mod:`aicmo_core.benchmarks.pack_cache`), else read and validated
(:mod:`aicmo_core.benchmarks.pack_reader`, imported only then: it brings pydantic and YAML).

A broken file is reported as :class:`~aicmo_core.errors.Problem` entries naming file, 1-based line
and column and the field path; the other files still load, whatever is wrong with it. Files are
read as untrusted input (``yaml_data``, ``aicmo_core.input_files``) and only inside the folders a
:class:`BenchmarkFolder` allows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aicmo_core.benchmarks.models import Pack
from aicmo_core.benchmarks.pack_cache import FolderLoad, PackCache, this_process, vet_patterns
from aicmo_core.errors import BenchmarkError, Problem
from aicmo_core.input_files import mtime_ns

BENCHMARK_SUFFIXES = (".yaml", ".yml", ".json")
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


def load_pack_file(path: Path, *, within: Sequence[Path] | None = None, stamps: dict[Path, int] | None = None) -> Pack:
    """Load one pack file and resolve its includes, raising :class:`BenchmarkError` when broken.

    ``within``: the resolved folders the pack and its libraries must lie in (None: anywhere, for a
    file the caller chose); ``stamps`` collects the modification time of every file read.
    """
    from aicmo_core.benchmarks.pack_reader import read_pack_file  # noqa: PLC0415 (pydantic, YAML: when needed)

    return read_pack_file(path, within=within, stamps=stamps)


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


def load_packs(
    folders: Iterable[Path | BenchmarkFolder], *, include_builtin: bool = True, cache: PackCache | None = None
) -> PackSet:
    """Load every pack of the built-in folder and then of ``folders``; a later pack with the same key
    replaces an earlier one, so teams can override a built-in pack. A plain path is a folder the
    user chose (confined to itself). ``cache``: the pack cache to use (default: the one this
    process turned on, if any; see :func:`~aicmo_core.benchmarks.pack_cache.use_in_this_process`)."""
    cache = cache or this_process()
    result = PackSet()
    all_folders = [BenchmarkFolder.own(builtin_benchmark_dir())] if include_builtin else []
    all_folders.extend(f if isinstance(f, BenchmarkFolder) else BenchmarkFolder.own(f) for f in folders)
    for folder in all_folders:
        paths = _listed(folder.path, result)
        loaded = cache.load(folder.path, folder.within, paths) if cache is not None and paths else None
        if loaded is None:
            loaded = _read_folder(paths, folder.within)
            if cache is not None and paths and loaded.cacheable:
                cache.store(folder.path, folder.within, loaded)
        for pack in loaded.packs:
            result.packs[pack.key] = pack
        result.problems.extend(loaded.problems)
        result.stamps.update(loaded.stamps)
    return result


def _read_folder(paths: Sequence[Path], within: Sequence[Path]) -> FolderLoad:
    """Read and validate the pack files ``paths`` of one folder, noting every read."""
    loaded = FolderLoad(listing=tuple(str(path) for path in paths))
    if not paths:
        return loaded
    from aicmo_core.benchmarks.pack_reader import read_pack_file  # noqa: PLC0415 (on a cache miss only)

    for path in paths:
        try:
            pack = read_pack_file(path, within=within, stamps=loaded.stamps, reads=loaded.reads)
        except BenchmarkError as exc:
            loaded.problems.extend(exc.problems)
            continue
        except Exception as exc:  # a bug must cost one file, never every pack, never a traceback
            log.exception("loading %s failed", path)
            message = f"cannot be loaded: {type(exc).__name__}: {exc} (an error in aicmo; please report it)"
            loaded.problems.append(Problem(path, message))
            loaded.cacheable = False
            continue
        loaded.packs.append(pack)
    vet_patterns(loaded.packs)
    return loaded


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
