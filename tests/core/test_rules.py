"""Every rule on small real reports: exact spans (0-based line, UTF-16 column), codes and messages,
both sides of every bound; then suppression, severity overrides, statuses, the per-section cache
and a rule that crashes.

The reports are checked against ``tests/fixtures/rules/benchmarks/packs/rules_lab.yaml``: one
section per rule, each with only the bound under test, so a section-rule fixture shows that rule's
findings and nothing else. Those fixtures leave out the pack's other sections, so their
``missing_section`` findings are ignored there and tested on their own below.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pytest

from aicmo_core.check import CheckOptions, ReportResult, SectionCache, check_text
from aicmo_core.findings import Issue, Severity, Status
from aicmo_core.rules.registry import RULES, Scope
from aicmo_core.workspace import Workspace

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rules"
BENCHMARKS = FIXTURES / "benchmarks"
PACK = "rules_lab"

Span4 = tuple[int, int, int, int]  # start line, start character, end line, end character
Triple = tuple[Span4, str, str]

# The pack's sections in order: (id, label).
SECTIONS = [
    ("word_count", "Word Count"),
    ("bullets", "Bullets"),
    ("subheadings", "Subheadings"),
    ("goals", "Goals"),
    ("brand_facts", "Brand Facts"),
    ("banned_phrases", "Banned Phrases"),
    ("banned_patterns", "Banned Patterns"),
    ("repeats", "Repeats"),
    ("sentences", "Sentences"),
    ("calendar", "Calendar"),
    ("checklist", "Checklist"),
]

WORKSPACE = Workspace(benchmark_paths=(BENCHMARKS,), stop_at=FIXTURES)


def check(name: str, *, pack: str | None = None, severity: Mapping[str, str] | None = None) -> ReportResult:
    """Check a fixture report with the options the CLI and the server would use (its ``aicmo.toml``
    included), plus ``severity`` settings, and a fresh cache so every rule really runs."""
    path = FIXTURES / name
    options, problems = WORKSPACE.options_for(path, pack)
    assert problems == []
    options = dataclasses.replace(options, severity=severity or {}, cache=SectionCache())
    return check_text(path.read_text(encoding="utf-8"), str(path), options)


def triples_of(result: ReportResult, *, ignore: Iterable[str] = ()) -> list[Triple]:
    skipped = set(ignore)
    return [
        ((f.span.start.line, f.span.start.character, f.span.end.line, f.span.end.character), f.code, f.message)
        for f in result.findings
        if f.code not in skipped and f.rule not in skipped
    ]


def findings(name: str, *, ignore: Iterable[str] = (), pack: str | None = None) -> list[Triple]:
    """(span, code, message) of every finding of a fixture report, in the engine's order."""
    return triples_of(check(name, pack=pack), ignore=ignore)


def heading(line: int, text: str) -> Span4:
    """The span of a heading line written without indentation."""
    return (line, 0, line, len(text))


