"""A parsed report: masked text, chunks, headings, and sections with their measured metrics."""

from __future__ import annotations

import hashlib
import itertools
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from aicmo_core.benchmarks.models import Pack, SectionBenchmark
from aicmo_core.document.alignment import HeadingInput, align_headings, anchor_matches, detect_section_level
from aicmo_core.document.blocks import Block, ChunkInfo, Heading, Table, analyze_chunk
from aicmo_core.document.chunking import grouped_chunk_starts
from aicmo_core.document.front_matter import FrontMatter, load_yaml
from aicmo_core.document.matching import HeadingMatch, SectionMatcher, clear_matchers, matcher_for
from aicmo_core.document.preprocess import Directive, Preprocessed, preprocess
from aicmo_core.document.text import line_key, normalize_heading, strip_heading_markup
from aicmo_core.findings import Finding
from aicmo_core.spans import LineIndex, Span

MDX_SUFFIXES = (".mdx",)
# ``**Label:**``, ``**Label**:`` or a line that is bold alone; the label is at most a few words.
BOLD_LABEL_RE = re.compile(
    r"^\s*(?:\*\*|__)(?:([^*_\n:]{1,60}?)\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)|([^*_\n]{1,60}?)(?:\*\*|__)\s*$)"
)


@dataclass(frozen=True, slots=True)
class Chunk:
    start_line: int
    info: ChunkInfo


@dataclass(frozen=True, slots=True)
class DocHeading:
    """A top-level heading with absolute line numbers."""

    line: int
    end_line: int
    level: int
    text: str
    column: int

    @property
    def title(self) -> str:
        return _title(self.text)


_title = lru_cache(maxsize=65536)(strip_heading_markup)  # every check asks for every heading's title


@dataclass(slots=True)
class ParsedDocument:
    """A report's text, parsed once per version. Everything else reads from here."""

    text: str
    mdx: bool
    index: LineIndex
    pre: Preprocessed
    chunks: list[Chunk]
    headings: list[DocHeading]
    chunk_starts: list[int]

    @property
    def front_matter(self) -> FrontMatter | None:
        return self.pre.front_matter

    @property
    def directives(self) -> list[Directive]:
        return self.pre.directives

    @property
    def line_count(self) -> int:
        return self.index.line_count


def normalize_line_breaks(text: str) -> str:
    r"""Lone carriage returns count as line breaks, as in LSP: ``\r\n`` is kept (the ``\r`` stays at
    the end of its line); a lone ``\r`` becomes ``\n``, which keeps every offset and makes lines agree
    with the editor's."""
    return re.sub(r"\r(?!\n)", "\n", text) if "\r" in text else text


def chunk_headings(pre: Preprocessed, chunk: Chunk) -> list[DocHeading]:
    """The chunk's headings that may start sections, with absolute lines. Only top-level headings
    do: not those in a list item or block quote (nested for markdown-it) nor those inside a JSX
    element (nested for the MDX preprocessor)."""
    start = chunk.start_line
    return [
        DocHeading(start + h.line, start + h.end_line, h.level, h.text, h.column)
        for h in chunk.info.headings
        if not h.nested and not (pre.nested and pre.in_element(start + h.line))
    ]


def parse_document(text: str, *, mdx: bool = False) -> ParsedDocument:
    """Parse report text (an edited version of a parsed one: see
    :func:`aicmo_core.document.incremental.reparse_document`)."""
    text = normalize_line_breaks(text)
    pre = preprocess(text, mdx=mdx)
    masked = pre.masked
    # Each chunk's text is one slice of the masked text (not a join of its lines: splitting a large
    # report into lines was one more copy of it in memory).
    line_starts = LineIndex(masked).line_starts
    chunks: list[Chunk] = []
    headings: list[DocHeading] = []
    bounds = grouped_chunk_starts(masked, line_starts, pre.chunk_starts)
    for start, end in itertools.pairwise(bounds):
        if end <= start:
            continue
        chunk_end = line_starts[end] - 1 if end < len(line_starts) else len(masked)
        chunk = Chunk(start, analyze_chunk(masked[line_starts[start] : chunk_end], mdx))
        chunks.append(chunk)
        headings.extend(chunk_headings(pre, chunk))
    return ParsedDocument(
        text, mdx, LineIndex.from_starts(text, line_starts), pre, chunks, headings, [c.start_line for c in chunks]
    )


@dataclass(frozen=True, slots=True)
class SectionMetrics:
    words: int
    bullets: int
    headings: int
    sentences: int
    avg_sentence_words: float
    repeated_line_ratio: float
    tables: int
    lists: int


