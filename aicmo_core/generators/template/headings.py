"""Planning sub-headings and bold labels: which required headings fit under ``max_headings`` and
which become ``**Label:**`` lines, which sub-headings to add (the next steps of a numbered series, or
the kind's own), and the value written after a label."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aicmo_core.document.text import normalize_heading
from aicmo_core.generators.template.groups import SERIES_RE, STEP_WORDS, as_topic
from aicmo_core.generators.template.patterns import has_words
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
    if writer.kind.calendar is not None and existing == 0 and not as_headings:
        wanted = max(wanted, 4)
    if room is not None:
        wanted = min(wanted, room)
    headings = [*as_headings]
    taken = {normalize_heading(h) for h in [*headings, *section.required_headings]} | set(present)
    # An added sub-heading says something new: none shares a topic with one already there.
    topics = {id(t) for h in [*headings, *section.required_headings] if (t := writer.data.topic_for(writer.kind, h))}
    for extra in _extra_headings(writer, headings):
        if len(headings) >= wanted:
            break
        key = normalize_heading(extra)
        topic = None if SERIES_RE.match(key) else writer.data.topic_for(writer.kind, extra)  # steps may share one
        if key not in taken and writer.allowed(extra) and (topic is None or id(topic) not in topics):
            headings.append(extra)
            taken.add(key)
            if topic is not None:
                topics.add(id(topic))
    return [_named_step(writer, h) for h in headings], as_labels


def _extra_headings(writer: Writer, headings: Sequence[str]) -> Iterable[str]:
    """More sub-headings: the next steps of a numbered series ("Phase 3" after "Phase 2"), a
    series the section's label implies ("Bucket 1" in "Content Buckets"), the kind's own, or any."""
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
    if not series and writer.kind.calendar is not None:
        series["week"] = 0
    for word, last in series.items():
        for number in range(last + 1, last + 7):
            yield f"{word.capitalize()} {number}"
    first, *extra = writer.kind.headings or ("",)
    writer.rng.shuffle(extra)
    yield from [h for h in (first, *extra) if h]
    yield from writer.data.shared.headings


def _named_step(writer: Writer, heading: str) -> str:
    """``"Week 1"`` -> ``"Week 1: Foundations"``; ``"Bucket 2"`` -> ``"Bucket 2: Proof"``."""
    found = SERIES_RE.match(normalize_heading(heading))
    if not found or ":" in heading:
        return heading
    number = int(found.group(2))
    shared = writer.data.shared
    if found.group(1) in STEP_WORDS:
        name = shared.steps[(number - 1) % len(shared.steps)].name
    else:
        name = shared.buckets[(number - 1) % len(shared.buckets)]
    named = f"{heading}: {name}"
    return named if writer.allowed(named) else heading


def step_focus(writer: Writer, step: str) -> str | None:
    """What a numbered step ("week 2") focuses on, as a sentence."""
    found = SERIES_RE.match(normalize_heading(step))
    if not found or found.group(1) not in STEP_WORDS:
        return None
    steps = writer.data.shared.steps
    return writer.draw("focus:" + step, [steps[(int(found.group(2)) - 1) % len(steps)].focus], {"step": step})


def label_line(writer: Writer, label: str) -> str:
    """``**Brand:** Glow Botanicals`` for a required ``Brand:`` phrase (or a required heading
    written as a bold label)."""
    name = label.rstrip().rstrip(":").strip()
    words = set(normalize_heading(name).split())
    value = None
    topic = {"topic": as_topic(name), "label": writer.label_topic}
    for entry in writer.data.shared.labels:
        if not words.intersection(entry.words):
            continue
        pattern = entry.value
        if entry.field is not None and entry.field not in writer.brief.known:
            if entry.missing is None:
                continue
            pattern = entry.missing
        value = writer.fill(pattern, topic)
        if value is not None and writer.allowed(value):
            break
        value = None
    if value is None:
        group_topic = writer.data.topic_for(writer.kind, name)
        pool = group_topic.sentences if group_topic is not None else writer.kind.sentences
        value = writer.draw("label:" + name, pool, topic) or writer.fill(writer.data.shared.label_default, topic)
    value = value or name
    value = (
        value[0].upper() + value[1:] if value[:1].islower() and not value.startswith(writer.brief.as_given) else value
    )
    return writer.use(f"**{name}:** {value}")
