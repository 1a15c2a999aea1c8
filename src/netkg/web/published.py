"""The dataset as netkg publishes it on the web, shared by `netkg serve` and `netkg site`.

It is the built graph (dist/netkg.trig, a given file, or an in-memory build) plus the
publication description (describe.publication: dumps and SPARQL endpoint) in graph/dataset,
opened like every other command opens the graph (netkg.query.graph.open_graph) on Oxigraph —
in memory, or on disk so that worker processes can open it read-only. Also here: which IRIs
are resources (get a page), and the dumps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from netkg.iris import BASE, ONTOLOGY
from netkg.pipeline.derived.describe import DESCRIPTION_GRAPH, DUMPS, ENDPOINT, publication
from netkg.query.graph import KnowledgeGraph, open_graph
from netkg.web.paths import is_resource_iri


@dataclass
class Published:
    """The published graph and what is addressable in it."""

    graph: KnowledgeGraph
    resources: frozenset[str]
    # IRI → the hash IRIs described on its page (e.g. …/dataset → …/dataset#sparql)
    fragments: dict[str, list[str]] = field(default_factory=dict)
    ontology_terms: frozenset[str] = frozenset()

    @property
    def triples(self) -> int:
        """Quads in the store (each named graph's triples counted once)."""
        return self.graph.count()


def load_published(
    graph_file: Path | None = None,
    endpoint: str | None = str(ENDPOINT),
    location: Path | None = None,
) -> KnowledgeGraph:
    """The published dataset in a new Oxigraph store (on disk at `location` if given)."""
    from netkg.rdf.terms import checked_iri

    graph = open_graph(graph_file, engine="oxigraph", location=location)
    where = None if endpoint is None else checked_iri(endpoint)
    graph.add_graph(DESCRIPTION_GRAPH, publication(where))
    graph.flush()
    return graph


def index(graph: KnowledgeGraph) -> Published:
    """Which IRIs get a page (see netkg.web.paths) and which hash IRIs belong to which page."""
    subjects = [str(row[0]) for row in graph.query("published-subjects", base=BASE).rows]
    resources = {s for s in subjects if is_resource_iri(s) and s != str(ONTOLOGY)}
    fragments: dict[str, list[str]] = {}
    terms: set[str] = set()
    for s in subjects:
        base, sep, _ = s.partition("#")
        if not sep:
            continue
        if base == str(ONTOLOGY):
            terms.add(s)
        elif base in resources:
            fragments.setdefault(base, []).append(s)
    for hashed in fragments.values():
        hashed.sort()
    return Published(graph, frozenset(resources), fragments, frozenset(terms))


def write_dumps(graph: KnowledgeGraph, folder: Path) -> list[Path]:
    """The dumps describe.DUMPS promises, written into `folder` (which must exist)."""
    written = []
    for name in DUMPS:
        path = folder / name
        graph.dump(path)
        written.append(path)
    return written
