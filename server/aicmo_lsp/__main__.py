"""``aicmo-lsp``: run the language server on stdio (default) or TCP."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from aicmo_core import __version__
from aicmo_core.benchmarks.pack_cache import use_in_this_process
from aicmo_lsp import clock  # notes when the server's own code began to run
from aicmo_lsp.log import setup_logging
from aicmo_lsp.type_cache import import_lsp_types

# The user's cache of validated packs (as the CLI's), and of lsprotocol's generated code, which the
# server's other modules import: so before them.
use_in_this_process("environment")
import_lsp_types()

from aicmo_lsp.server import create_server  # noqa: E402
from aicmo_lsp.transport import DEFAULT_MAX_MESSAGE_MB, MAX_MESSAGE_MB, serve_stdio, serve_tcp  # noqa: E402

clock.IMPORTED[0] = time.perf_counter()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aicmo-lsp", description="aicmo's language server")
    parser.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP address instead")
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    parser.add_argument("--log-file", metavar="PATH", help="log here instead of stderr (also: AICMO_LOG_FILE)")
    parser.add_argument(
        "--max-message-mb",
        type=_megabytes,
        default=DEFAULT_MAX_MESSAGE_MB,
        metavar="MB",
        help=f"refuse JSON-RPC messages larger than this (default {DEFAULT_MAX_MESSAGE_MB})",
    )
    parser.add_argument("--version", action="version", version=f"aicmo-lsp {__version__}")
    args = parser.parse_args(argv)
    setup_logging(args.log_level, args.log_file)
    limit = int(args.max_message_mb * 1024 * 1024)
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit():
            parser.error("--tcp needs HOST:PORT, for example 127.0.0.1:2087")
        return serve_tcp(create_server(), host, int(port), limit)
    return serve_stdio(create_server(), sys.stdin.buffer, sys.stdout.buffer, limit)


def _megabytes(value: str) -> float:
    try:
        megabytes = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0 < megabytes <= MAX_MESSAGE_MB:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and {MAX_MESSAGE_MB:,}")
    return megabytes


if __name__ == "__main__":
    sys.exit(main())
