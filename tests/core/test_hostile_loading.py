"""Benchmark files and ``aicmo.toml`` from a repository someone else made (issue 14, items 2-4).

Each is read as untrusted input: regular files only, at most 1 MB, plain YAML data, and only inside
the folder of the ``aicmo.toml`` that names them or a folder the user named. Every refusal is one
located problem; a broken file never costs the other packs. Every test has a time limit: the
failures these guard against were hangs.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from aicmo_core.benchmarks import loader
from aicmo_core.benchmarks.file_models import PackFile
from aicmo_core.benchmarks.loader import load_pack_file, load_packs
from aicmo_core.benchmarks.yaml_data import MAX_VALUES, parse_benchmark_yaml
from aicmo_core.config import load_config
from aicmo_core.errors import BenchmarkError, ConfigError
from aicmo_core.input_files import MAX_INPUT_BYTES, InputFileError, read_input_file
from aicmo_core.workspace import Workspace
from tests.support.hostile import expected_problems, hostile_repo

pytestmark = pytest.mark.timeout(30)

PACK = (
    "key: {key}\nlabel: {key}\nsections:\n  - id: overview\n    label: Overview\n    min_words: 1\n    max_words: 9\n"
)


def stdin_kind() -> str:
    """What this process's standard input is, as the loader names it."""
    mode = os.stat("/dev/stdin").st_mode
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    pytest.skip("standard input is a regular file or a socket here")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- the whole repository -------------------------------------------------------------------------


def test_a_hostile_repository_is_one_problem_per_file_and_its_healthy_pack_still_loads(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path).resolve()
    options, problems = Workspace().options_for(repo / "reports" / "team.md")
    assert [str(problem) for problem in problems] == expected_problems(repo, stdin_kind(), os.getpid())
    assert "team" in options.packs and "quick_social_basic" in options.packs
    assert not {"bomb", "cycle", "tagged", "outside", "big", "outside_pack"} & set(options.packs.packs)
    assert not (repo / "pwned.txt").exists()


# --- reading: regular files, 1 MB -----------------------------------------------------------------


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pack.yaml"
    os.mkfifo(fifo)  # opening it for reading would block until a writer comes: the time limit says
    with pytest.raises(InputFileError) as caught:
        read_input_file(fifo)
    assert str(caught.value) == f"{fifo}: is a named pipe (FIFO), not a regular file: refused"


@pytest.mark.parametrize(
    ("target", "kind"), [("/dev/zero", "a character device"), ("/dev/null", "a character device"), ("/", "a folder")]
)
def test_a_symlink_to_something_that_is_not_a_regular_file_is_refused(tmp_path: Path, target: str, kind: str) -> None:
    link = tmp_path / "pack.yaml"
    link.symlink_to(target)
    with pytest.raises(InputFileError) as caught:
        read_input_file(link)
    assert str(caught.value) == f"{link}: links to {target}, which is {kind}, not a regular file: refused"


def test_one_megabyte_is_read_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pack.yaml"
    path.write_bytes(b"a" * MAX_INPUT_BYTES)
    assert len(read_input_file(path)) == MAX_INPUT_BYTES
    path.write_bytes(b"a" * (MAX_INPUT_BYTES + 1))
    with pytest.raises(InputFileError) as caught:
        read_input_file(path)
    assert caught.value.problems[0].message == (
        "is larger than 1 MB; benchmark and configuration files may be at most 1 MB: refused"
    )
    path.write_bytes(b"a" * 17 * MAX_INPUT_BYTES)
    with pytest.raises(InputFileError) as caught:
        read_input_file(path)
    assert caught.value.problems[0].message.startswith("is 17.0 MB; ")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"key: \xff\n"), "is not UTF-8 text (byte 6 cannot be decoded)"),
        (lambda p: p.symlink_to(p.parent / "nowhere.yaml"), "cannot read: No such file or directory"),
        (lambda p: p.symlink_to(p), "cannot read: Too many levels of symbolic links"),
    ],
    ids=["not-utf8", "broken-link", "link-loop"],
)
def test_unreadable_files_are_one_sentence(tmp_path: Path, make: object, message: str) -> None:
    path = tmp_path / "pack.yaml"
    make(path)  # type: ignore[operator]
    with pytest.raises(InputFileError) as caught:
        read_input_file(path)
    assert caught.value.problems[0].message == message


