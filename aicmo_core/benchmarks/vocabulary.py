"""The vocabulary of related marketing terms that section matching uses (``benchmarks/vocabulary/``).

It is data shipped with aicmo, like the packs: a list of groups of terms that name the same thing
in headings, and British spellings read as American ones. See ``docs/counting.md``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from aicmo_core.benchmarks.loader import builtin_benchmark_dir
from aicmo_core.errors import BenchmarkError, Problem

VOCABULARY_FILE = "vocabulary/related_terms.yaml"

Term = Annotated[str, Field(min_length=1)]


class Vocabulary(BaseModel):
    """Groups of related terms and spelling variants."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vocabulary: str
    version: Annotated[int, Field(ge=1)] = 1
    spellings: dict[str, str] = Field(default_factory=dict)
    groups: tuple[tuple[Term, ...], ...] = ()


@lru_cache(maxsize=1)
def builtin_vocabulary() -> Vocabulary:
    """The vocabulary shipped with aicmo; an installation missing it is broken, which is an error."""
    path = builtin_benchmark_dir() / VOCABULARY_FILE
    try:
        # The safe loader, a sixth of the time of the positions-keeping one: the file ships with
        # aicmo and a problem in it is a broken installation, reported by file alone.
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise BenchmarkError([Problem(path, f"cannot read the vocabulary: {exc}")]) from None
    try:
        return Vocabulary.model_validate(data)
    except ValidationError as exc:
        raise BenchmarkError(
            [Problem(path, f"invalid vocabulary: {exc.errors(include_url=False)[0]['msg']}")]
        ) from None
