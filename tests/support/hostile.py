"""A repository someone else made, as ``tests/fixtures/hostile`` holds it plus what git cannot hold.

``repo/`` has an ``aicmo.toml`` naming folders outside it, a healthy team pack, and pack files that
are an alias bomb, an alias cycle, a ``!!python`` tag and an include of a file outside the
repository. :func:`hostile_repo` copies it (with its neighbour ``outside/``) into a temporary folder
and adds the files git cannot hold: a FIFO, symlinks to ``/dev/stdin``, ``/dev/zero`` and
``/etc/passwd``, and a pack file one byte over the 1 MB limit.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from aicmo_core.input_files import MAX_INPUT_BYTES

HOSTILE = Path(__file__).parent.parent / "fixtures" / "hostile"

# The problems the CLI prints for the copy, by file (after the temporary folder's path), in the
# order it prints them; "{repo}" and "{outside}" stand for the copy's folders.
EXPECTED_PROBLEMS = [
    "{repo}/aicmo.toml:2: benchmark folder '/etc' is outside {repo}, the folder of this aicmo.toml: refused (to use "
    "it, name it in your own settings: --benchmarks or aicmo.benchmarkPaths; see docs/configuration.md#confinement)"
    " [benchmark_paths[1]]",
    "{repo}/aicmo.toml:2: benchmark folder '../outside' ({outside}) is outside {repo}, the folder of this "
    "aicmo.toml: refused (to use it, name it in your own settings: --benchmarks or aicmo.benchmarkPaths; see "
    "docs/configuration.md#confinement) [benchmark_paths[2]]",
    "{repo}/benchmarks/packs/alias_bomb.yaml:6:1: more than 25,000 values (a YAML alias counts once for every "
    "use): refused",
    "{repo}/benchmarks/packs/alias_cycle.yaml:3:11: this YAML alias is inside the value it names (a cycle): refused",
    "{repo}/benchmarks/packs/big.yaml: is larger than 1 MB; benchmark and configuration files may be at most 1 MB: "
    "refused",
    "{repo}/benchmarks/packs/fifo.yaml: is a named pipe (FIFO), not a regular file: refused",
    "{repo}/benchmarks/packs/include_outside.yaml:3:11: cannot include '../../../outside/library.yaml': "
    "{outside}/library.yaml is outside {repo} (see docs/configuration.md#confinement) [include[0]]",
    "{repo}/benchmarks/packs/include_outside.yaml:3:42: cannot include '/proc/self/environ': {environ} is outside "
    "{repo} (see docs/configuration.md#confinement) [include[1]]",
    "{repo}/benchmarks/packs/passwd.yaml: links to /etc/passwd, which is outside {repo}: refused (see "
    "docs/configuration.md#confinement)",
    "{repo}/benchmarks/packs/python_tag.yaml:2:8: YAML tag !!python/object/apply:os.system is not allowed: "
    "benchmark files hold plain data (text, numbers, true/false, lists and mappings)",
    "{repo}/benchmarks/packs/stdin.yaml: links to /dev/stdin, which is {stdin}, not a regular file: refused",
    "{repo}/benchmarks/packs/zero.yaml: links to /dev/zero, which is a character device, not a regular file: refused",
]


def hostile_repo(tmp_path: Path) -> Path:
    """A fresh copy of the hostile repository in ``tmp_path``; returns its folder."""
    target = tmp_path / "hostile"
    shutil.copytree(HOSTILE, target)
    packs = target / "repo" / "benchmarks" / "packs"
    os.mkfifo(packs / "fifo.yaml")
    (packs / "stdin.yaml").symlink_to("/dev/stdin")
    (packs / "zero.yaml").symlink_to("/dev/zero")
    (packs / "passwd.yaml").symlink_to("/etc/passwd")
    (packs / "big.yaml").write_bytes(b"key: big\nlabel: " + b"a" * MAX_INPUT_BYTES + b"\n")
    return target / "repo"


def expected_problems(repo: Path, stdin: str, pid: int) -> list[str]:
    """:data:`EXPECTED_PROBLEMS` for a copy, read by process ``pid``; ``stdin``: what its standard
    input is ("a named pipe (FIFO)" when started with a pipe, "a character device" for /dev/null)."""
    outside = repo.parent / "outside"
    environ = f"/proc/{pid}/environ"
    return [line.format(repo=repo, outside=outside, stdin=stdin, environ=environ) for line in EXPECTED_PROBLEMS]
