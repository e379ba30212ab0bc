"""Benchmark packs and ``aicmo.toml`` as a team meets them: the built-in packs match the original
system's data, includes and overrides resolve, and every broken file is a located problem, never a
traceback, while the other packs keep loading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aicmo_core.benchmarks.examples import builtin_examples, example_for
from aicmo_core.benchmarks.loader import load_pack_file, load_packs
from aicmo_core.benchmarks.models import Pack
from aicmo_core.config import load_config
from aicmo_core.errors import ConfigError, Problem
from aicmo_core.findings import Severity
from aicmo_core.workspace import Workspace

FIXTURES = Path(__file__).parent.parent / "fixtures"
REFERENCE = FIXTURES / "reference"
BENCHMARKS = FIXTURES / "benchmarks"
CONFIG = FIXTURES / "config"
REPO_BENCHMARKS = Path(__file__).parent.parent.parent / "benchmarks"

REFERENCE_PACKS: list[dict[str, Any]] = json.loads((REFERENCE / "packs.json").read_text(encoding="utf-8"))["packs"]
REFERENCE_FAMILIES: dict[str, dict[str, Any]] = json.loads(
    (REFERENCE / "section_benchmarks.json").read_text(encoding="utf-8")
)["families"]
STRATEGY_TIERS = [
    "strategy_campaign_basic",
    "strategy_campaign_standard",
    "strategy_campaign_premium",
    "strategy_campaign_enterprise",
]
# The original system's notes give final_summary pack-aware word bands that its benchmark files do
# not: Quick Social 150-220 words, Strategy packs 220-350. The built-in packs apply the notes.
PACK_AWARE_FINAL_SUMMARY = {"quick_social_basic": (150, 220), **dict.fromkeys(STRATEGY_TIERS, (220, 350))}
THRESHOLD_FIELDS = [
    "label",
    "min_words",
    "max_words",
    "min_bullets",
    "max_bullets",
    "min_headings",
    "max_headings",
    "required_headings",
    "required_substrings",
    "forbidden_substrings",
    "forbidden_regex",
    "max_repeated_line_ratio",
    "max_avg_sentence_length",
    "format",
]


@pytest.fixture(scope="module")
def builtin() -> dict[str, Pack]:
    packs = load_packs([])
    assert packs.problems == []
    return packs.packs


def as_reference(pack: Pack, section_id: str) -> dict[str, Any]:
    """A built-in section's thresholds written the way the reference JSON writes them."""
    section = pack.section(section_id)
    assert section is not None, f"{pack.key} has no section {section_id}"
    data = {name: getattr(section, name) for name in THRESHOLD_FIELDS}
    return {
        name: list(value) if isinstance(value, tuple) else getattr(value, "value", value)
        for name, value in data.items()
    }


# --- built-in packs -------------------------------------------------------------------------------


def test_all_ten_builtin_packs_load_without_problems(builtin: dict[str, Pack]) -> None:
    assert sorted(builtin) == sorted(pack["key"] for pack in REFERENCE_PACKS)
    assert len(builtin) == 10


@pytest.mark.parametrize("reference", REFERENCE_PACKS, ids=[pack["key"] for pack in REFERENCE_PACKS])
def test_builtin_pack_has_the_reference_sections_in_order(builtin: dict[str, Pack], reference: dict[str, Any]) -> None:
    pack = builtin[reference["key"]]
    assert pack.label == reference["label"]
    assert [section.id for section in pack.sections] == reference["sections"]


@pytest.mark.parametrize("family", sorted(REFERENCE_FAMILIES))
def test_section_thresholds_equal_the_reference_benchmarks(builtin: dict[str, Pack], family: str) -> None:
    compared = 0
    for pack_key in REFERENCE_FAMILIES[family]["packs"]:
        pack = builtin[pack_key]
        for section_id, reference in REFERENCE_FAMILIES[family]["sections"].items():
            if pack.section(section_id) is None:
                continue  # a lower strategy tier uses only part of the family's sections
            expected = {name: reference[name] for name in THRESHOLD_FIELDS}
            if section_id == "final_summary" and pack_key in PACK_AWARE_FINAL_SUMMARY:
                expected["min_words"], expected["max_words"] = PACK_AWARE_FINAL_SUMMARY[pack_key]
            assert as_reference(pack, section_id) == expected, f"{pack_key}.{section_id}"
            compared += 1
    assert compared >= len(REFERENCE_FAMILIES[family]["sections"])