def test_a_file_outside_the_allowed_folders_is_refused_after_resolving_links(tmp_path: Path) -> None:
    inside, outside = tmp_path / "repo", tmp_path / "elsewhere"
    secret = write(outside / "secret.yaml", "key: secret\n")
    link = inside / "pack.yaml"
    inside.mkdir()
    link.symlink_to(secret)
    with pytest.raises(InputFileError) as caught:
        read_input_file(link, within=[inside])
    assert caught.value.problems[0].message == (
        f"links to {secret}, which is outside {inside}: refused (see docs/configuration.md#confinement)"
    )
    assert read_input_file(link, within=[inside, outside]) == "key: secret\n"
    assert read_input_file(link) == "key: secret\n"  # a file the user named: anywhere


# --- parsing: plain data only ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("label: !!python/object/apply:os.system [ls]\n", (1, 8), "YAML tag !!python/object/apply:os.system"),
        ("label: !!python/name:os.system ''\n", (1, 8), "YAML tag !!python/name:os.system"),
        ("label: !!binary aGk=\n", (1, 8), "YAML tag !!binary"),
        ("label: !!set {a, b}\n", (1, 8), "YAML tag !!set"),
        ("label: !!omap [a: 1]\n", (1, 8), "YAML tag !!omap"),
        ("sections:\n  - !custom {id: x}\n", (2, 5), "YAML tag !custom"),
        ("label: x\nkey: !<tag:example.com,2000:app/foo> x\n", (2, 6), "YAML tag tag:example.com,2000:app/foo"),
    ],
)
def test_any_tag_that_is_not_plain_data_is_refused_at_its_line_and_column(
    text: str, where: tuple[int, int], message: str
) -> None:
    with pytest.raises(BenchmarkError) as caught:
        parse_benchmark_yaml(Path("pack.yaml"), text)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == where
    assert problem.message == (
        f"{message} is not allowed: benchmark files hold plain data (text, numbers, true/false, lists and mappings)"
    )


def test_plain_data_tags_and_merge_keys_are_data() -> None:
    loaded = parse_benchmark_yaml(
        Path("pack.yaml"),
        "base: &base {min_words: 1, max_words: 9}\nlabel: !!str 3\nsection:\n  <<: *base\n  max_words: 5\n",
    )
    assert loaded.data == {
        "base": {"min_words": 1, "max_words": 9},
        "label": "3",
        "section": {"max_words": 5, "min_words": 1},
    }
    assert loaded.positions[("section", "max_words")] == (4, 2)


def test_a_pack_may_share_values_with_anchors_and_aliases(tmp_path: Path) -> None:
    write(
        tmp_path / "packs" / "shared.yaml",
        "key: shared\nlabel: Shared\nsections:\n"
        "  - {id: overview, label: Overview, min_words: 1, max_words: 9, forbidden_substrings: &banned [lorem]}\n"
        "  - {id: next_steps, label: Next Steps, min_words: 1, max_words: 9, forbidden_substrings: *banned}\n",
    )
    packs = load_packs([tmp_path], include_builtin=False)
    assert packs.problems == []
    assert [s.forbidden_substrings for s in packs.packs["shared"].sections] == [("lorem",), ("lorem",)]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        # nine times nine ... times nine: 43 million values, refused after 25,000
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)),
            (5, 1),  # "e:", the first key whose value is too large
            f"more than {MAX_VALUES:,} values (a YAML alias counts once for every use): refused",
        ),
        ("a: &loop [1, *loop]\n", (1, 4), "this YAML alias is inside the value it names (a cycle): refused"),
        ("a: &loop {b: *loop}\n", (1, 4), "this YAML alias is inside the value it names (a cycle): refused"),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", (1, 53), "nested more than 50 levels deep: refused"),
        ("a: [" + "1, " * 30_000 + "1]\n", (1, 74_996), f"more than {MAX_VALUES:,} values"),
        ("a: 1\na: 2\n", (2, 1), "duplicate key 'a'"),
        ("? [a]\n: 1\n", (1, 3), "a key must be a plain value, not a list, a mapping or a tagged value"),
        ("a: *nowhere\n", (1, 4), "found undefined alias 'nowhere'"),
        ("a: 1\nb: x\x00y\n", (2, 5), "character U+0000 is not allowed in YAML"),
        ("a: 2024-13-45\n", (1, 4), "invalid value: month must be in 1..12"),
    ],
    ids=[
        "alias-bomb",
        "seq-cycle",
        "map-cycle",
        "deep",
        "many-values",
        "duplicate",
        "complex-key",
        "undefined",
        "nul",
        "bad-date",
    ],
)
def test_expansion_nesting_size_and_odd_values_are_located_problems(
    text: str, where: tuple[int, int], message: str
) -> None:
    with pytest.raises(BenchmarkError) as caught:
        parse_benchmark_yaml(Path("pack.yaml"), text)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == where
    assert problem.message.startswith(message)


