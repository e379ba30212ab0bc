"""The shortcuts of the check's hot path give what the long way gives.

Each shortcut (block rules asked only about lines they can match, ASCII fast paths for counting words
and keying lines, prefilters in front of a rule's patterns) is held here to the plain computation
it replaces, on generated text built to hit its edges and on every report in the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from aicmo_core.document import blocks, table_rule
from aicmo_core.document.preprocess import preprocess
from aicmo_core.document.text import ascii_folded, count_words, line_key, phrase_may_match, phrase_pattern
from aicmo_core.rules.placeholder import PLACEHOLDER_RE, may_hold_placeholder

REPO = Path(__file__).resolve().parents[2]
REPORTS = sorted(
    path
    for folder in ("examples", "perf/reports", "tests/fixtures", "tests/mdx/corpus")
    for path in (REPO / folder).rglob("*")
    if path.suffix in (".md", ".mdx") and "node_modules" not in path.parts
)

# ------------------------------------------------------------------ the dispatched block rules


def undispatched_parser(mdx: bool) -> MarkdownIt:
    """aicmo's block parser with markdown-it's own rule chains (each rule asked about each line)."""
    parser = MarkdownIt("commonmark", {"html": not mdx}).enable("table")
    parser.block.ruler.at("table", table_rule.table, {"alt": ["paragraph", "reference"]})
    parser.disable(["inline", "text_join"])
    if mdx:
        parser.disable(["code", "html_block"])
    return parser


UNDISPATCHED = {False: undispatched_parser(False), True: undispatched_parser(True)}

LINE = st.sampled_from(
    [
        "",
        " ",
        "text and more",
        "Dr. Smith met J. Doe.  ",
        "- item",
        "-item",
        "* item",
        "+ item",
        "1. one",
        "2) two",
        "10. ten",
        "1.",
        "-",
        "*",
        "> quote",
        ">",
        "# heading",
        "#no",
        "###### six",
        "####### seven",
        "```",
        "```js",
        "~~~",
        "``",
        "---",
        "***",
        "___",
        "- - -",
        "===",
        "[ref]: https://example.com",
        "[not a ref]",
        "<div>",
        "</div>",
        "<!-- comment -->",
        "<Callout>",
        "| a | b |",
        "|---|---|",
        "a | b",
        "--- | ---",
        ":-: | --:",
        "\ttabbed",
        "    code",
        "\\",
        "nul \0",
    ]
)
PREFIX = st.sampled_from(["", " ", "  ", "   ", "    ", "> ", "- ", "1. ", "\t", ">> ", "  - "])


@st.composite
def markdown(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.tuples(PREFIX, LINE), max_size=14))
    return draw(st.sampled_from(["\n", "\r\n"])).join(prefix + line for prefix, line in lines)


def assert_same_tokens(text: str, mdx: bool) -> None:
    expected = UNDISPATCHED[mdx].parse(text)
    assert blocks.block_parser(mdx).parse(text) == expected
    assert blocks.block_tokens(text, mdx) == expected


@settings(max_examples=1500, deadline=None)
@given(markdown(), st.booleans())
def test_the_dispatched_block_rules_give_markdown_its_tokens(text: str, mdx: bool) -> None:
    assert_same_tokens(text, mdx)


@pytest.mark.parametrize("path", REPORTS, ids=lambda path: str(path.relative_to(REPO)))
def test_the_dispatched_block_rules_give_markdown_its_tokens_on_every_report(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    mdx = path.suffix == ".mdx"
    assert_same_tokens(preprocess(text, mdx=mdx).masked, mdx)


# ------------------------------------------------------------------ counting on ASCII text

WORD_RE = re.compile(r"[^\W_]+(?:['’.,/\-][^\W_]+)*")
LINE_WORD_RE = re.compile(r"[^\W_]+")


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=30))
def test_the_ascii_fast_paths_count_and_key_as_the_unicode_patterns(text: str) -> None:
    assert count_words(text) == len(WORD_RE.findall(text))
    assert line_key(text) == " ".join(LINE_WORD_RE.findall(text.lower()))


# ------------------------------------------------------------------ the rules' prefilters

PIECE = st.sampled_from(
    [
        "[",
        "]",
        "(",
        "insert",
        "INSERT",
        "to be",
        "TO  BE",
        "Your",
        "name",
        "todo",
        "TODO",
        "tbd",
        "TBC",
        "FixMe",
        "x",
        "X",
        "xX",
        "$",
        "€",
        "%",
        "k",
        "{{",
        "}}",
        "{",
        "?",
        "??",
        "lorem",
        " ",
        "\n",
        "ipsum",
        "-",
        "_",
        "*",
        "\u0130",  # the letters a case-insensitive pattern's i, s and k also match
        "\u0131",
        "\u017f",
        "\u212a",
        "FıXME",
        "lorem ıpſum",
        "[lınk]",
        "i\u0307",
        "\u0307",
        "Brand",
        "client",
        "](",
        "][",
        "word " * 10,
        "provided",
        "PROVİDED",
        "ß",
        "中",
        "é",
    ]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.lists(PIECE, max_size=10).map("".join), min_size=1, max_size=3))
def test_the_placeholder_prefilter_passes_every_text_with_a_placeholder(texts: list[str]) -> None:
    if any(PLACEHOLDER_RE.search(text) for text in texts):
        assert may_hold_placeholder(texts)


BRACKET_WORDS = (
    "insert add enter fill tbd tbc todo placeholder to_be your client brand company name date number link url xx"
)
EDGES = [
    f"{before}[{spelling}{after}]"
    for word in [*BRACKET_WORDS.split(), "xxxxx"]
    for before, after in [("", ""), ("see ", " here"), ("", " " + "y" * 79)]
    for spelling in dict.fromkeys(spelling.replace("_", " ") for spelling in (word, word.upper(), word.title()))
]


@pytest.mark.parametrize("text", [*EDGES, "TODO", "tbd", "FIXME", "$XXk", "{{brand}}", "???", "Lorem Ipsum"])
def test_the_placeholder_prefilter_passes_each_kind_of_placeholder(text: str) -> None:
    assert PLACEHOLDER_RE.search(text)
    assert may_hold_placeholder(["no placeholder here", text])


PHRASE = st.sampled_from(["to be provided", "post regularly", "your business", "Lorem ipsum", "24/7 support", "café"])


@settings(max_examples=3000, deadline=None)
@given(PHRASE, st.lists(PIECE | PHRASE, max_size=8).map("".join))
def test_a_phrase_the_prefilter_rules_out_does_not_match(phrase: str, text: str) -> None:
    if phrase_pattern(phrase, whole_words=True).search(text):
        assert phrase_may_match(phrase, ascii_folded(text))


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("to be provided", "Details To  Be *PROVİDED* later"),
        ("Lorem ipsum", "lorem ıpſum dolor"),
        ("your business", "YOUR buſineſs"),
        ("24/7 support", "24/7 Support"),
        ("café", "CAFÉ"),
    ],
)
def test_the_phrase_prefilter_passes_a_match_in_any_letter_case(phrase: str, text: str) -> None:
    assert phrase_pattern(phrase, whole_words=True).search(text)
    assert phrase_may_match(phrase, ascii_folded(text))
