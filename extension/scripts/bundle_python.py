"""Bundle the language server and its libraries into the VSIX, one folder per CPython version.

    .venv/bin/python extension/scripts/bundle_python.py [--out extension/bundled/libs] [--versions 3.10 ...]

As Microsoft's Python tool extensions do: the project's wheel and its dependencies are installed
with ``pip install --target`` for each CPython version (pydantic-core and jiter are binary wheels per
version), for manylinux x86_64, so that any Python >= 3.10 on a Linux x64 machine runs the server
offline. The extension puts ``pyX.Y`` and then ``common`` on PYTHONPATH and runs ``python -m aicmo_lsp``.

pip evaluates environment markers (``tomli; python_version < "3.11"``) against the interpreter that
runs it, not against ``--python-version``; so each version's install is repeated with the
requirements its own markers add until nothing is missing. Top-level entries that are identical in
every version's folder (the pure-Python packages) are then moved to ``common``.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
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
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_17_x86_64")
COMMON = "common"


def pip(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "--quiet", *args], check=True
    )


def build_wheel(work: Path) -> Path:
    pip("wheel", "--no-deps", "--wheel-dir", str(work), str(REPO))
    (wheel,) = work.glob("aicmo-*.whl")
    return wheel


def marker_environment(version: str) -> dict[str, str]:
    """The markers of CPython ``version`` on Linux x86_64 (as pip would see them there)."""
    return {
        "implementation_name": "cpython",
        "implementation_version": f"{version}.0",
        "os_name": "posix",
        "platform_machine": "x86_64",
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": "Linux",
        "platform_version": "",
        "python_full_version": f"{version}.0",
        "python_version": version,
        "sys_platform": "linux",
        "extra": "",
    }


def installed(target: Path) -> dict[str, Path]:
    """Canonical distribution name → its dist-info folder."""
    found = {}
    for dist_info in target.glob("*.dist-info"):
        metadata = Parser().parsestr((dist_info / "METADATA").read_text(encoding="utf-8"), headersonly=True)
        found[canonicalize_name(metadata["Name"])] = dist_info
    return found


def missing_requirements(target: Path, version: str) -> set[str]:
    """Requirements of the installed distributions that apply to ``version`` but are not installed."""
    environment = marker_environment(version)
    present = installed(target)
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


def install(wheel: Path, version: str, target: Path) -> None:
    """The wheel and its dependencies as CPython ``version`` on manylinux x86_64 needs them."""
    extra: set[str] = set()
    while True:
        if target.exists():
            shutil.rmtree(target)
        platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
        pip(
            "install",
            "--target", str(target),
            "--only-binary=:all:",
            "--python-version", version,
            "--implementation", "cp",
            *platforms,
            "--no-compile",
            str(wheel),
            *sorted(extra),
        )  # fmt: skip
        missing = missing_requirements(target, version) - extra
        if not missing:
            break
        print(f"  py{version}: adding {', '.join(sorted(missing))} (their markers apply to {version})")
        extra |= missing
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts with this venv's shebang


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
    candidates = [shutil.which(f"python{version}"), *map(str, Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))]
    expected = str(tuple(int(n) for n in version.split(".")))
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == expected:
            return candidate  # (a pyenv shim may name a version it does not run here)
    return None


def check(out: Path, versions: list[str]) -> None:
    """Each version has its own pydantic-core binary; a local interpreter of that version imports the server."""
    for version in versions:
        tag = "cpython-" + version.replace(".", "")
        binaries = list((out / f"py{version}" / "pydantic_core").glob(f"_pydantic_core.{tag}-x86_64-linux-gnu.so"))
        if not binaries:
            sys.exit(f"py{version} has no pydantic_core binary for {tag}")
        interpreter = local_interpreter(version)
        if interpreter is None:
            print(f"  py{version}: no local Python {version} to try the imports with")
            continue
        env = {"PYTHONPATH": f"{out / f'py{version}'}:{out / COMMON}", "PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"}
        code = "import aicmo_lsp.server, aicmo_core.generators.openai_generator, openai; print('ok')"
        subprocess.run([interpreter, "-s", "-c", code], env=env, check=True, capture_output=True)
        print(f"  py{version}: imports checked with {interpreter}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "extension" / "bundled" / "libs")
    parser.add_argument("--versions", nargs="+", default=list(DEFAULT_VERSIONS))
    args = parser.parse_args()
    out: Path = args.out.resolve()
    versions: list[str] = args.versions
    for version in versions:
        if not re.fullmatch(r"3\.\d+", version):
            parser.error(f"not a CPython 3 version: {version}")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as work:
        wheel = build_wheel(Path(work))
        print(f"built {wheel.name}")
        for version in versions:
            install(wheel, version, out / f"py{version}")
            print(f"  py{version}: installed")
    dedupe(out, versions)
    check(out, versions)
    print(f"bundled libraries in {out}:")
    for folder in sorted(out.iterdir()):
        print(f"  {folder.name:8} {size_mb(folder):6.1f} MB")
    print(f"  {'total':8} {size_mb(out):6.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
