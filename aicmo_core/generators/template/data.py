"""The template generator's words, read from data: ``benchmarks/writing/``.

The words are data shipped with aicmo, like the packs, so that what the generator says can be read
and changed without reading code:

- ``shared.yaml``: which *kind* a section is (by words of its id and label), the values written
  after ``Label:`` phrases, the sentences, bullets and sub-heading topics every kind may use, the
  steps of a plan ("Week 2: Proof") and the sentence that carries a required phrase;
- ``brief.yaml``: how the brief is written (the first words that are no proper nouns, so they may
  be written in lower case mid-sentence), the platforms a channel can name (their formats and what
  each is used for) and, per industry, what a brief that says little is completed with (channels,
  audience, what the client sells, a goal, a tone);
- ``kinds/<kind>.yaml``: per kind of section (overview, audience, competitors, calendar, ...), what
  to say: the first sentence (``lead``, in order: the first that can be filled wins), openings,
  sentences and bullets, topics for its sub-headings (by words of the heading), the sub-headings it
  adds when it needs more, and its table (columns, rows, cells) or 30-day calendar.

Every text is a pattern: ``{slot}`` names a brief value (``{brand}``, ``{audience}``), one of the
brief's channels or competitors in turn (``{channel}``, ``{competitor}``) or something the section
supplies (``{topic}``). A pattern whose slot has no value is skipped. The slots a pattern may name
are :data:`SLOTS`; a pattern naming another is an error when the data is loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from aicmo_core.benchmarks.loader import builtin_benchmark_dir
from aicmo_core.benchmarks.models import SectionBenchmark
from aicmo_core.document.text import normalize_heading
from aicmo_core.errors import BenchmarkError, Problem

WRITING_DIR = "writing"

# The slots a pattern may name (filled by aicmo_core.generators.template.slots and the writer).
SLOTS = frozenset(
    {
        "brand",
        "brand_full",
        "brand_short",
        "industry",
        "industry_full",
        "people",
        "audience",
        "audience_full",
        "goal",
        "goal_full",
        "goal_given",
        "voice",
        "product",
        "product_short",
        "offering",
        "purchase",
        "offer",
        "market",
        "timeline",
        "budget",
        "channels",
        "channel_1",
        "channel_2",
        "channel_3",
        "channel",
        "channel_format",
        "channel_use",
        "competitors",
        "competitor",
        "competitor_1",
        "topic",
        "label",
        "step",
        "theme",
        "phrase",
        "brand_tag",
        "industry_tag",
        "campaign_tag",
    }
)
# Slots that take the brief's channels or competitors in turn: a pattern naming one may be used once
# per channel or competitor.
ITEM_SLOTS = {"channel": "channel", "channel_format": "channel", "channel_use": "channel", "competitor": "competitor"}
_SLOT_RE = re.compile(r"\{(\w+)\}")

Pattern = Annotated[str, Field(min_length=1)]
Patterns = tuple[Pattern, ...]


def slots_of(pattern: str) -> set[str]:
    return set(_SLOT_RE.findall(pattern))


def item_slot(pattern: str) -> str | None:
    """``"channel"`` or ``"competitor"`` when the pattern takes one of them in turn, else None."""
    return next((ITEM_SLOTS[name] for name in _SLOT_RE.findall(pattern) if name in ITEM_SLOTS), None)


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_slots(patterns: tuple[str, ...]) -> tuple[str, ...]:
    for pattern in patterns:
        unknown = slots_of(pattern) - SLOTS
        if unknown:
            raise ValueError(f"{pattern!r} names unknown slots: {', '.join(sorted(unknown))}")
    return patterns


class Topic(_Data):
    """What to say under a sub-heading whose words include one of ``words`` (normalised, whole
    words; ``"competit"`` matches "competitive" too: a word matches at the start of a word)."""

    words: tuple[str, ...] = Field(min_length=1)
    lead: Patterns = ()  # the first sentence, in order: the first that can be filled is written
    sentences: Patterns = ()
    bullets: Patterns = ()
    each: Literal["channel", "competitor"] | None = None  # one bullet per channel or competitor first
    items: Patterns = ()  # the patterns of those bullets

    _slots = field_validator("lead", "sentences", "bullets", "items")(_check_slots)


class KnownRow(_Data):
    """Cells of a table row whose label has one of ``words`` (funnel stages, email flows, ...)."""

    words: tuple[str, ...] = Field(min_length=1)
    cells: dict[str, Pattern]

    @field_validator("cells")
    @classmethod
    def _cell_slots(cls, cells: dict[str, str]) -> dict[str, str]:
        _check_slots(tuple(cells.values()))
        return cells


class Table(_Data):
    """A kind's table: its columns, its default rows and what its cells say."""

    columns: tuple[str, ...] = Field(min_length=2)
    rows: tuple[str, ...] = ()  # row labels when the section's sub-headings give too few
    rows_from: Literal["channels", "competitors"] | None = None  # one row per channel or competitor first
    ordered: bool = False  # cells drawn in the order written (phases: their timings run in order)
    cells: dict[str, Patterns] = Field(default_factory=dict)  # column -> cell patterns
    known: tuple[KnownRow, ...] = ()

    @field_validator("cells")
    @classmethod
    def _cell_slots(cls, cells: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for patterns in cells.values():
            _check_slots(patterns)
        return cells


class Calendar(_Data):
    """A day-by-day content calendar: its columns, themes in turn and post ideas per theme."""

    days: Annotated[int, Field(ge=7, le=60)] = 30
    columns: tuple[str, ...] = Field(min_length=4)
    themes: tuple[str, ...] = Field(min_length=2)
    ideas: dict[str, Patterns]  # theme (lower case) -> post ideas
    any_theme: Patterns = ()  # ideas for a theme without its own ({theme} names it)

    @field_validator("ideas")
    @classmethod
    def _idea_slots(cls, ideas: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for patterns in ideas.values():
            _check_slots(patterns)
        return ideas


class Kind(_Data):
    """What one kind of section says (``kinds/<kind>.yaml``)."""

    kind: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    version: Annotated[int, Field(ge=1)] = 1
    lead: Patterns = ()
    opening: Patterns = ()
    sentences: Patterns = ()
    bullets: Patterns = ()
    topics: tuple[Topic, ...] = ()
    headings: tuple[str, ...] = ()
    table: Table | None = None
    calendar: Calendar | None = None

    _slots = field_validator("lead", "opening", "sentences", "bullets")(_check_slots)


class KindRule(_Data):
    kind: str
    words: tuple[str, ...] = ()  # none: the fallback kind


class Label(_Data):
    """The value written after a ``Label:`` phrase whose words include one of ``words``."""

    words: tuple[str, ...] = Field(min_length=1)
    field: str | None = None  # the brief field it states, if any
    value: Pattern
    missing: Pattern | None = None  # when the brief lacks ``field``

    _slots = field_validator("value", "missing")(lambda v: _check_slots((v,))[0] if v else v)


class Step(_Data):
    """A step of a plan ("Week 2", "Phase 2"): its name and what it focuses on."""

    name: str
    focus: Pattern


class Shared(_Data):
    """``shared.yaml``: kinds, labels and what every kind may say."""

    writing: Literal["shared"]
    version: Annotated[int, Field(ge=1)] = 1
    kinds: tuple[KindRule, ...] = Field(min_length=1)
    labels: tuple[Label, ...] = ()
    label_default: Pattern
    sentences: Patterns = ()
    bullets: Patterns = ()
    topic_sentences: Patterns = ()  # about any sub-heading ({topic}), a last resort
    topic_bullets: Patterns = ()
    topics: tuple[Topic, ...] = ()
    steps: tuple[Step, ...] = Field(min_length=1)
    step_sentences: Patterns = ()
    step_bullets: Patterns = ()
    buckets: tuple[str, ...] = Field(min_length=1)
    headings: tuple[str, ...] = ()
    required_phrase: Patterns = Field(min_length=1)
    known_label: str = "What we know"

    _slots = field_validator(
        "sentences", "bullets", "topic_sentences", "topic_bullets", "step_sentences", "step_bullets", "required_phrase"
    )(_check_slots)


class Platform(_Data):
    """A platform a channel may name: its formats and what it is used for."""

    name: str
    aliases: tuple[str, ...] = ()
    formats: tuple[str, ...] = Field(min_length=1)
    uses: Patterns = Field(min_length=1)

    _slots = field_validator("uses")(_check_slots)


class Industry(_Data):
    """What a brief in this industry is completed with when it says little."""

    words: tuple[str, ...] = ()
    channels: tuple[str, ...] = Field(min_length=1)
    audience: str
    offering: str
    purchase: str = "order"  # what a customer does first: an order, a demo, an appointment, a donation
    people: str = "customers"  # what its customers are called: buyers, patients, supporters
    goal: str
    voice: str


def _word_set(value: object) -> object:
    """A list of words given as one text ("grow increase double ...", fast to parse) or a list."""
    return frozenset(str(value).replace(",", " ").split()) if isinstance(value, str) else value


class BriefWords(_Data):
    """``brief.yaml``: how brief values are written, platforms and industries."""

    writing: Literal["brief"]
    version: Annotated[int, Field(ge=1)] = 1
    lowercase_words: frozenset[str] = frozenset()
    goal_verbs: frozenset[str] = frozenset()
    brand_suffixes: frozenset[str] = frozenset()
    platforms: tuple[Platform, ...] = ()
    other_platform: Platform
    industries: tuple[Industry, ...] = ()
    default_industry: Industry

    _words = field_validator("lowercase_words", "goal_verbs", "brand_suffixes", mode="before")(_word_set)


@dataclass(frozen=True, slots=True, eq=False)  # compared and hashed by identity: the caches key on it
class Writing:
    """All of ``benchmarks/writing/``, validated; a kind's file is read the first time it is needed
    (reading every file costs a process a few hundred milliseconds with the pure-Python parser)."""

    shared: Shared
    brief: BriefWords
    folder: Path
    kinds: dict[str, Kind] = field(default_factory=dict)  # the kinds read so far

    def kind(self, name: str) -> Kind:
        found = self.kinds.get(name)
        if found is None:
            found = self.kinds[name] = _load_kind(self.folder / "kinds" / f"{name}.yaml")
        return found

    def kind_name(self, section: SectionBenchmark) -> str:
        """The name of a section's kind, without reading the kind's file."""
        return _kind_name(self, section.id, section.label)

    def kind_for(self, section: SectionBenchmark) -> Kind:
        return self.kind(self.kind_name(section))

    def topic_for(self, kind: Kind, heading: str) -> Topic | None:
        """The topic of a sub-heading: the kind's own first, then the shared ones."""
        return _topic_for(self, kind.kind, heading)

    def platform_for(self, channel: str) -> Platform:
        return _platform_for(self, channel)

    def industry_for(self, industry: str) -> Industry:
        text = f" {normalize_heading(industry)} "
        best, where = self.brief.default_industry, len(text)
        for entry in self.brief.industries:  # the word that comes first in the industry's name wins
            found = [text.find(f" {normalize_heading(word)} ") for word in entry.words]
            first = min((at for at in found if at >= 0), default=len(text))
            if first < where:
                best, where = entry, first
        return best


def _has_word(text: str, word: str) -> bool:
    """Whether ``word`` (one or more words) starts at a word boundary of the padded ``text``."""
    return f" {word}" in text


@lru_cache(maxsize=512)
def _kind_name(writing: Writing, section_id: str, label: str) -> str:
    text = f" {section_id.replace('_', ' ')} {normalize_heading(label)} ".lower()
    for rule in writing.shared.kinds:
        if not rule.words or any(_has_word(text, word) for word in rule.words):
            return rule.kind
    return writing.shared.kinds[-1].kind


@lru_cache(maxsize=2048)
def _topic_for(writing: Writing, kind: str, heading: str) -> Topic | None:
    """The topic with the longest word found in the heading, the kind's own before the shared ones
    ("Brand Voice" is about voice, "Brand Strengths" about strengths)."""
    text = f" {normalize_heading(heading)} "
    for topics in (writing.kind(kind).topics, writing.shared.topics):
        best, longest = None, 0
        for topic in topics:
            found = max((len(word) for word in topic.words if _has_word(text, word)), default=0)
            if found > longest:
                best, longest = topic, found
        if best is not None:
            return best
    return None


@lru_cache(maxsize=256)
def _platform_for(writing: Writing, channel: str) -> Platform:
    text = f" {normalize_heading(channel)} "
    for platform in writing.brief.platforms:
        if any(f" {normalize_heading(name)} " in text for name in (platform.name, *platform.aliases)):
            return platform
    return writing.brief.other_platform


def _load(path: Path) -> object:
    try:
        # The safe loader: the files ship with aicmo and a problem in them is a broken installation.
        return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise BenchmarkError([Problem(path, f"cannot read the template generator's words: {exc}")]) from None


def _validate(model: type[_Data], path: Path) -> _Data:
    try:
        return model.model_validate(_load(path))
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in error["loc"])
        raise BenchmarkError([Problem(path, f"invalid template words at {where}: {error['msg']}")]) from None


def _load_kind(path: Path) -> Kind:
    kind = _validate(Kind, path)
    assert isinstance(kind, Kind)
    if kind.kind != path.stem:
        raise BenchmarkError([Problem(path, f"the file of kind {kind.kind!r} must be named {kind.kind}.yaml")])
    return kind


def load_writing(folder: Path, *, every_kind: bool = False) -> Writing:
    """The words in ``folder`` (``shared.yaml``, ``brief.yaml``, ``kinds/*.yaml``), validated; with
    ``every_kind``, every kind's file is read and validated now rather than when first needed."""
    shared = _validate(Shared, folder / "shared.yaml")
    brief = _validate(BriefWords, folder / "brief.yaml")
    assert isinstance(shared, Shared) and isinstance(brief, BriefWords)
    files = {path.stem for path in (folder / "kinds").glob("*.yaml")}
    named = {rule.kind for rule in shared.kinds}
    if named - files:
        raise BenchmarkError(
            [Problem(folder / "shared.yaml", f"kinds without a file: {', '.join(sorted(named - files))}")]
        )
    if files - named:
        raise BenchmarkError(
            [Problem(folder / "shared.yaml", f"kinds no rule names: {', '.join(sorted(files - named))}")]
        )
    writing = Writing(shared, brief, folder)
    if every_kind:
        for name in sorted(files):
            writing.kind(name)
    return writing


@lru_cache(maxsize=1)
def builtin_writing() -> Writing:
    """The words shipped with aicmo; an installation missing them is broken, which is an error."""
    return load_writing(builtin_benchmark_dir() / WRITING_DIR)
