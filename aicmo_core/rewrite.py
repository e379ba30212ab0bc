"""Edits to a report: model-free quick fixes, and where a generated section body goes.

Everything here is pure: it takes a :class:`~aicmo_core.check.ReportResult` (the text it was computed
from is ``result.doc.text``) and returns :class:`~aicmo_core.edits.TextEdit` objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from aicmo_core.briefs import report_brief
from aicmo_core.check import ReportResult, SectionResult
from aicmo_core.document.model import BOLD_LABEL_RE, ParsedDocument, Section
from aicmo_core.edits import QuickFix, TextEdit, apply_edits
from aicmo_core.findings import Finding, Severity
from aicmo_core.generators.base import Failure, GenerationRequest, Mode, Neighbour
from aicmo_core.settle import headings_for_section, marker_edit, sections_for_heading
from aicmo_core.spans import LineIndex, Position, Span
from aicmo_core.writer_facts import extract_facts

NEIGHBOUR_CHARS = 4000  # the context builder trims further to its token budget
REPORT_CHARS = 2000  # of each other section: enough for not repeating it and for the numbers it gives


# --------------------------------------------------------------------------- section geometry
#
# A section is its heading, its *content* and its *trailer*. The trailer is what ends the section and
# belongs to the report's layout: the thematic breaks (``---``, ``***``, ``___``) and the comments
# (``<!-- ... -->``; ``{/* ... */}`` in MDX) after its last line of content, with the blank lines
# between them. A break counts when the line above it is blank, another break or the heading (a
# ``---`` right under a line of text underlines a heading); a comment counts when its lines hold
# nothing but comments. Generated text only ever replaces or extends the content: the trailer, and
# the blank lines between it and the content, stay as the writer had them. A last line of emphasis
# alone (``*Prepared by ...*``) is content: it has words, which the section's rules count.

THEMATIC_BREAK_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t\r]*$")
_COMMENTS_RE = re.compile(r"\A\s*(?:(?:<!--.*?-->|\{\s*/\*.*?\*/\s*\})\s*)+\Z", re.DOTALL)
_COMMENT_RE = re.compile(r"<!--.*?-->|\{\s*/\*.*?\*/\s*\}", re.DOTALL)


# Text before a phrase that opens a sentence: nothing, a heading's or a list item's marker, a quote's
# ``>``, a bold label, or the end of the sentence before.
_SENTENCE_START_RE = re.compile(r"(?:^\s*(?:#{1,6}\s+|>\s*|(?:[-*+]|\d+[.)])\s+)*(?:\*\*[^*]+\*\*:?\s*)?|[.!?]\s+)$")
_OPENING_LEFTOVERS = " ,;:-–—.!?"


def without_layout(text: str) -> str:
    """``text`` with its thematic-break lines emptied and its comments blanked: the writer's prose
    and markup, without what only lays the report out."""
    text = _COMMENT_RE.sub(" ", text)
    return "\n".join("" if THEMATIC_BREAK_RE.match(line) else line for line in text.split("\n"))


def _masked_line(doc: ParsedDocument, line: int) -> str:
    """The masked text of ``line`` (comments and MDX syntax blanked; same offsets as the text)."""
    starts = doc.index.line_starts
    end = starts[line + 1] - 1 if line + 1 < len(starts) else len(doc.text)
    return doc.pre.masked[starts[line] : end].rstrip("\r")


def _layout_start(section: Section, line: int) -> int | None:
    """The first line of the thematic break or the comments that end on ``line``, or None when
    ``line`` ends content."""
    doc = section.doc
    masked = _masked_line(doc, line)
    if THEMATIC_BREAK_RE.match(masked):
        above = line - 1
        if above < section.body_start:
            return line
        text_above = _masked_line(doc, above)
        return line if not text_above.strip() or THEMATIC_BREAK_RE.match(text_above) else None
    for first in range(line, section.body_start - 1, -1):
        if _masked_line(doc, first).strip():  # text that is no comment
            return None
        if doc.index.line_text(first).lstrip().startswith(("<!--", "{")):
            lines = (doc.index.line_text(n) for n in range(first, line + 1))
            if _COMMENTS_RE.match("\n".join(lines)):
                return first
    return None


def trailer_start(section: Section) -> int:
    """The first line of the section's trailer (see above), or ``section.end_line`` when it has none."""
    index = section.doc.index
    start = section.end_line
    line = section.end_line - 1
    while line >= section.body_start:
        if not index.line_text(line).strip():
            line -= 1
            continue
        first = _layout_start(section, line)
        if first is None:
            break
        start = first
        line = first - 1
    return start


