"""Benchmark files (YAML or JSON) as plain data with the position of every key and item.

A benchmark file may come from a repository someone else made, so it is parsed as data only: the
composed node graph is walked here instead of being handed to a constructor, and anything that is not
plain data is refused with its file, line and column:

- a tag other than text, numbers, true/false, null, dates, lists and mappings (``!!python/...``,
  ``!!binary``, ``!!set``, ``!custom``);
- more than :data:`MAX_VALUES` values, counting a YAML alias once for every place it is used, so
  an alias bomb stops after a few milliseconds instead of filling memory; an alias inside the value
  it names (a cycle);
- nesting deeper than :data:`MAX_DEPTH` levels.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from aicmo_core.errors import BenchmarkError, Problem
from aicmo_core.input_files import InputFileError, read_input_file

PathKey = tuple[str | int, ...]
MAX_VALUES = 25_000  # the largest built-in file has about 1,600
MAX_DEPTH = 50  # a pack is 4 levels deep
_YAML = "tag:yaml.org,2002:"
SCALAR_TAGS = frozenset(f"{_YAML}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp"))
_SEQ, _MAP, _MERGE = f"{_YAML}seq", f"{_YAML}map", f"{_YAML}merge"


def dotted(loc: Iterable[str | int]) -> str:
    """A field path as a writer reads it: ``sections[0].min_words``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass(frozen=True, slots=True)
class LoadedYaml:
    """A parsed document as plain Python data, with the 0-based position of every key and item."""

    path: Path
    data: Any
    positions: dict[PathKey, tuple[int, int]]

    def locate(self, loc: Sequence[str | int]) -> tuple[int, int] | None:
        """The position of the longest prefix of ``loc`` that exists in the file."""
        key = tuple(loc)
        while key:
            if key in self.positions:
                return self.positions[key]
            key = key[:-1]
        return self.positions.get((), None)

    def problem(self, message: str, loc: Sequence[str | int] = ()) -> Problem:
        position = self.locate(loc)
        return Problem(
            path=self.path,
            message=message,
            line=position[0] + 1 if position else None,
            column=position[1] + 1 if position else None,
            field=dotted(loc) or None,
        )


class _Refused(Exception):
    """Not plain data, at a node (or a 0-based position)."""

    def __init__(self, message: str, node: Any = None, position: tuple[int, int] | None = None) -> None:
        super().__init__(message)
        mark = getattr(node, "start_mark", None)
        self.position = (mark.line, mark.column) if mark is not None else position


def _at(path: Path, message: str, position: tuple[int, int] | None) -> Problem:
    """A problem at a 0-based position, or at no position without one."""
    if position is None:
        return Problem(path, message)
    return Problem(path, message, position[0] + 1, position[1] + 1)


def _mark(mark: Any) -> tuple[int, int] | None:
    return (mark.line, mark.column) if mark is not None else None


_TOO_MANY = f"more than {MAX_VALUES:,} values (a YAML alias counts once for every use): refused"


