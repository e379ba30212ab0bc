"""What the writer sees of the findings besides squiggles: the Problems panel (workspace pull), the
benchmark link once per section, the hover's table and one-line summary, and the scorecard."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.lsp.conftest import SERVER, open_document, pull_capabilities, recorder, start

FIXTURES = Path(__file__).parent.parent / "fixtures" / "lsp"
FAILING_CODES = ["AIC001", "AIC101", "AIC111", "AIC131", "AIC142", "AIC171"]
Pulled = list[tuple[str, int | None, list[str]]]


@pytest_lsp.fixture(config=SERVER)
async def multi_root_pull_client(
    lsp_client: LanguageClient, workspace: Path, second_folder: Path
) -> AsyncIterator[None]:
    lsp_client.recorder = await start(lsp_client, workspace, pull_capabilities(), more_folders=(second_folder,))  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def workspace_pull(client: LanguageClient) -> Pulled:
    """The workspace pull's reports as (file name, version, codes), by file name."""
    answer = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    pulled = []
    for item in answer.items:
        assert isinstance(item, types.WorkspaceFullDocumentDiagnosticReport)
        pulled.append((Path(item.uri).name, item.version, [str(d.code) for d in item.items]))
    return sorted(pulled)


def workspace_diagnostics(client: LanguageClient, on: bool) -> None:
    client.set_configuration({"debounceMs": 0, "workspaceDiagnostics": on}, section="aicmo")


async def run(client: LanguageClient, command: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))
    )


def social_report(client: LanguageClient, workspace: Path) -> str:
    """A Quick Social report (built-in pack) with four failing sections and 30 findings."""
    text = (FIXTURES / "regenerate_all" / "social.md").read_text(encoding="utf-8")
    return open_document(client, workspace / "social.md", text=text)


# ------------------------------------------------------------------------------ workspace pull


async def test_workspace_pull_reports_no_findings_by_default(pull_client: LanguageClient, workspace: Path) -> None:
    uri = open_document(pull_client, workspace / "failing.md")
    report = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in report.items] == FAILING_CODES
    # Unopened reports are not read; the open one gets an empty report, which VS Code uses only
    # once the document's tab is closed (its own pull wins while it shows).
    assert await workspace_pull(pull_client) == [("failing.md", 1, [])]


async def test_workspace_pull_with_the_setting_reports_every_report(
    pull_client: LanguageClient, workspace: Path
) -> None:
    workspace_diagnostics(pull_client, True)
    open_document(pull_client, workspace / "failing.md")
    assert await workspace_pull(pull_client) == [
        ("failing.md", 1, FAILING_CODES),
        ("passing.md", None, []),
        ("report.mdx", None, ["AIC005"]),
    ]


async def test_the_workspace_pull_leaves_out_what_aicmo_check_leaves_out(
    pull_client: LanguageClient, workspace: Path
) -> None:
    failing = (workspace / "failing.md").read_text(encoding="utf-8")
    for ignored in ("drafts/old.md", "node_modules/pkg/readme.md", ".notes/todo.md"):
        (workspace / ignored).parent.mkdir(parents=True)
        (workspace / ignored).write_text(failing, encoding="utf-8")
    (workspace / ".gitignore").write_text("drafts/\n", encoding="utf-8")
    workspace_diagnostics(pull_client, True)
    assert await workspace_pull(pull_client) == [
        ("failing.md", None, FAILING_CODES),
        ("passing.md", None, []),
        ("report.mdx", None, ["AIC005"]),
    ]


async def test_closing_a_report_clears_it_in_the_next_workspace_pull(
    pull_client: LanguageClient, workspace: Path
) -> None:
    uri = open_document(pull_client, workspace / "failing.md")
    report = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport) and report.items
    pull_client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    assert await workspace_pull(pull_client) == [("failing.md", None, [])]
    assert await workspace_pull(pull_client) == []


async def test_turning_the_setting_off_clears_what_the_workspace_pull_reported(
    pull_client: LanguageClient, workspace: Path
) -> None:
    workspace_diagnostics(pull_client, True)
    assert await workspace_pull(pull_client) == [
        ("failing.md", None, FAILING_CODES),
        ("passing.md", None, []),
        ("report.mdx", None, ["AIC005"]),
    ]
    workspace_diagnostics(pull_client, False)
    assert await workspace_pull(pull_client) == [("failing.md", None, []), ("report.mdx", None, [])]
    assert await workspace_pull(pull_client) == []


