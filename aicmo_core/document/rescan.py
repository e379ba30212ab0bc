"""Preprocessing an edited report again around the edit only.

The masking of a line depends on what is open before it (a fence, a comment, raw HTML): the scan
is a state machine that reads the text once from the top. A chunk start (an ATX heading at column 0
outside code and HTML, see :mod:`aicmo_core.document.preprocess`) is a place where nothing is open,
so the scan may begin again there as from the top of a text. After an edit the scan restarts at the
last chunk start before it and runs until it meets, past the edit, a line that starts a chunk
cleanly in the new text and started one in the old: from there on text and state are the old ones,
so the masked lines, directives and chunk starts are the old ones, moved by the lines the edit added
or removed. An edit that opens a fence runs the scan to the fence's end, as it must.

In MDX a JSX element's extent and an open construct's end are found by reading ahead and by pairing
tags over the whole text, so MDX is not rescanned: an edit whose lines, before and after it, are
plain prose (:func:`prose_edit`) changes the masking of no other line, and its new lines are their
own masking; any other MDX edit preprocesses the whole text again. Front matter depends on the first
lines and on where a ``---`` closes it, so edits there (and of a first line that is ``---``)
preprocess the whole text again too.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from aicmo_core.document.preprocess import ATX_RE, ESM_RE, Directive, LineScanner, Preprocessed


@dataclass(frozen=True, slots=True)
class LineEdit:
    """What changed, in lines: ``[first, old_end)`` of the old text became ``[first, new_end)``."""

    first: int
    old_end: int
    new_end: int

    # False when the edit changed how lines outside it are masked (an MDX edit that was not prose)
    outside_kept: bool = True

    @property
    def line_delta(self) -> int:
        return self.new_end - self.old_end


@dataclass(frozen=True, slots=True)
class Rescan:
    """The edited text's preprocessing, and the lines it rescanned: masked lines before ``start`` and
    from ``resync`` on (``resync - line_delta`` in the old text) are the old ones."""

    pre: Preprocessed
    start: int
    resync: int


class TextLines(Sequence[str]):
    """The lines of a text (without their ``\\n``), sliced when asked: a rescan reads a few of them."""

    def __init__(self, text: str, line_starts: Sequence[int]) -> None:
        self.text = text
        self.line_starts = line_starts

    def __len__(self) -> int:
        return len(self.line_starts)

    def __getitem__(self, index: int) -> str:  # type: ignore[override]  # no slices needed
        starts = self.line_starts
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(self.text)
        return self.text[starts[index] : end]


def _first_line(text: str) -> str:
    end = text.find("\n")
    return text if end == -1 else text[:end]


def _front_may_change(previous: Preprocessed, lines: TextLines, edit: LineEdit) -> bool:
    """Whether the edit may change the front matter: it touches it, or an unclosed ``---`` may become
    front matter, or ``---`` may start it now."""
    front = previous.front_matter
    if front is not None:
        return edit.first < front.end_line
    return _first_line(previous.masked).rstrip() == "---" or lines[0].rstrip() == "---"


def rescan(
    previous: Preprocessed, old_starts: Sequence[int], text: str, line_starts: Sequence[int], edit: LineEdit
) -> Rescan | None:
    """``preprocess(text, mdx=False)`` for Markdown ``text`` made from the text ``previous`` was made
    of by ``edit``; None when only a scan of the whole text can tell (see the module docstring)."""
    front = previous.front_matter
    front_end = front.end_line if front is not None else 0
    lines = TextLines(text, line_starts)
    if _front_may_change(previous, lines, edit):
        return None
    old_chunk_starts = previous.chunk_starts
    position = bisect_right(old_chunk_starts, edit.first) - 1
    start = old_chunk_starts[position]
    out: dict[int, str] = {}
    scanner = LineScanner(lines, False, out)
    scanner.chunk_starts = old_chunk_starts[:position]
    if start in (0, front_end):  # a chunk starts there whatever the line holds
        scanner.chunk_starts.append(start)
    scanner.directives.extend(d for d in previous.directives if d.line < start)
    delta = edit.line_delta
    resync = count = len(lines)
    for index in range(start, count):
        if index >= edit.new_end and scanner.starts_chunk_cleanly(lines[index]):
            old = index - delta
            found = bisect_left(old_chunk_starts, old)
            if found < len(old_chunk_starts) and old_chunk_starts[found] == old:
                resync = index
                break
        scanner.scan(index)
    pieces = [previous.masked[: old_starts[start]], "\n".join([out.get(i, lines[i]) for i in range(start, resync)])]
    directives = scanner.directives
    chunk_starts = scanner.chunk_starts
    if resync < count:
        old = resync - delta
        pieces += ["\n", previous.masked[old_starts[old] :]]
        directives += [_moved(d, delta) for d in previous.directives if d.line >= old]
        moved = old_chunk_starts[bisect_left(old_chunk_starts, old) :]
        chunk_starts += moved if not delta else [line + delta for line in moved]
    return Rescan(Preprocessed("".join(pieces), front, directives, chunk_starts, []), start, resync)


def _moved(directive: Directive, delta: int) -> Directive:
    if not delta:
        return directive
    return Directive(
        directive.kind,
        directive.args,
        directive.line + delta,
        directive.end_line + delta,
        directive.start_col,
        directive.end_col,
    )


# What may open, close or end an MDX construct, a fence or a comment, or start a chunk or ESM: a line
# with none of these reads as plain text in any state (see aicmo_core.document.preprocess).
_NOT_PROSE_RE = re.compile(r"[<>{}]|\*/|/\*|^\s*(?:```|~~~)")


def prose_edit(old_lines: Sequence[str], old_masked: Sequence[str], new_lines: Sequence[str]) -> bool:
    """Whether an MDX edit replaced plain prose lines with plain prose lines: each old line was masked
    as itself (so nothing was open across it: an open construct blanks a line) and no line, old or
    new, is blank (a blank line may end or keep an open construct), a heading, an ``import`` or
    ``export``, a fence, or holds a character that opens or closes a tag, an expression or a comment."""
    if any(masked != line for line, masked in zip(old_lines, old_masked, strict=True)):
        return False
    return not any(
        not line.strip() or ATX_RE.match(line) or ESM_RE.match(line) or _NOT_PROSE_RE.search(line)
        for line in (*old_lines, *new_lines)
    )


def rescan_mdx(
    previous: Preprocessed, old_text: TextLines, text: str, line_starts: Sequence[int], edit: LineEdit
) -> Rescan | None:
    """``preprocess(text, mdx=True)`` for MDX ``text`` made from ``old_text`` (which ``previous`` was
    made of) by a prose edit: the old masking with the edited lines as they are now, and what lies
    after them moved by the lines the edit added or removed. None for any other edit, and for one
    inside what a read-ahead for a broken construct went over (plain text there may mend it)."""
    lines = TextLines(text, line_starts)
    if _front_may_change(previous, lines, edit) or any(
        first <= edit.old_end and edit.first <= last for first, last in previous.broken_reads
    ):
        return None
    old_masked = TextLines(previous.masked, old_text.line_starts)
    before = [old_text[i] for i in range(edit.first, edit.old_end)]
    masked = [old_masked[i] for i in range(edit.first, edit.old_end)]
    if not prose_edit(before, masked, [lines[i] for i in range(edit.first, edit.new_end)]):
        return None
    delta = edit.line_delta
    old_starts = old_text.line_starts
    pieces = [previous.masked[: old_starts[edit.first]], "\n".join(lines[i] for i in range(edit.first, edit.new_end))]
    if edit.new_end < len(lines):
        pieces += ["\n", previous.masked[old_starts[edit.old_end] :]]
    after = edit.old_end
    pre = Preprocessed(
        "".join(pieces),
        previous.front_matter,
        [d if d.line < after else _moved(d, delta) for d in previous.directives],
        [line if line < after else line + delta for line in previous.chunk_starts],
        [_range_moved(first, last, after, delta) for first, last in previous.nested],
        [_range_moved(first, last, after, delta) for first, last in previous.broken_reads],
    )
    return Rescan(pre, edit.first, edit.new_end)


def _range_moved(first: int, last: int, after: int, delta: int) -> tuple[int, int]:
    """Lines ``first`` to ``last`` once the lines from ``after`` on moved by ``delta``: the edit lies
    before the range, or inside it (then only its end moves), or after it."""
    return (first + delta if first >= after else first, last + delta if last >= after else last)
