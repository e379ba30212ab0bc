"""``aicmo check --fix`` and ``--diff``: the fixes that need no model, from the command line.

They are the editor's "Fix all aicmo problems that need no model" (:func:`~aicmo_core.rewrite.fix_all_passes`):
missing sub-headings and missing sections inserted as headings, forbidden phrases removed, front
matter closed. No generator is ever called. A fix can make another possible, so they are applied
until nothing is left to fix: a second run changes nothing.

``--fix`` writes each report it changes through :mod:`aicmo_core.cli.report_file`: locked while it
is fixed, re-read before the write (a report changed meanwhile is not written: exit 3), its
symlinks, permissions, byte order mark and line endings kept; a read-only report is refused (exit
2). The check then reports what remains, as for any report. ``--diff`` writes nothing: it prints a
unified diff of what ``--fix`` would change, and exits 1 when there is one.

A report read from standard input (``-``) is never written: ``--fix`` prints its fixed text on
standard output and the rest on standard error, as ruff does. A report whose check met a
configuration problem is left alone: its pack may not be the one meant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from aicmo_core.check import ReportResult
from aicmo_core.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from aicmo_core.cli.report_file import (
    FileChanged,
    ReportFile,
    ReportFileError,
    locked,
    read_report,
    refuse_read_only,
    unified_diff,
    write_report,
)
from aicmo_core.cli.report_paths import STDIN
from aicmo_core.errors import Problem
from aicmo_core.formatters import CheckRun, RunProblem, display_path, finding_lines, render
from aicmo_core.rewrite import MAX_FIX_PASSES, FixedText, fix_all_passes, may_fix
from aicmo_core.workspace import Workspace

# What ``aicmo check`` computes for each file: the path, its result, configuration problems, and
# the message when the file could not be read.
Checked = tuple[Path, ReportResult | None, list[Problem], str | None]


def _problem_count(count: int) -> str:
    return f"{count} problem{'s' if count != 1 else ''}"


class Fixer:
    """Fixes reports as ``aicmo check`` checks them, with the same options (``--pack``,
    ``--benchmarks``, ``--max-file-size-mb``)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._pack: str | None = args.pack
        self._max_file_size_mb: float = args.max_file_size_mb
        self._benchmarks = tuple(Path(p).resolve() for p in args.benchmarks)
        self._workspace: Workspace | None = None
        self.not_written = 0  # reports with fixes that could not be written: ``aicmo check`` exits 3

    def fixed(self, checks: Iterable[Checked]) -> Iterator[Checked]:
        """``--fix``: the checks, each report with fixes fixed, written and checked again (a report
        that cannot be written: its check as read, or a read error when it is read-only)."""
        for path, result, problems, read_error in checks:
            if result is not None and not problems and may_fix(result):
                fixed, why_not = self._fix(path, result)
                yield path, fixed, problems, why_not
            else:
                yield path, result, problems, read_error

    def _fix(self, path: Path, result: ReportResult) -> tuple[ReportResult, str | None]:
        try:
            with locked(path, lambda: _waiting(path), self._max_file_size_mb) as report_file:
                refuse_read_only(path, report_file.target, "--diff")
                fixed = self.fix_text(path, report_file.text)
                if fixed is None:
                    return result, None
                if fixed.text == report_file.text:
                    return fixed.result, None
                failure = _write(report_file, fixed.text)
        except ReportFileError as exc:
            return result, str(exc)
        if failure is not None:
            print(f"aicmo: {failure}", file=sys.stderr)
            self.not_written += 1
            return result, None
        print(f"aicmo: fixed {_problem_count(fixed.fixes)} in {path}", file=sys.stderr)
        return fixed.result, None

    def fix_text(self, path: Path, text: str) -> FixedText | None:
        """The fixed ``text`` of the report at ``path``; None, said on standard error, when the fixes
        do not settle. The text is checked here again: it is what the file holds now, and the check
        made for the output may be a worker's, without the parsed document the fixes need."""
        fixed = fix_all_passes(self._check(path, text), lambda new_text: self._check(path, new_text))
        if not fixed.settled:
            print(
                f"aicmo: {path}: the fixes still change it after {MAX_FIX_PASSES} passes (rules of its pack undo "
                "each other's fixes); nothing was changed",
                file=sys.stderr,
            )
            return None
        return fixed

    def _check(self, path: Path, text: str) -> ReportResult:
        if self._workspace is None:
            self._workspace = Workspace(benchmark_paths=self._benchmarks)
        return self._workspace.check_text(text, path, self._pack)[0]


