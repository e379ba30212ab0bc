"""The shape docs/ARCHITECTURE.md promises: modules one reader can hold, no import cycles, a core that
never imports the server, rules that own their parts, and an extension whose defaults are the server's."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from aicmo_lsp.settings import Settings, setting_defaults

from aicmo_core.benchmarks.models import SECTION_FIELDS
from aicmo_core.rules import RULES, Rule, Scope, find_rule

REPO = Path(__file__).resolve().parent.parent
PACKAGES = {"aicmo_core": REPO / "aicmo_core", "aicmo_lsp": REPO / "server" / "aicmo_lsp"}
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def modules() -> dict[str, Path]:
    """Every module of the two packages by dotted name (a package by its ``__init__``)."""
    found = {}
    for package, root in PACKAGES.items():
        for path in root.rglob("*.py"):
            parts = [package, *path.relative_to(root).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = modules()


def imported(module: str, path: Path) -> Iterator[str]:
    """The project modules ``module`` imports (anywhere in it, lazy imports included)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
            # ``from pkg import sub`` imports the module ``pkg.sub`` when there is one, else ``pkg``.
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        yield from (name for name in names if name in MODULES)


def test_no_module_is_longer_than_one_reader_holds() -> None:
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES}
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_no_function_is_longer_than_a_screen_or_two() -> None:
    long = {}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{name}.{node.name}"] = length
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk meets, as the modules on it."""
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph.get(name, ())):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return cycles


def test_no_import_cycles() -> None:
    graph = {name: set(imported(name, path)) - {name} for name, path in MODULES.items()}
    assert "aicmo_lsp.app" in graph["aicmo_lsp.generation"]  # the graph is real: generation uses app
    cycles = find_cycles(graph)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(cycle) for cycle in cycles)


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"app": {"log"}, "generation": {"app"}, "log": {"generation"}, "other": {"app"}}
    assert find_cycles(graph) == [["app", "log", "generation", "app"]]


def test_the_core_never_imports_the_server() -> None:
    offenders = {
        name: sorted(target for target in imported(name, path) if target.startswith("aicmo_lsp"))
        for name, path in MODULES.items()
        if name.startswith("aicmo_core")
    }
    assert not {name: targets for name, targets in offenders.items() if targets}


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_module_uses_a_private_name_of_another() -> None:
    """``from x import _y`` is a private name crossing modules; a private module (``rules._helpers``)
    serves only the package it is in."""
    private = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES):
                continue
            private += [f"{name}: {node.module}.{alias.name}" for alias in node.names if is_private(alias.name)]
            owner, _, last = node.module.rpartition(".")
            if is_private(last) and not name.startswith(owner + "."):
                private.append(f"{name}: {node.module}")
    assert not private


BOUND_RULES = [r for r in RULES.values() if r.scope is Scope.SECTION and r.name in SECTION_FIELDS]


@pytest.mark.parametrize("rule", BOUND_RULES, ids=lambda r: r.name)
def test_a_rule_that_checks_a_benchmark_field_states_it_to_a_model(rule: Rule) -> None:
    """The prompt names every bound: the rule states it, or the rule of its range's lower end does
    (``max_words`` is stated with ``min_words``)."""
    owner = rule if rule.states is not None else find_rule(rule.name.replace("max_", "min_", 1))
    assert owner is not None and owner.states is not None, f"{rule.name} is stated to no model"
    assert len(BOUND_RULES) >= 12


def extension_defaults() -> dict[str, object]:
    manifest = json.loads((REPO / "extension" / "package.json").read_text(encoding="utf-8"))
    configuration = manifest["contributes"]["configuration"]
    sections = configuration if isinstance(configuration, list) else [configuration]
    return {
        key.removeprefix("aicmo."): spec.get("default")
        for section in sections
        for key, spec in section["properties"].items()
    }


def test_the_extension_declares_every_server_setting_with_the_servers_default() -> None:
    declared = extension_defaults()
    server = setting_defaults(Settings)
    server.update({f"generator.{name}": default for name, default in server.pop("generator").items()})
    mismatched = {
        key: (declared.get(key, "<missing>"), default)
        for key, default in server.items()
        if declared.get(key, "<missing>") != (list(default) if isinstance(default, tuple) else default)
    }
    assert not mismatched, f"package.json (declared, server): {mismatched}"
