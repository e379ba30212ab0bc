from __future__ import annotations

import re
from collections.abc import Iterator

from aicmo_core.document.model import ParsedDocument
from aicmo_core.findings import Issue, Severity
from aicmo_core.rules.registry import DocumentContext, Scope, rule

# A line that reads as a YAML key (``pack: quick_social_basic``, ``aicmo:``), a nested or continued
# line (indented), or a list item: what front matter is made of.
_KEY_RE = re.compile(r"[A-Za-z_][\w .-]{0,80}:(?:\s|$)")
_MORE_RE = re.compile(r"\s+\S|-\s")
SCAN_LINES = 200  # front matter is short; a key this far down is text


def unclosed_front_matter_end(doc: ParsedDocument) -> int | None:
    """For a document that opens front matter (``---`` on its first line, then a ``key:`` line) and
    never closes it: the 0-based last line of what reads as its YAML. None otherwise, and for a
    ``---`` that is a thematic break (what follows it is no ``key:`` line)."""
    index = doc.index
    if doc.front_matter is not None or index.line_count < 2 or index.line_text(0).rstrip() != "---":
        return None
    if not _KEY_RE.match(index.line_text(1)):
        return None
    last = 1
    for line in range(2, min(index.line_count, SCAN_LINES)):
        text = index.line_text(line)
        if not (_KEY_RE.match(text) or _MORE_RE.match(text)):
            break
        last = line
    return last


@rule(code="AIC010", name="front_matter_unclosed", severity=Severity.ERROR, scope=Scope.DOCUMENT)
def front_matter_unclosed(ctx: DocumentContext) -> Iterator[Issue]:
    """The report opens front matter and never closes it.

    **What it checks**: a report whose first line is `---` followed by a `key: value` line must have
    a second `---` line that ends the front matter. Without it, Markdown reads the block as text, so
    the report's `pack:` and settings are never read; the finding sits on the opening `---` and says
    after which line the closing one belongs (the last line that reads as YAML).

    **Why it matters**: without this finding a report that lost its closing `---` is silently not a
    report at all: nothing is checked, and CI passes it.

    **Example**: `---`, `pack: quick_social_basic`, `brand: Glow`, then the report's `# Title`: add
    a `---` line after `brand: Glow`.

    **Configuration**: none.
    """
    last = unclosed_front_matter_end(ctx.doc)
    if last is None:
        return
    yield Issue(
        ctx.doc.index.line_span(0),
        f"the front matter is never closed: add a '---' line after line {last + 1}; until then its pack and "
        "settings are not read",
        {"close_after": last},
    )
