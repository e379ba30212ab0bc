"""``fix`` mode's edits to the writer's text.

In place: a line holding a forbidden phrase or pattern rewritten (the brand's name for a stand-in
such as "your business", else a new sentence, bullet, cell or heading), a repeated line replaced, an
over-long sentence split at a clause break, the last sentences of paragraphs dropped when the section
is too long. After the text: what the failures say is missing (:func:`fix_missing`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial

import regex

from aicmo_core.benchmarks.models import SectionFormat
from aicmo_core.benchmarks.pattern_refusal import pattern_problem
from aicmo_core.benchmarks.patterns import Budget, PatternTimeout
from aicmo_core.document.model import BOLD_LABEL_RE
from aicmo_core.document.text import count_words, line_key, normalize_heading, phrase_pattern, sentence_bounds
from aicmo_core.generators.base import Failure
from aicmo_core.generators.template.compose import compose, render
from aicmo_core.generators.template.groups import Group, group_for
from aicmo_core.generators.template.headings import plan_headings
from aicmo_core.generators.template.patterns import (
    BRAND_STAND_IN_RE,
    HEADING_RE,
    LIST_MARKER_RE,
    TABLE_DELIMITER_RE,
    has_words,
)
from aicmo_core.generators.template.tables import replacement_cell
from aicmo_core.generators.template.writer import Writer
from aicmo_core.writer_facts import missing_facts

Found = re.Match[str] | regex.Match[str]  # a forbidden phrase's match, or a pack pattern's


def _group_at(writer: Writer, lines: Sequence[str], index: int) -> Group:
    """The group (sub-heading) line ``index`` of the writer's text belongs to."""
    for line in reversed(lines[:index]):
        found = HEADING_RE.match(line)
        if found:
            return group_for(writer.data, writer.kind, found.group(2))
    return Group(None, writer.label_topic, "intro")


def fix_forbidden(writer: Writer, lines: list[str], failure: Failure) -> None:
    search: Callable[[str], Found | None] | None = None
    stand_in = False
    if failure.rule == "forbidden_substrings":
        phrase = str(failure.data.get("phrase", ""))
        search = phrase_pattern(phrase, whole_words=True).search if phrase else None
        stand_in = bool(BRAND_STAND_IN_RE.match(phrase.strip()))
    else:
        raw = str(failure.data.get("pattern", ""))
        if raw and pattern_problem(raw) is None:
            search = partial(Budget().search, raw)  # the pack's pattern: with a time limit
    if search is None:
        return
    brand = writer.brief.values["brand"] if "brand" in writer.brief.known else None
    try:
        for index in range(len(lines)):
            for _ in range(8):  # each pass removes one occurrence; a line rarely holds more
                found = search(lines[index])
                if found is None:
                    break
                lines[index] = _rewrite(writer, lines, index, lines[index], found, brand=brand if stand_in else None)
    except PatternTimeout:
        return  # the lines rewritten so far stay; checking the result reports the slow pattern


def _rewrite(writer: Writer, lines: Sequence[str], index: int, line: str, found: Found, *, brand: str | None) -> str:
    """``line`` without the forbidden text ``found``: the brand's name for a stand-in such as
    "your business", else a new sentence, bullet, cell or heading in place of the one holding it."""
    if brand is not None:
        return line[: found.start()] + brand + line[found.end() :]
    group = _group_at(writer, lines, index)
    heading = HEADING_RE.match(line)
    if heading:
        title = heading.group(2)
        start = line.index(title)
        title = " ".join((line[start : found.start()] + line[found.end() : start + len(title)]).split())
        title = title.strip(" :-–—&,") or "Key Points"
        return f"{heading.group(1)} {title}"
    if line.lstrip().startswith("|"):
        cells = line.split("|")
        offset = 0
        for number, cell in enumerate(cells):
            if offset <= found.start() < offset + len(cell) + 1:
                cells[number] = f" {replacement_cell(writer)} "
                break
            offset += len(cell) + 1
        return "|".join(cells)
    marker = LIST_MARKER_RE.match(line)
    prefix = marker.group(1) if marker else line[: len(line) - len(line.lstrip())]
    rest = line[len(prefix) :]
    label = BOLD_LABEL_RE.match(rest)
    if label and label.end() <= found.start() - len(prefix):
        prefix += rest[: label.end()]
        rest = rest[label.end() :]
    start = found.start() - len(prefix)
    for sentence_start, sentence_end in sentence_bounds(rest):
        if sentence_start <= max(start, 0) < sentence_end or start < 0:
            sentence = rest[sentence_start:sentence_end]
            if any(not missing_facts([fact], sentence) for fact in writer.request.facts):
                new = _without(sentence, found.start() - len(prefix) - sentence_start, found.end() - found.start())
            elif marker and len(sentence_bounds(rest)) == 1:
                new = writer.bullet(group) or ""
            else:
                new = writer.sentence(group) or ""
            return (prefix + rest[:sentence_start] + new + rest[sentence_end:]).rstrip()
    return line[: found.start()] + line[found.end() :]


def _without(sentence: str, start: int, length: int) -> str:
    """``sentence`` without the forbidden text at ``start`` (it carries a fact of the writer's, so it
    stays): "In today's digital age, candles sell on Instagram." -> "Candles sell on Instagram."."""
    text = (sentence[: max(start, 0)] + sentence[max(start, 0) + length :]).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", " ".join(text.split())).lstrip(",;:-–— ")
    return text[:1].upper() + text[1:]


