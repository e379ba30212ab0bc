"""Before markdown-it sees a report: front matter, comments and MDX syntax are blanked.

Blanking replaces every character but line breaks with a space, so the masked text has exactly the
source's lines and columns. What is blanked is never counted as words, bullets or headings and can
never break the Markdown parse: front matter, HTML comments, and in MDX files ESM ``import``/
``export`` blocks, JSX tags with their attributes, and ``{expressions}`` with all they contain
(strings, template literals, ``/* comments */``, over any number of lines: a ``## `` line in a
commented-out section is no heading). Text between JSX tags stays, because it is prose. In MDX a
line that starts with a tag or an expression and goes on with text is a paragraph (``<b />## New``
is no heading), so the first blanked character there is ``PARAGRAPH_MARK`` instead of a space: no
word, and no indentation for markdown-it, which then reads a paragraph too.

An unfinished JSX tag or expression ends at a blank line or a heading line, so a typo never swallows
the next section, unless it provably closes later (see ``LineScanner._construct_end``). JSX opening and
closing tags are paired: a heading inside an element is *nested* (``Preprocessed.nested``) and, like
one in a block quote or list item, never starts a section. Unpaired tags contain nothing.

The same pass finds *chunk boundaries*: lines where an ATX heading starts at column 0 outside
code, raw HTML and JSX elements. Markdown blocks never continue across such a line, so each chunk
parses on its own and its result can be cached by its text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from aicmo_core.document.front_matter import FrontMatter, parse_front_matter

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
ATX_RE = re.compile(r"^#{1,6}(?:[ \t]|$)")
# CommonMark HTML blocks that run to an end marker, across blank lines: <script>/<pre>/<style>/
# <textarea> to the closing tag, <?...?>, <!DECLARATION ...> and <![CDATA[...]]> (comments are masked).
_RAW_HTML_START_RE = re.compile(
    r"^ {0,3}<(?:(script|pre|style|textarea)(?:\s|>|$)|(\?)|(![A-Za-z])|(!\[CDATA\[))", re.IGNORECASE
)
_RAW_HTML_ENDS = ("?>", ">", "]]>")
_HTML_BLOCK_START_RE = re.compile(r"^ {0,3}</?[A-Za-z][A-Za-z0-9\-]*(?:\s|/?>|$)")
ESM_RE = re.compile(r"^(?:import|export)\b")
_PROSE_SPECIAL_RE = re.compile(r"[`\\<{]")
_CODE_SPECIAL_RE = re.compile(r"[\"'`{}>/]")
_QUOTE_END_RE = {quote: re.compile(r"\\.|" + quote) for quote in "\"'`"}
_TAG_HEAD_RE = re.compile(r"<(/?)[ \t]*([A-Za-z_$][\w$.:\-]*)?")
PARAGRAPH_MARK = "\u00a0"  # see the module docstring
_FIRST = itemgetter(0)
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


@dataclass(slots=True)
class Preprocessed:
    masked: str
    front_matter: FrontMatter | None
    directives: list[Directive] = field(default_factory=list)
    chunk_starts: list[int] = field(default_factory=list)  # 0-based lines, always starts with 0
    nested: list[tuple[int, int]] = field(default_factory=list)  # (first, last) lines inside JSX elements
    # MDX: the lines each read-ahead that found its construct broken went over, (first, last)
    broken_reads: list[tuple[int, int]] = field(default_factory=list)

    def in_element(self, line: int) -> bool:
        """Whether ``line`` is inside a JSX element (MDX), where a heading never starts a section."""
        return _inside(self.nested, line)


def _inside(ranges: list[tuple[int, int]], line: int) -> bool:
    index = bisect_right(ranges, line, key=_FIRST)
    return index > 0 and ranges[index - 1][1] >= line


def _blank(text: str) -> str:
    return re.sub(r"[^\n\r]", " ", text)


def _directive(comment: str, line: int, end_line: int, start_col: int, end_col: int) -> Directive | None:
    match = _DIRECTIVE_RE.match(comment)
    if not match:
        return None
    args = tuple(arg for arg in re.split(r"[\s,]+", match.group(2).strip()) if arg)
    return Directive(match.group(1), args, line, end_line, start_col, end_col)


Tag = tuple[bool, str, int, int]  # closing?, name ("" for a fragment), first line, last line


class _MdxLineMasker:
    """Blanks JSX tags, ``{expressions}`` and the strings and ``/* comments */`` in them, one line at a
    time, carrying an unfinished construct to the next line. Complete opening and closing tags go to
    ``tags`` (self-closing ones contain nothing), ``{/* aicmo... */}`` comments to ``directives``."""

    def __init__(self, directives: list[Directive], tags: list[Tag]) -> None:
        self.directives = directives
        self.tags = tags
        self.in_tag = False
        self.brace_depth = 0
        self.quote: str | None = None
        self.in_comment = False
        self.tag = (False, "", 0)  # the tag being read: closing?, name, first line
        self.note: list[str] | None = None  # the text of a {/* comment */} being read
        self.note_start = (0, 0)
        self.note_body: str | None = None  # a {/* comment */} read, for the expression's end

    def reset(self) -> None:
        """The construct was broken (see the module docstring): what follows is prose again."""
        self.in_tag, self.brace_depth, self.quote, self.in_comment = False, 0, None, False
        self.note = self.note_body = None

    def probe(self) -> _MdxLineMasker:
        """A copy of the state that records nothing, to read ahead with."""
        other = _MdxLineMasker([], [])
        other.in_tag, other.brace_depth, other.quote = self.in_tag, self.brace_depth, self.quote
        other.in_comment, other.tag = self.in_comment, self.tag
        return other

    @property
    def busy(self) -> bool:
        return self.in_tag or self.brace_depth > 0

    def mask(self, line: str, line_no: int) -> str:
        if not self.busy and "<" not in line and "{" not in line:
            return line
        parts: list[str] = []
        done = start = pos = 0  # line[:done] is in parts; a construct starts at ``start``
        n = len(line)
        while pos < n:
            if self.busy:
                pos = self._code(line, pos, line_no)
                parts.append(line[done:start])
                parts.append(" " * (pos - start) if line[pos - 1] != "\r" else " " * (pos - start - 1) + "\r")
                done = pos
                continue
            found = _PROSE_SPECIAL_RE.search(line, pos)
            if found is None:
                break
            start = found.start()
            char = line[start]
            pos = start + 1
            if char == "`":
                while pos < n and line[pos] == "`":
                    pos += 1
                close = line.find(line[start:pos], pos)
                pos = close + pos - start if close != -1 else pos
            elif char == "\\":
                pos += 1
            elif char == "{":
                self.brace_depth = 1
                if line.startswith("/*", pos):
                    self.in_comment = True
                    self.note, self.note_start = [], (line_no, start)
                    pos += 2
            elif pos < n and (line[pos].isalpha() or line[pos] in "/>"):
                head = _TAG_HEAD_RE.match(line, start)
                assert head is not None
                self.in_tag = True
                self.tag = (head.group(1) == "/", head.group(2) or "", line_no)
        masked = "".join(parts) + line[done:] if parts else line
        indent = n - len(line.lstrip(" \t"))
        if indent < n and masked[indent] == " " and masked.strip(" \t\r"):
            masked = masked[:indent] + PARAGRAPH_MARK + masked[indent + 1 :]
        return masked

    def _code(self, line: str, pos: int, line_no: int) -> int:
        """Read an open construct from ``pos``: where it ends on this line, or the line's length."""
        n = len(line)
        while pos < n:
            if self.in_comment:
                end = line.find("*/", pos)
                if self.note is not None:
                    self.note.append(line[pos:] + "\n" if end == -1 else line[pos:end])
                if end == -1:
                    return n
                self.in_comment = False
                if self.note is not None:
                    self.note_body, self.note = "".join(self.note), None
                pos = end + 2
                continue
            if self.quote is not None:
                found = _QUOTE_END_RE[self.quote].search(line, pos)
                if found is None:
                    return n
                pos = found.end()
                if pos - found.start() == 1:
                    self.quote = None
                continue
            found = _CODE_SPECIAL_RE.search(line, pos)
            if found is None:
                return n
            char = found.group()
            pos = found.end()
            if char in "\"'`":
                self.quote = char
            elif char == "/":
                if self.brace_depth and line.startswith("*", pos):
                    self.in_comment = True
                    pos += 1
            elif char == "{":
                self.brace_depth += 1
            elif char == "}":
                if self.brace_depth:
                    self.brace_depth -= 1
                    if not self.brace_depth and not self.in_tag:
                        self._end_expression(line_no, pos)
                        return pos
            elif self.in_tag and not self.brace_depth:  # ">"
                self.in_tag = False
                closing, name, first = self.tag
                if closing or not line[: pos - 1].rstrip(" \t").endswith("/"):
                    self.tags.append((closing, name, first, line_no))
                return pos
        return n

    def _end_expression(self, line_no: int, end_col: int) -> None:
        if self.note_body is not None:
            start_line, start_col = self.note_start
            directive = _directive(self.note_body, start_line, line_no, start_col, end_col)
            if directive:
                self.directives.append(directive)
        self.note = self.note_body = None


