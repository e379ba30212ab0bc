"""Pydantic models of benchmark files.

A *pack file* names a report type and lists its sections in order. A *library file* holds section
definitions that several packs share; a pack pulls them in with ``include`` and then lists each
section by id, optionally overriding single fields. See ``docs/benchmarks.md``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from aicmo_core.benchmarks.patterns import pattern_problem

SECTION_ID_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
MAX_EXAMPLE_CHARS = 2000  # an example is an excerpt: a long one costs every prompt its tokens

NonEmpty = Annotated[str, Field(min_length=1)]


def _usable_pattern(pattern: str) -> str:
    problem = pattern_problem(pattern)
    if problem is not None:  # the reason alone, without pydantic's "Value error, " before it
        raise PydanticCustomError("unusable_pattern", "{problem}", {"problem": problem})
    return pattern


# A pattern of ``forbidden_regex``: valid, and refused when it could hang a check (see patterns.py).
# Validated item by item, so a problem names the item (``forbidden_regex[1]``) and its line.
Pattern = Annotated[NonEmpty, AfterValidator(_usable_pattern)]


class SectionFormat(str, Enum):
    """The shape a section's body must have."""

    BLOCK = "markdown_block"
    LIST = "markdown_list"
    TABLE = "markdown_table"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SectionBenchmark(_Strict):
    """Every check one section of a pack must pass."""

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

    @property
    def fingerprint(self) -> str:
        """A short hash of every field: equal fingerprints check a section identically."""
        return hashlib.blake2b(self.model_dump_json().encode(), digest_size=8).hexdigest()


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
    sections: tuple[SectionBenchmark, ...]


class BenchmarkFile(BaseModel):
    """Either kind of benchmark file (used for the JSON Schema only)."""

    model_config = ConfigDict(title="aicmo benchmark file")
    root: PackFile | LibraryFile


@dataclass(frozen=True, slots=True)
class SectionSource:
    """Where a section's benchmark is written: file and 0-based line, for jump-to-definition."""

    path: Path
    line: int


@dataclass(frozen=True, slots=True)
class Pack:
    """A resolved pack: includes applied, overrides merged, ready to check reports against."""

    key: str
    label: str
    version: int
    strict: bool
    description: str
    sections: tuple[SectionBenchmark, ...]
    path: Path
    line: int
    section_sources: dict[str, SectionSource]

    def section(self, section_id: str) -> SectionBenchmark | None:
        for section in self.sections:
            if section.id == section_id:
                return section
        return None

    @property
    def fingerprint(self) -> str:
        payload = "|".join([self.key, str(self.version), str(self.strict)] + [s.fingerprint for s in self.sections])
        return hashlib.blake2b(payload.encode(), digest_size=8).hexdigest()


def merge_override(base: SectionBenchmark, override: SectionOverride) -> dict[str, Any]:
    """The fields of ``base`` with every field the override sets replaced."""
    merged = base.model_dump()
    merged.update(override.model_dump(exclude_unset=True))
    return merged
