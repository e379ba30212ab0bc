"""When this server process got to run its own code, and when its imports were done: for the log line
that says where a slow start went (``initialize`` in ``features/configuration.py``).

``AICMO_SPAWNED_AT`` (milliseconds since the epoch), set by the VS Code extension just before it
starts the server, adds the time before Python ran this module: the interpreter's own start.
"""

from __future__ import annotations

import os
import time

STARTED = time.perf_counter()
STARTED_WALL_MS = time.time() * 1000
IMPORTED = [STARTED]  # set by ``__main__`` once the server's modules are imported


def startup_summary() -> str:
    """``initialize 310 ms after the process started (imports 270 ms)``, plus the interpreter's own
    start when the editor said when it spawned the process."""
    since, imports = (time.perf_counter() - STARTED) * 1000, (IMPORTED[0] - STARTED) * 1000
    text = f"initialize {since:.0f} ms after this module ran (imports {imports:.0f} ms)"
    spawned = os.environ.get("AICMO_SPAWNED_AT", "")
    if spawned.isdigit():
        text += f"; Python's own start {STARTED_WALL_MS - int(spawned):.0f} ms"
    return text
