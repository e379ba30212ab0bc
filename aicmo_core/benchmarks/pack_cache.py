"""A cache of loaded benchmark folders, so a command does not parse and validate every pack file on
every run (YAML parsing and pydantic validation are most of a one-report ``aicmo check``).

One entry per benchmark folder (the built-in one, ``--benchmarks`` folders, an ``aicmo.toml``'s):
the packs it gave and the problems of its broken files, as plain data written with :mod:`marshal`
(no pickle: reading an entry runs nothing, and rebuilding the packs imports neither pydantic nor
a YAML parser). An entry is used only when it provably gives what loading would give:

- the entry's file name and header hold aicmo's version, the Python version and the folder (with
  the folders its files may resolve into);
- the folder lists the same pack files;
- every file the load read is read again, through the same guards (regular file, size limit,
  confinement: :func:`~aicmo_core.input_files.read_input_file`), and its text has the same digest
  (BLAKE2b); a file refused then must be refused now with the same words. So a changed, added or
  removed file, a library swapped through a link, a pack edited in the same second, all miss.

*Data entries* (:meth:`PackCache.load_data`) hold plain values built from one file's text, under
the digest of that text: validated settings files (:mod:`aicmo_core.config`), the built-in
vocabulary, the stems section matching met (:mod:`aicmo_core.document.stemming`).

An entry that cannot be read, is corrupt, or was written by another version is ignored and
rewritten; a cache folder that cannot be written is ignored: the cache never fails a command.
Writes are atomic (a temporary file renamed over the entry); past :data:`MAX_ENTRIES` entries, the
half used longest ago is removed.

The folder is ``platformdirs.user_cache_dir("aicmo")`` (``~/.cache/aicmo`` on Linux), or
``AICMO_CACHE_DIR``; ``AICMO_NO_CACHE=1`` turns the cache off. Only the environment chooses it,
never a repository's ``aicmo.toml``: an entry is trusted to hold what validation accepted, so only
aicmo, as the user, ever writes the folder. See ``docs/configuration.md``, "The pack cache".
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from aicmo_core import __version__
from aicmo_core.benchmarks.models import SECTION_FIELDS, Pack, SectionBenchmark, SectionFormat, SectionSource
from aicmo_core.benchmarks.patterns import vet
from aicmo_core.errors import Problem
from aicmo_core.input_files import InputFileError, mtime_ns, read_input_file

CACHE_FORMAT = 1  # raise when the layout of an entry changes
ENV_CACHE_DIR = "AICMO_CACHE_DIR"
ENV_NO_CACHE = "AICMO_NO_CACHE"
ENTRY_PREFIX = "packs-"
MAX_ENTRIES = 200  # beyond it, the half used longest ago is removed


def text_digest(text: str | None, refusal: Sequence[Problem] = ()) -> str:
    """The digest of a file's text, or (``text`` None) the words of the refusal to read it."""
    if text is None:
        return "refused: " + "\n".join(str(problem) for problem in refusal)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class FileRead:
    """One file a load read: the path it asked for, the folders it had to lie in, what it got."""

    path: str
    within: tuple[str, ...] | None
    digest: str

    @classmethod
    def of(cls, path: Path, within: Sequence[Path] | None, digest: str) -> FileRead:
        return cls(str(path), None if within is None else tuple(str(folder) for folder in within), digest)

    def still_holds(self) -> bool:
        """Whether reading the file again, the same way, gives the same text (or refusal)."""
        within = None if self.within is None else [Path(folder) for folder in self.within]
        try:
            text = read_input_file(Path(self.path), within=within)
        except InputFileError as exc:
            return text_digest(None, exc.problems) == self.digest
        return text_digest(text) == self.digest


@dataclass
class FolderLoad:
    """What loading one benchmark folder gave: its packs in file order, the problems of its broken
    files, what it read, and the files whose modification times say whether it is current."""

    listing: tuple[str, ...]
    packs: list[Pack] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    reads: list[FileRead] = field(default_factory=list)
    stamps: dict[Path, int] = field(default_factory=dict)
    cacheable: bool = True  # False after an error of aicmo's own: load again next time


