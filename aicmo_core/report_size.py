"""The one size limit of a report, shared by ``aicmo check`` and the language server.

A report larger than the limit is not checked, and the writer is told so in the same words
everywhere, with the knob that changes it: ``--max-file-size-mb`` for the CLI, the setting
``aicmo.maxFileSizeMb`` in the editor. ``aicmo check`` exits with 2 for such a file (a report
nobody checked must not pass CI); the server checks nothing in it and says so once.

There is no ``aicmo.toml`` key: the limit protects the machine from a repository's own files, so
the repository must not be the one to raise it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

DEFAULT_MAX_FILE_MB = 10.0
MEGABYTE = 1024 * 1024
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class ReportTooLarge(Exception):
    """A report over the size limit; the message says so, as :func:`too_large_message` words it."""


def limit_bytes(max_file_size_mb: float) -> int:
    return int(max_file_size_mb * MEGABYTE)


def too_large_message(name: str, size_bytes: int, max_file_size_mb: float, knob: str) -> str:
    """``plan.md is 12.3 MB; aicmo checks reports up to 10 MB (KNOB), so it is not checked.``"""
    return (
        f"{name} is {size_bytes / MEGABYTE:.1f} MB; aicmo checks reports up to {max_file_size_mb:g} MB ({knob}), "
        "so it is not checked."
    )


def text_size(text: str, limit: int) -> int:
    """The UTF-8 size of ``text``, counted only when it could be over ``limit`` (4 bytes a character
    at most): a check of a normal report never encodes it."""
    return len(text.encode("utf-8", "surrogatepass")) if len(text) * 4 > limit else len(text)


def read_report(path: Path, max_file_size_mb: float, knob: str) -> str:
    """The text of the report at ``path`` (a byte order mark dropped), at most the limit.

    Only a regular file is read (opened without blocking, so a FIFO never waits for a writer);
    :class:`ReportTooLarge` when it is over the limit, ``OSError`` or ``UnicodeDecodeError`` when
    it cannot be read. Reading stops one byte past the limit (files in ``/proc`` say they are empty).
    """
    limit = limit_bytes(max_file_size_mb)
    descriptor = os.open(path, _READ_FLAGS)
    with os.fdopen(descriptor, "rb") as handle:
        opened = os.fstat(handle.fileno())
        if not stat.S_ISREG(opened.st_mode):
            raise OSError(f"{path} is not a regular file")
        if opened.st_size > limit:
            raise ReportTooLarge(too_large_message(str(path), opened.st_size, max_file_size_mb, knob))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ReportTooLarge(too_large_message(str(path), len(data), max_file_size_mb, knob))
    return report_text(data)


def read_report_stream(stream: BinaryIO, name: str, max_file_size_mb: float, knob: str) -> str:
    """The text of a report read from ``stream`` (standard input) to its end, at most the limit:
    :class:`ReportTooLarge` as soon as it is over (a stream has no size to tell first, so the message
    says "larger than"), ``OSError`` or ``UnicodeDecodeError`` when it cannot be read."""
    limit = limit_bytes(max_file_size_mb)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ReportTooLarge(
            f"{name} is larger than {max_file_size_mb:g} MB; aicmo checks reports up to {max_file_size_mb:g} MB "
            f"({knob}), so it is not checked."
        )
    return report_text(data)


def report_text(data: bytes) -> str:
    """A report's bytes as text: UTF-8, a byte order mark dropped (as editors do), and universal
    newlines (as ``Path.read_text`` reads it)."""
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
