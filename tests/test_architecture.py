"""The package's shape: imports point down the stack, engines stay in the engine layer, no SPARQL
in Python strings, every module says in one line what it does."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "netkg"

# Lowest first. A module may import its own layer and any layer below it, never one above; the
# stages of the pipeline are layers of their own (inputs, then reasoning, validation and the
# derived graphs side by side, then the flow that is given them).
LAYERS: dict[str, int] = {
    "netkg": 0,  # foundation: __init__, iris, errors, atomic, owned, faults, negotiation, options
    "netkg.rdf": 1,
    "netkg.pipeline": 2,  # the package itself (its docstring)
    "netkg.pipeline.inputs": 2,
    "netkg.pipeline.reason": 3,
    "netkg.pipeline.validate": 3,
    "netkg.pipeline.derived": 3,
    "netkg.pipeline.flow": 4,
    "netkg.query": 5,
    "netkg.entry": 6,
    "netkg.report": 7,
    "netkg.web": 8,
    "netkg.publish": 9,
    "netkg.cli": 10,
    "netkg.api": 10,
    "netkg.__main__": 11,
}
# Side by side, these do not import each other: reasoning, validation and the derived graphs are
# given to the flow, not to one another.
SIBLINGS = ("netkg.pipeline.reason", "netkg.pipeline.validate", "netkg.pipeline.derived")
# Only these may import an engine (pyoxigraph, or rdflib's stores and query machinery): the
# parsers, and the reasoners and validators, which run on the store they are given.
ENGINE_MODULES = {
    "netkg.pipeline.inputs.load",
    "netkg.pipeline.inputs.wellformed",
    "netkg.pipeline.reason.compiled",
    "netkg.pipeline.reason.reference",
    "netkg.pipeline.validate.compiled",
    "netkg.pipeline.validate.compiler",
    "netkg.pipeline.validate.reference",
    "netkg.pipeline.validate.shapes",
}
ENGINE_IMPORTS = re.compile(r"^(pyoxigraph|rdflib\.(plugins|store|query|graph\b.*Dataset))")
SPARQL_TEXT = re.compile(
    r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE|INSERT|DELETE)\b[\s\S]*(\bWHERE\b|\{)", re.IGNORECASE
)


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def layer(module: str) -> int:
    """The layer of a module: its longest LAYERS prefix (the foundation if none)."""
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS[best]


def imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every import in the file, at any depth (lazy ones too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module, [a.name for a in node.names]))
    return found


def targets(module: str, names: list[str]) -> list[str]:
    """The netkg modules an import reaches: `from netkg.pipeline.reason import compiled` reaches
    the module netkg.pipeline.reason.compiled, `from netkg.iris import GRAPH` netkg.iris."""
    known = modules()
    reached = [f"{module}.{n}" for n in names if f"{module}.{n}" in known]
    return reached or ([module] if module in known else [])


def import_graph() -> dict[str, set[str]]:
    """Each netkg module and the netkg modules it imports (lazy imports included)."""
    graph: dict[str, set[str]] = {}
    for module, path in modules().items():
        graph[module] = {
            t
            for _, target, names in imports(path)
            if target.startswith("netkg")
            for t in targets(target, names)
            if t != module
        }
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_layers_cover_every_module():
    assert "netkg.rdf.store" in modules()
    assert layer("netkg.rdf.store") == 1 and layer("netkg.iris") == 0
    assert layer("netkg.pipeline.flow.build") > layer("netkg.pipeline.reason.compiled")
    assert layer("netkg.pipeline.reason.compiled") > layer("netkg.pipeline.inputs.load")
    assert layer("netkg.web.serve") == 8 and layer("netkg.cli") == 10


@pytest.mark.parametrize("module", sorted(modules()))
def test_imports_point_down_the_stack(module):
    path = modules()[module]
    upward = []
    for line, target, names in imports(path):
        if not target.startswith("netkg"):
            continue
        for t in targets(target, names):
            if layer(t) > layer(module):
                upward.append(f"{path.name}:{line} imports {t} (layer {layer(t)})")
    assert not upward, f"{module} (layer {layer(module)}) imports up the stack: {upward}"


def _stage(module: str) -> str | None:
    return next((s for s in SIBLINGS if module == s or module.startswith(s + ".")), None)


@pytest.mark.parametrize("module", sorted(modules()))
def test_the_stages_side_by_side_do_not_import_each_other(module):
    stage = _stage(module)
    found = [
        t
        for _, target, names in imports(modules()[module])
        if target.startswith("netkg")
        for t in targets(target, names)
        if stage is not None and _stage(t) not in (None, stage)
    ]
    assert not found, f"{module} imports another stage: {found}"


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_the_cycle_check_would_catch_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("module", sorted(modules()))
def test_engines_stay_in_the_engine_layer(module):
    if module.startswith("netkg.rdf.") or module in ENGINE_MODULES:
        return
    found = []
    for line, target, names in imports(modules()[module]):
        if ENGINE_IMPORTS.match(target) or (target == "rdflib" and "Dataset" in names):
            found.append(f"line {line}: {target} {names}")
    assert not found, f"{module} touches an engine directly: {found}"


@pytest.mark.parametrize("module", sorted(modules()))
def test_no_sparql_in_python_strings(module):
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    queries = [
        f"line {node.lineno}: {node.value[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and SPARQL_TEXT.search(node.value)
    ]
    assert not queries, f"SPARQL belongs in queries/*.rq, found in {module}: {queries}"


def test_the_sparql_check_would_catch_a_query():
    assert SPARQL_TEXT.search("SELECT ?s WHERE { ?s ?p ?o }")
    assert SPARQL_TEXT.search("ASK {}")
    assert not SPARQL_TEXT.search("SELECT")  # a bare keyword (e.g. a list of query forms)


@pytest.mark.parametrize("module", sorted(modules()))
def test_every_module_says_what_it_does(module):
    doc = ast.get_docstring(ast.parse(modules()[module].read_text(encoding="utf-8")))
    assert doc, f"{module} has no docstring"
    first = doc.strip().splitlines()[0]
    assert 10 < len(first) <= 100, f"{module}: first docstring line should be one short line"


def test_the_version_is_written_once():
    root = SRC.parents[1]
    version = re.search(r'__version__ = "([^"]+)"', (SRC / "__init__.py").read_text())
    assert version
    assert 'dynamic = ["version"]' in (root / "pyproject.toml").read_text()
    for name in ("pyproject.toml", "CITATION.cff"):
        assert f'"{version.group(1)}"' not in (root / name).read_text(), name
        assert f"version: {version.group(1)}" not in (root / name).read_text(), name
