"""The documentation stays true: its links resolve, and it names every CLI option, rule, editor setting,
server command and decision log reason."""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
from aicmo_lsp import protocol
from aicmo_lsp.features import code_actions
from aicmo_lsp.settings import GeneratorConfig, Settings, setting_defaults
from support.cli import run_aicmo

from aicmo_core.decisions import DecisionType, GroupStats, ReasonCode
from aicmo_core.document.matching import GENERIC_WEIGHT, GENERIC_WORDS, SIMILARITY_THRESHOLD, STOP_WORDS
from aicmo_core.enforce import Quality
from aicmo_core.rules.registry import RULES

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
MARKDOWN_FILES = [REPO / "README.md", *sorted(DOCS.glob("*.md"))]

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
_INLINE_LINK_RE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE_DEFINITION_RE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
_ATX_HEADING_RE = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def prose_lines(path: Path) -> list[str]:
    """The file's lines outside fenced code blocks, with inline code blanked."""
    lines = []
    fence: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _FENCE_RE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        lines.append(_CODE_SPAN_RE.sub(lambda m: " " * len(m.group(0)), line))
    return lines


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation and symbols dropped, spaces as hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading).lower()
    kept = [ch for ch in text if ch.isalnum() or ch in "-_ " or unicodedata.category(ch).startswith("M")]
    return "".join(kept).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a Markdown file, with GitHub's -1, -2 suffixes for repeated headings."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    fence: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _FENCE_RE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        heading = _ATX_HEADING_RE.match(line)
        if heading:
            slug = github_slug(heading.group(1))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def relative_links(path: Path) -> list[str]:
    targets = []
    for line in prose_lines(path):
        targets += [m.group(1) for m in _INLINE_LINK_RE.finditer(line)]
        definition = _REFERENCE_DEFINITION_RE.match(line)
        if definition:
            targets.append(definition.group(1))
    return [target.strip("<>") for target in targets if not _SCHEME_RE.match(target.strip("<>"))]


def broken_link(source: Path, target: str) -> str | None:
    """Why ``target``, linked from ``source``, does not resolve; None when it does."""
    location, _, fragment = target.partition("#")
    location = unquote(location.split("?", 1)[0])
    destination = (source.parent / location).resolve() if location else source
    if not destination.exists():
        return f"{target}: no such file"
    if fragment and destination.suffix.lower() == ".md" and unquote(fragment) not in anchors(destination):
        return f"{target}: no heading with anchor #{fragment} in {destination.relative_to(REPO)}"
    return None


@pytest.mark.parametrize("document", MARKDOWN_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_resolve(document: Path) -> None:
    problems = [problem for target in relative_links(document) if (problem := broken_link(document, target))]
    assert not problems, f"broken links in {document.relative_to(REPO)}:\n" + "\n".join(problems)


def test_github_slug_matches_github() -> None:
    assert github_slug("`aicmo.toml`") == "aicmotoml"
    assert github_slug("Where the original validator went wrong, and what aicmo does instead") == (
        "where-the-original-validator-went-wrong-and-what-aicmo-does-instead"
    )
    assert github_slug("1. An explicit comment") == "1-an-explicit-comment"
    assert github_slug("Words & bullets 🚀") == "words--bullets-"


def aicmo(*args: str) -> str:
    result = run_aicmo(*args, cwd=REPO, env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def help_options(command: str) -> set[str]:
    """The options ``aicmo COMMAND --help`` lists."""
    return set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", aicmo(command, "--help")))


def unmentioned(options: set[str], document: Path) -> list[str]:
    text = document.read_text(encoding="utf-8")
    return sorted(option for option in options if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text))


def test_cli_doc_mentions_every_check_option() -> None:
    options = help_options("check")
    assert {"--pack", "--format", "--jobs", "-j"} <= options, options
    missing = unmentioned(options, DOCS / "cli.md")
    assert not missing, f"docs/cli.md does not mention {missing}"


@pytest.mark.parametrize(
    ("command", "expected"),
    [("fix", {"--section", "--mode", "--dry-run", "--generator"}), ("new", {"--pack", "--brief", "-o", "--force"})],
)
def test_generation_doc_mentions_every_fix_and_new_option(command: str, expected: set[str]) -> None:
    options = help_options(command)
    assert expected <= options, options
    missing = unmentioned(options, DOCS / "generation.md")
    assert not missing, f"docs/generation.md does not mention the aicmo {command} options {missing}"


def test_generation_doc_names_every_decision_and_stat() -> None:
    generation_doc = (DOCS / "generation.md").read_text(encoding="utf-8")
    names = {code.value for code in ReasonCode} | {kind.value for kind in DecisionType}
    names |= {quality.value for quality in Quality} | {field.name for field in dataclasses.fields(GroupStats)}
    missing = sorted(name for name in names if f"`{name}`" not in generation_doc)
    assert not missing, f"docs/generation.md does not name {missing}"


def test_lsp_doc_names_every_setting() -> None:
    lsp_doc = (DOCS / "lsp.md").read_text(encoding="utf-8")
    settings = list(setting_defaults(Settings))
    generator = [f"generator.{name}" for name in setting_defaults(GeneratorConfig)]
    assert "defaultPack" in settings and "generator.baseUrl" in generator
    missing = [name for name in settings + generator if not re.search(rf"`{re.escape(str(name))}[`.]", lsp_doc)]
    assert not missing, f"docs/lsp.md does not document the settings {missing}"


def test_lsp_doc_names_every_command_and_code_action_kind() -> None:
    lsp_doc = (DOCS / "lsp.md").read_text(encoding="utf-8")
    names = {*protocol.COMMANDS.values(), *protocol.NOTIFICATIONS.values()}
    names |= {str(getattr(kind, "value", kind)) for kind in code_actions.KINDS}
    assert {"aicmo.generateSection", "aicmo/setSecrets", "source.fixAll.aicmo"} <= names
    missing = sorted(name for name in names if f"`{name}`" not in lsp_doc)
    assert not missing, f"docs/lsp.md does not document {missing}"


def test_cli_doc_names_every_json_key() -> None:
    output = json.loads(
        aicmo(
            "check",
            "--format",
            "json",
            "--benchmarks",
            "tests/fixtures/cli/benchmarks",
            "tests/fixtures/cli/reports/",
        )
    )
    keys: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, dict):
            keys.update(value)
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(output)
    cli_doc = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = sorted(key for key in keys if f'"{key}"' not in cli_doc and f"`{key}`" not in cli_doc)
    assert not missing, f"docs/cli.md does not document the JSON keys {missing}"


def test_rules_doc_has_every_rule() -> None:
    rules_doc = (DOCS / "rules.md").read_text(encoding="utf-8")
    missing = [code for code in RULES if f"## {code}\n" not in rules_doc]
    assert not missing, f"docs/rules.md lacks {missing}: run make docs"


def test_counting_doc_states_the_matching_constants() -> None:
    counting_doc = " ".join((DOCS / "counting.md").read_text(encoding="utf-8").split())
    generic = re.search(r"The generic words are `([a-z ]+)`", counting_doc)
    stop = re.search(r"without the stop words `([a-z ]+)`", counting_doc)
    assert generic and set(generic.group(1).split()) == GENERIC_WORDS, "docs/counting.md: generic words differ"
    assert stop and set(stop.group(1).split()) == STOP_WORDS, "docs/counting.md: stop words differ"
    assert f"weigh {GENERIC_WEIGHT:g}" in counting_doc
    assert f"at least **{SIMILARITY_THRESHOLD:g}**" in counting_doc
