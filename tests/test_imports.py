"""The package's import graph has no cycles, and every function-local import says why it is
local.

The graph is read from the source with ``ast`` (nothing is imported), so a cycle that only
closes when some rarely called function runs is caught too: every import of one of the
package's own modules counts, at the top of a file or inside a function. A function-local
import (of the package's own modules or of any outside library, the standard library included)
is allowed only where moving it to the top would cost something, and it says which:
``# optional dependency`` (an extra that may not be installed) or ``# start-up time`` (a heavy
module the command line should not load before it knows it needs it).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import nextwork_sim

PACKAGE_DIR = Path(nextwork_sim.__file__).parent
REASONS = ("# optional dependency", "# start-up time")


@dataclass(frozen=True)
class Import:
    """One import statement: the module it sits in, where, and what it loads."""

    importer: str
    path: str                     # the file, relative to the package's parent folder
    line: int
    targets: tuple[str, ...]      # the package's own modules it loads (may be empty)
    local: bool                   # inside a function body
    reason: str | None            # the "# ..." reason on the statement's lines, if any


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def _nearest_module(name: str, modules: dict[str, Path]) -> str:
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _targets(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool,
             modules: dict[str, Path]) -> tuple[str, ...]:
    """The package modules an import statement executes: ``from a import b`` loads the module
    ``a.b`` when there is one, otherwise the module ``a`` (whose attribute ``b`` is)."""
    root = PACKAGE_DIR.name
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
        return tuple(_nearest_module(name, modules) for name in names
                     if name == root or name.startswith(root + "."))
    if node.level:
        base = importer.split(".") if is_package else importer.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    if source != root and not source.startswith(root + "."):
        return ()
    found = []
    for alias in node.names:
        submodule = f"{source}.{alias.name}"
        found.append(submodule if submodule in modules else _nearest_module(source, modules))
    return tuple(dict.fromkeys(found))


def _reason(node: ast.stmt, lines: list[str]) -> str | None:
    text = "\n".join(lines[node.lineno - 1:node.end_lineno])
    return next((reason for reason in REASONS if reason in text), None)


def imports_in(source: str, name: str, path: str, is_package: bool,
               modules: dict[str, Path]) -> list[Import]:
    """Every import statement of one module's source, top-level or function-local (inside a
    function at any depth: a nested function, a class or a branch in a function body)."""
    lines = source.splitlines()
    found: list[Import] = []
    nodes = [(child, False) for child in ast.iter_child_nodes(ast.parse(source))]
    while nodes:
        node, local = nodes.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(Import(name, path, node.lineno,
                                _targets(node, name, is_package, modules), local,
                                _reason(node, lines)))
            continue
        inside = local or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        nodes += [(child, inside) for child in ast.iter_child_nodes(node)]
    return found


def all_imports() -> list[Import]:
    """Every import statement in the package, top-level or function-local."""
    modules = package_modules()
    found: list[Import] = []
    for name, path in modules.items():
        found += imports_in(path.read_text(), name,
                            path.relative_to(PACKAGE_DIR.parent).as_posix(),
                            path.name == "__init__.py", modules)
    return sorted(found, key=lambda statement: (statement.importer, statement.line))


def import_graph(imports: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in package_modules()}
    for statement in imports:
        graph[statement.importer].update(t for t in statement.targets if t != statement.importer)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path ``[a, b, ..., a]``, or None (depth-first search)."""
    state: dict[str, int] = {}           # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_the_package_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph(all_imports()))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_a_function_local_import_of_the_package_says_why() -> None:
    unexplained = [f"{statement.importer}:{statement.line}" for statement in all_imports()
                   if statement.local and statement.targets and statement.reason is None]
    assert not unexplained, (
        f"function-local imports of the package's own modules without "
        f"{' or '.join(map(repr, REASONS))} (move them to the top): {unexplained}")


def test_every_function_local_import_says_why() -> None:
    """Outside libraries too: a cheap one (the standard library, numpy, anything the module
    loads anyway) belongs at the top; a heavy or optional one stays local and says so."""
    unexplained = [f"{statement.path}:{statement.line}" for statement in all_imports()
                   if statement.local and statement.reason is None]
    assert not unexplained, (
        f"function-local imports without {' or '.join(map(repr, REASONS))} (move them to the top, "
        f"or say why they cannot be there): {unexplained}")


def test_the_reader_tells_local_imports_and_their_reasons_apart() -> None:
    """The checker itself: imports inside a function at any depth are local, a top-level one or
    one in a class body at the top is not, and a reason is read on any line of the statement."""
    source = """\
import json
def outer():
    import os  # start-up time
    def inner():
        import math
    class Inside:
        import array
    if True:
        from decimal import (  # optional dependency
            Decimal,
        )
class Outside:
    import csv
"""
    imports = {statement.line: (statement.local, statement.reason)
               for statement in imports_in(source, "example", "example.py", False, {})}
    assert imports == {1: (False, None), 3: (True, "# start-up time"), 5: (True, None),
                       7: (True, None), 9: (True, "# optional dependency"), 13: (False, None)}


def test_the_reader_sees_a_cycle_it_is_given() -> None:
    """The checker itself: a graph with a cycle is reported as one, a layered one is not."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
    imports: dict[tuple[str, bool], set[str]] = {}
    for statement in all_imports():
        imports.setdefault((statement.importer, statement.local), set()).update(statement.targets)
    assert "nextwork_sim.config" in imports[("nextwork_sim.experiments.runner", False)]
    assert "nextwork_sim.api" in imports[("nextwork_sim", True)]
