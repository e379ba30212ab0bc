"""Writing a section's table: rows for its kind with cells drawn from the kind's patterns, or a
day-by-day content calendar on the brief's channels, sized to fit a word budget."""

from __future__ import annotations

from collections.abc import Sequence

from aicmo_core.document.text import count_words, line_key, normalize_heading
from aicmo_core.generators.template.data import Calendar, Table
from aicmo_core.generators.template.patterns import WORD_CHAR_RE, has_words
from aicmo_core.generators.template.writer import Writer


def write_table(writer: Writer, row_labels: Sequence[str], budget: int) -> list[list[str]]:
    """A table for this section's kind, within ``budget`` words where it can choose its size."""
    if writer.kind.calendar is not None:
        return _calendar(writer, writer.kind.calendar, budget)
    table = writer.kind.table or writer.data.kind("general").table
    assert table is not None
    labels = [label for label in _row_labels(writer, table, row_labels) if writer.allowed(label)]
    floor = 1 + sum(1 for label in labels if label in row_labels or table.rows_from)  # these rows always stay
    rows = [list(table.columns)]
    writer.use(" ".join(table.columns))
    for label in labels:
        row = [label, *(_cell(writer, table, label, column) for column in table.columns[1:])]
        if line_key(" ".join(row)) in writer.report_keys:  # another table of the report has this row
            row = [label, *(_cell(writer, table, label, column, known_rows=False) for column in table.columns[1:])]
        if not writer.fresh(" ".join(row), strict=False):
            continue
        writer.use(" ".join(row))
        rows.append(row)
    # A short section cannot afford many rows: keep the header and at least one row.
    while len(rows) > max(floor, 2) and sum(count_words(" ".join(row)) for row in rows) > budget:
        writer.used_keys.discard(line_key(" ".join(rows.pop())))
    return rows


def _row_labels(writer: Writer, table: Table, given: Sequence[str]) -> list[str]:
    """The rows: one per channel or competitor when the kind's table is about them, else the
    sub-headings', topped up with the kind's default rows."""
    labels = list(given)
    if table.rows_from is not None:
        items = writer.items("channel" if table.rows_from == "channels" else "competitor")
        labels = [_cell_case(item) for item in items] or labels
    for default in table.rows:
        if len(labels) >= 3:
            break
        if default not in labels:
            labels.append(default)
    return labels


def _cell_case(text: str) -> str:
    return text[0].upper() + text[1:] if text[:1].islower() else text


def _cell(writer: Writer, table: Table, label: str, column: str, *, known_rows: bool = True) -> str:
    name = normalize_heading(label)
    rows = table.known if known_rows else ()
    known = next((row.cells for row in rows if any(has_words(name, w) for w in row.words)), {})
    extra = {"topic": label}
    if label in writer.brief.channels:
        extra["channel"] = label
    elif label in writer.brief.competitors:
        extra["competitor"] = label
    cell = writer.fill(known[column], extra) if column in known else None
    if cell is not None and writer.fresh(cell, strict=False):
        return writer.use(cell)
    patterns = table.cells.get(column, ())
    drawn = writer.draw("cell:" + column, patterns, extra, shuffle=not table.ordered)
    drawn = drawn or writer.draw("cell:" + column, patterns, extra, strict=False, shuffle=not table.ordered)
    return _cell_case(drawn or cell or "Agreed with the team")


def _calendar(writer: Writer, calendar: Calendar, budget: int) -> list[list[str]]:
    """One row a day: the day, its week, a channel of the brief in turn (with one of its formats), a
    theme in turn and an idea. The columns are the calendar's, in its order."""
    themes = [p for p in writer.section.required_substrings if WORD_CHAR_RE.search(p) and not p.endswith(":")]
    themes = [t for t in themes if count_words(t) <= 3 and normalize_heading(t) not in ("week", "phase", "day")]
    themes += [t for t in calendar.themes if t not in themes]
    themes = [t for t in themes if writer.allowed(t)]
    channels = list(writer.brief.channels) or ["Social"]
    rows = [list(calendar.columns)]
    used = count_words(" ".join(calendar.columns))
    for day in range(1, calendar.days + 1):
        theme = themes[(day - 1) % len(themes)]
        channel = channels[(day - 1) % len(channels)]
        formats = writer.data.platform_for(channel).formats
        form = formats[((day - 1) // len(channels)) % len(formats)]
        extra = {"theme": theme, "channel": channel, "channel_format": form}
        ideas = calendar.ideas.get(theme.lower(), calendar.any_theme)
        idea = writer.draw("idea:" + theme.lower(), ideas, extra) or writer.draw(
            "idea:any", calendar.any_theme, extra, strict=False
        )
        if idea is None:
            continue
        week = min((day - 1) // 7 + 1, 4)  # days 29 and 30 close the fourth week
        cells = {
            "day": f"Day {day}",
            "week": f"Week {week}",
            "platform": _cell_case(channel),
            "channel": _cell_case(channel),
        }
        cells |= {"format": _cell_case(form), "theme": theme, "post idea": idea, "idea": idea}
        row = [cells.get(column.lower(), idea) for column in calendar.columns]
        words = count_words(" ".join(row))
        if used + words > budget and day > 7 and _all_channels_used(rows, channels):  # only when it must
            break
        used += words
        rows.append(row)
    return rows


def _all_channels_used(rows: Sequence[Sequence[str]], channels: Sequence[str]) -> bool:
    named = {cell.lower() for row in rows[1:] for cell in row}
    return all(channel.lower() in named for channel in channels)


def replacement_cell(writer: Writer) -> str:
    """A cell for a table row whose cell had to go (a forbidden phrase, a repeated row)."""
    table = writer.kind.table or writer.data.kind("general").table
    assert table is not None
    patterns = table.cells.get(table.columns[1], ())
    return _cell_case(writer.draw("cell:" + table.columns[1], patterns) or "Agreed with the team")
