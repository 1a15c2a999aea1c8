"""The store seam: where the built graph lives and how queries run over it.

Callers see `Store` only: add named graphs, run a query with bound parameters, count, dump.
Two stores sit behind it — Oxigraph (pyoxigraph: the fast engine's, in memory or on disk) and
rdflib's in-memory Dataset (the reference engine's; owlrl and pyshacl work on rdflib graphs).
In both the default graph of a query is the union of all named graphs, so queries need no
GRAPH clauses, unless the query names its dataset with FROM / FROM NAMED (a graph the store
lacks is empty). Neither store fetches: SERVICE is refused, and rdflib's habit of loading a
FROM graph from the web is switched off. A remote endpoint (netkg.rdf.http) offers the same
`query` method.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from netkg.errors import InputError, QueryError
from netkg.iris import PREFIXES
from netkg.rdf.binding import bind_values
from netkg.rdf.clauses import names_dataset, refuse_unsafe
from netkg.rdf.concatenation import ordered_concatenations
from netkg.rdf.results import ResultTable
from netkg.rdf.terms import STORED_AS, OxTerm, altered, from_ox, ntriples, to_ox

# file suffix -> what it holds; trig and nq keep the named graphs, the others hold their union
DUMP_FORMATS = ("trig", "nq", "ttl", "nt", "jsonld")
_RDFLIB_FORMATS = {
    "trig": "trig",
    "nq": "nquads",
    "ttl": "turtle",
    "nt": "nt",
    "jsonld": "json-ld",
}
_OX_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,  # for single graphs (pages, ontology.owl); not a dump format
}
Quad = tuple[Node, Node, Node, URIRef]
Triple = tuple[Node, Node, Node]
Pattern = tuple[Node | None, Node | None, Node | None]  # None matches anything
Block = tuple["ox.NamedNode | ox.DefaultGraph", list[bytes]]  # a graph's sorted N-Triples lines


def dump_format(path: Path) -> str:
    """The dump format a file suffix names; ValueError for any other suffix."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in DUMP_FORMATS:
        raise ValueError(f"{path}: a dump is one of .{', .'.join(DUMP_FORMATS)}")
    return fmt


def serialize_canonical(quads: Iterable[ox.Quad], fmt: str) -> bytes:
    """Quads in one of DUMP_FORMATS, byte-identical for the same RDF (see serialize_store)."""
    store = ox.Store()
    store.extend(quads)
    return serialize_store(store, fmt)


def serialize_store(store: ox.Store, fmt: str, graph: ox.NamedNode | None = None) -> bytes:
    """A store (or one graph of it) in one of DUMP_FORMATS, byte-identical for the same RDF:
    blank nodes get canonical labels (RDFC-1.0, by Oxigraph) and statements are written sorted
    by graph, then by their N-Triples text. trig and nq keep the named graphs; the other formats
    hold their union. Oxigraph writes the text and the Python side only sorts lines, so a
    million-triple store is written in seconds."""
    return serialize_blocks(canonical_blocks(store, graph), fmt)


def canonical_blocks(store: ox.Store, graph: ox.NamedNode | None = None) -> list[Block]:
    """Each graph's N-Triples lines, blank nodes canonically labelled, sorted; graphs by name.

    Canonical labels depend only on the statements that mention a blank node, so only those
    are handed to the canonicalisation; the rest of the text is taken as Oxigraph wrote it.
    """
    if graph is not None:
        names: list[ox.NamedNode | ox.DefaultGraph] = [graph]
    else:
        names = sorted(store.named_graphs(), key=str)  # type: ignore[arg-type]
        if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
            names.insert(0, ox.DefaultGraph())
    lines: dict[ox.NamedNode | ox.DefaultGraph, list[bytes]] = {}
    blank: dict[ox.NamedNode | ox.DefaultGraph, list[bytes]] = {}
    for g in names:
        text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b""
        blank[g] = _BLANK_LINE.findall(text) if b"_:" in text else []
        lines[g] = (_BLANK_LINE.sub(b"", text) if blank[g] else text).splitlines(True)
    if any(blank.values()):
        dataset = ox.Dataset(
            ox.Quad(t.subject, t.predicate, t.object, g)
            for g, found in blank.items()
            for t in ox.parse(b"".join(found), format=ox.RdfFormat.N_TRIPLES)
        )
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        relabelled: dict[ox.NamedNode | ox.DefaultGraph, list[ox.Triple]] = defaultdict(list)
        for q in dataset:
            relabelled[q.graph_name].append(ox.Triple(q.subject, q.predicate, q.object))
        for g, triples in relabelled.items():
            text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            lines[g] += text.splitlines(keepends=True)
    return [(g, sorted(found)) for g, found in lines.items()]


