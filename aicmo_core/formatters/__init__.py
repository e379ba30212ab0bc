"""Renderers of check results: terminal text, the documented JSON shape, SARIF 2.1.0 and GitHub
Actions workflow commands. Each takes a :class:`CheckRun` and gives what goes to standard output
and to standard error."""

from collections.abc import Callable

from aicmo_core.formatters.github import render_github
from aicmo_core.formatters.json_format import render_json, report_json, results_json
from aicmo_core.formatters.run import CheckRun, RunProblem, display_path
from aicmo_core.formatters.sarif import render_sarif, results_sarif
from aicmo_core.formatters.text import finding_line, finding_lines, render_text, summary_line

# ``--output-format``: the name, and what prints it (standard output, standard error).
FORMATS: dict[str, Callable[[CheckRun], tuple[str, str]]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
}


def render(name: str, run: CheckRun) -> tuple[str, str]:
    """What the format ``name`` prints for ``run``: (standard output, standard error)."""
    return FORMATS[name](run)


__all__ = [
    "FORMATS",
    "CheckRun",
    "RunProblem",
    "display_path",
    "finding_line",
    "finding_lines",
    "render",
    "report_json",
    "results_json",
    "results_sarif",
    "summary_line",
]
