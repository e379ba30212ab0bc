"""Before markdown-it sees a report: front matter, comments and MDX syntax are blanked.

Blanking replaces every character but line breaks with a space, so the masked text has exactly the
source's lines and columns. What is blanked is never counted as words, bullets or headings and can
never break the Markdown parse: front matter, HTML comments (and MDX ``{/* */}`` comments), and in
MDX files ESM ``import``/``export`` blocks, JSX tags with their attributes, and ``{expressions}``.
Text between JSX tags stays, because it is prose.

The same pass finds *chunk boundaries*: lines where an ATX heading starts at column 0 outside
code and raw HTML. Markdown blocks never continue across such a line, so each chunk parses on its
own and its result can be cached by its text.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_ATX_RE = re.compile(r"^#{1,6}(?:[ \t]|$)")
_RAW_HTML_START_RE = re.compile(r"^ {0,3}<(script|pre|style|textarea)(?:\s|>|$)", re.IGNORECASE)
_HTML_BLOCK_START_RE = re.compile(r"^ {0,3}</?[A-Za-z][A-Za-z0-9\-]*(?:\s|/?>|$)")
_ESM_RE = re.compile(r"^(?:import|export)\b")
_DIRECTIVE_RE = re.compile(
    r"^\s*(aicmo(?::section|:provisional|-disable-next-line|-disable|-enable))\b(.*)$", re.DOTALL
)


@dataclass(frozen=True, slots=True)
class Directive:
    """An ``aicmo`` instruction written in a comment: ``kind`` and its arguments, on ``line``."""

    kind: str  # "aicmo:section", "aicmo-disable", "aicmo-enable", "aicmo-disable-next-line", ...
    args: tuple[str, ...]
    line: int
    end_line: int
    start_col: int
    end_col: int


@dataclass(frozen=True, slots=True)
class FrontMatter:
    data: dict[str, Any]
    end_line: int  # first line after the closing fence
    error: str | None = None
    error_line: int | None = None


@dataclass(slots=True)
class Preprocessed:
    masked: str
    front_matter: FrontMatter | None
    directives: list[Directive] = field(default_factory=list)
    chunk_starts: list[int] = field(default_factory=list)  # 0-based lines, always starts with 0


def _blank(text: str) -> str:
    return re.sub(r"[^\n\r]", " ", text)


@lru_cache(maxsize=64)
def load_yaml(body: str) -> tuple[Any, str | None, int]:
    """Front matter as data, or the YAML problem and its 1-based line. Cached: the front matter
    rarely changes between two checks of a report, and ruamel's pure-Python loader costs about a
    millisecond, a tenth of checking a 10 KB report."""
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


def _directive(comment: str, line: int, end_line: int, start_col: int, end_col: int) -> Directive | None:
    match = _DIRECTIVE_RE.match(comment)
    if not match:
        return None
    args = tuple(arg for arg in re.split(r"[\s,]+", match.group(2).strip()) if arg)
    return Directive(match.group(1), args, line, end_line, start_col, end_col)


class _MdxLineMasker:
    """Blanks JSX tags, ``{expressions}`` and ``{/* comments */}`` in one line at a time, carrying
    an unfinished tag or expression to the next line."""

    def __init__(self, directives: list[Directive]) -> None:
        self.directives = directives
        self.in_tag = False
        self.brace_depth = 0
        self.quote: str | None = None
        self.comment_text: list[str] = []
        self.comment_start: tuple[int, int] | None = None

    def reset(self) -> None:
        """A blank line ends any unfinished construct: a malformed tag never swallows a section."""
        self.in_tag = False
        self.brace_depth = 0
        self.quote = None
        self.comment_start = None
        self.comment_text = []

    @property
    def busy(self) -> bool:
        return self.in_tag or self.brace_depth > 0

    def mask(self, line: str, line_no: int) -> str:
        if not self.busy and "<" not in line and "{" not in line:
            return line
        out = list(line)
        i = 0
        n = len(line)
        while i < n:
            ch = line[i]
            if self.busy:
                out[i] = " " if ch not in "\r\n" else ch
                if self.quote:
                    if ch == "\\":
                        if i + 1 < n:
                            out[i + 1] = " "
                        i += 2
                        continue
                    if ch == self.quote:
                        self.quote = None
                elif self.brace_depth > 0 and self.comment_start is not None:
                    self.comment_text.append(ch)
                    if ch == "}" and "".join(self.comment_text).rstrip().endswith("*/}"):
                        self._finish_comment(line_no, i + 1)
                elif ch in "\"'`" and (self.brace_depth > 0 or self.in_tag):
                    self.quote = ch
                elif ch == "{":
                    self.brace_depth += 1
                elif ch == "}":
                    self.brace_depth -= 1
                elif ch == ">" and self.in_tag and self.brace_depth == 0:
                    self.in_tag = False
                i += 1
                continue
            if ch == "`":
                run = len(line) - len(line[i:].lstrip("`"))
                ticks = line[i : i + run]
                close = line.find(ticks, i + run)
                if close != -1:
                    i = close + run
                    continue
                i += run
                continue
            if ch == "\\":
                i += 2
                continue
            if ch == "<" and i + 1 < n and (line[i + 1].isalpha() or line[i + 1] in "/>"):
                self.in_tag = True
                out[i] = " "
                i += 1
                continue
            if ch == "{":
                self.brace_depth = 1
                out[i] = " "
                if line.startswith("{/*", i):
                    self.comment_start = (line_no, i)
                    self.comment_text = ["{"]
                i += 1
                continue
            i += 1
        return "".join(out)

    def _finish_comment(self, line_no: int, end_col: int) -> None:
        text = "".join(self.comment_text)
        assert self.comment_start is not None
        start_line, start_col = self.comment_start
        directive = _directive(text[3:-3].strip(), start_line, line_no, start_col, end_col)
        if directive:
            self.directives.append(directive)
        self.brace_depth = 0
        self.comment_start = None
        self.comment_text = []


def preprocess(text: str, *, mdx: bool) -> Preprocessed:
    """Mask non-prose syntax and find chunk boundaries; see the module docstring."""
    lines = text.split("\n")
    front_matter = parse_front_matter(lines)
    scanner = _Scanner(lines, mdx)
    start = 0
    if front_matter is not None:
        for index in range(front_matter.end_line):
            scanner.out[index] = _blank(lines[index])
        start = front_matter.end_line
        scanner.chunk_starts.append(start)
    for index in range(start, len(lines)):
        scanner.scan(index)
    return Preprocessed("\n".join(scanner.out), front_matter, scanner.directives, scanner.chunk_starts)


class _Scanner:
    """One pass over a report's lines: what is open (a fence, a comment, raw HTML, an ESM block, a
    JSX construct), the masked lines, the directives and the chunk starts found so far."""

    def __init__(self, lines: list[str], mdx: bool) -> None:
        self.lines = lines
        self.out = list(lines)
        self.directives: list[Directive] = []
        self.chunk_starts = [0]
        self.fence: str | None = None
        self.raw_html_end: str | None = None
        self.html_block = False
        self.in_comment = False
        self.comment_start = (0, 0)
        self.comment_parts: list[str] = []
        self.in_esm = False
        self.masker = _MdxLineMasker(self.directives) if mdx else None

    def scan(self, index: int) -> None:
        line = self.lines[index]
        stripped = line.strip()
        if self.fence is not None:
            if stripped.startswith(self.fence) and stripped.strip(self.fence[0]) == "":
                self.fence = None
            return
        if self.in_comment:
            closed = self._continue_comment(index, line)
            if closed is None:
                return
            line = closed
        if self.raw_html_end is not None:
            if self.raw_html_end in line.lower():
                self.raw_html_end = None
            return
        if not stripped:
            self.html_block = False
            self.in_esm = False
            if self.masker is not None:
                self.masker.reset()
            return
        if self.in_esm or self._starts_esm(line):
            self.in_esm = True
            self.out[index] = _blank(line)
            return
        fence_match = _FENCE_RE.match(line) if self.masker is None or not self.masker.busy else None
        if fence_match and not (fence_match.group(1)[0] == "`" and "`" in fence_match.group(2)):
            self.fence = fence_match.group(1)
            return
        self._mask_line(index, line)

    def _continue_comment(self, index: int, line: str) -> str | None:
        """A line inside an open ``<!--``: blanked; the rest of the line once the comment closes."""
        end = line.find("-->")
        if end == -1:
            self.comment_parts.append(line)
            self.out[index] = _blank(line)
            return None
        self.comment_parts.append(line[:end])
        self.out[index] = " " * (end + 3) + line[end + 3 :]
        self.in_comment = False
        start_line, start_col = self.comment_start
        directive = _directive("\n".join(self.comment_parts), start_line, index, start_col, end + 3)
        if directive:
            self.directives.append(directive)
        return self.out[index]

    def _starts_esm(self, line: str) -> bool:
        masker = self.masker
        if masker is None:
            return False
        if masker.busy and _ATX_RE.match(line):
            # An unclosed JSX tag or expression never swallows the next section: no tag attribute or
            # JavaScript line starts with "## ", so a heading there means the construct was broken.
            masker.reset()
        return not masker.busy and bool(_ESM_RE.match(line))

    def _mask_line(self, index: int, line: str) -> None:
        """Comments, JSX or raw HTML on an ordinary line, and whether a chunk starts on it."""
        if "<!--" in line:
            line = _mask_comments(line, index, self.directives)
            if line.endswith("\x00"):
                line = line[:-1]
                self.in_comment = True
                open_at = line.rfind("<!--")
                self.comment_start = (index, open_at)
                self.comment_parts = [self.lines[index][open_at + 4 :]]
                line = line[:open_at] + _blank(line[open_at:])
            self.out[index] = line
        masker = self.masker
        if masker is not None:
            line = masker.mask(line, index)
            self.out[index] = line
        else:
            raw = _RAW_HTML_START_RE.match(line)
            if raw:
                tag = raw.group(1).lower()
                if f"</{tag}>" not in line.lower()[raw.end() :]:
                    self.raw_html_end = f"</{tag}>"
                return
            if _HTML_BLOCK_START_RE.match(line):
                self.html_block = True
        starts_chunk = not self.html_block and _ATX_RE.match(line) and (masker is None or not masker.busy)
        if starts_chunk and self.chunk_starts[-1] != index:
            self.chunk_starts.append(index)


def _mask_comments(line: str, line_no: int, directives: list[Directive]) -> str:
    """Blank every complete ``<!-- -->`` on the line; an unclosed one is marked with a trailing NUL."""
    result = []
    pos = 0
    while True:
        open_at = line.find("<!--", pos)
        if open_at == -1:
            result.append(line[pos:])
            return "".join(result)
        close = line.find("-->", open_at + 4)
        if close == -1:
            result.append(line[pos:])
            return "".join(result) + "\x00"
        result.append(line[pos:open_at])
        result.append(" " * (close + 3 - open_at))
        directive = _directive(line[open_at + 4 : close], line_no, line_no, open_at, close + 3)
        if directive:
            directives.append(directive)
        pos = close + 3
