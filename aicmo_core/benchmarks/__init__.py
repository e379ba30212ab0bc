"""Benchmark packs: models, loading with includes, and the JSON Schema export."""

from aicmo_core.benchmarks.loader import PackSet, builtin_benchmark_dir, load_pack_file, load_packs
from aicmo_core.benchmarks.models import Pack, SectionBenchmark, SectionFormat, SectionSource

__all__ = [
    "Pack",
    "PackSet",
    "SectionBenchmark",
    "SectionFormat",
    "SectionSource",
    "builtin_benchmark_dir",
    "load_pack_file",
    "load_packs",
]
