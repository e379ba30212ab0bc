from __future__ import annotations

from collections.abc import Iterator

from aicmo_core.findings import Issue, Severity
from aicmo_core.rules.registry import DocumentContext, Scope, rule


@rule(code="AIC007", name="unknown_pack", severity=Severity.ERROR, scope=Scope.DOCUMENT)
def unknown_pack(ctx: DocumentContext) -> Iterator[Issue]:
    """The report names a pack that no benchmark folder defines.

    **What it checks**: the `pack:` of the front matter (or `aicmo.pack`, an `aicmo.toml` mapping or
    `--pack`) must be the key of a loaded pack. The message lists the keys that are known.

    **Why it matters**: a misspelt pack means no section is checked at all.

    **Example**: `pack: quick_social` where the key is `quick_social_basic`.

    **Configuration**: benchmark folders (`benchmark_paths`).
    """
    if ctx.pack_key is None or ctx.pack is not None:
        return
    doc = ctx.doc
    line = 0
    if doc.front_matter is not None:
        line = next((n for n in range(doc.front_matter.end_line) if "pack" in doc.index.line_text(n)), 0)
    known = ", ".join(sorted(ctx.known_packs)) or "none"
    yield Issue(
        doc.index.line_span(line), f"unknown pack '{ctx.pack_key}'; known packs: {known}", {"pack": ctx.pack_key}
    )
