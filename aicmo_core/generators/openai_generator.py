"""The ``openai`` generator: a model behind an OpenAI-compatible chat completions API writes the section.

This is the one module that imports the ``openai`` SDK. Importing the SDK takes about half a second,
so :mod:`aicmo_core.generators` registers a factory that imports this module when an ``openai``
generator is first made, not when aicmo starts.

Transport retries are the SDK's (checked against openai 2.54): it retries a request up to
``max_retries`` times on connection errors, timeouts, HTTP 408, 409, 429 and 5xx (and whenever the
server sends ``x-should-retry: true``). Before a retry it waits what the server asks in
``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date) when that is more than 0 and at
most 120 s; a longer ``Retry-After`` is not retried at all, the error comes back at once. Without
the header it backs off exponentially from 0.5 s (0.5, 1, 2, ... capped at 8 s), less up to 25 %
jitter. This module adds no retry loop of its own: the enforcement loop's retries are about the
content of an answer, not its transport.

Rate limits are the exception when ``settings.paced`` is set (the runner sets it): the runner's
limiter (:mod:`aicmo_core.concurrency`) retries them at a lower concurrency, and an SDK retrying
inside a call would keep its slot busy at the old one. A response hook marks every rate-limit
answer (a 429, or an error carrying ``Retry-After`` or ``retry-after-ms``) with the SDK's own
``x-should-retry: false``, so it comes back at once as a :class:`GenerationError` carrying the wait
the server asked for (``retry_after_s``). Other errors keep the SDK's retries.

Every error becomes a :class:`GenerationError` whose message is built here from the status code and
the settings, never from the SDK's exception text, which may quote the server's answer or the
request.
"""

from __future__ import annotations

import email.utils
import functools
import logging
import math
import os
import re
import ssl
import time
from collections.abc import Mapping

import certifi
import httpx
import openai
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam

from aicmo_core.generators.base import (
    Generation,
    GenerationError,
    GenerationRequest,
    GeneratorSettings,
    Reason,
    server_name,
)
from aicmo_core.generators.clean import clean_answer
from aicmo_core.generators.context import Prompt, build_prompt

log = logging.getLogger(__name__)

API_KEY_VARIABLE = "OPENAI_API_KEY"
# An error code from the server's answer is quoted only when it looks like one ("model_not_found"):
# anything else may be free text, and free text may quote the request.
_SAFE_ERROR_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class OpenAIGenerator:
    """Writes a section with one non-streaming chat completion per attempt."""

    name = "openai"

    def __init__(self, settings: GeneratorSettings) -> None:
        self.settings = settings

    @property
    def model(self) -> str:
        """The model asked for, as configured (``gpt-4o-mini``): what the decision log records."""
        return self.settings.model

    def api_key(self) -> str | None:
        """The key from the settings, else from ``OPENAI_API_KEY``; None when neither is set."""
        key = self.settings.api_key or os.environ.get(API_KEY_VARIABLE) or ""
        return key.strip() or None

    async def generate(self, request: GenerationRequest) -> Generation:
        key = self.api_key()
        if key is None:
            raise GenerationError(
                Reason.NO_API_KEY,
                f"no OpenAI API key: set one in the settings or in the {API_KEY_VARIABLE} environment variable",
            )
        prompt = build_prompt(request, self.settings.token_budget, self.settings.brief_fields)
        started = time.perf_counter()
        completion = await self._complete(key, prompt)
        content = _content_of(completion)
        body = clean_answer(content, request.section, heading_level=request.heading_level, mdx=request.mdx)
        usage = getattr(completion, "usage", None)
        prompt_tokens = _int_or_none(getattr(usage, "prompt_tokens", None))
        completion_tokens = _int_or_none(getattr(usage, "completion_tokens", None))
        log.debug(
            "openai: section %s attempt %d: %.0f ms, prompt ~%d tokens (server: %s), answer %s tokens%s",
            request.section.id,
            request.attempt,
            (time.perf_counter() - started) * 1000,
            prompt.estimated_tokens,
            prompt_tokens,
            completion_tokens,
            f", trimmed: {', '.join(prompt.trimmed)}" if prompt.trimmed else "",
        )
        if not body:
            raise GenerationError(Reason.EMPTY_ANSWER, "the model's answer was empty once cleaned")
        return Generation(body, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)

    async def _complete(self, key: str, prompt: Prompt) -> ChatCompletion:
        settings = self.settings
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": prompt.system},
            {"role": "user", "content": prompt.user},
        ]
        # A client per call: the language server and the tests run each request in its own event
        # loop, and an httpx client must not outlive the loop it was made in. The TLS context (reading
        # the CA bundle takes ~20 ms) is made once and shared: it is not tied to a loop.
        hooks = {"response": [leave_rate_limits_to_the_caller]} if settings.paced else {}
        try:
            async with openai.AsyncOpenAI(
                api_key=key,
                base_url=settings.base_url,
                timeout=settings.timeout_s,
                max_retries=settings.max_retries,
                http_client=openai.DefaultAsyncHttpxClient(verify=_tls_context(), event_hooks=hooks),
            ) as client:
                completion = await client.chat.completions.create(
                    model=settings.model, messages=messages, temperature=settings.temperature
                )
        except openai.OpenAIError as exc:
            log.debug("openai: %s (HTTP %s)", type(exc).__name__, getattr(exc, "status_code", "-"))
            raise error_for(exc, settings) from None
        except ValueError:  # the SDK parses a body that claims to be JSON and is not
            raise GenerationError(Reason.BAD_ANSWER, "the model server's answer was not valid JSON") from None
        if not isinstance(completion, ChatCompletion):  # a body that is not JSON at all comes back as text
            raise GenerationError(Reason.BAD_ANSWER, "the model server's answer was not a chat completion")
        return completion


