"""What a user installs, and what `make demo` shows first: the license and metadata, the dependencies
the code imports, the contents of the sdist and the wheel (built as a release builds them, then
installed into a fresh virtual environment), and a demo that ends cleanly."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from aicmo_lsp import convert
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from support.cli import CI_ENV

import aicmo_core
from aicmo_core.formatters import sarif

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
SOURCE_URL = PROJECT["urls"]["Source"]
FIRST_PARTY = {"aicmo_core", "aicmo_lsp"}
# pydantic_core is pydantic's own half, installed by pydantic at the exact version it needs;
# importing its public error types is what pydantic documents.
PROVIDED_BY = {"pydantic_core": "pydantic"}
TEXT_SUFFIXES = {".py", ".md", ".toml", ".yaml", ".yml", ".json", ".ts"}
INSTALL_TIMEOUT = 900  # seconds: building needs hatchling, installing needs every dependency


def test_the_license_is_the_mit_license_the_metadata_names() -> None:
    license_text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License\n\nCopyright (c) 2026 the aicmo authors\n")
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]


def test_the_version_is_the_one_of_the_metadata() -> None:
    assert aicmo_core.__version__ == PROJECT["version"]


def test_classifiers_name_every_supported_python() -> None:
    classifiers = set(PROJECT["classifiers"])
    assert PROJECT["requires-python"] == ">=3.10"
    assert {f"Programming Language :: Python :: 3.{minor}" for minor in range(10, 15)} <= classifiers
    # license = "MIT" is an SPDX expression (PEP 639): a License classifier beside it is refused by
    # setuptools and deprecated on PyPI
    assert not [classifier for classifier in classifiers if classifier.startswith("License ::")]


def repository_links() -> dict[str, set[str]]:
    """Every `github.com/OWNER/aicmo` in the code and documentation, with the files it is in."""
    found: dict[str, set[str]] = {}
    roots = [REPO / name for name in ("aicmo_core", "server", "docs", "tests", "benchmarks", "extension/src")]
    files = [REPO / "README.md", REPO / "pyproject.toml", REPO / "extension/package.json"]
    for root in roots:
        files += [path for path in root.rglob("*") if path.suffix in TEXT_SUFFIXES and "node_modules" not in path.parts]
    for path in files:
        if path.is_file() and path != Path(__file__):
            for match in re.finditer(r"github\.com/([\w.-]+/aicmo)\b", path.read_text(encoding="utf-8")):
                found.setdefault(match.group(1), set()).add(path.relative_to(REPO).as_posix())
    return found


def test_help_links_and_metadata_name_one_repository() -> None:
    assert re.fullmatch(r"https://github\.com/[\w.-]+/aicmo", SOURCE_URL)
    assert {PROJECT["urls"][key] for key in ("Homepage", "Source")} == {SOURCE_URL}
    for key in ("Documentation", "Issues"):
        assert PROJECT["urls"][key].startswith(SOURCE_URL + "/")
    rules_doc = f"{SOURCE_URL}/blob/main/docs/rules.md"
    assert {convert.RULES_DOC_URL, sarif.RULES_DOC} == {rules_doc}
    assert set(repository_links()) == {SOURCE_URL.removeprefix("https://github.com/")}, repository_links()


def imported_top_level_modules() -> dict[str, set[str]]:
    """Top-level modules that the package's code imports (not the standard library's, not its own)."""
    modules: dict[str, set[str]] = {}
    for root in (REPO / "aicmo_core", REPO / "server" / "aicmo_lsp"):
        for path in root.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.partition(".")[0]
                    if top not in sys.stdlib_module_names and top not in FIRST_PARTY:
                        modules.setdefault(top, set()).add(path.relative_to(REPO).as_posix())
    return modules


def test_every_imported_distribution_is_declared() -> None:
    declared = {canonicalize_name(Requirement(requirement).name) for requirement in PROJECT["dependencies"]}
    distributions = importlib.metadata.packages_distributions()
    undeclared = {}
    for module, files in imported_top_level_modules().items():
        names = PROVIDED_BY.get(module) or distributions.get(module, [module])
        candidates = {canonicalize_name(name) for name in ([names] if isinstance(names, str) else names)}
        if not candidates & declared:
            undeclared[module] = sorted(files)
    assert undeclared == {}


def build_distributions(outdir: Path) -> tuple[Path, Path]:
    """The sdist, and the wheel built from it (`python -m build`, as a release does)."""
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(outdir), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
        timeout=INSTALL_TIMEOUT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (sdist,) = outdir.glob("*.tar.gz")
    (wheel,) = outdir.glob("*.whl")
    return sdist, wheel


@pytest.mark.slow
@pytest.mark.timeout(INSTALL_TIMEOUT * 2)
def test_the_sdist_is_lean_and_the_wheel_installs_and_runs(tmp_path: Path) -> None:
    sdist, wheel = build_distributions(tmp_path / "dist")

    with tarfile.open(sdist) as archive:
        sdist_files = {name.partition("/")[2] for name in archive.getnames()}
    tops = {name.partition("/")[0] for name in sdist_files if name}
    assert tops == {
        "aicmo_core",
        "server",
        "benchmarks",
        "docs",
        "README.md",
        "LICENSE",
        "pyproject.toml",
        "PKG-INFO",
        ".gitignore",
    }
    assert not [name for name in sdist_files if name.startswith("docs/screenshots") or "__pycache__" in name]
    assert {"benchmarks/packs/quick_social_basic.yaml", "server/aicmo_lsp/__main__.py", "docs/rules.md"} <= sdist_files

    with zipfile.ZipFile(wheel) as archive:
        wheel_files = set(archive.namelist())
    version = PROJECT["version"]
    assert f"aicmo-{version}.dist-info/licenses/LICENSE" in wheel_files
    assert {"aicmo_core/_benchmarks/packs/quick_social_basic.yaml", "aicmo_lsp/__main__.py"} <= wheel_files
    assert {name.partition("/")[0] for name in wheel_files} == {"aicmo_core", "aicmo_lsp", f"aicmo-{version}.dist-info"}

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        check=False,
        timeout=INSTALL_TIMEOUT,
    )
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]

    reports = tmp_path / "reports"  # outside the repository, so nothing is imported from it
    shutil.copytree(REPO / "examples", reports)
    env = CI_ENV | {"AICMO_DATA_DIR": str(tmp_path / "aicmo-data"), "HOME": str(tmp_path)}

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(venv / "bin" / command[0]), *command[1:]],
            cwd=reports,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    assert run("aicmo", "--version").stdout == f"aicmo {version}\n"
    assert run("aicmo-lsp", "--version").stdout == f"aicmo-lsp {version}\n"
    failing = run("aicmo", "check", "failing/quick_social_basic.md")
    assert failing.returncode == 1, failing.stderr
    assert (
        "failing/quick_social_basic.md:12:1: error AIC101 min_words 64 words; this section needs 120-260\n"
        in failing.stdout
    )
    passing = run("aicmo", "check", "passing/")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert passing.stdout == "3 files checked: 0 failed, 3 passed; 0 errors, 0 warnings\n"


def demo_command() -> list[str]:
    """`make demo` with this environment's `aicmo`, without its set-up step (the environment exists)."""
    return ["make", "--no-print-directory", "-o", ".venv/.installed", "demo", f"BIN={Path(sys.executable).parent}"]


