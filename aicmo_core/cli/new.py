"""``aicmo new``: write a whole report for a pack from a brief. Exit codes: 0 every section
passes, 1 some section still fails, 2 usage or configuration errors (an output that is read-only or
not a regular file), 3 writing the report failed (nothing was written)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aicmo_core.benchmarks.yaml_data import parse_benchmark_yaml
from aicmo_core.cli.common import EXIT_FINDINGS, EXIT_NOT_WRITTEN, EXIT_OK, EXIT_USAGE, UsageError
from aicmo_core.cli.report_file import ReportFileError, refuse_unwritable, write_new
from aicmo_core.cli.writing import add_generation_options, generation_config, report, run_with_progress
from aicmo_core.decisions import document_reason
from aicmo_core.errors import AicmoInputError
from aicmo_core.findings import Status
from aicmo_core.input_files import read_input_file
from aicmo_core.reports import compose_report
from aicmo_core.runner import new_report_tasks
from aicmo_core.workspace import Workspace


def _read_brief(path: Path) -> dict[str, object]:
    """The brief's fields, read as untrusted plain data like a benchmark file (a regular file of at
    most 1 MB, no YAML tags, aliases bounded)."""
    try:
        loaded = parse_benchmark_yaml(path, read_input_file(path).removeprefix("\ufeff"), what="a brief")
    except AicmoInputError as exc:
        raise UsageError(str(exc)) from None
    return {str(key): value for key, value in loaded.data.items()}


def command_new(args: argparse.Namespace) -> int:
    output = Path(args.output)
    try:
        if output.exists() and not args.force:
            raise UsageError(f"{output} exists; pass --force to overwrite it")
        refuse_unwritable(output)
        brief_data = _read_brief(Path(args.brief))
        config, chain = generation_config(args)
    except (UsageError, ReportFileError) as exc:
        print(f"aicmo: {exc}", file=sys.stderr)
        return EXIT_USAGE
    workspace = Workspace(benchmark_paths=tuple(Path(p).resolve() for p in args.benchmarks))
    options, problems = workspace.options_for(output.resolve())
    for problem in problems:
        print(f"aicmo: configuration error: {problem}", file=sys.stderr)
    if problems:
        return EXIT_USAGE
    pack = options.packs.get(args.pack)
    if pack is None:
        print(
            f"aicmo: unknown pack {args.pack!r}; known packs: {', '.join(sorted(options.packs.packs))}", file=sys.stderr
        )
        return EXIT_USAGE
    tasks = new_report_tasks(pack, brief_data, mdx=output.suffix.lower() == ".mdx")
    outcomes = run_with_progress(tasks, config, chain, in_order=True)
    text = compose_report(pack, brief_data, outcomes)
    try:
        write_new(output, text)
    except (ReportFileError, OSError) as exc:
        report(pack.key, tasks, outcomes, lambda outcome: None)
        said = exc if isinstance(exc, ReportFileError) else f"cannot write {output}: {exc.strerror or exc}"
        print(f"aicmo: {said}; nothing was written", file=sys.stderr)
        return EXIT_NOT_WRITTEN
    passed = report(pack.key, tasks, outcomes, document_reason)
    result, _ = workspace.check_text(text, output)
    print(f"wrote {output}: {len(tasks)} sections, report {result.status.value}", file=sys.stderr)
    return EXIT_OK if passed and result.status is not Status.FAIL else EXIT_FINDINGS


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    new = commands.add_parser("new", help="write a whole report for a pack from a brief")
    new.add_argument("--pack", required=True, metavar="KEY")
    new.add_argument("--brief", required=True, metavar="BRIEF.yaml", help="brand, industry, audience, goal, voice, ...")
    new.add_argument("-o", "--output", required=True, metavar="REPORT.md")
    new.add_argument("--force", action="store_true", help="overwrite the output file")
    add_generation_options(new)
    new.set_defaults(handler=command_new)
