"""How a report is read: its sections, exact positions, front matter, what counts as a word, a
bullet, a heading or a sentence, and MDX. See docs/counting.md for the rules these tests pin down.

Whole reports are fixture files under tests/fixtures/parsing; single counting units are inline.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aicmo_core.benchmarks.loader import load_packs
from aicmo_core.benchmarks.models import Pack
from aicmo_core.check import CheckOptions, ReportResult, SectionCache, check_text
from aicmo_core.document.model import ReportStructure, Section, build_sections, parse_document
from aicmo_core.document.text import count_words, mask_inline, normalize_heading, sentence_bounds
from aicmo_core.spans import Position, Span

FIXTURES = Path(__file__).parent.parent / "fixtures" / "parsing"
PACKS = load_packs([])
FULL_FUNNEL = PACKS.packs["full_funnel_growth_suite"]


def read_fixture(name: str) -> str:
    # Bytes, so line endings arrive exactly as written (read_text would translate them).
    return (FIXTURES / name).read_bytes().decode("utf-8")


def structure(text: str, *, mdx: bool = False, pack: Pack = FULL_FUNNEL) -> ReportStructure:
    return build_sections(parse_document(text, mdx=mdx), pack)


def fixture_structure(name: str, pack: Pack = FULL_FUNNEL) -> ReportStructure:
    return structure(read_fixture(name), mdx=name.endswith(".mdx"), pack=pack)


def outline(report: ReportStructure) -> list[tuple[str, str | None, int, int]]:
    """Each section as (heading text, section id, first line, end line), lines 0-based, end exclusive."""
    return [(s.heading.text, s.id, s.start_line, s.end_line) for s in report.sections]


def section_named(report: ReportStructure, section_id: str) -> Section:
    [section] = [s for s in report.sections if s.id == section_id]
    return section


def body(text: str, *, mdx: bool = False) -> Section:
    """The only section of a report made of one "## Client Overview" heading and ``text``."""
    [section] = structure(f"## Client Overview\n\n{text}\n", mdx=mdx).sections
    return section


def check(text: str, path: str = "report.md", pack: str | None = None) -> ReportResult:
    return check_text(text, path, CheckOptions(packs=PACKS, pack=pack, cache=SectionCache()))


# --- sections -------------------------------------------------------------------------------------


def test_title_above_h2_sections_is_not_a_section() -> None:
    report = fixture_structure("title_and_sections.md")
    assert report.level == 2
    assert outline(report) == [
        ("3. Brand & Objectives 🚀", "overview", 4, 20),
        ("Awareness & Demand Generation", "awareness_strategy", 20, 24),
        ("Team Rituals", None, 24, 28),
    ]
    assert report.preamble_end == 4


def test_numbering_emoji_and_ampersand_are_ignored_in_matching() -> None:
    report = fixture_structure("title_and_sections.md")
    overview = report.sections[0]
    # "Brand & Objectives" is an alias of overview: the number, the emoji and "&" do not matter.
    assert (overview.id, overview.match.how) == ("overview", "exact")
    assert normalize_heading("3. Brand & Objectives 🚀") == "brand and objectives"
    assert normalize_heading("Section 3: brand and objectives") == "brand and objectives"


def test_reworded_heading_is_matched_by_similarity() -> None:
    awareness = fixture_structure("title_and_sections.md").sections[1]
    assert (awareness.id, awareness.match.how) == ("awareness_strategy", "similar")
    assert awareness.match.score >= 0.6


def test_unknown_heading_stays_an_unknown_section_of_its_own() -> None:
    report = fixture_structure("title_and_sections.md")
    unknown = report.sections[2]
    assert (unknown.heading.text, unknown.id, unknown.match.how) == ("Team Rituals", None, "unknown")
    # It is not folded into the section above: that one ends where the unknown one starts.
    assert report.sections[1].end_line == unknown.start_line


def test_section_ends_at_the_next_heading_of_the_same_or_higher_level() -> None:
    report = fixture_structure("title_and_sections.md")
    overview, _, rituals = report.sections
    # "### Primary Goal" (line 8) is inside the overview; "# Appendix" (line 28) ends the last section.
    assert overview.start_line < 8 < overview.end_line
    assert rituals.end_line == 28
    assert next(line for line, _ in overview.sub_headings()) == 8


def test_headings_in_lists_quotes_and_code_never_start_sections() -> None:
    report = fixture_structure("title_and_sections.md")
    overview = report.sections[0]
    assert overview.end_line == 20  # runs past the list (12), quote (14) and code (17) headings
    sub_headings = [heading.text for _, heading in overview.sub_headings()]
    assert "Primary Goal" in sub_headings
    assert "Not a section, inside a code block" not in sub_headings
    assert all(h.line not in (12, 14, 17) for h in report.doc.headings)


def test_document_using_h3_sections() -> None:
    report = fixture_structure("h3_sections.md")
    assert report.level == 3
    assert outline(report) == [
        ("Client Overview", "overview", 4, 12),
        ("Competitor Analysis", "competitor_analysis", 12, 16),
        ("Final Summary", "final_summary", 16, 20),
    ]
    # "#### Context" is a sub-heading of the overview, not a section.
    assert section_named(report, "overview").metrics.headings == 1


def test_setext_headings_are_sections() -> None:
    report = fixture_structure("setext.md")
    assert report.level == 2
    assert outline(report) == [
        ("Client Overview", "overview", 3, 8),
        ("Competitor Analysis", "competitor_analysis", 8, 13),
    ]
    assert report.sections[0].heading_span == Span.lines(3, 0, 3, 15)
    # The underline is part of the heading, not of the body.
    assert report.sections[0].body_start == 5
    assert report.sections[0].metrics.words == 7


def test_explicit_section_comment_names_the_heading_below() -> None:
    report = fixture_structure("explicit_section.md")
    assert outline(report) == [
        ("Who Else Sells This", "competitor_analysis", 4, 8),
        ("Client Overview", "overview", 8, 12),
    ]
    assert report.sections[0].match.how == "explicit"


# --- positions ------------------------------------------------------------------------------------


def test_heading_spans_count_emoji_as_two_utf16_units_and_cjk_as_one() -> None:
    report = fixture_structure("positions.md")
    spans = {s.id: s.heading_span for s in report.sections}
    assert spans["overview"] == Span.lines(2, 0, 2, 21)  # "## 🚀 Client Overview": 3 + 2 + 16
    # "## 竞争对手分析 Competitor Analysis 🧭": 3 + 6 + 1 + 19 + 1 + 2
    assert spans["competitor_analysis"] == Span.lines(6, 0, 6, 32)
    # "##\tFinal Summary\t": a tab is one unit; the trailing tab is not part of the heading.
    assert spans["final_summary"] == Span.lines(10, 0, 10, 16)


@pytest.mark.parametrize("name", ["positions.md", "counting.md", "title_and_sections.md", "mdx_components.mdx"])
def test_crlf_gives_the_same_lines_columns_and_counts_as_lf(name: str) -> None:
    lf = read_fixture(name)
    crlf = lf.replace("\n", "\r\n")
    assert "\r\n" in crlf and "\r\n" not in lf
    lf_result = check(lf, name, pack="full_funnel_growth_suite")
    crlf_result = check(crlf, name, pack="full_funnel_growth_suite")
    assert [(f.code, f.span) for f in crlf_result.findings] == [(f.code, f.span) for f in lf_result.findings]
    mdx = name.endswith(".mdx")
    lf_report, crlf_report = structure(lf, mdx=mdx), structure(crlf, mdx=mdx)
    assert [(s.heading_span, s.start_line, s.end_line, s.metrics) for s in crlf_report.sections] == [
        (s.heading_span, s.start_line, s.end_line, s.metrics) for s in lf_report.sections
    ]


def test_lone_carriage_returns_are_line_breaks() -> None:
    report = structure("## Client Overview\r\rText here.\r\r## Competitor Analysis\r\rMore.\r")
    assert outline(report) == [
        ("Client Overview", "overview", 0, 4),
        ("Competitor Analysis", "competitor_analysis", 4, 8),
    ]


def test_finding_columns_on_a_line_with_emoji_cjk_and_tabs() -> None:
    text = "## Client Overview\n\n- 😀 我们\tthen lorem ipsum here\n"
    [finding] = [f for f in check(text, pack="full_funnel_growth_suite").findings if f.code == "AIC142"]
    # "- " 2, "😀" 2, " " 1, "我们" 2, "\t" 1, "then " 5: lorem ipsum starts at 13 and is 11 long.
    assert finding.span == Span.lines(2, 13, 2, 24)


def test_tab_indented_line_is_code_in_markdown_and_prose_in_mdx() -> None:
    # CommonMark: a tab indents by four columns, so "\tText after a tab." is an indented code block.
    # MDX has no indented code.
    md = section_named(fixture_structure("positions.md"), "final_summary")
    mdx = section_named(structure(read_fixture("positions.md"), mdx=True), "final_summary")
    assert (md.metrics.words, mdx.metrics.words) == (0, 4)


# --- front matter ---------------------------------------------------------------------------------


def test_front_matter_pack_chooses_the_pack() -> None:
    result = check(read_fixture("front_matter.md"))
    assert result.pack_key == "quick_social_basic"
    assert [s.section.id for s in result.sections] == ["overview"]


def test_nested_aicmo_pack_in_front_matter_chooses_the_pack() -> None:
    result = check(read_fixture("front_matter_nested.md"), pack="quick_social_basic")
    assert result.pack_key == "retention_crm_booster"  # front matter wins over the explicit default


def test_front_matter_words_are_never_counted() -> None:
    report = fixture_structure("front_matter.md")
    assert report.doc.front_matter is not None
    assert report.doc.front_matter.data["title"].startswith("Plenty of words")
    assert outline(report) == [("Client Overview", "overview", 5, 9)]
    assert report.sections[0].metrics.words == 4


def test_broken_front_matter_is_a_finding_not_a_crash() -> None:
    result = check(read_fixture("front_matter_broken.md"))
    [finding] = [f for f in result.findings if f.code == "AIC006"]
    assert finding.message.startswith("front matter is not valid YAML")
    # The YAML parser notices the unclosed "[" of line 1 at the ":" of line 2, and says so there.
    assert finding.span == Span.lines(2, 0, 2, 26)
    # Checking goes on with the pack given by other means.
    with_pack = check(read_fixture("front_matter_broken.md"), pack="quick_social_basic")
    assert with_pack.pack_key == "quick_social_basic"
    assert [s.section.id for s in with_pack.sections] == ["overview"]
    assert with_pack.sections[0].section.metrics.words == 4


def test_front_matter_that_is_not_a_mapping_is_a_finding() -> None:
    [finding] = check("---\n- a\n- b\n---\n## Client Overview\n\nText.\n").findings
    assert (finding.code, finding.message) == ("AIC006", "front matter must be a mapping (key: value pairs)")


def test_unclosed_front_matter_fence_is_a_thematic_break() -> None:
    report = structure("---\npack: nothing\n\n## Client Overview\n\nFour words of prose.\n")
    assert report.doc.front_matter is None
    assert outline(report) == [("Client Overview", "overview", 3, 7)]


# --- counting: words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Growth in e-commerce", 3),
        ("Conversion grew 3.5% in Q2", 5),
        ("Support runs 24/7", 3),
        ("We don't sell 1,500 units", 5),
        ("**Label:** value", 2),
        ("| Channel | Budget |", 2),
        ("## --- | - * **", 0),
        ("增长报告", 4),
        ("한국어 텍스트", 6),
        ("TeamSync 在中国 grows", 5),
        ("🚀 launch 🚀", 1),
        ("café naïve Zürich", 3),
    ],
)
def test_count_words(text: str, words: int) -> None:
    assert count_words(mask_inline(text)) == words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Use `inline code words` sparingly", 2),
        ("See [the guide](https://example.com/a/very/long/path) now", 4),
        ('See [the guide](https://example.com/a "title words here") now', 4),
        ("Visit <https://example.com/auto> or www.example.com/path today", 3),
        ("Spend &amp; reach", 2),
        ("Text with <span>inline</span> tags", 4),
    ],
)
def test_inline_markup_that_is_not_prose_is_not_counted(text: str, words: int) -> None:
    assert count_words(mask_inline(text)) == words


def test_words_count_prose_list_items_and_table_cells_only() -> None:
    overview = section_named(fixture_structure("counting.md"), "overview")
    # 17 in the paragraph, 15 in list items, 5 in table cells, 2 + 5 in the bold and italic lines,
    # 2 hashtags and 5 in the last paragraph (not the code span, link target or comment);
    # nothing from the fenced code block, the rule or the headings.
    assert overview.metrics.words == 51


def test_html_comments_are_not_words_even_over_several_lines() -> None:
    assert body("Visible words.\n\n<!--\nHidden words\nover lines\n-->\n\nMore visible.").metrics.words == 4


def test_link_reference_definitions_are_not_words() -> None:
    assert body("See [guide][] now.\n\n[guide]: https://example.com/some-long-url-words").metrics.words == 3


# --- counting: bullets and headings ---------------------------------------------------------------


def test_bullets_are_real_list_items() -> None:
    overview = section_named(fixture_structure("counting.md"), "overview")
    # 2 top-level bullets, 2 nested, 2 numbered; not the table rule, bold line, --- rule, italic
    # footer or the "- not a bullet" inside code.
    assert overview.metrics.bullets == 6
    assert overview.metrics.lists == 3
    assert overview.metrics.tables == 1


@pytest.mark.parametrize(
    ("text", "bullets"),
    [
        ("- one\n- two\n  - nested", 3),
        ("1. one\n2. two\n3) three", 3),
        ("* star\n+ plus", 2),
        ("| a | b |\n|---|---|\n| c | d |", 0),
        ("**Bold line**\n\n---\n\n*Italic footer*", 0),
        ("• not a list item\n• in CommonMark", 0),
        ("```\n- in code\n* in code\n```", 0),
        ("Text -\nwith a dash", 0),
    ],
)
def test_bullet_count(text: str, bullets: int) -> None:
    assert body(text).metrics.bullets == bullets


def test_headings_in_code_and_hashtags_are_not_headings() -> None:
    report = fixture_structure("counting.md")
    overview = section_named(report, "overview")
    assert overview.metrics.headings == 0
    assert [h.text for h in report.doc.headings] == ["Counting Report", "Client Overview", "Competitor Analysis"]


@pytest.mark.parametrize(
    ("text", "headings"),
    [
        ("### Sub one\n\nText.\n\n#### Sub two", 2),
        ("#hashtag #launch", 0),
        ("```\n# comment in code\n### another\n```", 0),
        ("~~~\n## in a tilde fence\n~~~", 0),
    ],
)
def test_sub_heading_count(text: str, headings: int) -> None:
    assert body(text).metrics.headings == headings


# --- counting: sentences --------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_bounds(text)]


def test_sentences_do_not_split_at_abbreviations_initials_or_decimals() -> None:
    assert sentences("We use e.g. email. Dr. Lee grew 3.5% this year. J. Smith agrees! Costs vs. benefits?") == [
        "We use e.g. email.",
        "Dr. Lee grew 3.5% this year.",
        "J. Smith agrees!",
        "Costs vs. benefits?",
    ]


def test_sentence_ends_at_a_hard_line_break() -> None:
    assert sentences("**Spend:** $90K  \n**Reach:** 2M") == ["**Spend:** $90K", "**Reach:** 2M"]


def test_list_items_without_full_stops_are_sentences_each() -> None:
    section = body("- Paid social\n- Search ads\n- Email flows")
    assert (section.metrics.sentences, section.metrics.avg_sentence_words) == (3, 2.0)


def test_sentences_and_average_of_a_whole_section() -> None:
    overview = section_named(fixture_structure("counting.md"), "overview")
    # 3 in the paragraph, 6 list items, the bold, italic and hashtag lines, the last paragraph;
    # table rows are not sentences.
    assert overview.metrics.sentences == 13
    assert overview.metrics.avg_sentence_words == round(46 / 13, 2)


# --- MDX ------------------------------------------------------------------------------------------


def test_mdx_esm_jsx_and_expressions_are_not_counted() -> None:
    report = fixture_structure("mdx_components.mdx")
    assert [h.text for h in report.doc.headings] == ["Growth Report", "Client Overview", "Competitor Analysis"]
    overview = section_named(report, "overview")
    # "Prose inside the callout counts." 5, "Reach grew percent this quarter." 5, "New launch." 2:
    # not the imports, the export, attributes, {expressions} or the {/* comment */}.
    assert (overview.metrics.words, overview.metrics.bullets, overview.metrics.headings) == (12, 0, 0)


def test_mdx_multiline_jsx_does_not_swallow_the_next_section() -> None:
    report = fixture_structure("mdx_components.mdx")
    # <Chart ... /> spans lines 21-26 and "## Competitor Analysis" follows on line 27 directly.
    assert outline(report) == [
        ("Client Overview", "overview", 11, 27),
        ("Competitor Analysis", "competitor_analysis", 27, 35),
    ]
    competitor = section_named(report, "competitor_analysis")
    # "## heading" and "- bullet" inside the <Tabs> attribute are not a heading and a bullet.
    assert (competitor.metrics.words, competitor.metrics.bullets, competitor.metrics.headings) == (8, 1, 0)


def test_mdx_unclosed_tag_and_expression_do_not_swallow_the_rest() -> None:
    report = fixture_structure("mdx_unclosed.mdx")
    assert outline(report) == [
        ("Client Overview", "overview", 0, 9),
        ("Competitor Analysis", "competitor_analysis", 9, 13),
    ]
    assert section_named(report, "overview").metrics.words == 7  # "Text after the broken tag still counts."
    assert section_named(report, "competitor_analysis").metrics.words == 5


def test_mdx_fixtures_check_without_crashing() -> None:
    for name in ("mdx_components.mdx", "mdx_unclosed.mdx"):
        result = check(read_fixture(name), name, pack="full_funnel_growth_suite")
        assert not [f for f in result.findings if f.code == "AIC900"]


def test_mdx_comment_directive_names_a_section() -> None:
    report = structure("{/* aicmo:section competitor_analysis */}\n## Who Else Sells This\n\nRivals.\n", mdx=True)
    assert [(s.id, s.match.how) for s in report.sections] == [("competitor_analysis", "explicit")]


def test_same_text_as_markdown_keeps_jsx_words_out_only_in_mdx() -> None:
    # In Markdown "props.n" is prose (one dotted word); in MDX it is an expression.
    text = "Reach {props.n} grew."
    assert (body(text).metrics.words, body(text, mdx=True).metrics.words) == (3, 2)


def test_heading_position_after_jsx_is_exact() -> None:
    report = fixture_structure("mdx_components.mdx")
    assert section_named(report, "competitor_analysis").heading_span == Span(Position(27, 0), Position(27, 22))


# --- MDX: only top-level headings start sections (checked against the official parser in tests/mdx) --


def test_mdx_section_commented_out_over_several_lines_is_not_a_section() -> None:
    text = (
        "## Client Overview\n"  # 0
        "\n"
        "Kept.\n"  # 2
        "\n"
        "{/*\n"  # 4
        "## Competitor Analysis\n"  # 5: inside the comment
        "\n"  # 6: a blank line does not end the comment
        "Three rivals share the market.\n"  # 7
        "*/}\n"  # 8
        "\n"
        "## Audience Segments\n"  # 10
        "\n"
        "Commuters.\n"  # 12
    )
    report = structure(text, mdx=True)
    assert outline(report) == [
        ("Client Overview", "overview", 0, 10),
        ("Audience Segments", "audience_segments", 10, 14),
    ]
    assert section_named(report, "overview").metrics.words == 1  # "Kept.", not the commented-out text
    assert section_named(report, "audience_segments").heading_span == Span(Position(10, 0), Position(10, 20))
    # In Markdown "{/*" is text, so the same lines hold three sections.
    assert [s.start_line for s in structure(text).sections] == [0, 5, 10]


def test_mdx_heading_inside_a_jsx_element_is_not_a_section() -> None:
    text = (
        "## Client Overview\n"  # 0
        "\n"
        '<Callout type="info">\n'  # 2
        "## Competitor Analysis\n"  # 3: inside <Callout>
        "\n"
        "Inside the callout.\n"  # 5
        "</Callout>\n"  # 6
        "## Audience Segments\n"  # 7: top level again, right after the closing tag
        "\n"
        "Commuters.\n"  # 9
    )
    report = structure(text, mdx=True)
    assert outline(report) == [
        ("Client Overview", "overview", 0, 7),
        ("Audience Segments", "audience_segments", 7, 11),
    ]
    overview = section_named(report, "overview")
    # The nested heading is a sub-heading of the section it sits in, as one in a block quote is.
    assert (overview.metrics.headings, overview.metrics.words) == (1, 3)
    assert parse_document(text, mdx=True).chunk_starts == [0, 7]  # no chunk starts inside the element


def test_mdx_nested_elements_and_fragments_hold_their_headings() -> None:
    text = "<Tabs>\n<Tab>\n## Inner\n</Tab>\n## Outer\n</Tabs>\n<>\n## Fragment\n</>\n## Top\n"
    assert [(h.line, h.text) for h in parse_document(text, mdx=True).headings] == [(9, "Top")]


def test_mdx_unclosed_jsx_element_does_not_swallow_the_next_section() -> None:
    text = (
        "## Client Overview\n"  # 0
        "\n"
        "<Callout>\n"  # 2: never closed
        "\n"
        "Never closed.\n"  # 4
        "\n"
        "## Competitor Analysis\n"  # 6
        "\n"
        "Three rivals.\n"  # 8
    )
    report = structure(text, mdx=True)
    assert outline(report) == [
        ("Client Overview", "overview", 0, 6),
        ("Competitor Analysis", "competitor_analysis", 6, 10),
    ]
    # A stray closing tag pairs with nothing either.
    assert [h.line for h in parse_document("## A\n\n</Callout>\n\n## B\n", mdx=True).headings] == [0, 4]


def test_mdx_tag_or_expression_then_text_is_a_paragraph_not_a_heading() -> None:
    text = "## Client Overview\n\n<Badge />## New launch\n\n{1}## Also text\n"
    report = structure(text, mdx=True)
    assert [h.line for h in report.doc.headings] == [0]
    overview = section_named(report, "overview")
    assert (overview.metrics.headings, overview.metrics.words) == (0, 4)  # "New launch", "Also text"


def test_mdx_expressions_and_esm_hide_headings_and_blank_lines_inside() -> None:
    text = (
        "export const meta = {\n"  # 0
        "\n"  # 1: the export goes on, its brace is open
        "  draft: `\n"
        "## not a heading\n"  # 3: inside a template literal
        "`,\n"
        "}\n"  # 5
        "\n"
        "## Client Overview\n"  # 7
        "\n"
        "{[\n"  # 9
        "  'a',\n"
        "\n"  # 11
        "  'b',\n"
        "]}\n"  # 13
        "\n"
        "Words.\n"  # 15
    )
    report = structure(text, mdx=True)
    assert outline(report) == [("Client Overview", "overview", 7, 17)]
    assert section_named(report, "overview").metrics.words == 1


def test_mdx_unclosed_expression_still_ends_at_the_next_heading() -> None:
    text = "## Client Overview\n\n{oops\n\n## Competitor Analysis\n\nThree rivals.\n"
    assert [s.start_line for s in structure(text, mdx=True).sections] == [0, 4]
    # An unclosed comment has no "*/" after it: it ends at the blank line, as a broken tag does.
    text = "## Client Overview\n\n{/* oops\n\n## Competitor Analysis\n\nThree rivals.\n"
    assert [s.start_line for s in structure(text, mdx=True).sections] == [0, 4]


def test_markdown_processing_instruction_runs_to_its_end_across_blank_lines() -> None:
    # CommonMark: an HTML block opened by "<?" (or "<!DOCTYPE", "<![CDATA[") ends at "?>" (">",
    # "]]>"), blank lines or not, so "## Inside" is HTML; before, a chunk boundary split the block.
    text = "## Client Overview\n\n<?php\n\n## Inside\n\n?>\n\n## Competitor Analysis\n"
    assert [h.line for h in parse_document(text).headings] == [0, 8]
    assert [h.line for h in parse_document(text.replace("<?php", "<!DOCTYPE x").replace("?>", ">")).headings] == [0, 8]
