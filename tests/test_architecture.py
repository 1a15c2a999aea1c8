"""The package's shape: imports point down the stack, engines stay in the engine layer, no SPARQL
in Python strings, every module says in one line what it does."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "netkg"

# Lowest first. A module may import its own layer and any layer below it, never one above.
LAYERS: dict[str, int] = {
    "netkg": 0,  # foundation: __init__, iris, errors, atomic, negotiation
    "netkg.rdf": 1,
    "netkg.pipeline": 2,
    "netkg.query": 3,
    "netkg.entry": 4,
    "netkg.report": 5,
    "netkg.web": 6,
    "netkg.publish": 7,
    "netkg.cli": 8,
    "netkg.api": 8,
    "netkg.__main__": 9,
}
# Only these may import an engine (pyoxigraph, or rdflib's stores and query machinery).
# load, reason and validate run their engines; wellformed is the part of loading that parses
ENGINE_MODULES = {
    "netkg.pipeline.inputs.load",
    "netkg.pipeline.inputs.wellformed",
    "netkg.pipeline.reason.reference",
    "netkg.pipeline.validate.reference",
    # the fast path's reasoner, validator and build (issue 8)
    "netkg.pipeline.reason.compiled",
    "netkg.pipeline.validate.compiled",
    "netkg.pipeline.flow.fast",
    "netkg.web.endpoint",  # serve's query workers
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


def test_the_layers_cover_every_module():
    assert "netkg.rdf.store" in modules()
    assert layer("netkg.rdf.store") == 1 and layer("netkg.iris") == 0
    assert layer("netkg.web.serve") == 6 and layer("netkg.cli") == 8


@pytest.mark.parametrize("module", sorted(modules()))
def test_imports_point_down_the_stack(module):
    path = modules()[module]
    upward = []
    for line, target, names in imports(path):
        if not target.startswith("netkg"):
            continue
        targets = [target] if target != "netkg" else [f"netkg.{n}" for n in names]
        for t in targets:
            if t in modules() and layer(t) > layer(module):
                upward.append(f"{path.name}:{line} imports {t} (layer {layer(t)})")
    assert not upward, f"{module} (layer {layer(module)}) imports up the stack: {upward}"


@pytest.mark.parametrize("module", sorted(modules()))
def test_engines_stay_in_the_engine_layer(module):
    if module.startswith("netkg.rdf") or module in ENGINE_MODULES:
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
