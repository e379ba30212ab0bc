"""Patterns a pack may not use (``forbidden_regex``): the load-time defence of
:mod:`aicmo_core.benchmarks.patterns`, which describes all three.

A pattern is refused, with a plain reason, when its shape (read without compiling it,
:mod:`aicmo_core.benchmarks.pattern_shape`) is obviously catastrophic, when its repeats would make
the compiled matcher huge, when it is too long or nests too deep, and when Python's ``re`` or the
``regex`` package cannot compile it. Imported when a benchmark file is validated or an unvetted
pattern is compiled, not by every check.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import regex

from aicmo_core.benchmarks.pattern_shape import (
    Alternation,
    Char,
    Fuzzy,
    Group,
    Node,
    Opaque,
    Repeat,
    Sequence,
    TooDeep,
    ZeroWidth,
    parse,
)

MAX_PATTERN_CHARS = 1000
MAX_GROUP_DEPTH = 50
MAX_COPIES = 10_000  # copies of a pattern's parts its repeats ask for: (?:a{100}){100} is 10,000
MANY = 10  # a repeat of at least this many copies (or unbounded) is a loop worth backtracking through

# The characters a one-character part is tried on to compare it with another: ASCII, and a few
# letters, digits and spaces beyond it, enough to tell \w from \d, \s from \S and . from \n.
_SAMPLE = "".join(chr(code) for code in range(128)) + "\u00a0éßİЖж中٣\u2028\u3000😀"


def pattern_problem(pattern: str) -> str | None:
    """Why a pack cannot use ``pattern`` (a refused shape or invalid syntax), or None when it can.

    A pattern must be valid for Python's own ``re`` as well: packs are written in Python's regular
    expression language, and the ``regex`` package's extensions are not part of it. Two of them
    could not be bounded anyway: recursion (``(?R)``, ``(?1)``), which exhausts memory before any
    time limit, and fuzzy matching (``{e<=3}``).
    """
    reason = refusal(pattern)
    if reason is not None:
        return f"{pattern!r} is refused: {reason}"
    try:
        with warnings.catch_warnings():  # "possible nested set" and the like: the check's business, not the user's
            warnings.simplefilter("ignore")
            re.compile(pattern)
        regex.compile(pattern)
    except (re.error, regex.error, OverflowError, RecursionError) as exc:
        return f"{pattern!r} is not a valid regular expression: {exc}"
    return None


def refusal(pattern: str) -> str | None:
    """Why ``pattern`` is too dangerous to compile or run, in plain words; None when it is not."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"it is {len(pattern):,} characters long (at most {MAX_PATTERN_CHARS:,})"
    try:
        tree = parse(pattern, MAX_GROUP_DEPTH)
    except TooDeep:
        return f"its groups or repeats nest more than {MAX_GROUP_DEPTH} deep"
    copies = _copies(tree)
    if copies > MAX_COPIES:
        return (
            f"its repeats ask for {copies:,} copies of their parts (at most {MAX_COPIES:,}), "
            "too large a matcher to build"
        )
    for node in _walk(tree):
        if isinstance(node, Fuzzy):
            return (
                f"`{_text(pattern, node)}` asks for fuzzy matching, which is the regex package's and not part "
                "of Python's regular expressions (write \\{ for a literal brace)"
            )
        if isinstance(node, Repeat) and not node.possessive and (node.high is None or node.high >= MANY):
            reason = _nested_repeat(pattern, node) or _overlapping_alternatives(pattern, node)
            if reason is not None:
                return reason
    return None


# --- the shapes refused ---------------------------------------------------------------------------


def _walk(node: Node) -> Iterator[Node]:
    yield node
    for child in _children(node):
        yield from _walk(child)


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Sequence):
        return node.items
    if isinstance(node, Alternation):
        return node.options
    if isinstance(node, Group):
        return (node.body,)
    if isinstance(node, Repeat | Fuzzy):
        return (node.item,)
    return ()


def _copies(node: Node) -> int:
    """How many copies of its parts a node asks the compiler for. The ``regex`` package writes out
    a repeat's required copies and one more for an unbounded tail (``x+`` is ``xx*``), so nested
    ``+`` double at every level."""
    if isinstance(node, Repeat):
        return _copies(node.item) * (node.high if node.high is not None else node.low + 1)
    children = _children(node)
    return sum(_copies(child) for child in children) if children else 1


def _text(pattern: str, node: Node) -> str:
    return pattern[node.start : node.end]


def _nested_repeat(pattern: str, outer: Repeat) -> str | None:
    inner = _dominant(outer.item)
    if inner is None:
        return None
    return (
        f"`{_text(pattern, outer)}` repeats `{_text(pattern, inner[0])}` inside a repeat that can match the "
        "same text, so on a line that almost matches the matcher tries exponentially many ways to split it "
        "(catastrophic backtracking); repeat once instead"
    )


