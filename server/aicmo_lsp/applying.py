"""Putting generated section bodies into the document, never over text the writer typed meanwhile.

A generation takes seconds and the writer keeps typing. Each :class:`Replacement` carries the
section's body as it was when the generation started (its *snapshot*). At apply time each section is
found again by its id in the newest text: a section whose body still equals its snapshot gets the new
body; one whose body changed is a ``conflict`` and keeps the writer's text (the answer carries the
generated text and the body now, so the client can offer to replace it anyway); one no longer found
is ``missing``. The unchanged sections change in one ``workspace/applyEdit`` (one undo step), named
for the document version it was computed on. An editor that refuses it because the writer typed in
between gets it again, computed and checked anew on the newest text, up to :data:`APPLY_TRIES`
times. With a preview, the edit carries change annotations that need the writer's confirmation; a
preview the writer discarded (refused while the version stayed the same) is ``declined`` and never
retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from lsprotocol import types

from aicmo_core.check import ReportResult
from aicmo_core.edits import TextEdit
from aicmo_core.rewrite import body_text, replace_body
from aicmo_lsp.app import AicmoLanguageServer
from aicmo_lsp.convert import workspace_edit

log = logging.getLogger(__name__)

APPLY_TRIES = 3


class Placed(str, Enum):
    """What became of one section's new body."""

    APPLIED = "applied"
    CONFLICT = "conflict"  # the writer changed the section meanwhile: not applied
    DECLINED = "declined"  # the writer discarded the preview
    MISSING = "missing"  # the section is gone


@dataclass(frozen=True, slots=True)
class Replacement:
    """A new body for a section (by id). ``snapshot``: the body the generation started from (None:
    replace whatever is there). ``title`` and ``description`` label the change in a preview."""

    section_id: str
    body: str
    snapshot: str | None
    title: str
    description: str


@dataclass
class Placement:
    """What an apply did: each section's fate, the body now of each conflict, and each section's
    heading line in the document as it is after the apply (no line: the section or the document is
    gone)."""

    placed: dict[str, Placed] = field(default_factory=dict)
    current: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)  # conflicts because the editor refused every try

    @property
    def kept_changing(self) -> bool:
        """Whether the editor refused every try (the document kept changing)."""
        return bool(self.refused)

    @property
    def any_applied(self) -> bool:
        return Placed.APPLIED in self.placed.values()


@dataclass
class Plan:
    """The edits for one version of the document, and the sections they cannot cover."""

    result: ReportResult
    edits: list[tuple[TextEdit, Replacement]]
    placement: Placement

    def settle(self, placed: Placed | None) -> Placement:
        """The placement once the edits were ``placed`` (applied, declined; None: refused)."""
        for _, replacement in self.edits:
            if placed is None:  # the document kept changing: as good as a conflict
                self.placement.placed[replacement.section_id] = Placed.CONFLICT
                section = self.result.section(replacement.section_id)
                self.placement.current[replacement.section_id] = body_text(section.section) if section else ""
                self.placement.refused.add(replacement.section_id)
            else:
                self.placement.placed[replacement.section_id] = placed
        shifted = [edit for edit, _ in self.edits] if placed is Placed.APPLIED else []
        self.placement.lines = heading_lines(self.result, shifted)
        return self.placement


def plan(result: ReportResult, replacements: Sequence[Replacement]) -> Plan:
    """The edits for the sections of ``result`` whose body is still their snapshot."""
    edits: list[tuple[TextEdit, Replacement]] = []
    placement = Placement()
    for replacement in replacements:
        found = result.section(replacement.section_id)
        if found is None:
            placement.placed[replacement.section_id] = Placed.MISSING
            continue
        now = body_text(found.section)
        if replacement.snapshot is not None and now != replacement.snapshot:
            placement.placed[replacement.section_id] = Placed.CONFLICT
            placement.current[replacement.section_id] = now
            continue
        edits.append((replace_body(found.section, replacement.body), replacement))
    return Plan(result, edits, placement)


def heading_lines(result: ReportResult, edits: Sequence[TextEdit]) -> dict[str, int]:
    """Each section's heading line once ``edits`` (body replacements, which never touch a heading)
    are applied to the text of ``result``."""
    lines: dict[str, int] = {}
    for section_result in result.sections:
        line = section_result.section.heading.line
        shift = sum(
            edit.new_text.count("\n") - (edit.span.end.line - edit.span.start.line)
            for edit in edits
            if edit.span.start.line < line
        )
        if section_result.section.id:
            lines.setdefault(section_result.section.id, line + shift)
    return lines


def shows_previews(ls: AicmoLanguageServer) -> bool:
    """Whether the client supports change annotations (and so can show a preview to confirm)."""
    workspace = ls.client_capabilities.workspace
    return bool(workspace and workspace.workspace_edit and workspace.workspace_edit.change_annotation_support)


def edit_for(
    ls: AicmoLanguageServer, uri: str, version: int | None, planned: Plan, preview: bool
) -> types.WorkspaceEdit:
    confirm = [(r.section_id, r.title, r.description) for _, r in planned.edits] if preview else None
    return workspace_edit(ls.result_mapper(planned.result), uri, version, [edit for edit, _ in planned.edits], confirm)


async def apply_bodies(
    ls: AicmoLanguageServer, uri: str, replacements: Sequence[Replacement], *, preview: bool = False
) -> Placement:
    """Put each replacement's body in its section of the newest text, as one edit: see the module."""
    preview = preview and shows_previews(ls)
    last: Plan | None = None
    for _ in range(APPLY_TRIES):
        result = await ls.current_result(uri)
        if result is None:
            if uri not in ls.docs:  # closed meanwhile
                break
            await asyncio.sleep(0.05)  # a newer version is being validated
            continue
        version = ls.workspace.get_text_document(uri).version
        last = plan(result, replacements)
        if not last.edits:
            return last.settle(Placed.APPLIED)
        response = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(
                edit=edit_for(ls, uri, version, last, preview),
                label="aicmo: generate sections" if len(last.edits) > 1 else "aicmo: generate section",
            )
        )
        if response.applied:
            return last.settle(Placed.APPLIED)
        if preview and ls.workspace.get_text_document(uri).version == version:
            return last.settle(Placed.DECLINED)  # the writer discarded the preview: never retried
        log.info("client did not apply the edit (%s); trying against the newest text", response.failure_reason)
    if last is None:
        return Placement(placed={r.section_id: Placed.MISSING for r in replacements})
    return last.settle(None)
