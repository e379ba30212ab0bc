"""Filling groups to the benchmark and writing them out.

:func:`compose` adds, in order, the required ``Label:`` lines, each group's first sentences, a table,
the bullets, the required phrases still missing and sentences up to the word target; :func:`trim`
takes added sentences and bullets back off until the words fit under the maximum; :func:`render`
writes the groups as Markdown.
"""

from __future__ import annotations

from collections.abc import Sequence

from aicmo_core.document.text import count_words, line_key, normalize_heading, phrase_pattern
from aicmo_core.generators.template.facts import fill_template
from aicmo_core.generators.template.groups import Group
from aicmo_core.generators.template.headings import label_line
from aicmo_core.generators.template.patterns import WORD_CHAR_RE, has_words
from aicmo_core.generators.template.tables import write_table
from aicmo_core.generators.template.vocabulary import INTRO, INTRO_GOAL, MAX_SENTENCES_PER_PARAGRAPH
from aicmo_core.generators.template.writer import Writer


def compose(
    writer: Writer,
    groups: list[Group],
    *,
    bullets: int,
    target: int,
    table_rows: Sequence[str] | None,
    labels: Sequence[str],
    writer_text: str | None = None,
) -> None:
    """Fill ``groups`` (the first is the text before the first new sub-heading, or the text that
    continues ``writer_text``) with labels, first sentences, a table, ``bullets`` bullets, the
    required phrases neither has yet, and sentences until ``target`` words."""
    high = writer.section.max_words
    intro = groups[0]
    # Required ``Label:`` phrases first (before the openings, which read the labels), then the
    # required headings that must be labels, unless a required phrase already names them.
    wanted = [
        phrase
        for phrase in writer.section.required_substrings
        if phrase.rstrip().endswith(":") and not phrase_pattern(phrase, whole_words=False).search(writer_text or "")
    ]
    named = [normalize_heading(p.rstrip().rstrip(":")) for p in writer.section.required_substrings]
    wanted += [h for h in labels if not any(has_words(n, normalize_heading(h)) for n in named)]
    for label in wanted:
        place_label(writer, groups, label)
    for group in groups:
        if group.heading is None and writer_text is None and not group.paragraphs:
            slots = writer.slots()
            first = fill_template(writer.rng.choice(INTRO), slots)
            second = fill_template(writer.rng.choice(INTRO_GOAL), slots)
            paragraph = [s for s in (first, second) if s is not None and writer.fresh(s)]
            for sentence in paragraph:
                writer.used_keys.add(line_key(sentence))
                writer.count(sentence)
            group.paragraphs.append(paragraph)
        elif group.heading is not None:
            opening = writer.opening(group)
            if opening is not None:
                writer.count(opening)
                group.paragraphs.append([opening])
    if table_rows is not None:
        reserve = sum(1 for _ in groups) * 14 + bullets * 11
        budget = max(target - writer.words - reserve, 80)
        # ... but never more than the section's maximum leaves room for.
        budget = max(min(budget, high - writer.words - reserve // 2), 10)
        intro.table = write_table(writer, table_rows, budget)
        for row in intro.table:
            writer.count(" ".join(row))
    holders = [g for g in groups if g.heading is not None] or [intro]
    for index in range(bullets):
        group = holders[index % len(holders)]
        item = writer.bullet(group.topic, group.flavour)
        if item is None:
            break
        group.bullets.append(item)
        writer.count(item)
    require_phrases(writer, groups, writer_text or "")
    fill(writer, groups, target, high)


def place_label(writer: Writer, groups: Sequence[Group], label: str) -> None:
    """A ``**Label:** value`` line under the new sub-heading it names, else before them."""
    key = normalize_heading(label.rstrip().rstrip(":"))
    home = next(
        (g for g in groups if g.heading and has_words(normalize_heading(g.heading.split(":")[0]), key)),
        groups[0],
    )
    line = label_line(writer, label)
    home.labels.append(line)
    writer.count(line)


def require_phrases(writer: Writer, groups: list[Group], writer_text: str = "") -> None:
    """Write every required phrase that is not in the text yet (``Label:`` phrases are labels)."""

    def current() -> str:
        return "\n".join([writer_text, *("\n".join(g.blocks("#")) for g in groups)])

    text = current()
    for phrase in writer.section.required_substrings:
        if phrase_pattern(phrase, whole_words=False).search(text):
            continue
        if not WORD_CHAR_RE.search(phrase):
            if not any(g.table for g in groups):
                groups[0].table = write_table(writer, [g.heading for g in groups if g.heading], 80)
                for row in groups[0].table:
                    writer.count(" ".join(row))
        elif phrase.rstrip().endswith(":"):
            place_label(writer, groups, phrase)
        else:
            sentence = f"This plan gives {phrase} a clear place in the work for {writer.facts.slots['brand']}."
            groups[0].paragraphs.append([sentence])
            writer.count(sentence)
        text = current()


def fill(writer: Writer, groups: list[Group], target: int, high: int) -> None:
    """Add sentences, spread over the groups, until the word count reaches ``target``."""
    position = 0
    stalled = 0
    while writer.words < target and stalled < len(groups):
        group = groups[position % len(groups)]
        position += 1
        sentence = writer.sentence(group.topic, group.flavour)
        if sentence is None:
            stalled += 1
            continue
        words = count_words(sentence)
        if writer.words + words > high:
            writer.used_keys.discard(line_key(sentence))
            stalled += 1
            continue
        stalled = 0
        if not group.paragraphs or len(group.paragraphs[-1]) >= _paragraph_size(group):
            group.paragraphs.append([])
        group.paragraphs[-1].append(sentence)
        writer.count(sentence)


def _paragraph_size(group: Group) -> int:
    return 2 + (len(group.paragraphs) + len(group.topic)) % (MAX_SENTENCES_PER_PARAGRAPH - 1)


def trim(writer: Writer, groups: list[Group], high: int, min_bullets: int | None = None) -> None:
    """Remove added sentences, then added bullets above ``min_bullets`` (the benchmark's minimum
    by default), until the words fit under ``high``."""
    floor = writer.section.min_bullets if min_bullets is None else min_bullets
    for group in reversed(groups):
        for paragraph in reversed(group.paragraphs):
            while writer.words > high and len(paragraph) > 1:
                writer.words -= count_words(paragraph.pop())
    bullets = sum(len(g.bullets) for g in groups)
    for group in reversed(groups):
        while writer.words > high and group.bullets and bullets > floor:
            writer.words -= count_words(group.bullets.pop())
            bullets -= 1


def render(writer: Writer, groups: Sequence[Group]) -> str:
    blocks = [block for group in groups for block in group.blocks(writer.request.sub_heading)]
    return "\n\n".join(block for block in blocks if block.strip()) + "\n"
