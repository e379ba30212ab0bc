"""GitHub Actions workflow commands, one line per finding, which GitHub shows as annotations on the
pull request's changed files and the run's summary::

    ::error file=reports/q.md,line=4,col=1,endLine=4,endColumn=12,title=AIC101 min_words::4 words; ...

Only commands go to standard output (no summary), as ruff's ``--output-format github`` does. Columns
count characters (code points), 1-based, the end exclusive; they are left out when a finding spans
several lines, since the runner drops columns then. Files the run could not use are ``::error``
lines too. Escaping follows the runner's parser (actions/toolkit's ``command.ts``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from aicmo_core.check import ReportResult
from aicmo_core.findings import Finding, Severity
from aicmo_core.formatters.run import CheckRun, RunProblem, absolute_path, display_path

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
TITLES = {"configuration": "aicmo configuration error", "read": "aicmo cannot read this file"}


def escape_data(text: str) -> str:
    """The message after ``::``: a line break would end the command, ``%`` starts an escape."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value, where ``:`` and ``,`` also end the value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, properties: Mapping[str, str | int], message: str) -> str:
    listed = ",".join(f"{name}={escape_property(str(value))}" for name, value in properties.items())
    return f"::{command} {listed}::{escape_data(message)}"


def annotation_path(display: str, root: Path, workspace: Path | None) -> str:
    """The ``file`` of an annotation: relative to the repository's checkout (``GITHUB_WORKSPACE``)
    when set and the file is in it, so ``working-directory:`` does not misplace annotations; else
    as the text output shows it."""
    if workspace is None:
        return display
    where = absolute_path(display, root)
    try:
        return where.relative_to(Path(os.path.abspath(workspace))).as_posix()
    except ValueError:
        return where.as_posix()  # outside the checkout: the runner maps absolute paths itself


def finding_command(file: str, finding: Finding, result: ReportResult) -> str:
    start, end, lines = finding.span.start, finding.span.end, result.doc.index
    one_line = start.line == end.line  # the runner drops the columns of a range over several lines
    location: dict[str, str | int] = {"file": file, "line": start.line + 1}
    if one_line:
        location["col"] = lines.character_column(start) + 1
    location["endLine"] = end.line + 1
    if one_line:
        location["endColumn"] = lines.character_column(end) + 1
    location["title"] = f"{finding.code} {finding.rule}"
    return workflow_command(COMMANDS[finding.severity], location, finding.message)


def problem_command(problem: RunProblem, root: Path, workspace: Path | None) -> str:
    location: dict[str, str | int] = {"file": annotation_path(display_path(problem.path, root), root, workspace)}
    if problem.line is not None:
        location["line"] = problem.line
        if problem.column is not None:
            location["col"] = problem.column
    location["title"] = TITLES[problem.kind]
    return workflow_command("error", location, problem.message)


def github_commands(run: CheckRun, workspace: Path | None) -> Iterator[str]:
    for display, result in run.results:
        file = annotation_path(display, run.root, workspace)
        for finding in result.findings:
            if not (run.quiet and finding.severity is Severity.INFO):
                yield finding_command(file, finding, result)
    for problem in run.problems:
        yield problem_command(problem, run.root, workspace)


def render_github(run: CheckRun) -> tuple[str, str]:
    """Everything on standard output, problems included: in a GitHub log both streams show, so
    standard error stays empty instead of repeating them."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    lines = github_commands(run, Path(workspace) if workspace else None)
    return "".join(line + "\n" for line in lines), ""
