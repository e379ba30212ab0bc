"""The pydantic model that validates a settings file (``aicmo.toml`` or ``[tool.aicmo]``).

Imported only to validate one (see :func:`aicmo_core.config.load_config`): a check in a folder
without settings never imports pydantic. What checks read is the plain
:class:`~aicmo_core.config.AicmoConfig`, with these fields (a test holds them equal).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

SeverityName = Literal["error", "warning", "info", "off"]


def _gitignore_pattern(pattern: str) -> str:
    """One ``exclude`` pattern, refused when pathspec cannot read it as a gitignore line."""
    # Lazy on purpose: pathspec is imported only by a settings file that has patterns.
    from aicmo_core.ignore_patterns import check_pattern  # noqa: PLC0415

    check_pattern(pattern)
    return pattern


class AicmoConfigFile(BaseModel):
    """The contents of ``aicmo.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    benchmark_paths: tuple[str, ...] = Field(default=(), description="Extra benchmark folders.")
    default_pack: str | None = Field(default=None, description="Pack for reports nothing else maps.")
    packs: dict[str, str] = Field(default_factory=dict, description="File glob -> pack key.")
    aliases: dict[str, tuple[Annotated[str, Field(min_length=1)], ...]] = Field(
        default_factory=dict, description="Section id -> extra heading wordings."
    )
    severity: dict[str, SeverityName] = Field(
        default_factory=dict, description="Rule code or name -> error, warning, info or off."
    )
    exclude: tuple[Annotated[str, AfterValidator(_gitignore_pattern)], ...] = Field(
        default=(), description="Gitignore-style patterns of paths `aicmo check` leaves out of folders and globs."
    )
    # Set by the loader, not by the file (a value the file gives is replaced).
    root: Path = Field(default=Path("."), exclude=True)
    source: Path = Field(default=Path("aicmo.toml"), exclude=True)
    benchmark_paths_line: int | None = Field(default=None, exclude=True)
