"""Front matter: the YAML block between ``---`` lines at the top of a report, as data.

Front matter of plain ``key: value`` lines is read here without ruamel (see :data:`NOT_SIMPLE`);
anything else is read by ruamel's safe loader, and a problem in it becomes the front matter's
error, with its line.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True, slots=True)
class FrontMatter:
    data: dict[str, Any]
    end_line: int  # first line after the closing fence
    error: str | None = None
    error_line: int | None = None


# Front matter of ``key: value`` lines only, each value plain ASCII words that YAML reads as text
# (``pack: quick_social_basic``, ``title: Spring plan``), is read without ruamel: importing it costs a
# one-report ``aicmo check`` more than the check. Anything else (quotes, numbers, lists, ``#``,
# ``:``, non-ASCII, ...) goes to ruamel; a test holds the two readings equal on what this accepts.
_SIMPLE_LINE_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +([A-Za-z][A-Za-z0-9 _.,/&'()+-]*?))? *")
_COMMENT_LINE_RE = re.compile(r" *(?:#[ -~]*)?")
_NOT_TEXT = frozenset({"true", "false", "null"})  # and their capitalised spellings: not strings in YAML
NOT_SIMPLE = object()  # what simple_front_matter says of front matter it leaves to ruamel


def simple_front_matter(body: str) -> Any:
    """The data of front matter made of plain ``key: value`` lines (None when it has no key), as
    ruamel reads it; :data:`NOT_SIMPLE` for anything else."""
    if not body.isascii():
        return NOT_SIMPLE
    data: dict[str, str | None] = {}
    for raw in body.split("\n"):
        line = raw.removesuffix("\r")
        found = _SIMPLE_LINE_RE.fullmatch(line)
        if found is None:
            if _COMMENT_LINE_RE.fullmatch(line):
                continue
            return NOT_SIMPLE
        key, value = found.groups()
        if key in data or key.lower() in _NOT_TEXT or (value is not None and value.lower() in _NOT_TEXT):
            return NOT_SIMPLE  # a repeated key is an error; true, false and null are no text
        data[key] = value
    return data or None


@lru_cache(maxsize=64)
def load_yaml(body: str) -> tuple[Any, str | None, int]:
    """Front matter as data, or the YAML problem and its 1-based line. Cached: the front matter
    rarely changes between two checks of a report, and ruamel's pure-Python loader costs about a
    millisecond, a tenth of checking a 10 KB report."""
    simple = simple_front_matter(body)
    if simple is not NOT_SIMPLE:
        return simple, None, 0
    from ruamel.yaml import YAML  # noqa: PLC0415 (see _SIMPLE_LINE_RE)
    from ruamel.yaml.error import YAMLError  # noqa: PLC0415

    try:
        return YAML(typ="safe", pure=True).load(body), None, 0
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, getattr(exc, "problem", None) or "invalid YAML", (mark.line + 1) if mark is not None else 1


def parse_front_matter(lines: list[str]) -> FrontMatter | None:
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            body = "\n".join(lines[1:index])
            data: Any = {}
            if body.strip():
                loaded, problem, line = load_yaml(body)
                if problem is not None:
                    return FrontMatter({}, index + 1, f"front matter is not valid YAML: {problem}", line)
                data = copy.deepcopy(loaded)  # callers own their data; the cached copy stays intact
            if data is None:
                data = {}
            if not isinstance(data, dict):
                return FrontMatter({}, index + 1, "front matter must be a mapping (key: value pairs)", 1)
            return FrontMatter(data, index + 1)
    return None  # an unclosed "---" is a thematic break, not front matter
