"""Settings, benchmark files and aicmo.toml change the checks without a restart; broken ones say so."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import open_document, recorder, summary

FAILING_CODES = ["AIC001", "AIC101", "AIC111", "AIC131", "AIC142", "AIC171"]


def settings_changed(client: LanguageClient, settings: dict[str, object]) -> None:
    client.set_configuration(settings, section="aicmo")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"aicmo": None}))


def files_changed(client: LanguageClient, *paths: Path) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Changed) for path in paths]
        )
    )


def shown_messages(client: LanguageClient) -> list[str]:
    return [p.message for p in recorder(client).of(types.WINDOW_SHOW_MESSAGE)]


async def test_changing_settings_revalidates_open_reports(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    notes = open_document(client, workspace / "notes.md")
    failing = open_document(client, workspace / "failing.md")
    assert await rec.diagnostics_for(notes, 1) == []
    assert [d.code for d in await rec.diagnostics_for(failing, 1)] == FAILING_CODES

    settings_changed(client, {"debounceMs": 0, "defaultPack": "brief", "severityOverrides": {"AIC142": "warning"}})
    # notes.md names no pack: the default pack now makes it a report.
    await rec.until(lambda: len(rec.published(notes)) == 2)
    assert [d.code for d in rec.published(notes)[-1].diagnostics] == ["AIC001", "AIC001", "AIC111", "AIC131"]
    await rec.until(lambda: len(rec.published(failing)) == 2)
    forbidden = next(d for d in rec.published(failing)[-1].diagnostics if d.code == "AIC142")
    assert forbidden.severity == types.DiagnosticSeverity.Warning

    settings_changed(client, {"debounceMs": 0, "enable": False})
    await rec.until(lambda: len(rec.published(failing)) == 3)
    assert list(rec.published(failing)[-1].diagnostics) == []


async def test_editing_a_benchmark_file_on_disk_applies_at_once(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    failing = open_document(client, workspace / "failing.md")
    assert [d.code for d in await rec.diagnostics_for(failing, 1)] == FAILING_CODES
    pack_file = workspace / "benchmarks" / "packs" / "brief.yaml"
    pack_file.write_text(
        pack_file.read_text(encoding="utf-8").replace("min_words: 8", "min_words: 2"), encoding="utf-8"
    )
    files_changed(client, pack_file)
    await rec.until(lambda: len(rec.published(failing)) == 2)
    assert [d.code for d in rec.published(failing)[-1].diagnostics] == [
        "AIC001",
        "AIC111",
        "AIC131",
        "AIC142",
        "AIC171",
    ]


async def test_broken_benchmark_file_is_marked_in_place_and_other_packs_keep_working(
    client: LanguageClient, workspace: Path
) -> None:
    rec = recorder(client)
    pack_file = workspace / "benchmarks" / "packs" / "brief.yaml"
    pack_file.write_text(
        pack_file.read_text(encoding="utf-8").replace("min_words: 8", "min_words: eight"), encoding="utf-8"
    )
    failing = open_document(client, workspace / "failing.md")
    other = open_document(client, workspace / "social.md", text="---\npack: quick_social_basic\n---\n## Hashtags\n")
    # The broken file gets a diagnostic at the bad value, naming the field.
    problems = await rec.until(lambda: rec.published(pack_file.as_uri()))
    assert summary(problems[-1].diagnostics) == [
        (
            "9:4-9:5",
            "config",
            "Input should be a valid integer, unable to parse string as an integer [sections[0].min_words]",
        )
    ]
    # The report whose pack broke says so; a built-in pack still checks its report.
    assert summary(await rec.diagnostics_for(failing, 1)) == [
        ("1:0-1:11", "AIC007", "unknown pack 'brief'; known packs: " + KNOWN_BUILTIN),
    ]
    assert "AIC001" in [d.code for d in await rec.diagnostics_for(other, 1)]
    # One message for the writer, not one per validation.
    messages = [m for m in shown_messages(client) if "brief.yaml" in m]
    assert len(messages) == 1
    assert messages[0].endswith(
        "brief.yaml:10:5: Input should be a valid integer, unable to parse string as an integer [sections[0].min_words]"
    )

    # Repairing the file clears its diagnostics and brings the pack back.
    pack_file.write_text(pack_file.read_text(encoding="utf-8").replace("eight", "8"), encoding="utf-8")
    files_changed(client, pack_file)
    await rec.until(lambda: len(rec.published(pack_file.as_uri())) == 2)
    assert list(rec.published(pack_file.as_uri())[-1].diagnostics) == []
    await rec.until(lambda: len(rec.published(failing)) == 2)
    assert [d.code for d in rec.published(failing)[-1].diagnostics] == FAILING_CODES


KNOWN_BUILTIN = ", ".join(
    sorted(
        [
            "brand_turnaround_lab",
            "full_funnel_growth_suite",
            "launch_gtm_pack",
            "performance_audit_revamp",
            "quick_social_basic",
            "retention_crm_booster",
            "strategy_campaign_basic",
            "strategy_campaign_enterprise",
            "strategy_campaign_premium",
            "strategy_campaign_standard",
        ]
    )
)


async def test_nearest_aicmo_toml_wins(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    # A folder above an aicmo.toml is outside it: it counts because the writer's settings name it
    # (docs/configuration.md#confinement).
    client.set_configuration({"debounceMs": 0, "benchmarkPaths": ["benchmarks"]}, section="aicmo")
    drafts = workspace / "drafts"
    drafts.mkdir()
    (drafts / "aicmo.toml").write_text('benchmark_paths = ["../benchmarks"]\n\n[packs]\n"*.md" = "brief"\n')
    (drafts / "plan.md").write_text("## Overview\n\nToo short.\n", encoding="utf-8")
    uri = open_document(client, drafts / "plan.md")
    codes = [d.code for d in await rec.diagnostics_for(uri, 1)]
    assert codes == ["AIC001", "AIC001", "AIC101", "AIC111", "AIC131"]

    # A broken aicmo.toml is marked in place; the report is then checked without it.
    (drafts / "aicmo.toml").write_text('[packs]\n"*.md" = 3\n')
    files_changed(client, drafts / "aicmo.toml")
    problems = await rec.until(lambda: rec.published((drafts / "aicmo.toml").as_uri()))
    assert summary(problems[-1].diagnostics) == [("1:0-1:1", "config", "Input should be a valid string [packs.*.md]")]
    await rec.until(lambda: len(rec.published(uri)) == 2)
    assert list(rec.published(uri)[-1].diagnostics) == []


async def test_pull_diagnostics_for_a_document_and_the_workspace(pull_client: LanguageClient, workspace: Path) -> None:
    uri = open_document(pull_client, workspace / "failing.md")
    report = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in report.items] == FAILING_CODES
    # A pulling client gets no pushed diagnostics besides.
    assert recorder(pull_client).published(uri) == []

    # With the setting on, the workspace pull reports every report of the folder (tests/lsp/test_views.py).
    settings_changed(pull_client, {"debounceMs": 0, "workspaceDiagnostics": True})
    workspace_report = await pull_client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    by_file = {Path(item.uri).name: [d.code for d in item.items] for item in workspace_report.items}
    assert by_file == {
        "failing.md": FAILING_CODES,
        "passing.md": [],
        "report.mdx": ["AIC005"],
    }


async def test_oversized_document_is_refused_with_one_message(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    settings_changed(client, {"debounceMs": 0, "maxFileSizeMb": 0.0001})
    uri = open_document(client, workspace / "failing.md")
    assert await rec.diagnostics_for(uri, 1) == []
    await rec.until(lambda: any("failing.md is" in m for m in shown_messages(client)))
    assert [m for m in shown_messages(client) if "failing.md is" in m] == [
        "failing.md is 0.0 MB; aicmo checks reports up to 0.0001 MB (setting aicmo.maxFileSizeMb), so it is not checked."
    ]


async def test_multi_root_each_folder_has_its_toml_and_settings(
    multi_root_client: LanguageClient, workspace: Path, second_folder: Path
) -> None:
    client = multi_root_client
    rec = recorder(client)
    # Folder-level settings: the agency folder turns missing sections off.
    client.set_configuration(
        {"debounceMs": 0, "severityOverrides": {"missing_section": "off"}},
        section="aicmo",
        scope_uri=second_folder.as_uri(),
    )
    draft = second_folder / "drafts" / "week1.md"
    draft.write_text("## Hashtag Strategy\n\n#glow #cleanbeauty\n", encoding="utf-8")
    draft_uri = open_document(client, draft)
    failing = open_document(client, workspace / "failing.md")
    # The agency's aicmo.toml maps its drafts to quick_social_basic; the other folder's brief pack is unknown there.
    draft_codes = [d.code for d in await rec.diagnostics_for(draft_uri, 1)]
    assert draft_codes == ["AIC101", "AIC111", "AIC121", "AIC131", "AIC131", "AIC131", "AIC131", "AIC171"]
    assert (await rec.status_for(draft_uri, 1))["pack"] == "quick_social_basic"
    assert [d.code for d in await rec.diagnostics_for(failing, 1)] == FAILING_CODES


async def test_pulling_client_is_asked_to_pull_again_after_a_settings_change(
    pull_client: LanguageClient, workspace: Path
) -> None:
    uri = open_document(pull_client, workspace / "failing.md")
    doc = types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri))
    report = await pull_client.text_document_diagnostic_async(doc)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in report.items] == FAILING_CODES
    settings_changed(pull_client, {"debounceMs": 0, "severityOverrides": {"AIC142": "off"}})
    await recorder(pull_client).until(lambda: pull_client.diagnostic_refresh_count == 1)
    report = await pull_client.text_document_diagnostic_async(doc)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in report.items] == [code for code in FAILING_CODES if code != "AIC142"]


async def test_tool_aicmo_in_pyproject_toml_is_the_nearest_settings(client: LanguageClient, workspace: Path) -> None:
    rec = recorder(client)
    site = workspace / "site"
    site.mkdir()
    pyproject = site / "pyproject.toml"
    pyproject.write_text('[project]\nname = "site"\n\n[tool.aicmo.packs]\n"drafts/*.md" = "quick_social_basic"\n')
    draft = site / "drafts" / "week1.md"
    draft.parent.mkdir()
    draft.write_text("## Hashtag Strategy\n\n#glow #cleanbeauty\n", encoding="utf-8")
    uri = open_document(client, draft)
    assert "AIC001" in [d.code for d in await rec.diagnostics_for(uri, 1)]
    assert (await rec.status_for(uri, 1))["pack"] == "quick_social_basic"

    # Without the table the pyproject.toml is no settings file: the workspace's aicmo.toml maps nothing here.
    pyproject.write_text('[project]\nname = "site"\n')
    files_changed(client, pyproject)
    await rec.until(lambda: len(rec.published(uri)) == 2)
    assert list(rec.published(uri)[-1].diagnostics) == []
