"""Code actions: model-free quick fixes, and generation actions that run only when picked.

Listing never calls a generator: "Regenerate", "Expand" and "Fix" carry a command that the server
runs when the writer picks it (``aicmo.generateSection``), with progress and cancellation.
"""

from __future__ import annotations

from lsprotocol import types

from aicmo_core.check import SectionResult
from aicmo_core.generators.base import Mode
from aicmo_core.rewrite import expand_target, fix_all, quick_fixes
from aicmo_core.runner import generation_modes
from aicmo_lsp.app import AicmoLanguageServer
from aicmo_lsp.convert import workspace_edit
from aicmo_lsp.protocol import GENERATE_SECTION_COMMAND, REGENERATE_ALL_COMMAND

FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.aicmo"
REGENERATE_ALL_KIND = f"{types.CodeActionKind.Source.value}.aicmo.regenerateAllFailing"
KINDS: list[types.CodeActionKind | str] = [
    types.CodeActionKind.QuickFix,
    types.CodeActionKind.RefactorRewrite,
    FIX_ALL_KIND,
    REGENERATE_ALL_KIND,
]


def generate_command(uri: str, section_result: SectionResult, mode: Mode) -> tuple[str, types.Command]:
    """The title and command of a generation action for one section."""
    benchmark = section_result.section.benchmark
    assert benchmark is not None
    arguments: dict[str, object] = {"uri": uri, "section": benchmark.id, "mode": mode.value}
    if mode is Mode.EXPAND:
        target = expand_target(section_result)
        arguments["targetWords"] = target
        title = f"Expand section '{benchmark.label}' to {target} words"
    elif mode is Mode.FIX:
        title = f"Fix what fails in section '{benchmark.label}'"
    elif mode is Mode.SCRATCH:
        title = f"Regenerate section '{benchmark.label}' from scratch (discards its text)"
    else:
        title = f"Regenerate section '{benchmark.label}'"
    return title, types.Command(title=title, command=GENERATE_SECTION_COMMAND, arguments=[arguments])


def _wanted(kind: str, only: list[str] | None) -> bool:
    return not only or any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def register(server: AicmoLanguageServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=False),
    )
    async def code_actions(ls: AicmoLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        result = await ls.current_result(uri)
        # A file that is no report offers nothing, unless a fix applies (front matter never closed).
        if result is None or (result.pack is None and result.detection is None and not quick_fixes(result)):
            return None
        document = ls.open_document(uri)
        version = document.version if document is not None else None
        only = [str(kind) for kind in params.context.only] if params.context.only else None
        mapper = ls.result_mapper(result)
        in_context = {(str(d.code), d.range.start.line, d.range.start.character): d for d in params.context.diagnostics}
        actions: list[types.CodeAction] = []

        if _wanted(types.CodeActionKind.QuickFix, only):
            first_line, last_line = params.range.start.line, params.range.end.line
            for fix in quick_fixes(result):
                span = mapper.range(fix.finding.span)
                diagnostic = in_context.get((fix.finding.code, span.start.line, span.start.character))
                if diagnostic is None and not (first_line <= span.start.line <= last_line):
                    continue
                actions.append(
                    types.CodeAction(
                        title=fix.title,
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic] if diagnostic else None,
                        edit=workspace_edit(mapper, uri, version, fix.edits),
                    )
                )

        # Generation actions for the section under the cursor or named by a diagnostic in context.
        targets: dict[int, SectionResult] = {}
        for line in [params.range.start.line, *(d.range.start.line for d in params.context.diagnostics)]:
            section_result = result.section_at(line)
            if section_result is not None:
                targets.setdefault(section_result.section.index, section_result)
        from_diagnostic = bool(params.context.diagnostics)
        kind = types.CodeActionKind.QuickFix if from_diagnostic else types.CodeActionKind.RefactorRewrite
        if _wanted(kind, only):
            for section_result in targets.values():
                for mode in generation_modes(section_result):
                    title, command = generate_command(uri, section_result, mode)
                    actions.append(types.CodeAction(title=title, kind=kind, command=command))

        if _wanted(FIX_ALL_KIND, only):
            edits = fix_all(result)
            if edits:
                actions.append(
                    types.CodeAction(
                        title="Fix all aicmo problems that need no model",
                        kind=FIX_ALL_KIND,
                        edit=workspace_edit(mapper, uri, version, edits),
                    )
                )
        if _wanted(REGENERATE_ALL_KIND, only) and any(generation_modes(r) for r in result.sections):
            actions.append(
                types.CodeAction(
                    title="Regenerate all failing sections",
                    kind=REGENERATE_ALL_KIND,
                    command=types.Command(
                        title="Regenerate all failing sections",
                        command=REGENERATE_ALL_COMMAND,
                        arguments=[{"uri": uri}],
                    ),
                )
            )
        return actions
