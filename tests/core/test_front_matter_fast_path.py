"""Front matter of plain ``key: value`` lines is read without ruamel: whatever that reading accepts,
it must read as ruamel reads it (a run without ruamel is only faster, never different)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from aicmo_core.document.front_matter import NOT_SIMPLE, simple_front_matter


def ruamel(body: str) -> object:
    try:
        return YAML(typ="safe", pure=True).load(body)
    except Exception as exc:
        return type(exc).__name__


@pytest.mark.parametrize(
    ("body", "data"),
    [
        ("pack: quick_social_basic", {"pack": "quick_social_basic"}),
        ("title: Spring plan for Glow\nclient: Glow & Co.", {"title": "Spring plan for Glow", "client": "Glow & Co."}),
        ("# a comment\nowner:\n\nstatus: draft  ", {"owner": None, "status": "draft"}),
        ("a: x\r\nb: y\r", {"a": "x", "b": "y"}),
        ("# only a comment", None),
    ],
)
def test_plain_lines_are_read_without_ruamel(body: str, data: object) -> None:
    assert simple_front_matter(body) == data == ruamel(body)


@pytest.mark.parametrize(
    "body",
    [
        "a: True",  # a boolean
        "a: Null",  # nothing
        "null: x",  # a key that is not text
        "a: 1",  # a number
        "a: 2024-05-01",  # a date
        "a: x # note",  # a comment after the value
        "a: x: y",  # not plain
        "a: 'quoted'",
        "a: [1, 2]",
        "a: x\na: y",  # a repeated key is an error
        "a: x\rb: y",  # a lone carriage return is a line break to YAML
        "  a: x",  # indented
        "a: café",  # not ASCII
        "aicmo:\n  pack: x",  # nested
        "a:x",  # no space: not a mapping at all
    ],
)
def test_everything_else_is_left_to_ruamel(body: str) -> None:
    assert simple_front_matter(body) is NOT_SIMPLE


KEYS = st.sampled_from(["a", "pack", "title", "Null", "true", "b-c", "_x", "TRUE", "client", "a1"])
VALUES = st.text(alphabet="abzAZ019 _.,/&'()+-#:!\"%", max_size=12)
LINES = st.one_of(
    st.tuples(KEYS, VALUES).map(lambda pair: f"{pair[0]}: {pair[1]}"),
    st.tuples(KEYS, VALUES).map(lambda pair: f"{pair[0]}:{pair[1]}"),
    st.sampled_from(["", "# note", "  # indented note", "   ", "a:", "x:\r", "---", "- item"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=6))
def test_what_the_fast_reading_accepts_it_reads_as_ruamel_does(lines: list[str]) -> None:
    body = "\n".join(lines)
    data = simple_front_matter(body)
    if data is not NOT_SIMPLE:
        assert data == ruamel(body)