def user_cache_folder() -> Path:
    """``platformdirs.user_cache_dir("aicmo")``. On Linux the same answer (``$XDG_CACHE_HOME/aicmo``,
    else ``~/.cache/aicmo``) is worked out here: importing platformdirs there also imports
    ``tempfile``, ``random`` and ``shutil``'s compressors, 7 ms of every command's start-up."""
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(base or os.path.expanduser("~/.cache")) / "aicmo"
    from platformdirs import user_cache_dir  # noqa: PLC0415

    return Path(user_cache_dir("aicmo", appauthor=False))


class PackCache:
    """Entries of loaded benchmark folders in one cache folder (see the module's description)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def from_environment(cls) -> PackCache | None:
        """The user's pack cache: ``AICMO_CACHE_DIR`` or the user cache folder; None when
        ``AICMO_NO_CACHE`` is set (to anything but ``0`` or nothing)."""
        if os.environ.get(ENV_NO_CACHE, "") not in ("", "0"):
            return None
        chosen = os.environ.get(ENV_CACHE_DIR)
        if chosen:
            return cls(Path(chosen))
        try:
            return cls(user_cache_folder())
        except Exception:  # no home folder to put it in: no cache
            return None

    def entry_path(self, folder: Path, within: Sequence[Path]) -> Path:
        return self.folder / f"{ENTRY_PREFIX}{_short(_header(folder, within))}.marshal"

    def load(self, folder: Path, within: Sequence[Path], listing: Sequence[Path]) -> FolderLoad | None:
        """The cached load of ``folder`` if it still holds (its pack files are ``listing``), else None."""
        entry = self.entry_path(folder, within)
        try:
            data = marshal.loads(entry.read_bytes())
            header, listed, reads, packs, problems, stamped = data
            if header != _header(folder, within) or listed != tuple(str(path) for path in listing):
                return None
            file_reads = [FileRead(path, _folders(inside), digest) for path, inside, digest in reads]
            if not all(read.still_holds() for read in file_reads):
                return None
            loaded = FolderLoad(
                listing=listed,
                packs=[_pack(item) for item in packs],
                problems=[Problem(Path(path), *rest) for path, *rest in problems],
                reads=file_reads,
                stamps={Path(path): mtime_ns(Path(path)) for path in stamped},
            )
        except Exception:  # missing, unreadable, corrupt, another layout: load the folder instead
            return None
        with contextlib.suppress(OSError):
            os.utime(entry)  # used now: the last to go when the cache is pruned
        vet_patterns(loaded.packs)  # validated when the entry was written
        return loaded

    def store(self, folder: Path, within: Sequence[Path], loaded: FolderLoad) -> None:
        """Write ``loaded`` as the entry of ``folder``, atomically; failing quietly."""
        data = (
            _header(folder, within),
            loaded.listing,
            tuple((read.path, read.within, read.digest) for read in loaded.reads),
            tuple(_plain_pack(pack) for pack in loaded.packs),
            tuple((str(p.path), p.message, p.line, p.column, p.field) for p in loaded.problems),
            tuple(str(path) for path in loaded.stamps),
        )
        self._write(self.entry_path(folder, within), data)

    def load_data(self, name: str, text: str) -> Any | None:
        """The data cached under ``name`` for a file whose text is ``text``, else None."""
        entry = self._data_path(name)
        try:
            header, digest, data = marshal.loads(entry.read_bytes())
        except Exception:  # missing, unreadable, corrupt: build it instead
            return None
        if header != _header(Path(name), ()) or digest != text_digest(text):
            return None
        with contextlib.suppress(OSError):
            os.utime(entry)
        return data

    def store_data(self, name: str, text: str, data: Any) -> None:
        """Cache ``data`` (plain values only) built from a file whose text is ``text``."""
        self._write(self._data_path(name), (_header(Path(name), ()), text_digest(text), data))

    def _data_path(self, name: str) -> Path:
        first = name.split(maxsplit=1)[0] if name.strip() else ""
        label = first if first.isalnum() else "value"  # readable, the digest tells entries apart
        return self.folder / f"data-{label}-{_short(_header(Path(name), ()))}.marshal"

    def _write(self, target: Path, data: Any) -> None:
        """Write ``data`` to ``target`` atomically (a temporary file renamed), failing quietly."""
        temporary = target.with_name(f"{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        try:
            payload = marshal.dumps(data)
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary.write_bytes(payload)
            os.replace(temporary, target)
        except Exception:  # read-only home, full disk, a folder where the file should be: no cache
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            return
        self._prune()

    def _prune(self) -> None:
        """Keep the :data:`MAX_ENTRIES` entries used last: every folder ever checked (a test's
        temporary folders, a moved checkout) leaves one."""
        try:
            entries = [(path.stat().st_mtime, path) for path in self.folder.glob("*.marshal")]
        except OSError:
            return
        if len(entries) <= MAX_ENTRIES:
            return
        for _, path in sorted(entries)[: len(entries) - MAX_ENTRIES // 2]:
            with contextlib.suppress(OSError):
                path.unlink()


def _folders(within: Sequence[str] | None) -> tuple[str, ...] | None:
    return None if within is None else tuple(within)


def _short(header: tuple[Any, ...]) -> str:
    return hashlib.blake2b(repr(header).encode(), digest_size=12).hexdigest()


def vet_patterns(packs: Iterable[Pack]) -> None:
    """Note the patterns of validated packs as such, so checks compile them without reading their
    shape again (see :func:`aicmo_core.benchmarks.patterns.compiled`)."""
    vet(pattern for pack in packs for section in pack.sections for pattern in section.forbidden_regex)


def _header(folder: Path, within: Sequence[Path]) -> tuple[Any, ...]:
    return (CACHE_FORMAT, __version__, sys.version, str(folder), tuple(str(path) for path in within))


def _plain_pack(pack: Pack) -> tuple[Any, ...]:
    sections = tuple(
        tuple(value.value if isinstance(value, SectionFormat) else value for value in section.as_dict().values())
        for section in pack.sections
    )
    sources = tuple((key, str(source.path), source.line) for key, source in pack.section_sources.items())
    return (
        pack.key,
        pack.label,
        pack.version,
        pack.strict,
        pack.description,
        sections,
        str(pack.path),
        pack.line,
        sources,
    )


def _pack(data: tuple[Any, ...]) -> Pack:
    key, label, version, strict, description, sections, path, line, sources = data
    return Pack(
        key=key,
        label=label,
        version=version,
        strict=strict,
        description=description,
        sections=tuple(_section(values) for values in sections),
        path=Path(path),
        line=line,
        section_sources={section_id: SectionSource(Path(where), at) for section_id, where, at in sources},
    )


def _section(values: Sequence[Any]) -> SectionBenchmark:
    fields = dict(zip(SECTION_FIELDS, values, strict=True))
    fields["format"] = SectionFormat(fields["format"])
    return SectionBenchmark(**fields)


_PROCESS_CACHE: list[PackCache | Literal["environment"] | None] = [None]


def use_in_this_process(cache: PackCache | Literal["environment"] | None) -> None:
    """Make ``cache`` the one :func:`~aicmo_core.benchmarks.loader.load_packs` uses when given none;
    ``"environment"``: the user's (:meth:`PackCache.from_environment`), found when first needed.
    The CLI turns it on; the language server and library callers have no cache unless they ask."""
    _PROCESS_CACHE[0] = cache


def this_process() -> PackCache | None:
    """The pack cache of this process (see :func:`use_in_this_process`), or None."""
    if _PROCESS_CACHE[0] == "environment":
        _PROCESS_CACHE[0] = PackCache.from_environment()
    cache = _PROCESS_CACHE[0]
    return cache if isinstance(cache, PackCache) else None