@pytest.mark.timeout(300)
def test_make_demo_shows_the_failing_examples_and_ends_cleanly_with_what_to_try_next(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = CI_ENV | {"AICMO_DATA_DIR": str(tmp_path / "aicmo-data"), "HOME": str(tmp_path)}

    demo = subprocess.run(demo_command(), cwd=REPO, env=env, capture_output=True, text=True, check=False, timeout=240)

    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "Error" not in demo.stdout + demo.stderr
    assert "examples/failing/quick_social_basic.md:12:1: error AIC101 min_words" in demo.stdout
    assert "== exit code 1: errors found, as expected (in CI this fails the job)\n" in demo.stdout
    assert "3 files checked: 0 failed, 3 passed; 0 errors, 0 warnings\n== exit code 0: no errors\n" in demo.stdout
    next_steps = demo.stdout.partition("\nWhat to try next:\n")[2].splitlines()
    assert len(next_steps) == 4, demo.stdout

    # the aicmo commands it suggests work as it says, and the dry run leaves the example alone
    example = REPO / "examples/failing/quick_social_basic.md"
    before = example.read_bytes()
    suggested = [shlex.split(line.partition(" #")[0]) for line in next_steps if "/aicmo " in line]
    assert [command[1] for command in suggested] == ["fix", "explain"]
    for command in suggested:
        result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout
    assert example.read_bytes() == before
    for line in next_steps:
        for document in re.findall(r"docs/[\w.]+\.md", line):
            assert (REPO / document).is_file(), document