async def test_each_workspace_folder_has_its_own_setting(
    multi_root_pull_client: LanguageClient, workspace: Path, second_folder: Path
) -> None:
    client = multi_root_pull_client
    client.set_configuration(
        {"debounceMs": 0, "workspaceDiagnostics": True}, section="aicmo", scope_uri=second_folder.as_uri()
    )
    (second_folder / "drafts" / "week1.md").write_text("## Hashtag Strategy\n\n#glow #cleanbeauty\n", encoding="utf-8")
    pulled = await workspace_pull(client)
    assert [(name, version) for name, version, _ in pulled] == [("week1.md", None)]
    assert pulled[0][2][:3] == ["AIC001", "AIC001", "AIC001"]


# ------------------------------------------------------------------------ related information


async def test_only_the_first_finding_of_a_section_links_to_its_benchmark(
    client: LanguageClient, workspace: Path
) -> None:
    rec = recorder(client)
    uri = open_document(client, workspace / "failing.md")
    diagnostics = await rec.diagnostics_for(uri, 1)
    brief = (workspace / "benchmarks" / "packs" / "brief.yaml").as_uri()
    assert [
        (
            str(d.code),
            [(r.location.uri, r.location.range.start.line, r.message) for r in d.related_information or []],
        )
        for d in diagnostics
    ] == [
        ("AIC001", [(brief, 19, "benchmark of section 'next_steps' in brief")]),
        ("AIC101", [(brief, 6, "benchmark of section 'overview' in brief")]),
        ("AIC111", []),
        ("AIC131", []),
        ("AIC142", []),
        ("AIC171", [(brief, 14, "benchmark of section 'channels' in brief")]),
    ]

    social = social_report(client, workspace)
    diagnostics = await rec.diagnostics_for(social, 1)
    assert len(diagnostics) == 30
    assert [(d.range.start.line, d.code) for d in diagnostics if d.related_information] == [
        (10, "AIC101"),
        (69, "AIC101"),
        (73, "AIC101"),
        (105, "AIC101"),
    ]


# ------------------------------------------------------------------------------------- hover


async def test_hover_gives_the_table_then_one_line_for_the_findings(client: LanguageClient, workspace: Path) -> None:
    uri = social_report(client, workspace)
    await recorder(client).diagnostics_for(uri, 1)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(10, 4))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    lines = hover.contents.value.split("\n")
    assert lines[:2] == ["| **Client Overview** (`overview`) | now | benchmark | |", "| --- | --- | --- | --- |"]
    table_end = lines.index("")
    assert lines[table_end + 1 :] == [
        "**FAIL**: 10 errors: words 9 (min 120); bullets 0 (min 3); sub-headings 0 (min 1); "
        "missing sub-headings 'Brand', 'Industry', 'Primary Goal'; "
        "missing required phrases 'Brand:', 'Industry:', 'Primary Goal:'; forbidden phrase 'lorem ipsum'",
        "",
        "Matched by name: the heading is the section's label.",
    ]
    # A passing section says so in its line.
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(14, 4))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "\n\n**PASS**: no findings\n\n" in hover.contents.value


# --------------------------------------------------------------------------------- scorecard

SCORECARD_TEXT_TAIL = "\n## Overview\n\nMore overview words.\n\n## Press Coverage\n\nThree articles in March.\n"


