"""Read benchmark and configuration files as untrusted input: a repository someone else made.

Only regular files are read, after symlinks are resolved (never a FIFO, a device or ``/dev/stdin``,
which would block or never end), at most :data:`MAX_INPUT_BYTES` of them, and, when the caller
names the folders a file must stay in, only a file whose resolved path lies inside one of them
(see ``docs/configuration.md``, "Confinement"). Every refusal is an :class:`InputFileError` with
one plain sentence, never a traceback.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from aicmo_core.errors import AicmoInputError, Problem

MAX_INPUT_BYTES = 1024 * 1024
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class InputFileError(AicmoInputError):
    """A benchmark or configuration file that aicmo refuses to read, with the reason."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__([Problem(path, message)])


def is_within(path: Path, folders: Iterable[Path]) -> bool:
    """Whether ``path`` (resolved) is one of ``folders`` (resolved) or lies inside one of them."""
    return any(path == folder or path.is_relative_to(folder) for folder in folders)


def describe_folders(folders: Sequence[Path]) -> str:
    return " or ".join(str(folder) for folder in folders) if folders else "no folder"


def _kind(mode: int) -> str | None:
    """What a non-regular file is ("a named pipe (FIFO)"), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_input_file(path: Path, *, within: Sequence[Path] | None = None) -> str:
    """The UTF-8 text of ``path``, or :class:`InputFileError` saying why it is not read.

    ``within``: resolved folders the file must resolve into (None: anywhere, for files the user
    named). What the path leads to is checked before it is opened (so nothing that could block, a
    FIFO, or never end, ``/dev/zero``, is opened at all), and the opened file again (so nothing
    swapped in meanwhile is read); reading stops one byte past the limit.
    """
    try:
        found = path.stat()  # follows symlinks as the kernel does, /dev/stdin's /proc links included
        kind = _kind(found.st_mode)
        if kind is not None:
            shown = f"links to {os.readlink(path)}, which is" if path.is_symlink() else "is"
            raise InputFileError(path, f"{shown} {kind}, not a regular file: refused")
        resolved = path.resolve()
        if within is not None and not is_within(resolved, within):
            shown = f"links to {resolved}, which is" if resolved != Path(os.path.abspath(path)) else "is"
            where = describe_folders(within)
            raise InputFileError(path, f"{shown} outside {where}: refused (see docs/configuration.md#confinement)")
        descriptor = os.open(resolved, _READ_FLAGS)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (before Python 3.13)
        raise InputFileError(path, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    with os.fdopen(descriptor, "rb") as handle:
        opened = os.fstat(handle.fileno())
        kind = _kind(opened.st_mode)
        if kind is not None:  # swapped for something else between the check and the open
            raise InputFileError(path, f"is {kind}, not a regular file: refused")
        if opened.st_size > MAX_INPUT_BYTES:
            raise InputFileError(path, _too_large(opened.st_size))
        try:
            # Regular files of /proc report a size of 0: read one byte over the limit to know.
            data = handle.read(MAX_INPUT_BYTES + 1)
        except OSError as exc:
            raise InputFileError(path, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputFileError(path, _too_large(None))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"is not UTF-8 text (byte {exc.start + 1} cannot be decoded)") from None


def _too_large(size: int | None) -> str:
    megabytes = (size or 0) / 1024 / 1024
    measured = f"is {megabytes:.1f} MB" if megabytes >= 1.1 else "is larger than 1 MB"
    return f"{measured}; benchmark and configuration files may be at most 1 MB: refused"


def mtime_ns(path: Path) -> int:
    """The file's modification time (following symlinks), or -1 when it cannot be read: what
    decides whether something loaded from it is still current."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1
