"""Build one VSIX per VS Code target, each with the server's libraries for that platform.

    .venv/bin/python extension/scripts/package_targets.py [linux-x64 darwin-arm64 ...]

The libraries of every target are bundled first, three targets at a time (pip spends its time
waiting on the registry), each into ``extension/bundled/targets/<target>``. Then each target's folder
becomes ``extension/bundled/libs`` while ``vsce package --target <target>`` runs. This machine's own
target is packaged last and its libraries stay in ``bundled/libs``, where a development host of the
extension finds them. Earlier VSIXs are removed first, so ``extension/*.vsix`` are the ones just built.

vsce scans every packaged file for secrets, which takes half a minute over the 3,000 files of the
libraries. The VSIXs differ only in their compiled modules, so the scan runs once, on the last one.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bundle_python import TARGETS, build_wheel, host_target

EXTENSION = Path(__file__).resolve().parents[1]
BUNDLED = EXTENSION / "bundled"
LIBS = BUNDLED / "libs"
STAGING = BUNDLED / "targets"
PARALLEL = 3


def bundle(target: str, wheel: Path) -> tuple[str, subprocess.CompletedProcess[str]]:
    """Run bundle_python.py for ``target`` into its staging folder; its output is printed when done."""
    script = str(Path(__file__).with_name("bundle_python.py"))
    command = [sys.executable, script, "--target", target, "--out", str(STAGING / target), "--wheel", str(wheel)]
    return target, subprocess.run(command, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def package(target: str, *, scan_secrets: bool) -> None:
    """``vsce package`` for ``target``, with that target's libraries in ``bundled/libs``."""
    if LIBS.exists():
        shutil.rmtree(LIBS)
    (STAGING / target).rename(LIBS)
    npm = shutil.which("npm") or "npm"
    options = [] if scan_secrets else ["--allow-package-all-secrets"]
    subprocess.run([npm, "run", "--silent", "package", "--", "--target", target, *options], cwd=EXTENSION, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", metavar="TARGET", help=f"default: all of {', '.join(TARGETS)}")
    targets: list[str] = list(dict.fromkeys(parser.parse_args().targets or TARGETS))
    for unknown in set(targets) - set(TARGETS):
        parser.error(f"unknown target {unknown} (the targets: {', '.join(TARGETS)})")
    host = host_target()
    targets.sort(key=lambda target: target == host)  # the host's last: its libraries stay in bundled/libs
    for old in EXTENSION.glob("*.vsix"):
        old.unlink()
    shutil.rmtree(STAGING, ignore_errors=True)
    failed = []
    with tempfile.TemporaryDirectory() as work, ThreadPoolExecutor(PARALLEL) as pool:
        wheel = build_wheel(Path(work))
        for target, result in pool.map(bundle, targets, [wheel] * len(targets)):
            print(result.stdout, end="")
            if result.returncode != 0:
                failed.append(target)
    if failed:
        print(f"package_targets: could not bundle the libraries for {', '.join(failed)} (see above)", file=sys.stderr)
        return 1
    for target in targets:
        package(target, scan_secrets=target == targets[-1])
    STAGING.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