def test_reference_regexes_survive_loading(builtin: dict[str, Pack]) -> None:
    overview = builtin["quick_social_basic"].section("overview")
    assert overview is not None
    assert overview.forbidden_regex == ("(?i)in today's digital age", "(?i)content is king", "(?i)as a leading brand")


# --- include and overrides: the four strategy_campaign tiers --------------------------------------


def test_strategy_tiers_take_sections_from_the_shared_library(builtin: dict[str, Pack]) -> None:
    library = (REPO_BENCHMARKS / "library" / "strategy_campaign.yaml").resolve()
    for key in STRATEGY_TIERS:
        pack = builtin[key]
        overview = pack.section("overview")
        assert overview is not None
        assert pack.section_sources["overview"].path == library
        # One definition serves every tier: the same thresholds, so the same fingerprint.
        assert overview.fingerprint == builtin["strategy_campaign_basic"].section("overview").fingerprint  # type: ignore[union-attr]


def test_strategy_tier_override_changes_only_the_fields_it_names(builtin: dict[str, Pack]) -> None:
    library_summary = REFERENCE_FAMILIES["strategy_campaign"]["sections"]["final_summary"]
    for key in STRATEGY_TIERS:
        pack = builtin[key]
        summary = pack.section("final_summary")
        assert summary is not None
        assert (summary.min_words, summary.max_words) == (220, 350)
        # Everything the override does not name comes from the library.
        assert summary.label == library_summary["label"]
        assert list(summary.required_headings) == library_summary["required_headings"]
        assert summary.max_bullets == library_summary["max_bullets"]
        assert summary.max_avg_sentence_length == library_summary["max_avg_sentence_length"]
        # Go-to-definition lands on the override in the tier's own file.
        source = pack.section_sources["final_summary"]
        assert source.path == (REPO_BENCHMARKS / "packs" / f"{key}.yaml").resolve()
        lines = source.path.read_text(encoding="utf-8").splitlines()
        assert lines[source.line].strip() == "- id: final_summary"


def test_team_folder_pack_replaces_a_builtin_pack_with_the_same_key(tmp_path: Path) -> None:
    (tmp_path / "quick_social_basic.yaml").write_text(
        'key: quick_social_basic\nlabel: "Our Social Pack"\nsections:\n'
        '  - id: overview\n    label: "Client Overview"\n    min_words: 1\n    max_words: 50\n',
        encoding="utf-8",
    )
    packs = load_packs([tmp_path])
    assert packs.problems == []
    assert packs.packs["quick_social_basic"].label == "Our Social Pack"
    assert len(packs.packs) == 10


# --- broken benchmark files -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def broken() -> dict[str, list[Problem]]:
    """Problems of the files in fixtures/benchmarks/broken, by file name."""
    by_file: dict[str, list[Problem]] = {}
    for problem in load_packs([BENCHMARKS / "broken"], include_builtin=False).problems:
        by_file.setdefault(problem.path.name, []).append(problem)
    return by_file


def located(problem: Problem) -> tuple[int | None, int | None, str | None]:
    return problem.line, problem.column, problem.field


def test_broken_files_are_problems_and_the_other_packs_still_load() -> None:
    packs = load_packs([BENCHMARKS / "broken"])
    assert "team_pack" in packs.packs
    assert len(packs.packs) == 11  # the ten built-in packs and the healthy neighbour
    assert sorted({problem.path.name for problem in packs.problems}) == [
        "bad_regex.yaml",
        "bad_syntax.yaml",
        "bounds_reversed.yaml",
        "unknown_field.yaml",
        "wrong_type.yaml",
    ]


def test_yaml_syntax_error_names_line_and_column(broken: dict[str, list[Problem]]) -> None:
    [problem] = broken["bad_syntax.yaml"]
    # line 7 is "     max_words: 100", indented one space too far: its ":" is where parsing stops.
    assert (problem.line, problem.column) == (7, 15)
    assert problem.message == "mapping values are not allowed here"
    assert str(problem).endswith("bad_syntax.yaml:7:15: mapping values are not allowed here")


