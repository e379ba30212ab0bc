"""Hypothesis strategies for a repository a stranger made: an ``aicmo.toml``, a team's benchmark folder
(a pack, maybe a second pack, a library both may include) and two reports, with at most one file made
hostile or broken.

Each :class:`Repository` says what aicmo must make of it (its ``verdict``):

- ``valid``: every file is plausible and correct; nothing is reported about them and the team's pack
  checks its report;
- ``broken``: one file cannot be used (bad YAML or TOML, a wrong field, a tag that is not plain data,
  an alias bomb, a catastrophic regex, a FIFO, a link to ``/dev/zero``, a folder outside the
  repository...); aicmo must say so (CLI: exit 2 and a message; server: diagnostics) and go on;
- ``either``: legal-looking but unusual (small aliases, explicit core tags, huge numbers, a BOM):
  aicmo may take it or refuse it.

Whatever the verdict, the report of a built-in pack (``builtin.md``) is still checked, and nothing
hangs or prints a traceback. A broken second pack (``other.yaml``) leaves the team's pack working.

A :class:`Scenario` is one verdict, target file and mutation; ``SCENARIOS`` lists every one, so a
test can run each kind every time, and ``any_repository`` draws any of them with its variants. The
texts are written by the small emitters here (not a YAML library), so a mutation can put a line
exactly where it wants; "valid" files use only characters that need no escaping, so they are valid
for certain.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from hypothesis import strategies as st

Verdict = Literal["valid", "broken", "either"]
FileKind = Literal["file", "fifo", "symlink", "folder"]
CONFIG = "aicmo.toml"
TEAM_FOLDER = "team"
LIBRARY = "team/library/shared.yaml"
OTHER_PACK = "team/packs/other.yaml"
BUILTIN_REPORT = "builtin.md"
TEAM_REPORT = "team.md"
BUILTIN_PACK = "quick_social_basic"
BUILTIN_HEADING_LINE = 3  # 0-based line of "## Hashtag Strategy" in builtin.md
# A line that makes a catastrophic pattern such as (a+)+$ backtrack for ever.
BACKTRACKING_BAIT = "a" * 40 + "!"
ONE_MEGABYTE = 1024 * 1024

BUILTIN_TEXT = f"---\npack: {BUILTIN_PACK}\n---\n## Hashtag Strategy\n\nToo short. {BACKTRACKING_BAIT}\n"


def team_pack_path(key: str) -> str:
    return f"{TEAM_FOLDER}/packs/{key}.yaml"


# ---------------------------------------------------------------------------------------- emitters
class Raw(str):
    """YAML or TOML text emitted as it is (a tag, an alias, a broken value)."""


def yaml_flow(value: Any) -> str:
    """A value in YAML flow style (JSON is YAML 1.2, plus .nan and .inf)."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_flow(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {yaml_flow(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def emit_yaml(document: dict[str, Any]) -> str:
    """A pack or library file as a writer lays it out: ``sections`` as a block list, one field a line."""
    lines = ["# yaml-language-server: $schema=../../schema.json"]
    for key, value in document.items():
        if key == "sections" and isinstance(value, list) and value:
            lines.append("sections:")
            for entry in value:
                if isinstance(entry, dict) and entry:
                    items = list(entry.items())
                    lines.append(f"  - {items[0][0]}: {yaml_flow(items[0][1])}")
                    lines.extend(f"    {name}: {yaml_flow(item)}" for name, item in items[1:])
                else:
                    lines.append(f"  - {yaml_flow(entry)}")
        else:
            lines.append(f"{key}: {yaml_flow(value)}")
    return "\n".join(lines) + "\n"


