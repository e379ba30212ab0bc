"""Filling groups to the benchmark and writing them out.

:func:`compose` adds, in order, the writer's kept label lines and the required ``Label:`` lines,
the writer's other kept lines, each group's first sentences, a table, one bullet per channel or
competitor where a topic asks for it, the other bullets, the required phrases still missing and
sentences up to the word target; :func:`trim` takes added sentences and bullets back off until the
words fit under the maximum; :func:`render` writes the groups as Markdown.
"""

from __future__ import annotations

from collections.abc import Sequence

from aicmo_core.document.text import count_words, line_key, normalize_heading, phrase_pattern
from aicmo_core.generators.template.groups import Group
from aicmo_core.generators.template.headings import label_line, step_focus
from aicmo_core.generators.template.keep import Kept
from aicmo_core.generators.template.patterns import WORD_CHAR_RE, has_words
from aicmo_core.generators.template.tables import write_table
from aicmo_core.generators.template.writer import Writer

MAX_SENTENCES_PER_PARAGRAPH = 3


def compose(
    writer: Writer,
    groups: list[Group],
    *,
    bullets: int,
    target: int,
    table_rows: Sequence[str] | None,
    labels: Sequence[str],
    writer_text: str | None = None,
    kept: Kept | None = None,
) -> None:
    """Fill ``groups`` (the first is the text before the first new sub-heading, or the text that
    continues ``writer_text``) with labels, the writer's ``kept`` lines, first sentences, a table,
    ``bullets`` bullets, the required phrases neither has yet, and sentences until ``target`` words."""
    kept = kept or Kept()
    high = writer.section.max_words
    intro = groups[0]
    # Required ``Label:`` phrases first (before the openings, which read the labels), then the
    # required headings that must be labels, unless a required phrase or a kept label names them.
    have = "\n".join([writer_text or "", *(line.text for line in kept.labels)])
    wanted = [
        phrase
        for phrase in writer.section.required_substrings
        if phrase.rstrip().endswith(":") and not phrase_pattern(phrase, whole_words=False).search(have)
    ]
    named = [normalize_heading(p.rstrip().rstrip(":")) for p in writer.section.required_substrings]
    wanted += [h for h in labels if not any(has_words(n, normalize_heading(h)) for n in named)]
    for line in kept.labels:
        _home(groups, line.text.split(":")[0].strip("* ")).labels.append(writer.use(line.text))
        writer.count(line.text)
    for label in wanted:
        place_label(writer, groups, label)
    bullets -= _place_kept(writer, groups, kept)
    _open(writer, groups, writer_text)
    if table_rows is not None:
        reserve = sum(1 for _ in groups) * 14 + bullets * 11
        budget = max(target - writer.words - reserve, 80)
        if writer.kind.calendar is not None:  # a 30-day calendar has its 30 days when the range allows
            budget = high
        # ... but never more than the section's maximum leaves room for.
        budget = max(min(budget, high - writer.words - reserve // 2), 10)
        intro.table = write_table(writer, table_rows, budget)
        for row in intro.table:
            writer.count(" ".join(row))
    bullets -= _each_bullets(writer, groups, bullets)
    holders = [g for g in groups if g.heading is not None] or [intro]
    for index in range(max(bullets, 0)):
        group = holders[index % len(holders)]
        item = writer.bullet(group)
        if item is None:
            break
        group.bullets.append(item)
        writer.count(item)
    require_phrases(writer, groups, writer_text or "")
    fill(writer, groups, target, high)


def _home(groups: Sequence[Group], heading: str) -> Group:
    """The new group whose sub-heading is most like ``heading`` (words of four letters or more in
    common), else the first."""
    words = {word for word in normalize_heading(heading).split() if len(word) >= 4}
    best, score = groups[0], 0
    for group in groups:
        if group.heading is None:
            continue
        common = len(words & set(normalize_heading(group.heading.split(":")[0]).split()))
        if common > score:
            best, score = group, common
    return best


def _place_kept(writer: Writer, groups: Sequence[Group], kept: Kept) -> int:
    """The writer's kept lines under the groups most like their sub-headings; the bullets placed."""
    room = writer.section.max_bullets
    placed = 0
    sentences: dict[int, list[str]] = {}
    for line in kept.lines:
        if line.kind == "label":
            continue
        home = _home(groups, line.heading) if line.heading else groups[0]
        writer.use(line.text)
        writer.count(line.text)
        if line.kind == "bullet" and (room is None or placed < room):
            home.bullets.append(line.text)
            home.fixed_bullets += 1
            placed += 1
        elif line.kind == "table":
            home.kept.append(line.text)
        else:
            sentences.setdefault(id(home), []).append(line.text)
    for group in groups:
        if id(group) in sentences:
            group.kept.append(" ".join(sentences[id(group)]))
    return placed


def _open(writer: Writer, groups: Sequence[Group], writer_text: str | None) -> None:
    """Each group's first sentences: the kind's lead and an opening before the first sub-heading,
    a topic's lead, a step's focus or a sentence under each new one."""
    for group in groups:
        if group.heading is None:
            if writer_text is not None or group.paragraphs:
                continue
            first = writer.lead(writer.kind.lead)
            second = writer.sentence(group)
            paragraph = [s for s in (first, second) if s is not None]
        else:
            opening = None
            # A label line already states what a field topic's lead would ("**Brand:** ...").
            if group.topic_data is not None and group.topic_data.lead and not group.labels:
                opening = writer.lead(group.topic_data.lead, {"topic": group.topic})
            if opening is None and group.flavour == "step":
                opening = step_focus(writer, group.topic)
            if opening is None:
                opening = writer.sentence(group)
            paragraph = [opening] if opening is not None else []
        for sentence in paragraph:
            writer.count(sentence)
        if paragraph:
            group.paragraphs.append(paragraph)


def _each_bullets(writer: Writer, groups: Sequence[Group], room: int) -> int:
    """One bullet per channel or competitor under the sub-headings whose topic asks for it."""
    written = 0
    limit = writer.section.max_bullets
    for group in groups:
        topic = group.topic_data
        if topic is None or topic.each is None or not topic.items:
            continue
        for item in writer.items(topic.each):
            if limit is not None and written >= max(room, 0):
                return written
            extra = {topic.each: item, "topic": group.topic}
            text = writer.draw("each:" + "|".join(topic.words), topic.items, extra, per_item=True)
            if text is not None:
                group.bullets.append(text)
                writer.count(text)
                written += 1
    return written


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
            pool = writer.data.shared.required_phrase
            sentence = writer.draw("phrase:" + phrase, pool, {"phrase": phrase}, strict=False)
            if sentence is not None:
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
        sentence = writer.sentence(group)
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
    by default), until the words fit under ``high``. The writer's kept lines stay."""
    floor = writer.section.min_bullets if min_bullets is None else min_bullets
    for group in reversed(groups):
        for paragraph in reversed(group.paragraphs):
            while writer.words > high and len(paragraph) > 1:
                writer.words -= count_words(paragraph.pop())
    bullets = sum(len(g.bullets) for g in groups)
    for group in reversed(groups):
        while writer.words > high and len(group.bullets) > group.fixed_bullets and bullets > floor:
            writer.words -= count_words(group.bullets.pop())
            bullets -= 1


def render(writer: Writer, groups: Sequence[Group]) -> str:
    blocks = [block for group in groups for block in group.blocks(writer.request.sub_heading)]
    return "\n\n".join(block for block in blocks if block.strip()) + "\n"