@dataclass(frozen=True, slots=True)
class PlacedBlock:
    """A block with the absolute line of its chunk, so rules can compute document positions."""

    offset: int
    block: Block

    @property
    def line(self) -> int:
        return self.offset + self.block.line

    def span_of(self, doc: ParsedDocument, start: int, end: int) -> Span:
        start_line, start_col = self.block.locate(start)
        end_line, end_col = self.block.locate(end)
        return Span(
            doc.index.line_span(self.offset + start_line, start_col, start_col).start,
            doc.index.line_span(self.offset + end_line, end_col, end_col).start,
        )


@dataclass(eq=False)
class Section:
    """A heading at the document's section level and everything up to the next such heading."""

    doc: ParsedDocument
    heading: DocHeading
    end_line: int  # exclusive
    match: HeadingMatch
    benchmark: SectionBenchmark | None
    index: int
    # What its own rules found (absolute, before severity settings): set by the check, and taken
    # over by the same section in the next version, so an edit elsewhere does not check it again.
    own_findings: tuple[Finding, ...] | None = None

    @property
    def id(self) -> str | None:
        return self.benchmark.id if self.benchmark else None

    def inherit(self, old: Section, line_delta: int) -> None:
        """Take over what ``old`` computed: ``old`` is this section, with the same text, ``line_delta``
        lines higher up in an earlier version of the report checked against the same pack."""
        known = old.__dict__  # what its cached properties hold
        for name in ("source_hash", "metrics"):
            if name in known:
                self.__dict__[name] = known[name]
        if "heading_span" in known:
            self.__dict__["heading_span"] = known["heading_span"].shifted(line_delta)
        found = old.own_findings
        # Its findings depend on its benchmark, and for a heading naming none, on how it matched;
        # a finding that names a line of the report holds only where the section was.
        if found is None or old.benchmark is not self.benchmark or old.match.how != self.match.how:
            return
        if not line_delta:
            self.own_findings = found
        elif not any(finding.names_a_line for finding in found):
            self.own_findings = tuple(finding.shifted(line_delta) for finding in found)

    @property
    def start_line(self) -> int:
        return self.heading.line

    @property
    def body_start(self) -> int:
        return self.heading.end_line

    @cached_property
    def heading_span(self) -> Span:
        """The heading line from its first non-blank character to its end (computed once: every
        finding of the section's heading asks for it)."""
        line_text = self.doc.index.line_text(self.heading.line)
        last = len(line_text.rstrip())
        # min(): a setext heading's text may be only characters Python calls whitespace (such as a
        # no-break space) that Markdown does not, and then lstrip() would put the start past the end.
        first = min(len(line_text) - len(line_text.lstrip()), last)
        return self.doc.index.line_span(self.heading.line, first, last)

    @property
    def source(self) -> str:
        """The section's text, heading included (sliced when asked: kept, it was one more copy of the
        report in memory)."""
        index = self.doc.index
        start = index.line_starts[self.start_line]
        end = index.line_starts[self.end_line] if self.end_line < index.line_count else len(self.doc.text)
        return self.doc.text[start:end]

    @cached_property
    def source_hash(self) -> str:
        """Changes whenever the section's text (heading included) or the file kind changes, and in
        MDX whenever its masked text does: there what is masked can depend on text outside the
        section (whether a ``{/*`` is ever closed, which JSX tags pair up)."""
        digest = hashlib.blake2b(self.source.encode("utf-8", "surrogatepass"), digest_size=16)
        if self.doc.mdx:
            index, masked = self.doc.index, self.doc.pre.masked
            end = index.line_starts[self.end_line] if self.end_line < index.line_count else len(masked)
            digest.update(
                b"\0mdx\0" + masked[index.line_starts[self.start_line] : end].encode("utf-8", "surrogatepass")
            )
        else:
            digest.update(b"md")
        return digest.hexdigest()

    def _chunk_ranges(self) -> Iterator[tuple[Chunk, int, int]]:
        """Chunks overlapping the section, with the relative line range of the overlap."""
        chunks = self.doc.chunks
        first = max(bisect_right(self.doc.chunk_starts, self.start_line) - 1, 0)
        # By index, not ``chunks[first:]``: a slice copies the rest of the list, which made a
        # report of 50,000 headings quadratic.
        for index in range(first, len(chunks)):
            chunk = chunks[index]
            if chunk.start_line >= self.end_line:
                break
            chunk_end = chunk.start_line + chunk.info.line_count
            if chunk_end <= self.start_line:
                continue
            yield (
                chunk,
                max(self.start_line, chunk.start_line) - chunk.start_line,
                min(self.end_line, chunk_end) - chunk.start_line,
            )

    @cached_property
    def _body_blocks(self) -> tuple[PlacedBlock, ...]:
        # Collected once: every section rule walks the blocks, some more than once.
        own = self.heading.line
        return tuple(
            PlacedBlock(chunk.start_line, block)
            for chunk, low, high in self._chunk_ranges()
            for block in chunk.info.blocks
            if low <= block.line < high and chunk.start_line + block.line != own
        )

    def blocks(self, kinds: Sequence[str] = ("paragraph", "row", "heading")) -> Iterator[PlacedBlock]:
        """Prose blocks of the body (the section's own heading excluded), in order."""
        return (placed for placed in self._body_blocks if placed.block.kind in kinds)

    def sub_headings(self) -> list[tuple[int, Heading]]:
        result = []
        for chunk, low, high in self._chunk_ranges():
            for heading in chunk.info.headings:
                if low <= heading.line < high and chunk.start_line + heading.line != self.heading.line:
                    result.append((chunk.start_line + heading.line, heading))
        return result

    def bold_labels(self) -> list[str]:
        """Lead-in labels written in bold at the start of a paragraph line or list item
        (``**Primary Goal:** grow repeat orders``, or a line that is bold alone): real reports use
        them as light sub-headings."""
        labels = []
        for placed in self.blocks(("paragraph",)):
            for line in placed.block.content.split("\n"):
                found = BOLD_LABEL_RE.match(line)
                if found:
                    labels.append(found.group(1) or found.group(2))
        return labels

    def tables(self) -> list[tuple[int, Table]]:
        return [
            (chunk.start_line + table.line, table)
            for chunk, low, high in self._chunk_ranges()
            for table in chunk.info.tables
            if low <= table.line < high
        ]

    def list_item_lines(self) -> list[int]:
        return [
            chunk.start_line + line
            for chunk, low, high in self._chunk_ranges()
            for line in chunk.info.list_items
            if low <= line < high
        ]

    def list_count(self) -> int:
        return sum(1 for chunk, low, high in self._chunk_ranges() for line in chunk.info.lists if low <= line < high)

    def has_content(self) -> bool:
        """Whether anything but blank lines, comments and the heading is in the body."""
        for chunk, low, high in self._chunk_ranges():
            for line in chunk.info.content_lines:
                if low <= line < high and chunk.start_line + line >= self.body_start:
                    return True
        return False

    def repeated_lines(self) -> tuple[int, list[tuple[PlacedBlock, int, int, int]]]:
        """Total prose lines, and each line repeating an earlier one: (block, start, end, first line)."""
        total, repeats = self._repeated_lines
        return total, list(repeats)

    @cached_property
    def _repeated_lines(self) -> tuple[int, list[tuple[PlacedBlock, int, int, int]]]:
        # Computed once: the metrics and the max_repeated_line_ratio rule both need it.
        seen: dict[str, int] = {}
        total = 0
        repeats: list[tuple[PlacedBlock, int, int, int]] = []
        for placed in self.blocks(("paragraph", "row")):
            content = placed.block.content
            offset = 0
            for line_number, line in enumerate(content.split("\n")):
                key = line_key(line)
                if key:
                    total += 1
                    absolute = placed.line + line_number
                    if key in seen:
                        stripped = len(line) - len(line.lstrip())
                        repeats.append((placed, offset + stripped, offset + len(line.rstrip()), seen[key]))
                    else:
                        seen[key] = absolute
                offset += len(line) + 1
        return total, repeats

    @cached_property
    def metrics(self) -> SectionMetrics:
        words = 0
        sentences = 0
        sentence_words = 0
        for placed in self.blocks(("paragraph", "row")):
            words += placed.block.words
            sentences += len(placed.block.sentences)
            sentence_words += sum(s.words for s in placed.block.sentences)
        total_lines, repeats = self.repeated_lines()
        return SectionMetrics(
            words=words,
            bullets=len(self.list_item_lines()),
            headings=len(self.sub_headings()),
            sentences=sentences,
            avg_sentence_words=round(sentence_words / sentences, 2) if sentences else 0.0,
            repeated_line_ratio=round(len(repeats) / total_lines, 4) if total_lines else 0.0,
            tables=len(self.tables()),
            lists=self.list_count(),
        )