def content_end(section: Section) -> int:
    """The line after the section's last non-blank line of content, before its trailer (at least the
    line after its heading)."""
    index = section.doc.index
    last = trailer_start(section) - 1
    while last >= section.body_start and not index.line_text(last).strip():
        last -= 1
    return max(last + 1, section.body_start)


def body_text(section: Section) -> str:
    """The section's content: its text under its heading, without the blank lines around it and
    without its trailer."""
    index = section.doc.index
    lines = [index.line_text(n) for n in range(section.body_start, content_end(section))]
    return "\n".join(lines).strip("\n")


def _line_start_or_end(index: LineIndex, line: int) -> Position:
    return Position(line, 0) if line < index.line_count else index.end_position()


def body_span(section: Section) -> Span:
    """From the start of the line after the heading to the end of the section's last non-blank line
    of content (before its trailer)."""
    index = section.doc.index
    end_line = content_end(section)
    end = index.line_span(end_line - 1).end if end_line > section.body_start else Position(section.body_start, 0)
    return Span(_line_start_or_end(index, section.body_start), end)


def replace_body(section: Section, body: str) -> TextEdit:
    """The edit that puts ``body`` under the section's heading, with one blank line before it and the
    blank lines after the old body and the trailer kept (a section with no content but a trailer gets
    one blank line between ``body`` and its trailer)."""
    index = section.doc.index
    span = body_span(section)
    text = "\n" + body.strip("\n") + "\n"
    has_content = content_end(section) > section.body_start
    trailer = trailer_start(section)
    if section.body_start >= index.line_count:  # a heading on the last line with no line break after it
        text = "\n" + text
    elif not has_content and trailer < section.end_line:  # only a trailer: the new text goes above it
        span = Span(span.start, Position(trailer, 0))
        text = text + "\n"
    elif not has_content:  # no body yet: keep the line break it ends on
        text = text + "\n" if content_end(section) < index.line_count else text
    else:
        text = text.removesuffix("\n")
    return TextEdit(span, text)


# ------------------------------------------------------------------------------ generation


def generation_request(
    result: ReportResult, section_result: SectionResult, mode: Mode, target_words: int | None = None
) -> GenerationRequest:
    """What a generator needs to rewrite one section of a checked report."""
    section = section_result.section
    assert result.pack is not None and section.benchmark is not None and result.structure is not None
    sections = result.structure.sections
    position = sections.index(section)
    current = body_text(section)
    keeps_facts = mode in (Mode.REGENERATE, Mode.FIX, Mode.EXPAND)
    failures = tuple(
        Failure(f.code, f.rule, f.message, dict(f.data))
        for f in section_result.findings
        if f.severity is Severity.ERROR and f.section == section.id
    )
    return GenerationRequest(
        pack=result.pack,
        section=section.benchmark,
        mode=mode,
        brief=report_brief(result.doc),
        current_body="" if mode is Mode.SCRATCH else current,
        heading_level=section.heading.level,
        before=_neighbour(sections[position - 1]) if position > 0 else None,
        after=_neighbour(sections[position + 1]) if position + 1 < len(sections) else None,
        failures=failures,
        facts=tuple(extract_facts(current, mdx=result.doc.mdx)) if keeps_facts else (),
        report=tuple(_neighbour(other, REPORT_CHARS) for other in sections if other is not section),
        target_words=target_words,
        mdx=result.doc.mdx,
    )