def fix_repeats(writer: Writer, lines: list[str]) -> None:
    seen: set[str] = set()
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or HEADING_RE.match(line) or TABLE_DELIMITER_RE.match(line):
            continue
        marker = LIST_MARKER_RE.match(line)
        key = line_key(line[len(marker.group(1)) :] if marker else line)
        if not key:
            continue
        if key not in seen:
            seen.add(key)
            continue
        group = _group_at(writer, lines, index)
        if stripped.startswith("|"):
            cells = line.split("|")
            if len(cells) > 3:
                cells[2] = f" {replacement_cell(writer)} "
            new_line = "|".join(cells)
        elif marker:
            new_line = marker.group(1) + (writer.bullet(group) or "")
        else:
            indent = line[: len(line) - len(line.lstrip())]
            new_line = indent + (writer.sentence(group) or "")
        lines[index] = new_line
        seen.add(line_key(new_line))


def fix_long_sentences(writer: Writer, lines: list[str]) -> None:
    limit = writer.section.max_avg_sentence_length
    if limit is None:
        return
    for index, line in enumerate(lines):
        if HEADING_RE.match(line) or line.lstrip().startswith("|"):
            continue
        lines[index] = _split_long_sentences(line, int(limit))


def fix_too_long(writer: Writer, lines: list[str]) -> None:
    """Drop the last sentences of multi-sentence paragraphs, from the end, down to the middle of
    the range (the writer asked for it by naming ``max_words``)."""
    target = writer.word_target()
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if writer.words <= target:
            return
        if HEADING_RE.match(line) or line.lstrip().startswith("|") or LIST_MARKER_RE.match(line):
            continue
        bounds = sentence_bounds(line)
        while len(bounds) > 1 and writer.words > target:
            start, end = bounds.pop()
            writer.words -= count_words(line[start:end])
            line = line[:start].rstrip()
        lines[index] = line


def fix_missing(writer: Writer, body: str, failures: Sequence[Failure]) -> str:
    """``body`` and, after it, what the failures say is missing: required sub-headings (bold labels
    when ``max_headings`` leaves no room), required phrases, a table or list, sub-headings, bullets
    and words."""
    section = writer.section
    rules = {failure.rule for failure in failures}
    measured, present = writer.take_stock(body)
    metrics = measured.metrics
    wanted = {str(f.data.get("heading", "")) for f in failures if f.rule == "required_headings"}
    needs_table = "format" in rules and section.format is SectionFormat.TABLE and metrics.tables == 0
    headings: list[str] = []
    as_labels: list[str] = []
    if wanted or "min_headings" in rules:
        covered = [normalize_heading(c) for c in writer.table_columns()] if needs_table else []
        headings, as_labels = plan_headings(writer, present, metrics.headings, covered)
        if "min_headings" not in rules:  # only the required ones the failures name
            headings = [
                h for h in headings if any(has_words(normalize_heading(h), normalize_heading(w)) for w in wanted)
            ]
    carry = Group(None, writer.label_topic, "intro")
    groups = [carry, *(group_for(writer.data, writer.kind, h) for h in headings)]
    bullets = 0
    if "min_bullets" in rules:
        bullets = max(section.min_bullets - metrics.bullets, 0) + 1
    if "format" in rules and section.format is SectionFormat.LIST and metrics.lists == 0:
        bullets = max(bullets, 3)
    if section.max_bullets is not None:
        bullets = min(bullets, max(section.max_bullets - metrics.bullets, 0))
    rows = None
    if needs_table:
        rows = [h.split(":")[0] for h in headings] or [
            found.group(2) for found in map(HEADING_RE.match, body.split("\n")) if found
        ]
    low, high = section.min_words, section.max_words
    target = writer.words
    if "min_words" in rules:
        target = max(target, writer.word_target(low + (high - low) // 4))
    compose(
        writer, groups, bullets=bullets, target=target, table_rows=rows, labels=as_labels, writer_text=measured.source
    )
    added = render(writer, groups).strip()
    return f"{body.rstrip()}\n\n{added}\n" if added else body.rstrip() + "\n"


_SPLIT_POINTS = ("; ", ", and ", ", but ", ", so ", ", while ", ", which ", ", ")


def _split_long_sentences(line: str, limit: int) -> str:
    """``line`` with each sentence longer than ``limit`` words split in two at the clause break
    nearest its middle (``", and "`` -> ``". And"``)."""
    marker = LIST_MARKER_RE.match(line)
    prefix = marker.group(1) if marker else ""
    rest = line[len(prefix) :]
    pieces: list[str] = []
    last = 0
    for start, end in sentence_bounds(rest):
        sentence = rest[start:end]
        pieces.append(rest[last:start])
        if count_words(sentence) > limit:
            middle = len(sentence) // 2
            best = None
            for point in _SPLIT_POINTS:
                for found in re.finditer(re.escape(point), sentence):
                    if best is None or abs(found.start() - middle) < abs(best[0] - middle):
                        best = (found.start(), point)
            if best is not None:
                at, point = best
                tail = sentence[at + len(point) :].lstrip()
                tail = tail[:1].upper() + tail[1:]
                head = sentence[:at].rstrip(",;")
                sentence = f"{head}. {tail}"
        pieces.append(sentence)
        last = end
    pieces.append(rest[last:])
    return prefix + "".join(pieces)
