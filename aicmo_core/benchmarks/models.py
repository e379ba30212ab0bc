"""What a check reads of a pack: resolved packs and their sections, as plain frozen dataclasses.

A *pack file* names a report type and lists its sections in order. A *library file* holds section
definitions that several packs share; a pack pulls them in with ``include`` and then lists each
section by id, optionally overriding single fields. See ``docs/benchmarks.md``.

These classes are the hot path's (every rule reads them) and what the pack cache rebuilds
(:mod:`aicmo_core.benchmarks.pack_cache`), so this module imports neither pydantic nor YAML: the
files are validated by the pydantic models of :mod:`aicmo_core.benchmarks.file_models`, whose
field names, order and defaults are these (a test holds them equal).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any

SECTION_ID_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
MAX_EXAMPLE_CHARS = 2000  # an example is an excerpt: a long one costs every prompt its tokens


class SectionFormat(str, Enum):
    """The shape a section's body must have."""

    BLOCK = "markdown_block"
    LIST = "markdown_list"
    TABLE = "markdown_table"


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionBenchmark:
    """Every check one section of a pack must pass (validated: see ``file_models.SectionDefinition``,
    which documents each field)."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    example: str | None = None
    min_words: int
    max_words: int
    min_bullets: int = 0
    max_bullets: int | None = None
    min_headings: int = 0
    max_headings: int | None = None
    required_headings: tuple[str, ...] = ()
    required_substrings: tuple[str, ...] = ()
    forbidden_substrings: tuple[str, ...] = ()
    forbidden_regex: tuple[str, ...] = ()
    max_repeated_line_ratio: float = 0.5
    max_avg_sentence_length: float | None = None
    format: SectionFormat = SectionFormat.BLOCK
    # Computed on first use (``fingerprint``); not a field a pack sets, copied or compared.
    _fingerprint: str = field(default="", init=False, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The fields in their order, as a benchmark file would set them (the format as an enum)."""
        return {name: getattr(self, name) for name in SECTION_FIELDS}

    @property
    def fingerprint(self) -> str:
        """A short hash of every field: equal fingerprints check a section identically.

        The hash of the fields' compact JSON, the text pydantic's ``model_dump_json`` gives for the
        validated section, so fingerprints (which seed the template writer) did not change when
        sections stopped being pydantic models.
        """
        if not self._fingerprint:
            payload = json.dumps(
                {name: _json_value(value) for name, value in self.as_dict().items()},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            object.__setattr__(self, "_fingerprint", hashlib.blake2b(payload.encode(), digest_size=8).hexdigest())
        return self._fingerprint


SECTION_FIELDS = tuple(f.name for f in fields(SectionBenchmark) if f.init)


def _json_value(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float) and not math.isfinite(value):
        return None  # as pydantic writes infinity and NaN
    return value


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