# Fixtures with front matter on lines 0-2 and the section heading on line 3.
SECTION_CASES = [
    # min_words 5 / max_words 8: 4 fails, 5 and 8 pass, 9 fails.
    ("word_count_4.md", [(heading(3, "## Word Count"), "AIC101", "4 words; this section needs 5-8")]),
    ("word_count_5.md", []),
    ("word_count_8.md", []),
    ("word_count_9.md", [(heading(3, "## Word Count"), "AIC102", "9 words; this section allows 5-8")]),
    # min_bullets 2 / max_bullets 3; a bold line is no bullet, nested and numbered items are.
    ("bullets_1.md", [(heading(3, "## Bullets"), "AIC111", "1 bullet; this section needs 2-3")]),
    ("bullets_2.md", []),
    ("bullets_3.md", []),
    ("bullets_4.md", [(heading(3, "## Bullets"), "AIC112", "4 bullets; this section allows at most 3")]),
    # min_headings 1 / max_headings 2; a #hashtag is no heading.
    ("subheadings_0.md", [(heading(3, "## Subheadings"), "AIC121", "0 sub-headings; this section needs 1-2")]),
    ("subheadings_1.md", []),
    ("subheadings_2.md", []),
    ("subheadings_3.md", [(heading(3, "## Subheadings"), "AIC122", "3 sub-headings; this section allows at most 2")]),
    # required_headings ["Primary Goal"]: a sub-heading or a bold lead-in label satisfies it; words
    # in a paragraph do not, nor does the section's own heading (which matches "Goals" by similarity).
    ("goals_subheading.md", []),
    ("goals_bold_label.md", []),
    ("goals_paragraph.md", [(heading(3, "## Goals"), "AIC131", "missing sub-heading 'Primary Goal'")]),
    ("goals_own_heading.md", [(heading(3, "## Primary Goal"), "AIC131", "missing sub-heading 'Primary Goal'")]),
    # required_substrings ["Brand:"]
    ("brand_facts_pass.md", []),
    ("brand_facts_fail.md", [(heading(3, "## Brand Facts"), "AIC141", "missing required phrase 'Brand:'")]),
    # forbidden_substrings ["none", "lorem ipsum"]: whole words, at the phrase, UTF-16 columns after
    # emoji (🚀 is two code units, ✨ one), and across a soft line break inside a quote.
    ("banned_phrases_pass.md", []),
    (
        "banned_phrases_fail.md",
        [
            ((5, 5, 5, 16), "AIC142", "forbidden phrase 'lorem ipsum'"),
            ((6, 6, 6, 10), "AIC142", "forbidden phrase 'none'"),
            ((8, 23, 9, 7), "AIC142", "forbidden phrase 'lorem ipsum'"),
        ],
    ),
    # forbidden_regex ["(?i)content is king", "\d+x growth"]
    ("banned_patterns_pass.md", []),
    (
        "banned_patterns_fail.md",
        [
            ((5, 10, 5, 25), "AIC143", "text matches forbidden pattern '(?i)content is king': 'Content is King'"),
            ((5, 43, 5, 53), "AIC143", r"text matches forbidden pattern '\\d+x growth': '10x growth'"),
        ],
    ),
    # placeholder (every section, no benchmark field): bracketed requests, capital markers, unfilled
    # figures; "todo" in prose and a Markdown link are no placeholders.
    ("placeholder_pass.md", []),
    (
        "placeholder_fail.md",
        [
            ((5, 9, 5, 12), "AIC144", "placeholder 'XX%': write the real content"),
            ((5, 16, 5, 29), "AIC144", "placeholder '[Insert date]': write the real content"),
            ((5, 31, 5, 35), "AIC144", "placeholder 'TODO': write the real content"),
        ],
    ),
    # max_repeated_line_ratio 0.25: one repeat in four lines is 25% (passes), in three is 33%.
    ("repeats_pass.md", []),
    (
        "repeats_fail.md",
        [((7, 2, 7, 24), "AIC151", "line repeats line 6; 33% of this section's lines repeat, at most 25%")],
    ),
    # max_avg_sentence_length 8: 3 + 13 words average 8 (passes), 3 + 14 average 8.5.
    ("sentences_pass.md", []),
    ("sentences_fail.md", [((5, 16, 5, 90), "AIC161", "sentences average 8.5 words, at most 8; this one has 14")]),
    # format: a `|` in a sentence, or rows without a delimiter row, are no table.
    ("calendar_pass.md", []),
    (
        "calendar_fail.md",
        [(heading(3, "## Calendar"), "AIC171", "no table in this section; its format is markdown_table")],
    ),
    ("checklist_pass.md", []),
    (
        "checklist_fail.md",
        [(heading(3, "## Checklist"), "AIC171", "no list in this section; its format is markdown_list")],
    ),
    # An empty section reports that alone: its 0 words would fail min_words 5 but are not reported.
    ("empty_section.md", [(heading(3, "## Word Count"), "AIC005", "section 'Word Count' is empty")]),
]


@pytest.mark.parametrize(("fixture", "expected"), SECTION_CASES, ids=[case[0] for case in SECTION_CASES])
def test_section_rule(fixture: str, expected: list[Triple]) -> None:
    result = check(fixture)
    # The one heading matched a section of the pack, so an empty list means its rules ran and passed.
    assert [s.section.benchmark is not None for s in result.sections] == [True]
    assert triples_of(result, ignore=["missing_section"]) == expected


