"""Gitignore-style patterns: ``.gitignore`` files, ``exclude`` in aicmo's settings, ``--exclude``.

pathspec reads each pattern as git does (``!`` includes again, a trailing ``/`` matches folders
only, a ``/`` elsewhere anchors the pattern to its base folder, ``**`` spans folders) into a regular
expression; which pattern decides is worked out here, as git does it: the last one that matches an
entry itself. This module is the only one that imports pathspec, and is itself imported only where
patterns are used, so a check of named files does not pay for it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pathspec import GitIgnoreSpec

from aicmo_core.input_files import InputFileError, read_input_file

# The group pathspec's expressions capture a folder's trailing "/" in (tests/core/test_report_paths.py
# compares the result with git itself, so a pathspec that renames it fails there).
_FOLDER_GROUP = "ps_d"


class PatternError(ValueError):
    """A pattern git would not read (``!`` alone, a trailing backslash): the message says which."""


def check_pattern(pattern: str) -> None:
    """Raise :class:`PatternError` when ``pattern`` is not a gitignore pattern."""
    if not pattern.strip() or pattern.lstrip().startswith("#"):
        raise PatternError(f"{pattern!r} is not a pattern (empty, or a comment)")
    try:
        Pattern.read(pattern)
    except ValueError:
        raise PatternError(f"{pattern!r} is not a valid gitignore pattern") from None


@dataclass(frozen=True, slots=True)
class Pattern:
    """One pattern as pathspec reads it: its expression, whether it ignores (``!``: False), and
    whether it matches folders only."""

    regex: re.Pattern[str]
    ignores: bool
    folders_only: bool = False

    @classmethod
    def read(cls, line: str) -> Pattern | None:
        """The pattern of a line, None for a blank line or a comment; ``ValueError`` when git would
        not read it. pathspec reads ``X/**/`` as ``X/``, which matches the folder ``X`` itself too:
        git reads it as ``X/**`` for folders only, which does not."""
        text = line.rstrip()
        folders_only = text.endswith("/**/") and not text.endswith("\\/**/")
        (pattern,) = GitIgnoreSpec.from_lines([text[:-1] if folders_only else line]).patterns
        if pattern.include is None or pattern.regex is None:
            return None
        return cls(pattern.regex, pattern.include, folders_only)

    def matches_itself(self, relative: str, is_dir: bool) -> bool:
        """Whether the pattern matches the entry at ``relative`` itself, not one of its folders.

        pathspec's expressions are searched in a path; one that matches a folder ends in a ``/``
        captured as the group ``ps_d``. So a match without that group is the entry itself (or lies
        inside the part a ``/**`` matches), and a folder is matched by a folder pattern when the
        group is the ``/`` put after its path."""
        if self.folders_only and not is_dir:
            return False
        found = self.regex.search(relative)
        if found is not None and not found.groupdict().get(_FOLDER_GROUP):
            return True
        if not is_dir:
            return False
        as_folder = f"{relative}/"
        # The first match may end at an outer folder's "/" (an unanchored "*/"): then try the last "/".
        for found in (self.regex.search(as_folder), self.regex.search(as_folder, len(relative))):
            if found is not None and found.groupdict().get(_FOLDER_GROUP) and found.end() == len(as_folder):
                return True
        return False


@dataclass(frozen=True, slots=True)
class IgnoreRules:
    """The patterns of one file or option, relative to its ``base`` folder (absolute, resolved)."""

    base: Path
    patterns: tuple[Pattern, ...]

    def verdict(self, path: Path, is_dir: bool) -> bool | None:
        """True when the last pattern that matches ``path`` (absolute) itself ignores it, False when
        it is a ``!`` pattern, None when none matches or ``path`` is not below ``base``.

        As git does, and unlike ``GitIgnoreSpec.check_file``, which decides a file's path with the
        patterns that match its folders too: the caller asks about each folder on the way down
        first, since nothing inside an ignored folder can be included again."""
        # Plain string work: this runs for every file of a walk, for every rules file above it.
        base, full = str(self.base), str(path)
        prefix = base if base.endswith(os.sep) else base + os.sep
        if not full.startswith(prefix):
            return None
        relative = full[len(prefix) :].replace(os.sep, "/")
        verdict = None
        for pattern in self.patterns:
            if pattern.matches_itself(relative, is_dir):
                verdict = pattern.ignores
        return verdict


def rules_from_patterns(patterns: Iterable[str], base: Path) -> IgnoreRules:
    """Rules from patterns a person wrote for aicmo (``exclude``, ``--exclude``): a bad one raises
    :class:`PatternError`."""
    read: list[Pattern] = []
    for text in patterns:
        check_pattern(text)
        pattern = Pattern.read(text)
        if pattern is not None:
            read.append(pattern)
    return IgnoreRules(base, tuple(read))


def read_ignore_file(path: Path, base: Path) -> IgnoreRules | None:
    """The rules of a ``.gitignore`` (or ``.git/info/exclude``), or None when it has none.

    As git does, a line it cannot read is passed over, not the file. The file is a repository's, so
    untrusted: one aicmo may not read (a FIFO, over 1 MB, a link out of its folder, not UTF-8) is
    passed over too.
    """
    try:
        text = read_input_file(path, within=[path.parent.resolve()])
    except InputFileError:
        return None
    read: list[Pattern] = []
    for line in text.splitlines():
        try:
            pattern = Pattern.read(line)
        except ValueError:
            continue
        if pattern is not None:
            read.append(pattern)
    return IgnoreRules(base, tuple(read)) if read else None
