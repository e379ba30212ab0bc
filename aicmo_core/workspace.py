"""Where checks get their setting: the nearest ``aicmo.toml`` and the packs of its benchmark folders.

Both the CLI and the language server use this, so a report gets the same findings everywhere.
Configs and pack sets are cached and reloaded when their files change on disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aicmo_core.benchmarks.loader import BENCHMARK_SUFFIXES, PackSet, builtin_benchmark_dir, load_packs
from aicmo_core.check import CheckOptions, ReportResult, SectionCache, check_text
from aicmo_core.config import AicmoConfig, find_config, load_config
from aicmo_core.errors import ConfigError, Problem


def _stamp(paths: Iterable[Path]) -> tuple[tuple[str, int], ...]:
    """Modification times of the given files and of the benchmark files in the given folders."""
    stamps = []
    for path in paths:
        candidates = [path]
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.suffix in BENCHMARK_SUFFIXES)
        for candidate in candidates:
            try:
                stamps.append((str(candidate), candidate.stat().st_mtime_ns))
            except OSError:
                stamps.append((str(candidate), -1))
    return tuple(stamps)


@dataclass
class Workspace:
    """Settings that apply on top of ``aicmo.toml`` (editor settings or CLI flags)."""

    benchmark_paths: tuple[Path, ...] = ()
    default_pack: str | None = None
    severity: Mapping[str, str] = field(default_factory=dict)
    stop_at: Path | None = None
    cache: SectionCache = field(default_factory=SectionCache)
    _configs: dict[Path, tuple[tuple[tuple[str, int], ...], AicmoConfig | None, list[Problem]]] = field(
        default_factory=dict
    )
    _packs: dict[tuple[Path, ...], tuple[tuple[tuple[str, int], ...], PackSet]] = field(default_factory=dict)

    def config_for(self, path: Path) -> tuple[AicmoConfig | None, list[Problem]]:
        """The ``aicmo.toml`` that applies to ``path`` and the problems reading it."""
        config_path = find_config(path, self.stop_at)
        if config_path is None:
            return None, []
        stamp = _stamp([config_path])
        cached = self._configs.get(config_path)
        if cached and cached[0] == stamp:
            return cached[1], cached[2]
        try:
            config: AicmoConfig | None = load_config(config_path)
            problems: list[Problem] = []
        except ConfigError as exc:
            config, problems = None, exc.problems
        self._configs[config_path] = (stamp, config, problems)
        return config, problems

    def packs_for(self, config: AicmoConfig | None) -> PackSet:
        folders = tuple(self.benchmark_paths) + tuple(config.benchmark_folders() if config else ())
        stamp = _stamp([builtin_benchmark_dir(), *folders])
        cached = self._packs.get(folders)
        if cached and cached[0] == stamp:
            return cached[1]
        packs = load_packs(folders)
        self._packs[folders] = (stamp, packs)
        return packs

    def options_for(self, path: Path, pack: str | None = None) -> tuple[CheckOptions, list[Problem]]:
        config, problems = self.config_for(path)
        packs = self.packs_for(config)
        options = CheckOptions(
            packs=packs,
            config=config,
            pack=pack or self.default_pack,
            severity=self.severity,
            cache=self.cache,
        )
        return options, [*problems, *packs.problems]

    def check_text(self, text: str, path: Path, pack: str | None = None) -> tuple[ReportResult, list[Problem]]:
        options, problems = self.options_for(path, pack)
        return check_text(text, str(path), options), problems
