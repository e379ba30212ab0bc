"""`[tool.aicmo]` in `pyproject.toml`: found like `aicmo.toml`, read like it, errors located in it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aicmo_core.config import find_config_files, has_aicmo_table, load_config
from aicmo_core.errors import ConfigError, Problem
from aicmo_core.workspace import Workspace

pytestmark = pytest.mark.timeout(30)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("[tool.aicmo]\n", True),
        ('[tool.aicmo.packs]\n"*.md" = "x"\n', True),
        ('tool.aicmo.default_pack = "x"\n', True),
        ("[tool]\naicmo = 3\n", True),  # not a table: loading it says so
        ('[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n', False),
        ("[tool.aicmo\n", True),  # broken, but it names the table: loading it says what is wrong
        ("[project\n", False),  # broken, and none of aicmo's business
    ],
)
def test_which_pyproject_holds_aicmo_settings(tmp_path: Path, text: str, counts: bool) -> None:
    assert has_aicmo_table(write(tmp_path / "pyproject.toml", text)) is counts


def test_a_pyproject_aicmo_may_not_read_does_not_count(tmp_path: Path) -> None:
    write(tmp_path / "outside.toml", "[tool.aicmo]\n")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "pyproject.toml").symlink_to(tmp_path / "outside.toml")
    os.mkfifo(tmp_path / "fifo.toml")
    assert has_aicmo_table(tmp_path / "repo" / "pyproject.toml") is False
    assert has_aicmo_table(tmp_path / "fifo.toml") is False


def test_the_search_passes_a_pyproject_without_the_table(tmp_path: Path) -> None:
    top = write(tmp_path / "aicmo.toml", "")
    write(tmp_path / "a" / "pyproject.toml", '[project]\nname = "a"\n')
    own = write(tmp_path / "a" / "b" / "pyproject.toml", "[tool.aicmo]\n")
    assert find_config_files(tmp_path / "a" / "report.md") == (top,)
    assert find_config_files(tmp_path / "a" / "b" / "c" / "report.md") == (own,)


def test_both_files_in_one_folder_are_both_found(tmp_path: Path) -> None:
    toml = write(tmp_path / "aicmo.toml", "")
    pyproject = write(tmp_path / "pyproject.toml", "[tool.aicmo]\n")
    assert find_config_files(tmp_path / "r.md") == (toml, pyproject)
    config, problems = Workspace().config_for(tmp_path / "r.md")
    assert config is None
    assert [(p.path, p.message.split(":")[0]) for p in problems] == [
        (toml, f"{pyproject} has a [tool.aicmo] table too")
    ]


def test_tool_aicmo_is_read_like_aicmo_toml(tmp_path: Path) -> None:
    pyproject = write(
        tmp_path / "pyproject.toml",
        '[tool.ruff]\nexclude = ["x"]\n\n[tool.aicmo]\ndefault_pack = "p"\nexclude = ["drafts/"]\n'
        '[tool.aicmo.packs]\n"a/*.md" = "q"\n',
    )
    config = load_config(pyproject)
    assert (config.default_pack, config.exclude, config.packs) == ("p", ("drafts/",), {"a/*.md": "q"})
    assert (config.root, config.source) == (tmp_path.resolve(), pyproject)
    assert config.field_path("benchmark_paths[0]") == "tool.aicmo.benchmark_paths[0]"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            '[tool.ruff]\nexclude = ["x"]\n[tool.aicmo]\nexclude = ["ok", "bad\\\\"]\n',
            (4, "Value error, 'bad\\\\' is not a valid gitignore pattern", "tool.aicmo.exclude.1"),
        ),
        ('[tool.aicmo]\nbenchmark_path = ["x"]\n', (2, "Extra inputs are not permitted", "tool.aicmo.benchmark_path")),
        (
            '[tool.aicmo.severity]\nAIC101 = "loud"\n',
            (2, "Input should be 'error', 'warning', 'info' or 'off'", "tool.aicmo.severity.AIC101"),
        ),
        ('[project]\nname = "x"\n\n[tool]\naicmo = "yes"\n', (5, "[tool.aicmo] must be a table", "tool.aicmo")),
    ],
)
def test_errors_in_tool_aicmo_name_the_line_and_field(tmp_path: Path, text: str, problem: tuple[int, str, str]) -> None:
    pyproject = write(tmp_path / "pyproject.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(pyproject)
    line, message, field = problem
    assert caught.value.problems == [Problem(pyproject, message, line, None, field)]


def test_the_workspace_reads_a_pyproject_again_only_when_it_changes(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    workspace = Workspace()
    assert workspace.config_for(tmp_path / "r.md") == (None, [])
    pyproject.write_text('[tool.aicmo]\ndefault_pack = "p"\n', encoding="utf-8")
    os.utime(pyproject, ns=(pyproject.stat().st_mtime_ns + 1_000_000, pyproject.stat().st_mtime_ns + 1_000_000))
    config, problems = workspace.config_for(tmp_path / "r.md")
    assert (config and config.default_pack, problems) == ("p", [])
