"""``aicmo check``: check reports against their packs.

Exit codes: 0 no errors, 1 at least one error (or warning with ``--warnings-as-errors``), 2 usage
or configuration errors (bad arguments, a missing path, a broken ``aicmo.toml`` or benchmark file).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from aicmo_core.check import CheckOptions, ReportResult
from aicmo_core.cli.common import (
    EXIT_FINDINGS,
    EXIT_NOT_WRITTEN,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    add_max_file_size_option,
    progress_bar,
)
from aicmo_core.cli.parallel import check_reports
from aicmo_core.cli.report_paths import STDIN, add_path_options, paths_to_check
from aicmo_core.cli.stdin_report import stdin_checks
from aicmo_core.detection import AUTO_PACK
from aicmo_core.errors import Problem
from aicmo_core.formatters import FORMATS, CheckRun, RunProblem, display_path, finding_lines, render
from aicmo_core.workspace import Workspace

if TYPE_CHECKING:
    from rich.progress import Progress


def command_check(args: argparse.Namespace) -> int:
    try:
        paths = paths_to_check(args)  # files, folders and globs, or "-" (standard input)
    except UsageError as exc:
        print(f"aicmo: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.pack and args.pack != AUTO_PACK:
        # The packs a report here could use: built-in, --benchmarks and the nearest aicmo.toml's folders.
        known = options_here(args.benchmarks)[0].packs.packs
        if args.pack not in known:
            print(f"aicmo: unknown pack {args.pack!r}; known packs: {', '.join(sorted(known))}", file=sys.stderr)
            return EXIT_USAGE
    checks = stdin_checks(paths, args) if args.paths == [STDIN] else check_reports(paths, args)
    fixer = None
    if args.fix or args.diff:
        from aicmo_core.cli import check_fix  # noqa: PLC0415 (lazy on purpose: a plain check needs none of it)

        if args.diff:
            return check_fix.command_diff(checks, args)
        if args.paths == [STDIN]:  # the fixed text on standard output, what remains on standard error
            return check_fix.command_fix_stdin(checks, args)
        fixer = check_fix.Fixer(args)
        checks = fixer.fixed(checks)
    results: list[tuple[str, ReportResult]] = []
    problems: dict[str, Problem] = {}
    read_errors: list[RunProblem] = []
    text = args.output_format == "text"
    progress = progress_bar("checking", len(paths), time_remaining=True) if text and len(paths) > 1 else None
    task = progress.add_task("check", total=len(paths)) if progress else None
    if progress:
        progress.start()
    try:
        for path, result, file_problems, read_error in checks:
            for problem in file_problems:
                problems.setdefault(str(problem), problem)
            if read_error:
                read_errors.append(RunProblem.unreadable(path, read_error))
            elif result is not None:
                display = display_path(path, Path.cwd())
                results.append((display, result))
                if text:  # as each file is done; the other formats print everything at the end
                    _print_findings(display, result, args.quiet, progress)
            if progress and task is not None:
                progress.advance(task)
    finally:
        if progress:
            progress.stop()
    run_problems = [*read_errors, *map(RunProblem.configuration, problems.values())]
    output, messages = render(args.output_format, CheckRun(results, run_problems, Path.cwd(), args.quiet))
    sys.stderr.write(messages)
    sys.stdout.write(output)
    if problems or read_errors:
        return EXIT_USAGE
    if fixer is not None and fixer.not_written:
        return EXIT_NOT_WRITTEN
    errors = sum(r.errors for _, r in results)
    warnings = sum(r.warnings for _, r in results)
    if errors or (args.warnings_as_errors and warnings):
        return EXIT_FINDINGS
    return EXIT_OK


def _print_findings(display: str, result: ReportResult, quiet: bool, progress: Progress | None) -> None:
    lines = finding_lines(display, result, quiet)
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
    check.add_argument(
        "--output-format",
        "--format",
        dest="output_format",
        choices=tuple(FORMATS),
        default="text",
        help="text (the default), json, sarif, or github (workflow commands for GitHub Actions annotations)",
    )
    check.add_argument("--warnings-as-errors", action="store_true", help="exit 1 on warnings too")
    check.add_argument("--quiet", "-q", action="store_true", help="hide info findings and the summary")
    check.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default: all cores)")
    check.add_argument("--benchmarks", action="append", default=[], metavar="DIR", help="extra benchmark folder")
    add_max_file_size_option(check)
    add_path_options(check)
    check.add_argument(
        "--fix",
        action="store_true",
        help="apply the fixes that need no model (missing sub-headings and sections, forbidden phrases), "
        "then report what remains",
    )
    check.add_argument("--diff", action="store_true", help="print what --fix would change, write nothing")
    check.set_defaults(handler=command_check)
