"""How the template generator reads text: regular expressions for brief values and for the lines of
the writer's Markdown, and the whole-word test :func:`has_words`."""

from __future__ import annotations

import re

# Brief values that are placeholders, not content.
PLACEHOLDER_RE = re.compile(
    r"(?i)^(?:none|null|nil|n/?a|tbd|tbc|todo|unknown|placeholder|brand|client|x{2,}|-+|\?+|\.+)$|lorem|ipsum|\binsert\b"
)
# Characters that are Markdown or MDX syntax in running text.
MARKUP_RE = re.compile(r"[<>{}\[\]|*_`\\#~]")
# Forbidden phrases that stand for the brand, replaced by its name in ``fix`` mode.
BRAND_STAND_IN_RE = re.compile(
    r"(?i)^(?:(?:your|our|the|my)\s+(?:business|company|brand|client)|insert\s+brand\s+name|brand\s+name|\[brand\])$"
)
LIST_MARKER_RE = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)])\s+)")
HEADING_RE = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
TABLE_DELIMITER_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
WORD_CHAR_RE = re.compile(r"[^\W_]")


def has_words(haystack: str, needle: str) -> bool:
    """Whether the normalised ``needle`` occurs in the normalised ``haystack`` as whole words."""
    return f" {needle} " in f" {haystack} "
