"""The shape of a pack's regular expression, read without compiling it: what it repeats, how deep.

A small parser of Python's regular expression syntax (and the ``regex`` package's additions) into
a tree of sequences, alternatives, groups, repeats and single characters, each with its place in
the pattern. It exists for :mod:`aicmo_core.benchmarks.patterns`, which refuses the shapes that
make a backtracking matcher take exponential time, and patterns whose repeats would make the
compiled matcher itself huge, *before* the pattern reaches a compiler.

It never raises on odd input: a construct it does not know is read as an opaque atom, and the
compiler afterwards decides whether the pattern is valid. Only its verdict on the shape matters,
so it errs on the side of reading a pattern as harmless.
"""

from __future__ import annotations

from dataclasses import dataclass

_REPEAT_CHARS = "*+?{"
_ZERO_WIDTH_ESCAPES = "AbBZzGKmM"
_CLASS_ESCAPES = "dDwWsSpPNhHvVX"
_HEX_LENGTHS = {"x": 2, "u": 4, "U": 8}
_FUZZY_CHARS = frozenset("0123456789eids<=+-, \t")


@dataclass(frozen=True, slots=True)
class Node:
    """A part of a pattern: ``pattern[start:end]`` is its text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Char(Node):
    """One character, or one of a set: ``a``, ``.``, ``\\w``, ``[a-z]``. ``atom`` is its text, to be
    compiled on its own (with ``flags``) when its characters must be known."""

    atom: str
    flags: str


@dataclass(frozen=True, slots=True)
class ZeroWidth(Node):
    """An anchor, a word boundary or a lookaround: matches a place, not text."""


@dataclass(frozen=True, slots=True)
class Opaque(Node):
    """Something matched by reference (a backreference, a recursion): its text is unknown."""


@dataclass(frozen=True, slots=True)
class Sequence(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Alternation(Node):
    options: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Group(Node):
    body: Node
    atomic: bool = False  # ``(?>...)``: never gives back what it matched


@dataclass(frozen=True, slots=True)
class Repeat(Node):
    item: Node
    low: int
    high: int | None  # None: unbounded
    possessive: bool = False  # ``a++``: never gives back what it matched

    @property
    def variable(self) -> bool:
        """Whether the number of copies can vary, so text can be split between copies in several ways."""
        return self.high is None or self.high > self.low


@dataclass(frozen=True, slots=True)
class Fuzzy(Node):
    """A fuzzy-matching constraint of the ``regex`` package, ``(?:foo){e<=1}`` (literal text for
    Python's ``re``)."""

    item: Node


class TooDeep(Exception):
    """Groups nest deeper than the parser follows."""

    def __init__(self, depth: int) -> None:
        super().__init__(depth)
        self.depth = depth


class _Parser:
    def __init__(self, pattern: str, max_depth: int) -> None:
        self.text = pattern
        self.pos = 0
        self.max_depth = max_depth
        self.flags = ""
        self.depth = 0

    def peek(self, ahead: int = 0) -> str:
        index = self.pos + ahead
        return self.text[index] if index < len(self.text) else ""

    def startswith(self, prefix: str) -> bool:
        return self.text.startswith(prefix, self.pos)

    def skip_verbose(self) -> None:
        """In verbose mode (``(?x)``) whitespace and ``#`` comments outside sets are not pattern."""
        while "x" in self.flags and self.pos < len(self.text):
            char = self.peek()
            if char.isspace():
                self.pos += 1
            elif char == "#":
                newline = self.text.find("\n", self.pos)
                self.pos = len(self.text) if newline < 0 else newline + 1
            else:
                return

    def alternation(self) -> Node:
        start = self.pos
        options = [self.sequence()]
        while self.peek() == "|":
            self.pos += 1
            options.append(self.sequence())
        return options[0] if len(options) == 1 else Alternation(start, self.pos, tuple(options))

    def sequence(self) -> Sequence:
        start = self.pos
        items: list[Node] = []
        while True:
            self.skip_verbose()
            char = self.peek()
            if char in ("", "|", ")"):
                return Sequence(start, self.pos, tuple(items))
            atom = self.atom()
            if atom is not None:
                items.append(self.repeats(atom))
            elif items:  # after a comment, a repeat applies to what came before it: a(?#...)+
                items[-1] = self.repeats(items[-1])

    def repeats(self, atom: Node) -> Node:
        count, inner = 0, atom
        while isinstance(inner, Repeat):  # already repeated: a(?#...)+(?#...)+ nests once more
            inner, count = inner.item, count + 1
        node = atom
        while True:
            self.skip_verbose()
            if self.fuzzy_constraint():
                node = Fuzzy(atom.start, self.pos, node)
                continue
            bounds = self.quantifier()
            if bounds is None:
                return node
            count += 1
            if self.depth + count > self.max_depth:  # a{1}{1}{1}...: a repeat of a repeat of ...
                raise TooDeep(self.depth + count)
            low, high = bounds
            possessive = False
            if self.peek() == "?":
                self.pos += 1
            elif self.peek() == "+":
                self.pos += 1
                possessive = True
            node = Repeat(atom.start, self.pos, node, low, high, possessive)

    def fuzzy_constraint(self) -> bool:
        """Reads ``{e<=1}``, ``{i<=1,d<=2}``, ``{2i+2d+1s<=4}``: the ``regex`` package's fuzzy matching."""
        close = self.text.find("}", self.pos)
        inside = self.text[self.pos + 1 : close] if self.peek() == "{" and close > 0 else ""
        if not inside or not set(inside) <= _FUZZY_CHARS or not set(inside) & set("eids"):
            return False
        self.pos = close + 1
        return True

    def quantifier(self) -> tuple[int, int | None] | None:
        char = self.peek()
        simple = {"*": (0, None), "+": (1, None), "?": (0, 1)}
        if char in simple:
            self.pos += 1
            return simple[char]
        if char != "{":
            return None
        close = self.text.find("}", self.pos)
        inside = self.text[self.pos + 1 : close] if close > 0 else ""
        low_text, comma, high_text = inside.partition(",")
        numbers_ok = (_number(low_text) or (comma and not low_text)) and (_number(high_text) or not high_text)
        if close < 0 or not inside or not numbers_ok or (not comma and not low_text):
            return None  # a literal "{"
        self.pos = close + 1
        low = int(low_text) if low_text else 0
        if not comma:
            return low, low
        return low, int(high_text) if high_text else None

    def atom(self) -> Node | None:
        start, char = self.pos, self.peek()
        if char == "(":
            return self.group()
        if char == "[":
            self.pos = self.set_end()
            return Char(start, self.pos, self.text[start : self.pos], self.flags)
        if char == "\\":
            return self.escape()
        self.pos += 1
        if char in "^$":
            return ZeroWidth(start, self.pos)
        if char in _REPEAT_CHARS:
            return None  # a repeat of nothing: the compiler reports it
        return Char(start, self.pos, char, self.flags)

    def escape(self) -> Node:
        start = self.pos
        letter = self.peek(1)
        self.pos += 2
        if letter in _ZERO_WIDTH_ESCAPES:
            return ZeroWidth(start, self.pos)
        if letter.isdigit() and letter != "0":
            while self.peek().isdigit():
                self.pos += 1
            return Opaque(start, self.pos)  # \1: a backreference
        if letter == "g" and self.peek() == "<":
            self.pos = self.closing(">")
            return Opaque(start, self.pos)
        if letter in _HEX_LENGTHS:
            self.pos = min(len(self.text), self.pos + _HEX_LENGTHS[letter])
        elif letter in "pPN" and self.peek() == "{":
            self.pos = self.closing("}")
        elif letter in "pP":
            self.pos = min(len(self.text), self.pos + 1)  # \pL
        return Char(start, self.pos, self.text[start : self.pos], self.flags)

    def closing(self, char: str) -> int:
        """The position after the next ``char``, or the end of the pattern."""
        found = self.text.find(char, self.pos)
        return len(self.text) if found < 0 else found + 1

    def set_end(self) -> int:
        """The position after the ``]`` that closes the set opening at the current position."""
        index = self.pos + 1
        if self.text.startswith("^", index):
            index += 1
        if self.text.startswith("]", index):
            index += 1  # "[]...]": a leading "]" is a member
        while index < len(self.text):
            char = self.text[index]
            if char == "\\":
                index += 2
                continue
            if self.text.startswith("[:", index):  # a POSIX class, [[:alpha:]]
                end = self.text.find(":]", index + 2)
                if end > 0:
                    index = end + 2
                    continue
            if char == "]":
                return index + 1
            index += 1
        return len(self.text)

    def group(self) -> Node | None:
        """A group, or None for what matches nothing at all (a comment, ``(?i)``)."""
        start = self.pos
        self.pos += 1
        kind = self.group_kind()
        if kind in {"comment", "opaque"}:
            self.pos = self.closing(")")
            return None if kind == "comment" else Opaque(start, self.pos)
        if kind == "flags":
            return None
        self.depth += 1
        if self.depth > self.max_depth:
            raise TooDeep(self.depth)
        saved_flags = self.flags
        body = self.alternation()
        if kind == "scoped":
            self.flags = saved_flags
        self.depth -= 1
        if self.peek() == ")":
            self.pos += 1
        if kind == "lookaround":
            return ZeroWidth(start, self.pos)
        return Group(start, self.pos, body, atomic=kind == "atomic")

    def group_kind(self) -> str:
        """Reads a group's opening after ``(`` and says what the group is."""
        if self.peek() != "?":
            return "plain"
        self.pos += 1
        for prefix, kind in (
            ("#", "comment"),
            ("=", "lookaround"),
            ("!", "lookaround"),
            ("<=", "lookaround"),
            ("<!", "lookaround"),
            (">", "atomic"),
            ("P=", "opaque"),
            ("P>", "opaque"),
            ("&", "opaque"),
            ("R", "opaque"),
        ):
            if self.startswith(prefix):
                self.pos += len(prefix)
                return kind
        char = self.peek()
        if char.isdigit() or (char in "+-" and self.peek(1).isdigit()):
            return "opaque"  # (?1): a recursion into group 1
        if self.startswith("P<") or char == "<":  # a named group; (?<name>...) is the regex package's
            self.pos = self.closing(">")
            return "plain"
        if char == "'":  # (?'name'...)
            self.pos += 1
            self.pos = self.closing("'")
            return "plain"
        if char == "(":  # (?(1)yes|no): read the condition as a group of its own
            self.pos = self.closing(")")
            return "plain"
        return self.inline_flags()

    def inline_flags(self) -> str:
        """``(?i)`` sets flags from here on; ``(?i:...)`` and ``(?-i:...)`` only inside the group."""
        end = self.pos
        while end < len(self.text) and (self.text[end].isalpha() or self.text[end] in "-^"):
            end += 1
        letters = self.text[self.pos : end]
        turned_on = letters.split("-", 1)[0]
        self.pos = end
        if self.peek() == ")":
            self.pos += 1
            self.flags += turned_on
            return "flags"
        if self.peek() == ":":
            self.pos += 1
            self.flags += turned_on
            return "scoped"
        return "plain"  # (?|...) and what this parser does not know: a group like any other


def _number(text: str) -> bool:
    """ASCII digits only: ``{²}`` is literal text to a pattern, and ``int`` would not read it."""
    return bool(text) and all("0" <= char <= "9" for char in text)


def parse(pattern: str, max_depth: int) -> Node:
    """The tree of ``pattern``. Raises :class:`TooDeep` when groups nest deeper than ``max_depth``."""
    parser = _Parser(pattern, max_depth)
    nodes = [parser.alternation()]
    while parser.pos < len(pattern):  # an unmatched ")": read on, the compiler reports it
        parser.pos += 1
        nodes.append(parser.alternation())
    if len(nodes) == 1:
        return nodes[0]
    return Sequence(0, len(pattern), tuple(nodes))
