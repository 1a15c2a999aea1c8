"""The evidence check's input read from a store by SPARQL, set-based: nothing is copied into
rdflib graphs.

derived.evidence reads the same input (an EvidenceInput) from rdflib graphs, the reference; this
module asks the store five questions (queries/internal/evidence-*.rq): the facts, the evidence
nodes, the archived texts of the quoted sources, the names of what statements about described
resources and blank nodes point to, and the values of blank nodes. The store decides which
triples are facts, so Python sees only the facts and the evidence, not the data around them.

The queries name the data graphs by their IRIs (graph/shared, graph/municipality/…,
graph/input/…) and leave out the graphs the build derives. When the store holds graphs that
rule would misplace, `read_store` refuses (Unsupported) and the caller takes the reference path.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import Literal, URIRef
from rdflib.term import Node

from netkg.iris import GRAPH, INFERRED_GRAPH, NKG, PROV
from netkg.pipeline.derived.evidence import Archive, EvidenceInput, walk_values
from netkg.pipeline.derived.support import Evidence
from netkg.pipeline.inputs.layout import internal_query_text
from netkg.rdf.store import OxigraphStore, Store

# the graphs the queries read as data (what flow.build.DATA_ROLES loads into) …
DATA_GRAPH = (GRAPH["shared"],)
DATA_GRAPH_PREFIXES = (str(GRAPH["municipality/"]), str(GRAPH["input/"]))
# … and the graphs the build derives, which the queries leave out
DERIVED_GRAPHS = frozenset({INFERRED_GRAPH, GRAPH["validity"], GRAPH["support"], GRAPH["dataset"]})


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
    present = set(store.graph_names()) - DERIVED_GRAPHS
    data_set = set(data)
    if present != set(everything) or {n for n in present if is_data_graph(n)} != data_set:
        raise Unsupported(
            "the store's graphs are not the build's input graphs, or a data graph is not named "
            "graph/shared, graph/municipality/… or graph/input/…"
        )
    facts = {
        (s, p, o)
        for s, p, o in _rows(store, "evidence-facts.rq")
        if s is not None and p is not None and o is not None
    }
    names: dict[Node, set[Node]] = defaultdict(set)
    for node, name in _rows(store, "evidence-names.rq"):
        if node is not None and isinstance(name, Literal):
            names[node].add(name)
    parts: dict[Node, set[Node]] = defaultdict(set)
    for blank, value in _rows(store, "evidence-parts.rq"):
        if blank is not None and value is not None:
            parts[blank].add(value)
    found_names, found_parts = walk_values(
        [o for _, _, o in facts],
        lambda node: names.get(node, set()),
        lambda node: parts.get(node, set()),
    )
    return EvidenceInput(facts, _evidence(store), found_names, found_parts, _archives(store))


def _rows(store: Store, name: str) -> list[tuple[Node | None, ...]]:
    return store.select(internal_query_text(name)).rows


def _evidence(store: Store) -> list[Evidence]:
    said: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    for node, p, o in _rows(store, "evidence-nodes.rq"):
        if node is None:
            continue
        statements = said[node]
        if p is not None and o is not None:
            statements[p].add(o)
    found = []
    for node, statements in said.items():
        quotes = [q for q in statements[NKG.quote] if isinstance(q, Literal)]
        found.append(
            Evidence(
                node=node,
                about=frozenset(statements[NKG.evidenceFor]),
                properties=frozenset(statements[NKG.evidenceProperty]),
                values=frozenset(statements[NKG.evidenceValue]),
                quotes=tuple(
                    sorted(quotes, key=lambda q: (str(q), q.language or "", str(q.datatype or "")))
                ),
                source=min(statements[PROV.wasQuotedFrom], key=str, default=None),
                inference=tuple(sorted(str(i) for i in statements[NKG.inference])),
            )
        )
    return found


def _archives(store: Store) -> dict[Node, Archive]:
    files: dict[Node, dict[Node, list[Literal]]] = defaultdict(lambda: defaultdict(list))
    for source, p, path in _rows(store, "evidence-archives.rq"):
        if source is not None and p is not None and isinstance(path, Literal):
            files[source][p].append(path)
    return {
        source: Archive(tuple(sorted(by[NKG.excerptFile])), tuple(sorted(by[NKG.localCopy])))
        for source, by in files.items()
    }
