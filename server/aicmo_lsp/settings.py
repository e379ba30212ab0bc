"""The ``aicmo`` configuration section as the client sends it (camelCase), validated."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.alias_generators import to_camel

from aicmo_core.generators import defaults
from aicmo_core.report_size import DEFAULT_MAX_FILE_MB
from aicmo_core.runner import GenerationConfig

DEFAULT_DEBOUNCE_MS = 150


class GeneratorConfig(BaseModel):
    """``aicmo.generator``: which generators write sections and how hard they try."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)

    chain: tuple[str, ...] = ()  # empty: openai then template with a key, template alone without
    model: str = defaults.MODEL
    base_url: str = ""  # empty: the SDK's default (api.openai.com)
    timeout_seconds: float = Field(default=defaults.TIMEOUT_SECONDS, gt=0, le=600)
    max_retries: int = Field(default=defaults.MAX_RETRIES, ge=0, le=10)
    max_attempts: int = Field(default=defaults.MAX_ATTEMPTS, ge=1, le=5)
    on_exhausted: Literal["provisional", "no_change"] = defaults.ON_EXHAUSTED
    token_budget: int = Field(default=defaults.TOKEN_BUDGET, ge=500, le=200_000)
    brief_fields: tuple[str, ...] = defaults.BRIEF_FIELDS
    # The most model requests at once: the adaptive limiter's bound (aicmo_core.concurrency).
    concurrency: int = Field(default=defaults.CONCURRENCY, ge=1, le=16)

    @field_validator("chain", "base_url", mode="before")
    @classmethod
    def null_is_none(cls, value: Any, info: Any) -> Any:
        """``null`` (a client that clears the setting) means none, as ``""`` and ``[]`` do."""
        if value is None:
            return () if info.field_name == "chain" else ""
        return value

    def core(self) -> GenerationConfig:
        """The same settings as the core's runner takes them (``""`` and ``[]`` as none)."""
        return GenerationConfig(**{**self.model_dump(), "chain": self.chain or None, "base_url": self.base_url or None})


class Settings(BaseModel):
    """What the server reads per document from ``workspace/configuration`` section ``aicmo``."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)

    enable: bool = True
    default_pack: str = ""  # empty: none
    benchmark_paths: tuple[str, ...] = ()
    debounce_ms: int = Field(default=DEFAULT_DEBOUNCE_MS, ge=0, le=10_000)
    severity_overrides: dict[str, Literal["error", "warning", "info", "off"]] = Field(default_factory=dict)
    max_file_size_mb: float = Field(default=DEFAULT_MAX_FILE_MB, gt=0)
    # Diagnostics of every report in the workspace folder (workspace/diagnostic), not only of the
    # open documents; read with the folder as scope.
    workspace_diagnostics: bool = False
    generator: GeneratorConfig = Field(default_factory=GeneratorConfig)
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


def parse_settings(raw: Any) -> tuple[Settings, str | None]:
    """Settings from the client's value; on invalid input the defaults and a message."""
    if raw is None or raw == "":
        return Settings(), None
    if not isinstance(raw, dict):
        return Settings(), f"aicmo settings must be an object, got {type(raw).__name__}"
    cleaned = {key: value for key, value in raw.items() if value is not None}
    try:
        return Settings.model_validate(cleaned), None
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        return Settings(), f"invalid aicmo setting {where}: {first['msg']}; using defaults"
