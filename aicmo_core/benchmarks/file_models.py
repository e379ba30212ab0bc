"""Pydantic models of benchmark files: what a pack or library file may say, with the errors a writer
reads (file, line and field path, see :mod:`aicmo_core.benchmarks.loader`) and the JSON Schema
(``benchmarks/schema.json``).

A validated section becomes the plain :class:`~aicmo_core.benchmarks.models.SectionBenchmark` that
checks read (:func:`to_benchmark`); this module is imported only when a file is validated, never
on a pack-cache hit (see :mod:`aicmo_core.benchmarks.pack_cache`).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from aicmo_core.benchmarks.models import (
    MAX_EXAMPLE_CHARS,
    SECTION_FIELDS,
    SECTION_ID_PATTERN,
    SectionBenchmark,
    SectionFormat,
)
from aicmo_core.benchmarks.pattern_refusal import pattern_problem

NonEmpty = Annotated[str, Field(min_length=1)]


def _usable_pattern(pattern: str) -> str:
    problem = pattern_problem(pattern)
    if problem is not None:  # the reason alone, without pydantic's "Value error, " before it
        raise PydanticCustomError("unusable_pattern", "{problem}", {"problem": problem})
    return pattern


# A pattern of ``forbidden_regex``: valid, and refused when it could hang a check (see patterns.py).
# Validated item by item, so a problem names the item (``forbidden_regex[1]``) and its line.
Pattern = Annotated[NonEmpty, AfterValidator(_usable_pattern)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SectionDefinition(_Strict):
    """Every check one section of a pack must pass, as a benchmark file writes it (checks read it as
    :class:`~aicmo_core.benchmarks.models.SectionBenchmark`: :func:`to_benchmark`)."""

    id: Annotated[str, Field(pattern=SECTION_ID_PATTERN, description="Stable section id.")]
    label: Annotated[NonEmpty, Field(description="The heading a writer is expected to use.")]
    aliases: tuple[NonEmpty, ...] = Field(
        default=(), description="Other heading wordings that name this section in real reports."
    )
    description: str = Field(default="", description="What the section is for, in one sentence.")
    example: str | None = Field(
        default=None,
        max_length=MAX_EXAMPLE_CHARS,
        description="A short excerpt of a strong section of this kind, shown to models as a model of density "
        "(none of its facts are used). Unset: the example aicmo ships for this section id; empty: none.",
    )
    min_words: Annotated[int, Field(ge=0)]
    max_words: Annotated[int, Field(ge=1)]
    min_bullets: Annotated[int, Field(ge=0)] = 0
    max_bullets: Annotated[int | None, Field(ge=0)] = None
    min_headings: Annotated[int, Field(ge=0)] = 0
    max_headings: Annotated[int | None, Field(ge=0)] = None
    required_headings: tuple[NonEmpty, ...] = Field(
        default=(), description="Sub-headings (or table column headers) that must appear."
    )
    required_substrings: tuple[NonEmpty, ...] = Field(
        default=(), description="Phrases that must appear at least once (case-insensitive)."
    )
    forbidden_substrings: tuple[NonEmpty, ...] = Field(
        default=(), description="Phrases that must not appear (case-insensitive, whole words)."
    )
    forbidden_regex: tuple[Pattern, ...] = Field(
        default=(),
        description="Python regular expressions; any match is an error. Patterns that could backtrack "
        "without end, such as (a+)+, are refused.",
    )
    max_repeated_line_ratio: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5
    max_avg_sentence_length: Annotated[float | None, Field(ge=1.0)] = Field(
        default=None, description="Upper bound on the average words per sentence."
    )
    format: SectionFormat = SectionFormat.BLOCK

    @field_validator("max_words", "max_bullets", "max_headings")
    @classmethod
    def _bounds_in_order(cls, high_value: int | None, info: ValidationInfo) -> int | None:
        # A field validator rather than a model validator, so the problem names the field
        # (``sections[2].max_words``) and its line, not just the section entry.
        high = info.field_name or ""
        low = high.replace("max_", "min_", 1)
        low_value = info.data.get(low)  # absent when min_* itself failed validation
        if high_value is not None and low_value is not None and low_value > high_value:
            raise ValueError(f"{low} ({low_value}) is greater than {high} ({high_value})")
        return high_value


class SectionOverride(_Strict):
    """A section entry in a pack that refers to an included definition and changes some fields."""

    id: Annotated[str, Field(pattern=SECTION_ID_PATTERN)]
    label: NonEmpty | None = None
    aliases: tuple[NonEmpty, ...] | None = None
    description: str | None = None
    example: Annotated[str | None, Field(max_length=MAX_EXAMPLE_CHARS)] = None
    min_words: Annotated[int | None, Field(ge=0)] = None
    max_words: Annotated[int | None, Field(ge=1)] = None
    min_bullets: Annotated[int | None, Field(ge=0)] = None
    max_bullets: Annotated[int | None, Field(ge=0)] = None
    min_headings: Annotated[int | None, Field(ge=0)] = None
    max_headings: Annotated[int | None, Field(ge=0)] = None
    required_headings: tuple[NonEmpty, ...] | None = None
    required_substrings: tuple[NonEmpty, ...] | None = None
    forbidden_substrings: tuple[NonEmpty, ...] | None = None
    forbidden_regex: tuple[Pattern, ...] | None = None
    max_repeated_line_ratio: Annotated[float | None, Field(ge=0.0, le=1.0)] = None
    max_avg_sentence_length: Annotated[float | None, Field(ge=1.0)] = None
    format: SectionFormat | None = None


SectionEntry = Annotated[
    str | SectionOverride,
    Field(description="A section id from an included library, or a definition or override."),
]


class PackFile(_Strict):
    """A benchmark pack file: one report type and its ordered sections."""

    key: Annotated[str, Field(pattern=SECTION_ID_PATTERN, description="Pack key used in front matter.")]
    label: NonEmpty
    version: Annotated[int, Field(ge=1)] = 1
    strict: bool = Field(default=False, description="When true, a missing section is an error rather than a warning.")
    description: str = ""
    include: tuple[NonEmpty, ...] = Field(
        default=(), description="Library files (paths relative to this file) to take sections from."
    )
    sections: tuple[SectionEntry, ...] = Field(min_length=1)


class LibraryFile(_Strict):
    """A library of section definitions shared by several packs."""

    library: Annotated[str, Field(pattern=SECTION_ID_PATTERN)]
    version: Annotated[int, Field(ge=1)] = 1
    sections: tuple[SectionDefinition, ...]


class BenchmarkFile(BaseModel):
    """Either kind of benchmark file (used for the JSON Schema only)."""

    model_config = ConfigDict(title="aicmo benchmark file")
    root: PackFile | LibraryFile


class VocabularyFile(BaseModel):
    """The vocabulary of related terms (``benchmarks/vocabulary/``; see :mod:`vocabulary`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vocabulary: str
    version: Annotated[int, Field(ge=1)] = 1
    spellings: dict[str, str] = Field(default_factory=dict)
    groups: tuple[tuple[NonEmpty, ...], ...] = ()


def to_benchmark(definition: SectionDefinition) -> SectionBenchmark:
    """The validated section as checks read it."""
    return SectionBenchmark(**{name: getattr(definition, name) for name in SECTION_FIELDS})


def merge_override(base: SectionBenchmark, override: SectionOverride) -> dict[str, Any]:
    """The fields of ``base`` with every field the override sets replaced."""
    merged = base.as_dict()
    merged.update(override.model_dump(exclude_unset=True))
    return merged
