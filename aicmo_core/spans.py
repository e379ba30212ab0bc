"""Positions and ranges as LSP needs them: 0-based lines, UTF-16 code-unit columns.

This is the one module where offsets are converted. Internally the parser works with code-point
columns on a line (what Python string indexing gives); ``LineIndex`` turns those into UTF-16 columns
when a finding leaves the core.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """A place in a document: 0-based line and UTF-16 column."""

    line: int
    character: int


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range ``[start, end)`` in a document."""

    start: Position
    end: Position

    @staticmethod
    def lines(start_line: int, start_char: int, end_line: int, end_char: int) -> Span:
        return Span(Position(start_line, start_char), Position(end_line, end_char))

    def shifted(self, line_delta: int) -> Span:
        """The same span moved down by ``line_delta`` lines (used when cached results move)."""
        if line_delta == 0:
            return self
        return Span(
            Position(self.start.line + line_delta, self.start.character),
            Position(self.end.line + line_delta, self.end.character),
        )


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class LineIndex:
    """Maps string offsets of one text to lines and UTF-16 columns, and back.

    Lines end at ``\\n``; a ``\\r`` before it belongs to the line break, not to the line's text.
    """

    __slots__ = ("line_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self.line_starts = starts

    @classmethod
    def from_starts(cls, text: str, line_starts: list[int]) -> LineIndex:
        """The index of ``text`` whose line starts are known already (an edited text's, see
        :mod:`aicmo_core.document.incremental`)."""
        index = cls.__new__(cls)
        index.text = text
        index.line_starts = line_starts
        return index

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_text(self, line: int) -> str:
        """The text of ``line`` without its line break."""
        start = self.line_starts[line]
        end = self.line_starts[line + 1] - 1 if line + 1 < len(self.line_starts) else len(self.text)
        if end > start and self.text[end - 1] == "\r":
            end -= 1
        return self.text[start:end]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset) - 1

    def position(self, offset: int) -> Position:
        """The LSP position of a string offset."""
        line = self.line_of(offset)
        start = self.line_starts[line]
        return Position(line, utf16_len(self.text[start:offset]))

    def offset(self, position: Position) -> int:
        """The string offset of an LSP position (the inverse of :meth:`position`); past the last
        line, the end of the text."""
        if position.line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[position.line]
        line = self.line_text(position.line)
        units = 0
        for column, char in enumerate(line):
            if units >= position.character:
                return start + column
            units += 2 if ord(char) > 0xFFFF else 1
        return start + len(line)

    def character_column(self, position: Position) -> int:
        """The 0-based column of an LSP position counted in characters (code points) instead of
        UTF-16 units: GitHub's annotations count columns that way."""
        line = min(position.line, len(self.line_starts) - 1)
        return self.offset(position) - self.line_starts[line]

    def span(self, start: int, end: int) -> Span:
        return Span(self.position(start), self.position(end))

    def line_span(self, line: int, first_col: int = 0, last_col: int | None = None) -> Span:
        """A span on one line, given in code-point columns (``None`` = end of the line)."""
        text = self.line_text(line)
        end_col = len(text) if last_col is None else last_col
        return Span(
            Position(line, utf16_len(text[:first_col])),
            Position(line, utf16_len(text[:end_col])),
        )

    def end_position(self) -> Position:
        return self.position(len(self.text))
