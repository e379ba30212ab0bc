"""How aicmo counts: words, sentences and heading normalisation. Documented in docs/counting.md.

Every function here takes text that has already been *masked*: markup that is not prose (code,
comments, JSX, link targets) replaced by spaces of the same length, so offsets stay exact.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A word is a run of letters or digits, optionally joined by an apostrophe, hyphen, dot, comma or
# slash to more letters or digits: "don't", "e-commerce", "3.5", "1,500", "24/7" are one word each.
# Markdown markup ("**", "|", "-", "#", "---") contains no letter or digit and so is never a word.
WORD_RE = re.compile(r"[^\W_]+(?:['’.,/\-][^\W_]+)*")
# The same on ASCII text, where a letter or digit is [A-Za-z0-9]: about twice as fast as asking the
# Unicode database about every character.
_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['.,/\-][A-Za-z0-9]+)*")

# Chinese, Japanese and Korean scripts do not separate words with spaces: each ideograph, kana or
# hangul syllable counts as one word, as word processors count them.
CJK_RE = re.compile(
    "[\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff]"
)


def count_words(text: str) -> int:
    """The number of words in masked prose."""
    if text.isascii():
        return len(_ASCII_WORD_RE.findall(text))
    cjk = len(CJK_RE.findall(text))
    if cjk:
        text = CJK_RE.sub(" ", text)
    return cjk + len(WORD_RE.findall(text))


def sentence_word_counts(text: str, bounds: list[tuple[int, int]]) -> list[int]:
    """``count_words`` of each ``text[start:end]`` (on ASCII text without copying the slices: the
    word pattern looks neither behind its start nor past its end)."""
    if text.isascii():
        findall = _ASCII_WORD_RE.findall
        return [len(findall(text, start, end)) for start, end in bounds]
    return [count_words(text[start:end]) for start, end in bounds]


# Inline markup that is not prose, blanked before counting. Order matters: code spans first so a
# link inside code is not treated as a link.
_CODE_SPAN_RE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_LINK_TARGET_RE = re.compile(
    r"\]\((?:<[^>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_REF_LINK_RE = re.compile(r"\]\[[^\]\n]*\]")
_AUTOLINK_RE = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9+.\-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s@]+)>")
_BARE_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]]+")
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9\-]*(?:\s+[^<>]*?)?/?>")
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def mask_inline(text: str) -> str:
    """Blank inline code, link targets, autolinks, bare URLs, HTML tags and entities."""
    if "`" in text:
        text = _CODE_SPAN_RE.sub(_blank, text)
    if "](" in text:
        text = _LINK_TARGET_RE.sub(lambda m: "]" + " " * (len(m.group(0)) - 1), text)
    if "][" in text:
        text = _REF_LINK_RE.sub(lambda m: "]" + " " * (len(m.group(0)) - 1), text)
    if "<" in text:
        text = _AUTOLINK_RE.sub(_blank, text)
        text = _HTML_TAG_RE.sub(_blank, text)
    if "://" in text or "www." in text:
        text = _BARE_URL_RE.sub(_blank, text)
    if "&" in text:
        text = _ENTITY_RE.sub(_blank, text)
    return text


# Sentence ends: terminal punctuation, optional closing quotes or brackets, then whitespace and the
# start of a new sentence (a capital, digit, quote, bracket or emphasis marker).
# A hard line break (two trailing spaces or a backslash) also ends one: "**Spend:** $90K  " lines.
# The lookbehinds follow the lookahead or the backslash so that the regex engine only tests them
# where a hard break can be; most paragraphs have none, and then the first alternative alone (about
# five times faster than all three) finds the same ends.
# ``[.!?…][.!?…]*`` rather than ``[.!?…]+``: a pattern that starts with a character set lets the
# regex engine skip to the next punctuation mark in C.
_PUNCTUATION_END_RE = re.compile(r"[.!?…][.!?…]*[\"'’”)\]*_]*(?=\s+[\"'‘“(\[*_]*[^\W_a-z])")
_SENTENCE_END_RE = re.compile(_PUNCTUATION_END_RE.pattern + r"|(?= {2,}\n)(?<=\S)|\\(?<=\S\\)(?=\n)")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "sr",
        "jr",
        "vs",
        "etc",
        "eg",
        "ie",
        "approx",
        "no",
        "nos",
        "fig",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "est",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "u.s",
        "u.k",
    ]
)
_TOKEN_BEFORE_RE = re.compile(r"([^\s(\[\"'‘“*_]+)$")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of the sentences of one prose block (a paragraph, list item or cell).

    A block always ends a sentence, so list items without full stops are sentences of their own.
    Abbreviations ("e.g.", "Dr.", "vs."), initials ("J. Smith") and decimals ("3.5%") do not end one.
    """
    bounds: list[tuple[int, int]] = []
    start = 0
    length = len(text)
    while start < length and text[start].isspace():
        start += 1
    ends = _SENTENCE_END_RE if "  \n" in text or "\\\n" in text else _PUNCTUATION_END_RE
    for match in ends.finditer(text):
        end = match.end()
        if end <= start:
            continue
        if match.end() > match.start() and text[match.start()] == ".":
            # The token ends at the full stop and holds no space: the search starts past the last
            # space (a search from the sentence's start finds the same token, trying every word).
            before = _TOKEN_BEFORE_RE.search(text, max(start, text.rfind(" ", start, match.start()) + 1), match.start())
            if before:
                token = before.group(1).lower().rstrip(".")
                if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                    continue
        bounds.append((start, end))
        start = end
        while start < length and text[start].isspace():
            start += 1
    end = length
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        bounds.append((start, end))
    return bounds


