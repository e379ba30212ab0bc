"""The ``aicmo`` command: check reports, list packs, explain rules, write sections, show generation stats.

One module per command (``check``, ``info``: packs, explain and stats, ``fix``, ``new``), each with
the parser of its sub-command; ``common`` holds what they share. Exit codes: 0 fine, 1 findings
(``check``) or sections still failing (``fix``, ``new``), 2 usage or configuration errors (and an
internal error, said in one line), 3 (``fix``, ``new``) nothing written: the file changed
meanwhile or writing it failed (``report_file`` reads and writes the writer's file), 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from aicmo_core import __version__
from aicmo_core.cli import check, fix, info, new
from aicmo_core.cli.common import EXIT_FINDINGS, EXIT_USAGE

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aicmo", description="Benchmark checks for client reports in Markdown and MDX."
    )
    parser.add_argument("--version", action="version", version=f"aicmo {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check.add_parser(commands)
    info.add_parsers(commands)
    fix.add_parser(commands)
    new.add_parser(commands)
    info.add_stats_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "jobs", 0) and args.jobs < 0:
        print("aicmo: --jobs must be positive", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except BrokenPipeError:
        # The reader went away (``aicmo check ... | head``): stop quietly, as other Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        print("aicmo: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        # Bad input is a message and exit 2 where it is met; this is the last guard, for a bug of
        # aicmo's own (or memory running out): one line, never a traceback in a CI log.
        print(f"aicmo: internal error: {type(exc).__name__}: {exc} (please report it)", file=sys.stderr)
        if os.environ.get("AICMO_DEBUG"):
            traceback.print_exc()
        return EXIT_USAGE
