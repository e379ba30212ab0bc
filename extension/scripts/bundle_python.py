"""Bundle the language server and its libraries for one VS Code target, one folder per CPython version.

    .venv/bin/python extension/scripts/bundle_python.py --target darwin-arm64 [--out DIR] [--versions 3.10 ...]

As Microsoft's Python tool extensions do: the project's wheel and its dependencies are installed
with ``pip install --target`` for each CPython version (pydantic-core, jiter and regex are binary
wheels per version and platform), from the target's binary wheels only, so that any Python >= 3.10 on
that platform runs the server offline. A dependency without a wheel for the target is a build error
that names it. The extension puts ``pyX.Y`` and then ``common`` on PYTHONPATH and runs
``python -m aicmo_lsp``.

pip evaluates environment markers (``tomli; python_version < "3.11"``) against the interpreter that
runs it, not against ``--python-version``; so each version's install is repeated with the
requirements its own markers add until nothing is missing. Top-level entries that are identical in
every version's folder (the pure-Python packages) are then moved to ``common``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pip always has its own copy
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parents[2]
DEFAULT_VERSIONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
COMMON = "common"


@dataclass(frozen=True)
class Target:
    """A VS Code target platform: the wheels pip may take for it, and the markers its Python reports."""

    platforms: tuple[str, ...]
    """pip's ``--platform`` tags; pip adds the older manylinux and macOS tags each one implies."""
    machine: str
    system: str
    sys_platform: str
    os_name: str


TARGETS = {
    "linux-x64": Target(("manylinux2014_x86_64",), "x86_64", "Linux", "linux", "posix"),
    "linux-arm64": Target(("manylinux2014_aarch64",), "aarch64", "Linux", "linux", "posix"),
    # VS Code needs macOS 10.15 on Intel and 11 on Apple silicon.
    "darwin-x64": Target(("macosx_10_15_x86_64",), "x86_64", "Darwin", "darwin", "posix"),
    "darwin-arm64": Target(("macosx_11_0_arm64",), "arm64", "Darwin", "darwin", "posix"),
    "win32-x64": Target(("win_amd64",), "AMD64", "Windows", "win32", "nt"),
}


class NoWheel(Exception):
    """pip found no binary wheel of a dependency for a target and version."""


def pip(*args: str) -> None:
    """Run pip; when it finds no wheel for a requirement, raise ``NoWheel`` naming that requirement."""
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "--quiet", *args]
    result = subprocess.run(command, check=False, stderr=subprocess.PIPE, text=True)
    if result.returncode == 0:
        return
    sys.stderr.write(result.stderr)
    missing = re.search(r"No matching distribution found for (\S+)", result.stderr)
    if missing:
        raise NoWheel(missing.group(1))
    raise subprocess.CalledProcessError(result.returncode, command)


def build_wheel(work: Path) -> Path:
    pip("wheel", "--no-deps", "--wheel-dir", str(work), str(REPO))
    (wheel,) = work.glob("aicmo-*.whl")
    return wheel


def marker_environment(target: Target, version: str) -> dict[str, str]:
    """The markers of CPython ``version`` on ``target`` (as pip would see them there)."""
    return {
        "implementation_name": "cpython",
        "implementation_version": f"{version}.0",
        "os_name": target.os_name,
        "platform_machine": target.machine,
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": target.system,
        "platform_version": "",
        "python_full_version": f"{version}.0",
        "python_version": version,
        "sys_platform": target.sys_platform,
        "extra": "",
    }


def installed(target: Path) -> dict[str, Path]:
    """Canonical distribution name → its dist-info folder."""
    found = {}
    for dist_info in target.glob("*.dist-info"):
        metadata = Parser().parsestr((dist_info / "METADATA").read_text(encoding="utf-8"), headersonly=True)
        found[canonicalize_name(metadata["Name"])] = dist_info
    return found


def missing_requirements(folder: Path, target: Target, version: str) -> set[str]:
    """Requirements of the installed distributions that apply to ``version`` on ``target`` but are not installed."""
    environment = marker_environment(target, version)
    present = installed(folder)
    missing = set()
    for dist_info in present.values():
        metadata = Parser().parsestr((dist_info / "METADATA").read_text(encoding="utf-8"), headersonly=True)
        for line in metadata.get_all("Requires-Dist") or []:
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate(environment):
                continue  # for another version, or an extra nobody asked for
            if canonicalize_name(requirement.name) not in present:
                missing.add(str(Requirement(f"{requirement.name}{requirement.specifier}")))
    return missing


