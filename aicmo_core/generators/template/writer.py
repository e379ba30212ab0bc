"""The writer: one request's seeded choices, the lines already used and the running word count.

It draws fresh sentences and bullets from the patterns of :mod:`.data` (a group's topic first, then
the section's kind, then what every kind may say), fills them from the brief (:mod:`.slots`), works
out the word and bullet targets and measures the writer's own text. A line is fresh when neither
this section nor the rest of the report (``request.report``) has it yet; only when every pattern is
spent may a line the report already has come again (passing the benchmark comes first). The
modules above it (headings, tables, composing, the modes) are plain functions that take a
:class:`Writer`.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from aicmo_core.benchmarks.models import SectionFormat
from aicmo_core.benchmarks.patterns import Budget, PatternTimeout
from aicmo_core.document.model import Section, standalone_section
from aicmo_core.document.text import count_words, line_key, normalize_heading, phrase_pattern, sentence_bounds
from aicmo_core.generators.base import GenerationRequest
from aicmo_core.generators.template.data import Topic, builtin_writing, item_slot
from aicmo_core.generators.template.groups import Group, as_topic
from aicmo_core.generators.template.patterns import LIST_MARKER_RE, TABLE_DELIMITER_RE
from aicmo_core.generators.template.slots import build_slots

Pool = tuple[str, Sequence[str], Mapping[str, str]]  # (name, patterns, slots the group adds)
# "Glow Botanicals's" -> "Glow Botanicals'": a name that ends in s takes the apostrophe alone.
_ATTRIBUTIVE_BRAND_RE = re.compile(
    r"\{brand\} (?:customers?|regulars?|posts?|pages?|team|ads?|orders?|flows?|campaigns?|forms?|links?|"
    r"emails?|messages?|concepts?|reviews?|news|subscribers|enquir(?:y|ies)|site|website|products?|audit|"
    r"ideas?|offers?|assets?|photos?|account|list|tracker|cart|booking|creators?|colours?|typeface)\b"
)
_ARTICLE_RE = re.compile(r"\b([Aa]) (?=[aeiouAEIOU])(?!(?i:one|once|uni|use|usu|uk\b|eu|ufo|ut))")
_SYMBOLS = " .,!?☕✨🍵😊-–—&+*"
_POSSESSIVE_RE = re.compile(r"(\b[A-Z][\w&.-]*s)'s\b")


def _seed(request: GenerationRequest) -> int:
    payload = json.dumps(
        [
            request.pack.key,
            request.section.id,
            request.section.fingerprint,
            sorted(request.brief.fields.items()),
            sorted(request.brief.lists.items()),
            request.mode.value,
            request.attempt,
        ],
        ensure_ascii=False,
    )
    return int.from_bytes(hashlib.blake2b(payload.encode(), digest_size=8).digest(), "big")


def _client_seed(request: GenerationRequest) -> str:
    """What a report's sections share: the pack, the brief, the mode and the attempt."""
    return json.dumps(
        [
            request.pack.key,
            sorted(request.brief.fields.items()),
            sorted(request.brief.lists.items()),
            request.mode.value,
            request.attempt,
        ],
        ensure_ascii=False,
    )


def _stable(*parts: str) -> int:
    return int.from_bytes(hashlib.blake2b("\x00".join(parts).encode(), digest_size=8).digest(), "big")


def text_keys(body: str) -> Iterable[str]:
    """The normalised lines of a body as the report compares them: each prose sentence, list item
    and table row."""
    for raw in body.split("\n"):
        line = raw.strip()
        if not line or line.startswith("#") or TABLE_DELIMITER_RE.match(line):
            continue
        if line.startswith("|"):
            yield line_key(line)
            continue
        marker = LIST_MARKER_RE.match(line)
        line = line[marker.end() :] if marker else line
        yield line_key(line)
        for start, end in sentence_bounds(line):
            yield line_key(line[start:end])


class _Slots(dict[str, str]):
    def __missing__(self, key: str) -> str:
        raise KeyError(key)


@dataclass(slots=True)
class _PoolState:
    order: list[int]
    uses: list[int]