async def leave_rate_limits_to_the_caller(response: httpx.Response) -> None:
    """Tell the SDK not to retry a rate-limit answer (``x-should-retry: false``, which it obeys)."""
    status = response.status_code
    if status == 429 or wait_asked(status, response.headers) is not None:
        response.headers["x-should-retry"] = "false"


def wait_asked(status: int, headers: Mapping[str, str]) -> float | None:
    """The wait an answer with ``status`` asks for before another request: a 429's or a server
    error's ``Retry-After`` (a 4xx's is not about load); None when there is none."""
    return retry_after_seconds(headers) if status == 429 or status >= 500 else None


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """The wait a server asks for, in seconds, as the SDK reads it: ``retry-after-ms``, else
    ``Retry-After`` as seconds or as an HTTP date (``now``: the current time, for tests); None when
    neither is there or readable."""
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            seconds = float(headers.get(name, "")) * scale
        except ValueError:
            continue
        if math.isfinite(seconds):
            return seconds
    date = headers.get("retry-after")
    try:
        when = email.utils.parsedate_to_datetime(date) if date else None
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return when.timestamp() - (time.time() if now is None else now)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _content_of(completion: ChatCompletion) -> str:
    """The text of the first choice. The SDK does not validate answers, so every field may be missing."""
    choices = getattr(completion, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise GenerationError(Reason.BAD_ANSWER, "the model server's answer had no choices")
    message = getattr(choices[0], "message", None)
    content = getattr(message, "content", None)
    if isinstance(content, str):
        return content
    if isinstance(getattr(message, "refusal", None), str):
        raise GenerationError(Reason.BAD_ANSWER, "the model declined to write the section")
    raise GenerationError(Reason.BAD_ANSWER, "the model server's answer had no text")


def error_for(exc: openai.OpenAIError, settings: GeneratorSettings) -> GenerationError:
    """The reason and a message for the writer, from the error's type, status code and the wait the
    server asked for alone (``retry_after_s``, for a 429 or a server error)."""
    server = server_name(settings.base_url)
    tries = f"after {settings.max_retries} retries" if settings.max_retries else "with retries off"
    if isinstance(exc, openai.APIStatusError):
        retry_after = wait_asked(exc.status_code, exc.response.headers)
        if settings.paced and (exc.status_code == 429 or retry_after is not None):
            tries = ""  # the SDK left it to the caller's limiter
        error = _status_error(exc, settings, server, tries)
        error.retry_after_s = retry_after
        return error
    if isinstance(exc, openai.APITimeoutError):
        return GenerationError(Reason.TIMED_OUT, f"{server} did not answer within {settings.timeout_s:g} s ({tries})")
    if isinstance(exc, openai.APIConnectionError):
        return GenerationError(Reason.CONNECTION_FAILED, f"could not connect to {server} ({tries})")
    if isinstance(exc, openai.APIResponseValidationError):
        return GenerationError(Reason.BAD_ANSWER, f"{server}'s answer was not a valid chat completion")
    return GenerationError(Reason.BAD_ANSWER, f"the OpenAI client failed ({type(exc).__name__})")


def _status_error(exc: openai.APIStatusError, settings: GeneratorSettings, server: str, tries: str) -> GenerationError:
    """The error for an answer with an error status; ``tries``: the SDK's retries ("" for none)."""
    status = exc.status_code
    code = exc.code if isinstance(exc.code, str) and _SAFE_ERROR_CODE_RE.match(exc.code) else None
    detail = f"HTTP {status}" + (f", {code}" if code else "")
    retried = f"{detail}, {tries}" if tries else detail
    if status == 429:
        return GenerationError(
            Reason.RATE_LIMITED, f"{server} is rate-limiting requests or the quota is used up ({retried})"
        )
    if status >= 500:
        return GenerationError(Reason.SERVER_ERROR, f"{server} failed to answer ({retried})")
    if status == 401:
        return GenerationError(Reason.NO_API_KEY, f"{server} rejected the API key ({detail})")
    if status == 408:
        return GenerationError(Reason.TIMED_OUT, f"{server} timed out the request ({retried})")
    if status == 404:
        return GenerationError(
            Reason.UNSUPPORTED, f"{server} does not know the model '{settings.model}' or the endpoint ({detail})"
        )
    if status in (400, 403, 413, 422):
        return GenerationError(Reason.UNSUPPORTED, f"{server} refused the request ({detail})")
    return GenerationError(Reason.BAD_ANSWER, f"{server} answered with an error ({detail})")
