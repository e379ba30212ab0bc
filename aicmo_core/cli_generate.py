"""``aicmo fix`` and ``aicmo new``: the generators and their enforcement loop from the command line.

``aicmo fix`` rewrites failing sections of a report in place (or prints a unified diff with
``--dry-run``); ``aicmo new`` writes a whole report for a pack from a brief. Both use the same
enforcement as the editor: every section a generator writes is checked against its benchmark,
retried, and falls back along the chain; what still fails is marked provisional or left alone.

Exit codes: 0 every section passes, 1 some section still fails, 2 usage or configuration errors.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from aicmo_core.check import ReportResult, SectionResult
from aicmo_core.decisions import DecisionLog, document_reason, run_records
from aicmo_core.enforce import OnExhausted, Outcome, Policy, default_chain, enforce
from aicmo_core.findings import Status
from aicmo_core.generators.base import (
    GenerationRequest,
    Generator,
    GeneratorSettings,
    Mode,
    create_generator,
)
from aicmo_core.reports import compose_report, new_report_requests
from aicmo_core.rewrite import TextEdit, apply_edits, expand_target, find_section, generation_request, replace_body
from aicmo_core.workspace import Workspace

EXIT_OK, EXIT_FAILING, EXIT_USAGE = 0, 1, 2
CONCURRENCY = 3


class UsageError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Job:
    section_id: str
    label: str
    request: GenerationRequest
    heading: str


def add_generation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--generator",
        action="append",
        metavar="NAME",
        help="generator to use (repeat for a chain; default: openai then template with OPENAI_API_KEY set, "
        "template alone otherwise)",
    )
    parser.add_argument("--model", default=os.environ.get("AICMO_MODEL", "gpt-4o-mini"), help="model for openai")
    parser.add_argument("--base-url", default=None, help="OpenAI-compatible endpoint (default: the SDK's)")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="per model call")
    parser.add_argument("--max-attempts", type=int, default=2, metavar="N", help="attempts per generator (default 2)")
    parser.add_argument(
        "--on-exhausted",
        choices=[o.value for o in OnExhausted],
        default=OnExhausted.PROVISIONAL.value,
        help="when nothing passes: keep the best attempt marked provisional, or change nothing",
    )
    parser.add_argument("--benchmarks", action="append", default=[], metavar="DIR", help="extra benchmark folder")


def _generators(args: argparse.Namespace) -> tuple[list[Generator], Policy]:
    key = os.environ.get("OPENAI_API_KEY") or None
    settings = GeneratorSettings(model=args.model, base_url=args.base_url, api_key=key, timeout_s=args.timeout)
    chain = tuple(args.generator) if args.generator else default_chain(key)
    try:
        generators = [create_generator(name, settings) for name in chain]
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None
    if args.max_attempts < 1:
        raise UsageError("--max-attempts must be at least 1")
    return generators, Policy(chain, args.max_attempts, OnExhausted(args.on_exhausted))


async def _run_jobs(jobs: Sequence[Job], generators: Sequence[Generator], policy: Policy) -> list[Outcome]:
    semaphore = asyncio.Semaphore(CONCURRENCY)
    progress = _progress(len(jobs))
    task = progress.add_task("generating", total=len(jobs)) if progress else None

    async def one(job: Job) -> Outcome:
        async with semaphore:
            outcome = await enforce(job.request, generators, policy, heading=job.heading)
        if progress is not None and task is not None:
            progress.advance(task)
        return outcome

    if progress:
        progress.start()
    try:
        return list(await asyncio.gather(*(one(job) for job in jobs)))
    finally:
        if progress:
            progress.stop()


def _progress(total: int) -> Progress | None:
    if not sys.stderr.isatty() or os.environ.get("CI") or total < 1:
        return None
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _report(jobs: Sequence[Job], outcomes: Sequence[Outcome], written: bool) -> bool:
    """One line per section on stderr and the decision log; whether every section passed."""
    log = DecisionLog()
    run_id = uuid4()
    for job, outcome in zip(jobs, outcomes, strict=True):
        print(f"{job.section_id}: {outcome.quality.value}: {outcome.explanation}", file=sys.stderr)
        document = document_reason(outcome) if written else None
        for record in run_records(
            run_id, job.request.pack.key, job.section_id, job.request.mode, outcome, document=document
        ):
            log.record(record)
    return all(outcome.passed for outcome in outcomes)


# ------------------------------------------------------------------------------------ fix


def _fix_targets(result: ReportResult, section: str | None) -> list[SectionResult]:
    if section is not None:
        found = find_section(result, section)
        if found is None:
            present = ", ".join(r.section.id for r in result.sections if r.section.id) or "none"
            raise UsageError(f"no section {section!r} in this report; its sections: {present}")
        return [found]
    return [r for r in result.sections if r.section.benchmark is not None and r.status is Status.FAIL]


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
        targets = _fix_targets(result, args.section)
        generators, policy = _generators(args)
    except UsageError as exc:
        print(f"aicmo: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not targets:
        print(f"{path}: no failing sections", file=sys.stderr)
        return EXIT_OK
    mode = Mode(args.mode)
    jobs = []
    for target in targets:
        benchmark = target.section.benchmark
        assert benchmark is not None
        target_words = expand_target(target) if mode is Mode.EXPAND else None
        request = generation_request(result, target, mode, target_words)
        jobs.append(Job(benchmark.id, benchmark.label, request, target.section.heading.title))
    outcomes = asyncio.run(_run_jobs(jobs, generators, policy))
    passed = _report(jobs, outcomes, written=not args.dry_run)
    edits: list[TextEdit] = []
    for job, outcome in zip(jobs, outcomes, strict=True):
        found = find_section(result, job.section_id)
        if outcome.body is not None and found is not None:
            edits.append(replace_body(found.section, outcome.body))
    new_text = apply_edits(text, edits)
    if args.dry_run:
        sys.stdout.writelines(
            difflib.unified_diff(
                text.splitlines(keepends=True), new_text.splitlines(keepends=True), f"a/{path}", f"b/{path}"
            )
        )
    elif new_text != text:
        _write_atomically(path, new_text)
    return EXIT_OK if passed else EXIT_FAILING


# ------------------------------------------------------------------------------------ new


def _read_brief(path: Path) -> dict[str, object]:
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    except YAMLError as exc:
        raise UsageError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path} must be a mapping of brief fields (brand: ..., audience: ...)")
    return {str(key): value for key, value in data.items()}


def command_new(args: argparse.Namespace) -> int:
    output = Path(args.output)
    try:
        if output.exists() and not args.force:
            raise UsageError(f"{output} exists; pass --force to overwrite it")
        brief_data = _read_brief(Path(args.brief))
        generators, policy = _generators(args)
    except UsageError as exc:
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
    requests = new_report_requests(pack, brief_data, mdx=output.suffix.lower() == ".mdx")
    jobs = [Job(request.section.id, request.section.label, request, request.section.label) for request in requests]
    outcomes = asyncio.run(_run_jobs(jobs, generators, policy))
    passed = _report(jobs, outcomes, written=True)
    text = compose_report(pack, brief_data, outcomes)
    _write_atomically(output, text)
    result, _ = workspace.check_text(text, output)
    print(f"wrote {output}: {len(jobs)} sections, report {result.status.value}", file=sys.stderr)
    return EXIT_OK if passed and result.status is not Status.FAIL else EXIT_FAILING


def _write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, so a crash never leaves half a report."""
    folder = path.resolve().parent
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp") as handle:
        handle.write(text)
        temporary = Path(handle.name)
    if path.exists():
        os.chmod(temporary, path.stat().st_mode & 0o777)
    os.replace(temporary, path)


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fix = commands.add_parser("fix", help="regenerate, expand or fix failing sections of a report")
    fix.add_argument("file", metavar="FILE")
    fix.add_argument("--section", metavar="ID", help="only this section (default: every failing section)")
    fix.add_argument("--mode", choices=[m.value for m in Mode], default=Mode.REGENERATE.value)
    fix.add_argument("--pack", help="pack for a file whose front matter and aicmo.toml name none")
    fix.add_argument("--dry-run", action="store_true", help="print a unified diff instead of writing the file")
    add_generation_options(fix)
    fix.set_defaults(handler=command_fix)

    new = commands.add_parser("new", help="write a whole report for a pack from a brief")
    new.add_argument("--pack", required=True, metavar="KEY")
    new.add_argument("--brief", required=True, metavar="BRIEF.yaml", help="brand, industry, audience, goal, voice, ...")
    new.add_argument("-o", "--output", required=True, metavar="REPORT.md")
    new.add_argument("--force", action="store_true", help="overwrite the output file")
    add_generation_options(new)
    new.set_defaults(handler=command_new)