def test_every_section_rule_has_a_failing_case() -> None:
    failing = {code for _, expected in SECTION_CASES for _, code, _ in expected}
    section_codes = {r.code for r in RULES.values() if r.scope is Scope.SECTION}
    assert failing == section_codes


def test_section_rules_default_severities() -> None:
    result = check("banned_phrases_fail.md")
    assert {f.severity for f in result.findings if f.code == "AIC142"} == {Severity.ERROR}
    assert [f.severity for f in check("bullets_4.md").findings if f.code == "AIC112"] == [Severity.WARNING]
    assert [f.severity for f in check("sentences_fail.md").findings if f.code == "AIC161"] == [Severity.WARNING]


# --- report rules -------------------------------------------------------------------------------


def missing(span: Span4, where: Mapping[str, str]) -> list[Triple]:
    return [
        (span, "AIC001", f"missing section '{label}' ({section_id}); the pack expects it {where[section_id]}")
        for section_id, label in SECTIONS
        if section_id in where
    ]


def test_missing_section_at_pack_line_says_where_it_belongs() -> None:
    where = {"bullets": "between 'Word Count' and 'Subheadings'"}
    where |= {i: "after 'Subheadings'" for i, _ in SECTIONS[3:]}
    result = check("missing_between.md")
    assert triples_of(result) == missing((2, 0, 2, 15), where)
    assert {f.severity for f in result.findings} == {Severity.ERROR}  # the pack is strict


def test_missing_section_at_nested_pack_line() -> None:
    where = {i: "before 'Checklist'" for i, _ in SECTIONS[:-1]}
    assert findings("missing_before.md") == missing((2, 2, 2, 17), where)


def test_missing_section_without_front_matter_is_on_line_0_but_not_part_of_that_section() -> None:
    result = check("missing_no_front_matter.md", pack=PACK)
    assert triples_of(result) == missing(heading(0, "## Word Count"), {i: "after 'Bullets'" for i, _ in SECTIONS[2:]})
    # Line 0 is Word Count's heading, but the missing sections are not Word Count's problem.
    assert [(s.section.id, s.status, s.findings) for s in result.sections] == [
        ("word_count", Status.PASS, []),
        ("bullets", Status.PASS, []),
    ]
    assert result.status is Status.FAIL


def test_missing_section_as_section_n_of_m_and_unknown_headings_are_info() -> None:
    result = check("unknown_sections.md", pack=PACK)
    where = {i: f"as section {n} of 11" for n, (i, _) in enumerate(SECTIONS, start=1)}
    # The title is level 1 and alone; the two level-2 headings are the sections, both unknown.
    assert triples_of(result) == [
        *missing((0, 0, 0, 30), where),
        ((2, 0, 2, 14), "AIC002", "'Growth Loop' is not a section of Rules Lab"),
        ((7, 0, 7, 13), "AIC002", "'Team Notes' is marked as a section this pack does not have"),
    ]
    assert [f.severity for f in result.findings if f.code == "AIC002"] == [Severity.INFO, Severity.INFO]


def test_duplicate_section_exact_and_similar_are_warnings() -> None:
    result = check("duplicates.md")
    message = "repeats section 'Word Count' (checked at line 4); make it a sub-heading of that section"
    assert triples_of(result, ignore=["missing_section"]) == [
        (heading(7, "## Word Count"), "AIC003", f"'Word Count' {message}"),
        (heading(11, "## Word Count (continued)"), "AIC003", f"'Word Count (continued)' {message}"),
    ]
    assert {f.severity for f in result.findings if f.code == "AIC003"} == {Severity.WARNING}


def test_section_order_reports_the_sections_outside_the_longest_ordered_run() -> None:
    result = check("order.md")
    assert triples_of(result, ignore=["missing_section"]) == [
        (heading(17, "## Word Count"), "AIC004", "'Word Count' is out of order; the pack puts it before 'Subheadings'"),
        (heading(21, "## Bullets"), "AIC004", "'Bullets' is out of order; the pack puts it before 'Subheadings'"),
    ]
    assert {f.severity for f in result.findings if f.code == "AIC004"} == {Severity.WARNING}


