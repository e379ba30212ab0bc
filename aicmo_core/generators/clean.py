"""A model's answer made into a section body: the wrapping a chat model adds is taken off.

Chat models wrap what they were asked for: a code fence around the whole answer, a preamble ("Sure!
Here's the section:"), a closing ("Let me know if you'd like changes."), the section's heading
repeated on top, and headings at the report's own section level, which would end the section early.
:func:`clean_answer` removes the first four and demotes the last. Every step is a pure function of
the text; none rewrites a word of the content itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.document.model import DocHeading, parse_document
from aicmo_core.document.text import normalize_heading

_FENCE_OPEN_RE = re.compile(r"\A(`{3,}|~{3,})[ \t]*(?:markdown|md|mdx|text|)[ \t]*\n", re.IGNORECASE)

_OPENER = r"(?:sure|certainly|of course|absolutely|okay|ok|great|alright|got it|no problem|happy to help)"
# "Sure!", "Certainly, here is the revised section.": an interjection, alone or announcing the answer.
_INTERJECTION_RE = re.compile(
    rf"^\W*{_OPENER}\s*[!,.:—–-]\W*(?:(?:here|below|i(?:'|’)(?:ve|ll|d)|i have|i will)\b.*)?$", re.IGNORECASE
)
# "Here's the expanded section:", "Below is the revised text:": an announcement of the answer, ending in
# a colon. It must name the answer ("section", "draft", ...): "Here are the three pillars:" is content.
_ANNOUNCEMENT_RE = re.compile(
    r"^\W*(?:here(?:'s|’s| is| are)|below (?:is|are)|i(?:'ve|’ve| have) (?:written|rewritten|revised|expanded|"
    r"updated|fixed|drafted))\b.*\b(?:section|text|draft|version|rewrite|revision|body|answer|markdown|"
    r"expanded|revised|updated|fixed|rewritten)\b.*:\W*$",
    re.IGNORECASE,
)
_CLOSING_RE = re.compile(
    r"^\W*(?:let me know|please let me know|i hope (?:this|that|it) helps|hope (?:this|that|it) helps|"
    r"feel free to|if you(?:'d|’d| would) like|would you like|happy to (?:adjust|help|revise|refine)|"
    r"i can also|shall i|do you want)\b",
    re.IGNORECASE,
)
_CHATTER_MAX_WORDS = 40
_THEMATIC_BREAK_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ATX_MARKER_RE = re.compile(r"^ {0,3}#{1,6}(?=[ \t]|$)")
_BOLD_LINE_RE = re.compile(r"^\s*(?:\*\*|__)(.{1,80}?)(?:\*\*|__)\s*:?\s*$")
_SENTENCE_END_RE = re.compile(r"[.!?:;,]\W*$")
# A setext "heading" longer than this reads as a paragraph followed by a horizontal rule.
_SETEXT_HEADING_MAX_WORDS = 12


def clean_answer(answer: str, section: SectionBenchmark, *, heading_level: int = 2, mdx: bool = False) -> str:
    """``answer`` unwrapped, without chatter or a repeated section heading, headings demoted below
    ``heading_level``; stripped of surrounding blank lines ("" when nothing is left)."""
    text = answer.replace("\r\n", "\n").replace("\r", "\n")
    previous = None
    while text != previous:  # a preamble may sit outside the fence and another inside it
        previous = text
        text = strip_chatter(unwrap_fence(strip_chatter(text)))
    text = strip_repeated_heading(
        text, (section.label, *section.aliases), heading_level, keep=section.required_headings, mdx=mdx
    )
    # Demoting may turn a dangling "---" into a horizontal rule at the end: chatter too.
    return strip_chatter(demote_headings(text, heading_level, mdx=mdx))


def unwrap_fence(text: str) -> str:
    """The inside of a code fence that wraps the whole of ``text`` (language empty or Markdown)."""
    stripped = text.strip()
    opening = _FENCE_OPEN_RE.match(stripped)
    if opening is None:
        return text
    fence = opening.group(1)
    closing_re = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    lines = stripped[opening.end() :].split("\n")
    closings = [index for index, line in enumerate(lines) if closing_re.match(line)]
    if closings == [len(lines) - 1]:
        return "\n".join(lines[:-1])
    if not closings:  # the answer was cut off before its closing fence
        return "\n".join(lines)
    return text  # several blocks: not one wrapper


def _is_chatter(text: str, pattern: re.Pattern[str]) -> bool:
    return bool(pattern.match(text)) and len(text.split()) <= _CHATTER_MAX_WORDS


def strip_chatter(text: str) -> str:
    """``text`` without a chatty first line ("Sure! Here's the section:") or last paragraph ("Let me
    know if you want changes."), and without a horizontal rule left dangling at either end."""
    lines = text.strip().split("\n")
    while lines and (
        not lines[0].strip()
        or _is_chatter(lines[0], _INTERJECTION_RE)
        or _is_chatter(lines[0], _ANNOUNCEMENT_RE)
        or _THEMATIC_BREAK_RE.match(lines[0])
    ):
        lines.pop(0)
    while lines:
        while lines and not lines[-1].strip():
            lines.pop()
        start = len(lines) - 1
        while start > 0 and lines[start - 1].strip():
            start -= 1
        last = "\n".join(lines[start:])
        if not (_is_chatter(last, _CLOSING_RE) or _THEMATIC_BREAK_RE.match(last)):
            break
        del lines[start:]
    return "\n".join(lines).strip()


def _first_line(text: str) -> int | None:
    return next((index for index, line in enumerate(text.split("\n")) if line.strip()), None)


def _same_heading(title: str, names: Sequence[str], loose: bool) -> bool:
    words = normalize_heading(title)
    if not words:
        return False
    wanted = {normalize_heading(name) for name in names} - {""}
    if words in wanted:
        return True
    # At the section's level a heading is the section's own title reworded ("Overview", "Client
    # Overview for Glow"): one's words containing the other's is enough.
    heading_words = set(words.split())
    return loose and any(heading_words <= set(w.split()) or set(w.split()) <= heading_words for w in wanted)


def strip_repeated_heading(
    text: str, names: Sequence[str], heading_level: int = 2, *, keep: Sequence[str] = (), mdx: bool = False
) -> str:
    """``text`` without a first line that repeats the section's heading: a heading (or a line bold
    alone) equal to one of ``names``, or, at ``heading_level`` or above, sharing all its words with
    one. A heading listed in ``keep`` (a required sub-heading, perhaps at the wrong level) stays."""
    first = _first_line(text)
    if first is None:
        return text
    lines = text.split("\n")
    heading = next((h for h in parse_document(text, mdx=mdx).headings if h.line == first), None)
    if heading is not None:
        loose = heading.level <= heading_level
        required = normalize_heading(heading.title) in {normalize_heading(k) for k in keep}
        if not required and _same_heading(heading.title, names, loose):
            return "\n".join(lines[heading.end_line :]).strip("\n")
        return text
    bold = _BOLD_LINE_RE.match(lines[first])
    if bold and _same_heading(bold.group(1), names, loose=False):
        return "\n".join(lines[first + 1 :]).strip("\n")
    return text


def _reads_as_prose(heading: DocHeading) -> bool:
    """A ``---`` underline below text that reads as a paragraph was meant as a horizontal rule."""
    return (
        "\n" in heading.text
        or bool(_SENTENCE_END_RE.search(heading.text))
        or (len(heading.text.split()) > _SETEXT_HEADING_MAX_WORDS)
    )


def demote_headings(text: str, heading_level: int = 2, *, mdx: bool = False) -> str:
    """``text`` with no heading at ``heading_level`` or above: when the shallowest heading is that
    high, every heading moves down by the same number of levels (so their relative depth stays) to
    make it ``heading_level + 1``, none deeper than 6. Setext headings become ATX headings; a
    paragraph underlined with ``---`` becomes a paragraph followed by a horizontal rule."""
    lines = text.split("\n")
    headings = parse_document(text, mdx=mdx).headings
    setext_rules = [h for h in headings if h.end_line - h.line > 1 and h.level == 2 and _reads_as_prose(h)]
    for heading in reversed(setext_rules):
        lines.insert(heading.end_line - 1, "")  # a blank line turns the underline into a rule
    if setext_rules:
        return demote_headings("\n".join(lines), heading_level, mdx=mdx)
    if not headings:
        return text
    shift = heading_level + 1 - min(h.level for h in headings)
    if shift <= 0:
        return text
    for heading in reversed(headings):
        marker = "#" * min(heading.level + shift, 6)
        if heading.end_line - heading.line > 1:  # setext: the text lines, then the underline
            title = " ".join(line.strip() for line in lines[heading.line : heading.end_line - 1])
            lines[heading.line : heading.end_line] = [f"{marker} {title}"]
        else:
            lines[heading.line] = _ATX_MARKER_RE.sub(marker, lines[heading.line], count=1)
    return "\n".join(lines)
