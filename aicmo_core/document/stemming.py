"""Snowball's English stemmer, with the stems it gave remembered across runs.

Section matching stems every word of the vocabulary and of the packs' labels and aliases, a
thousand words, before it matches the first heading: in a one-report ``aicmo check`` that was a
fifth of the run, and importing the stemmer's package (all its languages) a tenth more. A stem
depends on the word and the stemmer alone, so the stems are kept in the pack cache
(:mod:`aicmo_core.benchmarks.pack_cache`, under the stemmer's installed files) and the stemmer is
imported only for a word none of the runs before met. Without a pack cache (tests), every word is
stemmed as before. The language server writes the stems after its first check too (:func:`save_new_stems`).
"""

from __future__ import annotations

import atexit
import importlib.util
import os
from functools import lru_cache
from typing import Any

from aicmo_core.benchmarks.pack_cache import PackCache, this_process

CACHE_NAME = "stems"
MAX_REMEMBERED = 100_000  # words; beyond it (a fuzzer's headings) the stems are not written back

_STEMS: dict[str, str] = {}
_STATE = {"loaded": False, "new": 0, "saved_early": 0}


def snowball_stem(word: str) -> str:
    """Snowball's English stem of ``word`` (lower case)."""
    if not _STATE["loaded"]:
        _load()
    found = _STEMS.get(word)
    if found is None:
        found = _STEMS[word] = str(_stemmer().stemWord(word))
        _STATE["new"] += 1
    return found


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer  # noqa: PLC0415 (only for a word no run before met)

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=1)
def stemmer_identity() -> str:
    """What the stems depend on: the stemmer package's files (and PyStemmer's, which it prefers
    when installed), so that upgrading either one forgets them."""
    parts = []
    for name in ("snowballstemmer", "Stemmer"):
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin is None:
            parts.append(f"{name}: none")
            continue
        found = os.stat(origin)
        parts.append(f"{name}: {origin} {found.st_size} {found.st_mtime_ns}")
    return "\n".join(parts)


def _load() -> None:
    _STATE["loaded"] = True
    cache = this_process()
    if cache is None:
        return
    try:
        remembered = cache.load_data(CACHE_NAME, stemmer_identity())
    except OSError:
        return
    if isinstance(remembered, dict):
        _STEMS.update(remembered)
    atexit.register(_save, cache)


def _save(cache: PackCache) -> None:
    """Write the stems back when this run met new words (at exit: once, whatever it checked)."""
    if _STATE["new"] and len(_STEMS) <= MAX_REMEMBERED:
        _STATE["new"] = 0
        try:
            cache.store_data(CACHE_NAME, stemmer_identity(), dict(_STEMS))
        except OSError:
            return


def save_new_stems() -> None:
    """Write the stems back now, the first time it is called, if words were met that no run before
    met: a process that may not end by returning (a language server the editor stops) calls it after
    its first check, which stems the vocabulary every start needs. Later words wait for the exit, so
    a check while the writer types a heading writes nothing."""
    cache = this_process()
    if cache is not None and _STATE["loaded"] and not _STATE["saved_early"]:
        _STATE["saved_early"] = 1
        _save(cache)
