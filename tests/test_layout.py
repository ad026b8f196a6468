"""The house layout: no two modules of hemicycle import each other (at the top, inside a function
or for type checking alike), so the chain grammar -> model -> interpreter / verifier -> reports ->
CLI stays one way."""

from __future__ import annotations

import ast
from itertools import combinations
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {m for m in found if m in known and m != name}


def test_no_two_modules_import_each_other() -> None:
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    mutual = {(a, b) for a, b in combinations(sorted(graph), 2) if b in graph[a] and a in graph[b]}
    assert mutual == set()
    assert "hemicycle.compare" not in graph["hemicycle.html"]  # the report is drawn from JSON data


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph``: its strongly connected parts of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = [stack.pop()]
            while part[-1] != v:
                part.append(stack.pop())
            if len(part) > 1:
                found.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_imports_run_one_way() -> None:
    # no cycle of any length: a module never reaches back up the chain, not even inside a function
    # (results draw in notebooks through display.NotebookHtml, which hemicycle.notebook fills)
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    assert cycles(graph) == []
    below = [name for name, deps in graph.items() if "hemicycle.notebook" in deps]
    assert below == ["hemicycle"]  # only the package's face imports the notebook module
    # and no module imports the package's face, which imports nearly everything
    assert [name for name, deps in graph.items() if "hemicycle" in deps] == []
