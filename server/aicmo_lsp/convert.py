"""The one place core objects become lsprotocol types (and client positions become core ones)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types

from aicmo_core.benchmarks.models import Pack
from aicmo_core.check import ReportResult
from aicmo_core.edits import TextEdit
from aicmo_core.errors import Problem
from aicmo_core.findings import Finding, Severity
from aicmo_core.spans import Position, Span

SOURCE = "aicmo"
RULES_DOC_URL = "https://github.com/aicmo/aicmo/blob/main/docs/rules.md"

# A document's diagnostics, at most: a report of 50,000 unknown headings has 50,000 findings, which
# no writer reads in a problems list, and converting and sending them all cost the server more time
# and memory than checking the report.
MAX_DIAGNOSTICS = 1_000
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


class PositionMapper:
    """Converts between the core's UTF-16 columns and the negotiated position encoding."""

    def __init__(self, line_text: Callable[[int], str], line_count: int, encoding: str) -> None:
        self.line_text = line_text
        self.line_count = line_count
        self.encoding = encoding

    def _convert(self, line: int, column: int, from_units: str, to_units: str) -> int:
        if from_units == to_units or line >= self.line_count:
            return column
        text = self.line_text(line)
        if text.isascii():
            return column
        seen = 0
        for index, char in enumerate(text):
            if seen >= column:
                return _units(text[:index], to_units)
            seen += _units(char, from_units)
        return _units(text, to_units)

    def to_client(self, position: Position) -> types.Position:
        return types.Position(position.line, self.client_character(position))

    def client_character(self, position: Position) -> int:
        """The position's column in the client's encoding."""
        return self._convert(position.line, position.character, "utf-16", self.encoding)

    def from_client(self, position: types.Position) -> Position:
        return Position(position.line, self._convert(position.line, position.character, self.encoding, "utf-16"))

    def range(self, span: Span) -> types.Range:
        return types.Range(self.to_client(span.start), self.to_client(span.end))


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def workspace_edit(
    mapper: PositionMapper,
    uri: str,
    version: int | None,
    edits: Sequence[TextEdit],
    confirm: Sequence[tuple[str, str, str]] | None = None,
) -> types.WorkspaceEdit:
    """Core edits, computed on the text ``mapper`` maps, as one versioned document edit (one undo step).

    With ``confirm``, one ``(annotation id, label, description)`` per edit, each edit carries a change
    annotation that needs the writer's confirmation (VS Code shows its Refactor Preview)."""
    items: list[types.TextEdit | types.AnnotatedTextEdit]
    annotations = None
    if confirm is None:
        items = [types.TextEdit(range=mapper.range(edit.span), new_text=edit.new_text) for edit in edits]
    else:
        items = [
            types.AnnotatedTextEdit(annotation_id=key, range=mapper.range(edit.span), new_text=edit.new_text)
            for edit, (key, _, _) in zip(edits, confirm, strict=True)
        ]
        annotations = {
            key: types.ChangeAnnotation(label=label, needs_confirmation=True, description=description)
            for key, label, description in confirm
        }
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=items
            )
        ],
        change_annotations=annotations,
    )


def rule_href(code: str) -> str:
    return f"{RULES_DOC_URL}#{code.lower()}"


def diagnostic(finding: Finding, mapper: PositionMapper, pack: Pack | None) -> types.Diagnostic:
    """The finding as a diagnostic; with ``pack``, linked to its section's definition in the pack."""
    related = None
    if pack is not None and finding.section and finding.section in pack.section_sources:
        source = pack.section_sources[finding.section]
        location = types.Location(
            uri=source.path.as_uri(),
            range=types.Range(types.Position(source.line, 0), types.Position(source.line, 0)),
        )
        related = [
            types.DiagnosticRelatedInformation(location, f"benchmark of section '{finding.section}' in {pack.key}")
        ]
    return types.Diagnostic(
        range=mapper.range(finding.span),
        message=finding.message,
        severity=_SEVERITIES[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=rule_href(finding.code)),
        source=SOURCE,
        related_information=related,
        data={"rule": finding.rule, "section": finding.section},
    )


def published_findings(findings: Sequence[Finding]) -> list[Finding]:
    """At most :data:`MAX_DIAGNOSTICS` of ``findings``: the errors first, then the warnings, then the
    information, each in document order, and those kept in document order."""
    if len(findings) <= MAX_DIAGNOSTICS:
        return list(findings)
    kept = sorted(range(len(findings)), key=lambda index: (_RANK[findings[index].severity], index))
    return [findings[index] for index in sorted(kept[:MAX_DIAGNOSTICS])]


