"""The evidence check's input read from a store by SPARQL, set-based: nothing is copied into
rdflib graphs.

derived.evidence reads the same input (an EvidenceInput) from rdflib graphs, the reference; this
module asks the store four questions (queries/internal/support-*.rq): the facts, the evidence
nodes with their quotes and sources, what the nodes about described resources cover, and the
archived texts of the quoted sources; the names of the facts' values and the values of their
blank nodes are then looked up node by node in the store's indexes. The store decides which
triples are facts and which evidence nodes can support one, so Python sees little more than
those.

The queries name the data graphs by their IRIs (graph/shared, graph/municipality/…,
graph/input/…) and leave out the graphs the build derives. When the store holds graphs that
rule would misplace, `read_store` refuses (Unsupported) and the caller takes the reference path.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import Literal, URIRef
from rdflib.term import Node

from netkg.iris import GRAPH, INFERRED_GRAPH, NKG
from netkg.pipeline.derived.evidence import (
    NAMES,
    NOT_PARTS,
    Archive,
    EvidenceInput,
    literal_key,
    walk_values,
)
from netkg.pipeline.derived.support import Evidence
from netkg.pipeline.inputs.layout import internal_query_text
from netkg.rdf.store import OxigraphStore, Store

# the graphs the queries read as data (what flow.build.DATA_ROLES loads into) …
DATA_GRAPH = (GRAPH["shared"],)
DATA_GRAPH_PREFIXES = (str(GRAPH["municipality/"]), str(GRAPH["input/"]))
# … and the graphs the build derives, which the queries leave out
DERIVED_GRAPHS = frozenset({INFERRED_GRAPH, GRAPH["validity"], GRAPH["support"], GRAPH["dataset"]})


_FOR, _PROPERTY = NKG.evidenceFor, NKG.evidenceProperty
_VALUE, _INFERENCE = NKG.evidenceValue, NKG.inference
_EXCERPT, _COPY = NKG.excerptFile, NKG.localCopy


class Unsupported(Exception):
    """The store holds graphs the queries cannot tell apart as the caller does."""


def is_data_graph(name: URIRef) -> bool:
    """Whether the queries read `name` as a data graph."""
    return name in DATA_GRAPH or str(name).startswith(DATA_GRAPH_PREFIXES)


def read_store(store: Store, data: Iterable[URIRef], everything: Iterable[URIRef]) -> EvidenceInput:
    """The evidence check's input from the store: facts from the data graphs `data`, names and
    blank nodes from `everything` (the input graphs); Unsupported if the store's graphs are
    not what the queries take them to be."""
    if isinstance(store, OxigraphStore) and store.altered:
        raise Unsupported(f"the store changed the datatype of {store.altered[0]}")
    present = set(store.graph_names()) - DERIVED_GRAPHS  # an empty input graph is absent
    data_set, inputs = set(data), set(everything)
    misread = [n for n in inputs if is_data_graph(n) != (n in data_set)]
    if not present <= inputs or misread:
        raise Unsupported(
            "the store's graphs are not the build's input graphs, or a data graph is not named "
            "graph/shared, graph/municipality/… or graph/input/…"
        )
    facts = {
        (s, p, o)
        for s, p, o in _rows(store, "support-facts.rq")
        if s is not None and p is not None and o is not None
    }
    found_names, found_parts = walk_values(
        [o for _, _, o in facts],
        lambda node: {
            o
            for p in NAMES
            for _, _, o, g in store.quads(node, p, None)
            if g not in DERIVED_GRAPHS and isinstance(o, Literal)
        },
        lambda node: {
            o
            for _, p, o, g in store.quads(node, None, None)
            if g not in DERIVED_GRAPHS and p not in NOT_PARTS
        },
    )
    return EvidenceInput(facts, _evidence(store), found_names, found_parts, _archives(store))


def _rows(store: Store, name: str) -> list[tuple[Node | None, ...]]:
    return store.select(internal_query_text(name)).rows


def _evidence(store: Store) -> list[Evidence]:
    """Every evidence node with its quotes and source; what it covers only for the nodes about a
    described resource (support-coverage.rq: no other node can support a fact)."""
    quotes: dict[Node, set[Literal]] = defaultdict(set)
    sources: dict[Node, set[Node]] = defaultdict(set)
    for node, quote, source in _rows(store, "support-quotes.rq"):
        if node is None:
            continue
        quotes[node]  # every evidence node, quoted or not
        if isinstance(quote, Literal):
            quotes[node].add(quote)
        if source is not None:
            sources[node].add(source)
    coverage: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    for node, p, o in _rows(store, "support-coverage.rq"):
        if node is not None and p is not None and o is not None:
            coverage[node][p].add(o)
    found = []
    none: frozenset[Node] = frozenset()
    for node, said in quotes.items():
        covers = coverage.get(node)
        quoted_from = sources.get(node)
        found.append(
            Evidence(
                node=node,
                about=frozenset(covers[_FOR]) if covers else none,
                properties=frozenset(covers[_PROPERTY]) if covers else none,
                values=frozenset(covers[_VALUE]) if covers else none,
                quotes=tuple(said) if len(said) < 2 else tuple(sorted(said, key=literal_key)),
                source=None if not quoted_from else min(quoted_from, key=str),
                inference=tuple(sorted(str(i) for i in covers[_INFERENCE])) if covers else (),
            )
        )
    return found


def _archives(store: Store) -> dict[Node, Archive]:
    files: dict[Node, dict[Node, list[Literal]]] = defaultdict(lambda: defaultdict(list))
    for source, p, path in _rows(store, "support-archives.rq"):
        if source is not None and p is not None and isinstance(path, Literal):
            files[source][p].append(path)
    shared: dict[Archive, Archive] = {}  # copies of data cite the same files: one Archive each
    found = {}
    for source, by in files.items():
        archive = Archive(tuple(sorted(by[_EXCERPT])), tuple(sorted(by[_COPY])))
        found[source] = shared.setdefault(archive, archive)
    return found
