"""The dataset as netkg publishes it on the web, shared by `netkg serve` and `netkg site`.

It is the built graph (dist/netkg.trig, a given file, or an in-memory build) plus the
publication description (describe.publication: dumps and SPARQL endpoint) in graph/dataset,
held in an Oxigraph store — in memory, or on disk so that worker processes can open it
read-only. Also here: which IRIs are resources (get a page), and the dumps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from netkg.errors import InputError
from netkg.iris import BASE, ONTOLOGY, PREFIXES
from netkg.pipeline.describe import DESCRIPTION_GRAPH, DUMPS, ENDPOINT, publication
from netkg.web.paths import is_resource_iri

_OX_FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
_DUMP_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
_SUBJECTS = f"""
SELECT DISTINCT ?s WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{BASE}"))
}}"""


@dataclass
class Published:
    """The published store and what is addressable in it."""

    store: ox.Store
    resources: frozenset[str]
    # IRI → the hash IRIs described on its page (e.g. …/dataset → …/dataset#sparql)
    fragments: dict[str, list[str]] = field(default_factory=dict)
    ontology_terms: frozenset[str] = frozenset()

    @property
    def triples(self) -> int:
        """Quads in the store (each named graph's triples counted once)."""
        return len(self.store)


def load_published(
    graph_file: Path | None = None,
    endpoint: str | None = str(ENDPOINT),
    location: Path | None = None,
) -> ox.Store:
    """The published dataset in a new Oxigraph store (on disk at `location` if given)."""
    from netkg.pipeline.build import built_graph_path

    store = ox.Store(str(location)) if location is not None else ox.Store()
    source = graph_file or built_graph_path()
    if source is not None:
        _load_file(store, Path(source))
    else:
        from netkg.pipeline.build import open_store

        built = open_store("oxigraph")  # prints why it builds in memory
        data = built.store.dump(format=ox.RdfFormat.N_QUADS)  # type: ignore[attr-defined]
        store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    description = publication(None if endpoint is None else URIRef(ox.NamedNode(endpoint).value))
    graph = ox.NamedNode(str(DESCRIPTION_GRAPH))
    data = description.serialize(format="nt", encoding="utf-8")
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    store.flush()
    return store


def index(store: ox.Store) -> Published:
    """Which IRIs get a page (see netkg.web.paths) and which hash IRIs belong to which page."""
    subjects = [s[0].value for s in store.query(_SUBJECTS)]  # type: ignore[index]
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
    return Published(store, frozenset(resources), fragments, frozenset(terms))


def write_dumps(store: ox.Store, folder: Path) -> list[Path]:
    """The dumps describe.DUMPS promises, written into `folder` (which must exist)."""
    written = []
    for name in DUMPS:
        path = folder / name
        fmt = _DUMP_FORMATS[name.rsplit(".", 1)[1]]
        if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            store.dump(str(path), format=fmt, prefixes=PREFIXES)
        else:
            union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
            ox.serialize(union, str(path), format=fmt, prefixes=PREFIXES)  # type: ignore[arg-type]
        written.append(path)
    return written


def _load_file(store: ox.Store, path: Path) -> None:
    fmt = _OX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(path, "a built graph is a .trig or .nq file")
    if not path.is_file():
        raise InputError(path, "no such file")
    try:
        store.bulk_load(path=str(path), format=fmt)
    except SyntaxError as exc:
        raise InputError(path, f"syntax error: {exc}") from None
