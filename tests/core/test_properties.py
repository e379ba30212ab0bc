"""Whatever a writer types, checking never crashes and every range it reports lies inside the text.

Reports are built from a grammar of realistic pieces (headings of any level, setext headings,
lists, tables, fences, front matter, JSX, ESM, comments and directives, emoji, CJK) mixed with
random unicode and joined by any kind of line break, often left half-finished the way a report
looks while it is being typed.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aicmo_core.benchmarks.loader import load_packs
from aicmo_core.check import CheckOptions, SectionCache, check_text
from aicmo_core.document.preprocess import preprocess
from aicmo_core.spans import Position

PACKS = load_packs([])
PACK_KEYS = sorted(PACKS.packs)
# Headings that match sections of several packs, so rules beyond "unknown section" run too.
SECTION_TITLES = [
    "Client Overview",
    "3. Brand & Objectives 🚀",
    "Competitor Analysis",
    "Awareness & Demand Generation",
    "Final Summary",
    "Key Takeaways",
    "Funnel Breakdown",
    "KPI & Budget Plan",
    "Hashtag Strategy",
    "Email & CRM Flows",
]

words = st.sampled_from(
    [
        "growth",
        "e-commerce",
        "3.5%",
        "24/7",
        "Dr.",
        "e.g.",
        "增长",
        "🚀",
        "👩‍💻",
        "lorem ipsum",
        "**Brand:**",
        "`code`",
        "TBD",
    ]
)
# Text characters without line breaks (line breaks come from the joints, so each kind is tried).
unicode_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=30)
phrase = st.lists(st.one_of(words, unicode_text), min_size=1, max_size=8).map(" ".join)
title = st.one_of(st.sampled_from(SECTION_TITLES), phrase)

atx_heading = st.builds(
    lambda level, text, close: f"{'#' * level} {text}{close}",
    st.integers(1, 7),
    title,
    st.sampled_from(["", " ##", " #"]),
)
setext_heading = st.builds(lambda text, rule: f"{text}\n{rule}", title, st.sampled_from(["===", "---", "- - -"]))
bullet_list = st.lists(
    st.builds(
        lambda indent, marker, text: f"{' ' * indent}{marker} {text}",
        st.sampled_from([0, 0, 2, 4]),
        st.sampled_from(["-", "*", "+", "1.", "2)", "•"]),
        phrase,
    ),
    min_size=1,
    max_size=5,
).map("\n".join)
table = st.builds(
    lambda header, rows, rule: "\n".join([f"| {header} | x |", rule, *(f"| {row} | y |" for row in rows)]),
    phrase,
    st.lists(phrase, max_size=3),
    st.sampled_from(["|---|---|", "| :-- | --: |", "|---|"]),
)
fence = st.builds(
    lambda marker, info, body, closed: f"{marker}{info}\n{body}" + (f"\n{marker}" if closed else ""),
    st.sampled_from(["```", "~~~", "````"]),
    st.sampled_from(["", "md", "python"]),
    st.one_of(atx_heading, bullet_list, phrase),
    st.booleans(),
)
front_matter = st.one_of(
    st.builds(lambda key: f"---\npack: {key}\ntitle: {'a b c'}\n---", st.sampled_from([*PACK_KEYS, "no_such_pack"])),
    st.builds(lambda key: f"---\naicmo:\n  pack: {key}\n  disable: [min_words]\n---", st.sampled_from(PACK_KEYS)),
    st.just("---\npack: [unclosed\n---"),
    st.just("---\n- a list\n---"),
    st.just("---\ntitle: never closed"),
)
comment = st.one_of(
    st.builds(lambda text: f"<!-- {text} -->", phrase),
    st.builds(
        lambda section: f"<!-- aicmo:section {section} -->", st.sampled_from(["overview", "final_summary", "nope"])
    ),
    st.sampled_from(
        [
            "<!-- aicmo-disable min_words -->",
            "<!-- aicmo-enable -->",
            "<!-- aicmo-disable-next-line -->",
            "<!-- unclosed",
            "-->",
        ]
    ),
)
jsx = st.one_of(
    st.builds(lambda text: f'<Callout type="info" title="{text}">\n{text}\n</Callout>', phrase),
    st.builds(lambda text: f"<Chart\n  data={{[1, 2]}}\n  caption='{text}'\n/>", phrase),
    st.builds(lambda text: f"Value {{props.n}} and {{/* {text} */}} more", phrase),
    st.sampled_from(
        ['<Callout type="info"', "{unclosed", "{/* aicmo-disable */}", "</Tabs>", "<>", "a < b > c", "{", "}"]
    ),
)
esm = st.sampled_from(
    ['import { A } from "./a"', "import {\n  A,\n} from './a'", "export const meta = {\n  title: 'x',\n}"]
)
misc = st.sampled_from(
    [
        "---",
        "***",
        "> quoted line",
        "> ## quoted heading",
        "#hashtag #another",
        "\tindented with a tab",
        "<div>\nhtml block\n</div>",
        "**bold line**",
        "*italic footer*",
        "",
        " ",
        "\\",
    ]
)
# Markup characters and fragments in any order: what a half-typed line looks like.
markup_soup = st.lists(
    st.sampled_from(
        [*"#-*+|`~<>{}/\\!\t []()_:=.0123456789aZ\u00a0\u3000\"'", "🚀", "中", "<!--", "-->", "```", "{/*", "*/}"]
    ),
    max_size=40,
).map("".join)
piece = st.one_of(
    markup_soup, atx_heading, atx_heading, setext_heading, bullet_list, table, fence, comment, jsx, esm, misc, phrase
)
joint = st.sampled_from(["\n", "\n\n", "\r\n", "\r\n\r\n", "\r", "\n  "])


@st.composite
def reports(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(piece, max_size=14))
    text = ""
    for part in pieces:
        text += part + draw(joint)
    if draw(st.booleans()):
        text = draw(front_matter) + "\n" + text
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


def utf16_line_lengths(text: str) -> list[int]:
    """Line lengths in UTF-16 units, with every LSP line break (CRLF, LF, lone CR)."""
    return [len(line.encode("utf-16-le")) // 2 for line in re.split(r"\r\n|\r|\n", text)]


def assert_inside(start: Position, end: Position, lengths: list[int], what: str) -> None:
    assert start <= end, f"{what}: start {start} after end {end}"
    for position in (start, end):
        assert 0 <= position.line < len(lengths), f"{what}: line {position.line} outside {len(lengths)} lines"
        assert 0 <= position.character <= lengths[position.line], (
            f"{what}: character {position.character} beyond line {position.line} of {lengths[position.line]} units"
        )


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_ranges_inside(text: str, path: str, pack: str) -> None:
    result = check_text(text, path, CheckOptions(packs=PACKS, pack=pack, cache=SectionCache()))
    lengths = utf16_line_lengths(text)
    for finding in result.findings:
        # A rule that raises is reported as AIC900 instead of crashing the check: still a crash.
        assert finding.code != "AIC900", finding.message
        assert_inside(finding.span.start, finding.span.end, lengths, f"{finding.code} {finding.message!r}")
    previous_end = 0
    for section_result in result.sections:
        section = section_result.section
        assert previous_end <= section.start_line < section.end_line <= len(lengths)
        previous_end = section.end_line
        span = section.heading_span
        assert_inside(span.start, span.end, lengths, f"heading of {section.heading.text!r}")


@PROPERTY_SETTINGS
@given(text=reports(), pack=st.sampled_from(PACK_KEYS))
def test_markdown_check_never_crashes_and_stays_inside(text: str, pack: str) -> None:
    check_ranges_inside(text, "report.md", pack)


@PROPERTY_SETTINGS
@given(text=reports(), pack=st.sampled_from(PACK_KEYS))
def test_mdx_check_never_crashes_and_stays_inside(text: str, pack: str) -> None:
    check_ranges_inside(text, "report.mdx", pack)


@settings(max_examples=200, deadline=None)
@given(text=reports(), mdx=st.booleans())
def test_masking_keeps_every_line_and_column(text: str, mdx: bool) -> None:
    # Blanking must keep the text's shape, or every position computed from it would drift.
    text = re.sub(r"\r(?!\n)", "\n", text)
    masked = preprocess(text, mdx=mdx).masked
    assert [len(line) for line in masked.split("\n")] == [len(line) for line in text.split("\n")]
