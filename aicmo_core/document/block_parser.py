"""markdown-it's block parser as aicmo runs it: block rules only, aicmo's table rule, and the rules
that can only match a line starting with certain characters asked only about such lines.

markdown-it tries its block rules in order at the start of every block and, as terminators, on
every line of a paragraph, list item or quote: ``table``, ``code``, ``fence``, ``blockquote``,
``hr``, ``list``, ``reference``, ``html_block``, ``heading``, then ``lheading`` and ``paragraph``.
Each rule logs its entry and looks at the line before it says no, and for a paragraph line that was
most of the block parse. Seven of them can only match a line whose first character (after its
indentation) is one of a few, and each of those returns False without touching the parser's state
for any other line. So each run of them in a rule chain is one call here, which asks only the rules
the line's first character allows, in their order: the same rules answer, with the same tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markdown_it import MarkdownIt
from markdown_it.ruler import Ruler
from markdown_it.rules_block import code
from markdown_it.rules_block.state_block import StateBlock

from aicmo_core.document import table_rule

BlockRule = Callable[[StateBlock, int, int, bool], bool]

# The characters a line must start with for the rule to match it (from each rule's first tests in
# markdown-it-py: a fence opens with ` or ~, a list item with a bullet or a digit, ...).
FIRST_CHARS = {
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
}


def dispatch(rules: Sequence[tuple[BlockRule, str]]) -> BlockRule:
    """One rule for a run of rules with first characters: on a line starting with ``c``, the rules
    whose characters hold ``c``, in order (on a blank line, all of them)."""
    every = tuple(rule for rule, _ in rules)
    by_char = {char: tuple(rule for rule, chars in rules if char in chars) for _, chars in rules for char in chars}

    def dispatched(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        position = state.bMarks[start_line] + state.tShift[start_line]
        candidates = by_char.get(state.src[position], ()) if position < state.eMarks[start_line] else every
        for rule in candidates:  # noqa: SIM110 (any() over a generator costs a frame a call, here the hottest path)
            if rule(state, start_line, end_line, silent):
                return True
        return False

    return dispatched


def merge_runs(chain: list[BlockRule], first_chars: dict[BlockRule, str]) -> list[BlockRule]:
    """``chain`` with each run of rules that have first characters (two or more) as one call."""
    merged: list[BlockRule] = []
    run: list[tuple[BlockRule, str]] = []
    for rule in [*chain, None]:
        if rule is not None and rule in first_chars:
            run.append((rule, first_chars[rule]))
            continue
        if len(run) > 1:
            merged.append(dispatch(run))
        else:
            merged += [rule for rule, _ in run]
        run = []
        if rule is not None:
            merged.append(rule)
    return merged


class DispatchingRuler(Ruler[BlockRule]):
    """markdown-it's block ruler whose compiled chains have their runs merged (:func:`merge_runs`)."""

    def __compile__(self) -> None:
        super().__compile__()
        first_chars = {rule.fn: FIRST_CHARS[rule.name] for rule in self.__rules__ if rule.name in FIRST_CHARS}
        self.__cache__ = {chain: merge_runs(rules, first_chars) for chain, rules in (self.__cache__ or {}).items()}


def indented_code(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's code rule, which matches only an indented line (as its first test says)."""
    return state.is_code_block(start_line) and code(state, start_line, end_line, silent)


def make_block_parser(mdx: bool) -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": not mdx}).enable("table")
    ruler = DispatchingRuler()
    ruler.__rules__ = parser.block.ruler.__rules__
    parser.block.ruler = ruler
    ruler.at("code", indented_code, {"alt": []})
    ruler.at("table", table_rule.table, {"alt": ["paragraph", "reference"]})
    parser.disable(["inline", "text_join"])
    if mdx:
        # MDX has no indented code blocks (indentation inside JSX is layout), and its HTML is JSX,
        # which the preprocessor has already blanked.
        parser.disable(["code", "html_block"])
    return parser
