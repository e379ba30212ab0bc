"""The writer's file, read and written by ``aicmo fix`` and ``aicmo new`` so that it is never lost.

- **Symlinks are followed**: the file read and written is the link's target, the link stays a link.
- **Only a regular file** is read (a FIFO or device is refused, never opened for a blocking read).
- **Locked for the whole run** (an advisory ``flock`` on the file): a second ``aicmo fix`` on the
  same file waits for the first to finish, then reads what the first wrote.
- **Re-read just before the write**: when the bytes on disk are no longer those the run started
  from (an editor saved meanwhile), nothing is written (:class:`FileChanged`).
- **Atomic where that keeps the file what it was**: the new text goes to a temporary file in the
  same folder, gets the file's permissions and owner, and replaces the file. A file with several
  hard links (a rename would break them), an owner that cannot be kept, or a folder where no
  temporary file can be made is written in place instead: grown first (so a full disk fails before
  a byte of the old text is overwritten), then overwritten, and put back as it was on a failure.
- **Nothing is left behind**: a failed or interrupted write removes its temporary file.
"""

from __future__ import annotations

import difflib
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from aicmo_core.report_size import DEFAULT_MAX_FILE_MB, limit_bytes, report_text, too_large_message

if sys.platform != "win32":
    import fcntl

BOM = b"\xef\xbb\xbf"
TEMPORARY_SUFFIX = ".aicmo-tmp"
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class ReportFileError(Exception):
    """A file that cannot be read or must not be written; the message names it as the user did."""


class FileChanged(Exception):
    """The file on disk is no longer what the run read: nothing was written."""


@dataclass(frozen=True)
class ReportFile:
    """A report as read: ``path`` as the user named it, ``target`` the file it resolves to, its
    ``data`` (the bytes, to compare before writing) and ``text`` (decoded, newlines as ``\\n``)."""

    path: Path
    target: Path
    data: bytes

    @property
    def text(self) -> str:
        return report_text(self.data)

    def encode(self, text: str) -> bytes:
        """``text`` (lines ending in ``\n``) as this file stores it: UTF-8, with the byte order mark it
        started with and its own line endings."""
        return (BOM if self.data.startswith(BOM) else b"") + text.replace("\n", self.newline).encode("utf-8")

    @property
    def newline(self) -> str:
        """``\r\n`` when the file's first line ends so, else ``\n``: ``text`` reads every line ending
        as ``\n``, and a caller that keeps the file's own writes with this one."""
        first = self.data.find(b"\n")
        return "\r\n" if first > 0 and self.data[first - 1 : first] == b"\r" else "\n"


def resolve(path: Path) -> Path:
    """The file ``path`` names, symlinks followed; ``ReportFileError`` for a broken or looping link."""
    try:
        return path.resolve(strict=True)
    except FileNotFoundError:
        raise ReportFileError(f"cannot read {path}: no such file") from None
    except (OSError, RuntimeError) as exc:  # a symlink loop: RuntimeError before 3.13, OSError since
        raise ReportFileError(f"cannot read {path}: {exc}") from None


def _open_regular(path: Path, target: Path) -> int:
    """A read-only descriptor of ``target``, which must be a regular file (opened without blocking,
    so a FIFO never waits for a writer)."""
    try:
        fd = os.open(target, os.O_RDONLY | _CLOEXEC | _NONBLOCK)
    except OSError as exc:
        raise ReportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ReportFileError(f"cannot read {path}: not a regular file")
    return fd