def test_sections_in_pack_order_report_no_order_or_missing_findings() -> None:
    assert findings("complete_pass.md") == []


# --- suppression --------------------------------------------------------------------------------


def test_suppression_comments_by_code_and_by_name() -> None:
    lorem = "forbidden phrase 'lorem ipsum'"
    assert findings("suppression.md", ignore=["missing_section"]) == [
        ((5, 0, 5, 11), "AIC142", lorem),  # "one", before any comment
        ((22, 0, 22, 11), "AIC142", lorem),  # "six": the next-line comment names another rule
        ((28, 0, 28, 11), "AIC142", lorem),  # "eight", after `aicmo-enable` without rules
        # "nine" follows an `aicmo-disable` that is never closed: off to the end of the report.
    ]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "suppression_front_matter_none.md",
            [
                ((5, 0, 5, 11), "AIC142", "forbidden phrase 'lorem ipsum'"),
                ((5, 17, 5, 21), "AIC142", "forbidden phrase 'none'"),
            ],
        ),
        ("suppression_front_matter_code.md", []),  # aicmo: {disable: [AIC142]}
        ("suppression_front_matter_name.md", []),  # aicmo: {disable: [forbidden_substrings]}
    ],
)
def test_front_matter_disables_a_rule_for_the_whole_report(fixture: str, expected: list[Triple]) -> None:
    result = check(fixture)
    assert triples_of(result, ignore=["missing_section"]) == expected
    assert len([f for f in result.findings if f.code == "AIC001"]) == 10  # other rules still report


# --- severity overrides -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "severities", "status"),
    [
        ("AIC142", "warning", [Severity.WARNING] * 3, Status.PASS_WITH_WARNINGS),
        ("forbidden_substrings", "info", [Severity.INFO] * 3, Status.PASS),
        ("AIC142", "off", [], Status.PASS),
        ("forbidden_substrings", "off", [], Status.PASS),
    ],
)
def test_severity_override_through_check_options(
    key: str, value: str, severities: list[Severity], status: Status
) -> None:
    result = check("banned_phrases_fail.md", severity={key: value, "missing_section": "off"})
    assert [f.severity for f in result.findings] == severities
    assert [s.status for s in result.sections] == [status]
    assert result.status is status


def test_severity_override_through_aicmo_toml() -> None:
    """severity_toml/aicmo.toml: AIC142 warning, duplicate_section info, missing_section off."""
    result = check("severity_toml/draft.md")
    assert [(f.code, f.severity, f.span.start.line) for f in result.findings] == [
        ("AIC142", Severity.WARNING, 5),
        ("AIC142", Severity.WARNING, 5),
        ("AIC003", Severity.INFO, 7),
    ]
    assert result.status is Status.PASS_WITH_WARNINGS


@pytest.mark.parametrize("key", ["AIC142", "forbidden_substrings", "aic142"])
def test_explicit_severity_wins_over_aicmo_toml_however_the_rule_is_named(key: str) -> None:
    """aicmo.toml says `AIC142 = "warning"`; an editor or CLI setting for the same rule wins."""
    result = check("severity_toml/draft.md", severity={key: "error"})
    assert [(f.code, f.severity) for f in result.findings] == [
        ("AIC142", Severity.ERROR),
        ("AIC142", Severity.ERROR),
        ("AIC003", Severity.INFO),
    ]
    assert result.status is Status.FAIL


# --- statuses -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "report_status", "section_statuses"),
    [
        ("complete_pass.md", Status.PASS, {}),
        ("complete_warning.md", Status.PASS_WITH_WARNINGS, {"bullets": Status.PASS_WITH_WARNINGS}),
        ("complete_fail.md", Status.FAIL, {"word_count": Status.FAIL, "bullets": Status.PASS_WITH_WARNINGS}),
    ],
)
def test_statuses_per_section_and_report(
    fixture: str, report_status: Status, section_statuses: dict[str, Status]
) -> None:
    result = check(fixture)
    assert result.status is report_status
    assert {s.section.id: s.status for s in result.sections} == {
        section_id: section_statuses.get(section_id, Status.PASS) for section_id, _ in SECTIONS
    }