def test_wrong_type_in_a_nested_field_names_the_item(broken: dict[str, list[Problem]]) -> None:
    [problem] = broken["wrong_type.yaml"]
    # required_headings: ["Primary Goal", 42] on line 12; 42 starts at column 41.
    assert located(problem) == (12, 41, "sections[1].required_headings[1]")
    assert problem.message == "Input should be a valid string"


def test_min_words_above_max_words_names_the_field(broken: dict[str, list[Problem]]) -> None:
    [problem] = broken["bounds_reversed.yaml"]
    assert located(problem) == (7, 5, "sections[0].max_words")
    assert "min_words (300) is greater than max_words (100)" in problem.message


def test_invalid_regex_names_the_field_and_the_pattern(broken: dict[str, list[Problem]]) -> None:
    [problem] = broken["bad_regex.yaml"]
    # The item itself, not the list: the second pattern of the flow sequence on line 8.
    assert located(problem) == (8, 42, "sections[0].forbidden_regex[1]")
    assert problem.message.startswith("'(unclosed' is not a valid regular expression: missing )")


def test_unknown_field_names_the_misspelt_key_only(broken: dict[str, list[Problem]]) -> None:
    # Only the misspelling: no echo of the union's "valid string" branch or of "too short".
    [problem] = broken["unknown_field.yaml"]
    assert located(problem) == (8, 5, "sections[0].max_word")
    assert problem.message.startswith("unknown field")


def test_broken_library_is_reported_where_it_is_broken_and_where_it_is_included() -> None:
    problems = load_packs([BENCHMARKS / "broken_include"], include_builtin=False).problems
    include_problems = [p for p in problems if p.path.name == "uses_broken.yaml"]
    library_problems = [p for p in problems if p.path.name == "broken.yaml"]
    assert [(located(p), p.message) for p in include_problems] == [
        ((3, 11, "include[0]"), "cannot include '../library/broken.yaml'")
    ]
    assert [located(p) for p in library_problems] == [(11, 5, "sections[1].min_bullets")]
    # No cascade: the sections the library would have defined are not reported as undefined.
    assert not any("not defined" in p.message or "required field" in p.message for p in problems)


def test_override_that_breaks_the_bounds_points_at_the_override() -> None:
    path = BENCHMARKS / "broken_include" / "packs" / "override_too_high.yaml"
    problems = load_packs([BENCHMARKS / "broken_include"], include_builtin=False).problems
    [problem] = [p for p in problems if p.path == path]
    # The override sets only min_words; the field path names the bound it now exceeds, and the
    # location is the override entry since max_words is not written in this file.
    assert located(problem) == (5, 5, "sections[0].max_words")
    assert "min_words (500) is greater than max_words (100)" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "just a string\n",
        "- a list\n",
        "key: 3\nlabel: x\nsections: []\n",
        "key: k\nlabel: x\nsections:\n  - 5\n",
        "key: k\nlabel: x\nsections:\n  - id: Overview!\n    label: x\n    min_words: 1\n    max_words: 2\n",
        "key: k\nlabel: x\ninclude: [/nonexistent/library.yaml]\nsections: [overview]\n",
        "key: k\nlabel: x\nsections: [overview, overview]\n",
        "library: lib\nsections: []\n",
        "{\n",
        "\x00\x01",
    ],
)
def test_odd_benchmark_files_are_problems_never_tracebacks(tmp_path: Path, text: str) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    packs = load_packs([tmp_path], include_builtin=False)
    assert packs.packs == {}
    assert packs.problems, "an unusable file must be reported"
    for problem in packs.problems:
        assert problem.message
        assert problem.line is None or problem.line >= 1


def test_every_builtin_section_has_a_description_and_an_example(builtin: dict[str, Pack]) -> None:
    for pack in builtin.values():
        for section in pack.sections:
            assert len(section.description.split()) >= 12, (pack.key, section.id)
            assert 40 <= len(example_for(section).split()) <= 120, (pack.key, section.id)
    used = {section.id for pack in builtin.values() for section in pack.sections}
    assert set(builtin_examples()) == used  # no example for a section no pack has


