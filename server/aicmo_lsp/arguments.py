"""The arguments of the server's commands, checked before a command runs.

A client (or a crafted code lens) may send anything through ``workspace/executeCommand``; each
command reads its arguments with the parsers here, which answer a short :class:`ArgumentError`
(sent as JSON-RPC ``InvalidParams``) naming the argument and what is wrong with it. The rules:

- a command takes one object (``aicmo.showSection`` takes ``uri, line``); unknown keys are refused,
  so a misspelt option does not silently do nothing; ``null`` is the same as leaving a key out;
- ``uri`` names a document open in the server, or, where a command only needs the settings and
  ``aicmo.toml`` that apply at a place (``aicmo.listPacks``, ``aicmo.newReport``), a ``file:`` URI
  inside a workspace folder: no command reads an arbitrary path;
- numbers are integers (not booleans) within bounds, modes and ids have their fixed forms, texts
  have a size cap, a brief is a flat object of short strings, and a pack must be one the document
  can use (so nothing but a known key is ever written into front matter).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from aicmo_core.benchmarks.models import SECTION_ID_PATTERN
from aicmo_core.generators.base import Mode
from aicmo_lsp.app import AicmoLanguageServer, uri_to_path

MAX_URI_CHARS = 4096
MAX_LINE = 10_000_000
MAX_TARGET_WORDS = 5000
MAX_TEXT_CHARS = 200_000  # a section body
MAX_BRIEF_FIELDS = 50
MAX_BRIEF_KEY_CHARS = 64
MAX_BRIEF_VALUE_CHARS = 2000
MAX_ID_CHARS = 100

_ID_RE = re.compile(SECTION_ID_PATTERN)
_BRIEF_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")


class ArgumentError(ValueError):
    """A command argument the server refuses; its message is what the client is answered."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"invalid argument '{name}': {problem}")


def json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list | tuple) else "an object"


def options_of(arguments: Sequence[Any], keys: Collection[str], *, required: bool = True) -> dict[str, Any]:
    """The command's one object argument, its ``null`` values dropped (absent: ``{}`` unless
    ``required``). Keys other than ``keys`` are refused."""
    if not arguments and not required:
        return {}
    if len(arguments) != 1:
        raise ArgumentError("arguments", f"expected one object, got {len(arguments)} arguments")
    options = arguments[0]
    if not isinstance(options, dict):
        raise ArgumentError("arguments", f"expected an object, got {json_type(options)}")
    unknown = sorted(str(key) for key in options if key not in keys)
    if unknown:
        expected = ", ".join(keys) if keys else "none"
        raise ArgumentError(unknown[0][:MAX_ID_CHARS], f"unknown argument (expected: {expected})")
    return {key: value for key, value in options.items() if value is not None}


def string(options: Mapping[str, Any], name: str, *, limit: int, required: bool = True) -> str | None:
    value = options.get(name)
    if value is None:
        if required:
            raise ArgumentError(name, "missing")
        return None
    if not isinstance(value, str):
        raise ArgumentError(name, f"expected a string, got {json_type(value)}")
    if len(value) > limit:
        raise ArgumentError(name, f"longer than {limit:,} characters")
    return value


