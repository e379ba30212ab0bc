"""Which files and folders ``aicmo check`` (and the language server's workspace diagnostics) leave
out of folder walks and glob matches.

Git's rules are read with pathspec, without running git (so they apply the same with or without git
installed): ``.git/info/exclude``, then each ``.gitignore`` from the repository's root (the nearest
folder above with a ``.git``) down to the file, each applying below its own folder, a deeper one
deciding where it has a matching pattern; outside a repository, the current folder stands for its
root. Then ``exclude`` of the settings that apply (relative to their folder) and ``--exclude``
(relative to the current folder). A folder that is left out is not entered: as in git, nothing
inside it can be included again.

Only what aicmo finds is filtered: the entries inside a folder named on the command line (not the
folder itself), a glob's matches below its fixed start (``build/*.md`` checks an ignored
``build/``), and, with ``--force-exclude``, named files and folders too.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from aicmo_core.ignore_patterns import IgnoreRules, read_ignore_file, rules_from_patterns
from aicmo_core.workspace import Workspace

REPORT_SUFFIXES = (".md", ".mdx", ".markdown")  # the files a folder walk finds
SKIPPED_FOLDERS = frozenset({"node_modules"})
GITIGNORE = ".gitignore"


class PathFilter:
    """Decides which files and folders are left out; caches what it read, per folder."""

    def __init__(self, exclude: Sequence[str], *, respect_gitignore: bool, cwd: Path | None) -> None:
        """``exclude``: ``--exclude``, relative to
        ``cwd`` (None: the current folder); ``respect_gitignore``: read ``.gitignore`` files."""
        self._respect_gitignore = respect_gitignore
        self._cwd = (cwd or Path.cwd()).resolve()
        self._flag_rules = rules_from_patterns(exclude, self._cwd) if exclude else None  # PatternError
        self._workspace = Workspace()
        self._git_tops: dict[Path, Path | None] = {}
        self._gitignores: dict[Path, tuple[IgnoreRules, ...]] = {}
        self._config_rules: dict[tuple[Path, tuple[str, ...]], IgnoreRules] = {}
        self._excludes: dict[Path, IgnoreRules | None] = {}
        self._resolved: dict[Path, Path] = {}
        self._folders: dict[Path, bool] = {}

    def walk(self, root: Path) -> list[Path]:
        """The report files below ``root``, as paths that start with ``root``, sorted."""
        base = root.resolve()
        found: list[Path] = []
        for folder, subfolders, files in os.walk(base):
            here = Path(folder)
            subfolders[:] = [
                name
                for name in subfolders
                if not (name.startswith(".") or name in SKIPPED_FOLDERS or self._ignored(here / name, is_dir=True))
            ]
            for name in files:
                candidate = here / name
                if (
                    candidate.suffix.lower() in REPORT_SUFFIXES
                    and candidate.is_file()
                    and not self._ignored(candidate, is_dir=False)
                ):
                    found.append(root / candidate.relative_to(base))
        return sorted(found)

    def excluded(self, path: Path, *, below: Path | None = None, is_dir: bool = False) -> bool:
        """Whether a file (or folder) is left out: it, or a folder it is in, is ignored or excluded.

        ``below``: only the folders inside this one count (a glob's fixed start, which the user
        named); None: every folder."""
        absolute = self._absolute(path)
        top = self._absolute(below) if below is not None else None
        folders = [
            folder
            for folder in reversed(absolute.parents)
            if folder.parent != folder and (top is None or (folder != top and folder.is_relative_to(top)))
        ]  # from the top down; the file system's root is never ignored
        return any(self._folder_skipped(folder) for folder in folders) or self._ignored(absolute, is_dir=is_dir)

    def _absolute(self, path: Path) -> Path:
        """``path`` with its folder resolved: the place of a link, not of its target."""
        if path.name in ("", ".", ".."):
            return path.resolve()
        parent = self._resolved.get(path.parent)
        if parent is None:
            parent = self._resolved[path.parent] = path.parent.resolve()
        return parent / path.name

    def _folder_skipped(self, folder: Path) -> bool:
        verdict = self._folders.get(folder)
        if verdict is None:
            verdict = self._folders[folder] = self._ignored(folder, is_dir=True)
        return verdict

    def _ignored(self, entry: Path, *, is_dir: bool) -> bool:
        """Whether the rules of ``entry``'s folder leave it out (absolute, its folder resolved)."""
        folder = entry.parent
        if self._respect_gitignore:
            # The deepest file with a pattern that matches decides.
            chain = reversed(self._gitignore_chain(folder))
            if next((v for rules in chain if (v := rules.verdict(entry, is_dir)) is not None), False):
                return True
        rule_sets = (self._exclude_rules(folder), self._flag_rules)
        return any(rules.verdict(entry, is_dir) for rules in rule_sets if rules is not None)

    def _exclude_rules(self, folder: Path) -> IgnoreRules | None:
        """The ``exclude`` of the settings that apply in ``folder`` (none while they are broken: the
        check of the reports under them says what is wrong)."""
        if folder in self._excludes:
            return self._excludes[folder]
        config, _problems = self._workspace.config_for(folder)
        rules = None
        if config is not None and config.exclude:
            key = (config.source, config.exclude)
            rules = self._config_rules.get(key)
            if rules is None:
                rules = self._config_rules[key] = rules_from_patterns(config.exclude, config.root)
        self._excludes[folder] = rules
        return rules

    def _gitignore_chain(self, folder: Path) -> tuple[IgnoreRules, ...]:
        """The git rules that apply in ``folder``, from the weakest: ``.git/info/exclude``, then each
        ``.gitignore`` from the repository's root down to ``folder`` (outside a repository, from the
        current folder down; none outside both)."""
        chain = self._gitignores.get(folder)
        if chain is not None:
            return chain
        top = self._git_top(folder)
        if top is None and folder.is_relative_to(self._cwd):
            top = self._cwd
        if top is None:
            chain = ()
        elif folder == top:
            info = read_ignore_file(folder / ".git" / "info" / "exclude", folder)
            chain = (info,) if info else ()
        else:
            chain = self._gitignore_chain(folder.parent)
        own = read_ignore_file(folder / GITIGNORE, folder) if top is not None else None
        chain = (*chain, own) if own else chain
        self._gitignores[folder] = chain
        return chain

    def _git_top(self, folder: Path) -> Path | None:
        """The root of the git repository ``folder`` is in (a ``.git`` folder or file), or None."""
        if folder in self._git_tops:
            return self._git_tops[folder]
        if os.path.lexists(folder / ".git"):
            top: Path | None = folder
        else:
            top = None if folder.parent == folder else self._git_top(folder.parent)
        self._git_tops[folder] = top
        return top
