"""An edited report checked through the incremental path gets what a cold check of its text gets.

The language server checks each version of a document from the previous version's result
(``check_text(..., previous=...)``): the edit is found by comparing the texts, preprocessing rescans
around it, chunks, headings, matches and per-section results are reused where the edit left them
valid. Random edit sequences (characters, lines and whole pieces of Markdown inserted and deleted
anywhere: inside fences, front matter, comments, tables, headings, JSX) are applied one at a time and
each result is compared with a cold check of the same text.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aicmo_core.check import CheckOptions, ReportResult, SectionCache, check_text
from aicmo_core.document.incremental import common_prefix, common_suffix, reparse_document
from aicmo_core.document.model import ParsedDocument, parse_document
from aicmo_core.document.rescan import TextLines, rescan_mdx
from tests.core.test_properties import PACK_KEYS, PACKS, PROPERTY_SETTINGS, joint, piece, reports

snippet = st.one_of(
    piece,
    joint,
    st.sampled_from(["x", " ", "#", "## ", "\n", "\n\n", "```", "~~~", "---", "|", "<!--", "-->", "<div>", "{", "}"]),
)
# An edit: where (a fraction of the text's length), how many characters go, what comes in.
edit = st.tuples(st.floats(0, 1), st.integers(0, 40), st.one_of(st.just(""), snippet))


def applied(text: str, where: float, removed: int, inserted: str) -> str:
    at = int(where * len(text))
    return text[:at] + inserted + text[at + removed :]


def parse_facts(doc: ParsedDocument) -> tuple[object, ...]:
    pre = doc.pre
    chunks = [(chunk.start_line, chunk.info) for chunk in doc.chunks]
    return (
        doc.text,
        doc.index.line_starts,
        pre.masked,
        pre.front_matter,
        pre.directives,
        pre.chunk_starts,
        pre.nested,
        pre.broken_reads,
        chunks,
        doc.headings,
    )


def check_facts(result: ReportResult) -> tuple[object, ...]:
    findings = [(f.code, f.span, f.severity, f.message, f.section, dict(f.data)) for f in result.findings]
    sections = [
        (r.section.start_line, r.section.end_line, r.section.match, r.status, r.section.heading_span, r.section.metrics)
        for r in result.sections
    ]
    return result.pack_key, result.status, findings, sections


@PROPERTY_SETTINGS
@given(text=reports(), edits=st.lists(edit, min_size=1, max_size=8), mdx=st.booleans())
def test_reparsing_an_edit_equals_parsing_the_text(text: str, edits: list[tuple[float, int, str]], mdx: bool) -> None:
    doc = parse_document(text, mdx=mdx)
    for where, removed, inserted in edits:
        text = applied(text, where, removed, inserted)
        doc, _ = reparse_document(doc, text)
        assert parse_facts(doc) == parse_facts(parse_document(text, mdx=mdx))


# Many small sections, grouped for parsing (``aicmo_core.document.chunking``), with a long one now
# and then: an edit must regroup exactly as a fresh parse groups.
small_sections = st.builds(
    lambda count, every, width: "".join(
        f"## S{n}\nword {n}\n" + ("long " * width + "\n" if n % every == 0 else "") for n in range(count)
    ),
    st.integers(60, 400),
    st.integers(3, 50),
    st.integers(10, 80),
)


@settings(max_examples=60, deadline=None)
@given(text=small_sections, edits=st.lists(edit, min_size=1, max_size=6))
def test_reparsing_regroups_small_chunks_as_parsing_does(text: str, edits: list[tuple[float, int, str]]) -> None:
    doc = parse_document(text)
    for where, removed, inserted in edits:
        text = applied(text, where, removed, inserted)
        doc, _ = reparse_document(doc, text)
        assert parse_facts(doc) == parse_facts(parse_document(text))


@PROPERTY_SETTINGS
@given(
    text=reports(),
    edits=st.lists(edit, min_size=1, max_size=8),
    pack=st.sampled_from(PACK_KEYS),
    path=st.sampled_from(["report.md", "report.mdx"]),
)
def test_checking_an_edit_equals_a_cold_check(
    text: str, edits: list[tuple[float, int, str]], pack: str, path: str
) -> None:
    warm = CheckOptions(packs=PACKS, pack=pack, cache=SectionCache())
    result = check_text(text, path, warm)
    for where, removed, inserted in edits:
        text = applied(text, where, removed, inserted)
        result = check_text(text, path, warm, result)
        cold = check_text(text, path, CheckOptions(packs=PACKS, pack=pack, cache=SectionCache()))
        assert check_facts(result) == check_facts(cold)


@settings(max_examples=300, deadline=None)
@given(old=st.text(max_size=40), new=st.text(max_size=40), padding=st.integers(0, 9000))
def test_common_prefix_and_suffix(old: str, new: str, padding: int) -> None:
    # Long equal stretches too, so the galloping comparison goes past its first probe.
    old, new = "a" * padding + old + "z" * padding, "a" * padding + new + "z" * padding
    prefix = common_prefix(old, new)
    assert old[:prefix] == new[:prefix]
    assert prefix == min(len(old), len(new)) or old[prefix] != new[prefix]
    limit = min(len(old), len(new)) - prefix
    suffix = common_suffix(old, new, limit)
    assert suffix <= limit
    assert old[len(old) - suffix :] == new[len(new) - suffix :]
    assert suffix == limit or old[len(old) - suffix - 1] != new[len(new) - suffix - 1]


def test_an_untouched_section_whose_heading_now_matches_otherwise_is_checked_again() -> None:
    """A section the edit left as it was keeps its findings only while its heading matches as before:
    a heading typed above it that takes its section makes it a duplicate, and typing that heading
    back makes it the section again."""
    body = "Plain words about the client and what they sell.\n\n"
    text = f"# Report\n\n## Brand Audit\n\n{body}## Growth Loop\n\n{body}## Client Overview\n\n{body}"
    options = CheckOptions(packs=PACKS, pack="brand_turnaround_lab", cache=SectionCache())
    result = check_text(text, "report.md", options)
    steps = [
        ("Growth Loop", "Client Overview", "duplicate", "AIC003"),
        ("Client Overview", "Growth Loop", "exact", "AIC002"),
    ]
    for before, after, third, code in steps:
        text = text.replace(f"## {before}", f"## {after}", 1)
        result = check_text(text, "report.md", options, result)
        cold = check_text(
            text, "report.md", CheckOptions(packs=PACKS, pack="brand_turnaround_lab", cache=SectionCache())
        )
        assert check_facts(result) == check_facts(cold)
        assert result.sections[2].section.match.how == third
        assert [f.code for f in result.findings if f.code in ("AIC002", "AIC003")] == [code]


# Edits a writer makes to prose: words, punctuation that means something in JavaScript (quotes, "*",
# "/", a backslash), a line split in two. In MDX these take the fast path when they land on prose.
prose = st.one_of(
    st.text(alphabet="ab xy'\"*/\\-.,!?()[]:;_=é😀", max_size=12),
    st.sampled_from(["\n", "word\nword", " it's ", "x"]),
)
prose_edit = st.tuples(st.floats(0, 1), st.integers(0, 12), prose)


@PROPERTY_SETTINGS
@given(text=reports(), edits=st.lists(prose_edit, min_size=1, max_size=8), pack=st.sampled_from(PACK_KEYS))
def test_prose_edits_of_mdx_equal_a_cold_parse_and_check(
    text: str, edits: list[tuple[float, int, str]], pack: str
) -> None:
    warm = CheckOptions(packs=PACKS, pack=pack, cache=SectionCache())
    result = check_text(text, "report.mdx", warm)
    for where, removed, inserted in edits:
        text = applied(text, where, removed, inserted)
        result = check_text(text, "report.mdx", warm, result)
        assert parse_facts(result.doc) == parse_facts(parse_document(text, mdx=True))
        cold = check_text(text, "report.mdx", CheckOptions(packs=PACKS, pack=pack, cache=SectionCache()))
        assert check_facts(result) == check_facts(cold)


MDX_REPORT = """# Plan