def _read_all(fd: int, at_most: int | None = None) -> bytes:
    chunks, size = [], 0
    while (at_most is None or size < at_most) and (chunk := os.read(fd, 1 << 16)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def read_report(path: Path, max_file_size_mb: float = DEFAULT_MAX_FILE_MB) -> ReportFile:
    """Read the report at ``path`` (``ReportFileError`` when it cannot be read, is over the size limit
    or is not UTF-8)."""
    target = resolve(path)
    fd = _open_regular(path, target)
    try:
        return _report(path, target, fd, max_file_size_mb)
    finally:
        os.close(fd)


def _report(path: Path, target: Path, fd: int, max_file_size_mb: float) -> ReportFile:
    limit = limit_bytes(max_file_size_mb)
    try:
        data = _read_all(fd, limit + 1)  # one byte past the limit: files in /proc say they are empty
    except OSError as exc:
        raise ReportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        size = max(len(data), os.fstat(fd).st_size)
        raise ReportFileError(too_large_message(str(path), size, max_file_size_mb, "--max-file-size-mb"))
    report = ReportFile(path, target, data)
    try:
        report.text  # noqa: B018 - decoded once here, so that a bad byte is a message, not a traceback later
    except UnicodeDecodeError as exc:
        raise ReportFileError(f"cannot read {path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    return report


def refuse_read_only(path: Path, target: Path, preview: str = "--dry-run") -> None:
    """``ReportFileError`` when the file may not be written: no write permission bit (root too, who
    could write it anyway), or no permission for this user. The message names the command's
    ``preview`` option, which shows the change without writing it."""
    mode = target.stat().st_mode
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise ReportFileError(f"{path} is read-only; make it writable to change it (or use {preview})")


def unified_diff(path: Path, old: str, new: str) -> str:
    """The change from ``old`` to ``new`` text of the report at ``path`` as a unified diff with
    ``a/PATH`` and ``b/PATH`` headers, a last line without a line break marked as git marks it, so
    that ``git apply`` and ``patch -p1`` take it; empty when nothing changes."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path.as_posix()}", f"b/{path.as_posix()}"
    )
    return "".join(line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in lines)


def _try_lock(fd: int, *, wait: bool) -> bool:
    """An exclusive advisory lock on the open file; ``False`` when ``wait`` is off and it is taken."""
    if sys.platform == "win32":  # no flock: the re-read before writing alone guards the file
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError:  # a file system without locks: the re-read before writing alone guards the file
        return True
    return True


@contextmanager
def locked(
    path: Path, on_wait: Callable[[], None], max_file_size_mb: float = DEFAULT_MAX_FILE_MB
) -> Iterator[ReportFile]:
    """The report at ``path``, read under an exclusive lock held until the block ends. When another
    process holds it, ``on_wait()`` is called once and the lock is waited for. The lock is on the
    file's inode; after waiting, the file may have been replaced by the one who held it, so the lock
    is taken again on what the path names now."""
    waited = False
    while True:
        target = resolve(path)
        fd = _open_regular(path, target)
        try:
            if not _try_lock(fd, wait=False):
                if not waited:
                    on_wait()
                    waited = True
                _try_lock(fd, wait=True)
            if _same_file(fd, resolve(path)):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield _report(path, target, fd, max_file_size_mb)
    finally:
        os.close(fd)


def _same_file(fd: int, target: Path) -> bool:
    mine = os.fstat(fd)
    try:
        now = os.stat(target)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)


def write_all(fd: int, data: bytes, offset: int) -> None:
    """Write all of ``data`` at ``offset`` of the open file (``OSError`` on a full disk)."""
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


def write_report(report: ReportFile, text: str) -> None:
    """Write ``text`` over the report: ``FileChanged`` (nothing written) when the file on disk is no
    longer ``report.data``, ``ReportFileError`` when it became read-only, ``OSError`` when writing
    fails (the file is as it was)."""
    _check(report.path, report.target, report.data)
    refuse_read_only(report.path, report.target)
    _write(report.path, report.target, report.encode(text), expected=report.data)


def refuse_unwritable(path: Path) -> None:
    """``ReportFileError`` when ``path`` exists and is not a regular file this user may write."""
    target = path.resolve()
    if target.exists():
        os.close(_open_regular(path, target))
        refuse_read_only(path, target)
    elif not target.parent.is_dir():
        raise ReportFileError(f"cannot write {path}: no folder {target.parent}")


def write_new(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, a new file or one to overwrite (``aicmo new --force``), with the
    same care: symlinks followed, hard links, permissions and owner kept, nothing left behind."""
    refuse_unwritable(path)
    target = path.resolve()
    if target.exists():
        _write(path, target, text.encode("utf-8"), expected=None)
    else:
        _replace(path, target, text.encode("utf-8"), None, expected=None)


def _write(path: Path, target: Path, new: bytes, expected: bytes | None) -> None:
    info = os.stat(target)
    if info.st_nlink > 1:
        _write_in_place(path, target, new, expected)
        return
    try:
        _replace(path, target, new, info, expected)
    except _KeepInPlace:
        _write_in_place(path, target, new, expected)


class _KeepInPlace(Exception):
    """A rename would not keep the file what it was (no temporary file possible, owner lost)."""


def _current(path: Path, target: Path) -> bytes:
    """What the file holds now; ``FileChanged`` when the path names another file, or none."""
    try:
        if path.resolve(strict=True) != target:
            raise FileChanged(f"{path} now names another file")
        return target.read_bytes()
    except OSError:
        raise FileChanged(f"{path} was removed or cannot be read any more") from None


def _check(path: Path, target: Path, expected: bytes | None) -> None:
    if expected is not None and _current(path, target) != expected:
        raise FileChanged(f"{path} changed since it was read")


def _replace(path: Path, target: Path, new: bytes, info: os.stat_result | None, expected: bytes | None) -> None:
    """Through a temporary file in the target's folder, renamed over the target."""
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX)
    except PermissionError:
        if info is None:
            raise
        raise _KeepInPlace from None
    temporary = Path(name)
    try:
        try:
            if info is None:
                os.fchmod(fd, 0o666 & ~_umask())  # what a new file gets: mkstemp makes it private
            else:
                os.fchmod(fd, stat.S_IMODE(info.st_mode))
                _keep_owner(fd, info)
            write_all(fd, new, 0)
            os.fsync(fd)
        finally:
            os.close(fd)
        _check(path, target, expected)
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            temporary.unlink()
        raise
    _sync_folder(target.parent)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _keep_owner(fd: int, info: os.stat_result) -> None:
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) == (info.st_uid, info.st_gid):
        return
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except PermissionError:
        raise _KeepInPlace from None


def _sync_folder(folder: Path) -> None:
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | _CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_in_place(path: Path, target: Path, new: bytes, expected: bytes | None) -> None:
    """Overwrite the file itself (same inode: hard links and owner kept). It is grown to the new size
    before anything is overwritten, and on any failure its old bytes are put back."""
    fd = os.open(target, os.O_RDWR | _CLOEXEC)
    try:
        _check(path, target, expected)
        old = _read_all(fd)
        if len(new) > len(old):
            try:
                write_all(fd, bytes(len(new) - len(old)), len(old))  # a full disk fails here, harmlessly
            except BaseException:
                with suppress(OSError):
                    os.ftruncate(fd, len(old))
                raise
        try:
            write_all(fd, new, 0)
            os.ftruncate(fd, len(new))
            os.fsync(fd)
        except BaseException:
            with suppress(OSError):
                write_all(fd, old, 0)
                os.ftruncate(fd, len(old))
            raise
    finally:
        os.close(fd)
