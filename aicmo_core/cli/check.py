"""``aicmo check``: check reports against their packs.

Exit codes: 0 no errors, 1 at least one error (or warning with ``--warnings-as-errors``), 2 usage
or configuration errors (bad arguments, a missing path, a broken ``aicmo.toml`` or benchmark file).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from rich.progress import Progress

from aicmo_core.check import CheckOptions, ReportResult
from aicmo_core.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    add_max_file_size_option,
    progress_bar,
)
from aicmo_core.detection import AUTO_PACK
from aicmo_core.errors import Problem
from aicmo_core.findings import Severity
from aicmo_core.formatters import finding_line, results_json, results_sarif, summary_line
from aicmo_core.report_size import DEFAULT_MAX_FILE_MB, ReportTooLarge, read_report
from aicmo_core.workspace import Workspace

REPORT_SUFFIXES = (".md", ".mdx", ".markdown")
# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 16


def expand_paths(arguments: Sequence[str]) -> list[Path]:
    """Files, folders (searched for .md and .mdx) and globs, in a stable order without duplicates."""
    found: dict[Path, None] = {}
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                if candidate.suffix.lower() in REPORT_SUFFIXES and candidate.is_file() and not _hidden(candidate, path):
                    found[candidate] = None
        elif path.is_file():
            found[path] = None
        elif any(ch in argument for ch in "*?["):
            matches = sorted(Path(m) for m in glob.glob(argument, recursive=True))
            files = [m for m in matches if m.is_file()]
            if not files:
                raise UsageError(f"no files match {argument!r}")
            found.update(dict.fromkeys(files))
        else:
            raise UsageError(f"no such file or folder: {argument}")
    return list(found)


def _hidden(candidate: Path, root: Path) -> bool:
    return any(part.startswith(".") or part == "node_modules" for part in candidate.relative_to(root).parts[:-1])


_WORKER: Workspace | None = None


def _init_worker(benchmark_paths: tuple[Path, ...], severity: dict[str, str]) -> None:
    global _WORKER
    _WORKER = Workspace(benchmark_paths=benchmark_paths, severity=severity)


def _check_one(
    path: Path, pack: str | None, max_file_size_mb: float = DEFAULT_MAX_FILE_MB, workspace: Workspace | None = None
) -> tuple[ReportResult | None, list[Problem], str | None]:
    active = workspace or _WORKER
    assert active is not None
    try:
        text = read_report(path, max_file_size_mb, "--max-file-size-mb")  # a BOM dropped, as editors do
    except ReportTooLarge as exc:
        return None, [], str(exc)
    except (OSError, UnicodeDecodeError) as exc:
        return None, [], f"{path}: cannot read: {exc}"
    result, problems = active.check_text(text, path, pack)
    return result, problems, None


def _run_checks(
    paths: list[Path], args: argparse.Namespace
) -> Iterator[tuple[Path, ReportResult | None, list[Problem], str | None]]:
    benchmark_paths = tuple(Path(p).resolve() for p in args.benchmarks)
    jobs = args.jobs or os.cpu_count() or 1
    if jobs > 1 and len(paths) >= PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(benchmark_paths, {})) as pool:
            chunk = max(1, len(paths) // (jobs * 8))
            sizes = [args.max_file_size_mb] * len(paths)
            for path, outcome in zip(
                paths, pool.map(_check_one, paths, [args.pack] * len(paths), sizes, chunksize=chunk), strict=True
            ):
                yield (path, *outcome)
        return
    workspace = Workspace(benchmark_paths=benchmark_paths)
    for path in paths:
        yield (path, *_check_one(path, args.pack, args.max_file_size_mb, workspace))


def command_check(args: argparse.Namespace) -> int:
    try:
        paths = expand_paths(args.paths)
    except UsageError as exc:
        print(f"aicmo: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.pack and args.pack != AUTO_PACK:
        # The packs a report here could use: built-in, --benchmarks and the nearest aicmo.toml's folders.
        known = options_here(args.benchmarks)[0].packs.packs
        if args.pack not in known:
            print(f"aicmo: unknown pack {args.pack!r}; known packs: {', '.join(sorted(known))}", file=sys.stderr)
            return EXIT_USAGE
    results: list[tuple[str, ReportResult]] = []
    problems: dict[str, Problem] = {}
    read_errors: list[str] = []
    progress = (
        progress_bar("checking", len(paths), time_remaining=True) if args.format == "text" and len(paths) > 1 else None
    )
    task = progress.add_task("check", total=len(paths)) if progress else None
    if progress:
        progress.start()
    try:
        for path, result, file_problems, read_error in _run_checks(paths, args):
            for problem in file_problems:
                problems.setdefault(str(problem), problem)
            if read_error:
                read_errors.append(read_error)
            elif result is not None:
                display = _display_path(path)
                results.append((display, result))
                if args.format == "text":
                    _print_findings(display, result, args.quiet, progress)
            if progress and task is not None:
                progress.advance(task)
    finally:
        if progress:
            progress.stop()
    for message in read_errors:
        print(f"aicmo: {message}", file=sys.stderr)
    for problem in problems.values():
        print(f"aicmo: configuration error: {problem}", file=sys.stderr)
    if args.format == "json":
        json.dump(results_json(results), sys.stdout, indent=2, ensure_ascii=False)
        print()
    elif args.format == "sarif":
        json.dump(results_sarif(results), sys.stdout, indent=2, ensure_ascii=False)
        print()
    elif not args.quiet:
        print(summary_line([r for _, r in results]))
    if problems or read_errors:
        return EXIT_USAGE
    errors = sum(r.errors for _, r in results)
    warnings = sum(r.warnings for _, r in results)
    if errors or (args.warnings_as_errors and warnings):
        return EXIT_FINDINGS
    return EXIT_OK


def _display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _print_findings(display: str, result: ReportResult, quiet: bool, progress: Progress | None) -> None:
    lines = [
        finding_line(display, finding)
        for finding in result.findings
        if not (quiet and finding.severity is Severity.INFO)
    ]
    if lines:
        text = "\n".join(lines)
        if progress is not None and sys.stdout.isatty():  # above the bar, on the same terminal
            progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            print(text)


def options_here(benchmarks: Sequence[str]) -> tuple[CheckOptions, list[Problem]]:
    """Check options for a report in the current folder: built-in packs, ``--benchmarks`` folders and
    those of the nearest ``aicmo.toml``."""
    workspace = Workspace(benchmark_paths=tuple(Path(p).resolve() for p in benchmarks))
    return workspace.options_for(Path.cwd() / "report.md")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser("check", help="check reports against their packs")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or globs")
    check.add_argument(
        "--pack",
        help="pack for files whose front matter and aicmo.toml name none ('auto': detect it from the headings)",
    )
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument("--warnings-as-errors", action="store_true", help="exit 1 on warnings too")
    check.add_argument("--quiet", "-q", action="store_true", help="hide info findings and the summary")
    check.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default: all cores)")
    check.add_argument("--benchmarks", action="append", default=[], metavar="DIR", help="extra benchmark folder")
    add_max_file_size_option(check)
    check.set_defaults(handler=command_check)
