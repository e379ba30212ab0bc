"""Parsing an edited report again in what the edit touched: the parse of a keystroke in a report of
20,000 lines costs what it costs in one of 1,000.

:func:`reparse_document` gives what :func:`~aicmo_core.document.model.parse_document` gives for the
new text (a property test holds them equal over random edit sequences), from the previous version's
parse: the edit is found by comparing the two texts (common prefix and suffix, compared in C), the
line index keeps the line starts before the edit and moves those after it, preprocessing rescans
around the edit (:mod:`aicmo_core.document.rescan`), and the chunks and headings before and after the
rescanned lines are the old ones, moved by the lines the edit added or removed. Chunks are regrouped
(:func:`~aicmo_core.document.chunking.grouped_chunk_starts` decides by the text around each place),
and a group whose text did not change keeps its parse.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import replace

from aicmo_core.document.blocks import analyze_chunk
from aicmo_core.document.chunking import HASHED_CHARS, group_starts
from aicmo_core.document.model import (
    Chunk,
    DocHeading,
    ParsedDocument,
    ReportStructure,
    chunk_headings,
    normalize_line_breaks,
    parse_document,
)
from aicmo_core.document.rescan import LineEdit, Rescan, TextLines, rescan, rescan_mdx
from aicmo_core.spans import LineIndex

_PROBE = 4096  # characters compared at once when looking for the first difference, doubling


def common_prefix(old: str, new: str) -> int:
    """The length of the longest common prefix, found by comparing stretches (memcmp), doubling
    their length, not characters."""
    limit = min(len(old), len(new))
    low, step = 0, _PROBE
    while low < limit:  # gallop: [0, low) is equal
        high = min(low + step, limit)
        if not new.startswith(old[low:high], low):
            break
        low, step = high, step * 2
    else:
        return limit
    high = min(low + step, limit)
    while high - low > 1:  # old[low:high] differs somewhere: bisect
        middle = (low + high) // 2
        if new.startswith(old[low:middle], low):
            low = middle
        else:
            high = middle
    return low if old[low] != new[low] else high


def common_suffix(old: str, new: str, limit: int) -> int:
    """The length of the longest common suffix, at most ``limit``."""
    old_end, new_end = len(old), len(new)
    low, step = 0, _PROBE
    while low < limit:
        high = min(low + step, limit)
        if not new.endswith(old[old_end - high : old_end - low], 0, new_end - low):
            break
        low, step = high, step * 2
    else:
        return limit
    high = min(low + step, limit)
    while high - low > 1:
        middle = (low + high) // 2
        if new.endswith(old[old_end - middle : old_end - low], 0, new_end - low):
            low = middle
        else:
            high = middle
    return low if old[old_end - low - 1] != new[new_end - low - 1] else high


def edited_index(old: LineIndex, text: str, prefix: int, suffix: int) -> tuple[LineIndex, LineEdit]:
    """The line index of ``text``, which is ``old.text`` with ``old.text[prefix:len - suffix]``
    replaced, and the lines the replacement touched."""
    starts = old.line_starts
    first = bisect_right(starts, prefix) - 1
    old_changed_end = len(old.text) - suffix
    old_end = bisect_right(starts, old_changed_end)
    new_changed_end = len(text) - suffix
    middle = []
    find = text.find
    position = find("\n", prefix, new_changed_end)
    while position != -1:
        middle.append(position + 1)
        position = find("\n", position + 1, new_changed_end)
    char_delta = len(text) - len(old.text)
    line_starts = starts[: first + 1] + middle + list(map(char_delta.__add__, starts[old_end:]))
    return LineIndex.from_starts(text, line_starts), LineEdit(first, old_end, first + 1 + len(middle))


def reparse_document(previous: ParsedDocument, text: str) -> tuple[ParsedDocument, LineEdit]:
    """``parse_document(text, mdx=previous.mdx)``, reusing the previous version's parse where the
    edit left it valid, and the lines the edit changed."""
    text = normalize_line_breaks(text)
    old = previous.text
    if text == old:
        return previous, LineEdit(previous.line_count, previous.line_count, previous.line_count)
    prefix = common_prefix(old, text)
    suffix = common_suffix(old, text, min(len(old), len(text)) - prefix)
    index, edit = edited_index(previous.index, text, prefix, suffix)
    if previous.mdx:
        found = rescan_mdx(previous.pre, TextLines(old, previous.index.line_starts), text, index.line_starts, edit)
    else:
        found = rescan(previous.pre, previous.index.line_starts, text, index.line_starts, edit)
    if found is None:
        return parse_document(text, mdx=previous.mdx), replace(edit, outside_kept=not previous.mdx)
    chunks, headings = _chunks(previous, found, index.line_starts, edit.line_delta)
    doc = ParsedDocument(text, previous.mdx, index, found.pre, chunks, headings, [c.start_line for c in chunks])
    return doc, edit


def inherit_sections(structure: ReportStructure, previous: ReportStructure, edit: LineEdit) -> None:
    """The sections the edit left as they were (before it, or after it and moved by the lines it
    added or removed) take over what their old selves computed: their text's hash, heading span and
    metrics. ``structure`` is of the edited text, ``previous`` of the text before ``edit``."""
    old, new = previous.sections, structure.sections
    if not edit.outside_kept:  # an MDX edit that was not prose: the masking of any line may have changed
        return
    kept = 0
    while kept < min(len(old), len(new)):  # the sections before the edit, in both
        section, before = new[kept], old[kept]
        if section.end_line > edit.first or (before.start_line, before.end_line) != (
            section.start_line,
            section.end_line,
        ):
            break
        section.inherit(before, 0)
        kept += 1
    delta = edit.line_delta
    for offset in range(1, min(len(old), len(new)) - kept + 1):  # the sections after it, from the end
        section, before = new[-offset], old[-offset]
        moved = (before.start_line + delta, before.end_line + delta)
        if section.start_line < edit.new_end or moved != (section.start_line, section.end_line):
            break
        section.inherit(before, delta)


def _chunks(
    previous: ParsedDocument, found: Rescan, line_starts: Sequence[int], delta: int
) -> tuple[list[Chunk], list[DocHeading]]:
    """The chunks and top-level headings of the edited text: the old ones before the rescanned
    lines, the old ones moved after them, and the chunks between parsed (or found in the cache)."""
    masked, raw = found.pre.masked, found.pre.chunk_starts
    old_chunks, old_starts = previous.chunks, previous.chunk_starts
    # Grouping decides at each chunk by its length, its predecessor's, its first characters and the
    # count since the group began, so it goes on as before from a group that began at a chunk whose
    # successor and first characters lie before the rescanned lines.
    unchanged = line_starts[found.start] - HASHED_CHARS
    before = min(bisect_left(raw, found.start) - 2, bisect_right(raw, unchanged, key=line_starts.__getitem__) - 1)
    kept = bisect_right(old_starts, raw[before]) - 1 if before >= 0 else -1
    if kept >= 0:
        first = bisect_left(raw, old_starts[kept]) + 1
        regrouped = group_starts(masked, line_starts, raw, first, after_boundary=True)
        bounds = [old_starts[kept]]
    else:
        kept, regrouped, bounds = 0, group_starts(masked, line_starts, raw), []
    chunks, headings = old_chunks[:kept], previous.headings[: bisect_left(previous.headings, _first(bounds), key=_line)]
    tail: list[Chunk] = []
    for start in regrouped:
        reused = bisect_left(old_starts, start - delta)
        if start >= found.resync and reused < len(old_starts) and old_starts[reused] == start - delta:
            # From a group that begins at the same text in both versions on, everything is as before.
            tail = old_chunks[reused:] if not delta else [_moved(c, delta) for c in old_chunks[reused:]]
            moved = previous.headings[bisect_left(previous.headings, start - delta, key=_line) :]
            headings_after = moved if not delta else [_heading_moved(h, delta) for h in moved]
            break
        bounds.append(start)
    else:
        headings_after = []
    bounds.append(tail[0].start_line if tail else len(line_starts))
    count = len(line_starts)
    for start, end in itertools.pairwise(bounds):
        chunk_end = line_starts[end] - 1 if end < count else len(masked)
        chunk = Chunk(start, analyze_chunk(masked[line_starts[start] : chunk_end], previous.mdx))
        chunks.append(chunk)
        headings += chunk_headings(found.pre, chunk)
    return chunks + tail, headings + headings_after


def _first(bounds: list[int]) -> int:
    return bounds[0] if bounds else 0


def _line(heading: DocHeading) -> int:
    return heading.line


def _moved(chunk: Chunk, delta: int) -> Chunk:
    return Chunk(chunk.start_line + delta, chunk.info)


def _heading_moved(heading: DocHeading, delta: int) -> DocHeading:
    return DocHeading(heading.line + delta, heading.end_line + delta, heading.level, heading.text, heading.column)
