"""The pre-commit hook of `.pre-commit-hooks.yaml`, run by pre-commit itself: `pre-commit try-repo`
installs aicmo from a git repository holding this working tree into a virtualenv of its own (from the
package registry, as on a user's machine) and runs the hook on a repository of reports.

try-repo takes a dirty repository's modified files but not its untracked ones, so the hook repository
is a fresh git repository of the files that build the package, committed once: what is tested is the
working tree, whatever git knows of it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from identify.identify import tags_from_filename
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parent.parent
# What `pip install .` of the hook repository needs (see [tool.hatch.build] in pyproject.toml).
HOOK_REPO_FILES = (
    "aicmo_core",
    "server",
    "benchmarks",
    "README.md",
    "LICENSE",
    "pyproject.toml",
    ".pre-commit-hooks.yaml",
)
GIT_IDENTITY = ("-c", "user.name=aicmo tests", "-c", "user.email=tests@aicmo.invalid")
DOCUMENTS = (REPO / "README.md", REPO / "docs" / "ci.md")
INSTALL_TIMEOUT = 900  # seconds: the first run builds a virtualenv and installs aicmo and its dependencies


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *GIT_IDENTITY, *args], cwd=cwd, check=True, capture_output=True, text=True)


def hook_repository(dest: Path) -> Path:
    """A git repository with one commit of the working tree's package files and hook manifest."""
    dest.mkdir()
    for name in HOOK_REPO_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, dest / name)
    git("init", "--quiet", cwd=dest)
    git("add", "--all", cwd=dest)
    git("commit", "--quiet", "--message", "snapshot of the working tree", cwd=dest)
    return dest


def try_repo(hook_repo: Path, work: Path, *files: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AICMO_", "PRE_COMMIT"))}
    env |= {"PRE_COMMIT_HOME": str(home), "CI": "true", "AICMO_DATA_DIR": str(home / "aicmo-data")}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "aicmo", "--files", *files],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=INSTALL_TIMEOUT,
    )


def test_the_manifest_declares_one_aicmo_hook_for_markdown_and_mdx() -> None:
    manifest = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in manifest] == ["aicmo"]
    hook = manifest[0]
    assert hook["entry"] == "aicmo check"
    assert hook["language"] == "python"
    assert hook["types_or"] == ["markdown", "mdx"]
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mdx_and_markdown_are_tags_pre_commit_knows() -> None:
    """`types_or: [markdown, mdx]` selects .md, .markdown and .mdx files, and only them."""
    assert "markdown" in tags_from_filename("report.md")
    assert "markdown" in tags_from_filename("report.markdown")
    assert "mdx" in tags_from_filename("report.mdx")
    assert not {"markdown", "mdx"} & tags_from_filename("notes.txt")


def yaml_blocks(document: Path) -> list[object]:
    text = document.read_text(encoding="utf-8")
    return [
        YAML(typ="safe").load(block) for block in re.findall(r"^```yaml\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)
    ]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_documented_snippets_are_valid_and_name_this_hook_and_repository(document: Path, tmp_path: Path) -> None:
    """Each pre-commit configuration of the page is valid for pre-commit and uses the hook this
    repository declares, from the repository the metadata names; each workflow runs the GitHub output."""
    source = re.search(r'^Source = "(.*)"$', (REPO / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE)
    assert source
    hook_ids = {
        hook["id"] for hook in YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    }
    configs = workflows = 0
    for number, snippet in enumerate(yaml_blocks(document)):
        assert isinstance(snippet, dict)
        if "repos" in snippet:
            configs += 1
            config = tmp_path / f"config-{number}.yaml"
            YAML().dump(snippet, config)
            result = subprocess.run(
                [sys.executable, "-m", "pre_commit", "validate-config", str(config)],
                capture_output=True,
                text=True,
                check=False,
            )
            assert result.returncode == 0, result.stdout + result.stderr
            for repo in snippet["repos"]:
                if repo["repo"] != "local":
                    assert repo["repo"] == source.group(1)
                    assert {hook["id"] for hook in repo["hooks"]} <= hook_ids
        if "jobs" in snippet:
            workflows += 1
            runs = [step.get("run", "") for job in snippet["jobs"].values() for step in job["steps"]]
            assert any(run.startswith("aicmo check --output-format github ") for run in runs), runs
    assert configs and workflows


@pytest.mark.slow
@pytest.mark.timeout(INSTALL_TIMEOUT * 2)
def test_pre_commit_try_repo_fails_on_a_failing_report_and_passes_the_others(tmp_path: Path) -> None:
    hook_repo = hook_repository(tmp_path / "aicmo")
    work = tmp_path / "reports"
    work.mkdir()
    shutil.copy2(REPO / "examples/failing/quick_social_basic.md", work / "failing.md")
    shutil.copy2(REPO / "examples/passing/strategy_campaign_basic.mdx", work / "passing.mdx")
    (work / "notes.txt").write_text("not a report\n", encoding="utf-8")
    git("init", "--quiet", cwd=work)
    git("add", "--all", cwd=work)
    home = tmp_path / "pre-commit-home"

    failing = try_repo(hook_repo, work, "failing.md", "passing.mdx", "notes.txt", home=home)

    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "- hook id: aicmo\n- exit code: 1\n" in failing.stdout
    assert "failing.md:12:1: error AIC101 min_words 64 words; this section needs 120-260\n" in failing.stdout
    # two files: notes.txt is neither markdown nor mdx, so pre-commit does not pass it
    assert "2 files checked: 1 failed, 1 passed; 6 errors, 0 warnings\n" in failing.stdout

    passing = try_repo(hook_repo, work, "passing.mdx", "notes.txt", home=home)

    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert any(line.startswith("aicmo...") and line.endswith("Passed") for line in passing.stdout.splitlines())

    nothing = try_repo(hook_repo, work, "notes.txt", home=home)

    assert nothing.returncode == 0, nothing.stdout + nothing.stderr
    assert "(no files to check)Skipped" in nothing.stdout
