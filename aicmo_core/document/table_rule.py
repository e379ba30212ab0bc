"""markdown-it's GFM table rule, reduced to what aicmo reads: where a table and each of its rows are,
and the header's cells.

markdown-it-py's own rule (``markdown_it/rules_block/table.py``, MIT licence, whose acceptance
logic this copies line for line) splits every body row into cells in a Python loop over its
characters and pushes three tokens per cell. aicmo never reads a body cell: it takes each row's
text from the source line. For a table of 5,000 columns that was 15 seconds and a gigabyte of
tokens; this rule pushes two tokens per row and counts a row's cells with one regular expression.

Which lines form the table is exactly markdown-it's decision, including its limit on autocompleted
cells (a row with fewer cells than the header is padded; past 65,536 padded cells the table ends).
"""

from __future__ import annotations

import re

from markdown_it.common.utils import isStrSpace, mdTrim
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_block.table import MAX_AUTOCOMPLETED_CELLS, escapedSplit, headerLineRe

_UNESCAPED_PIPE_RE = re.compile(r"(?<!\\)\|")


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def cell_count(row: str) -> int:
    """The cells markdown-it's ``escapedSplit`` finds in a trimmed row, without the outer empty ones."""
    pipes = [match.start() for match in _UNESCAPED_PIPE_RE.finditer(row)]
    cells = len(pipes) + 1
    if pipes and pipes[0] == 0:
        cells -= 1
    if pipes and pipes[-1] == len(row) - 1 and cells > 0:
        cells -= 1
    return cells


def _delimiter_row(state: StateBlock, line: int) -> list[str] | None:
    """The alignments of a delimiter row (``|---|:-:|``), or None when the line is none."""
    start, end = state.bMarks[line] + state.tShift[line], state.eMarks[line]
    if end - start < 2 or state.src[start] not in "|-:":  # most lines: before copying the line
        return None
    text = state.src[start:end]
    if text[1] not in "|-:" and not isStrSpace(text[1]):
        return None
    if text[0] == "-" and isStrSpace(text[1]):  # a list item, not a table
        return None
    if any(ch not in "|-:" and not isStrSpace(ch) for ch in text[2:]):
        return None
    columns = text.split("|")
    aligns = []
    for index, column in enumerate(columns):
        trimmed = mdTrim(column)
        if not trimmed:
            if index in (0, len(columns) - 1):
                continue
            return None
        if not headerLineRe.search(trimmed):
            return None
        aligns.append(trimmed)
    return aligns


def table(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """The table rule: markdown-it's decisions, aicmo's tokens."""
    if start_line + 2 > end_line:
        return False
    next_line = start_line + 1
    # The rule runs at every line of every paragraph: the cheapest of its tests first (a delimiter
    # row starts with "|", "-" or ":"; see _delimiter_row). Every test only rejects, so their order
    # changes no answer.
    first = state.bMarks[next_line] + state.tShift[next_line]
    if state.eMarks[next_line] - first < 2 or state.src[first] not in "|-:":
        return False
    if state.sCount[next_line] < state.blkIndent or state.is_code_block(next_line):
        return False
    aligns = _delimiter_row(state, next_line)
    if aligns is None:
        return False
    header = mdTrim(_line(state, start_line))
    if "|" not in header or state.is_code_block(start_line):
        return False
    columns = escapedSplit(header)
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    column_count = len(columns)
    if column_count == 0 or column_count != len(aligns):
        return False
    if silent:
        return True

    old_parent, state.parentType = state.parentType, "table"
    terminators = state.md.block.ruler.getRules("blockquote")
    table_lines = [start_line, 0]
    state.push("table_open", "table", 1).map = table_lines
    state.push("thead_open", "thead", 1).map = [start_line, start_line + 1]
    state.push("tr_open", "tr", 1).map = [start_line, start_line + 1]
    for column in columns:
        token = state.push("inline", "", 0)
        token.map = [start_line, start_line + 1]
        token.content = mdTrim(column)
        token.children = []
    state.push("tr_close", "tr", -1)
    state.push("thead_close", "thead", -1)

    autocompleted = 0
    body_lines: list[int] | None = None
    next_line = start_line + 2
    while next_line < end_line:
        if state.sCount[next_line] < state.blkIndent:
            break
        if any(rule(state, next_line, end_line, True) for rule in terminators):
            break
        row = mdTrim(_line(state, next_line))
        if not row or state.is_code_block(next_line):
            break
        autocompleted += column_count - cell_count(row)
        if autocompleted > MAX_AUTOCOMPLETED_CELLS:
            break
        if body_lines is None:
            body_lines = [start_line + 2, 0]
            state.push("tbody_open", "tbody", 1).map = body_lines
        state.push("tr_open", "tr", 1).map = [next_line, next_line + 1]
        state.push("tr_close", "tr", -1)
        next_line += 1
    if body_lines is not None:
        state.push("tbody_close", "tbody", -1)
        body_lines[1] = next_line
    state.push("table_close", "table", -1)
    table_lines[1] = next_line
    state.parentType = old_parent
    state.line = next_line
    return True
