"""``aicmo fix``: rewrite the failing sections of a report in place, or print a unified diff with
``--dry-run``. Exit codes: 0 every section passes, 1 some section still fails, 2 usage or
configuration errors (a report that cannot be read or is read-only), 3 nothing was written (the
report changed while its sections were generated, or writing it failed).

The report is read and written by :mod:`aicmo_core.cli.report_file`: locked for the whole run,
re-read before the write, symlinks, hard links and permissions kept."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from aicmo_core.check import ReportResult, SectionResult
from aicmo_core.cli.common import (
    EXIT_FINDINGS,
    EXIT_NOT_WRITTEN,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    add_max_file_size_option,
)
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
from aicmo_core.cli.writing import add_generation_options, generation_config, report, run_with_progress
from aicmo_core.decisions import ReasonCode, document_reason
from aicmo_core.edits import TextEdit, apply_edits
from aicmo_core.enforce import Outcome
from aicmo_core.generators.base import Mode
from aicmo_core.rewrite import replace_body
from aicmo_core.runner import SectionChoice, SectionTask, tasks_for
from aicmo_core.workspace import Workspace


def _targets(result: ReportResult, section: str | None) -> list[SectionResult]:
    if section is not None:
        found = result.section(section)
        if found is None:
            present = ", ".join(r.section.id for r in result.sections if r.section.id) or "none"
            raise UsageError(f"no section {section!r} in this report; its sections: {present}")
        return [found]
    return result.failing_sections()


def command_fix(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        if args.dry_run:
            return _fix(args, read_report(path, args.max_file_size_mb))

        def waiting() -> None:
            print(f"aicmo: another aicmo fix is changing {path}; waiting for it to finish", file=sys.stderr)

        with locked(path, waiting, args.max_file_size_mb) as report_file:
            refuse_read_only(path, report_file.target)
            return _fix(args, report_file)
    except ReportFileError as exc:
        print(f"aicmo: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _fix(args: argparse.Namespace, report_file: ReportFile) -> int:
    path, text = report_file.path, report_file.text
    workspace = Workspace(benchmark_paths=tuple(Path(p).resolve() for p in args.benchmarks))
    result, problems = workspace.check_text(text, path, args.pack)
    for problem in problems:
        print(f"aicmo: configuration error: {problem}", file=sys.stderr)
    if problems:
        return EXIT_USAGE
    if result.pack is None:
        print(f"aicmo: {path} names no known pack (front matter 'pack:', aicmo.toml or --pack)", file=sys.stderr)
        return EXIT_USAGE
    try:
        targets = _targets(result, args.section)
        config, chain = generation_config(args)
    except UsageError as exc:
        print(f"aicmo: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not targets:
        print(f"{path}: no failing sections", file=sys.stderr)
        return EXIT_OK
    choices = [SectionChoice.of(target, Mode(args.mode)) for target in targets]
    tasks = [task for task in tasks_for(result, choices) if task is not None]
    outcomes = run_with_progress(tasks, config, chain)
    new_text = apply_edits(text, _edits(result, tasks, outcomes))
    if args.dry_run:
        passed = report(result.pack.key, tasks, outcomes, lambda outcome: None)
        sys.stdout.write(unified_diff(path, text, new_text))
        return EXIT_OK if passed else EXIT_FINDINGS
    document, failure = _write(report_file, new_text)
    passed = report(result.pack.key, tasks, outcomes, document)
    if failure is not None:
        print(f"aicmo: {failure}", file=sys.stderr)
        return EXIT_NOT_WRITTEN
    return EXIT_OK if passed else EXIT_FINDINGS


def _write(report_file: ReportFile, new_text: str) -> tuple[Callable[[Outcome], ReasonCode | None], str | None]:
    """Write the fixed text (when it differs); what that did to each outcome's document for the
    decision log, and the problem to tell the user when nothing was written."""
    if new_text == report_file.text:
        return document_reason, None
    path = report_file.path
    try:
        write_report(report_file, new_text)
    except FileChanged as exc:
        return _dropped, f"{exc} (by an editor or another program): nothing was written; run aicmo fix again"
    except ReportFileError as exc:
        return _not_written, f"{exc}: nothing was written"
    except OSError as exc:
        return _not_written, f"cannot write {path}: {exc.strerror or exc}; the report is as it was"
    return document_reason, None


def _dropped(outcome: Outcome) -> ReasonCode:
    return ReasonCode.NO_CHANGE if outcome.body is None else ReasonCode.DOCUMENT_CHANGED


def _not_written(outcome: Outcome) -> None:
    return None


def _edits(result: ReportResult, tasks: list[SectionTask], outcomes: list[Outcome]) -> list[TextEdit]:
    edits: list[TextEdit] = []
    for task, outcome in zip(tasks, outcomes, strict=True):
        found = result.section(task.section_id)
        if outcome.body is not None and found is not None:
            edits.append(replace_body(found.section, outcome.body))
    return edits


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fix = commands.add_parser("fix", help="regenerate, expand or fix failing sections of a report")
    fix.add_argument("file", metavar="FILE")
    fix.add_argument("--section", metavar="ID", help="only this section (default: every failing section)")
    fix.add_argument("--mode", choices=[m.value for m in Mode], default=Mode.REGENERATE.value)
    fix.add_argument("--pack", help="pack for a file whose front matter and aicmo.toml name none")
    fix.add_argument("--dry-run", action="store_true", help="print a unified diff instead of writing the file")
    add_max_file_size_option(fix)
    add_generation_options(fix)
    fix.set_defaults(handler=command_fix)