# Heading normalisation for matching headings to sections.
_NUMBERING_RE = re.compile(
    r"^\s*(?:(?:section|part|chapter|step)\s+)?(?:\d+(?:\.\d+)*[.):\-–—]?|(?:[ivxlc]+|[a-z])[.):\-–—])\s+(?=\S)",
    re.IGNORECASE,
)
_SECTION_WORD_RE = re.compile(r"^\s*(?:section|part|chapter)\s+\d+\s*[:.\-–—]?\s*", re.IGNORECASE)
_HEADING_NUMBER_RE = re.compile(
    r"^\s*(?:(?:section|part|chapter|step)\s+(\d{1,3}|[ivxlc]{1,7})\b|(\d{1,3})(?:\.\d+)*[.):]|([ivxlc]{1,7})[.)])",
    re.IGNORECASE,
)
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_HEADING_MARKUP_RE = re.compile(r"[*_`~]|!?\[([^\]]*)\]\([^)]*\)")


def strip_heading_markup(text: str) -> str:
    """Heading text without emphasis markers and link targets."""
    if "*" not in text and "_" not in text and "`" not in text and "~" not in text and "[" not in text:
        return text.strip()  # most headings: nothing the pattern could match
    return _HEADING_MARKUP_RE.sub(lambda m: m.group(1) or "", text).strip()