def toml_value(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def emit_toml(document: dict[str, Any]) -> str:
    """``aicmo.toml``: plain keys first, then one ``[table]`` per mapping."""
    lines = [f"{key} = {toml_value(value)}" for key, value in document.items() if not isinstance(value, dict)]
    for key, value in document.items():
        if isinstance(value, dict) and value:
            lines.extend(["", f"[{key}]"])
            lines.extend(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items())
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------- plausible files
# Characters a writer puts in labels: letters, digits, punctuation, accents, CJK, emoji. Nothing
# that needs escaping in YAML or TOML, so a "valid" file is valid for certain.
SAFE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -&',.:!?()/éüßñ中文增长🚀"
words = st.text(SAFE_CHARS, min_size=1, max_size=24).map(str.strip).filter(bool)
identifiers = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
# Patterns K1's loader must accept: no nested quantifiers, nothing that backtracks.
SAFE_REGEXES = [r"\bTODO\b", r"(?i)lorem ipsum", r"[0-9]{3,}%", r"TBD|TBC", r"^Note:", r"\$\d+"]


def ordered_pair(low: int, high: int) -> st.SearchStrategy[tuple[int, int]]:
    return st.tuples(st.integers(low, high), st.integers(0, high)).map(lambda p: (p[0], p[0] + p[1]))


@st.composite
def section_definitions(draw: st.DrawFn, section_id: str) -> dict[str, Any]:
    """A full section benchmark, every bound in order."""
    min_words, max_words = draw(ordered_pair(0, 200))
    section: dict[str, Any] = {
        "id": section_id,
        "label": draw(words),
        "min_words": min_words,
        "max_words": max(max_words, 1),
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "aliases": st.lists(words, max_size=3),
        "description": words,
        "example": words,
        "required_headings": st.lists(words, max_size=2),
        "required_substrings": st.lists(words, max_size=2),
        "forbidden_substrings": st.lists(words, max_size=3),
        "forbidden_regex": st.lists(st.sampled_from(SAFE_REGEXES), max_size=3, unique=True),
        "max_repeated_line_ratio": st.sampled_from([0, 0.25, 0.5, 1]),
        "max_avg_sentence_length": st.sampled_from([1, 12.5, 30]),
        "format": st.sampled_from(["markdown_block", "markdown_list", "markdown_table"]),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(optional)), unique=True, max_size=5))
    for name in sorted(chosen):
        section[name] = draw(optional[name])
    for kind in ("bullets", "headings"):
        if draw(st.booleans()):
            low, high = draw(ordered_pair(0, 10))
            section[f"min_{kind}"], section[f"max_{kind}"] = low, high
    return section


@st.composite
def library_documents(draw: st.DrawFn) -> dict[str, Any]:
    ids = draw(st.lists(identifiers.map(lambda i: f"lib_{i}"), min_size=1, max_size=3, unique=True))
    return {"library": "shared", "version": 1, "sections": [draw(section_definitions(i)) for i in ids]}


@st.composite
def pack_documents(draw: st.DrawFn, library: dict[str, Any], prefix: str) -> dict[str, Any]:
    """A pack including the library: some sections taken as they are, some overridden, some its own."""
    library_ids = [section["id"] for section in library["sections"]]
    taken = draw(st.lists(st.sampled_from(library_ids), unique=True, max_size=len(library_ids)))
    own = draw(st.lists(identifiers.map(lambda i: f"own_{i}"), unique=True, max_size=3, min_size=0 if taken else 1))
    entries: list[Any] = []
    for section_id in taken:
        if draw(st.booleans()):
            entries.append(section_id)
        else:  # fields whose override cannot put a bound out of order
            override = draw(
                st.fixed_dictionaries({}, optional={"label": words, "aliases": st.lists(words, max_size=2)})
            )
            entries.append({"id": section_id, **override})
    entries.extend(draw(section_definitions(section_id)) for section_id in own)
    entries = draw(st.permutations(entries))
    document: dict[str, Any] = {
        "key": f"{prefix}{draw(identifiers)}",
        "label": draw(words),
        "version": draw(st.integers(1, 5)),
        "strict": draw(st.booleans()),
    }
    if draw(st.booleans()):
        document["description"] = draw(words)
    document["include"] = ["../library/shared.yaml"]
    document["sections"] = list(entries)
    return document


SEVERITY_KEYS = ["AIC102", "AIC111", "AIC142", "forbidden_regex", "format", "section_order", "AIC002"]


