"""'Regenerate all failing sections' in the language server, against a model server with a fixed delay.

A real ``aicmo-lsp`` process over stdio, driven by pygls's client, runs the command
``aicmo.regenerateAllFailing`` on a report with exactly 10 failing sections (and 7 passing ones) of
the built-in pack ``strategy_campaign_standard``. The ``openai`` generator talks to the scripted
OpenAI-compatible server of the tests (``tests/support/fake_openai.py``) on 127.0.0.1, which answers
every request after a fixed delay with a body that passes the section's benchmark: the template
generator's text for the section the prompt names, so no answer is retried.

Measured per ``aicmo.generator.concurrency`` (1, 3, 10), as the median of a few runs:

- *command→edit*: from sending ``workspace/executeCommand`` to receiving the server's one
  ``workspace/applyEdit``;
- *slowest section*: the longest request as the model server saw it (request read to answer sent);
- next to them ``ceil(10 / concurrency) × delay``, what bounded concurrency costs at best, and
  the difference (the server's own overhead: prompts, validation, HTTP, the edit).

Every run is checked: 10 requests, one per section, every section passed at the first attempt, and
never more requests in flight than the concurrency.

A second table runs the writer's *default settings* (no ``concurrency``, no ``maxRetries`` set)
against the same server, once answering every request and once as a rate-limited endpoint that
serves at most 4 requests at a time and answers any more at once with a 429 and ``Retry-After: 1``
(``FakeOpenAI.limit_in_flight``); and, for comparison, ``concurrency`` 10 against that endpoint. It
reports *command→edit* as a ratio to the slowest section, the requests the server saw, its 429s and
the most requests it had in flight (429s included), over the run and for the requests after the
first ten, the ones sent once the client had heard back. Every section must be applied with the
server's text.

One run before the measured ones is discarded (it imports the ``openai`` SDK). Run
``python perf/bench_generate.py`` (``--quick`` for a smoke run with a short delay and one run each).
Numbers go to ``perf/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

PERF = Path(__file__).resolve().parent
sys.path[:0] = [str(PERF.parent), str(PERF.parent / "tests")]

from support.fake_openai import FakeOpenAI, RecordedRequest, Reply  # noqa: E402

from aicmo_core.benchmarks.loader import load_packs  # noqa: E402
from aicmo_core.check import CheckOptions, ReportResult, check_text  # noqa: E402
from aicmo_core.findings import Status  # noqa: E402
from aicmo_core.generators.base import Mode  # noqa: E402
from aicmo_core.generators.template import write_section  # noqa: E402
from aicmo_core.rewrite import generation_request  # noqa: E402

PACK_KEY = "strategy_campaign_standard"
FAILING_SECTIONS = 10
CONCURRENCIES = (1, 3, 10)
SECTION_ID_RE = re.compile(r"\(id `([^`]+)`\)")  # how the prompt names its section (generators/context.py)
FRONT_MATTER = """\
---
pack: strategy_campaign_standard
brand: Northwind Outdoor
industry: Outdoor clothing and equipment retail
audience: UK hikers aged 25-45 who walk most weekends and buy gear online
goal: Grow online sales of the spring range by 20% in 8 weeks
voice: practical and friendly
product: The Ridge waterproof jacket
---