class _CountingComposer(Composer):
    """ruamel's composer with a budget of nodes, so a huge file stops early; duplicate anchors are
    legal YAML (the later one wins) and not worth a warning on the writer's terminal."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.warn_double_anchors = False
        self.nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.nodes += 1
        if self.nodes > MAX_VALUES:
            raise _Refused(_TOO_MANY, self.parser.peek_event())
        return super().compose_node(parent, index)


@dataclass
class _Walk:
    """Plain data from a composed node graph, recording positions and counting values."""

    constructor: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=lambda: {(): (0, 0)})
    values: int = 0
    open_nodes: set[int] = field(default_factory=set)

    def count(self, path: PathKey) -> None:
        self.values += 1
        if self.values > MAX_VALUES:
            # At the top-level key whose value grew too large: with aliases, the node at hand is
            # written somewhere else entirely.
            raise _Refused(_TOO_MANY, position=self.positions.get(path[:1]))

    def data(self, node: Node, path: PathKey) -> Any:
        self.count(path)
        if id(node) in self.open_nodes:
            raise _Refused("this YAML alias is inside the value it names (a cycle): refused", node)
        tag = str(node.tag)
        if isinstance(node, ScalarNode):
            if tag not in SCALAR_TAGS:
                raise _Refused(_tag_message(tag), node)
            try:
                return self.constructor.construct_object(node)
            except Exception as exc:  # "2024-13-45" looks like a date and is none
                raise _Refused(f"invalid value: {exc}", node) from None
        if tag not in (_SEQ, _MAP):
            raise _Refused(_tag_message(tag), node)
        self.open_nodes.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.item(child, (*path, index)) for index, child in enumerate(node.value)]
            assert isinstance(node, MappingNode)
            result: dict[str, Any] = {}
            self.mapping(node, path, result, merged=False)
            return result
        finally:
            self.open_nodes.discard(id(node))

    def item(self, node: Node, path: PathKey) -> Any:
        self.positions[path] = (node.start_mark.line, node.start_mark.column)
        return self.data(node, path)

    def mapping(self, node: MappingNode, path: PathKey, result: dict[str, Any], *, merged: bool) -> None:
        """Keys of ``node`` into ``result``; keys merged in with ``<<`` never replace written ones."""
        merges: list[Node] = []
        for key_node, value_node in node.value:
            self.count(path)  # also the keys a merge skips: merging one mapping many times costs too
            if str(key_node.tag) == _MERGE:
                merges.append(value_node)
                continue
            if not isinstance(key_node, ScalarNode) or str(key_node.tag) not in SCALAR_TAGS:
                raise _Refused("a key must be a plain value, not a list, a mapping or a tagged value", key_node)
            key = str(self.constructor.construct_object(key_node))
            if key in result:
                if merged:
                    continue
                raise _Refused(f"duplicate key {key!r}", key_node)
            child = (*path, key)
            self.positions[child] = (key_node.start_mark.line, key_node.start_mark.column)
            result[key] = self.data(value_node, child)
        for merge in merges:
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for source in sources:
                if not isinstance(source, MappingNode) or str(source.tag) != _MAP:
                    raise _Refused("'<<' merges only mappings", source)
                if id(source) in self.open_nodes:
                    raise _Refused("this YAML alias is inside the value it names (a cycle): refused", source)
                self.open_nodes.add(id(source))
                try:
                    self.mapping(source, path, result, merged=True)
                finally:
                    self.open_nodes.discard(id(source))


def _tag_message(tag: str) -> str:
    shown = f"!!{tag.removeprefix(_YAML)}" if tag.startswith(_YAML) else tag
    return (
        f"YAML tag {shown} is not allowed: benchmark files hold plain data (text, numbers, true/false, "
        "lists and mappings)"
    )


def parse_benchmark_yaml(path: Path, text: str, *, what: str = "a benchmark file") -> LoadedYaml:
    """Parse YAML or JSON text as plain data, raising :class:`BenchmarkError` with its location.

    ``what`` names the file in the message when it is not a mapping ("a brief", ...)."""
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _CountingComposer
    yaml.max_depth = MAX_DEPTH
    walk = _Walk(yaml.constructor)
    try:
        data = walk.data(node, ()) if (node := yaml.compose(text)) is not None else None
    except _Refused as exc:
        raise BenchmarkError([_at(path, str(exc), exc.position)]) from None
    except MaxDepthExceededError as exc:
        message = f"nested more than {MAX_DEPTH} levels deep: refused"
        raise BenchmarkError([_at(path, message, _mark(exc.problem_mark))]) from None
    except MarkedYAMLError as exc:
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        raise BenchmarkError([_at(path, message, _mark(exc.problem_mark or exc.context_mark))]) from None
    except ReaderError as exc:  # a character YAML does not allow (a NUL, a control character)
        line = text.count("\n", 0, exc.position)
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1)
        message = f"character U+{exc.character:04X} is not allowed in YAML"
        raise BenchmarkError([_at(path, message, (line, column))]) from None
    except Exception as exc:  # anything else ruamel raises without a position
        raise BenchmarkError([Problem(path, f"invalid YAML: {exc}")]) from None
    if not isinstance(data, dict):
        raise BenchmarkError([Problem(path, f"{what} must be a mapping (key: value pairs)", 1, 1)])
    return LoadedYaml(path, data, walk.positions)


def read_benchmark_file(path: Path, *, within: Sequence[Path] | None = None) -> LoadedYaml:
    """Read (see :func:`~aicmo_core.input_files.read_input_file`) and parse one benchmark file."""
    try:
        text = read_input_file(path, within=within)
    except InputFileError as exc:
        raise BenchmarkError(exc.problems) from None
    return parse_benchmark_yaml(path, text)