@st.composite
def config_documents(draw: st.DrawFn, team_key: str, section_ids: list[str]) -> dict[str, Any]:
    """An ``aicmo.toml`` naming the team folder, with globs, aliases and severities that leave the
    built-in report's ``min_words`` error (AIC101) and the packs of both reports alone."""
    document: dict[str, Any] = {"benchmark_paths": [TEAM_FOLDER, *draw(st.lists(st.just("./team/"), max_size=1))]}
    if draw(st.booleans()):
        document["default_pack"] = draw(st.sampled_from([team_key, BUILTIN_PACK, "not_a_pack"]))
    globs = st.sampled_from(["drafts/*.md", "**/*.mdx", "clients/**/report.md", "*a" * 20 + "b", "[!x]*.md"])
    document["packs"] = draw(st.dictionaries(globs, st.sampled_from([team_key, BUILTIN_PACK]), max_size=3))
    document["aliases"] = draw(st.dictionaries(st.sampled_from(section_ids), st.lists(words, min_size=1, max_size=2)))
    levels = st.sampled_from(["error", "warning", "info", "off"])
    document["severity"] = draw(st.dictionaries(st.sampled_from(SEVERITY_KEYS), levels, max_size=3))
    return document


def team_report(pack: dict[str, Any], library: dict[str, Any]) -> str:
    """A report naming the team pack, one section per entry, each with the backtracking bait."""
    labels = {section["id"]: section["label"] for section in library["sections"]}
    lines = ["---", f"pack: {pack['key']}", "---", "# Client report"]
    for entry in pack["sections"]:
        if isinstance(entry, str):
            label = labels.get(entry, entry)
        else:
            label = entry.get("label") or labels.get(entry.get("id", ""), "Section")
        lines.extend(["", f"## {label}", "", f"Some words about it. {BACKTRACKING_BAIT}", "", "- a bullet"])
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------- the repository
@dataclass(frozen=True)
class HostileFile:
    """One file of the repository: bytes, or a FIFO, a symbolic link (to ``target``) or a folder."""

    path: str
    content: bytes = b""
    kind: FileKind = "file"
    target: str = ""

    def write(self, root: Path) -> None:
        path = root / self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.kind == "fifo":
            os.mkfifo(path)
        elif self.kind == "symlink":
            path.symlink_to(self.target)
        elif self.kind == "folder":
            path.mkdir()
        else:
            path.write_bytes(self.content)

    def __repr__(self) -> str:
        if self.kind != "file":
            return f"<{self.path}: {self.kind} {self.target}>"
        shown = self.content if len(self.content) < 600 else self.content[:600] + b"..."
        return f"<{self.path}: {len(self.content)} bytes {shown!r}>"


@dataclass(frozen=True)
class Repository:
    files: tuple[HostileFile, ...]
    verdict: Verdict
    what: str  # the mutation, for the failure message
    team_pack: str
    blame: str | None = None  # for "broken": the file the message must name (None: not pinned down)
    texts: dict[str, str] = field(default_factory=dict, repr=False)  # the reports, by name
    target: str | None = None  # the scenario's target: "other" leaves the team's pack intact

    def write(self, root: Path) -> None:
        for item in self.files:
            item.write(root)


# ---------------------------------------------------------------------------------------- mutations
# A mutation takes the role of the file it breaks ("pack", "library" or "config") and its document,
# and returns the new file (bytes or a special file) and a description.
Mutated = tuple[bytes | HostileFile, str]
Mutation = Callable[[st.DrawFn, str, dict[str, Any]], Mutated]


def _emit(role: str, document: dict[str, Any]) -> str:
    return emit_toml(document) if role == "config" else emit_yaml(document)


def _full_definition(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any] | None:
    candidates = [s for s in document.get("sections", []) if isinstance(s, dict) and "min_words" in s]
    return draw(st.sampled_from(candidates)) if candidates else None