def test_merging_one_mapping_many_times_is_counted_too() -> None:
    keys = ", ".join(f"k{i}: 1" for i in range(5000))
    text = f"a: &a {{{keys}}}\nb: &b {{<<: [{', '.join(['*a'] * 3000)}]}}\nc: {{<<: [{', '.join(['*b'] * 50)}]}}\n"
    with pytest.raises(BenchmarkError) as caught:
        parse_benchmark_yaml(Path("pack.yaml"), text)
    assert [(p.line, p.column) for p in caught.value.problems] == [(2, 1)]


# --- one broken pack never silences the rest ------------------------------------------------------


def test_an_unexpected_error_in_one_file_costs_that_file_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "good.yaml", PACK.format(key="good"))
    bad = write(tmp_path / "bad.yaml", PACK.format(key="bad"))
    validate = PackFile.model_validate

    def failing(data: object, **kwargs: object) -> PackFile:
        if isinstance(data, dict) and data.get("key") == "bad":
            raise TypeError("cannot unpack non-iterable NoneType object")
        return validate(data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(PackFile, "model_validate", failing)
    packs = load_packs([tmp_path])
    assert [str(p) for p in packs.problems] == [
        f"{bad}: cannot be loaded: TypeError: cannot unpack non-iterable NoneType object "
        "(an error in aicmo; please report it)"
    ]
    assert "good" in packs.packs and "quick_social_basic" in packs.packs


def test_an_unexpected_error_reading_aicmo_toml_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write(tmp_path / "aicmo.toml", 'default_pack = "quick_social_basic"\n')

    def failing(path: Path) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("aicmo_core.workspace.load_config", failing)
    options, problems = Workspace().options_for(tmp_path / "report.md")
    assert [str(p) for p in problems] == [
        f"{config}: cannot be read: RecursionError: maximum recursion depth exceeded "
        "(an error in aicmo; please report it)"
    ]
    assert "quick_social_basic" in options.packs


def test_a_file_with_many_problems_is_told_in_twenty(tmp_path: Path) -> None:
    sections = "".join(f"  - {{id: s{i}, label: S, min_words: x, max_words: 9}}\n" for i in range(30))
    path = write(tmp_path / "many.yaml", f"key: many\nlabel: Many\nsections:\n{sections}")
    problems = load_packs([tmp_path], include_builtin=False).problems
    assert len(problems) == 21
    assert all(p.field is not None and p.field.endswith(".min_words") for p in problems[:20])
    assert str(problems[20]) == f"{path}: and 10 more problems in this file"


def test_a_folder_with_too_many_pack_files_is_read_in_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_PACK_FILES", 3)
    for index in range(5):
        write(tmp_path / f"p{index}.yaml", PACK.format(key=f"p{index}"))
    packs = load_packs([tmp_path], include_builtin=False)
    assert sorted(packs.packs) == ["p0", "p1", "p2"]
    assert [str(p) for p in packs.problems] == [f"{tmp_path}: has 5 pack files; only the first 3 are read"]


# --- confinement ----------------------------------------------------------------------------------


def test_aicmo_toml_folders_must_lie_inside_its_folder_unless_the_user_names_them(tmp_path: Path) -> None:
    repo, shared = tmp_path / "repo", (tmp_path / "shared").resolve()
    write(repo / "aicmo.toml", '# team settings\nbenchmark_paths = ["benchmarks", "../shared"]\n')
    write(repo / "benchmarks" / "own.yaml", PACK.format(key="own"))
    write(shared / "team.yaml", PACK.format(key="team"))
    report = repo / "report.md"

    options, problems = Workspace().options_for(report)
    assert [(p.line, p.field) for p in problems] == [(2, "benchmark_paths[1]")]
    assert problems[0].message.startswith(f"benchmark folder '../shared' ({shared}) is outside {repo.resolve()}, ")
    assert "own" in options.packs and "team" not in options.packs

    options, problems = Workspace(benchmark_paths=(shared,)).options_for(report)
    assert problems == []
    assert "own" in options.packs and "team" in options.packs


def test_a_symlinked_benchmark_folder_that_leads_outside_is_refused(tmp_path: Path) -> None:
    repo, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    write(elsewhere / "team.yaml", PACK.format(key="team"))
    write(repo / "aicmo.toml", 'benchmark_paths = ["benchmarks"]\n')
    (repo / "benchmarks").symlink_to(elsewhere, target_is_directory=True)
    options, problems = Workspace().options_for(repo / "report.md")
    assert [p.field for p in problems] == ["benchmark_paths[0]"]
    assert "team" not in options.packs


def test_includes_may_reach_anywhere_inside_the_aicmo_toml_folder_but_not_beyond(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(repo / "aicmo.toml", 'benchmark_paths = ["benchmarks"]\n')
    write(repo / "shared" / "library.yaml", "library: shared\nsections:\n" + PACK.split("sections:\n")[1])
    write(tmp_path / "library.yaml", "library: outside\nsections:\n" + PACK.split("sections:\n")[1])
    write(repo / "benchmarks" / "a.yaml", "key: a\nlabel: A\ninclude: [../shared/library.yaml]\nsections: [overview]\n")
    b = write(repo / "benchmarks" / "b.yaml", "key: b\nlabel: B\ninclude: [../../library.yaml]\nsections: [overview]\n")
    options, problems = Workspace().options_for(repo / "report.md")
    assert "a" in options.packs and "b" not in options.packs
    assert [str(p) for p in problems] == [
        f"{b.resolve()}:3:11: cannot include '../../library.yaml': {(tmp_path / 'library.yaml').resolve()} is "
        f"outside {repo.resolve()} (see docs/configuration.md#confinement) [include[0]]"
    ]


def test_a_folder_the_user_names_confines_its_own_includes(tmp_path: Path) -> None:
    write(tmp_path / "library.yaml", "library: outside\nsections:\n" + PACK.split("sections:\n")[1])
    write(tmp_path / "team" / "a.yaml", "key: a\nlabel: A\ninclude: [../library.yaml]\nsections: [overview]\n")
    problems = load_packs([tmp_path / "team"], include_builtin=False).problems
    assert [p.message.split(":")[0] for p in problems] == ["cannot include '../library.yaml'"]
    # A pack file the caller names itself is not confined.
    assert load_pack_file(tmp_path / "team" / "a.yaml").key == "a"


def test_aicmo_toml_that_links_outside_its_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = write(tmp_path / "elsewhere" / "settings.toml", 'default_pack = "quick_social_basic"\n')
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "aicmo.toml").symlink_to(elsewhere)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "repo" / "aicmo.toml")
    assert caught.value.problems[0].message == (
        f"links to {elsewhere}, which is outside {(tmp_path / 'repo').resolve()}: refused "
        "(see docs/configuration.md#confinement)"
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (os.mkfifo, "is a named pipe (FIFO), not a regular file: refused"),
        (
            lambda p: p.symlink_to("/dev/zero"),
            "links to /dev/zero, which is a character device, not a regular file: refused",
        ),
        (lambda p: p.write_text("a = " + "[" * 5000 + "]" * 5000), "invalid TOML: values nested too deeply"),
        (
            lambda p: p.write_text("#" * (MAX_INPUT_BYTES + 1)),
            "is larger than 1 MB; benchmark and configuration files may be at most 1 MB: refused",
        ),
    ],
    ids=["fifo", "dev-zero", "deep", "too-large"],
)
def test_a_hostile_aicmo_toml_is_one_problem_and_checks_go_on(tmp_path: Path, make: object, message: str) -> None:
    config = tmp_path / "aicmo.toml"
    make(config)  # type: ignore[operator]
    options, problems = Workspace().options_for(tmp_path / "report.md")
    assert [(p.path, p.message) for p in problems] == [(config, message)]
    assert "quick_social_basic" in options.packs