# Northwind Outdoor: Spring Campaign
"""
STUB_BODY = "Notes to expand before the client review."
TABLE_HEADER = (
    "| concurrency | failing sections | runs | answer delay ms | command→edit ms | slowest section ms "
    "| ⌈10/c⌉ × delay ms | overhead ms | max in flight |"
)
SCENARIO_HEADER = (
    "| settings | endpoint | runs | answer delay ms | command→edit ms | slowest section ms | ratio "
    "| requests | 429s | max in flight | max in flight after the first 10 requests |"
)
RATE_LIMITED_ALLOWS = 4  # requests the rate-limited endpoint serves at once
RETRY_AFTER = {"Retry-After": "1"}


@dataclass(frozen=True)
class Scenario:
    """A row of the second table: the generator settings (None: the default) and the endpoint."""

    name: str
    concurrency: int | None
    allowed_in_flight: int | None  # None: every request is answered

    @property
    def endpoint(self) -> str:
        if self.allowed_in_flight is None:
            return "answers every request"
        return f"serves {self.allowed_in_flight} at once, 429 + Retry-After: 1 beyond"


SCENARIOS = (
    Scenario("default", None, None),
    Scenario("default", None, RATE_LIMITED_ALLOWS),
    Scenario("concurrency 10", 10, RATE_LIMITED_ALLOWS),
)


def report_with_failing_sections() -> tuple[str, dict[str, str]]:
    """A report whose first 10 sections fail (a one-line stub each) and whose other 7 pass, and the
    passing body the model server answers for each failing section, by section id."""
    packs = load_packs(())
    pack = packs.get(PACK_KEY)
    if pack is None:
        raise SystemExit(f"built-in pack {PACK_KEY} is missing")
    options = CheckOptions(packs=packs)

    def compose(bodies: dict[str, str]) -> str:
        parts = [FRONT_MATTER]
        for section in pack.sections:
            parts.append(f"\n## {section.label}\n\n{bodies.get(section.id, STUB_BODY).strip()}\n")
        return "".join(parts)

    def template_bodies(result: ReportResult, ids: set[str]) -> dict[str, str]:
        return {
            r.section.benchmark.id: write_section(generation_request(result, r, Mode.REGENERATE))
            for r in result.sections
            if r.section.benchmark is not None and r.section.benchmark.id in ids
        }

    passing_ids = {section.id for section in pack.sections[FAILING_SECTIONS:]}
    text = compose(template_bodies(check_text(compose({}), "report.md", options), passing_ids))
    result = check_text(text, "report.md", options)
    failing = [r.section.benchmark.id for r in result.sections if r.section.benchmark and r.status is Status.FAIL]
    expected = [section.id for section in pack.sections[:FAILING_SECTIONS]]
    if failing != expected:
        raise SystemExit(f"the generated report should fail exactly {expected}, it fails {failing}")
    return text, template_bodies(result, set(failing))


def max_in_flight(requests: list[RecordedRequest]) -> int:
    """The most requests the model server was answering at one time."""
    events = sorted(
        [(r.received_at, 1) for r in requests] + [(r.answered_at, -1) for r in requests if r.answered_at is not None]
    )
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak


@dataclass(frozen=True)
class Run:
    command_to_edit_ms: float
    slowest_section_ms: float
    in_flight: int
    requests: int = FAILING_SECTIONS
    rate_limited: int = 0  # requests answered with a 429
    in_flight_later: int = 0  # the most in flight the server saw for a request after the first ten


class Bench:
    def __init__(self, fake: FakeOpenAI) -> None:
        self.fake = fake
        self.client = LanguageClient("aicmo-perf", "1")
        self.generator: dict[str, dict[str, Any]] = {}  # per document uri: the generator settings given
        self.published: set[tuple[str, int | None]] = set()
        self.edits: dict[str, float] = {}  # uri -> when its applyEdit arrived
        self.sent: dict[str, float] = {}  # uri -> when its command was sent
        self.messages: list[str] = []

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published.add((params.uri, params.version))

        @self.client.feature(types.WORKSPACE_CONFIGURATION)
        def configuration(params: types.ConfigurationParams) -> list[Any]:
            return [self.settings(item.scope_uri) for item in params.items]

        @self.client.feature(types.WORKSPACE_APPLY_EDIT)
        def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            arrived = time.perf_counter()
            for change in params.edit.document_changes or []:
                assert isinstance(change, types.TextDocumentEdit)
                self.edits[change.text_document.uri] = arrived
            return types.ApplyWorkspaceEditResult(applied=True)

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def show_message(params: types.ShowMessageParams) -> None:
            self.messages.append(params.message)

        @self.client.feature("aicmo/status")
        def status(params: Any) -> None:
            del params

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def log_message(params: Any) -> None:
            del params

    def settings(self, uri: str | None) -> dict[str, Any]:
        generator = {"chain": ["openai"], "baseUrl": self.fake.base_url, **self.generator.get(uri or "", {})}
        return {"debounceMs": 0, "generator": generator}

    async def start(self, data_dir: str) -> None:
        # The decision log goes to a scratch folder, not the user's.
        env = {**os.environ, "AICMO_DATA_DIR": data_dir}
        await self.client.start_io(sys.executable, "-m", "aicmo_lsp", "--log-level", "WARNING", env=env)
        capabilities = types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(
                configuration=True,
                apply_edit=True,
                workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            ),
            text_document=types.TextDocumentClientCapabilities(
                publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)
            ),
        )
        await self.client.initialize_async(types.InitializeParams(capabilities=capabilities, root_uri=PERF.as_uri()))
        self.client.initialized(types.InitializedParams())
        self.client.protocol.notify("aicmo/setSecrets", {"openaiApiKey": "sk-bench"})

    async def until(self, condition: Any, timeout: float = 120) -> None:
        deadline = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError("the server did not answer in time")
            await asyncio.sleep(0.002)

    async def regenerate_all(self, uri: str, text: str, concurrency: int) -> Run:
        """One run at ``concurrency`` without the SDK's retries, checked to need no retry at all."""
        requests, outcome = await self.execute(uri, text, {"concurrency": concurrency, "maxRetries": 0})
        applied = outcome.get("applied") is True  # the command's result: a plain JSON object
        qualities = [section["quality"] for section in outcome.get("sections", [])]
        in_flight = max_in_flight(requests)
        if (
            not applied
            or uri not in self.edits
            or qualities != ["passed_first_attempt"] * FAILING_SECTIONS
            or len(requests) != FAILING_SECTIONS
            or in_flight > concurrency
        ):
            raise SystemExit(
                f"run at concurrency {concurrency} is not what it should be: applied={applied}, "
                f"qualities={qualities}, requests={len(requests)}, in flight={in_flight}, messages={self.messages}"
            )
        return self.measured(uri, requests)

    async def scenario(self, uri: str, text: str, scenario: Scenario) -> Run:
        """One run of ``scenario``, checked to apply every section with the server's text."""
        self.fake.limit_in_flight(scenario.allowed_in_flight, retry_after=RETRY_AFTER)
        generator = {} if scenario.concurrency is None else {"concurrency": scenario.concurrency}
        try:
            requests, outcome = await self.execute(uri, text, generator)
        finally:
            self.fake.limit_in_flight(None)
        statuses = [section.get("status") for section in outcome.get("sections", [])]
        if outcome.get("applied") is not True or statuses != ["applied"] * FAILING_SECTIONS:
            raise SystemExit(f"{scenario} did not apply every section: {outcome}, messages={self.messages}")
        return self.measured(uri, requests)

    def measured(self, uri: str, requests: list[RecordedRequest]) -> Run:
        answered = [r for r in requests if r.answered_at is not None and r.status == 200]
        slowest = max(r.answered_at - r.received_at for r in answered if r.answered_at is not None)
        return Run(
            (self.edits[uri] - self.sent[uri]) * 1000,
            slowest * 1000,
            max_in_flight(requests),
            len(requests),
            sum(r.status == 429 for r in requests),
            max((r.in_flight for r in requests[FAILING_SECTIONS:]), default=0),
        )

    async def execute(
        self, uri: str, text: str, generator: dict[str, Any]
    ) -> tuple[list[RecordedRequest], dict[str, Any]]:
        """Open ``text`` as ``uri`` with the generator settings ``generator``, run the command and close
        it: the requests the model server saw and the command's result."""
        self.generator[uri] = generator
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
            )
        )
        await self.until(lambda: (uri, 1) in self.published)
        seen = len(self.fake.requests)
        self.sent[uri] = time.perf_counter()
        outcome = await asyncio.wait_for(
            self.client.workspace_execute_command_async(
                types.ExecuteCommandParams(command="aicmo.regenerateAllFailing", arguments=[{"uri": uri}])
            ),
            timeout=300,
        )
        requests = self.fake.requests[seen:]
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
        return requests, outcome

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


