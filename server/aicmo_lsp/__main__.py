"""``aicmo-lsp``: run the language server on stdio (default) or TCP."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from aicmo_core import __version__
from aicmo_lsp.log import setup_logging
from aicmo_lsp.server import create_server


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aicmo-lsp", description="aicmo's language server")
    parser.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP address instead")
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    parser.add_argument("--log-file", metavar="PATH", help="log here instead of stderr (also: AICMO_LOG_FILE)")
    parser.add_argument("--version", action="version", version=f"aicmo-lsp {__version__}")
    args = parser.parse_args(argv)
    setup_logging(args.log_level, args.log_file)
    server = create_server()
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit():
            parser.error("--tcp needs HOST:PORT, for example 127.0.0.1:2087")
        server.start_tcp(host, int(port))
    else:
        server.start_io()
    return 0


if __name__ == "__main__":
    sys.exit(main())