def _waiting(path: Path) -> None:
    print(f"aicmo: another aicmo is changing {path}; waiting for it to finish", file=sys.stderr)


def _write(report_file: ReportFile, text: str) -> str | None:
    """Write the fixed ``text`` with the file's own line endings; the problem when nothing was written."""
    path = report_file.path
    try:
        write_report(report_file, text)
    except FileChanged as exc:
        return f"{exc} (by an editor or another program): nothing was written; run aicmo check --fix again"
    except ReportFileError as exc:
        return f"{exc}: nothing was written"
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}; the report is as it was"
    return None


def command_diff(checks: Iterable[Checked], args: argparse.Namespace) -> int:
    """``--diff``: a unified diff of what ``--fix`` would change on standard output, nothing written.
    Exit 1 when there is something to fix, 0 when not, 2 on a configuration problem or a report that
    cannot be read."""
    fixer = Fixer(args)
    from_stdin = args.paths == [STDIN]
    run_problems: list[RunProblem] = []
    would_fix = 0
    for path, result, problems, read_error in checks:
        run_problems += [RunProblem.configuration(problem) for problem in problems]
        if read_error:
            run_problems.append(RunProblem.unreadable(path, read_error))
        if result is None or problems or not may_fix(result):
            continue
        old, newline = result.doc.text, "\n"
        if not from_stdin:  # the file as it is now, and its line endings
            try:
                report_file = read_report(path, args.max_file_size_mb)
            except ReportFileError as exc:
                run_problems.append(RunProblem.unreadable(path, str(exc)))
                continue
            old, newline = report_file.text, report_file.newline
        fixed = fixer.fix_text(path, old)
        if fixed is not None and fixed.text != old:
            sys.stdout.write(unified_diff(path, old.replace("\n", newline), fixed.text.replace("\n", newline)))
            print(f"aicmo: would fix {_problem_count(fixed.fixes)} in {path}", file=sys.stderr)
            would_fix += 1
    sys.stderr.writelines(problem.stderr_line() + "\n" for problem in _unique(run_problems))
    if run_problems:
        return EXIT_USAGE
    return EXIT_FINDINGS if would_fix else EXIT_OK


def command_fix_stdin(checks: Iterable[Checked], args: argparse.Namespace) -> int:
    """``--fix`` on standard input (``aicmo check --fix - --stdin-filename PATH``), as ruff does it:
    the fixed text on standard output, for an editor to put in place of its buffer (the text as read
    when there is nothing to fix), and what remains on standard error, in the ``--output-format``
    chosen. Nothing is written. Exit codes as for a check."""
    fixer = Fixer(args)
    results: list[tuple[str, ReportResult]] = []
    run_problems: list[RunProblem] = []
    for path, result, problems, read_error in checks:
        run_problems += [RunProblem.configuration(problem) for problem in problems]
        if read_error:
            run_problems.append(RunProblem.unreadable(path, read_error))
        if result is None:
            continue
        fixed = fixer.fix_text(path, result.doc.text) if not problems and may_fix(result) else None
        if fixed is not None and fixed.fixes:
            print(f"aicmo: fixed {_problem_count(fixed.fixes)} in {path}", file=sys.stderr)
        remaining = fixed.result if fixed is not None else result
        sys.stdout.write(remaining.doc.text)
        display = display_path(path, Path.cwd())
        results.append((display, remaining))
        if args.output_format == "text":
            sys.stderr.writelines(line + "\n" for line in finding_lines(display, remaining, args.quiet))
    output, messages = render(args.output_format, CheckRun(results, _unique(run_problems), Path.cwd(), args.quiet))
    sys.stderr.write(output + messages)
    if run_problems:
        return EXIT_USAGE
    errors, warnings = sum(r.errors for _, r in results), sum(r.warnings for _, r in results)
    return EXIT_FINDINGS if errors or (args.warnings_as_errors and warnings) else EXIT_OK


def _unique(problems: list[RunProblem]) -> list[RunProblem]:
    """Each problem once (every report under a broken ``aicmo.toml`` meets it)."""
    return list(dict.fromkeys(problems))