def integer(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentError(name, f"expected an integer, got {json_type(value)}")
    if not low <= value <= high:
        raise ArgumentError(name, f"{value} is not between {low} and {high:,}")
    return value


def identifier(options: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
    """A pack key or section id (``quick_social_basic``, ``overview``)."""
    value = string(options, name, limit=MAX_ID_CHARS, required=required)
    if value is not None and not _ID_RE.match(value):
        raise ArgumentError(name, f"{value!r} is not an id (lower-case letters, digits and '_')")
    return value


def mode(options: Mapping[str, Any], name: str = "mode") -> Mode:
    value = string(options, name, limit=MAX_ID_CHARS, required=False)
    if value is None:
        return Mode.REGENERATE
    try:
        return Mode(value)
    except ValueError:
        known = ", ".join(m.value for m in Mode)
        raise ArgumentError(name, f"unknown mode {value!r} (expected one of {known})") from None


def boolean(options: Mapping[str, Any], name: str) -> bool:
    value = options.get(name, False)
    if not isinstance(value, bool):
        raise ArgumentError(name, f"expected a boolean, got {json_type(value)}")
    return value


def brief(options: Mapping[str, Any], name: str = "brief") -> dict[str, str]:
    """A flat object of short strings (``{"brand": "Glow Botanicals", ...}``)."""
    value = options.get(name, {})
    if not isinstance(value, dict):
        raise ArgumentError(name, f"expected an object, got {json_type(value)}")
    if len(value) > MAX_BRIEF_FIELDS:
        raise ArgumentError(name, f"more than {MAX_BRIEF_FIELDS} fields")
    for key, text in value.items():
        if len(key) > MAX_BRIEF_KEY_CHARS or not _BRIEF_KEY_RE.match(key):
            raise ArgumentError(name, f"{key[:MAX_BRIEF_KEY_CHARS]!r} is not a field name (letters, digits, '_', '-')")
        if not isinstance(text, str):
            raise ArgumentError(f"{name}.{key}", f"expected a string, got {json_type(text)}")
        if len(text) > MAX_BRIEF_VALUE_CHARS:
            raise ArgumentError(f"{name}.{key}", f"longer than {MAX_BRIEF_VALUE_CHARS:,} characters")
    return dict(value)


def known_pack(key: str, packs: Collection[str], name: str = "pack") -> str:
    """``key`` when it is one of the packs the document can use."""
    if key not in packs:
        raise ArgumentError(name, f"unknown pack {key!r}")
    return key


def document_uri(ls: AicmoLanguageServer, value: Any, name: str = "uri", *, in_workspace: bool = False) -> str:
    """A URI of a document open in the server; with ``in_workspace``, also a ``file:`` URI inside a
    workspace folder (a place whose settings and ``aicmo.toml`` apply)."""
    if value is None:
        raise ArgumentError(name, "missing")
    if not isinstance(value, str):
        raise ArgumentError(name, f"expected a URI string, got {json_type(value)}")
    if len(value) > MAX_URI_CHARS:
        raise ArgumentError(name, f"longer than {MAX_URI_CHARS:,} characters")
    scheme = value.split(":", 1)[0] if ":" in value else ""
    if not _SCHEME_RE.match(scheme):
        raise ArgumentError(name, f"{value[:80]!r} is not a URI")
    if unquote(value) in ls.workspace.text_documents:
        return value
    if in_workspace and scheme == "file" and inside_workspace(ls, value):
        return value
    where = " nor a file in a workspace folder" if in_workspace else ""
    raise ArgumentError(name, f"{value[:200]} is no document open in the server{where}")


def inside_workspace(ls: AicmoLanguageServer, uri: str) -> bool:
    parsed = urlparse(uri)
    if parsed.netloc not in ("", "localhost") or not parsed.path:
        return False
    path = uri_to_path(uri)
    if path is None or not path.is_absolute():
        return False
    resolved = path.resolve()
    roots = [uri_to_path(folder.uri) for folder in ls.workspace.folders.values()]
    if ls.workspace.root_path:
        roots.append(Path(ls.workspace.root_path))
    return any(root is not None and resolved.is_relative_to(root.resolve()) for root in roots)


@dataclass(frozen=True, slots=True)
class GenerateArguments:
    """``aicmo.generateSection``'s: the section by id or by a line inside it."""

    uri: str
    section: str | None
    line: int | None
    mode: Mode
    target_words: int | None


def generate_arguments(ls: AicmoLanguageServer, arguments: Sequence[Any]) -> GenerateArguments:
    options = options_of(arguments, ("uri", "section", "line", "mode", "targetWords"))
    uri = document_uri(ls, options.get("uri"))
    section = identifier(options, "section", required=False)
    line = integer(options["line"], "line", 0, MAX_LINE) if "line" in options else None
    if section is None and line is None:
        raise ArgumentError("section", "missing (give the section's id, or a line inside it)")
    target = integer(options["targetWords"], "targetWords", 1, MAX_TARGET_WORDS) if "targetWords" in options else None
    return GenerateArguments(uri, section, line, mode(options), target)


@dataclass(frozen=True, slots=True)
class ApplyArguments:
    """``aicmo.applySection``'s: a body to put in a section."""

    uri: str
    section: str
    text: str


def apply_arguments(ls: AicmoLanguageServer, arguments: Sequence[Any]) -> ApplyArguments:
    options = options_of(arguments, ("uri", "section", "text"))
    uri = document_uri(ls, options.get("uri"))
    section = identifier(options, "section")
    text = string(options, "text", limit=MAX_TEXT_CHARS)
    assert section is not None and text is not None  # required
    return ApplyArguments(uri, section, text)


def show_section_arguments(ls: AicmoLanguageServer, arguments: Sequence[Any]) -> tuple[str, int]:
    """``aicmo.showSection``'s ``uri, line`` (the heading's line), as the status lens sends them."""
    if len(arguments) != 2:
        raise ArgumentError("arguments", f"expected a URI and a line, got {len(arguments)} arguments")
    return document_uri(ls, arguments[0]), integer(arguments[1], "line", 0, MAX_LINE)