def _neighbour(section: Section, limit: int = 0) -> Neighbour:
    return Neighbour(section.id, section.heading.title, body_text(section)[: limit or NEIGHBOUR_CHARS])


def expand_target(section_result: SectionResult) -> int:
    """The word count "Expand section" aims for: the middle of the benchmark's range, at least the
    minimum, and never less than what is there."""
    benchmark = section_result.section.benchmark
    assert benchmark is not None
    middle = (benchmark.min_words + benchmark.max_words) // 2
    return max(middle, benchmark.min_words, section_result.section.metrics.words)


# ------------------------------------------------------------------------------ quick fixes


# The rules whose findings "fix all" can fix, needing no model (see quick_fixes).
FIXABLE_RULES = frozenset(
    {"front_matter_unclosed", "required_headings", "forbidden_substrings", "forbidden_regex", "missing_section"}
)


def may_fix(result: ReportResult) -> bool:
    """Whether "fix all" may change the report: it has a finding of a rule it fixes. Read from the
    findings alone, so it answers for a result without its parsed document too (a worker's)."""
    return any(finding.rule in FIXABLE_RULES for finding in result.findings)


def quick_fixes(result: ReportResult) -> list[QuickFix]:
    """Every model-free fix for the findings of a report, in document order."""
    fixes: list[QuickFix] = _close_front_matter_fixes(result)
    if result.pack is None:
        return fixes + _pack_hint_fixes(result)
    if result.structure is None:
        return fixes
    sections = {r.section.id: r.section for r in result.sections if r.section.id}
    for finding in result.findings:
        section = sections.get(finding.section) if finding.section else None
        if finding.rule == "required_headings" and section is not None:
            heading = str(finding.data.get("heading", ""))
            insert = _insert_sub_heading(section, heading)
            if insert is not None:
                fixes.append(QuickFix(f"Insert missing sub-heading '{heading}'", (insert,), finding, section.id))
        elif finding.rule in ("forbidden_substrings", "forbidden_regex"):
            found = str(finding.data.get("found", ""))
            removal, reads = remove_span(result.doc.index, finding.span)
            fixes.append(
                QuickFix(f"Remove forbidden phrase '{found}'", (removal,), finding, finding.section, in_fix_all=reads)
            )
        elif finding.rule == "missing_section":
            label = str(finding.data.get("label", ""))
            fixes.append(QuickFix(f"Add missing section '{label}'", (_insert_section(result, finding),), finding, None))
            fixes += _treat_as_fixes(result, finding)
        elif finding.rule == "unknown_section":
            fixes += _this_is_fixes(result, finding)
    return fixes


def _close_front_matter_fixes(result: ReportResult) -> list[QuickFix]:
    """ "Close the front matter after line N": a ``---`` line after what reads as its YAML."""
    finding = next((f for f in result.findings if f.rule == "front_matter_unclosed"), None)
    if finding is None:
        return []
    line = int(finding.data["close_after"])
    end = result.doc.index.line_span(line).end
    close = TextEdit(Span(end, end), "\n---")
    return [QuickFix(f"Close the front matter after line {line + 1}", (close,), finding, None)]


def _pack_hint_fixes(result: ReportResult) -> list[QuickFix]:
    """ "Use pack X (N of M sections found)" for a file that names no pack but looks like a report."""
    detection = result.detection
    hint = next((f for f in result.findings if f.rule == "pack_detection" and not f.data.get("detected")), None)
    if detection is None or hint is None:
        return []
    title = f"Use pack {detection.pack.label} ({detection.found} of {detection.total} sections found)"
    return [QuickFix(title, (set_pack_edit(result.doc, detection.pack.key),), hint, None, in_fix_all=False)]


