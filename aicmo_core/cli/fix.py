"""``aicmo fix``: rewrite the failing sections of a report in place, or print a unified diff with
``--dry-run``. Exit codes: 0 every section passes, 1 some section still fails, 2 usage or
configuration errors."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from aicmo_core.check import ReportResult, SectionResult
from aicmo_core.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, write_atomically
from aicmo_core.cli.writing import add_generation_options, generation_config, report, run_with_progress
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
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"aicmo: cannot read {path}: {exc}", file=sys.stderr)
        return EXIT_USAGE
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
    passed = report(result.pack.key, tasks, outcomes, written=not args.dry_run)
    new_text = apply_edits(text, _edits(result, tasks, outcomes))
    if args.dry_run:
        sys.stdout.writelines(
            difflib.unified_diff(
                text.splitlines(keepends=True), new_text.splitlines(keepends=True), f"a/{path}", f"b/{path}"
            )
        )
    elif new_text != text:
        write_atomically(path, new_text)
    return EXIT_OK if passed else EXIT_FINDINGS


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
    add_generation_options(fix)
    fix.set_defaults(handler=command_fix)
