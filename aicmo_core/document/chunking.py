"""Which chunks of a report are parsed together: markdown-it's fixed cost per parse is larger than a
small chunk's, so runs of small chunks are grouped, where the text around each place says so."""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence

# Chunks shorter than this (in characters) are parsed together with their small neighbours.
SMALL_CHUNK_CHARS = 256
# Small chunks start a new group when a hash of their first line says so: about one in this many.
GROUP_SPREAD = 16
MAX_GROUP_CHUNKS = 64
HASHED_CHARS = 80  # the characters from a chunk's start that its hash reads (its first line or more)


def grouped_chunk_starts(masked: str, line_starts: Sequence[int], starts: Sequence[int]) -> list[int]:
    """The chunks to parse, as their first lines, then the line count: runs of small chunks (a report
    of 50,000 one-line sections) grouped, since each markdown-it parse has a fixed cost larger than
    such a chunk's. Where a group starts depends only on the text around that place (a chunk or its
    predecessor is not small, or a hash of its first line), so an edit regroups only where it is and
    the other groups stay in the parse cache."""
    return [*group_starts(masked, line_starts, starts), len(line_starts)]


def group_starts(
    masked: str, line_starts: Sequence[int], starts: Sequence[int], first: int = 0, after_boundary: bool = False
) -> Iterator[int]:
    """The first lines of the groups among the chunks ``starts[first:]``, in order. With
    ``after_boundary``, a group started at ``starts[first - 1]`` (the grouping continues from there:
    see :func:`aicmo_core.document.incremental.reparse_document`)."""
    in_group = 1 if after_boundary else 0
    previous_small = after_boundary and chunk_chars(masked, line_starts, starts, first - 1) < SMALL_CHUNK_CHARS
    for index in range(first, len(starts)):
        start = starts[index]
        small = chunk_chars(masked, line_starts, starts, index) < SMALL_CHUNK_CHARS
        first_line = masked[line_starts[start] : line_starts[start] + HASHED_CHARS]
        boundary = not (small and previous_small) or zlib.crc32(first_line.encode()) % GROUP_SPREAD == 0
        if boundary or in_group >= MAX_GROUP_CHUNKS:
            yield start
            in_group = 0
        in_group += 1
        previous_small = small


def chunk_chars(masked: str, line_starts: Sequence[int], starts: Sequence[int], index: int) -> int:
    """The length of the chunk ``starts[index]`` in characters."""
    count = len(line_starts)
    end = starts[index + 1] if index + 1 < len(starts) else count
    return (line_starts[end] if end < count else len(masked)) - line_starts[starts[index]]
