"""Imports point one way: cli/ and web/ use the areas, the areas use core, nothing imports cli;
only web/ (and pages/, dashboard.py) import streamlit; no import cycle anywhere.

Every import statement counts, those inside functions too: ast.walk sees them all.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "onestop"
AREAS = {"views", "staffing", "importing", "demo", "reports", "evaluation"}
# What each layer may import (besides itself and third-party libraries).
MAY_IMPORT = {
    "core": set(),
    **{area: {"core"} for area in AREAS},
    "web": {"core", *AREAS},
    "cli": {"core", *AREAS},
    "pages": {"core", "web", *AREAS},  # pages/*.py and dashboard.py
}
STREAMLIT_LAYERS = {"web", "pages"}


def module_name(path: Path) -> str:
    """onestop/staffing/load.py → onestop.staffing.load; a package's __init__ → the package."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    """The layer a module belongs to: onestop.<layer>…, or pages for the Streamlit scripts."""
    parts = module.split(".")
    return parts[1] if parts[0] == "onestop" and len(parts) > 1 else "pages"


def is_module(name: str) -> bool:
    path = ROOT / name.replace(".", "/")
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(source: str, module: str) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import in a source; `from package import module`
    imports that module, `from module import name` the module itself."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against the importing module's package
                base = module.split(".")[: -node.level]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                yield (submodule if is_module(submodule) else target), node.lineno


def scripts() -> list[Path]:
    return sorted([*PACKAGE.rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "dashboard.py"])


def import_graph() -> dict[str, list[tuple[str, int]]]:
    """Every script's module name → the modules it imports, with the line of each import."""
    graph = {}
    for path in scripts():
        name = module_name(path) if path.is_relative_to(PACKAGE) else path.stem
        graph[name] = list(imports_of(path.read_text(encoding="utf-8"), name))
    return graph


GRAPH = import_graph()


def test_the_graph_sees_imports_inside_functions() -> None:
    # A walk that missed them would let the old `staffing → cli` cycle hide again.
    source = "def f():\n    from onestop.cli import arguments\n"
    assert list(imports_of(source, "onestop.staffing.models")) == [("onestop.cli.arguments", 2)]
    assert ("onestop.core.db", 1) in imports_of("from onestop.core import db", "x")


def test_every_module_lives_in_a_layer() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert loose == []
    assert {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()} == set(
        MAY_IMPORT
    ) - {"pages"}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_down(module: str) -> None:
    layer = layer_of(module) if module.startswith("onestop") else "pages"
    wrong = [
        f"line {line}: {target}"
        for target, line in GRAPH[module]
        if target.startswith("onestop.")
        and layer_of(target) != layer
        and layer_of(target) not in MAY_IMPORT[layer]
    ]
    assert wrong == [], f"{module} ({layer}) may import only {sorted(MAY_IMPORT[layer])}"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_only_the_web_layer_imports_streamlit(module: str) -> None:
    layer = layer_of(module) if module.startswith("onestop") else "pages"
    uses = [line for target, line in GRAPH[module] if target.split(".")[0] == "streamlit"]
    assert layer in STREAMLIT_LAYERS or uses == [], f"{module} imports streamlit, lines {uses}"


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.count(".") >= 2))
def test_modules_inside_a_package_skip_its_front_door(module: str) -> None:
    """A package's __init__ lists what others use; its own modules import each other directly,
    so that importing the package never runs into itself half-loaded."""
    package = module.rsplit(".", 1)[0]
    assert all(target != package for target, _ in GRAPH[module])


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One import cycle among the modules, or None (depth-first search, three colours)."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in graph.get(node, []):
            if state.get(target) == "open":
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b", "c"], "b": ["c"], "c": []}) is None


def test_no_import_cycle() -> None:
    graph = {
        module: sorted({target for target, _ in targets if target in GRAPH})
        for module, targets in GRAPH.items()
    }
    assert find_cycle(graph) is None


def test_nothing_imports_cli() -> None:
    users = sorted(
        module
        for module, targets in GRAPH.items()
        if layer_of(module) != "cli" and any(t.startswith("onestop.cli") for t, _ in targets)
    )
    assert users == []


def test_test_modules_do_not_import_each_other() -> None:
    """Shared rows and helpers live in tests/fixtures.py (and browser.py, page_checks.py,
    worlds.py); a test module imported by another would run its tests twice."""
    tests_dir = ROOT / "tests"
    wrong = sorted(
        f"{path.name} imports {target}"
        for path in tests_dir.glob("*.py")
        for target, _ in imports_of(path.read_text(encoding="utf-8"), f"tests.{path.stem}")
        if target.startswith(("tests.test_", "tests.conftest"))
    )
    assert wrong == []


if __name__ == "__main__":  # a quick look at the graph: python tests/test_layers.py
    for module, targets in sorted(GRAPH.items()):
        print(module, "→", sorted({t for t, _ in targets if t.startswith("onestop")}))
    sys.exit(0)