# a line of N-Triples that mentions a blank node (or has "_:" in a literal: it is then merely
# read and written again unchanged)
_BLANK_LINE = re.compile(rb"^[^\n]*_:[^\n]*\n", re.MULTILINE)


def serialize_blocks(blocks: list[Block], fmt: str, output: Path | None = None) -> bytes:
    """Sorted graph blocks (canonical_blocks) in one of DUMP_FORMATS (or rdf, for one graph);
    with `output`, written there a graph at a time (a large store is never whole in memory)
    and b"" returned."""
    if fmt in ("trig", "nq"):
        chunks = (
            b"".join(found) if isinstance(g, ox.DefaultGraph) else _in_graph(found, g)
            for g, found in blocks
        )
        if fmt == "nq":
            if output is None:
                return b"".join(chunks)
            with output.open("wb") as out:
                out.writelines(chunks)
            return b""
        statements: Iterable[ox.Quad] = chain.from_iterable(
            ox.parse(chunk, format=ox.RdfFormat.N_QUADS) for chunk in chunks
        )
    else:
        union = blocks[0][1] if len(blocks) == 1 else sorted(set().union(*(f for _, f in blocks)))
        if fmt == "nt" and output is None:
            return b"".join(union)
        statements = ox.parse(b"".join(union), format=ox.RdfFormat.N_TRIPLES)
    if output is not None:
        ox.serialize(statements, str(output), _OX_FORMATS[fmt], prefixes=PREFIXES)
        return b""
    return ox.serialize(statements, format=_OX_FORMATS[fmt], prefixes=PREFIXES) or b""


def _in_graph(lines: list[bytes], graph: ox.NamedNode) -> bytes:
    """N-Triples lines as N-Quads lines of `graph`."""
    tail = b" " + str(graph).encode() + b" .\n"
    return b"".join(line[:-3] + tail for line in lines)


def serialize_graph(graph: Graph, fmt: str) -> bytes:
    """An rdflib graph as ttl, nt, jsonld or rdf (RDF/XML), byte-identical for the same RDF (see
    serialize_canonical); JSON-LD is compacted with netkg's prefixes."""
    if fmt == "jsonld":
        return _stable_jsonld(graph)
    default = ox.DefaultGraph()
    return serialize_canonical(
        (ox.Quad(to_ox(s), to_ox(p), to_ox(o), default) for s, p, o in graph),  # type: ignore[arg-type]
        fmt,
    )


def _stable_jsonld(graph: Graph) -> bytes:
    """rdflib's compacted JSON-LD, with nodes and values in a fixed order."""
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    context = {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)}
    text = canonical_graph(graph).serialize(format="json-ld", context=context, auto_compact=True)
    return (json.dumps(_ordered(json.loads(text)), ensure_ascii=False, indent=2) + "\n").encode()


def _ordered(node: object, key: str = "") -> object:
    """JSON with object keys sorted and unordered arrays sorted (an @list keeps its order)."""
    if isinstance(node, dict):
        return {k: _ordered(node[k], k) for k in sorted(node)}
    if isinstance(node, list):
        items = [_ordered(item) for item in node]
        return items if key == "@list" else sorted(items, key=lambda i: json.dumps(i))
    return node


