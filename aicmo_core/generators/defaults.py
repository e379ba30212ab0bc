"""The defaults of generation, in one place.

The generators' settings, the enforcement policy, the CLI's flags and the language server's
settings take their defaults from here; a test checks that the VS Code extension's
``package.json`` declares the same ones.
"""

from __future__ import annotations

from typing import Final, Literal

MODEL: Final = "gpt-4o-mini"
TIMEOUT_SECONDS: Final = 60.0  # one model call
MAX_RETRIES: Final = 2  # the SDK's own retries of one call (rate limits, server errors, timeouts)
MAX_ATTEMPTS: Final = 2  # the enforcement loop's attempts per generator
ON_EXHAUSTED: Final[Literal["provisional", "no_change"]] = "provisional"
TOKEN_BUDGET: Final = 8000  # estimated tokens of one prompt
CONCURRENCY: Final = 3  # sections written at the same time
TEMPERATURE: Final = 0.4
# The brief fields a model is told (others in front matter never leave the machine).
BRIEF_FIELDS: Final = (
    "brand",
    "client",
    "industry",
    "audience",
    "goal",
    "voice",
    "product",
    "offer",
    "market",
    "timeline",
    "budget",
    "channels",
    "competitors",
)
