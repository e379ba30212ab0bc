"""Writing a section's table: rows for its kind with cells drawn from the pools of :mod:`.cells`, or a
30-day content calendar, sized to fit a word budget."""

from __future__ import annotations

from collections.abc import Sequence

from aicmo_core.document.text import count_words, line_key, normalize_heading
from aicmo_core.generators.template.cells import (
    CALENDAR_DAYS,
    CELLS,
    DEFAULT_ROWS,
    PLATFORMS,
    POST_IDEAS,
    ROW_CELLS,
    THEME_IDEAS,
    Kind,
)
from aicmo_core.generators.template.facts import fill_template
from aicmo_core.generators.template.patterns import WORD_CHAR_RE, has_words
from aicmo_core.generators.template.vocabulary import THEMES
from aicmo_core.generators.template.writer import Writer


def write_table(writer: Writer, row_labels: Sequence[str], budget: int) -> list[list[str]]:
    """A table for this section's kind, within ``budget`` words where it can choose its size."""
    columns = writer.table_columns()
    if writer.kind is Kind.CALENDAR:
        return _calendar(writer, columns, budget)
    labels = [label for label in row_labels if writer.allowed(label)]
    for default in DEFAULT_ROWS.get(writer.kind, DEFAULT_ROWS[Kind.GENERAL]):
        if len(labels) >= 3:
            break
        if default not in labels and writer.allowed(default):
            labels.append(default)
    rows = [list(columns)]
    writer.used_keys.add(line_key(" ".join(columns)))
    ordered = writer.kind is Kind.PHASES  # phases run in order, and so do their timings and milestones
    for label in labels:
        name = normalize_heading(label)
        known = next((cells for key, cells in ROW_CELLS if has_words(name, key)), {})
        row = [label]
        for column in columns[1:]:
            cell = fill_template(known[column], writer.slots()) if column in known else None
            if cell is None or not writer.fresh(cell):
                pool = CELLS.get(column, CELLS["Action"])
                cell = writer.draw("cell:" + column, pool, writer.slots(), passes=3, shuffle=not ordered)
            row.append(cell or "Agreed with the team")
        if not writer.fresh(" ".join(row)):
            continue
        writer.used_keys.add(line_key(" ".join(row)))
        rows.append(row)
    # A short section cannot afford many rows: keep the header and at least one row.
    while len(rows) > 2 and sum(count_words(" ".join(row)) for row in rows) > budget:
        writer.used_keys.discard(line_key(" ".join(rows.pop())))
    return rows


def _calendar(writer: Writer, columns: Sequence[str], budget: int) -> list[list[str]]:
    themes = [p for p in writer.section.required_substrings if WORD_CHAR_RE.search(p) and not p.endswith(":")]
    themes = [t for t in themes if count_words(t) <= 3 and normalize_heading(t) not in ("week", "phase", "day")]
    themes += THEMES
    by_pool: dict[int, str] = {}  # "Promo" and "Offer" share ideas: keep the first of them
    for theme in themes:
        by_pool.setdefault(id(POST_IDEAS.get(theme.lower(), theme)), theme)
    themes = [t for t in by_pool.values() if writer.allowed(t)]
    start = writer.rng.randrange(len(PLATFORMS))
    platforms = [PLATFORMS[(start + i) % len(PLATFORMS)] for i in range(3)]
    rows = [list(columns)]
    used = count_words(" ".join(columns))
    for day in range(1, CALENDAR_DAYS + 1):
        theme = themes[(day - 1) % len(themes)]
        ideas = POST_IDEAS.get(theme.lower(), THEME_IDEAS)
        idea = writer.draw("idea:" + theme.lower(), ideas, writer.slots(theme=theme), passes=4)
        if idea is None:
            continue
        week = min((day - 1) // 7 + 1, 4)  # days 29 and 30 close the fourth week
        row = [f"Day {day}", f"Week {week}", platforms[(day - 1) % len(platforms)], theme, idea]
        words = count_words(" ".join(row))
        if used + words > budget and day > 7:
            break
        used += words
        rows.append(row)
    return rows
