"""The generation protocol: what a generator is asked, what it answers, how it fails.

A generator writes the *body* of one section (everything under its heading, without the heading)
for a :class:`GenerationRequest`. It never validates its own answer: the enforcement loop
(:mod:`aicmo_core.enforce`) checks every candidate against the section's benchmark and decides.
Generators are looked up by name in :data:`GENERATORS`; ``generate`` is a coroutine so that a
caller can cancel a slow model call by cancelling its task.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol
from urllib.parse import urlsplit

from aicmo_core.benchmarks.models import Pack, SectionBenchmark
from aicmo_core.generators import defaults
from aicmo_core.writer_facts import Fact

# Front matter fields that describe the client; any other scalar field the writer adds is kept too.
BRIEF_FIELDS = ("brand", "industry", "audience", "goal", "voice", "product", "market", "offer", "timeline")
# Front matter keys that configure aicmo rather than describe the client.
_NOT_BRIEF = frozenset({"pack", "aicmo", "title", "layout", "tags", "draft"})


class Mode(str, Enum):
    """What the writer asked for."""

    REGENERATE = "regenerate"  # write the section anew, keeping the facts of the writer's text
    SCRATCH = "scratch"  # write the section anew from the brief alone: the writer's text is discarded
    EXPAND = "expand"  # keep every sentence the writer wrote, in order, and add to them
    FIX = "fix"  # change only what the failures name


class Reason(str, Enum):
    """Why a generator produced no usable candidate (a closed set: it is stored in the decision log)."""

    NO_API_KEY = "no_api_key"
    RATE_LIMITED = "rate_limited"
    TIMED_OUT = "timed_out"
    SERVER_ERROR = "server_error"
    BAD_ANSWER = "bad_answer"
    EMPTY_ANSWER = "empty_answer"
    CONNECTION_FAILED = "connection_failed"
    UNSUPPORTED = "unsupported"
    FAILED_BENCHMARK = "failed_benchmark"


class GenerationError(Exception):
    """A generator could not answer. ``message`` is for the writer and never contains secrets;
    ``retry_after_s`` is the wait the server asked for before another request, when it said one."""

    def __init__(self, reason: Reason, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.retry_after_s = retry_after_s


@dataclass(frozen=True, slots=True)
class Brief:
    """The client's brief from the report's front matter: brand, industry, audience, goal, voice, ..."""

    fields: Mapping[str, str] = field(default_factory=dict)
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # channels, competitors, ...

    @classmethod
    def from_front_matter(cls, data: Mapping[str, Any]) -> Brief:
        """Scalar fields as text; a list of scalars (``channels: [LinkedIn, email]``) as a list."""
        fields: dict[str, str] = {}
        lists: dict[str, tuple[str, ...]] = {}
        for key, value in data.items():
            name = str(key).lower()
            if name in _NOT_BRIEF or value is None or isinstance(value, dict):
                continue
            if isinstance(value, list):
                items = tuple(str(item).strip() for item in value if isinstance(item, str | int | float))
                if any(items):
                    lists[name] = tuple(item for item in items if item)
                continue
            text = str(value).strip()
            if text:
                fields[name] = text
        return cls(fields, lists)

    def get(self, key: str, default: str = "") -> str:
        return self.fields.get(key, default)

    def items(self, key: str) -> tuple[str, ...]:
        """A list field: given as a list, or as text separated by commas, semicolons or "and"."""
        if key in self.lists:
            return self.lists[key]
        text = self.fields.get(key, "")
        return tuple(part.strip() for part in re.split(r"\s*(?:[,;/]|\band\b)\s*", text) if part.strip())

    def merged(self, other: Brief) -> Brief:
        """This brief with the fields and lists it lacks taken from ``other``."""
        return Brief({**other.fields, **self.fields}, {**other.lists, **self.lists})

    @property
    def brand(self) -> str:
        return self.get("brand") or self.get("client") or "the brand"

    @property
    def audience(self) -> str:
        return self.get("audience") or "its core customers"


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A section next to the one being written, for context and continuity."""

    section_id: str | None
    heading: str
    body: str