def explicit_section_ids(doc: ParsedDocument, headings: Sequence[DocHeading]) -> dict[int, str]:
    """Heading index -> id from ``aicmo:section ID`` comments right above a heading (blank lines between
    the comment and the heading are allowed)."""
    by_end_line = {d.end_line: d for d in doc.directives if d.kind == "aicmo:section" and d.args}
    result: dict[int, str] = {}
    if not by_end_line:
        return result
    for index, heading in enumerate(headings):
        line = heading.line - 1
        while line >= 0 and not doc.index.line_text(line).strip():
            line -= 1
        directive = by_end_line.get(line)
        if directive is not None:
            result[index] = directive.args[0]
    return result


@dataclass(slots=True)
class ReportStructure:
    """Sections of a parsed document against one pack."""

    doc: ParsedDocument
    pack: Pack
    level: int | None
    sections: list[Section]
    preamble_end: int
    aliases: Mapping[str, Sequence[str]] | None = None  # the aicmo.toml aliases it was matched with
    explicit: Mapping[int, str] | None = None  # heading index -> id, from aicmo:section comments


def build_sections(
    doc: ParsedDocument,
    pack: Pack,
    extra_aliases: Mapping[str, Sequence[str]] | None = None,
    matched: ReportStructure | None = None,
) -> ReportStructure:
    """Split ``doc`` into sections and match each to a section of ``pack``. ``matched``, the
    structure of an earlier version with the same pack and aliases, gives its matches when the
    headings (text and level, in order) and the ``aicmo:section`` comments are the same: a heading's
    match depends on nothing else."""
    headings = doc.headings
    explicit = explicit_section_ids(doc, headings)
    if matched is not None and matched.explicit == explicit and _same_headings(matched.doc.headings, headings):
        level, level_matches = matched.level, [section.match for section in matched.sections]
    else:
        level, level_matches = _match_headings(headings, explicit, matcher_for(pack, extra_aliases))
    sections: list[Section] = []
    if level is None:
        return ReportStructure(doc, pack, None, [], doc.line_count, extra_aliases, explicit)
    at_level = [i for i, h in enumerate(headings) if h.level == level]
    # A section ends at the next heading of its level or shallower: one pass from the end (a scan
    # forward per section would make a report of 50,000 headings quadratic).
    ends = [doc.line_count] * len(headings)
    end = doc.line_count
    for index in range(len(headings) - 1, -1, -1):
        ends[index] = end
        if headings[index].level <= level:
            end = headings[index].line
    for position, heading_index in enumerate(at_level):
        heading = headings[heading_index]
        match = level_matches[position]
        benchmark = pack.section(match.section_id) if match.section_id and match.how != "duplicate" else None
        sections.append(Section(doc, heading, ends[heading_index], match, benchmark, len(sections)))
    preamble_end = sections[0].start_line if sections else doc.line_count
    return ReportStructure(doc, pack, level, sections, preamble_end, extra_aliases, explicit)


