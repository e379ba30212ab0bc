"""aicmo's language server: a thin LSP layer (pygls 2) over :mod:`aicmo_core`."""

from aicmo_core import __version__

__all__ = ["__version__"]
