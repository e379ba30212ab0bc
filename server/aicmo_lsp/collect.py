"""When the server collects cyclic garbage: never over the parse of the open reports on a keystroke.

CPython's full collection walks every object the process holds, and a long report's parse (its
chunks, blocks and cached look-ups) is most of them: at 20,000 lines one full collection took about
90 ms, and each checked version leaves some thousand new long-lived objects, so one came every 20
keystrokes or so and made the p95 of an edit (``perf/bench_lsp.py``). So after each published
version what is alive is frozen (``gc.freeze``: moved where collections do not look) and collections
walk only what later versions allocate. A frozen object that becomes garbage is still freed by
reference counting (parses and results hold no reference cycles); one in a cycle has to wait for a
collection, so when no version has been published for :data:`IDLE_SECONDS`, everything is unfrozen
and collected once (the writer has paused), then frozen again; and, so that a writer who never
pauses does not grow the server without bound, also after every :data:`MAX_FROZEN_VERSIONS` versions.
"""

from __future__ import annotations

import asyncio
import gc

from aicmo_core.check import ReportResult

IDLE_SECONDS = 10.0
MAX_FROZEN_VERSIONS = 500


class FrozenBetweenVersions:
    """The server's listener (``AicmoLanguageServer.listeners``) that applies this policy."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self._idle: asyncio.TimerHandle | None = None
        self._versions = 0

    def __call__(self, uri: str, result: ReportResult | None) -> None:
        del uri, result
        self._versions += 1
        if self._versions >= MAX_FROZEN_VERSIONS:
            self.collect()
        gc.freeze()
        if self._idle is not None:
            self._idle.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside the server's loop (a test): nothing to wait for
            self.collect()
            return
        self._idle = loop.call_later(self.idle_seconds, self.collect)

    def collect(self) -> None:
        """Collect everything once (what was frozen too), then freeze what is left."""
        self._idle = None
        self._versions = 0
        gc.unfreeze()
        gc.collect()
        gc.freeze()
