"""A scripted generator and the small ``brief`` pack the enforcement-loop tests run it on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aicmo_core.benchmarks.loader import load_packs
from aicmo_core.generators.base import Generation, GenerationError, GenerationRequest

PACK = load_packs((Path(__file__).parent.parent / "fixtures" / "lsp" / "workspace" / "benchmarks",)).packs["brief"]
OVERVIEW = PACK.sections[0]  # 8-60 words, at least 2 bullets, sub-heading "Goal", no "lorem ipsum"
PASSING = "Glow Botanicals sells gentle skincare to women.\n\n- Audience: sensitive skin\n- Promise: short routines\n\n### Goal\n\nGrow repeat orders."


@dataclass
class Scripted:
    """A generator that answers from a script: a body, or a GenerationError to raise. ``model``
    makes it a model's generator (its answers get the model-answer checks)."""

    name: str
    answers: list[str | GenerationError]
    model: str | None = None
    requests: list[GenerationRequest] = field(default_factory=list)

    async def generate(self, request: GenerationRequest) -> Generation:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, GenerationError):
            raise answer
        return Generation(answer, prompt_tokens=10, completion_tokens=20)
