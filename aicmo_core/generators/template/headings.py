"""Planning sub-headings and bold labels: which required headings fit under ``max_headings`` and
which become ``**Label:**`` lines, which sub-headings to add (the next steps of a numbered series, or
general ones), and the value written after a label."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aicmo_core.document.text import line_key, normalize_heading
from aicmo_core.generators.template.cells import Kind
from aicmo_core.generators.template.facts import as_topic, fill_template
from aicmo_core.generators.template.patterns import has_words
from aicmo_core.generators.template.vocabulary import (
    BUCKET_THEMES,
    EXTRA_HEADINGS,
    LABEL_DEFAULT,
    LABEL_MISSING,
    LABEL_VALUES,
    SERIES_RE,
    STEP_FOCUS,
    STEP_WORDS,
)
from aicmo_core.generators.template.writer import Writer


def plan_headings(
    writer: Writer, present: Sequence[str], existing: int, covered_by_table: Sequence[str] = ()
) -> tuple[list[str], list[str]]:
    """The sub-headings to add and the required headings that must be bold labels instead
    (``max_headings`` leaves no room), given normalised headings and labels already ``present``."""
    section = writer.section
    missing = [
        heading
        for heading in section.required_headings
        if not any(has_words(p, normalize_heading(heading)) for p in [*present, *covered_by_table])
    ]
    # A required heading that names one of a series the label promises ("Bucket" in "Content
    # Buckets") is written as the first of that series ("Bucket 1"), which satisfies it.
    label_words = normalize_heading(section.label).split()
    missing = [f"{h} 1" if " " not in h and normalize_heading(h) + "s" in label_words else h for h in missing]
    room = None if section.max_headings is None else max(section.max_headings - existing, 0)
    as_headings = missing if room is None else missing[:room]
    as_labels = missing[len(as_headings) :]
    wanted = max(section.min_headings - existing, len(as_headings))
    if writer.kind is Kind.CALENDAR and existing == 0 and not as_headings:
        wanted = max(wanted, 4)
    if room is not None:
        wanted = min(wanted, room)
    headings = [*as_headings]
    taken = {normalize_heading(h) for h in [*headings, *section.required_headings]} | set(present)
    for extra in _extra_headings(writer, headings):
        if len(headings) >= wanted:
            break
        key = normalize_heading(extra)
        if key not in taken and writer.allowed(extra):
            headings.append(extra)
            taken.add(key)
    return [_named_step(writer, h) for h in headings], as_labels


def _extra_headings(writer: Writer, headings: Sequence[str]) -> Iterable[str]:
    """More sub-headings: the next steps of a numbered series ("Phase 3" after "Phase 2"), a
    series the section's label implies ("Bucket 1" in "Content Buckets"), or general ones."""
    series: dict[str, int] = {}
    for heading in [*writer.section.required_headings, *headings]:
        found = SERIES_RE.match(normalize_heading(heading))
        if found:
            series[found.group(1)] = max(series.get(found.group(1), 0), int(found.group(2)))
    label_words = normalize_heading(writer.section.label).split()
    for heading in writer.section.required_headings:
        word = normalize_heading(heading)
        if " " not in word and (word + "s") in label_words:
            series.setdefault(word, 0)
    if not series and writer.kind is Kind.CALENDAR:
        series["week"] = 0
    for word, last in series.items():
        for number in range(last + 1, last + 7):
            yield f"{word.capitalize()} {number}"
    yield from EXTRA_HEADINGS


def _named_step(writer: Writer, heading: str) -> str:
    """``"Week 1"`` -> ``"Week 1: Foundations"``; ``"Bucket 2"`` -> ``"Bucket 2: Proof"``."""
    found = SERIES_RE.match(normalize_heading(heading))
    if not found or ":" in heading:
        return heading
    number = int(found.group(2))
    if found.group(1) not in STEP_WORDS:
        name = BUCKET_THEMES[(number - 1) % len(BUCKET_THEMES)]
    else:
        name = STEP_FOCUS[(number - 1) % len(STEP_FOCUS)][0]
    named = f"{heading}: {name}"
    return named if writer.allowed(named) else heading


def label_line(writer: Writer, label: str) -> str:
    """``**Brand:** Glow Botanicals`` for a required ``Brand:`` phrase (or a required heading
    written as a bold label)."""
    name = label.rstrip().rstrip(":").strip()
    words = set(normalize_heading(name).split())
    value = None
    for keywords, brief_field, template in LABEL_VALUES:
        if not words.intersection(keywords):
            continue
        if brief_field is not None and brief_field not in writer.facts.known:
            value = LABEL_MISSING.get(brief_field)
            if value is None:
                continue
        else:
            value = fill_template(template, writer.slots(as_topic(name)))
        if value is not None and writer.allowed(value):
            break
        value = None
    if value is None:
        value = writer.sentence(as_topic(name)) or fill_template(LABEL_DEFAULT, writer.slots()) or name
    value = value[0].upper() + value[1:] if value[:1].islower() else value
    line = f"**{name}:** {value}"
    writer.used_keys.add(line_key(line))
    return line