def _element_lines(tags: list[Tag]) -> list[tuple[int, int]]:
    """The lines inside paired JSX elements, as (first, last) ranges sorted by first. A closing tag
    closes the nearest open element of its name (any unclosed ones inside it contain nothing); a
    closing tag without an open element of its name is ignored."""
    stack: list[tuple[str, int]] = []
    spans: list[tuple[int, int]] = []
    for closing, name, first, last in tags:
        if not closing:
            stack.append((name, last))
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == name:
                opened = stack[depth][1]
                del stack[depth:]
                if first > opened:
                    spans.append((opened + 1, first))
                break
    spans.sort()
    for index in range(1, len(spans)):  # an inner element's range ends where its outer one does
        spans[index] = (spans[index][0], max(spans[index][1], spans[index - 1][1]))
    return spans


def preprocess(text: str, *, mdx: bool) -> Preprocessed:
    """Mask non-prose syntax and find chunk boundaries; see the module docstring."""
    lines = text.split("\n")
    front_matter = parse_front_matter(lines)
    out = list(lines)
    scanner = LineScanner(lines, mdx, out)
    if mdx and (comment_end := text.rfind("*/")) >= 0:
        scanner.last_comment_end = text.count("\n", 0, comment_end)
    start = 0
    if front_matter is not None:
        for index in range(front_matter.end_line):
            scanner.out[index] = _blank(lines[index])
        start = front_matter.end_line
        if start < len(lines):  # not when the text ends with the front matter's closing line
            scanner.chunk_starts.append(start)
    for index in range(start, len(lines)):
        scanner.scan(index)
    nested = _element_lines(scanner.tags) if scanner.tags else []
    starts = scanner.chunk_starts
    if nested:
        starts = [line for line in starts if not _inside(nested, line)]
    return Preprocessed("\n".join(out), front_matter, scanner.directives, starts, nested, scanner.broken_reads)


