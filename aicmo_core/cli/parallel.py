"""``aicmo check`` over many files: in this process, or in worker processes when that pays.

Why two workers were once slower than one (the issue measured 9.9 s against 6.5 s on 1,200
reports of 10 KB; see perf/RESULTS.md): every worker parsed and validated all the pack files
again (half a second each), and sent back each report's whole result, parsed document and report
structure included (55 KB, pickled and unpickled in a fifth of the time the check took), to a
parent that competed with the workers for the same cores. Now:

- workers start from this process's state: on Linux they are forked after the packs are loaded,
  elsewhere they take them from the pack cache (:mod:`aicmo_core.benchmarks.pack_cache`);
- a worker sends back what the printers read, a :func:`detached` result: findings, statuses, each
  section's heading, match and metrics, the text and its line index, not the parsed blocks nor
  the report's structure; the packs and sections this process holds too go as references (a
  quarter of the time to pickle and unpickle);
- files go in chunks, and results come back in the files' order, so the output is the same with
  any number of workers;
- workers are used only when the work pays for them (:func:`workers_for`): a few files, or
  small ones, are checked here, whatever ``--jobs`` says (it is the most workers used).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from aicmo_core.benchmarks.pack_cache import use_in_this_process
from aicmo_core.check import ReportResult, SectionResult
from aicmo_core.document.model import ParsedDocument, Section
from aicmo_core.errors import Problem
from aicmo_core.report_size import ReportTooLarge, read_report
from aicmo_core.workspace import Workspace

# One report's check as ``aicmo check`` reports it: path, result, configuration problems, read error.
CheckOutcome = tuple[Path, ReportResult | None, list[Problem], str | None]
Checked = tuple[ReportResult | None, list[Problem], str | None]

# What checking costs here, to tell when workers pay (measured: perf/bench_jobs.py, perf/RESULTS.md):
# about 2 ms a report plus 0.45 ms a KB, against 60 ms to start a worker and hand it its files.
SECONDS_PER_FILE = 0.002
SECONDS_PER_BYTE = 0.45e-6
WORKER_START_SECONDS = 0.06
# Files a worker takes at a time: enough that handing them over costs little, few enough that the
# workers finish together.
MAX_CHUNK = 32

_WORKSPACE: list[Workspace] = []  # the worker's, set before the pool starts (fork) or by _start_worker
# The packs and sections this process loaded before forking the workers, by id: a worker sends a
# reference to one of them instead of a copy (a forked worker has the same objects at the same ids).
_SHARED: dict[int, object] = {}


def workers_for(paths: Sequence[Path], jobs: int) -> int:
    """How many worker processes to check ``paths`` with: at most ``jobs`` (0: every usable core),
    and only as many as the estimated work pays for; 1 means none (this process checks)."""
    cores = usable_cores()
    most = min(jobs or cores, len(paths) // 2 or 1)
    if most <= 1:
        return 1
    work = len(paths) * SECONDS_PER_FILE + sum(_size(path) for path in paths) * SECONDS_PER_BYTE
    # n workers take about work / n + n * start (no faster beyond the cores): the quickest, if it
    # beats this process alone by a fair margin.
    estimate = {workers: work / min(workers, cores) + workers * WORKER_START_SECONDS for workers in range(2, most + 1)}
    best = min(estimate, key=estimate.__getitem__)
    return best if estimate[best] < 0.8 * work else 1


def usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def check_file(path: Path, pack: str | None, max_file_size_mb: float, workspace: Workspace) -> Checked:
    """Read and check one report: its result and configuration problems, or why it was not read."""
    try:
        text = read_report(path, max_file_size_mb, "--max-file-size-mb")  # a BOM dropped, as editors do
    except ReportTooLarge as exc:
        return None, [], str(exc)
    except (OSError, UnicodeDecodeError) as exc:
        return None, [], f"{path}: cannot read: {exc}"
    result, problems = workspace.check_text(text, path, pack)
    return result, problems, None


def check_reports(paths: list[Path], args: argparse.Namespace) -> Iterator[CheckOutcome]:
    """Each file's outcome, in the order of ``paths``: the path, the result, configuration problems,
    a read error. With ``args.jobs`` workers at most (see :func:`workers_for`)."""
    workspace = Workspace(benchmark_paths=tuple(Path(folder).resolve() for folder in args.benchmarks))
    workers = workers_for(paths, args.jobs)
    if workers <= 1:
        for path in paths:
            yield (path, *check_file(path, args.pack, args.max_file_size_mb, workspace))
        return
    yield from _in_workers(paths, args, workspace, workers)


def _in_workers(
    paths: list[Path], args: argparse.Namespace, workspace: Workspace, workers: int
) -> Iterator[CheckOutcome]:
    import multiprocessing  # noqa: PLC0415 (only when workers pay)
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    context = multiprocessing.get_context(start_method())
    fork = context.get_start_method() == "fork"
    _SHARED.clear()
    if fork:
        packs = workspace.options_for(paths[0], args.pack)[0].packs  # loaded once, before the fork
        for pack in packs.packs.values():
            _SHARED.update({id(shared): shared for shared in (pack, *pack.sections)})
    _WORKSPACE[:] = [workspace]
    chunk = max(1, min(MAX_CHUNK, len(paths) // (workers * 4)))
    jobs = [(path, args.pack, args.max_file_size_mb) for path in paths]
    starter = (workspace.benchmark_paths,)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=starter) as pool:
        for path, (sent, problems, read_error) in zip(
            paths, pool.map(_check_in_worker, jobs, chunksize=chunk), strict=True
        ):
            yield path, _received(sent), problems, read_error


def start_method() -> str:
    """How workers start. Forked workers share what this process loaded (packs, regular expressions,
    imported modules); where fork is not safe (macOS) or missing (Windows), each worker is a new
    interpreter ("spawn") and takes the packs from the pack cache."""
    import multiprocessing  # noqa: PLC0415 (only when workers pay)

    fork = sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
    return "fork" if fork else "spawn"


def _start_worker(benchmark_paths: tuple[Path, ...]) -> None:
    use_in_this_process("environment")
    if not _WORKSPACE:  # not forked: a workspace of its own, its packs from the pack cache
        _WORKSPACE.append(Workspace(benchmark_paths=benchmark_paths))


def _check_in_worker(job: tuple[Path, str | None, float]) -> tuple[bytes | None, list[Problem], str | None]:
    path, pack, max_file_size_mb = job
    result, problems, read_error = check_file(path, pack, max_file_size_mb, _WORKSPACE[0])
    if result is None:
        return None, problems, read_error
    import pickle  # noqa: PLC0415 (workers only: 5 ms of start-up a check in one process does not pay)

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = _shared_id  # type: ignore[method-assign]
    pickler.dump(detached(result))
    return buffer.getvalue(), problems, read_error


def _shared_id(thing: object) -> int | None:
    key = id(thing)
    return key if key in _SHARED and _SHARED[key] is thing else None


def _received(sent: bytes | None) -> ReportResult | None:
    """A worker's result, its references to this process's packs resolved."""
    if sent is None:
        return None
    import pickle  # noqa: PLC0415

    unpickler = pickle.Unpickler(io.BytesIO(sent))
    unpickler.persistent_load = _SHARED.__getitem__  # type: ignore[method-assign]
    result: ReportResult = unpickler.load()
    return result


def detached(result: ReportResult) -> ReportResult:
    """``result`` as the printers read it, without what only the checks needed: the document keeps
    its text, line index and front matter but not its parsed blocks, each section its heading,
    match, benchmark and metrics; the report's structure is left out. A fraction of the size to
    send from a worker, and the same output in every format."""
    doc = result.doc
    light = ParsedDocument(doc.text, doc.mdx, doc.index, doc.pre, chunks=[], headings=doc.headings, chunk_starts=[])
    sections = [
        SectionResult(_detached_section(entry.section, light), entry.status, entry.findings)
        for entry in result.sections
    ]
    return replace(result, doc=light, sections=sections, structure=None)


def _detached_section(section: Section, doc: ParsedDocument) -> Section:
    light = Section(doc, section.heading, section.end_line, section.match, section.benchmark, section.index)
    light.__dict__["metrics"] = section.metrics  # computed from the blocks it no longer has
    return light
