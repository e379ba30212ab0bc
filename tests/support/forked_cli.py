"""Run ``aicmo`` in child processes forked from a warm one: a real process each time (its own file
descriptors, exit code, memory limit, a kill at the time limit) that starts in milliseconds instead of
the half second a fresh interpreter takes, so a fuzz test can afford many.

``python -m support.forked_cli`` is the fork server: a single-threaded process (forking the pytest
process itself is unsafe: pytest-xdist runs threads in it) that imports aicmo, checks one report to
warm its caches, then serves one JSON line per run: it forks, the child runs ``aicmo_core.cli.main``
like ``python -m aicmo_core.cli`` would (an escaping exception prints its traceback and exits 1), and
the server answers with the exit code, or ``null`` when it killed the child at the time limit.

The child's stdin is a pipe nobody writes to, as a terminal nobody types in: a command that reads
its standard input (a pack linked to ``/dev/stdin``) waits for ever there, as it would for a user.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aicmo_core.cli import main

MEMORY_LIMIT = 1536 * 1024 * 1024  # address space of a child: a runaway read fails fast instead of swapping
TESTS = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class CliRun:
    argv: tuple[str, ...]
    returncode: int | None  # None: killed at the time limit
    stdout: str
    stderr: str
    seconds: float

    @property
    def hung(self) -> bool:
        return self.returncode is None


class ForkedCli:
    """The client side: starts the fork server on first use; ``close`` ends it."""

    def __init__(self) -> None:
        self._server: subprocess.Popen[bytes] | None = None

    def _started(self) -> subprocess.Popen[bytes]:
        if self._server is None or self._server.poll() is not None:
            env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
            self._server = subprocess.Popen(
                [sys.executable, "-m", "support.forked_cli"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
            )
        return self._server

    def run(
        self, argv: Sequence[str], cwd: Path, time_limit: float, scratch: Path, env: dict[str, str] | None = None
    ) -> CliRun:
        """``aicmo ARGV`` in ``cwd``, killed after ``time_limit`` seconds; output through files in ``scratch``."""
        server = self._started()
        assert server.stdin is not None and server.stdout is not None
        with tempfile.TemporaryDirectory(prefix="aicmo-cli-", dir=scratch) as folder:
            out, err = os.path.join(folder, "out"), os.path.join(folder, "err")
            request = {"argv": list(argv), "cwd": str(cwd), "out": out, "err": err, "limit": time_limit}
            request["env"] = {"CI": "true", "NO_COLOR": "1", **(env or {})}
            server.stdin.write(json.dumps(request).encode() + b"\n")
            server.stdin.flush()
            # The server kills the child at the limit; this wait only guards against the server dying.
            ready, _, _ = select.select([server.stdout], [], [], time_limit + 30)
            line = server.stdout.readline() if ready else b""
            if not line:
                self.close()
                raise RuntimeError("the fork server of the CLI fuzz stopped answering")
            answer = json.loads(line)
            stdout = Path(out).read_text(encoding="utf-8", errors="replace") if os.path.exists(out) else ""
            stderr = Path(err).read_text(encoding="utf-8", errors="replace") if os.path.exists(err) else ""
        if answer["signal"]:
            stderr += f"\n[killed by signal {answer['signal']}]"
        return CliRun(tuple(argv), answer["returncode"], stdout, stderr, answer["seconds"])

    def close(self) -> None:
        if self._server is not None:
            self._server.kill()
            self._server.wait()
            for stream in (self._server.stdin, self._server.stdout):
                if stream is not None:
                    stream.close()
            self._server = None


# ------------------------------------------------------------------------------ the fork server
def _child(request: dict[str, Any], stdin: int) -> None:
    """In the forked child: stdio on the request's files, the limits, then the command."""
    code = 1
    try:
        # The server kills the child at the limit; the alarm ends it even when the server is gone.
        signal.alarm(int(request["limit"]) + 5)
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        os.chdir(request["cwd"])
        os.environ.update(request["env"])
        os.dup2(stdin, 0)
        for fd, name in ((1, request["out"]), (2, request["err"])):
            handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(handle, fd)
            os.close(handle)
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace")
        try:
            code = main(request["argv"])
        except SystemExit as exit_:
            if isinstance(exit_.code, int) or exit_.code is None:
                code = exit_.code or 0
            else:
                print(exit_.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
            code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def _wait(pid: int, limit: float) -> tuple[int | None, int | None]:
    """(exit code, signal) of the child, (None, None) after killing it at the limit."""
    deadline = time.monotonic() + limit
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            if os.WIFSIGNALED(status):
                return 128 + os.WTERMSIG(status), os.WTERMSIG(status)
            return os.WEXITSTATUS(status), None
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None, None
        time.sleep(0.005)


def warm_up() -> None:
    """One check of a built-in pack's report: lazy imports and caches (lexicon, stemmer, the built-in
    library) ready before the first fork, as a long-running process has them."""
    with tempfile.TemporaryDirectory(prefix="aicmo-warm-") as folder:
        report = Path(folder) / "report.md"
        report.write_text("---\npack: quick_social_basic\n---\n## Hashtag Strategy\n\nShort.\n", encoding="utf-8")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            main(["check", str(report)])


def serve() -> None:
    warm_up()
    silent_read, _silent_write = os.pipe()  # the write end stays open and unused: reads wait for ever
    for line in sys.stdin:
        request = json.loads(line)
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            _child(request, silent_read)
        code, killed_by = _wait(pid, request["limit"])
        answer = {"returncode": code, "signal": killed_by, "seconds": time.monotonic() - started}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