def canonical_graph(graph: Graph) -> Graph:
    """A copy of an rdflib graph with canonical blank node labels and triples added in sorted
    order, so that serialising it gives the same bytes in every run."""
    default = ox.DefaultGraph()
    dataset = ox.Dataset(
        ox.Quad(to_ox(s), to_ox(p), to_ox(o), default)  # type: ignore[arg-type]
        for s, p, o in graph
    )
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    copy = Graph()
    for prefix, ns in graph.namespaces():
        copy.bind(prefix, ns, override=True, replace=True)
    for q in sorted(dataset, key=_quad_key):
        copy.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    return copy


def _quad_key(q: ox.Quad) -> tuple[str, str, str, str]:
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


def bind_prefixes(graph: Graph) -> None:
    """netkg's prefixes on an rdflib graph or dataset, replacing rdflib's defaults."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def _local_sparql() -> None:
    """rdflib's SPARQL engine, told never to dereference the IRI of a FROM graph the dataset
    lacks over HTTP, with MINUS by hashing (netkg.rdf.minus: the same answers, not minutes);
    imported here, when a query first runs: it costs a tenth of a second."""
    import rdflib.plugins.sparql

    from netkg.rdf import minus

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    minus.install()


@dataclass
class QueryAnswer:
    """What a query returns: a table (SELECT), a boolean (ASK) or a graph (CONSTRUCT/DESCRIBE)."""

    table: ResultTable | None = None
    boolean: bool | None = None
    graph: Graph | None = None


class Backend(Protocol):
    """Anything that answers SPARQL with pre-bound variables: a Store, or a RemoteEndpoint."""

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryAnswer: ...


class Store(ABC):
    """A dataset of named graphs that answers SPARQL with its union as the default graph."""

    # whether one thread may read while another adds (Oxigraph's snapshots allow it; rdflib's
    # in-memory store does not)
    threadsafe = False

    @abstractmethod
    def add_graph(self, name: URIRef, graph: Iterable[tuple[Node, Node, Node]]) -> None:
        """Add (merge) the triples of `graph` (a Graph, or any triples) into the graph `name`."""

    @abstractmethod
    def load_nquads(self, data: bytes) -> None:
        """Add the quads of an N-Quads document (e.g. another store's serialize("nq"))."""

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
        """Run SPARQL with each binding bound as an RDF term (see netkg.rdf.binding)."""

    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> ResultTable:
        answer = self.query(sparql, bindings)
        if answer.table is None:
            raise ValueError("not a SELECT query")
        return answer.table

    @abstractmethod
    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        obj: Node | None = None,
        graph: URIRef | None = None,
    ) -> Iterator[Quad]:
        """The quads matching a pattern (None matches anything), in the named graphs only."""

    def matching(self, patterns: Iterable[Pattern]) -> Iterator[Triple]:
        """The triples of the named graphs matching any of the (s, p, o) patterns, pattern by
        pattern (a triple in two graphs comes twice)."""
        for s, p, o in patterns:
            for subject, predicate, obj, _ in self.quads(s, p, o):
                yield subject, predicate, obj

    def to_oxigraph(self) -> OxigraphStore:
        """The same named graphs in an Oxigraph store (this store, if it is one)."""
        copy = OxigraphStore()
        copy.store.extend(self._ox_quads(None))
        return copy

    def serialize(self, fmt: str, graph: URIRef | None = None) -> bytes:
        """The store (or one named graph) in one of DUMP_FORMATS, the same bytes for the same
        content: blank nodes canonicalised, statements sorted. trig and nq keep the named
        graphs; the other formats hold their union."""
        return serialize_canonical(self._ox_quads(graph), fmt)

    def _ox_quads(self, graph: URIRef | None) -> Iterator[ox.Quad]:
        for s, p, o, g in self.quads(graph=graph):
            yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g))  # type: ignore[arg-type]

    def dump(self, path: Path) -> None:
        """Write the store to `path` in the format its suffix names (see DUMP_FORMATS)."""
        path.write_bytes(self.serialize(dump_format(path)))


