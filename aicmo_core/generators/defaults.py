"""The defaults of generation, in one place.

The generators' settings, the enforcement policy, the CLI's flags and the language server's
settings take their defaults from here; a test checks that the VS Code extension's
``package.json`` declares the same ones.
"""

from __future__ import annotations

from typing import Final, Literal

MODEL: Final = "gpt-4o-mini"
TIMEOUT_SECONDS: Final = 60.0  # one model call
MAX_RETRIES: Final = 2  # the SDK's own retries of one call (server errors, timeouts, connections)
MAX_ATTEMPTS: Final = 2  # the enforcement loop's attempts per generator
ON_EXHAUSTED: Final[Literal["provisional", "no_change"]] = "provisional"
TOKEN_BUDGET: Final = 8000  # estimated tokens of one prompt
# The most model requests in flight at once (aicmo_core.concurrency): a run starts with one per
# section up to this bound, and halves on rate limits. 16, the setting's maximum: every section of
# the built-in packs' usual "regenerate all" (up to 16 failing) goes out at once, so the run takes
# about its slowest section; an endpoint that cannot take that many says so with a 429.
CONCURRENCY: Final = 16
# Rate-limited requests, paced by aicmo_core.concurrency rather than retried by the SDK.
RATE_LIMIT_RETRIES: Final = 5  # retries of one rate-limited call
MAX_RETRY_AFTER_S: Final = 60.0  # the longest Retry-After waited for; a longer one fails at once
RATE_LIMIT_BACKOFF_S: Final = 1.0  # the first wait after a 429 without Retry-After (then doubling)
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
