"""What model calls cost, roughly: a small table of OpenAI list prices for ``aicmo stats``.

An estimate, not a bill: standard-tier prices in US dollars per million tokens as OpenAI listed them
on :data:`PRICES_AS_OF`, without cached-input, batch or regional rates. Prices change; a model not in
the table (another provider's, a dated snapshot, a fine-tune) has no estimate.
"""

from __future__ import annotations

from collections.abc import Mapping

PRICES_AS_OF = "2026-12-04"
# model: (USD per 1M prompt tokens, USD per 1M completion tokens)
PRICES: Mapping[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    "o3": (2.00, 8.00),
    "o4-mini": (1.10, 4.40),
}


def estimated_cost(model: str | None, prompt_tokens: int | None, completion_tokens: int | None) -> float | None:
    """The cost in US dollars of the tokens at ``model``'s list price; None for a model without a
    known price or when no token count was reported."""
    price = PRICES.get(model or "")
    if price is None or (prompt_tokens is None and completion_tokens is None):
        return None
    return ((prompt_tokens or 0) * price[0] + (completion_tokens or 0) * price[1]) / 1_000_000