async def test_scorecard_of_a_report(client: LanguageClient, workspace: Path) -> None:
    text = (workspace / "failing.md").read_text(encoding="utf-8") + SCORECARD_TEXT_TAIL
    uri = open_document(client, workspace / "failing.md", text=text)
    card = await run(client, "aicmo.scorecard", {"uri": uri})
    repeated_lines = {
        "name": "repeated_line_ratio",
        "label": "repeated lines",
        "value": 0,
        "min": None,
        "max": 0.5,
        "now": "0%",
        "bound": "at most 50%",
    }
    assert card == {
        "uri": uri,
        "version": 1,
        "pack": "brief",
        "packLabel": "Client Brief",
        "status": "FAIL",
        "sections": [
            {
                "section": "overview",
                "label": "Overview",
                "line": 6,
                "status": "FAIL",
                "words": 4,
                "minWords": 8,
                "maxWords": 60,
                "expandTarget": 34,
                "errors": 4,
                "warnings": 0,
                "bounds": [
                    {
                        "name": "bullets",
                        "label": "bullets",
                        "value": 0,
                        "min": 2,
                        "max": None,
                        "ok": False,
                        "now": "0",
                        "bound": "at least 2",
                    },
                    {**repeated_lines, "ok": True},
                ],
                "findings": [
                    "words 4 (min 8)",
                    "bullets 0 (min 2)",
                    "missing sub-heading 'Goal'",
                    "forbidden phrase 'lorem ipsum'",
                ],
            },
            {
                "section": "channels",
                "label": "Channel Plan",
                "line": 10,
                "status": "FAIL",
                "words": 7,
                "minWords": 5,
                "maxWords": 60,
                "expandTarget": 32,
                "errors": 1,
                "warnings": 0,
                "bounds": [{**repeated_lines, "ok": True}],
                "findings": ["no table in this section"],
            },
        ],
        "missing": [{"section": "next_steps", "label": "Next Steps"}],
        # A second 'Overview' repeats the section; 'Press Coverage' is no section of the pack.
        "unknown": [{"label": "Overview", "line": 14}, {"label": "Press Coverage", "line": 18}],
    }


async def expand_target_of_code_action(client: LanguageClient, uri: str, line: int) -> int:
    diagnostics = [d for d in await recorder(client).diagnostics_for(uri, 1) if d.range.start.line == line]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(line, 0), types.Position(line, 0)),
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )
    expand = next(a for a in actions or [] if isinstance(a, types.CodeAction) and a.title.startswith("Expand"))
    assert expand.command is not None and expand.command.arguments
    return int(expand.command.arguments[0]["targetWords"])


async def test_scorecard_expand_target_is_the_expand_actions(client: LanguageClient, workspace: Path) -> None:
    social = social_report(client, workspace)
    card = await run(client, "aicmo.scorecard", {"uri": social})
    failing = [(s["section"], s["line"], s["expandTarget"]) for s in card["sections"] if s["status"] == "FAIL"]
    assert failing == [
        ("overview", 10, 190),
        ("content_buckets", 69, 190),
        ("hashtag_strategy", 73, 200),
        ("execution_roadmap", 105, 290),
    ]
    for _, line, target in failing:
        assert await expand_target_of_code_action(client, social, line) == target
    assert (card["status"], card["missing"], card["unknown"]) == ("FAIL", [], [])


async def test_scorecard_of_a_document_that_is_no_report_or_not_open(client: LanguageClient, workspace: Path) -> None:
    notes = open_document(client, workspace / "notes.md")
    assert await run(client, "aicmo.scorecard", {"uri": notes}) == {
        "uri": notes,
        "version": 1,
        "pack": None,
        "packLabel": None,
        "status": "SKIPPED",
        "sections": [],
        "missing": [],
        "unknown": [],
    }
    assert await run(client, "aicmo.scorecard", {"uri": (workspace / "passing.md").as_uri()}) is None


async def test_a_report_whose_uri_is_percent_encoded(client: LanguageClient, workspace: Path) -> None:
    """Editors quote URIs (``my%20report.md``); pygls keys its documents unquoted."""
    rec = recorder(client)
    path = workspace / "my report.md"
    path.write_text((workspace / "failing.md").read_text(encoding="utf-8"), encoding="utf-8")
    uri = open_document(client, path)
    assert "%20" in uri
    assert [d.code for d in await rec.diagnostics_for(uri, 1)] == FAILING_CODES
    assert (await rec.status_for(uri, 1))["status"] == "FAIL"
    card = await run(client, "aicmo.scorecard", {"uri": uri})
    assert (card["uri"], card["version"], card["status"]) == (uri, 1, "FAIL")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([{"uri": 3}], "invalid argument 'uri': expected a string, got a number"),
        ([{}], "invalid argument 'uri': missing"),
        (["file:///report.md"], "invalid argument 'arguments': expected an object, got a string"),
    ],
)
async def test_scorecard_refuses_a_bad_argument(client: LanguageClient, arguments: list[Any], message: str) -> None:
    with pytest.raises(JsonRpcException, match=message):
        await run(client, "aicmo.scorecard", *arguments)
