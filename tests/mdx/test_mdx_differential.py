"""aicmo's top-level headings of MDX files against the official MDX parser's, file by file.

The reference is micromark with micromark-extension-mdxjs (and the front matter extension), turned
into mdast by mdast-util-from-markdown: tests/mdx/reference/headings.mjs prints, for each file, the
0-based line and depth of every heading that is a child of the document root. A heading inside a
JSX element, block quote or list item is not one, and neither is anything in a comment or an
expression. aicmo's are ``parse_document(text, mdx=True).headings``, the list ``build_sections``
splits a report at.

Files named ``*.invalid.mdx`` are ones the official parser rejects (MDX has no ``<!-- -->``, an
element must be closed): the test checks that it does, and that aicmo still reads them (an editor
shows reports while they are being typed, so aicmo recovers where MDX stops).

The Node packages come from ``make test`` (``npm ci`` in tests/mdx/reference); without them the
test fails rather than skips, so the comparison cannot silently stop running.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from aicmo_core.document.model import parse_document

HERE = Path(__file__).parent
REFERENCE = HERE / "reference"
CORPUS = sorted((HERE / "corpus").glob("*.mdx"))
VALID = [path for path in CORPUS if not path.name.endswith(".invalid.mdx")]
INVALID = [path for path in CORPUS if path.name.endswith(".invalid.mdx")]


@pytest.fixture(scope="module")
def official() -> dict[str, dict[str, object]]:
    """The official parser's answer for every corpus file, from one ``node`` run."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the MDX differential test needs Node 20 or later")
    if not (REFERENCE / "node_modules" / "micromark-extension-mdxjs").is_dir():
        pytest.fail(f"the reference MDX parser is not installed in {REFERENCE}: run `make test` (or `make unit`)")
    done = subprocess.run(
        [node, str(REFERENCE / "headings.mjs"), *(str(path) for path in CORPUS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, dict[str, object]] = json.loads(done.stdout)
    return {Path(path).name: answer for path, answer in result.items()}


def aicmo_headings(path: Path) -> list[list[int]]:
    doc = parse_document(path.read_bytes().decode("utf-8"), mdx=True)
    return [[heading.line, heading.level] for heading in doc.headings]


def test_the_corpus_covers_the_edge_cases() -> None:
    assert len(VALID) >= 20
    assert INVALID


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.name)
def test_top_level_headings_match_the_official_parser(path: Path, official: dict[str, dict[str, object]]) -> None:
    answer = official[path.name]
    assert "error" not in answer, f"the official parser rejects {path.name}: {answer['error']}"
    assert aicmo_headings(path) == answer["headings"]


@pytest.mark.parametrize("path", INVALID, ids=lambda path: path.name)
def test_invalid_files_are_rejected_by_the_official_parser_and_read_by_aicmo(
    path: Path, official: dict[str, dict[str, object]]
) -> None:
    assert "error" in official[path.name], f"{path.name} is valid MDX: rename it to .mdx"
    assert aicmo_headings(path)  # aicmo recovers: the sections around the mistake are still there