class RdflibStore(Store):
    """rdflib's in-memory Dataset; the default engine."""

    def __init__(self, dataset: Dataset | None = None) -> None:
        self.dataset = dataset if dataset is not None else Dataset(default_union=True)
        self.dataset.default_union = True

    def add_graph(self, name: URIRef, graph: Iterable[tuple[Node, Node, Node]]) -> None:
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

    def load_nquads(self, data: bytes) -> None:
        self.dataset.parse(data=data, format="nquads")

    def live_graph(self, name: URIRef) -> Graph:
        """The named graph itself, not a copy (for owlrl and pyshacl, which read rdflib)."""
        return self.dataset.graph(name)

    def count(self, name: URIRef | None = None) -> int:
        if name is not None:
            return len(self.dataset.graph(name))
        return sum(len(self.dataset.graph(n)) for n in self.graph_names())

    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        obj: Node | None = None,
        graph: URIRef | None = None,
    ) -> Iterator[Quad]:
        names = [graph] if graph is not None else self.graph_names()
        for name in names:
            for s, p, o in self.dataset.graph(name).triples((subject, predicate, obj)):
                yield s, p, o, name

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryAnswer:
        refuse_unsafe(sparql)
        _local_sparql()
        try:
            result = self.dataset.query(
                sparql,
                initNs=PREFIXES,
                initBindings=dict(bindings or {}),  # type: ignore[arg-type]
            )
            if result.type == "SELECT":
                variables = list(result.vars or [])
                columns = [str(v) for v in variables]
                rows = [tuple(row[v] for v in variables) for row in result]  # type: ignore[index,call-overload]
                return QueryAnswer(table=ordered_concatenations(sparql, ResultTable(columns, rows)))
        except Exception as exc:  # rdflib raises parse and evaluation errors of many types
            raise QueryError(f"query failed (rdflib): {_first_line(exc)}") from None
        if result.type == "ASK":
            return QueryAnswer(boolean=bool(result.askAnswer))
        graph = Graph()
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        for triple in result:
            graph.add(triple)  # type: ignore[arg-type]
        return QueryAnswer(graph=graph)


