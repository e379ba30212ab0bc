"""Logging to stderr (the client's output channel), or to a file (``--log-file`` or the environment
variable ``AICMO_LOG_FILE``). pygls is chatty at INFO, so it stays at WARNING."""

from __future__ import annotations

import logging
import os
import sys


def setup_logging(level: str = "INFO", path: str | None = None) -> None:
    path = path or os.environ.get("AICMO_LOG_FILE") or None
    handler: logging.Handler = (
        logging.FileHandler(path, encoding="utf-8") if path else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("pygls").setLevel(logging.WARNING)