def _same_headings(old: Sequence[DocHeading], new: Sequence[DocHeading]) -> bool:
    """Whether the headings have the same text and level, in order. An edit's new version shares the
    old heading objects outside what it touched, so most are the same object."""
    if len(old) != len(new):
        return False
    for before, after in zip(old, new, strict=True):
        if before is not after and (before.text != after.text or before.level != after.level):
            return False
    return True


def _match_headings(
    headings: Sequence[DocHeading], explicit: Mapping[int, str], matcher: SectionMatcher
) -> tuple[int | None, list[HeadingMatch]]:
    """The section level and the match of each heading at that level."""
    inputs = [HeadingInput(h.text, normalize_heading(h.text)) for h in headings]
    strong = anchor_matches(matcher, inputs, explicit, direct=True)
    level = detect_section_level([h.level for h in headings], [m.section_id if m is not None else None for m in strong])
    if level is None:
        return None, []
    at_level = [i for i, h in enumerate(headings) if h.level == level]
    # Headings deeper than the section level never start sections, so their matches are recomputed
    # among the section-level headings only (a sub-heading must not take a section away).
    return level, align_headings(
        matcher,
        [inputs[i] for i in at_level],
        {position: explicit[i] for position, i in enumerate(at_level) if i in explicit},
    )


def section_text(heading: str, body: str, level: int = 2) -> str:
    """A section's Markdown: its heading at ``level``, a blank line, the body, one final newline."""
    return f"{'#' * level} {heading}\n\n{body.strip()}\n"


def standalone_section(
    benchmark: SectionBenchmark, body: str, *, heading: str | None = None, level: int = 2, mdx: bool = False
) -> Section:
    """``body`` under its heading, parsed on its own as ``benchmark``'s section (for checking a
    generated candidate before it goes into a report)."""
    doc = parse_document(section_text(heading or benchmark.label, body, level), mdx=mdx)
    end = next((h.line for h in doc.headings[1:] if h.level <= level), doc.line_count)
    return Section(doc, doc.headings[0], end, HeadingMatch(benchmark.id, "explicit", 1.0), benchmark, 0)


def is_mdx_path(path: str) -> bool:
    return path.lower().endswith(MDX_SUFFIXES)


def clear_caches(*, keep_matchers: bool = False) -> None:
    """Forget what earlier checks kept (parsed chunks, front matter, heading matchers, normalised
    headings), so the next check is a cold one. For measurements and tests: the caches are bounded
    and never need it. ``keep_matchers`` keeps each pack's matcher, built once per pack, and forgets
    what it found for headings."""
    analyze_chunk.cache_clear()
    _title.cache_clear()
    load_yaml.cache_clear()
    clear_matchers(keep_built=keep_matchers)
    normalize_heading.cache_clear()
