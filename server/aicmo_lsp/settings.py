"""The ``aicmo`` configuration section as the client sends it (camelCase), validated.

The settings are plain frozen dataclasses: a server that starts with the defaults, or that is sent
the defaults (as VS Code sends every declared setting, unchanged ones at their defaults), never
imports pydantic, a tenth of its start-up. Any other value is validated by pydantic models built
from these classes (:mod:`aicmo_lsp.settings_schema`, imported on first use): each field's type
and default here, its bounds in the field's ``metadata`` (pydantic's ``Field`` arguments).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from aicmo_core.generators import defaults
from aicmo_core.report_size import DEFAULT_MAX_FILE_MB
from aicmo_lsp.setting_fields import camel, default_of

if TYPE_CHECKING:
    from aicmo_core.runner import GenerationConfig

DEFAULT_DEBOUNCE_MS = 150


@dataclass(frozen=True, slots=True)
class GeneratorConfig:
    """``aicmo.generator``: which generators write sections and how hard they try."""

    chain: tuple[str, ...] = ()  # empty: openai then template with a key, template alone without
    model: str = defaults.MODEL
    base_url: str = ""  # empty: the SDK's default (api.openai.com)
    timeout_seconds: float = field(default=defaults.TIMEOUT_SECONDS, metadata={"gt": 0, "le": 600})
    max_retries: int = field(default=defaults.MAX_RETRIES, metadata={"ge": 0, "le": 10})
    max_attempts: int = field(default=defaults.MAX_ATTEMPTS, metadata={"ge": 1, "le": 5})
    on_exhausted: Literal["provisional", "no_change"] = defaults.ON_EXHAUSTED
    token_budget: int = field(default=defaults.TOKEN_BUDGET, metadata={"ge": 500, "le": 200_000})
    brief_fields: tuple[str, ...] = defaults.BRIEF_FIELDS
    # The most model requests at once: the adaptive limiter's bound (aicmo_core.concurrency).
    concurrency: int = field(default=defaults.CONCURRENCY, metadata={"ge": 1, "le": 16})

    def core(self) -> GenerationConfig:
        """The same settings as the core's runner takes them (``""`` and ``[]`` as none)."""
        from aicmo_core.runner import GenerationConfig  # noqa: PLC0415 (the generation stack loads on first use)

        values = {item.name: getattr(self, item.name) for item in fields(self)}
        return GenerationConfig(**{**values, "chain": self.chain or None, "base_url": self.base_url or None})


@dataclass(frozen=True, slots=True)
class Settings:
    """What the server reads per document from ``workspace/configuration`` section ``aicmo``."""

    enable: bool = True
    default_pack: str = ""  # empty: none
    benchmark_paths: tuple[str, ...] = ()
    debounce_ms: int = field(default=DEFAULT_DEBOUNCE_MS, metadata={"ge": 0, "le": 10_000})
    severity_overrides: Mapping[str, Literal["error", "warning", "info", "off"]] = field(default_factory=dict)
    max_file_size_mb: float = field(default=DEFAULT_MAX_FILE_MB, metadata={"gt": 0})
    # Diagnostics of every report in the workspace folder (workspace/diagnostic), not only of the
    # open documents; read with the folder as scope.
    workspace_diagnostics: bool = False
    generator: GeneratorConfig = field(default_factory=GeneratorConfig)
    # Generated text as a preview the writer confirms: for every generation, for "Regenerate all
    # failing sections" only, or never.
    preview_generated: Literal["off", "regenerateAll", "always"] = "regenerateAll"

    def benchmark_folders(self, root: Path | None) -> tuple[Path, ...]:
        folders = []
        for entry in self.benchmark_paths:
            path = Path(entry).expanduser()
            if not path.is_absolute() and root is not None:
                path = root / path
            folders.append(path.resolve())
        return tuple(folders)


def setting_defaults(cls: type[Settings] | type[GeneratorConfig]) -> dict[str, Any]:
    """The client's name of each field of ``cls`` and its default, as JSON spells it (lists)."""
    values = {}
    for item in fields(cls):
        value = default_of(item)
        if isinstance(value, GeneratorConfig):
            value = setting_defaults(GeneratorConfig)
        values[camel(item.name)] = list(value) if isinstance(value, tuple) else value
    return values


DEFAULTS = setting_defaults(Settings)


def _without_nulls(raw: Mapping[str, Any]) -> dict[str, Any]:
    """``null`` (a client that clears a setting) means the default, as ``""`` and ``[]`` do for the
    generator's chain and endpoint."""
    cleaned = {key: value for key, value in raw.items() if value is not None}
    generator = cleaned.get("generator")
    if isinstance(generator, Mapping):
        cleaned["generator"] = {
            key: value for key, value in generator.items() if value is not None or key not in ("chain", "baseUrl")
        }
    return cleaned


def _same(value: Any, default: Any) -> bool:
    """``value`` is ``default``, of the same JSON type (``1`` is not ``true``; ``10`` is ``10.0``)."""
    if isinstance(default, dict) and isinstance(value, Mapping):
        return all(key not in value or _same(value[key], item) for key, item in default.items())
    number = isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool)
    return value == default and (type(value) is type(default) or number)


def _is_default(cleaned: Mapping[str, Any]) -> bool:
    """Whether every setting the server knows is absent or at its default (others are ignored)."""
    return all(key not in cleaned or _same(cleaned[key], default) for key, default in DEFAULTS.items())


def parse_settings(raw: Any) -> tuple[Settings, str | None]:
    """Settings from the client's value; on invalid input the defaults and a message."""
    if raw is None or raw == "":
        return Settings(), None
    if not isinstance(raw, dict):
        return Settings(), f"aicmo settings must be an object, got {type(raw).__name__}"
    cleaned = _without_nulls(raw)
    if _is_default(cleaned):
        return Settings(), None
    from aicmo_lsp.settings_schema import validate  # noqa: PLC0415 (pydantic: only for values to check)

    settings, error = validate(Settings, cleaned)
    return (settings if isinstance(settings, Settings) else Settings()), error