def diagnostics(result: ReportResult, mapper: PositionMapper) -> list[types.Diagnostic]:
    """The result's findings as diagnostics, at most :data:`MAX_DIAGNOSTICS`. Only the first of each
    section links to the section's definition: one link per section, not one per finding, in the
    Problems panel and the hover."""
    return [diagnostic(finding, mapper, pack) for finding, pack in _linked(result)]


def _linked(result: ReportResult) -> Iterator[tuple[Finding, Pack | None]]:
    """The published findings, each with the pack when it is its section's first."""
    linked: set[str] = set()
    for finding in published_findings(result.findings):
        first = finding.section is not None and finding.section not in linked
        if first:
            linked.add(str(finding.section))
        yield finding, result.pack if first else None


class DiagnosticsJson:
    """``textDocument/publishDiagnostics`` messages as JSON, from pieces kept between versions.

    Every version of a document publishes all its findings, though a keystroke changes those of one
    section at most: building an lsprotocol object for each and letting cattrs unstructure it cost
    more than checking the edit of a long report. So the JSON of everything in a diagnostic but its
    range is kept, keyed by what decides it (the finding's code, rule, severity, message and section,
    and the pack it links to), and only the range is written for each version: a finding moved by
    lines added or removed above it reuses its piece too. The JSON is what pygls would send for
    :func:`diagnostics` (a test holds them equal).
    """

    def __init__(self, max_pieces: int = 32768) -> None:
        self.max_pieces = max_pieces
        self._pieces: dict[tuple[object, ...], str] = {}
        self._converter: Any = None

    def message(self, uri: str, version: int | None, result: ReportResult | None, mapper: PositionMapper | None) -> str:
        """The whole notification (``mapper`` converts positions for the text ``result`` is of)."""
        items = []
        if result is not None and mapper is not None:
            same_units = mapper.encoding == "utf-16"  # the core's columns are the client's
            client = mapper.client_character
            for finding, pack in _linked(result):
                start, end = finding.span.start, finding.span.end
                first, last = (start.character, end.character) if same_units else (client(start), client(end))
                items.append(
                    f'{{"range":{{"start":{{"line":{start.line},"character":{first}}},'
                    f'"end":{{"line":{end.line},"character":{last}}}}},{self._piece(finding, pack)}'
                )
        version_field = f',"version":{version}' if version is not None else ""
        return (
            f'{{"jsonrpc":"2.0","method":"{types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS}",'
            f'"params":{{"uri":{json.dumps(uri)}{version_field},"diagnostics":[{",".join(items)}]}}}}'
        )

    def _piece(self, finding: Finding, pack: Pack | None) -> str:
        """The diagnostic's JSON after its range, without the opening brace."""
        source = pack.section_sources.get(finding.section) if pack is not None and finding.section else None
        link = (pack.key, source.path, source.line) if pack is not None and source is not None else None
        key = (finding.code, finding.rule, finding.severity, finding.message, finding.section, link)
        piece = self._pieces.get(key)
        if piece is None:
            if self._converter is None:
                from lsprotocol.converters import get_converter  # noqa: PLC0415 - not at start-up

                self._converter = get_converter()
            mapper = PositionMapper(lambda line: "", 0, "utf-16")  # the range is written apart
            fields = self._converter.unstructure(diagnostic(finding, mapper, pack))
            del fields["range"]
            piece = json.dumps(fields, separators=(",", ":"))[1:]
            if len(self._pieces) >= self.max_pieces:
                self._pieces.clear()
            self._pieces[key] = piece
        return piece


def problem_diagnostic(problem: Problem) -> types.Diagnostic:
    line = max((problem.line or 1) - 1, 0)
    column = max((problem.column or 1) - 1, 0)
    message = problem.message + (f" [{problem.field}]" if problem.field else "")
    return types.Diagnostic(
        range=types.Range(types.Position(line, column), types.Position(line, column + 1)),
        message=message,
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
        code="config",
    )


def problem_uri(problem: Problem) -> str:
    """The file a problem is about, as the writer sees it: a pack file that is a symlink (to
    ``/dev/stdin``, say) is marked itself, not the file it points to."""
    path = Path(problem.path)
    return (path.parent.resolve() / path.name).as_uri() if path.name else path.resolve().as_uri()
