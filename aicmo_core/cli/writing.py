"""What ``aicmo fix`` and ``aicmo new`` share: the generation flags, running the sections with a
progress bar, and one line per section plus the decision log when they are done.

Both use the same runner as the editor (:mod:`aicmo_core.runner`): every section a generator writes
is checked against its benchmark, retried, and falls back along the chain; what still fails is
marked provisional or left alone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from uuid import uuid4

from aicmo_core.cli.common import UsageError, progress_bar
from aicmo_core.decisions import DecisionLog, ReasonCode
from aicmo_core.enforce import OnExhausted, Outcome, fallback_notice
from aicmo_core.generators import defaults
from aicmo_core.runner import (
    Chain,
    GenerationConfig,
    SectionTask,
    build_chain,
    decision_records,
    record_all,
    run_in_order,
    run_tasks,
)


def add_generation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--generator",
        action="append",
        metavar="NAME",
        help="generator to use (repeat for a chain; default: openai then template with OPENAI_API_KEY set, "
        "template alone otherwise)",
    )
    parser.add_argument("--model", default=os.environ.get("AICMO_MODEL", defaults.MODEL), help="model for openai")
    parser.add_argument("--base-url", default=None, help="OpenAI-compatible endpoint (default: the SDK's)")
    parser.add_argument(
        "--timeout", type=float, default=defaults.TIMEOUT_SECONDS, metavar="SECONDS", help="per model call"
    )
    parser.add_argument(
        "--max-attempts",
        type=int,
        default=defaults.MAX_ATTEMPTS,
        metavar="N",
        help=f"attempts per generator (default {defaults.MAX_ATTEMPTS})",
    )
    parser.add_argument(
        "--on-exhausted",
        choices=[o.value for o in OnExhausted],
        default=defaults.ON_EXHAUSTED,
        help="when nothing passes: keep the best attempt marked provisional, or change nothing",
    )
    parser.add_argument("--benchmarks", action="append", default=[], metavar="DIR", help="extra benchmark folder")


def generation_config(args: argparse.Namespace) -> tuple[GenerationConfig, Chain]:
    """The configuration from the flags and the chain it makes with ``OPENAI_API_KEY``."""
    config = GenerationConfig(
        chain=tuple(args.generator) if args.generator else None,
        model=args.model,
        base_url=args.base_url,
        timeout_seconds=args.timeout,
        max_attempts=args.max_attempts,
        on_exhausted=args.on_exhausted,
    )
    if args.max_attempts < 1:
        raise UsageError("--max-attempts must be at least 1")
    try:
        chain = build_chain(config, os.environ.get("OPENAI_API_KEY") or None)
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None
    return config, chain


def run_with_progress(
    tasks: Sequence[SectionTask], config: GenerationConfig, chain: Chain, *, in_order: bool = False
) -> list[Outcome]:
    """Run the tasks with a progress bar; ``in_order``: one after the other, each seeing the sections
    written before it (a new report), else ``config.concurrency`` at a time."""
    progress = progress_bar("generating", len(tasks))
    bar = progress.add_task("generating", total=len(tasks)) if progress else None

    def finished(done: int, task: SectionTask) -> None:
        if progress is not None and bar is not None:
            progress.advance(bar)

    if progress:
        progress.start()
    try:
        if in_order:
            return asyncio.run(run_in_order(tasks, chain, finished))
        return asyncio.run(run_tasks(tasks, chain, config.concurrency, finished))
    finally:
        if progress:
            progress.stop()


def report(
    pack_key: str,
    tasks: Sequence[SectionTask],
    outcomes: Sequence[Outcome],
    document: Callable[[Outcome], ReasonCode | None],
) -> bool:
    """One line per section on stderr and the decision log; whether every section passed. When a
    fallback wrote a section, its line says so and why the generators before it failed. ``document``
    says what happened to the file for each outcome (:func:`~aicmo_core.decisions.document_reason` when it was written,
    ``None`` when nothing was: no ``outcome`` row)."""
    for task, outcome in zip(tasks, outcomes, strict=True):
        said = fallback_notice(task.label, outcome) or outcome.explanation
        print(f"{task.section_id}: {outcome.quality.value}: {said}", file=sys.stderr)
    documents = [document(outcome) for outcome in outcomes]
    record_all(DecisionLog(), decision_records(uuid4(), pack_key, tasks, outcomes, documents))
    return all(outcome.passed for outcome in outcomes)
