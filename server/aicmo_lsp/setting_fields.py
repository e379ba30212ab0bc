"""What :mod:`aicmo_lsp.settings` and its pydantic schema share: client names and defaults of fields."""

from __future__ import annotations

from dataclasses import MISSING, Field
from typing import Any


def camel(name: str) -> str:
    """A field's name as the client spells it: ``default_pack`` → ``defaultPack``."""
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def default_of(item: Field[Any]) -> Any:
    """A dataclass field's default value (made by its factory when it has one)."""
    if item.default is MISSING and item.default_factory is not MISSING:
        return item.default_factory()
    return item.default
