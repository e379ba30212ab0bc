"""What ``aicmo check`` reads: its command line's files, folders and globs as a list of reports.

A folder is walked for ``.md``, ``.mdx`` and ``.markdown`` files, leaving out hidden folders,
``node_modules``, what git ignores and what ``exclude`` (in the nearest settings file) and
``--exclude`` name; a glob's matches are filtered the same way. What is named is checked whatever
ignores it (a file, a folder, a glob's fixed start), unless ``--force-exclude``, as ruff does. Which
files are left out is decided in :mod:`aicmo_core.path_filter`. See docs/cli.md, "Paths".
"""

from __future__ import annotations

import argparse
import glob
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aicmo_core.cli.common import UsageError

if TYPE_CHECKING:
    from aicmo_core.path_filter import PathFilter

STDIN = "-"
_WILDCARDS = "*?["


@dataclass(frozen=True)
class PathOptions:
    """What leaves files out: ``--exclude`` patterns (relative to ``cwd``), ``.gitignore`` files
    (unless ``--no-respect-gitignore``), and whether named paths are filtered too (``--force-exclude``)."""

    exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
    cwd: Path | None = None


def expand_paths(arguments: Sequence[str], options: PathOptions | None = None) -> list[Path]:
    """Files, folders (searched for reports) and globs, in a stable order without duplicates.

    :class:`UsageError` for a path that does not exist, a glob that matches no file, or a bad
    ``--exclude`` pattern."""
    options = options or PathOptions()
    path_filter: PathFilter | None = None
    found: dict[Path, None] = {}
    for argument in arguments:
        path = Path(argument)
        if path.is_file() and not options.force_exclude:
            found[path] = None
            continue
        path_filter = path_filter or make_path_filter(options)
        if path.is_dir():
            if not (options.force_exclude and path_filter.excluded(path, is_dir=True)):
                found.update(dict.fromkeys(path_filter.walk(path)))
        elif path.is_file():
            if not path_filter.excluded(path):
                found[path] = None
        elif any(ch in argument for ch in _WILDCARDS):
            matches = sorted(Path(m) for m in glob.glob(argument, recursive=True))
            files = [m for m in matches if m.is_file()]
            if not files:
                raise UsageError(f"no files match {argument!r}")
            below = None if options.force_exclude else _fixed_start(path)
            found.update(dict.fromkeys(file for file in files if not path_filter.excluded(file, below=below)))
        else:
            raise UsageError(f"no such file or folder: {argument}")
    return list(found)


def paths_to_check(args: argparse.Namespace) -> list[Path]:
    """The reports of ``aicmo check``'s command line. For ``-``, the one path standard input is
    checked as (``--stdin-filename``, else ``-``), or none when ``--force-exclude`` leaves it out.

    :class:`UsageError` for ``-`` among other paths, ``--stdin-filename`` without ``-``, and as
    :func:`expand_paths` raises it."""
    options = PathOptions(tuple(args.exclude), args.respect_gitignore, args.force_exclude)
    if STDIN not in args.paths:
        if args.stdin_filename is not None:
            raise UsageError("--stdin-filename names the report read from standard input: give '-' as the path")
        return expand_paths(args.paths, options)
    if len(args.paths) > 1:
        raise UsageError("'-' (standard input) cannot be mixed with other paths")
    path_filter = make_path_filter(options) if options.exclude or options.force_exclude else None  # checks --exclude
    if args.stdin_filename is None:
        return [Path(STDIN)]
    path = Path(args.stdin_filename)
    return [] if options.force_exclude and path_filter and path_filter.excluded(path) else [path]


def _fixed_start(glob_path: Path) -> Path:
    """The folders a glob names before its first wildcard (``.`` for none): named, so not filtered."""
    parts = glob_path.parts
    first_wildcard = next(index for index, part in enumerate(parts) if any(char in part for char in _WILDCARDS))
    return Path(*parts[:first_wildcard])


def make_path_filter(options: PathOptions) -> PathFilter:
    """The filter of folder walks and globs for ``options``."""
    # Lazy on purpose: pathspec costs 10-20 ms of start-up, and a check of named files needs none of it.
    from aicmo_core.ignore_patterns import PatternError  # noqa: PLC0415
    from aicmo_core.path_filter import PathFilter  # noqa: PLC0415

    try:
        return PathFilter(options.exclude, respect_gitignore=options.respect_gitignore, cwd=options.cwd)
    except PatternError as exc:
        raise UsageError(f"--exclude: {exc}") from None


def add_path_options(parser: argparse.ArgumentParser) -> None:
    """``aicmo check``'s options about what it reads (see docs/cli.md, "Paths")."""
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="leave out files and folders matching this gitignore-style pattern (relative to the current "
        "folder) from folders and globs; repeatable",
    )
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply .gitignore, exclude and --exclude to the files and folders named on the command line "
        "(and --stdin-filename) too",
    )
    parser.add_argument(
        "--no-respect-gitignore",
        dest="respect_gitignore",
        action="store_false",
        help="check files that .gitignore and .git/info/exclude leave out",
    )
    parser.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="with '-': check standard input as if it were this file (its settings, pack globs and name)",
    )
