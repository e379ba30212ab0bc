"""Regenerating all failing sections, end to end: the real server over stdio, a report with four
failing sections and four passing ones, the template generator, and the openai generator talking to
the scripted server on 127.0.0.1 with bounded concurrency."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient
from support.fake_openai import FakeOpenAI, RecordedRequest, Reply

from aicmo_core.benchmarks.loader import load_packs
from aicmo_core.check import CheckOptions, check_text
from aicmo_core.generators.base import Mode
from aicmo_core.generators.template import write_section
from aicmo_core.rewrite import generation_request
from aicmo_core.rules.registry import section_rules, summary_rules
from tests.lsp.conftest import open_document, recorder

REPORT = Path(__file__).parent.parent / "fixtures" / "lsp" / "regenerate_all" / "social.md"
REGENERATE_ALL_KIND = "source.aicmo.regenerateAllFailing"
# The headings of the fixture's failing sections and their ids in quick_social_basic.
FAILING = {
    "## 1. Client Overview": "overview",
    "## 4. Content Buckets": "content_buckets",
    "## 5. Hashtag Strategy": "hashtag_strategy",
    "## 7. Execution Roadmap": "execution_roadmap",
}
SECTION_RULE_CODES = {r.code for r in (*section_rules(), *summary_rules())}  # summary: AIC009 provisional
SECTION_ID_RE = re.compile(r"\(id `([^`]+)`\)")  # how the prompt names the section (generators/context.py)
ANSWER_DELAY_S = 0.4


def template_bodies() -> dict[str, str]:
    """What the template generator writes for each failing section of the fixture, by section id
    (it is deterministic: the server's template run writes the same)."""
    result = check_text(REPORT.read_text(encoding="utf-8"), str(REPORT), CheckOptions(packs=load_packs(())))
    bodies = {}
    for section_result in result.sections:
        benchmark = section_result.section.benchmark
        if benchmark is not None and benchmark.id in FAILING.values():
            bodies[benchmark.id] = write_section(generation_request(result, section_result, Mode.REGENERATE))
    return bodies


def template_answers(delay_s: float) -> Callable[[RecordedRequest], Reply]:
    """The model server's answer to each section's prompt: the template generator's body for the
    section the prompt names, after ``delay_s``."""
    bodies = template_bodies()

    def answer(request: RecordedRequest) -> Reply:
        match = SECTION_ID_RE.search(request.prompt)
        assert match is not None, "the prompt names no section id"
        return Reply.completion(bodies[match.group(1)], delay_s=delay_s)

    return answer


def with_bodies(text: str, bodies: dict[str, str]) -> str:
    """``text`` with the body of each failing section replaced: one blank line after the heading, the
    body, and the blank line before the next section kept."""
    parts = re.split(r"(?m)^(?=## )", text)
    for index, part in enumerate(parts):
        heading = part.split("\n", 1)[0]
        if heading in FAILING:
            parts[index] = f"{heading}\n\n{bodies[FAILING[heading]].strip()}\n" + (
                "\n" if part.endswith("\n\n") else ""
            )
    return "".join(parts)


def front_matter_and_headings(text: str) -> tuple[str, list[str]]:
    """What the writer owns: the front matter, the title and the section headings."""
    front = text[: text.index("\n---\n") + 5]
    return front, [line for line in text.split("\n") if re.match(r"#{1,2} ", line)]


def section_codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diagnostics if str(d.code) in SECTION_RULE_CODES]


async def open_report(client: LanguageClient, workspace: Path) -> tuple[str, str]:
    """The fixture opened in the editor as version 1, once the server has checked it."""
    text = REPORT.read_text(encoding="utf-8")
    path = workspace / "social.md"
    path.write_text(text, encoding="utf-8")
    uri = open_document(client, path)
    before = await recorder(client).diagnostics_for(uri, 1)
    failing_lines = {d.range.start.line for d in before if str(d.code) in SECTION_RULE_CODES}
    lines = text.split("\n")
    assert {heading for heading in FAILING if lines.index(heading) in failing_lines} == set(FAILING)
    return uri, text