def test_a_pack_section_may_bring_its_own_example_or_none(tmp_path: Path) -> None:
    (tmp_path / "own.yaml").write_text(
        "key: own\nlabel: Own\nsections:\n"
        "  - {id: overview, label: Overview, min_words: 1, max_words: 9, example: 'Harbour & Pine mends boots.'}\n"
        "  - {id: next_steps, label: Next Steps, min_words: 1, max_words: 9, example: ''}\n"
        "  - {id: final_summary, label: Summary, min_words: 1, max_words: 9}\n",
        encoding="utf-8",
    )
    sections = load_packs([tmp_path], include_builtin=False).packs["own"].sections
    assert [example_for(s) for s in sections] == [
        "Harbour & Pine mends boots.",
        "",
        builtin_examples()["final_summary"],
    ]


def test_an_example_too_long_for_a_prompt_is_a_located_problem(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(
        f"key: long\nlabel: Long\nsections:\n  - id: a\n    label: A\n    min_words: 1\n    max_words: 9\n"
        f"    example: {'word ' * 500}\n",
        encoding="utf-8",
    )
    [problem] = load_packs([tmp_path], include_builtin=False).problems
    assert located(problem) == (8, 5, "sections[0].example")
    assert "at most 2000 characters" in problem.message


def test_load_pack_file_of_a_healthy_fixture() -> None:
    pack = load_pack_file(BENCHMARKS / "broken" / "team_pack.yaml")
    assert pack.key == "team_pack"
    assert pack.line == 1  # 0-based line of "key:", below the comment


# --- aicmo.toml -----------------------------------------------------------------------------------


def test_team_config_reads_every_table() -> None:
    config = load_config(CONFIG / "team" / "aicmo.toml")
    assert config.benchmark_folders() == [(CONFIG / "team" / "benchmarks").resolve()]
    assert config.packs == {"reports/social/*.md": "quick_social_basic", "**/*.mdx": "team_pack"}
    assert config.aliases == {"overview": ("Who We Are",)}
    assert config.severity == {"AIC001": "off", "min_words": "warning"}
    assert config.pack_for(CONFIG / "team" / "reports" / "social" / "spring.md") == "quick_social_basic"
    assert config.pack_for(CONFIG / "team" / "reports" / "launch" / "launch.mdx") == "team_pack"
    assert config.pack_for(CONFIG / "team" / "reports" / "launch" / "notes.md") is None
    assert config.pack_for(FIXTURES / "parsing" / "counting.md") is None  # outside the config's folder


def test_team_config_applies_packs_aliases_and_severity() -> None:
    workspace = Workspace(stop_at=CONFIG)
    social = CONFIG / "team" / "reports" / "social" / "spring.md"
    result, problems = workspace.check_text(social.read_text(encoding="utf-8"), social)
    assert problems == []
    assert result.pack_key == "quick_social_basic"
    # The alias from aicmo.toml makes "Who We Are" the overview section.
    assert [section.section.id for section in result.sections] == ["overview"]
    codes = {finding.code: finding.severity for finding in result.findings}
    assert "AIC001" not in codes  # missing sections are switched off
    assert codes["AIC101"] is Severity.WARNING  # min_words, named by rule name, is lowered

    launch = CONFIG / "team" / "reports" / "launch" / "launch.mdx"
    result, problems = workspace.check_text(launch.read_text(encoding="utf-8"), launch)
    assert problems == []
    assert result.pack_key == "team_pack"  # from the team's own benchmark folder
    assert [(f.code, f.severity) for f in result.findings] == [("AIC101", Severity.WARNING)]


def test_toml_syntax_error_names_its_line_and_column() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(CONFIG / "broken_toml" / "aicmo.toml")
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (3, 7)  # "[packs" is never closed
    assert problem.message.startswith("invalid TOML: ")
    assert "(at line" not in problem.message


def test_toml_with_a_bad_value_names_its_line_and_key() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(CONFIG / "broken_values" / "aicmo.toml")
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (4, "severity.AIC001")


def test_broken_config_is_a_problem_and_checking_goes_on() -> None:
    workspace = Workspace(stop_at=CONFIG)
    report = CONFIG / "broken_toml" / "report.md"
    result, problems = workspace.check_text("## Client Overview\n\nText.\n", report, pack="quick_social_basic")
    assert [(p.path.name, p.line) for p in problems] == [("aicmo.toml", 3)]
    assert result.pack_key == "quick_social_basic"
    assert result.sections