def _overlapping_alternatives(pattern: str, outer: Repeat) -> str | None:
    body = outer.item
    while isinstance(body, Group | Sequence) and not (isinstance(body, Group) and body.atomic):
        if isinstance(body, Sequence) and len(body.items) != 1:
            return None
        body = body.body if isinstance(body, Group) else body.items[0]
    if not isinstance(body, Alternation):
        return None
    # What the comparisons need, once per alternative (a pattern may hold hundreds of them).
    options = [
        _Option(option, _text(pattern, option), _char_set(option)) for option in body.options if not _nullable(option)
    ]
    for first, second in combinations(options, 2):
        if _same_text(first, second):
            return (
                f"`{_text(pattern, outer)}` repeats alternatives that can match the same text "
                f"(`{first.text}` and `{second.text}`), so on a line that almost matches "
                "the matcher tries exponentially many combinations (catastrophic backtracking); "
                "make the alternatives exclusive"
            )
    return None


@dataclass(frozen=True, slots=True)
class _Option:
    node: Node
    text: str
    chars: frozenset[str] | None  # when it matches one character


def _same_text(first: _Option, second: _Option) -> bool:
    """Whether two alternatives (neither matching the empty string) can obviously match the same
    text: written alike, one-character parts sharing a character, or one a run of the other's
    characters (``a|aa``)."""
    if first.text == second.text:
        return True
    if first.chars is not None and second.chars is not None:
        return bool(first.chars & second.chars)
    if first.chars is not None:
        return _absorbable(second.node, first.chars)
    return second.chars is not None and _absorbable(first.node, second.chars)


def _dominant(node: Node) -> tuple[Repeat, frozenset[str] | None] | None:
    """A repeat of variable length inside ``node`` that can match, alone, everything ``node``
    matches (the rest of ``node`` matching nothing, or text the repeat could match too),
    with the characters it repeats (None: more than one character at a time)."""
    if isinstance(node, Repeat):
        if node.possessive:
            return None
        if node.variable:
            return node, _char_set(node.item)
        return _dominant(node.item)
    if isinstance(node, Group):
        return None if node.atomic else _dominant(node.body)
    if isinstance(node, Alternation):
        return next((found for found in map(_dominant, node.options) if found is not None), None)
    if isinstance(node, Sequence):
        for index, item in enumerate(node.items):
            found = _dominant(item)
            others = node.items[:index] + node.items[index + 1 :]
            if found is not None and all(_absorbable(other, found[1]) for other in others):
                return found
    return None


def _absorbable(node: Node, chars: frozenset[str] | None) -> bool:
    """Whether ``node`` can match nothing, or some run of ``chars``, so that a repeat of ``chars``
    next to it could match that text too (the two can split it between them in several ways). An
    anchor or a lookaround never is: it fixes where the text may be split."""
    if _has_zero_width(node):
        return False
    if _nullable(node):
        return True
    if chars is None:
        return False
    own = _char_set(node)
    if own is not None:
        return bool(own & chars)
    if isinstance(node, Repeat):
        return not node.possessive and _absorbable(node.item, chars)
    if isinstance(node, Group):
        return not node.atomic and _absorbable(node.body, chars)
    if isinstance(node, Sequence):
        return all(_absorbable(item, chars) for item in node.items)
    if isinstance(node, Alternation):
        return any(_absorbable(option, chars) for option in node.options)
    return False


def _nullable(node: Node) -> bool:
    """Whether ``node`` can match the empty string."""
    if isinstance(node, ZeroWidth):
        return True
    if isinstance(node, Char | Opaque):
        return False
    if isinstance(node, Repeat):
        return node.low == 0 or _nullable(node.item)
    if isinstance(node, Alternation):
        return any(_nullable(option) for option in node.options)
    return all(_nullable(child) for child in _children(node))


def _has_zero_width(node: Node) -> bool:
    return any(isinstance(part, ZeroWidth) for part in _walk(node))


def _char_set(node: Node) -> frozenset[str] | None:
    """The sample characters a one-character node matches; None for a node that matches more (or
    less) than one character, or whose characters cannot be told."""
    if isinstance(node, Char):
        return _atom_chars(node.atom, node.flags)
    if isinstance(node, Group):
        return None if node.atomic else _char_set(node.body)
    if isinstance(node, Sequence):
        return _char_set(node.items[0]) if len(node.items) == 1 else None
    if isinstance(node, Alternation):
        sets = [_char_set(option) for option in node.options]
        known = [chars for chars in sets if chars is not None]
        return frozenset().union(*known) if len(known) == len(sets) else None
    return None


@lru_cache(maxsize=4096)
def _atom_chars(atom: str, flags: str) -> frozenset[str] | None:
    wanted = "".join(sorted(set(flags) & set("ais")))
    try:
        # One character or set, compiled alone: no repeat, so nothing to backtrack through.
        matcher = regex.compile(f"(?{wanted}){atom}" if wanted else atom)
    except (regex.error, OverflowError, RecursionError):
        return None
    return frozenset(char for char in _SAMPLE if matcher.fullmatch(char))
