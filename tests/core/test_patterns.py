"""Patterns from packs (``forbidden_regex``) cannot hang a check: the obviously catastrophic ones are
refused when the pack loads, with the file, line and a plain reason; the others run with a time
budget per section and per report, releasing the GIL, and a pattern that runs past its budget is one
``AIC901 check_timeout`` finding."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aicmo_core.benchmarks import patterns
from aicmo_core.benchmarks.file_models import SectionOverride
from aicmo_core.benchmarks.loader import load_packs
from aicmo_core.benchmarks.pattern_refusal import MAX_COPIES, pattern_problem, refusal
from aicmo_core.benchmarks.patterns import (
    SECTION_BUDGET_S,
    Budget,
    PatternTimeout,
    compiled,
    report_budget,
)
from aicmo_core.check import CheckOptions, SectionCache, check_text
from aicmo_core.document.text import count_words
from aicmo_core.generators import Brief, GenerationRequest, Mode
from aicmo_core.generators.base import Failure
from aicmo_core.generators.template import write_section
from aicmo_core.rules.registry import RULES
from aicmo_core.workspace import Workspace

pytestmark = pytest.mark.timeout(60)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "patterns"
SLOW_LINE = "ab" * 40 + "!"  # (ab|a|b)*$ tries every way of splitting it: it never ends unbudgeted
SLOW = "(ab|a|b)*$"  # not obviously catastrophic (it loads), but exponential on SLOW_LINE


def nested(outer: str, inner: str) -> str:
    return (
        f"`{outer}` repeats `{inner}` inside a repeat that can match the same text, so on a line that almost "
        "matches the matcher tries exponentially many ways to split it (catastrophic backtracking); repeat once instead"
    )


def alternatives(outer: str, first: str, second: str) -> str:
    return (
        f"`{outer}` repeats alternatives that can match the same text (`{first}` and `{second}`), so on a line "
        "that almost matches the matcher tries exponentially many combinations (catastrophic backtracking); "
        "make the alternatives exclusive"
    )


# --- refused at load --------------------------------------------------------------------------------

REFUSED = [
    # The three shapes, then their common disguises.
    ("(a+)+$", nested("(a+)+", "a+")),
    ("(a|a)*", alternatives("(a|a)*", "a", "a")),
    ("(.*)*", nested("(.*)*", ".*")),
    ("(?:a*)*b", nested("(?:a*)*", "a*")),
    ("(x+x+)+y", nested("(x+x+)+", "x+")),
    (r"^(\w+\s?)+$", nested(r"(\w+\s?)+", r"\w+")),
    (r"(\d+,?)+;", nested(r"(\d+,?)+", r"\d+")),
    ("(.*a){12}", nested("(.*a){12}", ".*")),
    ("((ab)+)+", nested("((ab)+)+", "(ab)+")),
    ("(a{1,2})+", nested("(a{1,2})+", "a{1,2}")),
    ("(?i)(?:very|VERY|a?)+", nested("(?:very|VERY|a?)+", "a?")),
    ("(?x) ( a + ) + $", nested("( a + ) +", "a +")),
    ("(a|aa)+$", alternatives("(a|aa)+", "a", "aa")),
    (r"(\w|\d)+!", alternatives(r"(\w|\d)+", r"\w", r"\d")),
    ("(?:cat|dog|cat)*", alternatives("(?:cat|dog|cat)*", "cat", "cat")),
    (
        "(?:a{1000}){1000}",
        "its repeats ask for 1,000,000 copies of their parts (at most 10,000), too large a matcher to build",
    ),
    ("x{65535}", "its repeats ask for 65,535 copies of their parts (at most 10,000), too large a matcher to build"),
    ("(" * 51 + "a" + ")" * 51, "its groups or repeats nest more than 50 deep"),
    ("a" + "{1}" * 51, "its groups or repeats nest more than 50 deep"),
    ("a" * 1001, "it is 1,001 characters long (at most 1,000)"),
]


@pytest.mark.parametrize(("pattern", "reason"), REFUSED, ids=[pattern[:30] for pattern, _ in REFUSED])
def test_an_obviously_catastrophic_pattern_is_refused_with_a_plain_reason(pattern: str, reason: str) -> None:
    assert refusal(pattern) == reason
    assert pattern_problem(pattern) == f"{pattern!r} is refused: {reason}"


ACCEPTED = [
    # The patterns of the built-in packs and the test fixtures.
    "(?i)as a leading brand",
    "(?i)in today['']s digital world",
    r"\d+x growth",
    # Repeats of repeats that cannot split the same text two ways: something the inner repeat cannot
    # match, or an anchor, stands between the copies; or the inner repeat never gives back.
    r"(?i)(?:very\s+)+good",
    r"(?:[a-z]+\.)+[a-z]{2,}",
    r"(?:\w+\W+)+",
    r"(?:\b\w+\b\s*)+",
    r"(?:\d{1,3},)+\d{3}",
    r"(?:https?://)+",
    "(?:ab?)+",
    "(?:a++)+$",
    "(?>a+)+$",
    # Alternatives that cannot match the same text; small bounded repeats; everyday constructs.
    "(ab|ac)*",
    "(a|b)*c",
    "(?:x|y|z){2,5}",
    "(a+){2}",
    r"\$\d+(?:,\d{3})*(?:\.\d\d)?",
    r"(\w+)\s+\1",
    r"(?P<word>\w+) (?P=word)",
    r"(?<=\d)x\b",
    "[[:alpha:]]+",
    "[]a]+|[^]]+",
    r"a{,3}\{3}x{2,}",
    SLOW,  # exponential, but not obviously so: the time budget is its defence
]


@pytest.mark.parametrize("pattern", ACCEPTED)
def test_an_ordinary_pattern_is_accepted(pattern: str) -> None:
    assert pattern_problem(pattern) is None
    assert compiled(pattern).pattern == pattern


def test_an_invalid_pattern_says_what_is_wrong_with_it() -> None:
    assert pattern_problem("(unclosed") == (
        "'(unclosed' is not a valid regular expression: missing ), unterminated subpattern at position 0"
    )


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        # Recursion exhausts memory before any time limit: (?R)? ends in a MemoryError.
        ("(?R)?", "'(?R)?' is not a valid regular expression: unknown extension ?R at position 1"),
        ("(a(?1)?b)", "'(a(?1)?b)' is not a valid regular expression: unknown extension ?1 at position 3"),
        (r"\p{L}+", "'\\\\p{L}+' is not a valid regular expression: bad escape \\p at position 0"),
        (
            "(?:foo){e<=1}",
            "'(?:foo){e<=1}' is refused: `(?:foo){e<=1}` asks for fuzzy matching, which is the regex package's "
            "and not part of Python's regular expressions (write \\{ for a literal brace)",
        ),
    ],
)
def test_the_regex_packages_own_extensions_are_refused(pattern: str, problem: str) -> None:
    """Packs are written in Python's regular expression language; the matcher's extensions are not
    part of it (and recursion could not be bounded)."""
    assert pattern_problem(pattern) == problem


def test_a_refused_pattern_never_reaches_the_compiler_even_without_a_model() -> None:
    # A benchmark built in code (model_construct skips validation) still cannot compile a bomb.
    with pytest.raises(ValueError, match=r"is refused: its repeats ask for 1,000,000 copies"):
        compiled("(?:a{1000}){1000}")


def test_the_models_refuse_the_pattern_item_by_item(tmp_path: Path) -> None:
    (tmp_path / "greedy.yaml").write_text(
        (FIXTURES / "catastrophic" / "benchmarks" / "packs" / "greedy.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    packs = load_packs([tmp_path], include_builtin=False)
    [problem] = packs.problems
    assert (problem.path.name, problem.line, problem.column, problem.field) == (
        "greedy.yaml",
        9,
        36,
        "sections[0].forbidden_regex[1]",
    )
    assert problem.message == f"'(a+)+$' is refused: {nested('(a+)+', 'a+')}"
    assert "greedy" not in packs.packs


def test_an_override_is_checked_like_a_definition() -> None:
    with pytest.raises(ValueError, match=r"'\(\.\*\)\*' is refused"):
        SectionOverride(id="intro", forbidden_regex=("(.*)*",))


# Regular expression syntax, with digits that are not ASCII (a{²} is literal text, not a repeat).
PATTERN_ALPHABET = "ab()[]|*+?{}0123,.^$\\wdsx:?<>=!-#²٣ "


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=PATTERN_ALPHABET, max_size=40), st.text(alphabet="ab !1", max_size=30))
def test_any_pattern_is_refused_or_runs_within_its_budget(pattern: str, text: str) -> None:
    problem = pattern_problem(pattern)
    assert problem is None or problem.startswith(repr(pattern))
    if problem is None:
        try:
            list(Budget(0.05).finditer(pattern, text))
        except PatternTimeout as timeout:
            assert timeout.pattern == pattern


# --- the time budget --------------------------------------------------------------------------------


def test_a_slow_pattern_stops_at_its_budget() -> None:
    budget = Budget(0.1)
    with pytest.raises(PatternTimeout) as raised:
        budget.search(SLOW, SLOW_LINE)
    assert str(raised.value) == "pattern '(ab|a|b)*$' ran past the section's 0.1 s time budget"
    assert budget.spent >= 0.1
    # The budget is spent: the next pattern of the section does not even start.
    with pytest.raises(PatternTimeout):
        list(budget.finditer("b", "abc"))


def test_a_report_budget_limits_every_section_budget_made_inside_it() -> None:
    with report_budget(0.1) as report:
        section = Budget(10)
        with pytest.raises(PatternTimeout) as raised:
            section.search(SLOW, SLOW_LINE)
        assert raised.value.whole_report
        assert str(raised.value) == "pattern '(ab|a|b)*$' ran past the report's 0.1 s time budget"
        assert report.spent >= 0.1
        with pytest.raises(PatternTimeout):  # a later section's budget starts empty
            Budget(10).search("a", "a")
    assert Budget(10).search("a", "a") is not None  # outside the report, no report budget


def test_a_match_releases_the_gil_so_other_threads_keep_running() -> None:
    """While a worker thread matches a slow pattern, this thread keeps waking from short sleeps. A
    matcher holding the GIL would keep it asleep until the match ended (the language server's event
    loop would freeze the same way)."""
    wakes = 0
    during: dict[str, int] = {}
    finished = threading.Event()

    def match() -> None:
        during["before"] = wakes
        with contextlib.suppress(PatternTimeout):
            Budget(1.0).search(SLOW, SLOW_LINE)
        during["after"] = wakes
        finished.set()

    worker = threading.Thread(target=match)
    worker.start()
    while not finished.is_set():
        time.sleep(0.001)
        wakes += 1
    worker.join()
    assert during["after"] - during["before"] > 20


# --- in a check ---------------------------------------------------------------------------------------


def check_fixture(name: str) -> list[tuple[int, str, str]]:
    path = FIXTURES / "slow" / name
    options, problems = Workspace(stop_at=FIXTURES).options_for(path)
    assert problems == []
    options = CheckOptions(packs=options.packs, config=options.config, cache=SectionCache())
    result = check_text(path.read_text(encoding="utf-8"), str(path), options)
    return [(f.span.start.line, f.code, f.message) for f in result.findings]


def timed_out(budget: str) -> str:
    return (
        "the forbidden_regex check of this section was abandoned: pattern '(ab|a|b)*$' ran past the "
        f"{budget} time budget; simplify the pattern in the pack"
    )


def test_a_section_past_its_budget_is_one_finding_and_the_rest_is_still_checked() -> None:
    assert check_fixture("report.md") == [
        (3, "AIC901", timed_out("section's 0.5 s")),
        (5, "AIC143", "text matches forbidden pattern '(?i)content is king': 'Content is king'"),
    ]


def test_a_report_of_many_slow_sections_costs_one_report_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(patterns, "SECTION_BUDGET_S", 0.05)
    monkeypatch.setattr(patterns, "REPORT_BUDGET_S", 0.3)
    findings = check_fixture("many.md")
    assert [(line, code) for line, code, _ in findings] == [(3 + 4 * n, "AIC901") for n in range(12)]
    # The first sections spend their own 0.05 s each; once the report's 0.3 s is gone the last ones
    # are abandoned without running (the section at the boundary can be either).
    assert {message for _, _, message in findings[:4]} == {timed_out("section's 0.05 s")}
    assert {message for _, _, message in findings[-5:]} == {timed_out("report's 0.3 s")}


def test_a_report_budget_timeout_is_not_cached_but_a_section_timeout_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(patterns, "SECTION_BUDGET_S", 0.05)
    monkeypatch.setattr(patterns, "REPORT_BUDGET_S", 0.3)
    path = FIXTURES / "slow" / "many.md"
    options, _ = Workspace(stop_at=FIXTURES).options_for(path)
    cache = SectionCache()
    options = CheckOptions(packs=options.packs, config=options.config, cache=cache)
    text = path.read_text(encoding="utf-8")
    check_text(text, str(path), options)
    first_misses = cache.misses
    second = check_text(text, str(path), options)
    # The sections abandoned for the report's sake run again; those that spent their own budget don't.
    assert 0 < cache.misses - first_misses < 12
    assert [f.code for f in second.findings] == ["AIC901"] * 12


def test_the_docstrings_state_the_budgets() -> None:
    timeout_doc, regex_doc = (" ".join(RULES[code].doc.split()) for code in ("AIC901", "AIC143"))
    assert f"per section ({SECTION_BUDGET_S:g} s of processor time)" in timeout_doc
    assert f"one per report ({patterns.REPORT_BUDGET_S:g} s" in timeout_doc
    assert f"share {SECTION_BUDGET_S:g} s" in regex_doc
    assert MAX_COPIES == 10_000


# --- generation ---------------------------------------------------------------------------------------


def slow_section_request(mode: Mode, **more: object) -> GenerationRequest:
    """A request for a built-in section whose pack forbids the slow pattern, with a brand that holds
    the text it is slow on (so the writer's own filter meets it too)."""
    pack = load_packs(()).packs["quick_social_basic"]
    section = replace(pack.sections[0], forbidden_regex=(SLOW,))
    brief = Brief({"brand": SLOW_LINE, "industry": "skincare", "goal": "more repeat buyers"})
    return GenerationRequest(pack, section, mode, brief, **more)  # type: ignore[arg-type]


def test_the_template_writer_stops_consulting_a_slow_pattern_and_still_writes() -> None:
    body = write_section(slow_section_request(Mode.REGENERATE))
    assert count_words(body) > 0


def test_fixing_a_forbidden_pattern_gives_up_when_the_pattern_is_slow() -> None:
    writer_text = f"Content is king.\n\n{SLOW_LINE}\n"
    failure = Failure("AIC143", "forbidden_regex", "text matches forbidden pattern", {"pattern": SLOW})
    body = write_section(slow_section_request(Mode.FIX, current_body=writer_text, failures=(failure,)))
    assert SLOW_LINE in body  # the line the pattern could not be run on is left as the writer wrote it
