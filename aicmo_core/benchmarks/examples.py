"""Examples of strong sections that prompts show models (``benchmarks/examples.yaml``).

One short excerpt per section id, written for a fictional client, so a model sees the density and
specificity wanted and not only the word counts. A pack section may carry its own ``example`` (or
``example: ""`` for none); otherwise the one shipped for its id is used. The prompt says that none
of an example's facts belong in the report, and the answer checks reject numbers taken from it.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from aicmo_core.benchmarks.loader import builtin_benchmark_dir
from aicmo_core.benchmarks.models import MAX_EXAMPLE_CHARS, SectionBenchmark
from aicmo_core.errors import BenchmarkError, Problem

EXAMPLES_FILE = "examples.yaml"

_EXAMPLES = TypeAdapter(dict[str, str])


@lru_cache(maxsize=1)
def builtin_examples() -> dict[str, str]:
    """The examples shipped with aicmo, by section id; a broken file is a broken installation."""
    path = builtin_benchmark_dir() / EXAMPLES_FILE
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
        examples = _EXAMPLES.validate_python(data)
    except (OSError, YAMLError) as exc:
        raise BenchmarkError([Problem(path, f"cannot read the examples: {exc}")]) from None
    except ValidationError as exc:
        raise BenchmarkError([Problem(path, f"invalid examples: {exc.errors(include_url=False)[0]['msg']}")]) from None
    too_long = [key for key, text in examples.items() if len(text) > MAX_EXAMPLE_CHARS]
    if too_long:
        raise BenchmarkError([Problem(path, f"example {too_long[0]!r} is over {MAX_EXAMPLE_CHARS} characters")])
    return {key: text.strip() for key, text in examples.items()}


def example_for(section: SectionBenchmark) -> str:
    """The section's own example, else the one shipped for its id, else ``""``."""
    if section.example is not None:
        return section.example.strip()
    return builtin_examples().get(section.id, "")
