"""Where checks get their setting: the nearest ``aicmo.toml`` (or ``pyproject.toml`` with
``[tool.aicmo]``) and the packs of its benchmark folders.

Both the CLI and the language server use this, so a report gets the same findings everywhere.
Configs and pack sets are cached and reloaded when a file they were read from changes on disk.
A repository's ``aicmo.toml`` is untrusted input: its benchmark folders are confined to its own
folder (see ``docs/configuration.md``, "Confinement").
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aicmo_core.benchmarks.loader import BenchmarkFolder, PackSet, load_packs
from aicmo_core.check import CheckOptions, ReportResult, SectionCache, check_text
from aicmo_core.config import AicmoConfig, both_configs_problem, find_config_files, has_aicmo_table, load_config
from aicmo_core.errors import ConfigError, Problem
from aicmo_core.input_files import is_within, mtime_ns

log = logging.getLogger(__name__)
MAX_CACHED_PACK_SETS = 32


def _confined(config: AicmoConfig, user_folders: tuple[Path, ...]) -> tuple[list[BenchmarkFolder], list[Problem]]:
    """The benchmark folders of ``aicmo.toml`` that lie inside its own folder (or a folder the user
    named), each confined to those folders too; a problem for each of the others."""
    allowed = (config.root, *user_folders)
    folders: list[BenchmarkFolder] = []
    problems: list[Problem] = []
    for index, (entry, folder) in enumerate(zip(config.benchmark_paths, config.benchmark_folders(), strict=True)):
        if is_within(folder, allowed):
            folders.append(BenchmarkFolder(folder, allowed))
            continue
        shown = repr(entry) if Path(entry) == folder else f"{entry!r} ({folder})"
        message = (
            f"benchmark folder {shown} is outside {config.root}, the folder of this {config.source.name}: refused "
            "(to use it, name it in your own settings: --benchmarks or aicmo.benchmarkPaths; "
            "see docs/configuration.md#confinement)"
        )
        field_path = config.field_path(f"benchmark_paths[{index}]")
        problems.append(Problem(config.source, message, config.benchmark_paths_line, None, field_path))
    return folders, problems


@dataclass
class Workspace:
    """Settings that apply on top of ``aicmo.toml`` (editor settings or CLI flags).

    ``benchmark_paths`` are the user's own folders: trusted, unlike a repository's ``aicmo.toml``,
    whose folders must lie inside its own folder (or one of these).
    """

    benchmark_paths: tuple[Path, ...] = ()
    default_pack: str | None = None
    severity: Mapping[str, str] = field(default_factory=dict)
    stop_at: Path | None = None
    cache: SectionCache = field(default_factory=SectionCache)
    _configs: dict[Path, tuple[int, AicmoConfig | None, list[Problem]]] = field(default_factory=dict)
    _packs: dict[tuple[object, ...], PackSet] = field(default_factory=dict)
    _pyprojects: dict[Path, tuple[int, bool]] = field(default_factory=dict)

    def _is_aicmo_pyproject(self, pyproject: Path) -> bool:
        """Whether a pyproject.toml has a ``[tool.aicmo]`` table, read again only when it changed:
        every report of a Python project passes its pyproject.toml on the way up."""
        stamp = mtime_ns(pyproject)
        cached = self._pyprojects.get(pyproject)
        if cached is None or cached[0] != stamp:
            cached = self._pyprojects[pyproject] = (stamp, has_aicmo_table(pyproject))
        return cached[1]

    def config_for(self, path: Path) -> tuple[AicmoConfig | None, list[Problem]]:
        """The settings that apply to ``path`` (its nearest ``aicmo.toml`` or ``pyproject.toml`` with
        ``[tool.aicmo]``) and the problems reading them."""
        found = find_config_files(path, self.stop_at, self._is_aicmo_pyproject)
        if not found:
            return None, []
        if len(found) > 1:  # both in one folder: neither applies, as for a broken one
            return None, [both_configs_problem(*found)]
        (config_path,) = found
        stamp = mtime_ns(config_path)
        cached = self._configs.get(config_path)
        if cached and cached[0] == stamp:
            return cached[1], cached[2]
        try:
            config: AicmoConfig | None = load_config(config_path)
            problems: list[Problem] = []
        except ConfigError as exc:
            config, problems = None, exc.problems
        except Exception as exc:  # a bug must not cost every check, nor print a traceback
            log.exception("reading %s failed", config_path)
            message = f"cannot be read: {type(exc).__name__}: {exc} (an error in aicmo; please report it)"
            config, problems = None, [Problem(config_path, message)]
        self._configs[config_path] = (stamp, config, problems)
        return config, problems

    def packs_for(self, config: AicmoConfig | None) -> PackSet:
        """The built-in packs, the user's folders' and the aicmo.toml's (reloaded when a file they
        came from changes); the aicmo.toml's folders outside its own folder are problems instead."""
        user_folders = tuple(folder.resolve() for folder in self.benchmark_paths)
        folders = [BenchmarkFolder.own(folder) for folder in user_folders]
        refused: list[Problem] = []
        if config is not None:
            confined, refused = _confined(config, user_folders)
            folders.extend(confined)
        key = (tuple(folders), tuple(refused))
        cached = self._packs.get(key)
        if cached is not None and cached.is_current():
            return cached
        packs = load_packs(folders)
        packs.problems[:0] = refused
        if len(self._packs) >= MAX_CACHED_PACK_SETS:  # a long-lived server meets many aicmo.toml versions
            self._packs.clear()
        self._packs[key] = packs
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

    def check_text(
        self, text: str, path: Path, pack: str | None = None, previous: ReportResult | None = None
    ) -> tuple[ReportResult, list[Problem]]:
        """Check ``text`` as the report at ``path``; ``previous``, the result of an earlier version of
        it, saves parsing again what the edit did not change."""
        options, problems = self.options_for(path, pack)
        return check_text(text, str(path), options, previous), problems
