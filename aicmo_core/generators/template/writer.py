"""The writer: one request's seeded choices, the lines already used and the running word count.

It draws fresh sentences and bullets from the pools of :mod:`.vocabulary`, works out the word and
bullet targets, and measures the writer's own text. The modules above it (headings, tables,
composing, the modes) are plain functions that take a :class:`Writer`.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Mapping, Sequence

from aicmo_core.benchmarks.models import SectionBenchmark, SectionFormat
from aicmo_core.document.model import Section, standalone_section
from aicmo_core.document.text import count_words, line_key, normalize_heading, phrase_pattern
from aicmo_core.generators.base import GenerationRequest
from aicmo_core.generators.template.cells import KIND_WORDS, TABLE_COLUMNS, Kind
from aicmo_core.generators.template.facts import as_topic, build_facts, fill_template
from aicmo_core.generators.template.groups import Group
from aicmo_core.generators.template.vocabulary import (
    BULLETS,
    FIELD_SENTENCES,
    GENERAL_BULLETS,
    GENERAL_SENTENCES,
    HASHTAG_BULLETS,
    METRIC_BULLETS,
    METRICS,
    SERIES_RE,
    STEP_BULLETS,
    STEP_FOCUS,
    STEP_SENTENCES,
    TOPIC_SENTENCES,
)


def _kind_of(section: SectionBenchmark) -> Kind:
    words = f"{section.id} {section.label}".lower()
    for kind, markers in KIND_WORDS:
        if any(marker in words for marker in markers):
            return kind
    return Kind.GENERAL


def _seed(request: GenerationRequest) -> int:
    payload = json.dumps(
        [
            request.pack.key,
            request.section.id,
            request.section.fingerprint,
            sorted(request.brief.fields.items()),
            request.mode.value,
            request.attempt,
        ],
        ensure_ascii=False,
    )
    return int.from_bytes(hashlib.blake2b(payload.encode(), digest_size=8).digest(), "big")


class Writer:
    """One request's worth of writing: the seeded choices, what is used, the running word count."""

    def __init__(self, request: GenerationRequest) -> None:
        self.request = request
        self.section = request.section
        self.kind = _kind_of(request.section)
        self.rng = random.Random(_seed(request))
        self._forbidden = [phrase_pattern(p, whole_words=True) for p in self.section.forbidden_substrings]
        self._forbidden += [re.compile(p) for p in self.section.forbidden_regex]
        # The section's description says what the section is for: a brief to the writer, not text for
        # the client (echoed, it read as a sentence about the report).
        self.facts = build_facts(request.brief, self.allowed)
        self.label_topic = as_topic(self.section.label)
        self._slots = {**self.facts.slots, "label": self.label_topic}
        self.used_keys: set[str] = set()
        self._orders: dict[str, list[int]] = {}
        self._cursors: dict[str, int] = {}
        self.words = 0

    # ---- choosing text -------------------------------------------------------------------------

    def allowed(self, text: str) -> bool:
        """Whether ``text`` is free of the section's forbidden phrases and patterns."""
        return not any(pattern.search(text) for pattern in self._forbidden)

    def fresh(self, text: str) -> bool:
        key = line_key(text)
        return bool(key) and key not in self.used_keys and self.allowed(text)

    def draw(
        self, pool: str, templates: Sequence[str], slots: Mapping[str, str], passes: int = 1, shuffle: bool = True
    ) -> str | None:
        """The next template of ``pool`` (in this request's shuffled order) that fills and is fresh."""
        order = self._orders.get(pool)
        if order is None:
            order = list(range(len(templates)))
            if shuffle:
                self.rng.shuffle(order)
            self._orders[pool] = order
        limit = len(order) * passes
        while self._cursors.get(pool, 0) < limit:
            position = self._cursors.get(pool, 0)
            self._cursors[pool] = position + 1
            text = fill_template(templates[order[position % len(order)]], slots)
            if text is None:
                continue
            key = line_key(text)
            if key and key not in self.used_keys and self.allowed(text):
                self.used_keys.add(key)
                return text
        return None

    def slots(self, topic: str | None = None, **more: str) -> dict[str, str]:
        slots = dict(self._slots)
        if topic:
            slots["topic"] = topic
        slots.update(more)
        return slots

    def sentence(self, topic: str, flavour: str = "topic") -> str | None:
        """A new sentence for a group of this ``flavour`` about ``topic``. Topic and step templates may
        come round again under another topic once their pool is used up (the line still differs)."""
        text = None
        if flavour.startswith("field:"):
            known, missing = FIELD_SENTENCES[flavour[6:]]
            pool = known if flavour[6:] in self.facts.known else missing
            text = self.draw(flavour, pool, self.slots(topic), shuffle=False)
        elif flavour == "step":
            text = self.draw("step", STEP_SENTENCES, self.slots(topic), passes=4)
        elif flavour == "topic":
            text = self.draw("topic", TOPIC_SENTENCES, self.slots(topic), passes=4)
        if text is None:
            text = self.draw("general", GENERAL_SENTENCES, self.slots())
        if text is None:
            text = self.draw(
                "topic", TOPIC_SENTENCES, self.slots(topic if flavour == "topic" else self.label_topic), passes=6
            )
        return text

    def opening(self, group: Group) -> str | None:
        """The first sentence under a sub-heading: what a numbered step focuses on, the brief field a
        sub-heading names (after its label line, the field's second sentence), or a topic sentence."""
        if group.flavour == "step":
            found = SERIES_RE.match(normalize_heading(group.topic))
            if found:
                focus, what = STEP_FOCUS[(int(found.group(2)) - 1) % len(STEP_FOCUS)]
                text = f"In {group.topic}, the focus is {focus.lower()}: {what}."
                if self.fresh(text):
                    self.used_keys.add(line_key(text))
                    return text
        elif group.flavour.startswith("field:") and group.labels:
            self._cursors[group.flavour] = max(self._cursors.get(group.flavour, 0), 1)
        return self.sentence(group.topic, group.flavour)

    def bullet(self, topic: str, flavour: str = "topic") -> str | None:
        if self.kind is Kind.HASHTAGS:
            words = set(topic.lower().replace("-", " ").split())
            wanted = [t for c, t in HASHTAG_BULLETS if c in words or (c == "usage" and "guidelines" in words)]
            for pool, templates in (("hashtags:" + topic, wanted), ("hashtags", [t for _, t in HASHTAG_BULLETS])):
                text = self.draw(pool, templates, self.slots(topic))
                if text is not None:
                    return text
        if self.kind is Kind.METRICS:
            metric = self.draw("metric-names", METRICS, {})
            if metric is not None:
                text = self.draw("metrics", METRIC_BULLETS, self.slots(topic, metric=metric), passes=3)
                if text is not None:
                    return text
        text = None
        if flavour == "step":
            text = self.draw("step-bullets", STEP_BULLETS, self.slots(topic), passes=4)
        elif flavour == "topic":
            text = self.draw("bullets", BULLETS, self.slots(topic), passes=6)
        if text is None:
            text = self.draw("general-bullets", GENERAL_BULLETS, self.slots())
        if text is None:
            text = self.draw("bullets", BULLETS, self.slots(self.label_topic), passes=6)
        return text

    def count(self, text: str) -> int:
        words = count_words(text)
        self.words += words
        return words

    # ---- planning --------------------------------------------------------------------------------

    def word_target(self, requested: int | None = None) -> int:
        low, high = self.section.min_words, self.section.max_words
        target = requested if requested is not None else (low + high) // 2
        return max(low, min(target, high))

    def bullet_target(self) -> int:
        low, high = self.section.min_bullets, self.section.max_bullets
        top = high if high is not None else low + 8
        target = round(low + (top - low) * 0.3)
        if self.section.format is SectionFormat.LIST:
            target = max(target, 3)
        return max(low, min(target, top))

    def table_columns(self) -> tuple[str, ...]:
        if self.kind is Kind.CALENDAR:
            return ("Day", "Week", "Platform", "Theme", "Post Idea")
        return TABLE_COLUMNS.get(self.kind, TABLE_COLUMNS[Kind.GENERAL])

    # ---- the writer's text ----------------------------------------------------------------------

    def take_stock(self, body: str) -> tuple[Section, list[str]]:
        """The writer's text measured, its lines marked as used, and what counts as present headings."""
        request = self.request
        measured = standalone_section(request.section, body, level=request.heading_level, mdx=request.mdx)
        for placed in measured.blocks(("paragraph", "row")):
            for line in placed.block.content.split("\n"):
                if line_key(line):
                    self.used_keys.add(line_key(line))
        present = [normalize_heading(h.text) for _, h in measured.sub_headings()]
        present += [normalize_heading(label) for label in measured.bold_labels()]
        present += [normalize_heading(cell) for _, table in measured.tables() for cell in table.header_cells]
        self.words = measured.metrics.words
        return measured, present
