"""``aicmo check -``: one report read from standard input, as editors (nvim-lint, ALE, efm) and pipes
send it.

It is checked as if it were the file ``--stdin-filename`` names (``-`` without it, in the current
folder): that path decides MDX handling and the settings that apply (the nearest ``aicmo.toml``
or ``pyproject.toml`` above it, and its ``[packs]`` globs), and names the report in every output
format. Nothing is read from or written to that path.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from aicmo_core.cli.parallel import CheckOutcome
from aicmo_core.report_size import ReportTooLarge, read_report_stream
from aicmo_core.workspace import Workspace


def stdin_checks(paths: list[Path], args: argparse.Namespace) -> Iterator[CheckOutcome]:
    """The check of standard input as ``paths[0]``, in the shape ``aicmo check`` reports every file
    in: the path, the result, configuration problems, a read error. ``paths`` is empty when
    ``--force-exclude`` left the file out: then standard input is not read."""
    if not paths:
        return
    (path,) = paths
    workspace = Workspace(benchmark_paths=tuple(Path(folder).resolve() for folder in args.benchmarks))
    stream = sys.stdin.buffer if sys.stdin is not None else None
    try:
        if stream is None:
            raise OSError("it is closed")
        text = read_report_stream(stream, f"{path} (standard input)", args.max_file_size_mb, "--max-file-size-mb")
    except ReportTooLarge as exc:
        yield path, None, [], str(exc)
        return
    except (OSError, UnicodeDecodeError) as exc:
        yield path, None, [], f"{path}: cannot read standard input: {exc}"
        return
    result, problems = workspace.check_text(text, path, args.pack)
    yield path, result, problems, None
