"""Block structure of one chunk of a report, from markdown-it-py's block parse.

Only markdown-it's block rules run: aicmo counts words from the masked source text itself, so the
inline parse (the larger half of markdown-it's time) is never needed. A chunk's analysis is cached
by its text, which is what makes re-checking an edited report cheap: only changed chunks re-parse.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from aicmo_core.document.block_parser import make_block_parser
from aicmo_core.document.text import count_words, mask_inline, sentence_bounds, sentence_word_counts


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence inside a block: offsets into the block's content and its word count."""

    start: int
    end: int
    words: int


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of prose: a paragraph (also inside list items and quotes), a table row or a heading.

    ``line`` is relative to the chunk. ``content`` is the masked text without container markers;
    its n-th line starts at column ``prefixes[n]`` of source line ``line + n``.
    """

    kind: str  # "paragraph", "row", "heading"
    line: int
    end_line: int
    content: str
    prefixes: tuple[int, ...]
    words: int
    sentences: tuple[Sentence, ...]

    def locate(self, offset: int) -> tuple[int, int]:
        """Relative line and code-point column of an offset into ``content``."""
        if len(self.prefixes) == 1:
            return self.line, self.prefixes[0] + offset
        starts = _line_starts(self.content)
        line = bisect_right(starts, offset) - 1
        prefix = self.prefixes[line] if line < len(self.prefixes) else 0
        return self.line + line, prefix + offset - starts[line]


@lru_cache(maxsize=64)
def _line_starts(content: str) -> tuple[int, ...]:
    """Offsets where the lines of a block's content start. Kept for the last few blocks: a block of
    thousands of lines may carry thousands of findings, and counting its newlines for each made
    that quadratic."""
    return (0, *(match.end() for match in re.finditer("\n", content)))


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading in a chunk. ``nested`` headings sit inside a list or quote and never start sections."""

    line: int
    end_line: int
    level: int
    text: str
    column: int
    nested: bool


@dataclass(frozen=True, slots=True)
class Table:
    line: int
    end_line: int
    header_cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChunkInfo:
    """Everything the rules need from one chunk, with lines relative to the chunk's first line."""

    line_count: int
    headings: tuple[Heading, ...]
    blocks: tuple[Block, ...]
    list_items: tuple[int, ...]
    lists: tuple[int, ...]
    tables: tuple[Table, ...]
    content_lines: tuple[int, ...]  # lines with any non-blank masked text (for empty sections)


_PARSERS = {False: make_block_parser(False), True: make_block_parser(True)}


def block_parser(mdx: bool) -> MarkdownIt:
    """The parser :func:`analyze_chunk` uses (see :mod:`aicmo_core.document.block_parser`)."""
    return _PARSERS[mdx]


def block_tokens(text: str, mdx: bool) -> list[Token]:
    """``block_parser(mdx).parse(text)``, without markdown-it's core pipeline when it would change
    nothing: its only other rule replaces carriage returns and NUL characters."""
    parser = _PARSERS[mdx]
    if "\r" in text or "\0" in text:
        return parser.parse(text)
    tokens: list[Token] = []
    parser.block.parse(text, parser, {}, tokens)
    return tokens


def _prefixes(source_lines: list[str], first: int, content: str) -> tuple[int, ...]:
    if content and "\n" not in content and first < len(source_lines):  # most blocks: one line
        source = source_lines[first].rstrip()
        if source.endswith(content):
            return (len(source) - len(content),)
    prefixes = []
    for index, content_line in enumerate(content.split("\n")):
        source = source_lines[first + index].rstrip() if first + index < len(source_lines) else ""
        if content_line and source.endswith(content_line):
            prefixes.append(len(source) - len(content_line))
        else:
            found = source.find(content_line.strip()) if content_line.strip() else -1
            prefixes.append(max(found, 0))
    return tuple(prefixes)


def _prose_block(
    kind: str,
    line: int,
    end_line: int,
    content: str,
    source_lines: list[str],
    *,
    prefixes: tuple[int, ...] | None = None,
) -> Block:
    masked = mask_inline(content)
    prefixes = _prefixes(source_lines, line, content) if prefixes is None else prefixes
    if kind != "paragraph":
        return Block(kind, line, end_line, masked, prefixes, count_words(masked), ())
    bounds = sentence_bounds(masked)
    counts = sentence_word_counts(masked, bounds)
    sentences = tuple(Sentence(start, end, words) for (start, end), words in zip(bounds, counts, strict=True))
    return Block(kind, line, end_line, masked, prefixes, sum(counts), sentences)


# The token kinds analyze_chunk reads; it skips the others (closing tokens, fences, rules, ...).
_READ = frozenset(
    [
        "bullet_list_open",
        "ordered_list_open",
        "blockquote_open",
        "bullet_list_close",
        "ordered_list_close",
        "blockquote_close",
        "list_item_open",
        "heading_open",
        "paragraph_open",
        "table_open",
        "thead_open",
        "thead_close",
        "tr_open",
        "table_close",
    ]
)


@lru_cache(maxsize=32768)  # a few 5 MB reports open at once still re-parse only what changed
def analyze_chunk(text: str, mdx: bool) -> ChunkInfo:
    """Parse one chunk of masked report text and collect its blocks."""
    tokens = block_tokens(text, mdx)
    source_lines = text.split("\n")
    headings: list[Heading] = []
    blocks: list[Block] = []
    list_items: list[int] = []
    lists: list[int] = []
    tables: list[Table] = []
    container_depth = 0
    header_cells: list[str] = []
    in_thead = False
    table_start: tuple[int, int] | None = None
    for index, token in enumerate(tokens):
        kind = token.type
        if kind not in _READ:
            if kind == "inline" and in_thead:
                header_cells.append(token.content)
            continue
        if kind in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            container_depth += 1
            if kind != "blockquote_open" and token.map:
                lists.append(token.map[0])
        elif kind in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            container_depth -= 1
        elif kind == "list_item_open" and token.map:
            list_items.append(token.map[0])
        elif kind == "heading_open" and token.map:
            content = tokens[index + 1].content
            start, end = token.map
            prefixes = _prefixes(source_lines, start, content)
            headings.append(
                Heading(start, end, int(token.tag[1]), content, prefixes[0] if prefixes else 0, container_depth > 0)
            )
            blocks.append(_prose_block("heading", start, start + 1, content, source_lines, prefixes=prefixes))
        elif kind == "paragraph_open" and token.map:
            start, end = token.map
            blocks.append(_prose_block("paragraph", start, end, tokens[index + 1].content, source_lines))
        elif kind == "table_open" and token.map:
            table_start = (token.map[0], token.map[1])
            header_cells = []
        elif kind == "thead_open":
            in_thead = True
        elif kind == "thead_close":
            in_thead = False
        elif kind == "tr_open" and token.map:
            row = token.map[0]
            blocks.append(_prose_block("row", row, row + 1, source_lines[row], source_lines))
        elif kind == "table_close" and table_start is not None:
            tables.append(Table(table_start[0], table_start[1], tuple(header_cells)))
            table_start = None
    content_lines = tuple(number for number, line in enumerate(source_lines) if line.strip())
    return ChunkInfo(
        len(source_lines),
        tuple(headings),
        tuple(blocks),
        tuple(list_items),
        tuple(lists),
        tuple(tables),
        content_lines,
    )