def test_complete_fail_findings() -> None:
    assert findings("complete_fail.md") == [
        (heading(5, "## Word Count"), "AIC101", "4 words; this section needs 5-8"),
        (heading(9, "## Bullets"), "AIC112", "4 bullets; this section allows at most 3"),
    ]


def test_markdown_without_a_pack_is_skipped() -> None:
    result = check("no_pack.md")
    assert (result.status, result.pack_key, result.findings, result.sections) == (Status.SKIPPED, None, [], [])


# --- the per-section cache ----------------------------------------------------------------------


def test_cache_reruns_rules_only_for_the_edited_section_and_moves_findings() -> None:
    packs = WORKSPACE.packs_for(None)
    path = str(FIXTURES / "complete_fail.md")
    text = (FIXTURES / "complete_fail.md").read_text(encoding="utf-8")
    cache = SectionCache()

    def run(report: str) -> list[Triple]:
        return triples_of(check_text(report, path, CheckOptions(packs=packs, cache=cache)))

    def fresh(report: str) -> list[Triple]:
        return triples_of(check_text(report, path, CheckOptions(packs=packs, cache=SectionCache())))

    first = run(text)
    assert (cache.misses, cache.hits) == (11, 0)
    assert run(text) == first
    assert (cache.misses, cache.hits) == (11, 11)

    fixed = text.replace("Too few words here.", "Exactly five words sit here.")
    assert run(fixed) == [(heading(9, "## Bullets"), "AIC112", "4 bullets; this section allows at most 3")]
    assert (cache.misses, cache.hits) == (12, 21)

    # Two lines above every section: nothing re-runs, and the cached finding moves down with its section.
    moved = fixed.replace("# Glow Botanicals", "Prepared by the studio.\n\n# Glow Botanicals")
    assert run(moved) == [(heading(11, "## Bullets"), "AIC112", "4 bullets; this section allows at most 3")]
    assert (cache.misses, cache.hits) == (12, 32)
    assert run(moved) == fresh(moved)


# --- a rule that crashes ------------------------------------------------------------------------


def broken(ctx: object) -> Iterator[Issue]:
    raise RuntimeError("boom")
    yield  # a generator, like the real rules


def test_a_rule_that_raises_is_one_internal_error_and_the_others_still_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(RULES, "AIC143", dataclasses.replace(RULES["AIC143"], check=broken))
    result = check("banned_phrases_fail.md")
    assert triples_of(result, ignore=["missing_section"]) == [
        (heading(3, "## Banned Phrases"), "AIC900", "rule forbidden_regex failed: RuntimeError: boom"),
        ((5, 5, 5, 16), "AIC142", "forbidden phrase 'lorem ipsum'"),
        ((6, 6, 6, 10), "AIC142", "forbidden phrase 'none'"),
        ((8, 23, 9, 7), "AIC142", "forbidden phrase 'lorem ipsum'"),
    ]
    assert [s.status for s in result.sections] == [Status.FAIL]


def test_a_report_rule_that_raises_is_one_internal_error_on_line_0(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(RULES, "AIC004", dataclasses.replace(RULES["AIC004"], check=broken))
    result = check("order.md")
    assert triples_of(result, ignore=["missing_section"]) == [
        ((0, 0, 0, 3), "AIC900", "rule section_order failed: RuntimeError: boom")
    ]


def test_a_placeholder_is_reported_in_a_section_of_no_pack_too() -> None:
    text = "---\npack: rules_lab\n---\n## Word Count\n\nSales up forty percent by May.\n\n## Appendix\n\nBudget: TBD.\n"
    result = check_text(text, "report.md", WORKSPACE.options_for(FIXTURES / "report.md")[0])
    assert [(f.span.start.line, f.code, f.message) for f in result.findings if f.rule != "missing_section"] == [
        (7, "AIC002", "'Appendix' is not a section of Rules Lab"),
        (9, "AIC144", "placeholder 'TBD': write the real content"),
    ]