import { Chart } from "./chart"

## Overview

The client sells candles online and in two shops.

<Callout kind="note">
Sales grew by a fifth last year, mostly from repeat buyers.
</Callout>

Budget: {budget.total} pounds, {/* aicmo:section goals */} split by channel.

{unclosed

Words an unclosed brace leaves as prose.

A quote '}' in passing.

## Goals

Grow repeat orders before the winter season starts.
"""


def mdx_edit(text: str, old: str, new: str) -> tuple[ParsedDocument, str]:
    doc = parse_document(text, mdx=True)
    return doc, text.replace(old, new, 1)


def test_a_prose_edit_in_mdx_keeps_the_masking_of_every_other_line() -> None:
    """Typing in prose (inside a JSX element, and between constructs) rescans nothing: the old masking
    with the edited line as it is now, as a full preprocess gives."""
    for old, new in [("mostly from", "mostly, it's said, from"), ("in two shops.", "in two\nbusy shops.")]:
        doc, text = mdx_edit(MDX_REPORT, old, new)
        edited, edit = reparse_document(doc, text)
        assert edit.outside_kept
        found = rescan_mdx(doc.pre, TextLines(doc.text, doc.index.line_starts), text, edited.index.line_starts, edit)
        assert found is not None
        assert parse_facts(edited) == parse_facts(parse_document(text, mdx=True))


def test_an_mdx_edit_that_is_not_prose_or_lies_where_a_broken_construct_was_read_ahead_preprocesses_all() -> None:
    """A tag or brace typed, a blank line made, or typing after an unclosed ``{`` where the read-ahead
    that found it broken went (there an apostrophe opens a string that a later ``'}'`` closes, and the
    brace then closes too) preprocess the whole text again."""
    for old, new in [
        ("two shops.", "two <b>shops</b>."),
        ("two shops.", "two shops.\n"),
        ("Grow repeat", "Grow } repeat"),
        ("Words an unclosed", "Words it's said an unclosed"),
    ]:
        doc, text = mdx_edit(MDX_REPORT, old, new)
        edited, edit = reparse_document(doc, text)
        assert parse_facts(edited) == parse_facts(parse_document(text, mdx=True))
        assert not edit.outside_kept, (old, new)
