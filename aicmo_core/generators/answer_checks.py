"""What a model's answer must not do, beyond the benchmark: talk about itself or the report, echo the
prompt, or state figures nobody gave it.

- *Meta-talk*: sentences about the answer, the section or the report instead of the client ("Here
  is the section", "In this section we outline", "As an AI", "This part of the report covers").
- *Prompt echo*: the instructions or the constraints repeated ("Output only the body", "## Brief",
  "<current_text>").
- *Invented figures*: a percentage, an amount of money, a multiplier or a number of 100 or more that
  appears nowhere in the brief, the report or the section's benchmark (years and small counts such
  as "3 posts a week" are allowed: they are plans, not statistics).

:func:`model_answer_problem` returns the first problem in words (for the retry and the trace), or None.
The template generator never does any of these by construction; the checks are for models.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aicmo_core.document.text import sentence_bounds
from aicmo_core.generators.base import GenerationRequest

_META_RE = re.compile(
    r"\b(?:in this (?:section|part|report|document)\b|this (?:section|part of the report|report|document) "
    r"(?:will|covers|outlines|sets out|describes|shows|explains|details|provides|presents)\b|"
    r"the (?:following|next|previous) section\b|as an ai\b|as a (?:large )?language model\b|"
    r"i (?:have|'ve|’ve) (?:written|included|added|kept|rewritten|expanded)\b|(?:here is|here's|here’s|below is) "
    r"(?:the|a|your|an)\b|as requested\b|word count\b)",
    re.IGNORECASE,
)
_ECHO_MARKERS = (
    "<current_text>",
    "</current_text>",
    "<before>",
    "<after>",
    "<example>",
    "</example>",
    "for another client",
    "## constraints",
    "## brief",
    "## current text",
    "## section",
    "output only the body",
    "your answer is checked automatically",
    "each verbatim at least once",
    "no placeholders such as",
)
_NUMBERED_FENCE_RE = re.compile(r"</?\s*(?:current_text|before|after|example)_\d+\s*>")
_STATISTIC_RE = re.compile(
    r"(?<![\w.,])(?:[$£€¥]\s?\d[\d,]*(?:\.\d+)?\s?(?:k|m|bn|million|billion)?|\d[\d,]*(?:\.\d+)?\s?(?:%|x\b|k\b|m\b|bn\b)|"
    r"\d{1,3}(?:,\d{3})+|\d{3,})(?![\w])",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(r"(?:19|20)\d{2}")


def _sentences(text: str) -> Iterable[str]:
    for line in text.split("\n"):
        flat = " ".join(line.split())
        yield from (flat[start:end].strip() for start, end in sentence_bounds(flat))


def meta_talk(body: str) -> str | None:
    """The first sentence of ``body`` that talks about the answer or the report, or None."""
    return next((s for s in _sentences(body) if _META_RE.search(s)), None)


def prompt_echo(body: str, request: GenerationRequest | None = None) -> str | None:
    """The first piece of the prompt ``body`` repeats, or None. A piece the writer's own text holds
    (a report may well have a "## Brief" or quote a tag) is the writer's, not an echo."""
    lowered = body.lower()
    writers = _writer_text(request).lower() if request is not None else ""
    found = [marker for marker in _ECHO_MARKERS if marker in lowered]
    found += [match.group(0) for match in _NUMBERED_FENCE_RE.finditer(lowered)]  # <current_text_2>
    return next((marker for marker in found if marker not in writers), None)


def _writer_text(request: GenerationRequest) -> str:
    neighbours = [n.body for n in (*request.report, request.before, request.after) if n is not None]
    return "\n".join([request.current_body, *neighbours])


def _digits(text: str) -> str:
    return re.sub(r"[^\d.]", "", text).strip(".")


def known_numbers(request: GenerationRequest) -> set[str]:
    """Every number of the brief, the report (this section and the others) and the benchmark."""
    sources = [
        *request.brief.fields.values(),
        *(item for items in request.brief.lists.values() for item in items),
        request.current_body,
        *(n.body for n in request.report),
        *(n.body for n in (request.before, request.after) if n is not None),
        request.section.label,
        request.section.description,
        *request.section.required_substrings,
        *request.section.required_headings,
        *(fact.text for fact in request.facts),
    ]
    return {_digits(match.group(0)) for text in sources for match in re.finditer(r"\d[\d,]*(?:\.\d+)?", text)}


def invented_figures(body: str, request: GenerationRequest) -> list[str]:
    """The statistics of ``body`` whose number appears nowhere the model was given."""
    known = known_numbers(request)
    invented = []
    for match in _STATISTIC_RE.finditer(body):
        figure = match.group(0).strip()
        number = _digits(figure)
        if not number or _YEAR_RE.fullmatch(number) or number in known:
            continue
        invented.append(figure)
    return invented


def model_answer_problem(body: str, request: GenerationRequest) -> str | None:
    """Why a model's answer cannot be used, in words, or None."""
    echo = prompt_echo(body, request)
    if echo is not None:
        return f"the answer repeats the prompt ('{echo}')"
    meta = meta_talk(body)
    if meta is not None:
        return f"the answer talks about itself or the report instead of the client: '{meta[:100]}'"
    invented = invented_figures(body, request)
    if invented:
        figures = ", ".join(f"'{figure}'" for figure in invented[:5])
        return f"the answer states figures found nowhere in the brief or the report: {figures}; use only given numbers"
    return None