def install(wheel: Path, target: Target, version: str, folder: Path) -> None:
    """The wheel and its dependencies as CPython ``version`` on ``target`` needs them."""
    extra: set[str] = set()
    while True:
        if folder.exists():
            shutil.rmtree(folder)
        platforms = [arg for platform in target.platforms for arg in ("--platform", platform)]
        pip(
            "install",
            "--target", str(folder),
            "--only-binary=:all:",
            "--python-version", version,
            "--implementation", "cp",
            "--abi", f"cp{version.replace('.', '')}",
            "--abi", "abi3",
            "--abi", "none",
            *platforms,
            "--no-compile",
            str(wheel),
            *sorted(extra),
        )  # fmt: skip
        missing = missing_requirements(folder, target, version) - extra
        if not missing:
            break
        print(f"  py{version}: adding {', '.join(sorted(missing))} (their markers apply there)")
        extra |= missing
    shutil.rmtree(folder / "bin", ignore_errors=True)  # console scripts with this venv's shebang


def tree_digest(path: Path) -> str:
    digest = hashlib.sha256()
    if path.is_file():
        digest.update(path.read_bytes())
        return digest.hexdigest()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(path)).encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


def dedupe(out: Path, versions: list[str]) -> None:
    """Move the entries identical in every version's folder to ``common``."""
    folders = [out / f"py{version}" for version in versions]
    common = out / COMMON
    common.mkdir()
    for entry in sorted(folders[0].iterdir()):
        candidates = [folder / entry.name for folder in folders]
        if all(c.exists() for c in candidates) and len({tree_digest(c) for c in candidates}) == 1:
            candidates[0].rename(common / entry.name)
            for other in candidates[1:]:
                shutil.rmtree(other) if other.is_dir() else other.unlink()


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024 / 1024


def local_interpreter(version: str) -> str | None:
    """A Python ``version`` on this machine (on PATH, or installed by pyenv), if there is one."""
    candidates = [
        shutil.which(f"python{version}"),
        *map(str, Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}")),
    ]
    expected = str(tuple(int(n) for n in version.split(".")))
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2])"], check=False, capture_output=True, text=True
        )
        if probe.returncode == 0 and probe.stdout.strip() == expected:
            return candidate  # (a pyenv shim may name a version it does not run here)
    return None


def host_target() -> str | None:
    """The VS Code target of this machine, when it is one of ours."""
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine)
    return f"{sys.platform}-{arch}" if arch and f"{sys.platform}-{arch}" in TARGETS else None


def try_imports(out: Path, versions: list[str]) -> None:
    """On the machine's own target: each local interpreter of a bundled version imports the server."""
    for version in versions:
        interpreter = local_interpreter(version)
        if interpreter is None:
            print(f"  py{version}: no local Python {version} to try the imports with")
            continue
        path = os.pathsep.join([str(out / f"py{version}"), str(out / COMMON)])
        env = {"PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1", "PATH": os.defpath}
        code = "import aicmo_lsp.server, aicmo_core.generators.openai_generator, openai, regex, jiter; print('ok')"
        subprocess.run([interpreter, "-s", "-c", code], env=env, check=True, capture_output=True)
        print(f"  py{version}: imports checked with {interpreter}")


def bundle(name: str, out: Path, versions: list[str], wheel: Path | None = None) -> None:
    """Install the server for target ``name`` into ``out`` (one folder per version, then ``common``)."""
    target = TARGETS[name]
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as work:
        wheel = wheel or build_wheel(Path(work))
        for version in versions:
            try:
                install(wheel, target, version, out / f"py{version}")
            except NoWheel as error:
                raise SystemExit(
                    f"{name}: no binary wheel of {error} for CPython {version} on the package registry"
                ) from None
            print(f"  {name} py{version}: installed")
    dedupe(out, versions)
    if name == host_target():
        try_imports(out, versions)
    print(
        f"bundled libraries for {name} in {out}: "
        + ", ".join(f"{f.name} {size_mb(f):.1f} MB" for f in sorted(out.iterdir()))
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=sorted(TARGETS), default=host_target() or "linux-x64")
    parser.add_argument("--out", type=Path, default=REPO / "extension" / "bundled" / "libs")
    parser.add_argument("--versions", nargs="+", default=list(DEFAULT_VERSIONS))
    parser.add_argument("--wheel", type=Path, help="the project's wheel, when already built (default: build it)")
    args = parser.parse_args()
    for version in args.versions:
        if not re.fullmatch(r"3\.\d+", version):
            parser.error(f"not a CPython 3 version: {version}")
    bundle(args.target, args.out.resolve(), args.versions, args.wheel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