def _is_symbol(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category.startswith(("S", "P", "C", "Z")) or category == "Mn"


class _FoldTable(dict[int, str]):
    """``str.translate`` table, filled on first sight of a character: each character on its own
    lower-cased, symbols and punctuation (but ``-``, ``'`` and ``’``) made spaces. Translating runs in
    C, a character-by-character loop in Python was the larger part of matching a long report's
    headings."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = ch.lower() if not _is_symbol(ch) or ch in "-'’" else " "
        if len(self) >= 65536:  # a text of every code point must not keep a million entries
            self.clear()
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def heading_number(text: str) -> int | None:
    """The number a heading gives itself: ``3`` for ``3. Content Pillars``, ``Section 3: ...``,
    ``Part III - ...``; None for an unnumbered heading (``30-Day Calendar`` is not number 30)."""
    found = _HEADING_NUMBER_RE.match(strip_heading_markup(text))
    if found is None:
        return None
    number = found.group(1) or found.group(2) or found.group(3)
    if number.isdigit():
        return int(number)
    total, previous = 0, 0
    for char in reversed(number.lower()):
        value = _ROMAN[char]
        total, previous = (total - value, previous) if value < previous else (total + value, value)
    return total


@lru_cache(maxsize=4096)  # the same headings, labels and required names come back on every check
def normalize_heading(text: str) -> str:
    """Lower-case words of a heading, without numbering, emoji, punctuation; "&" reads "and".

    ``"## 3. Brand & Objectives 🚀"`` and ``"Section 3: brand and objectives"`` both give
    ``"brand and objectives"``.
    """
    text = strip_heading_markup(text)
    text = _SECTION_WORD_RE.sub("", text)
    text = _NUMBERING_RE.sub("", text)
    text = text.replace("&", " and ").replace("+", " and ")
    words = text.translate(_FOLD).replace("’", "'").replace("-", " ").replace("'", "").split()
    return " ".join(words)


_LINE_WORD_RE = re.compile(r"[^\W_]+")
# On ASCII text: letters lower-cased, digits kept, everything else a space (split away after).
_ASCII_LINE_KEY = str.maketrans({chr(code): chr(code).lower() if chr(code).isalnum() else " " for code in range(128)})


def line_key(line: str) -> str:
    """What makes two prose lines "the same" for repetition: their words and numbers, lower-cased,
    without markup or punctuation ("- **Reach:** 5 posts" and "Reach: 5 posts." are the same line;
    "3 posts a week" and "5 posts a week" are not)."""
    if line.isascii():  # the same, by str.translate: three times as fast as the regular expression
        return " ".join(line.translate(_ASCII_LINE_KEY).split())
    return " ".join(_LINE_WORD_RE.findall(line.lower()))


# The only characters besides A-Z that a case-insensitive pattern's a-z letters match, as
# ``str.lower`` leaves them ("\u0130".lower() is "i" and a combining dot, "\u212a".lower() is "k").
_LOWERED_SPECIALS = (("i\u0307", "i"), ("\u0131", "i"), ("\u017f", "s"))


def ascii_folded(text: str) -> str:
    """``text`` lower-cased so that an ASCII letter of a case-insensitive pattern matches only itself
    (and no longer: only "\u0130" lower-cases to two characters, and it is made one again). Where
    such a pattern matches ASCII text in ``text``, its lower-cased text is in ``ascii_folded(text)``:
    a test as cheap as ``in`` that a pattern cannot match (``phrase_may_match``)."""
    folded = text.lower()
    if not folded.isascii():
        for special, letter in _LOWERED_SPECIALS:
            if special in folded:
                folded = folded.replace(special, letter)
    return folded


@lru_cache(maxsize=1024)
def _ascii_words(phrase: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in phrase.split() if word.isascii())


def phrase_may_match(phrase: str, folded: str) -> bool:
    """False when :func:`phrase_pattern` cannot match text whose :func:`ascii_folded` is ``folded``:
    one of the phrase's ASCII words is not in it."""
    return all(word in folded for word in _ascii_words(phrase))


@lru_cache(maxsize=1024)
def phrase_pattern(phrase: str, whole_words: bool) -> re.Pattern[str]:
    """A case-insensitive pattern for a phrase: any whitespace or emphasis between its words, and,
    with ``whole_words``, no letter or digit glued to its ends ("none" does not match "nonetheless")."""
    words = [re.escape(word) for word in phrase.split()]
    body = r"[\s*_~]+".join(words)
    if whole_words:
        if re.match(r"\w", phrase):
            body = r"(?<!\w)" + body
        if re.search(r"\w$", phrase):
            body = body + r"(?!\w)"
    return re.compile(body, re.IGNORECASE)
