"""Patterns that packs bring (``forbidden_regex``): refused at load when they cannot be run safely,
matched with a time limit when they can.

A pack may come from a repository someone else made, and a backtracking matcher given a pattern
such as ``(a+)+$`` and a line of forty ``a`` and a ``!`` tries every way of splitting the line:
it never ends. Three defences, in the order a pattern meets them:

1. **At load** (:func:`~aicmo_core.benchmarks.pattern_refusal.pattern_problem`, the benchmark
   models' validator): the pattern's shape is read without compiling it
   (:mod:`aicmo_core.benchmarks.pattern_shape`) and refused, with a plain reason, when it is
   obviously catastrophic (a repeat inside a repeat that can match the same text, ``(a+)+``,
   ``(.*)*``, ``(\\w+\\s?)+``; a repeat of alternatives that match the same text, ``(a|a)*``,
   ``(a|aa)+``), when its repeats would make the compiled matcher huge (``(?:a{1000}){1000}``), or
   when it is too long or nests too deep. A pattern validation accepted is compiled without that
   reading again (:func:`vet`); any other is read before it is compiled.
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

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import regex

SECTION_BUDGET_S = 0.5  # processor time for matching all of one section's patterns
REPORT_BUDGET_S = 5.0  # and for all the sections of one report

# Patterns a benchmark file's validation accepted (in this run, or in the run that wrote the pack
# cache entry they came from): compiled without reading their shape again. Any other pattern is
# read first, so one that never went through validation cannot reach the compiler either.
_VETTED: set[str] = set()


class PatternTimeout(Exception):
    """A pattern ran past its time budget: the section's own, or (``whole_report``) the one all the
    sections of a report share."""

    def __init__(self, pattern: str, budget_s: float, *, whole_report: bool = False) -> None:
        whose = "report's" if whole_report else "section's"
        super().__init__(f"pattern {pattern!r} ran past the {whose} {budget_s:g} s time budget")
        self.pattern = pattern
        self.budget_s = budget_s
        self.whole_report = whole_report


def vet(patterns: Iterable[str]) -> None:
    """Note ``patterns`` as accepted by a benchmark file's validation (see :func:`compiled`)."""
    _VETTED.update(patterns)


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> regex.Pattern[str]:
    """The compiled pattern. Refuses (ValueError) what
    :func:`~aicmo_core.benchmarks.pattern_refusal.pattern_problem` refuses, unless a benchmark file's
    validation accepted it already (:func:`vet`)."""
    import regex  # noqa: PLC0415 (a report whose pack has no pattern never needs it)

    if pattern not in _VETTED:
        from aicmo_core.benchmarks.pattern_refusal import pattern_problem  # noqa: PLC0415

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