def wrong_field(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    """A value of the wrong type or out of bounds, an unknown or missing field, bounds out of order."""
    document = json.loads(json.dumps(document))
    if role == "config":
        key, value = draw(
            st.sampled_from(
                [
                    ("benchmark_paths", TEAM_FOLDER),
                    ("benchmark_paths", [1, 2]),
                    ("default_pack", 3),
                    ("severity", {"AIC142": "fatal"}),
                    ("packs", {"*.md": 3}),
                    ("aliases", {"overview": [""]}),
                    ("aliases", {"overview": "Intro"}),
                    ("benchmark_path", [TEAM_FOLDER]),
                ]
            )
        )
        document[key] = value
        return emit_toml(document).encode(), f"aicmo.toml {key} = {value!r}"
    section = _full_definition(draw, document)
    choices: list[tuple[dict[str, Any], str, Any]] = [(document, "version", 0), (document, "colour", "blue")]
    if role == "pack":
        choices += [(document, "key", "Bad Key"), (document, "strict", [1]), (document, "label", None)]
        choices.append((document, "sections", []))
        choices.append((document, "sections", [*document["sections"], document["sections"][0]]))
        choices.append((document, "sections", [*document["sections"], "never_defined"]))
        choices.append((document, "library", "shared"))
    if section is not None:
        for name, value in [
            ("min_words", "many"),
            ("min_words", -1),
            ("min_words", 3.5),
            ("min_words", [1]),
            ("max_words", float("inf")),
            ("label", {"text": "x"}),
            ("label", 12),
            ("aliases", "one alias"),
            ("format", "markdown_tablet"),
            ("max_repeated_line_ratio", 1.5),
            ("max_avg_sentence_length", 0.5),
            ("example", "x" * 2001),
            ("id", "Bad-Id"),
            ("min_word", 3),
            ("min_words", section["max_words"] + 1),
            ("forbidden_regex", ["(unclosed"]),
            ("forbidden_regex", ["[z-a]"]),
            ("forbidden_regex", ["*lead"]),
            ("forbidden_regex", ["a{2,1}"]),
            ("description", Raw("!!timestamp 2001-12-14")),
        ]:
            choices.append((section, name, value))
        choices.append((section, "label", "__drop__"))
    target, name, value = draw(st.sampled_from(choices))
    if value == "__drop__":
        target.pop(name)
    else:
        target[name] = value
    if role == "pack" and name == "library":
        document.pop("key")
    return _emit(role, document).encode(), f"{role} {name} = {str(value)[:80]!r}"


def catastrophic_regex(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    """The patterns issue 14 names as obviously catastrophic: refused when the pack loads."""
    document = json.loads(json.dumps(document))
    section = _full_definition(draw, document)
    pattern = draw(st.sampled_from(["(a+)+$", "(a|a)*", "(.*)*", "^(a+)+$"]))
    if section is None:
        section = {"id": "own_bomb", "label": "Bomb", "min_words": 0, "max_words": 10}
        document["sections"].append(section)
    section["forbidden_regex"] = [*section.get("forbidden_regex", []), pattern]
    return _emit(role, document).encode(), f"forbidden_regex {pattern!r}"


BAD_YAML_LINES = ["[unclosed", 'label: "unterminated', "\tlabel: tab", "key: a: b", "label: dup\nlabel: dup", "- item"]
BAD_TOML_LINES = ['benchmark_paths = ["team"', "= 3", "[packs", "just words", 'default_pack = "a"\ndefault_pack = "b"']


def syntax_error(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    lines = _emit(role, document).splitlines()
    bad = draw(st.sampled_from(BAD_TOML_LINES if role == "config" else BAD_YAML_LINES))
    if role != "config" and bad == "- item":
        lines.insert(1, bad)  # a list item among the top-level keys
    else:
        lines.insert(draw(st.integers(1, len(lines))) if role != "config" else 0, bad)
    return ("\n".join(lines) + "\n").encode(), f"syntax error {bad!r}"


def not_plain_data(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    """A tag that builds Python objects or other non-data: refused with file:line:col."""
    document = json.loads(json.dumps(document))
    tag = draw(
        st.sampled_from(
            [
                '!!python/object/apply:os.system ["true"]',
                "!!python/name:os.system",
                "!!python/object/new:collections.OrderedDict []",
                "!custom value",
                "!!binary aGVsbG8=",
                "!!set {a, b}",
            ]
        )
    )
    document["label" if role == "pack" else "library"] = Raw(tag)
    return emit_yaml(document).encode(), f"tag {tag}"


def alias_bomb(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    """The ten-line "billion laughs": nine levels of nine aliases each."""
    levels = draw(st.integers(6, 9))
    lines = ['bomb0: &b0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"bomb{n}: &b{n} [" + ", ".join([f"*b{n - 1}"] * 9) + "]" for n in range(1, levels)]
    return (emit_yaml(document) + "\n".join(lines) + "\n").encode(), f"alias bomb of {levels} levels"


def deep_nesting(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    depth = draw(st.sampled_from([300, 3000, 30000]))
    nested = Raw("[" * depth + "]" * depth)
    document = {**document, ("nested" if role == "config" else "description"): nested}
    return _emit(role, document).encode(), f"nested {depth} deep"


def bad_bytes(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    text = _emit(role, document).encode()
    where = text.index(b"\n") + 1
    bad = draw(st.sampled_from([b"\xff\xfe\xfa", b"label\x00: x", b"\x00"]))
    return text[:where] + bad + b"\n" + text[where:], f"bytes {bad!r}"


def oversized(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    """Correct, but over the 1 MB cap: a comment of the given size."""
    size = draw(st.sampled_from([ONE_MEGABYTE + 1, 3 * ONE_MEGABYTE]))
    return _emit(role, document).encode() + b"# " + b"x" * size + b"\n", f"{size} bytes"


def not_a_mapping(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    text = draw(st.sampled_from([b"", b"- a\n- b\n", b"just text\n", b"null\n", b"42\n"]))
    return text, f"document {text!r}"


def device_link(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    """A link to a device: /dev/stdin (the server's own JSON-RPC input, the CLI's terminal), /dev/zero
    (endless), /dev/null."""
    target = draw(st.sampled_from(["/dev/stdin", "/dev/zero", "/dev/null"]))
    return HostileFile("", kind="symlink", target=target), f"link to {target}"


def special_file(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    """Not a regular file: a FIFO (reading it waits for a writer for ever), a folder."""
    kind: FileKind = draw(st.sampled_from(["fifo", "folder"]))
    return HostileFile("", kind=kind), kind


def include_elsewhere(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    """An include outside the repository, of something not a file, or of nothing."""
    path = draw(
        st.sampled_from(
            ["/proc/self/environ", "/dev/zero", "../../../../../../../../etc/passwd", "/etc/hostname", "missing.yaml"]
        )
    )
    return emit_yaml({**document, "include": [*document["include"], path]}).encode(), f"include {path}"


def folder_elsewhere(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    """benchmark_paths outside the folder of the aicmo.toml naming it, missing, or not a folder."""
    path = draw(st.sampled_from(["/etc", "../..", "/proc/self", "team/../..", "missing_folder", BUILTIN_REPORT]))
    return emit_toml({**document, "benchmark_paths": [TEAM_FOLDER, path]}).encode(), f"benchmark_paths {path}"


BROKEN_YAML: list[Mutation] = [
    wrong_field,
    catastrophic_regex,
    syntax_error,
    not_plain_data,
    alias_bomb,
    deep_nesting,
    bad_bytes,
    oversized,
    not_a_mapping,
    special_file,
    device_link,
]
BROKEN_CONFIG: list[Mutation] = [wrong_field, syntax_error, deep_nesting, bad_bytes, oversized, folder_elsewhere]
# Mutations whose message may name another path than the file (a folder, a link's target).
UNPINNED = {special_file, device_link, folder_elsewhere, include_elsewhere}


def either_yaml(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    """Unusual but harmless YAML: small aliases, a merge key, explicit core tags, huge numbers, a BOM,
    CRLF line ends, a long label."""
    document = json.loads(json.dumps(document))
    section = _full_definition(draw, document)
    choice = draw(st.sampled_from(["anchor", "tag", "huge", "bom", "crlf", "long", "zero-width"]))
    if choice == "anchor" and section is not None:
        section["aliases"] = Raw('&names ["Alpha", "Beta"]')
        section["required_headings"] = Raw("*names")
    elif choice == "tag" and section is not None:
        section["label"] = Raw('!!str "Tagged"')
        section["min_words"] = Raw("!!int 0")
    elif choice == "huge" and section is not None:
        section["max_words"] = 10**40
    elif choice == "long" and section is not None:
        section["label"] = "Long " * 20_000
    elif choice == "zero-width" and section is not None:
        section["label"] = "Over\u200bview \u202eRTL"
    text = emit_yaml(document)
    if choice == "bom":
        text = "\ufeff" + text
    elif choice == "crlf":
        text = text.replace("\n", "\r\n")
    return text.encode(), f"either: {choice}"


def either_config(draw: st.DrawFn, role: str, document: dict[str, Any]) -> Mutated:
    """Unusual aicmo.toml: a BOM, CRLF, a FIFO or device in its place (which may be skipped as
    "no aicmo.toml here"), repeated folders."""
    choice = draw(st.sampled_from(["bom", "crlf", "repeated", "fifo", "/dev/zero", "/dev/stdin"]))
    if choice == "fifo":
        return HostileFile("", kind="fifo"), "either: aicmo.toml is a FIFO"
    if choice.startswith("/dev/"):
        return HostileFile("", kind="symlink", target=choice), f"either: aicmo.toml -> {choice}"
    if choice == "repeated":
        document = {**document, "benchmark_paths": [TEAM_FOLDER, "./team", "team/../team"]}
    text = emit_toml(document)
    if choice == "bom":
        text = "\ufeff" + text
    elif choice == "crlf":
        text = text.replace("\n", "\r\n")
    return text.encode(), f"either: {choice}"


@dataclass(frozen=True)
class Scenario:
    """What to do to which file: ``target`` is "config", "pack" (the team's), "other" (a second pack)
    or "library"; ``mutation`` is one of the functions above (None for a valid repository)."""

    verdict: Verdict
    target: str | None = None
    mutation: Mutation | None = None

    @property
    def name(self) -> str:
        if self.mutation is None:
            return self.verdict
        return f"{self.verdict}-{self.target}-{self.mutation.__name__}"


SCENARIOS = [
    Scenario("valid"),
    *(Scenario("broken", "config", mutation) for mutation in BROKEN_CONFIG),
    *(Scenario("broken", "pack", mutation) for mutation in [*BROKEN_YAML, include_elsewhere]),
    *(Scenario("broken", "library", mutation) for mutation in BROKEN_YAML),
    Scenario("broken", "other", wrong_field),
    Scenario("broken", "other", device_link),
    Scenario("either", "config", either_config),
    Scenario("either", "pack", either_yaml),
    Scenario("either", "library", either_yaml),
]


@st.composite
def repositories(draw: st.DrawFn, scenario: Scenario) -> Repository:
    """A plausible repository with the scenario's mutation applied to its target file."""
    library = draw(library_documents())
    pack = draw(pack_documents(library, "team_"))
    section_ids = [s["id"] if isinstance(s, dict) else s for s in pack["sections"]]
    config = draw(config_documents(pack["key"], section_ids))
    documents: dict[str, tuple[str, str, dict[str, Any]]] = {
        "config": (CONFIG, "config", config),
        "pack": (team_pack_path(pack["key"]), "pack", pack),
        "library": (LIBRARY, "library", library),
    }
    if scenario.target == "other" or draw(st.booleans()):
        documents["other"] = (OTHER_PACK, "pack", draw(pack_documents(library, "other_")))
    files = {path: _emit(role, document).encode() for path, role, document in documents.values()}
    what, blame = "nothing", None
    special: HostileFile | None = None
    if scenario.mutation is not None and scenario.target is not None:
        path, role, document = documents[scenario.target]
        result, what = scenario.mutation(draw, role, document)
        what = f"{path}: {what}"
        blame = None if scenario.mutation in UNPINNED else path
        if isinstance(result, HostileFile):
            special = HostileFile(path, kind=result.kind, target=result.target)
            del files[path]
        else:
            files[path] = result
    texts = {BUILTIN_REPORT: BUILTIN_TEXT, TEAM_REPORT: team_report(pack, library)}
    written = [HostileFile(path, content) for path, content in files.items()]
    written += [HostileFile(name, text.encode()) for name, text in texts.items()]
    if special is not None:
        written.append(special)
    return Repository(tuple(written), scenario.verdict, what, pack["key"], blame, texts, scenario.target)


# About one in five valid (the loader must take every plausible file), the others of any kind.
any_repository = st.sampled_from(SCENARIOS + [SCENARIOS[0]] * 7).flatmap(repositories)