class LineScanner:
    """One pass over a report's lines: what is open (a fence, a comment, raw HTML, an ESM block, a
    JSX construct), the masked lines, the directives and the chunk starts found so far. ``out`` holds
    the masked lines: a copy of ``lines`` to start with, or a dict that gets only the lines masking
    changes (a rescan of a few lines of a long report, :mod:`aicmo_core.document.rescan`)."""

    def __init__(self, lines: Sequence[str], mdx: bool, out: list[str] | dict[int, str]) -> None:
        self.lines = lines
        self.out = out
        self.directives: list[Directive] = []
        self.chunk_starts = [0]
        self.fence: str | None = None
        self.raw_html_end: str | None = None
        self.html_block = False
        self.in_comment = False
        self.comment_start = (0, 0)
        self.comment_parts: list[str] = []
        self.in_esm = False
        self.tags: list[Tag] = []
        self.masker = _MdxLineMasker(self.directives, self.tags) if mdx else None
        self.hold_until = -1  # the open JSX construct closes on this line (see _construct_end)
        self.last_comment_end = -1  # the last line with a "*/": a comment opened after it never closes
        self.budget = 2 * len(lines) + 1000  # lines to read ahead, so broken constructs cost O(n)
        self.broken_reads: list[tuple[int, int]] = []  # see Preprocessed.broken_reads

    def starts_chunk_cleanly(self, line: str) -> bool:
        """Whether ``line`` starts a chunk with nothing open before it (Markdown only): there the
        scan of a text continues exactly as it does from the top of a text."""
        return (
            self.masker is None
            and self.fence is None
            and self.raw_html_end is None
            and not (self.html_block or self.in_comment or self.in_esm)
            and ATX_RE.match(line) is not None
        )

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
        masker = self.masker
        if not stripped:
            self.html_block = False
            if masker is not None and masker.busy and not self._holds(index):
                masker.reset()
            # An ESM block ends at a blank line, unless its braces are still open (a blank line
            # inside an exported object or function, as the MDX parser allows).
            self.in_esm = self.in_esm and masker is not None and masker.busy
            return
        if self.in_esm or self._starts_esm(index, line):
            self.in_esm = True
            if masker is not None:  # only to follow its braces, strings and comments
                masker.mask(line, index)
            self.out[index] = _blank(line)
            return
        fence_match = _FENCE_RE.match(line) if masker is None or not masker.busy else None
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

    def _starts_esm(self, index: int, line: str) -> bool:
        masker = self.masker
        if masker is None:
            return False
        if masker.busy and ATX_RE.match(line) and not self._holds(index):
            # An unclosed JSX tag or expression never swallows the next section: no tag attribute or
            # JavaScript code line starts with "## ", so a heading there means the construct was broken.
            masker.reset()
        if masker.busy or not ESM_RE.match(line):
            return False
        previous = self.out[index - 1] if index else ""  # ESM never interrupts a paragraph
        return not previous.strip() or bool(ATX_RE.match(previous))

    def _holds(self, index: int) -> bool:
        """Whether the open JSX construct goes on over the blank or heading line ``index``."""
        if index <= self.hold_until:
            return True
        end = self._construct_end(index)
        if end is None:
            return False
        self.hold_until = end
        return True

    def _construct_end(self, index: int) -> int | None:
        """The line where the open construct closes, reading ahead from ``index``; None when it is
        broken first: by a blank line between a tag's attributes, by a heading line outside a
        comment or template literal (no code line starts with "## "), or by the end of the text (a
        comment never closes without a "*/" after it). Reading ahead is bounded by ``budget``: past
        it (only many broken constructs get there), a construct ends at a blank or heading line."""
        assert self.masker is not None
        probe = self.masker.probe()
        lines = self.lines
        number = index
        for number in range(index, len(lines)):
            self.budget -= 1
            if self.budget < 0 or (probe.in_comment and number > self.last_comment_end):
                break  # out of budget, or the comment never closes
            line = lines[number]
            if not line.strip():
                if probe.in_tag and not probe.brace_depth:
                    break
                continue
            if ATX_RE.match(line) and not probe.in_comment and probe.quote != "`":
                break
            probe.mask(line, number)
            if not probe.busy:
                return number
        # What this answer read: an edit there may change it. Out of budget, an edit anywhere may.
        self.broken_reads.append((index, number) if self.budget >= 0 else (0, len(lines)))
        return None

    def _mask_line(self, index: int, line: str) -> None:
        """Comments, JSX or raw HTML on an ordinary line, and whether a chunk starts on it."""
        masker = self.masker
        if "<!--" in line and (masker is None or not masker.busy):  # inside JSX, "<!--" is code
            line = _mask_comments(line, index, self.directives)
            if line.endswith("\x00"):
                line = line[:-1]
                self.in_comment = True
                open_at = line.rfind("<!--")
                self.comment_start = (index, open_at)
                self.comment_parts = [self.lines[index][open_at + 4 :]]
                line = line[:open_at] + _blank(line[open_at:])
            self.out[index] = line
        if masker is not None:
            line = masker.mask(line, index)
            self.out[index] = line
        else:
            raw = _RAW_HTML_START_RE.match(line)
            if raw:
                end = f"</{raw.group(1).lower()}>" if raw.group(1) else _RAW_HTML_ENDS[(raw.lastindex or 2) - 2]
                if end not in line.lower()[raw.end() :]:
                    self.raw_html_end = end
                return
            if _HTML_BLOCK_START_RE.match(line):
                self.html_block = True
        starts_chunk = not self.html_block and ATX_RE.match(line) and (masker is None or not masker.busy)
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
