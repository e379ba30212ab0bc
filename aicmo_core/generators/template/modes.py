"""The modes: ``regenerate`` writes the body anew keeping the writer's facts (``scratch``: from the
brief alone); ``expand`` keeps the writer's text byte for byte and appends material; ``fix`` edits
only the lines the failures point at (:mod:`.fixes`) and appends what they say is missing."""

from __future__ import annotations

from aicmo_core.benchmarks.models import SectionFormat
from aicmo_core.document.text import normalize_heading
from aicmo_core.generators.base import Mode
from aicmo_core.generators.template.compose import compose, render, trim
from aicmo_core.generators.template.fixes import (
    fix_forbidden,
    fix_long_sentences,
    fix_missing,
    fix_repeats,
    fix_too_long,
)
from aicmo_core.generators.template.groups import Group, as_topic, group_for
from aicmo_core.generators.template.headings import plan_headings
from aicmo_core.generators.template.keep import Kept, kept_lines, known_line
from aicmo_core.generators.template.writer import Writer


def regenerate(writer: Writer) -> str:
    """The body anew; in ``regenerate`` (not ``scratch``) with the writer's lines that carry facts."""
    section, request = writer.section, writer.request
    facts = request.facts if request.mode is not Mode.SCRATCH else ()
    kept = kept_lines(writer, request.current_body, facts)
    is_table = section.format is SectionFormat.TABLE
    covered = [normalize_heading(c) for c in writer.table_columns()] if is_table else []
    headings, as_labels = plan_headings(writer, [], 0, covered)
    groups = [
        Group(None, as_topic(section.label), "intro"),
        *(group_for(writer.data, writer.kind, h) for h in headings),
    ]
    rows = [h.split(":")[0] for h in headings] if is_table else None
    compose(
        writer,
        groups,
        bullets=writer.bullet_target(),
        target=writer.word_target(),
        table_rows=rows,
        labels=as_labels,
        kept=kept,
    )
    trim(writer, groups, section.max_words)
    return keep_facts(writer, render(writer, groups), kept)


def keep_facts(writer: Writer, body: str, kept: Kept | None = None) -> str:
    """``body`` with a "What we know" line for any fact of the request it does not carry: first in a
    new text, after the writer's text in ``fix`` (never in ``scratch``)."""
    if writer.request.mode is Mode.SCRATCH or not writer.request.facts:
        return body
    line = known_line(writer, body, kept or Kept())
    if line is None:
        return body
    return f"{body.rstrip()}\n\n{line}\n" if kept is None else f"{line}\n\n{body}"


def expand(writer: Writer) -> str:
    """The writer's text unchanged, then new paragraphs, bullets and sub-headings to the target."""
    section = writer.section
    current = writer.request.current_body.rstrip()
    measured, present = writer.take_stock(current)
    metrics = measured.metrics
    needs_table = section.format is SectionFormat.TABLE and metrics.tables == 0
    covered = [normalize_heading(c) for c in writer.table_columns()] if needs_table else []
    headings, as_labels = plan_headings(writer, present, metrics.headings, covered)
    carry = Group(None, as_topic(section.label), "intro")
    groups = [carry, *(group_for(writer.data, writer.kind, h) for h in headings)]
    text = measured.source
    bullets = max(writer.bullet_target() - metrics.bullets, 0)
    if section.max_bullets is not None:
        bullets = min(bullets, max(section.max_bullets - metrics.bullets, 0))
    if section.format is SectionFormat.LIST and metrics.lists == 0:
        bullets = max(bullets, 1)
    target = writer.word_target(writer.request.target_words)
    rows = ([h.split(":")[0] for h in headings] or [writer.label_topic.capitalize()]) if needs_table else None
    compose(writer, groups, bullets=bullets, target=target, table_rows=rows, labels=as_labels, writer_text=text)
    # The writer's bullets count toward the minimum: only added ones beyond it may go.
    trim(writer, groups, section.max_words, min_bullets=max(section.min_bullets - metrics.bullets, 0))
    added = render(writer, groups).strip()
    return f"{current}\n\n{added}\n" if added else current + "\n"


def fix(writer: Writer) -> str:
    """The writer's text with only what the failures name changed: offending lines rewritten in
    place, missing pieces appended after the text (and any fact an edit lost)."""
    failures = writer.request.failures
    rules = {failure.rule for failure in failures}
    if "empty_section" in rules:
        return regenerate(writer)
    lines = writer.request.current_body.rstrip().split("\n")
    writer.take_stock("\n".join(lines))
    for failure in failures:
        if failure.rule in ("forbidden_substrings", "forbidden_regex"):
            fix_forbidden(writer, lines, failure)
    if "max_repeated_line_ratio" in rules:
        fix_repeats(writer, lines)
    if "max_avg_sentence_length" in rules:
        fix_long_sentences(writer, lines)
    if "max_words" in rules:
        fix_too_long(writer, lines)
    return keep_facts(writer, fix_missing(writer, "\n".join(lines), failures))