def _this_is_fixes(result: ReportResult, finding: Finding) -> list[QuickFix]:
    """On an unknown heading: "This is section 'X'" for the missing sections it most likely is."""
    heading = next((r.section for r in result.sections if r.section.start_line == finding.span.start.line), None)
    if heading is None:
        return []
    return [
        QuickFix(
            f"This is section '{choice.benchmark.label}'",
            (marker_edit(heading, choice.benchmark.id),),
            finding,
            choice.benchmark.id,
            in_fix_all=False,
        )
        for choice in sections_for_heading(result, heading)
    ]


def _treat_as_fixes(result: ReportResult, finding: Finding) -> list[QuickFix]:
    """On a missing section: "Treat heading 'Y' as 'X'" for the unknown headings most likely it."""
    assert result.pack is not None
    benchmark = result.pack.section(str(finding.data.get("section_id", "")))
    if benchmark is None:
        return []
    return [
        QuickFix(
            f"Treat heading '{choice.section.heading.title}' as '{benchmark.label}'",
            (marker_edit(choice.section, benchmark.id),),
            finding,
            benchmark.id,
            in_fix_all=False,
        )
        for choice in headings_for_section(result, benchmark)
    ]


def fix_all_fixes(result: ReportResult) -> list[QuickFix]:
    """The quick fixes "fix all" applies at once: those in it whose edits overlap none taken before
    (inserts at one place are kept in order)."""
    fixes: list[QuickFix] = []
    taken: list[TextEdit] = []
    for fix in quick_fixes(result):
        if not fix.in_fix_all or any(_overlaps(edit.span, other.span) for edit in fix.edits for other in taken):
            continue
        fixes.append(fix)
        taken.extend(fix.edits)
    return fixes


def fix_all(result: ReportResult) -> list[TextEdit]:
    """Every quick fix at once, as one list of edits that do not overlap."""
    return [edit for fix in fix_all_fixes(result) for edit in fix.edits]


MAX_FIX_PASSES = 10


@dataclass(frozen=True, slots=True)
class FixedText:
    """What "fix all", applied until nothing is left to fix, made of a report: its ``text``, the
    ``result`` of checking that text, how many ``fixes`` were applied, and whether it ``settled``."""

    text: str
    result: ReportResult
    fixes: int
    settled: bool


def fix_all_passes(
    result: ReportResult, recheck: Callable[[str], ReportResult], max_passes: int = MAX_FIX_PASSES
) -> FixedText:
    """Apply "fix all" in passes, ``recheck``-ing the text after each, until nothing is left to fix:
    a fix can make another possible (closed front matter names the pack, whose sections then have
    their fixes), so one run does all a second run would. It has not ``settled`` when ``max_passes``
    were not enough: a pack whose rules undo each other's fixes (a required sub-heading that holds a
    forbidden phrase)."""
    text, applied = result.doc.text, 0
    for _ in range(max_passes):
        fixes = fix_all_fixes(result)
        fixed = apply_edits(text, [edit for fix in fixes for edit in fix.edits])
        if fixed == text:
            return FixedText(text, result, applied, settled=True)
        text, applied = fixed, applied + len(fixes)
        result = recheck(text)
    return FixedText(text, result, applied, settled=not fix_all_fixes(result))


def _overlaps(a: Span, b: Span) -> bool:
    """Whether two edits touch the same text (two inserts at one place do not)."""
    return a.start < b.end and b.start < a.end


def _insert_sub_heading(section: Section, heading: str) -> TextEdit | None:
    """``### Heading`` after the section's last line of content, so above its trailer. Under a
    level-6 heading, where Markdown has no deeper level, a bold line alone (``**Heading**``), which
    the rule reads as a light sub-heading; None when the heading cannot be one either."""
    index = section.doc.index
    if section.heading.level < 6:
        line = f"{'#' * (section.heading.level + 1)} {heading}"
    elif BOLD_LABEL_RE.match(f"**{heading}**"):
        line = f"**{heading}**"
    else:
        return None
    end = content_end(section)
    position = index.line_span(end - 1).end
    return TextEdit(Span(position, position), f"\n\n{line}")