# --- reloading ------------------------------------------------------------------------------------


def test_packs_reload_when_a_file_they_came_from_changes_and_only_then(tmp_path: Path) -> None:
    write(tmp_path / "aicmo.toml", 'benchmark_paths = ["benchmarks"]\n')
    library = write(
        tmp_path / "benchmarks" / "library" / "lib.yaml", "library: lib\nsections:\n" + PACK.split("sections:\n")[1]
    )
    write(
        tmp_path / "benchmarks" / "packs" / "a.yaml",
        "key: a\nlabel: A\ninclude: [../library/lib.yaml]\nsections: [overview]\n",
    )
    workspace = Workspace()
    first = workspace.options_for(tmp_path / "report.md")[0].packs
    assert workspace.options_for(tmp_path / "report.md")[0].packs is first  # nothing changed: the same set

    library.write_text(library.read_text().replace("max_words: 9", "max_words: 7"))
    os.utime(library, ns=(1, 1))  # a new time even on a file system with coarse times
    second = workspace.options_for(tmp_path / "report.md")[0].packs
    assert second is not first
    assert second.packs["a"].sections[0].max_words == 7

    write(tmp_path / "benchmarks" / "packs" / "b.yaml", PACK.format(key="b"))
    os.utime(tmp_path / "benchmarks" / "packs", ns=(2, 2))
    assert "b" in workspace.options_for(tmp_path / "report.md")[0].packs