async def regenerate_all(client: LanguageClient, uri: str) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="aicmo.regenerateAllFailing", arguments=[{"uri": uri}])
    )


def single_document_edit(rec: Any) -> types.TextDocumentEdit:
    """The one ``workspace/applyEdit`` of the run, made for version 1 (one undo step)."""
    assert len(rec.applied) == 1
    [change] = rec.applied[0].edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.version == 1
    return change


async def test_the_action_is_offered_as_a_command_without_an_edit(client: LanguageClient, workspace: Path) -> None:
    uri, _ = await open_report(client, workspace)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext(diagnostics=[], only=[REGENERATE_ALL_KIND]),
        )
    )
    assert actions is not None
    [action] = actions
    assert isinstance(action, types.CodeAction)
    assert (action.title, action.kind, action.edit) == ("Regenerate all failing sections", REGENERATE_ALL_KIND, None)
    assert action.command is not None
    assert action.command.command == "aicmo.regenerateAllFailing"
    assert list(action.command.arguments or []) == [{"uri": uri}]
    assert recorder(client).applied == []  # listing changes nothing


async def test_template_fixes_every_failing_section_in_one_edit(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    uri, original = await open_report(client, workspace)
    outcome = await regenerate_all(client, uri)
    assert outcome["applied"] is True, outcome
    assert [(s["section"], s["status"], s["quality"], s["generator"]) for s in outcome["sections"]] == [
        (section_id, "applied", "passed_first_attempt", "template") for section_id in FAILING.values()
    ]
    assert outcome["endpoint"] is None  # no openai generator in the chain
    assert len(single_document_edit(rec).edits) == len(FAILING)
    text = rec.text(uri)
    assert text == with_bodies(original, template_bodies())
    assert front_matter_and_headings(text) == front_matter_and_headings(original)
    assert section_codes(await rec.diagnostics_for(uri, 2)) == []


async def test_openai_sections_run_at_most_concurrency_at_once(
    client: LanguageClient, workspace: Path, fake_openai: FakeOpenAI
) -> None:
    rec = recorder(client)
    fake_openai.respond_with(template_answers(ANSWER_DELAY_S))
    client.set_configuration(
        {
            "debounceMs": 0,
            "generator": {
                "chain": ["openai"],
                "baseUrl": fake_openai.base_url,
                "timeoutSeconds": 10,
                "maxRetries": 0,
                "concurrency": 2,
            },
        },
        section="aicmo",
    )
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"aicmo": None}))
    client.protocol.notify("aicmo/setSecrets", {"openaiApiKey": "sk-test"})
    uri, original = await open_report(client, workspace)

    outcome = await regenerate_all(client, uri)

    assert outcome["applied"] is True, outcome
    assert {s["quality"] for s in outcome["sections"]} == {"passed_first_attempt"}
    requests = fake_openai.requests
    # One request per failing section: every answer passed, nothing was retried.
    assert sorted(SECTION_ID_RE.findall(r.prompt)[0] for r in requests) == sorted(FAILING.values())
    # The server's own record of when each request came and was answered: never more than 2 at once.
    events = sorted(
        [(r.received_at, 1) for r in requests] + [(r.answered_at, -1) for r in requests if r.answered_at is not None]
    )
    assert len(events) == 2 * len(requests)
    in_flight = [sum(step for _, step in events[: n + 1]) for n in range(len(events))]
    assert max(in_flight) == 2
    assert len(single_document_edit(rec).edits) == len(FAILING)
    text = rec.text(uri)
    assert text == with_bodies(original, template_bodies())
    assert front_matter_and_headings(text) == front_matter_and_headings(original)
    assert section_codes(await rec.diagnostics_for(uri, 2)) == []
