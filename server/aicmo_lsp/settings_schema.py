"""pydantic models of the settings dataclasses of :mod:`aicmo_lsp.settings`, built from them, to
validate what a client sends (imported only when a value differs from the defaults; the classes are
passed in, so this module does not import that one).

Each dataclass field becomes a model field with the same type and default, the client's camelCase
name as its alias, and the bounds of its ``metadata``; unknown keys (the extension's own settings,
``server.path`` and the like) are ignored.
"""

from __future__ import annotations

import dataclasses
import typing
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from aicmo_lsp.setting_fields import camel, default_of

CONFIG = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)


@cache
def model_of(cls: type) -> type[BaseModel]:
    """The pydantic model of a settings dataclass (a nested dataclass gets its own)."""
    hints = typing.get_type_hints(cls)
    definitions: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        kind = hints[item.name]
        if isinstance(kind, type) and dataclasses.is_dataclass(kind):
            definitions[item.name] = (model_of(kind), Field(default_factory=model_of(kind), alias=camel(item.name)))
            continue
        definitions[item.name] = (kind, Field(default_of(item), alias=camel(item.name), **item.metadata))
    return create_model(f"{cls.__name__}Model", __config__=CONFIG, **definitions)


def to_dataclass(cls: type[Any], model: BaseModel) -> Any:
    """The dataclass ``cls`` with the values of a validated ``model``."""
    hints = typing.get_type_hints(cls)
    values = {}
    for item in dataclasses.fields(cls):
        value = getattr(model, item.name)
        values[item.name] = to_dataclass(hints[item.name], value) if isinstance(value, BaseModel) else value
    return cls(**values)


def validate(cls: type, cleaned: dict[str, Any]) -> tuple[Any | None, str | None]:
    """An instance of the settings dataclass ``cls`` from the client's values (``null`` already
    dropped); on invalid input None and a message naming the first setting at fault."""
    try:
        model = model_of(cls).model_validate(cleaned)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        return None, f"invalid aicmo setting {where}: {first['msg']}; using defaults"
    return to_dataclass(cls, model), None