@dataclass(frozen=True, slots=True)
class Failure:
    """One thing the last attempt (or the writer's text) got wrong, from a rule finding."""

    code: str
    rule: str
    message: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    """Everything a generator may use to write one section body."""

    pack: Pack
    section: SectionBenchmark
    mode: Mode
    brief: Brief
    current_body: str = ""  # the section's text under its heading, as the writer has it
    heading_level: int = 2  # the report's section level: sub-headings must be deeper
    before: Neighbour | None = None
    after: Neighbour | None = None
    failures: tuple[Failure, ...] = ()  # on a retry: what the last attempt failed; else the current ones
    facts: tuple[Fact, ...] = ()  # the writer's facts the new text must keep (see aicmo_core.writer_facts)
    report: tuple[Neighbour, ...] = ()  # the report's other sections as they stand, in order
    attempt: int = 1
    target_words: int | None = None  # for expand: the word count to reach
    mdx: bool = False

    @property
    def sub_heading(self) -> str:
        """The Markdown marker of a sub-heading one level below the section, e.g. ``###``."""
        return "#" * min(self.heading_level + 1, 6)


@dataclass(frozen=True, slots=True)
class Generation:
    """A candidate body, with what producing it cost."""

    body: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class Generator(Protocol):
    """Writes one section body. Raise :class:`GenerationError` for a failure with a known reason.

    ``model`` names the model behind the generator (``gpt-4o-mini``), None when there is none (the
    ``template`` generator): it is kept in the trace and the decision log, never a secret.
    """

    name: str

    @property
    def model(self) -> str | None: ...

    async def generate(self, request: GenerationRequest) -> Generation: ...


@dataclass(frozen=True, slots=True)
class GeneratorSettings:
    """Settings generators read; each takes what it needs. ``api_key`` is never logged or stored."""

    model: str = defaults.MODEL
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout_s: float = defaults.TIMEOUT_SECONDS
    max_retries: int = defaults.MAX_RETRIES
    token_budget: int = defaults.TOKEN_BUDGET
    brief_fields: tuple[str, ...] = defaults.BRIEF_FIELDS  # the brief fields a model is told
    temperature: float = defaults.TEMPERATURE
    # True: the caller paces requests (aicmo_core.concurrency) and retries rate-limited ones itself,
    # so a generator raises a rate limit at once, with the wait the server asked, instead of retrying.
    paced: bool = False


def server_name(base_url: str | None) -> str:
    """The host (and port) of an OpenAI-compatible ``base_url``, without user info, path or query:
    safe to show and to log (``api.openai.com`` when none is set)."""
    if not base_url:
        return "api.openai.com"
    parts = urlsplit(base_url)
    host = parts.hostname or "the configured server"
    try:
        port = parts.port
    except ValueError:  # a port that is no number: the host alone
        port = None
    return f"{host}:{port}" if port else host


GeneratorFactory = Callable[[GeneratorSettings], Generator]
GENERATORS: dict[str, GeneratorFactory] = {}


def register_generator(name: str) -> Callable[[GeneratorFactory], GeneratorFactory]:
    """Register a generator factory under ``name``."""

    def register(factory: GeneratorFactory) -> GeneratorFactory:
        if name in GENERATORS:
            raise ValueError(f"generator {name!r} registered twice")
        GENERATORS[name] = factory
        return factory

    return register


def create_generator(name: str, settings: GeneratorSettings) -> Generator:
    """The generator registered as ``name``; raises ``KeyError`` with the known names otherwise."""
    importlib.import_module("aicmo_core.generators")  # registers the built-in generators
    try:
        factory = GENERATORS[name]
    except KeyError:
        raise KeyError(f"unknown generator {name!r}; known: {', '.join(sorted(GENERATORS))}") from None
    return factory(settings)
