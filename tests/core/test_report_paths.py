"""What `aicmo check` reads (aicmo_core/cli/report_paths.py, path_filter.py, ignore_patterns.py):
folder walks, globs, `.gitignore` read as git reads it (checked against git itself), `exclude`."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from aicmo_core.cli.common import UsageError
from aicmo_core.cli.report_paths import PathOptions, expand_paths, make_path_filter
from aicmo_core.ignore_patterns import PatternError, check_pattern, read_ignore_file, rules_from_patterns

pytestmark = pytest.mark.timeout(60)
GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed: nothing to compare with")


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# x\n", encoding="utf-8")


def walked(root: Path, **options: object) -> list[str]:
    path_filter = make_path_filter(PathOptions(cwd=root, **options))  # type: ignore[arg-type]
    return [path.relative_to(root).as_posix() for path in path_filter.walk(root)]


def test_a_walk_finds_reports_sorted_and_skips_hidden_folders_and_node_modules(tmp_path: Path) -> None:
    touch(tmp_path, "b.md", "a/z.MD", "a.mdx", "c.markdown", "notes.txt", ".hidden.md")
    touch(tmp_path, ".github/x.md", "node_modules/pkg/readme.md", "a/node_modules/y.md", "a/.cache/y.md")
    assert walked(tmp_path) == [".hidden.md", "a/z.MD", "a.mdx", "b.md", "c.markdown"]


def test_expand_paths_keeps_order_without_duplicates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path, "r/a.md", "r/b.md", "x.md")
    monkeypatch.chdir(tmp_path)
    assert expand_paths(["x.md", "r", "r/a.md", "r/*.md"]) == [Path("x.md"), Path("r/a.md"), Path("r/b.md")]
    with pytest.raises(UsageError, match=r"no such file or folder: nope\.md"):
        expand_paths(["nope.md"])
    with pytest.raises(UsageError, match=r"no files match 'r/\*\.txt'"):
        expand_paths(["r/*.txt"])


def test_rules_filter_what_aicmo_finds_not_what_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path, "build/a.md", "build/sub/b.md", "c.md")
    (tmp_path / ".gitignore").write_text("build/\nsub/\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert expand_paths(["**/*.md"]) == [Path("c.md")]  # a glob whose matches are all ignored: no error
    assert expand_paths(["."]) == [Path("c.md")]
    # Named: the file, the folder, a glob's fixed start; what is found below them is still filtered.
    assert expand_paths(["build/a.md"]) == [Path("build/a.md")]
    assert expand_paths(["build"]) == [Path("build/a.md")]
    assert expand_paths(["build/**/*.md"]) == [Path("build/a.md")]
    # --force-exclude: named paths are filtered too.
    forced = PathOptions(force_exclude=True)
    assert expand_paths(["build/a.md", "build", "build/**/*.md", "c.md"], forced) == [Path("c.md")]


def test_exclude_patterns_from_the_option_are_relative_to_cwd(tmp_path: Path) -> None:
    touch(tmp_path, "drafts/a.md", "drafts/keep.md", "site/drafts/b.md", "vendor/c.md", "x/vendor/d.md", "e.md")
    options = {"exclude": ("/drafts/*", "!drafts/keep.md", "vendor/")}
    assert walked(tmp_path, **options) == ["drafts/keep.md", "e.md", "site/drafts/b.md"]


def test_exclude_in_settings_uses_the_nearest_settings_file(tmp_path: Path) -> None:
    touch(tmp_path, "a/skip.md", "a/b/skip.md", "a/c/skip.md", "skip.md")
    (tmp_path / "a" / "aicmo.toml").write_text('exclude = ["skip.md"]\n', encoding="utf-8")
    (tmp_path / "a" / "b" / "pyproject.toml").write_text("[tool.aicmo]\n", encoding="utf-8")  # its own, no exclude
    assert walked(tmp_path) == ["a/b/skip.md", "skip.md"]


def test_a_folder_of_an_ignored_folder_is_not_entered(tmp_path: Path) -> None:
    touch(tmp_path, "vendor/keep.md", "vendor/lib/x.md")
    (tmp_path / ".gitignore").write_text("vendor/\n", encoding="utf-8")
    (tmp_path / "vendor" / ".gitignore").write_text("!keep.md\n", encoding="utf-8")
    assert walked(tmp_path) == []
    assert walked(tmp_path, respect_gitignore=False) == ["vendor/keep.md", "vendor/lib/x.md"]


@pytest.mark.parametrize(
    ("kind", "make"),
    [
        ("fifo", os.mkfifo),
        ("too large", lambda path: path.write_text("*.md\n" * 300_000, encoding="utf-8")),
        ("not UTF-8", lambda path: path.write_bytes(b"caf\xe9.md\n*.md\n")),
        ("link out of its folder", lambda path: path.symlink_to(path.parent.parent / "outside.gitignore")),
    ],
)
def test_a_gitignore_aicmo_may_not_read_is_passed_over(tmp_path: Path, kind: str, make: object) -> None:
    (tmp_path / "outside.gitignore").write_text("*.md\n", encoding="utf-8")
    root = tmp_path / "repo"
    touch(root, "a.md")
    make(root / ".gitignore")  # type: ignore[operator]
    assert read_ignore_file(root / ".gitignore", root) is None, kind
    assert walked(root) == ["a.md"]


def test_lines_git_cannot_read_are_passed_over_not_the_file(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("!\nbad\\\n# comment\n\nbuild/\n", encoding="utf-8")
    rules = read_ignore_file(tmp_path / ".gitignore", tmp_path)
    assert rules is not None
    assert len(rules.patterns) == 1
    assert rules.verdict(tmp_path / "build", is_dir=True) is True


@pytest.mark.parametrize("pattern", ["!", "bad\\", "", "   ", "# comment"])
def test_a_pattern_git_would_not_read_is_refused(pattern: str) -> None:
    with pytest.raises(PatternError):
        check_pattern(pattern)
    with pytest.raises(PatternError):
        rules_from_patterns(["ok/", pattern], Path("/"))


def test_a_trailing_double_star_folder_pattern_does_not_match_the_folder_itself() -> None:
    # pathspec reads "b/**/" as "b/"; git matches the folders inside b only.
    rules = rules_from_patterns(["b/**/"], Path("/r"))
    assert rules.verdict(Path("/r/b"), is_dir=True) is None
    assert rules.verdict(Path("/r/b/x"), is_dir=True) is True
    assert rules.verdict(Path("/r/b/x.md"), is_dir=False) is None


# --- the same answers as git ---------------------------------------------------------------------

CASES = {
    "folder and negation": (
        {".gitignore": "build/\n*.tmp.md\n!keep.tmp.md\n"},
        ["a.md", "build/x.md", "build/keep.tmp.md", "b.tmp.md", "keep.tmp.md", "sub/build/y.md"],
    ),
    "nested files": (
        {".gitignore": "secret.md\n", "docs/.gitignore": "/local.md\n!secret.md\ngen/\n"},
        [
            "secret.md",
            "docs/secret.md",
            "docs/local.md",
            "docs/x/local.md",
            "docs/gen/a.md",
            "gen/a.md",
            "docs/x/secret.md",
        ],
    ),
    "double star and negation": (
        {".gitignore": "drafts/**\n!drafts/keep.md\n"},
        ["drafts/a.md", "drafts/keep.md", "drafts/sub/keep.md"],
    ),
    "only markdown": ({".gitignore": "*\n!*/\n!*.md\n"}, ["a.md", "x/b.md", "x/y/c.md"]),
    "folder contents": ({".gitignore": "out/*\n!out/keep/\n"}, ["out/a.md", "out/keep/b.md", "out/other/c.md"]),
    "info/exclude is weakest": (
        {".git/info/exclude": "private.md\nmine/\n", ".gitignore": "!private.md\n"},
        ["private.md", "mine/a.md", "x/private.md"],
    ),
    "escapes and trailing spaces": ({".gitignore": "\\#hash.md\ntrail.md   \n"}, ["#hash.md", "trail.md", "ok.md"]),
}
FUZZ_PATTERNS = [
    "a", "b/", "build/", "/docs", "*.md", "!*.md", "!x.md", "a/**", "**/b", "**/b/", "*/", "!*/", "*", "!a/",
    "a/*/x.md", "!/a/x.md", "a/**/x.md", "/*/", "b/**", "!b/**/", "gen", "?.md", "[ab]/", "!**/gen/x.md",
    "b/**/x.md", "/**", "a/**/b/", "x.md/", "!docs/**", "docs/**/", "!**/", "**/*.md", "!/*.md", "*/*/",
]  # fmt: skip


def git_lists(root: Path) -> list[str]:
    """The Markdown files git leaves in (untracked, not ignored)."""
    listed = subprocess.run(
        [str(GIT), "ls-files", "--others", "--exclude-standard"], cwd=root, capture_output=True, text=True, check=True
    )
    return sorted(line for line in listed.stdout.splitlines() if line.endswith(".md"))


def compare_with_git(root: Path, ignore_files: dict[str, str], files: list[str]) -> None:
    subprocess.run([str(GIT), "init", "-q", str(root)], check=True)
    touch(root, *files)
    for name, text in ignore_files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    on_disk = sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*.md") if p.is_file() and ".git" not in p.parts
    )
    path_filter = make_path_filter(PathOptions(cwd=root))
    one_by_one = [name for name in on_disk if not path_filter.excluded(root / name)]
    assert (sorted(walked(root)), one_by_one) == (git_lists(root), git_lists(root)), ignore_files


@needs_git
@pytest.mark.parametrize("case", CASES)
def test_gitignore_is_read_as_git_reads_it(tmp_path: Path, case: str) -> None:
    ignore_files, files = CASES[case]
    compare_with_git(tmp_path, ignore_files, files)


@needs_git
@pytest.mark.parametrize("seed", range(8))
def test_random_gitignore_files_give_what_git_gives(tmp_path: Path, seed: int) -> None:
    chance = random.Random(seed)
    for trial in range(10):
        root = tmp_path / str(trial)
        files = {
            "/".join(
                [
                    *chance.choices(["a", "b", "build", "docs", "gen"], k=chance.randint(0, 3)),
                    chance.choice(["x.md", "y.md", "b.md"]),
                ]
            )
            for _ in range(12)
        }
        folders = sorted({name.rsplit("/", 1)[0] for name in files if "/" in name})
        ignore_files = {".gitignore": "\n".join(chance.sample(FUZZ_PATTERNS, chance.randint(1, 5))) + "\n"}
        for folder in chance.sample(folders, min(len(folders), chance.randint(0, 2))):
            ignore_files[f"{folder}/.gitignore"] = "\n".join(chance.sample(FUZZ_PATTERNS, chance.randint(1, 3))) + "\n"
        compare_with_git(root, ignore_files, sorted(files))