class Writer:
    """One request's worth of writing: the seeded choices, what is used, the running word count."""

    def __init__(self, request: GenerationRequest) -> None:
        self.request = request
        self.section = request.section
        self.data = builtin_writing()
        self.kind = self.data.kind_for(request.section)
        self.rng = random.Random(_seed(request))
        self._client_seed = _client_seed(request)
        same_kind = [s.id for s in request.pack.sections if self.data.kind_name(s) == self.kind.kind]
        ids = [s.id for s in request.pack.sections]
        place = (ids.index(self.section.id), len(ids)) if self.section.id in ids else (0, 1)
        kind_place = (same_kind.index(self.section.id), len(same_kind)) if self.section.id in same_kind else (0, 1)
        self._places = (kind_place, place)
        self._forbidden = [phrase_pattern(p, whole_words=True) for p in self.section.forbidden_substrings]
        self._forbidden_patterns = list(self.section.forbidden_regex)  # the pack's: run with a time limit
        self._pattern_budget = Budget()
        self.brief = build_slots(request.brief, self.allowed, self.data)
        self._foreign = self._foreign_platforms()
        # After two full mentions, every other mention of the brand uses its short form, if any.
        self._brand = self.brief.values.get("brand_full", "")
        self._brand_uses = 0
        self._audience = self.brief.values["audience"]
        self._audience_uses = 0
        self.label_topic = as_topic(self.section.label)
        self.used_keys: set[str] = set()
        neighbours = [*request.report, *(n for n in (request.before, request.after) if n is not None)]
        self.report_keys = {key for n in neighbours for key in text_keys(n.body) if key}
        self._pools: dict[str, _PoolState] = {}
        self._turns = {"channel": 0, "competitor": 0}
        self._item_uses: dict[str, int] = {}
        self.words = 0

    # ---- choosing text -------------------------------------------------------------------------

    def allowed(self, text: str) -> bool:
        """Whether ``text`` is free of the section's forbidden phrases and patterns."""
        if any(pattern.search(text) for pattern in self._forbidden):
            return False
        try:
            return not any(self._pattern_budget.search(pattern, text) for pattern in self._forbidden_patterns)
        except PatternTimeout:
            # The pack's patterns spent their time: the writer stops consulting them, and checking
            # the text it writes reports the pattern (AIC901 check_timeout) if it is still slow there.
            self._forbidden_patterns = []
            return True

    def fresh(self, text: str, strict: bool = True) -> bool:
        """Whether ``text`` is new to the section (and, ``strict``, to the report) and allowed."""
        key = line_key(text)
        return (
            bool(key) and key not in self.used_keys and not (strict and key in self.report_keys) and self.allowed(text)
        )

    def use(self, text: str) -> str:
        self.used_keys.add(line_key(text))
        if self._brand and self._brand in text:
            self._brand_uses += 1
        if self._audience in text or self.brief.values["people"] in text:
            self._audience_uses += 1
        return text

    def _foreign_platforms(self) -> re.Pattern[str] | None:
        """The platforms a pattern may not name: every named platform but the brief's channels and
        those the section's own label and required headings name ("SMS & WhatsApp Strategy")."""
        own = " ".join([self.section.label, *self.section.required_headings, *self.section.required_substrings])
        allowed = {id(self.data.platform_for(channel)) for channel in self.brief.channels}
        names = [
            platform.name
            for platform in self.data.brief.platforms
            if id(platform) not in allowed
            and platform.name[:1].isupper()
            and len(platform.name) > 2
            and not re.search(rf"(?i)\b{re.escape(platform.name)}\b", own)
        ]
        if not names:
            return None
        return re.compile(r"\b(?:" + "|".join(re.escape(name) for name in names) + r")\b")

    def items(self, kind: str) -> tuple[str, ...]:
        return self.brief.channels if kind == "channel" else self.brief.competitors

    def fill(self, pattern: str, extra: Mapping[str, str] | None = None, item: str | None = None) -> str | None:
        """``pattern`` filled from the brief, ``extra`` and, for ``item``, that channel or competitor;
        None when a slot has no value. The first letter is a capital unless a value written as given
        in lower case (a brand like "café lumière") starts the sentence."""
        if self._foreign is not None and self._foreign.search(pattern):
            return None  # a platform the brief did not choose
        if not self._brand and _ATTRIBUTIVE_BRAND_RE.search(pattern):
            return None  # "{brand} customers" reads "the brand customers" without a name
        values = dict(self.brief.values)
        if self._brand_uses >= 2 and self._brand_uses % 2 == 0 and "brand_short" in values:
            values["brand"] = values["brand_short"]
        if self._audience_uses >= 3 and self._audience_uses % 2 == 1:
            values["audience"] = values["people"]  # "finance directors and AP managers", then "buyers"
        if item is not None:
            values.update(self._item_values(item))
        if extra:
            values.update(extra)  # what the caller names (a row's channel and format) wins
        try:
            text = pattern.format_map(_Slots(values))
        except KeyError:
            return None
        text = _ARTICLE_RE.sub(r"\1n ", _POSSESSIVE_RE.sub("\\1'", " ".join(text.split())))  # "a update" -> "an update"
        if self._brand_uses and not self._brand[-1:].isalnum() and self._brand + "'s" in text:
            text = text.replace(self._brand + "'s", self._brand.rstrip(_SYMBOLS) + "'s")  # "café ☕'s" -> "café's"
        start = len(text) - len(text.lstrip("*_"))  # "**email:** ..." starts with its word, not its markup
        if text[start : start + 1].islower() and not text[start:].startswith(self.brief.as_given):
            text = text[:start] + text[start].upper() + text[start + 1 :]
        return text

    def _item_values(self, item: str) -> dict[str, str]:
        if item in self.brief.competitors:
            return {"competitor": item}
        platform = self.data.platform_for(item)
        count = self._item_uses.get(item, 0)
        self._item_uses[item] = count + 1
        values = {"channel": item, "channel_format": platform.formats[count % len(platform.formats)]}
        use = self.fill(platform.uses[count % len(platform.uses)], {"channel": item})
        if use is not None:
            first = use.split(" ", 1)[0]
            generic = first in ("A", "An", "The") or (first[1:].islower() and first != item)
            values["channel_use"] = use[0].lower() + use[1:] if generic else use
        return values

    def draw(
        self,
        pool: str,
        patterns: Sequence[str],
        extra: Mapping[str, str] | None = None,
        *,
        strict: bool = True,
        shuffle: bool = True,
        per_item: bool = False,
    ) -> str | None:
        """The next pattern of ``pool`` (in this request's shuffled order) that fills and is fresh.
        A pattern is used once; ``per_item``, once per channel or competitor when it names one."""
        state = self._pools.get(pool)
        if state is None:
            state = self._pools[pool] = _PoolState(self._order(pool, len(patterns), shuffle), [0] * len(patterns))
        for index in sorted(state.order, key=lambda i: state.uses[i]):  # the least used first, in shuffled order
            pattern = patterns[index]
            kind = item_slot(pattern)
            items = self.items(kind) if kind else ()
            if state.uses[index] >= (len(items) if kind and per_item else 1):
                continue
            if kind and extra and extra.get(kind):  # the group or row names its channel or competitor
                items = (extra[kind],)
            text = self._fresh_fill(pattern, extra, kind, items, strict)
            if text is not None:
                state.uses[index] += 1
                return self.use(text)
        return None

    def _fresh_fill(
        self, pattern: str, extra: Mapping[str, str] | None, kind: str | None, items: Sequence[str], strict: bool
    ) -> str | None:
        if kind is None:
            text = self.fill(pattern, extra)
            return text if text is not None and self.fresh(text, strict) else None
        turn = self._turns[kind] if len(items) > 1 else 0
        for step in range(len(items)):
            text = self.fill(pattern, extra, items[(turn + step) % len(items)])
            if text is not None and self.fresh(text, strict):
                if len(items) > 1:
                    self._turns[kind] = turn + step + 1
                return text
        return None

    def _order(self, pool: str, size: int, shuffle: bool) -> list[int]:
        """The order a pool is drawn in: shuffled once per client (pack, brief, mode, attempt), then
        started where this section's share of it starts, so the sections of a report draw different
        patterns even when they are written apart (a section's place among the pack's sections of its
        kind, or among all of them for the pools every kind shares)."""
        order = list(range(size))
        if not shuffle or size < 2:
            return order
        random.Random(_stable(self._client_seed, pool)).shuffle(order)
        shared = pool.startswith(("shared", "step", "any"))
        place, count = self._places[1] if shared else self._places[0]
        start = (place * size) // max(count, 1)
        return order[start:] + order[:start]

    def first(self, pools: Sequence[Pool], last: Sequence[Pool] = ()) -> str | None:
        """The first fresh text of the first pool that has one; only when none has, a text the
        report already has; only then one of the ``last`` pools (sentences about any topic)."""
        for group, strict in ((pools, True), (pools, False), (last, True), (last, False)):
            for name, patterns, extra in group:
                text = self.draw(name, patterns, extra, strict=strict)
                if text is not None:
                    return text
        return None

    def _topic_pools(self, topic: Topic | None, group: Group, bullets: bool) -> list[Pool]:
        if topic is None:
            return []
        key = "topic:" + "|".join(topic.words) + (":b" if bullets else "")
        return [(key, topic.bullets if bullets else topic.sentences, {"topic": group.topic})]

    def sentence(self, group: Group) -> str | None:
        """A new sentence for ``group``: its topic's, its step's, the kind's, then anyone's."""
        kind, shared = self.kind, self.data.shared
        topic = {"topic": group.topic}
        pools: list[Pool] = self._topic_pools(group.topic_data, group, bullets=False)
        if group.flavour == "step":
            pools.append(("step", shared.step_sentences, {"step": group.topic}))
        if group.flavour == "intro":
            pools.append(("opening", kind.opening, {}))
        pools += [("kind", kind.sentences, {}), ("shared", shared.sentences, {})]
        last: list[Pool] = [("any:" + group.topic, shared.topic_sentences, topic)] if group.flavour != "intro" else []
        return self.first(pools, last)

    def bullet(self, group: Group) -> str | None:
        kind, shared = self.kind, self.data.shared
        pools: list[Pool] = self._topic_pools(group.topic_data, group, bullets=True)
        if group.flavour == "step":
            pools.append(("step-bullets", shared.step_bullets, {"step": group.topic}))
        pools += [("kind-bullets", kind.bullets, {}), ("shared-bullets", shared.bullets, {})]
        return self.first(pools, [("any-bullets:" + group.topic, shared.topic_bullets, {"topic": group.topic})])

    def lead(self, patterns: Sequence[str], extra: Mapping[str, str] | None = None) -> str | None:
        """The first of ``patterns``, in order, that fills and is fresh."""
        return self.draw("lead:" + "|".join(patterns[:1]), patterns, extra, shuffle=False)

    def count(self, text: str) -> int:
        words = count_words(text)
        self.words += words
        return words

    # ---- planning --------------------------------------------------------------------------------

    def word_target(self, requested: int | None = None) -> int:
        """The words to reach: what was asked, else a little over the minimum (short and specific
        beats long and padded)."""
        low, high = self.section.min_words, self.section.max_words
        target = requested if requested is not None else low + max(15, (high - low) // 10)
        return max(low, min(target, high))

    def bullet_target(self) -> int:
        low, high = self.section.min_bullets, self.section.max_bullets
        top = high if high is not None else low + 8
        target = round(low + (top - low) * 0.25)
        if self.section.format is SectionFormat.LIST:
            target = max(target, 3)
        return max(low, min(target, top))

    def table_columns(self) -> tuple[str, ...]:
        if self.kind.calendar is not None:
            return self.kind.calendar.columns
        table = self.kind.table or self.data.kind("general").table
        assert table is not None  # the general kind has a table
        return table.columns

    # ---- the writer's text ----------------------------------------------------------------------

    def take_stock(self, body: str) -> tuple[Section, list[str]]:
        """The writer's text measured, its lines marked as used, and what counts as present headings."""
        request = self.request
        measured = standalone_section(request.section, body, level=request.heading_level, mdx=request.mdx)
        for placed in measured.blocks(("paragraph", "row")):
            for line in placed.block.content.split("\n"):
                for key in text_keys(line):
                    if key:
                        self.used_keys.add(key)
        present = [normalize_heading(h.text) for _, h in measured.sub_headings()]
        present += [normalize_heading(label) for label in measured.bold_labels()]
        present += [normalize_heading(cell) for _, table in measured.tables() for cell in table.header_cells]
        self.words = measured.metrics.words
        return measured, present
