"""The vocabulary of related marketing terms that section matching uses (``benchmarks/vocabulary/``).

It is data shipped with aicmo, like the packs: a list of groups of terms that name the same thing
in headings, and British spellings read as American ones. See ``docs/counting.md``. Parsed and
validated once, then taken from the pack cache (:mod:`aicmo_core.benchmarks.pack_cache`) while the
file's text is the same: YAML and pydantic are imported only to build it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from aicmo_core.benchmarks.loader import builtin_benchmark_dir
from aicmo_core.benchmarks.pack_cache import this_process
from aicmo_core.errors import BenchmarkError, Problem

VOCABULARY_FILE = "vocabulary/related_terms.yaml"


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Groups of related terms and spelling variants."""

    vocabulary: str
    version: int = 1
    spellings: tuple[tuple[str, str], ...] = ()  # British -> American, in the file's order
    groups: tuple[tuple[str, ...], ...] = ()


@lru_cache(maxsize=1)
def builtin_vocabulary() -> Vocabulary:
    """The vocabulary shipped with aicmo; an installation missing it is broken, which is an error."""
    path = builtin_benchmark_dir() / VOCABULARY_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BenchmarkError([Problem(path, f"cannot read the vocabulary: {exc}")]) from None
    cache = this_process()
    plain = cache.load_data("vocabulary", text) if cache is not None else None
    if plain is None:
        plain = _validated(path, text)
        if cache is not None:
            cache.store_data("vocabulary", text, plain)
    name, version, spellings, groups = plain
    return Vocabulary(name, version, tuple(map(tuple, spellings)), tuple(map(tuple, groups)))


def _validated(path: Path, text: str) -> tuple[Any, ...]:
    """The vocabulary's fields as plain values, or :class:`BenchmarkError` naming the file."""
    from pydantic import ValidationError  # noqa: PLC0415 (YAML and pydantic: on a cache miss only)
    from ruamel.yaml import YAML  # noqa: PLC0415
    from ruamel.yaml.error import YAMLError  # noqa: PLC0415

    from aicmo_core.benchmarks.file_models import VocabularyFile  # noqa: PLC0415

    try:
        # The safe loader, a sixth of the time of the positions-keeping one: the file ships with
        # aicmo and a problem in it is a broken installation, reported by file alone.
        data = YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        raise BenchmarkError([Problem(path, f"cannot read the vocabulary: {exc}")]) from None
    try:
        model = VocabularyFile.model_validate(data)
    except ValidationError as exc:
        message = f"invalid vocabulary: {exc.errors(include_url=False)[0]['msg']}"
        raise BenchmarkError([Problem(path, message)]) from None
    return model.vocabulary, model.version, tuple(model.spellings.items()), model.groups
