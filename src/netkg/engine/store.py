"""The store seam: where the built graph lives and how queries run over it.

Callers see `Store` only: add named graphs, run a query with bound parameters, count, dump.
Two engines sit behind it — rdflib's in-memory Dataset (the default; pyshacl and owlrl work on
rdflib graphs anyway) and Oxigraph (pyoxigraph, much faster on large graphs). In both the
default graph of a query is the union of all named graphs, so queries need no GRAPH clauses.
A remote endpoint (netkg.engine.http) offers the same `query` method.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from netkg.engine.binding import bind_values
from netkg.engine.results import ResultTable
from netkg.engine.terms import from_ox
from netkg.errors import QueryError
from netkg.iris import PREFIXES

ENGINES = ("rdflib", "oxigraph")


@dataclass
class QueryAnswer:
    """What a query returns: a table (SELECT), a boolean (ASK) or a graph (CONSTRUCT/DESCRIBE)."""

    table: ResultTable | None = None
    boolean: bool | None = None
    graph: Graph | None = None


class Store(ABC):
    """A dataset of named graphs that answers SPARQL with its union as the default graph."""

    @abstractmethod
    def add_graph(self, name: URIRef, graph: Graph) -> None:
        """Add (merge) the triples of `graph` into the named graph `name`."""

    @abstractmethod
    def graph_names(self) -> list[URIRef]: ...

    @abstractmethod
    def graph(self, name: URIRef) -> Graph:
        """A copy of one named graph as an rdflib Graph (for serialising or validating)."""

    @abstractmethod
    def count(self, name: URIRef | None = None) -> int:
        """Triples in one named graph, or quads in the whole store."""

    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryAnswer:
        """Run SPARQL with each binding bound as an RDF term (see netkg.engine.binding)."""

    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> ResultTable:
        answer = self.query(sparql, bindings)
        if answer.table is None:
            raise ValueError("not a SELECT query")
        return answer.table

    def dump(self, path: Path) -> None:
        """Write all named graphs as TriG (N-Quads when the suffix is .nq)."""
        ds = Dataset()
        for prefix, ns in PREFIXES.items():
            ds.bind(prefix, ns, override=True, replace=True)
        for name in self.graph_names():
            target = ds.graph(name)
            for triple in self.graph(name):
                target.add(triple)
        ds.serialize(destination=str(path), format="nquads" if path.suffix == ".nq" else "trig")


class RdflibStore(Store):
    """rdflib's in-memory Dataset; the default engine."""

    def __init__(self, dataset: Dataset | None = None) -> None:
        self.dataset = dataset if dataset is not None else Dataset(default_union=True)
        self.dataset.default_union = True

    def add_graph(self, name: URIRef, graph: Graph) -> None:
        target = self.dataset.graph(name)
        for triple in graph:
            target.add(triple)

    def graph_names(self) -> list[URIRef]:
        return sorted(
            g.identifier
            for g in self.dataset.graphs()
            if isinstance(g.identifier, URIRef)
            and len(g)
            and g.identifier != DATASET_DEFAULT_GRAPH_ID
        )

    def graph(self, name: URIRef) -> Graph:
        copy = Graph()
        for triple in self.dataset.graph(name):
            copy.add(triple)
        return copy

    def count(self, name: URIRef | None = None) -> int:
        if name is not None:
            return len(self.dataset.graph(name))
        return sum(len(self.dataset.graph(n)) for n in self.graph_names())

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryAnswer:
        try:
            result = self.dataset.query(sparql, initNs=PREFIXES, initBindings=dict(bindings or {}))
            if result.type == "SELECT":
                columns = [str(v) for v in result.vars]
                rows = [tuple(row[v] for v in result.vars) for row in result]
                return QueryAnswer(table=ResultTable(columns, rows))
        except Exception as exc:  # rdflib raises parse and evaluation errors of many types
            raise QueryError(f"query failed (rdflib): {_first_line(exc)}") from None
        if result.type == "ASK":
            return QueryAnswer(boolean=bool(result.askAnswer))
        graph = Graph()
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        for triple in result:
            graph.add(triple)
        return QueryAnswer(graph=graph)


class OxigraphStore(Store):
    """An Oxigraph store (pyoxigraph), in memory unless one is given; fast for large graphs."""

    def __init__(self, store: ox.Store | None = None) -> None:
        self.store = store if store is not None else ox.Store()

    def add_graph(self, name: URIRef, graph: Graph) -> None:
        data = graph.serialize(format="nt", encoding="utf-8")
        self.store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))

    def graph_names(self) -> list[URIRef]:
        return sorted(
            URIRef(g.value) for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)
        )

    def graph(self, name: URIRef) -> Graph:
        copy = Graph()
        for quad in self.store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            copy.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
        return copy

    def count(self, name: URIRef | None = None) -> int:
        graph = ox.NamedNode(str(name)) if name is not None else None
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, graph))

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryAnswer:
        try:
            result = self.store.query(
                bind_values(sparql, bindings or {}),
                prefixes=PREFIXES,
                use_default_graph_as_union=True,
            )
        except (SyntaxError, OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"query failed (Oxigraph): {_first_line(exc)}") from None
        if isinstance(result, ox.QuerySolutions):
            columns = [v.value for v in result.variables]
            rows = [tuple(None if s[c] is None else from_ox(s[c]) for c in columns) for s in result]
            return QueryAnswer(table=ResultTable(columns, rows))
        if isinstance(result, ox.QueryBoolean):
            return QueryAnswer(boolean=bool(result))
        graph = Graph()
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        for t in result:
            graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        return QueryAnswer(graph=graph)


def open_built_store(path: Path) -> ox.Store:
    """The persistent store a build wrote (dist/store), opened read-only: no parsing, so it
    opens in milliseconds whatever its size. Several processes may open it at once."""
    if not (Path(path) / "CURRENT").is_file():
        raise FileNotFoundError(f"{path}: not an Oxigraph store (run `netkg build`)")
    return ox.Store.read_only(str(path))


def new_store(engine: str = "rdflib") -> Store:
    """A fresh, empty store of the named engine."""
    if engine == "rdflib":
        return RdflibStore()
    if engine == "oxigraph":
        return OxigraphStore()
    raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
