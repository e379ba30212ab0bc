"""The ``template`` generator: writes a section offline, deterministically, from its benchmark and the brief.

It needs no network and no model, so it is the embedded default and the last link of every chain.
What it says is data, not code: ``benchmarks/writing/`` (:mod:`.data`) holds, per *kind* of section
(overview, audience, competitors, calendar, measurement, budget, roadmap, ...), sentence, bullet and
table-cell patterns with slots for the brief: brand, industry, audience, goal, product, offer,
market, timeline, budget, and the brief's channels and competitors in turn. A brief that says little
is completed from its industry (channels, audience, what the client sells). Brief values are written
as given: only a listed generic first word ("Busy parents") may go lower case mid-sentence.

Every choice is drawn from a generator seeded with a stable hash of the pack, the section, the brief,
the mode and the attempt, so the same request always gives the same text and two clients get
different ones. No line of the report's other sections (``request.report``) is written again while
a fresh one can be. No sentence talks about the report or the section, and no figure is written that
the brief or the writer did not give.

The benchmark is read as a specification, not checked afterwards: required sub-headings come first
(as sub-headings while ``max_headings`` allows, then as bold lead-in labels), required phrases are
written verbatim (``Label:`` phrases as ``**Label:** value`` lines), bullets land between
``min_bullets`` and ``max_bullets``, a table is written when the format asks for one, and sentences
are added until the word count is a little over ``min_words`` (short and specific beats padded).
Each candidate sentence, bullet and cell is dropped when it contains a forbidden phrase or pattern
or repeats a line, and a brief value that contains one is left out. Counting uses the same functions
as the rules (:mod:`aicmo_core.document.text`).

The modes: ``regenerate`` writes anew and keeps the writer's facts (the lines that carry them,
:mod:`.keep`); ``scratch`` writes from the brief alone; ``expand`` keeps the writer's text byte for
byte and appends material; ``fix`` edits only the lines the failures point at and appends what they
say is missing (and any fact an edit lost).

The package, from the bottom up: :mod:`.data` loads the words, :mod:`.patterns` holds the regular
expressions, :mod:`.slots` makes the brief safe to write; :mod:`.groups` is a body under
construction; :mod:`.writer` holds one request's seeded choices; :mod:`.headings`, :mod:`.tables`,
:mod:`.keep` and :mod:`.compose` plan and fill the body; :mod:`.fixes` and :mod:`.modes` are the modes.
"""

from __future__ import annotations

from aicmo_core.generators.base import Generation, GenerationRequest, Mode
from aicmo_core.generators.template.modes import expand, fix, regenerate
from aicmo_core.generators.template.writer import Writer


class TemplateGenerator:
    """Writes section bodies from templates; never fails, never calls out."""

    name = "template"
    model: str | None = None  # no model behind it

    async def generate(self, request: GenerationRequest) -> Generation:
        return Generation(write_section(request))


def write_section(request: GenerationRequest) -> str:
    """The body the template generator writes for ``request`` (a pure function of the request)."""
    writer = Writer(request)
    if request.mode in (Mode.REGENERATE, Mode.SCRATCH) or not request.current_body.strip():
        return regenerate(writer)
    if request.mode is Mode.EXPAND:
        return expand(writer)
    return fix(writer)
