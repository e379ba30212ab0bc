"""Patterns that packs bring (``forbidden_regex``): refused at load when they cannot be run safely,
matched with a time limit when they can.

A pack may come from a repository someone else made, and a backtracking matcher given a pattern
such as ``(a+)+$`` and a line of forty ``a`` and a ``!`` tries every way of splitting the line:
it never ends. Three defences, in the order a pattern meets them:

1. **At load** (:func:`pattern_problem`, the benchmark models' validator): the pattern's shape is
   read without compiling it (:mod:`aicmo_core.benchmarks.pattern_shape`) and refused, with a plain
   reason, when it is obviously catastrophic (a repeat inside a repeat that can match the same text,
   ``(a+)+``, ``(.*)*``, ``(\\w+\\s?)+``; a repeat of alternatives that match the same text,
   ``(a|a)*``, ``(a|aa)+``), when its repeats would make the compiled matcher huge
   (``(?:a{1000}){1000}``), or when it is too long or nests too deep.
2. **While matching** (:class:`Budget`): every match runs with the ``regex`` package's ``timeout``
   and ``concurrent=True``, so it releases the GIL (the language server's event loop keeps
   answering while a worker thread matches) and stops when the budget is spent.
3. **Per section and per report**: one budget (:data:`SECTION_BUDGET_S`) covers all of a section's
   patterns, and one (:data:`REPORT_BUDGET_S`) all the sections of a report; when either runs out,
   :class:`PatternTimeout` abandons the section's pattern check and the engine reports it as one
   finding (``AIC901 check_timeout``).

Why the ``regex`` package rather than RE2: packs are documented as Python regular expressions and
RE2 refuses part of that language (lookarounds, backreferences, possessive repeats), so some valid
packs would stop loading; RE2's Python bindings (``google-re2``) are a native extension with no
pure-Python fallback, which the VS Code extension would have to bundle for every CPython it supports,
and they are not available in this project's environment. ``regex`` reads Python's patterns as
``re`` does, ships wheels for every supported CPython, and is the only Python matcher here that both
releases the GIL and stops at a time limit. Its matcher backtracks, hence the load-time refusals
and the budget. Its own extensions are refused (a pattern must compile with ``re`` too): recursion
(``(?R)``) exhausts memory faster than any time limit stops it.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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
SECTION_BUDGET_S = 0.5  # processor time for matching all of one section's patterns
REPORT_BUDGET_S = 5.0  # and for all the sections of one report

# The characters a one-character part is tried on to compare it with another: ASCII, and a few
# letters, digits and spaces beyond it, enough to tell \w from \d, \s from \S and . from \n.
_SAMPLE = "".join(chr(code) for code in range(128)) + "\u00a0éßİЖж中٣\u2028\u3000😀"


class PatternTimeout(Exception):
    """A pattern ran past its time budget: the section's own, or (``whole_report``) the one all the
    sections of a report share."""

    def __init__(self, pattern: str, budget_s: float, *, whole_report: bool = False) -> None:
        whose = "report's" if whole_report else "section's"
        super().__init__(f"pattern {pattern!r} ran past the {whose} {budget_s:g} s time budget")
        self.pattern = pattern
        self.budget_s = budget_s
        self.whole_report = whole_report


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


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> regex.Pattern[str]:
    """The compiled pattern. Refuses (ValueError) what :func:`pattern_problem` refuses, so a pattern
    that never went through a benchmark model cannot reach the compiler either."""
    problem = pattern_problem(pattern)
    if problem is not None:
        raise ValueError(problem)
    return regex.compile(pattern)


class Budget:
    """Matching time shared by several matches, such as all the patterns of one section, and drawn
    from the report's budget when a check has one (:func:`report_budget`). Only the time spent
    matching counts, as processor time (what the ``regex`` package's ``timeout`` measures), so a
    loaded machine does not cut a pattern short; matches release the GIL while they run. When
    either budget is spent, :class:`PatternTimeout` is raised (a match never runs longer than what
    was left when it began, so the overrun is at most one budget)."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = SECTION_BUDGET_S if seconds is None else seconds
        self.spent = 0.0
        self.report = _REPORT_BUDGET.get()

    def _left(self, pattern: str) -> tuple[float, bool]:
        """The time left, and whether the report's budget is what limits it."""
        left = self.seconds - self.spent
        report_left = self.report.seconds - self.report.spent if self.report is not None else left
        if report_left < left:
            left, by_report = report_left, True
        else:
            by_report = False
        if left <= 0:
            raise self._timeout(pattern, by_report)
        return left, by_report

    def _timeout(self, pattern: str, by_report: bool) -> PatternTimeout:
        if by_report and self.report is not None:
            return PatternTimeout(pattern, self.report.seconds, whole_report=True)
        return PatternTimeout(pattern, self.seconds)

    def _spend(self, started: float) -> None:
        spent = time.process_time() - started
        self.spent += spent
        if self.report is not None:
            self.report.spent += spent

    def finditer(self, pattern: str, text: str) -> Iterator[regex.Match[str]]:
        """Every match of ``pattern`` in ``text``, within the budget."""
        timeout, by_report = self._left(pattern)
        matches = compiled(pattern).finditer(text, timeout=timeout, concurrent=True)
        while True:
            started = time.process_time()
            try:
                match = next(matches)
            except StopIteration:
                return
            except TimeoutError:
                raise self._timeout(pattern, by_report) from None
            finally:
                self._spend(started)
            self._left(pattern)
            yield match

    def search(self, pattern: str, text: str) -> regex.Match[str] | None:
        """The first match of ``pattern`` in ``text``, within the budget."""
        timeout, by_report = self._left(pattern)
        started = time.process_time()
        try:
            return compiled(pattern).search(text, timeout=timeout, concurrent=True)
        except TimeoutError:
            raise self._timeout(pattern, by_report) from None
        finally:
            self._spend(started)


_REPORT_BUDGET: ContextVar[Budget | None] = ContextVar("aicmo_report_pattern_budget", default=None)


@contextmanager
def report_budget(seconds: float | None = None) -> Iterator[Budget]:
    """A budget that every :class:`Budget` made inside the ``with`` block draws from as well: one
    report's sections share it, so a pack with many slow sections costs one report at most this."""
    budget = Budget(REPORT_BUDGET_S if seconds is None else seconds)
    budget.report = None
    token = _REPORT_BUDGET.set(budget)
    try:
        yield budget
    finally:
        _REPORT_BUDGET.reset(token)


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