class OxigraphStore(Store):
    """An Oxigraph store (pyoxigraph), in memory or on disk; fast for large graphs.

    On disk (`location`) it can be opened read-only by other processes (see netkg.web.endpoint).
    `altered` lists the literals netkg's loads (pipeline.inputs.load, add_graph) put in whose
    datatype the store changed (terms.STORED_AS): a fast part that reads datatypes refuses it.
    """

    def __init__(
        self, location: Path | None = None, read_only: bool = False, store: ox.Store | None = None
    ) -> None:
        self.altered: list[str] = []
        if store is not None:  # one already open (e.g. the fast build's)
            self.store = store
        elif location is None:
            self.store = ox.Store()
        elif read_only:
            self.store = ox.Store.read_only(str(location))
        else:
            self.store = ox.Store(str(location))

    def load_file(self, path: Path) -> None:
        """Bulk-load a TriG or N-Quads file's named graphs; InputError naming the file."""
        fmt = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}.get(path.suffix.lower())
        if fmt is None:
            raise InputError(path, "a built graph is a .trig or .nq file")
        if not path.is_file():
            raise InputError(path, "no such file")
        try:
            self.store.bulk_load(path=str(path), format=fmt)
        except SyntaxError as exc:
            raise InputError(path, f"syntax error: {exc}") from None

    def load_nquads(self, data: bytes) -> None:
        self.store.bulk_load(data, format=ox.RdfFormat.N_QUADS)

    def flush(self) -> None:
        """Make what was loaded durable on disk, for readers in other processes."""
        self.store.flush()

    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        obj: Node | None = None,
        graph: URIRef | None = None,
    ) -> Iterator[Quad]:
        pattern = [None if t is None else to_ox(t) for t in (subject, predicate, obj, graph)]
        if graph is None:
            found = self.store.quads_for_pattern(*pattern[:3], None)  # type: ignore[arg-type,call-arg]
        else:
            found = self.store.quads_for_pattern(*pattern)  # type: ignore[arg-type]
        for q in found:
            if isinstance(q.graph_name, ox.NamedNode):
                yield (
                    from_ox(q.subject),  # type: ignore[arg-type]
                    from_ox(q.predicate),
                    from_ox(q.object),  # type: ignore[arg-type]
                    URIRef(q.graph_name.value),
                )

    def matching(self, patterns: Iterable[Pattern]) -> Iterator[Triple]:
        made: dict[OxTerm, Node] = {}  # things and dates recur: convert each term once

        def term(t: OxTerm) -> Node:
            found = made.get(t)
            if found is None:
                found = made[t] = from_ox(t)
            return found

        for pattern in patterns:
            s, p, o = (None if t is None else to_ox(t) for t in pattern)
            for q in self.store.quads_for_pattern(s, p, o, None):  # type: ignore[arg-type]
                if isinstance(q.graph_name, ox.NamedNode):
                    yield term(q.subject), term(q.predicate), term(q.object)  # type: ignore[arg-type]

    def to_oxigraph(self) -> OxigraphStore:
        return self

    def _ox_quads(self, graph: URIRef | None) -> Iterator[ox.Quad]:
        name = ox.NamedNode(str(graph)) if graph is not None else None
        for q in self.store.quads_for_pattern(None, None, None, name):
            if isinstance(q.graph_name, ox.NamedNode):
                yield q

    def add_graph(self, name: URIRef, graph: Iterable[tuple[Node, Node, Node]]) -> None:
        triples = list(graph)
        self.altered += [
            altered(o, f"<{name}>: ")
            for _, _, o in triples
            if isinstance(o, Literal) and o.datatype in STORED_AS
        ]
        data = ntriples(triples)
        self.store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))

    def graph_names(self) -> list[URIRef]:
        return sorted(
            URIRef(g.value) for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)
        )

    def graph(self, name: URIRef) -> Graph:
        copy = Graph()
        for quad in self.store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            copy.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))  # type: ignore[arg-type]
        return copy

    def count(self, name: URIRef | None = None) -> int:
        graph = ox.NamedNode(str(name)) if name is not None else None
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, graph))

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryAnswer:
        refuse_unsafe(sparql)
        try:
            result = self.store.query(
                bind_values(sparql, bindings or {}),
                prefixes=PREFIXES,
                use_default_graph_as_union=not names_dataset(sparql),
            )
        except (SyntaxError, OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"query failed (Oxigraph): {_first_line(exc)}") from None
        if isinstance(result, ox.QuerySolutions):
            columns = [v.value for v in result.variables]
            width = range(len(columns))
            memo: dict[OxTerm, Node] = {}  # a term that recurs is converted once

            def term(found: OxTerm | None) -> Node | None:
                if found is None:
                    return None
                converted = memo.get(found)
                if converted is None:
                    converted = memo[found] = from_ox(found)
                return converted

            rows = [tuple(term(s[i]) for i in width) for s in result]
            return QueryAnswer(table=ordered_concatenations(sparql, ResultTable(columns, rows)))
        if isinstance(result, ox.QueryBoolean):
            return QueryAnswer(boolean=bool(result))
        graph = Graph()
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        for t in result:
            graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        return QueryAnswer(graph=graph)


def count_triples(path: Path) -> int:
    """The triples of a Turtle file, counted as Oxigraph's parser reads it (nothing is kept)."""
    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def open_built_store(path: Path) -> ox.Store:
    """The persistent store a build wrote (dist/store), opened read-only: no parsing, so it
    opens in milliseconds whatever its size. Several processes may open it at once."""
    if not (Path(path) / "CURRENT").is_file():
        raise FileNotFoundError(f"{path}: not an Oxigraph store (run `netkg build`)")
    return ox.Store.read_only(str(path))


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