async def run(quick: bool, delay_s: float) -> None:
    text, answers = report_with_failing_sections()

    def answer(request: RecordedRequest) -> Reply:
        match = SECTION_ID_RE.search(request.prompt)
        if match is None or match.group(1) not in answers:
            return Reply.error(400, "the prompt names no failing section")
        return Reply.completion(answers[match.group(1)], delay_s=delay_s)

    runs = 1 if quick else 3
    with FakeOpenAI() as fake, tempfile.TemporaryDirectory(prefix="aicmo-bench-") as data_dir:
        fake.respond_with(answer)
        bench = Bench(fake)
        await bench.start(data_dir)
        await bench.regenerate_all((PERF / "bench-generate-warmup.md").as_uri(), text, max(CONCURRENCIES))
        print(
            f"{FAILING_SECTIONS} failing sections of {PACK_KEY}, every answer after {delay_s * 1000:.0f} ms; "
            f"median of {runs} run(s) per row"
        )
        print()
        print(TABLE_HEADER)
        print("|" + " ---: |" * (TABLE_HEADER.count("|") - 1))
        for concurrency in CONCURRENCIES:
            measured = [
                await bench.regenerate_all((PERF / f"bench-generate-c{concurrency}-{n}.md").as_uri(), text, concurrency)
                for n in range(runs)
            ]
            wall = statistics.median(r.command_to_edit_ms for r in measured)
            slowest = statistics.median(r.slowest_section_ms for r in measured)
            floor = math.ceil(FAILING_SECTIONS / concurrency) * delay_s * 1000
            print(
                f"| {concurrency} | {FAILING_SECTIONS} | {runs} | {delay_s * 1000:.0f} | {wall:.0f} | {slowest:.0f} "
                f"| {floor:.0f} | {wall - floor:.0f} | {max(r.in_flight for r in measured)} |"
            )
        print()
        print(SCENARIO_HEADER)
        print("| --- | --- |" + " ---: |" * (SCENARIO_HEADER.count("|") - 3))
        for number, scenario in enumerate(SCENARIOS):
            measured = [
                await bench.scenario((PERF / f"bench-generate-s{number}-{n}.md").as_uri(), text, scenario)
                for n in range(runs)
            ]
            wall = statistics.median(r.command_to_edit_ms for r in measured)
            slowest = statistics.median(r.slowest_section_ms for r in measured)
            print(
                f"| {scenario.name} | {scenario.endpoint} | {runs} | {delay_s * 1000:.0f} | {wall:.0f} "
                f"| {slowest:.0f} | {wall / slowest:.2f} | {statistics.median(r.requests for r in measured):.0f} "
                f"| {statistics.median(r.rate_limited for r in measured):.0f} | {max(r.in_flight for r in measured)} "
                f"| {max(r.in_flight_later for r in measured)} |"
            )
        await bench.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a fast smoke run: 100 ms answers, one run each")
    parser.add_argument("--delay", type=float, default=None, help="seconds the model server waits (default 0.5)")
    args = parser.parse_args(argv)
    delay_s = args.delay if args.delay is not None else (0.1 if args.quick else 0.5)
    asyncio.run(run(args.quick, delay_s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
