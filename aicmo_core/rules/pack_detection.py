from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.findings import Issue, Severity
from aicmo_core.rules.registry import DocumentContext, Scope, rule


@rule(code="AIC008", name="pack_detection", severity=Severity.INFO, scope=Scope.DOCUMENT)
def pack_detection(ctx: DocumentContext) -> Iterator[Issue]:
    """Which pack a report's headings say it is.

    **What it checks**: with the pack `auto` (`--pack auto`, `default_pack = "auto"` in
    `aicmo.toml`, the editor's `aicmo.defaultPack`), the pack whose sections the headings cover best
    is used, and this finding says which and how many of its sections were found. A Markdown file
    that names no pack at all but whose headings cover a pack well gets the same finding as a hint:
    it is not checked until its pack is named. The finding sits on the first heading. How packs are
    compared is in `docs/counting.md` ("Which pack a report is").

    **Why it matters**: a report without front matter would otherwise get no checks at all, and a
    guessed pack must be visible, never silent.

    **Example**: a file whose headings are a Quick Social report's: `looks like a Quick Social Pack
    (Basic) report (7 of 8 sections found)`; add `pack: quick_social_basic` to its front matter (the
    editor's quick fix does it).

    **Configuration**: `default_pack = "auto"` or `--pack auto`.
    """
    detection = ctx.detection
    if detection is None:
        return
    doc = ctx.doc
    span = doc.index.line_span(doc.headings[0].line) if doc.headings else doc.index.line_span(0)
    if ctx.detected:
        message = f"pack detected from the headings: {detection.summary}"
    else:
        message = (
            f"this looks like a {detection.pack.label} report ({detection.found} of {detection.total} sections "
            f"found); name its pack to check it (pack: {detection.pack.key})"
        )
    data = {"pack": detection.pack.key, "found": detection.found, "total": detection.total, "detected": ctx.detected}
    yield Issue(span, message, data)
