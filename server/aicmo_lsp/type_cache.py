"""Import lsprotocol's types with the code attrs generates for them cached between starts.

``lsprotocol.types`` defines about 560 attrs classes, and for each one attrs writes the source of
its ``__init__``, ``__repr__``, ``__eq__`` and the rest and compiles it: 770 calls to ``compile``,
half of the module's import and the largest single cost of the server's start. The compiled code
objects depend only on their source text, so :func:`import_lsp_types` keeps them (``marshal``) in
the user's pack cache (:mod:`aicmo_core.benchmarks.pack_cache`, ``AICMO_CACHE_DIR``,
``AICMO_NO_CACHE``) under a digest of each source, and hands attrs the cached object for a source
it has seen. A source attrs has not written before (another attrs or lsprotocol version) is
compiled as usual and added; nothing stale can be used, since the key is the source itself.

attrs calls the builtin ``compile`` by name from ``attr._make``; a module-level ``compile`` there
takes its place for the duration of the import only. Should attrs stop calling it that way, the
import is simply not sped up.
"""

from __future__ import annotations

import builtins
import hashlib
import sys
from types import CodeType
from typing import Any

CACHE_NAME = "lsptypes (the code attrs generates for lsprotocol.types)"


def _compiler(known: dict[bytes, CodeType], added: dict[bytes, CodeType]) -> Any:
    """A ``compile`` that answers from ``known`` for a source compiled before, and records new ones."""

    def cached_compile(source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(source, str) or not isinstance(filename, str):
            return builtins.compile(source, filename, mode, *args, **kwargs)
        key = hashlib.blake2b(f"{filename}\0{mode}\0{source}".encode(), digest_size=16).digest()
        code = known.get(key)
        if code is None:
            code = added[key] = builtins.compile(source, filename, mode)
        return code

    return cached_compile


def _cached_codes(data: Any) -> dict[bytes, CodeType]:
    """The cache entry's code objects, or nothing when the entry is not what this module writes."""
    if not isinstance(data, dict):
        return {}
    return {key: code for key, code in data.items() if isinstance(key, bytes) and isinstance(code, CodeType)}


def import_lsp_types() -> int:
    """Import ``lsprotocol.types`` (once per process), with attrs' generated code from the cache;
    how many generated sources had to be compiled (0 when the cache had them all, or when the
    module was imported already)."""
    if "lsprotocol.types" in sys.modules:
        return 0
    import attr._make as attrs_make  # noqa: PLC0415 (the module whose ``compile`` is stood in for)
    from attrs import __version__ as attrs_version  # noqa: PLC0415

    from aicmo_core.benchmarks.pack_cache import PackCache  # noqa: PLC0415

    cache = PackCache.from_environment()
    identity = f"{sys.version} attrs {attrs_version}"
    known = _cached_codes(cache.load_data(CACHE_NAME, identity)) if cache is not None else {}
    added: dict[bytes, CodeType] = {}
    attrs_make.compile = _compiler(known, added)  # type: ignore[attr-defined]
    try:
        import lsprotocol.types  # noqa: F401, PLC0415
    finally:
        del attrs_make.compile  # type: ignore[attr-defined]
    if cache is not None and added:
        cache.store_data(CACHE_NAME, identity, {**known, **added})
    return len(added)
