"""The ``aicmo`` command: check reports, list packs, explain rules, write sections, show generation stats.

One module per command (``check``, ``info``: packs, explain and stats, ``fix``, ``new``), each with
the parser of its sub-command; ``common`` holds what they share. Exit codes: 0 fine, 1 findings
(``check``) or sections still failing (``fix``, ``new``), 2 usage or configuration errors (and an
internal error, said in one line), 3 (``fix``, ``new``) nothing written: the file changed
meanwhile or writing it failed (``report_file`` reads and writes the writer's file), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from aicmo_core import __version__

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
VERSION = f"aicmo {__version__}"

# Each command: the module that builds its parser and runs it, the function that adds its parser
# (``info.add_parsers`` adds two), and its one-line help. Only the module of the command being run
# is imported, so ``aicmo --version`` and ``--help`` import no command and ``aicmo check`` not the
# generation stack; a test holds these help lines equal to the modules' own.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("aicmo_core.cli.check", "add_parser", "check reports against their packs"),
    "packs": ("aicmo_core.cli.info", "add_parsers", "list packs and their sections"),
    "explain": ("aicmo_core.cli.info", "add_parsers", "print a rule's documentation"),
    "fix": ("aicmo_core.cli.fix", "add_parser", "regenerate, expand or fix failing sections of a report"),
    "new": ("aicmo_core.cli.new", "add_parser", "write a whole report for a pack from a brief"),
    "stats": (
        "aicmo_core.cli.info",
        "add_stats_parser",
        "pass and regeneration rates of generated sections, by generator and model",
    ),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``aicmo`` parser with every command's options, or (``command``) with that command's
    only: the others are listed by name and help, and their modules are not imported."""
    parser = argparse.ArgumentParser(
        prog="aicmo", description="Benchmark checks for client reports in Markdown and MDX."
    )
    parser.add_argument("--version", action="version", version=VERSION)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = {COMMANDS[name][:2] for name in COMMANDS if command is None or name == command}
    for name, (module, adder, help_text) in COMMANDS.items():
        if name in commands.choices:
            continue
        if (module, adder) in wanted:
            getattr(importlib.import_module(module), adder)(commands)
        else:
            commands.add_parser(name, help=help_text)
    return parser


def _command_in(argv: Sequence[str]) -> str:
    """The command word of a command line (``aicmo``'s own options take no value); ``""`` if none."""
    return next((argument for argument in argv if not argument.startswith("-")), "")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments == ["--version"]:  # what tools probe an installation with: no parser to build
        print(VERSION)
        return 0
    command = _command_in(arguments)
    if command in COMMANDS:
        # The pack cache, for every command (before its module is imported: some read it then);
        # imported here, since ``--version`` and ``--help`` need none of it.
        from aicmo_core.benchmarks.pack_cache import use_in_this_process  # noqa: PLC0415

        use_in_this_process("environment")
    args = build_parser(command if command in COMMANDS else "").parse_args(arguments)
    from aicmo_core.cli.common import EXIT_FINDINGS, EXIT_USAGE  # noqa: PLC0415 (the command imported it)

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
            import traceback  # noqa: PLC0415 (not imported by every run for this)

            traceback.print_exc()
        return EXIT_USAGE
