"""The VSIX bundler (``extension/scripts/bundle_python.py``): what it decides per target, offline.

pip evaluates a dependency's markers against the Python running it, not the target's: so the
bundler reads each installed distribution's requirements again with the target's markers (tqdm
needs colorama on Windows only). A dependency without a binary wheel for a target stops the build
with its name. Building the five real VSIXs is ``make package``'s job (its smoke test opens each).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "extension" / "scripts"))

import bundle_python


def distribution(folder: Path, name: str, *requires: str) -> None:
    dist_info = folder / f"{name}-1.0.dist-info"
    dist_info.mkdir(parents=True)
    lines = [f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", *(f"Requires-Dist: {r}\n" for r in requires)]
    (dist_info / "METADATA").write_text("".join(lines), encoding="utf-8")


def test_requirements_are_read_with_the_targets_markers(tmp_path: Path) -> None:
    distribution(tmp_path, "tqdm", 'colorama; platform_system == "Windows"')
    distribution(tmp_path, "anyio", 'exceptiongroup>=1.0.2; python_version < "3.11"', "idna>=2.8", "sniffio>=1.1")
    distribution(tmp_path, "idna")
    distribution(tmp_path, "sniffio")
    targets = bundle_python.TARGETS
    assert bundle_python.missing_requirements(tmp_path, targets["win32-x64"], "3.12") == {"colorama"}
    assert bundle_python.missing_requirements(tmp_path, targets["darwin-arm64"], "3.12") == set()
    assert bundle_python.missing_requirements(tmp_path, targets["linux-arm64"], "3.10") == {"exceptiongroup>=1.0.2"}
    assert bundle_python.missing_requirements(tmp_path, targets["win32-x64"], "3.10") == {
        "colorama",
        "exceptiongroup>=1.0.2",
    }


def test_a_dependency_without_a_wheel_is_named(tmp_path: Path) -> None:
    empty_index = tmp_path / "wheels"
    empty_index.mkdir()
    with pytest.raises(bundle_python.NoWheel) as raised:
        bundle_python.pip(
            "install", "--target", str(tmp_path / "out"), "--only-binary=:all:", "--no-index",
            "--find-links", str(empty_index), "--platform", "win_amd64", "--python-version", "3.14",
            "--implementation", "cp", "pydantic-core==2.41.5",
        )  # fmt: skip
    assert str(raised.value) == "pydantic-core==2.41.5"


def test_every_target_has_its_markers() -> None:
    machines = {name: (target.sys_platform, target.machine) for name, target in bundle_python.TARGETS.items()}
    assert machines == {
        "linux-x64": ("linux", "x86_64"),
        "linux-arm64": ("linux", "aarch64"),
        "darwin-x64": ("darwin", "x86_64"),
        "darwin-arm64": ("darwin", "arm64"),
        "win32-x64": ("win32", "AMD64"),
    }