def _insert_section(result: ReportResult, finding: Finding) -> TextEdit:
    """``## Label`` before the next present section of the pack, or after the last section."""
    assert result.pack is not None and result.structure is not None
    index = result.doc.index
    section_id = str(finding.data.get("section_id", ""))
    label = str(finding.data.get("label", section_id))
    marker = "#" * (result.structure.level or 2)
    order = [s.id for s in result.pack.sections]
    later = set(order[order.index(section_id) + 1 :]) if section_id in order else set()
    following = next((r.section for r in result.sections if r.section.id in later), None)
    if following is not None:
        position = Position(following.start_line, 0)
        return TextEdit(Span(position, position), f"{marker} {label}\n\n")
    end = index.end_position()
    text = result.doc.text
    prefix = "" if text.endswith("\n\n") or not text.strip() else ("\n" if text.endswith("\n") else "\n\n")
    return TextEdit(Span(end, end), f"{prefix}{marker} {label}\n")


def remove_span(index: LineIndex, span: Span) -> tuple[TextEdit, bool]:
    """The edit that removes a phrase so that the sentence still reads, and whether it surely does.

    No double space and no space before a comma are left; where the phrase opened the sentence, the
    punctuation after it goes and the next word gets its capital ("In today's digital age, a small
    brand ..." -> "A small brand ..."); a phrase set off by commas goes with one of them ("We see,
    honestly, growth." -> "We see, growth."). Those two cases surely read; a phrase inside a clause
    may have been a part the sentence needs ("it is a huge opportunity for" -> "it is a for"), so
    that removal is offered to the writer but never made by "fix all"."""
    if span.start.line != span.end.line:  # a phrase broken over two lines: keep the words around it apart
        return TextEdit(span, " "), False
    line = index.line_text(span.start.line)
    line_start = index.line_starts[span.start.line]
    start, end = index.offset(span.start) - line_start, index.offset(span.end) - line_start
    before = line[:start].rstrip()
    if _SENTENCE_START_RE.search(line[:start]):
        end = len(line) - len(line[end:].lstrip(_OPENING_LEFTOVERS))
        if not line[end:].strip() and not before.lstrip("#> -*+").strip():
            return TextEdit(index.line_span(span.start.line, start, end), ""), False  # nothing would be left
        if line[end : end + 1].islower():
            return TextEdit(index.line_span(span.start.line, start, end + 1), line[end].upper()), True
        return TextEdit(index.line_span(span.start.line, start, end), ""), True
    if line[end : end + 1] in (",", ";", ".", "!", "?") and before.endswith((",", ";")):
        return TextEdit(index.line_span(span.start.line, len(before) - 1, end), ""), True
    if line[end : end + 1] == " " and (start == 0 or line[start - 1] == " "):
        end += 1
    elif start > 0 and line[start - 1] == " ":
        start -= 1
    return TextEdit(index.line_span(span.start.line, start, end), ""), False


# ---------------------------------------------------------------------------- naming the pack


def set_pack_edit(doc: ParsedDocument, pack_key: str) -> TextEdit:
    """The edit that makes ``doc``'s front matter name ``pack_key``: its ``pack:`` line replaced,
    else a ``pack:`` line added to the front matter, else new front matter at the top."""
    front = doc.front_matter
    if front is None:
        start = Position(0, 0)
        return TextEdit(Span(start, start), f"---\npack: {pack_key}\n---\n\n")
    for line in range(1, front.end_line - 1):
        if doc.index.line_text(line).startswith("pack:"):
            return TextEdit(doc.index.line_span(line), f"pack: {pack_key}")
    start = Position(1, 0)
    return TextEdit(Span(start, start), f"pack: {pack_key}\n")
