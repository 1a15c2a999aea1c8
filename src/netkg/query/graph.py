"""One way to open the graph: `open_graph()` and the handle every command and the API use.

The graph can be the built `dist/` (when it is fresh), a built TriG/N-Quads file, an in-memory
build of the shipped data or of given files, or a remote SPARQL endpoint; locally on either
engine (rdflib, Oxigraph — on disk too, for `netkg serve`). Whatever it is, callers get a
`KnowledgeGraph`: catalogue queries by name, raw SPARQL, quads, dumps, labels and short IRIs.
No caller outside netkg.engine touches an engine itself.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS
from rdflib.term import Node

from netkg.engine.http import RemoteEndpoint
from netkg.engine.results import ResultTable, short
from netkg.engine.store import OxigraphStore, Quad, QueryAnswer, Store, new_store
from netkg.errors import UsageError
from netkg.pipeline.layout import (
    GRAPH_FILE,
    Source,
    default_sources,
    dist_dir,
    input_graph,
    ontology_sources,
    shape_files,
)
from netkg.pipeline.load import expand_paths, parse_named_graphs
from netkg.query.catalogue import CatalogueQuery, find_query
from netkg.query.run import run

if TYPE_CHECKING:
    import pandas

LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, FOAF.name, DCTERMS.title)
LABEL_LANGUAGES = ("en", "da")


class KnowledgeGraph:
    """A queryable netkg graph: a local store (rdflib or Oxigraph) or a remote endpoint."""

    def __init__(self, engine: Store | RemoteEndpoint, origin: str = "") -> None:
        self.engine = engine
        self.origin = origin  # where it came from, for messages ("dist/netkg.trig", a URL…)

    # queries ---------------------------------------------------------------------------------

    def query(self, name_or_path: str, /, *, labels: bool = False, **params: object) -> ResultTable:
        """Run a catalogue query (by name), an .rq file, or SPARQL text itself; keyword
        arguments fill parameters. `labels=True` adds a `<column>Label` column after each
        column of IRIs (in the `lang` parameter's language, else English)."""
        answer = self.answer(name_or_path, **params)
        if answer.table is None:
            raise TypeError(f"{name_or_path} is not a SELECT query; use .answer()")
        if labels:
            from netkg.query.labels import with_labels

            return with_labels(self.engine, answer.table, str(params.get("lang") or "en"))
        return answer.table

    def dataframe(
        self, name_or_path: str, /, *, labels: bool = False, **params: object
    ) -> pandas.DataFrame:
        """The query's rows as a pandas DataFrame (SPARQL text works too)."""
        return self.query(name_or_path, labels=labels, **params).to_dataframe()

    def answer(self, query: str | CatalogueQuery, /, **params: object) -> QueryAnswer:
        """Any query form: a table (SELECT), a boolean (ASK) or a graph (CONSTRUCT).
        `query` may be a catalogue name, an .rq file, SPARQL text, or a parsed query."""
        if "as_of" in params:  # as_of="2013-03-01" (or 2013, 2013-03): the asOf parameter
            params["asOf"] = params.pop("as_of")
        found = find_query(query) if isinstance(query, str) else query
        return run(self.engine, found, {k: str(v) for k, v in params.items()})

    def sparql(self, text: str, bindings: dict[str, Node] | None = None) -> QueryAnswer:
        """Run SPARQL text as it is, with variables pre-bound to RDF terms."""
        return self.engine.query(text, bindings or {})

    # the data itself -------------------------------------------------------------------------

    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        obj: Node | None = None,
        graph: URIRef | None = None,
    ) -> Iterator[Quad]:
        """The quads matching a pattern (None matches anything), from the named graphs."""
        if isinstance(self.engine, Store):
            yield from self.engine.quads(subject, predicate, obj, graph)
            return
        bindings = {
            name: term
            for name, term in zip("spog", (subject, predicate, obj, graph), strict=True)
            if term is not None
        }
        table = self.engine.query(find_query("quads").text, bindings).table
        for row in table.rows if table is not None else []:
            s, p, o, g = row
            if s is not None and p is not None and o is not None and isinstance(g, URIRef):
                yield s, p, o, g

    def graph_names(self) -> list[URIRef]:
        """The named graphs, in IRI order."""
        if isinstance(self.engine, Store):
            return self.engine.graph_names()
        return sorted({g for *_, g in self.quads()})

    def named_graph(self, name: URIRef) -> Graph:
        """One named graph as an rdflib Graph."""
        graph = Graph()
        for s, p, o, _ in self.quads(graph=name):
            graph.add((s, p, o))
        return graph

    def count(self, name: URIRef | None = None) -> int:
        """Triples in one named graph, or quads in all of them."""
        if isinstance(self.engine, Store):
            return self.engine.count(name)
        return sum(1 for _ in self.quads(graph=name))

    def serialize(self, fmt: str) -> bytes:
        """The graph as bytes in one of netkg.engine.store.DUMP_FORMATS."""
        return self._store().serialize(fmt)

    def dump(self, path: Path) -> None:
        """Write the graph to `path` in the format its suffix names (.trig, .nq, .ttl, …)."""
        self._store().dump(path)

    def add_graph(self, name: URIRef, graph: Graph) -> None:
        """Add triples to a named graph of a local store (e.g. a publication description)."""
        self._store().add_graph(name, graph)

    def flush(self) -> None:
        """Make an on-disk store durable for readers in other processes."""
        store = self._store()
        if isinstance(store, OxigraphStore):
            store.flush()

    # reading aids ----------------------------------------------------------------------------

    def label(self, iri: str | URIRef, lang: str = "en") -> str:
        """A resource's label in `lang`, else English, Danish, untagged, any; '' if none."""
        found: dict[str, str] = {}
        for predicate in LABEL_PROPERTIES:
            for _, _, value, _ in self.quads(URIRef(str(iri)), predicate):
                if isinstance(value, Literal):
                    found.setdefault(value.language or "", str(value))
        for key in (lang, *LABEL_LANGUAGES, ""):
            if key in found:
                return found[key]
        return next(iter(found.values()), "")

    @staticmethod
    def shorten(term: Node | None) -> str:
        """A term as a person reads it: a prefixed name where netkg knows the prefix."""
        return short(term)

    def _store(self) -> Store:
        if not isinstance(self.engine, Store):
            raise UsageError(f"{self.origin or 'a remote endpoint'}: not a local store")
        return self.engine


def open_graph(
    source: str | Path | None = None,
    *,
    engine: str = "rdflib",
    endpoint: str | None = None,
    files: Iterable[str | Path] | None = None,
    location: Path | None = None,
    timeout: float = 60.0,
    quiet: bool = False,
) -> KnowledgeGraph:
    """Open the graph the way every command does.

    - `endpoint`: a remote SPARQL endpoint (read-only);
    - `source`: a built graph file (.trig/.nq) or a folder holding one (e.g. dist/);
    - `files`: these data files with the ontology and vocabularies, built in memory;
    - nothing: dist/ if its build is fresh, else the shipped data built in memory.
    `location` puts an Oxigraph store on disk there (for worker processes to open read-only).
    """
    if endpoint is not None:
        return KnowledgeGraph(RemoteEndpoint(endpoint, timeout=timeout), endpoint)
    if files is not None:
        sources = ontology_sources() + [
            Source(p, input_graph(p), "input") for p in expand_paths(files)
        ]
        return _built(sources, engine, location, "the given files")
    path = Path(source) if source is not None else built_graph_path()
    if path is not None and path.is_dir():
        path = path / GRAPH_FILE
    if path is not None:
        return KnowledgeGraph(_load_file(path, engine, location), str(path))
    if not quiet:
        print(
            "netkg: dist/ has no fresh build; building in memory (load + reason)", file=sys.stderr
        )
    return _built(None, engine, location, "an in-memory build")


def open_read_only(location: Path) -> KnowledgeGraph:
    """An on-disk Oxigraph store that another process wrote (see open_graph's `location`)."""
    if not (Path(location) / "CURRENT").is_file():
        raise UsageError(
            f"{location}: no Oxigraph store there (`netkg build --engine fast` writes dist/store)"
        )
    try:
        return KnowledgeGraph(OxigraphStore(location, read_only=True), str(location))
    except OSError as exc:
        raise UsageError(f"{location}: the store cannot be opened ({exc})") from None


def built_graph_path(out_dir: Path | None = None) -> Path | None:
    """dist/netkg.trig if it exists and is newer than every input file; else None."""
    path = (out_dir or dist_dir()) / GRAPH_FILE
    if not path.is_file():
        return None
    built = path.stat().st_mtime
    inputs = [s.path for s in default_sources()] + shape_files()
    if any(p.stat().st_mtime > built for p in inputs if p.exists()):
        return None
    return path


def load_built(path: Path, engine: str = "rdflib") -> Store:
    """A store holding the named graphs of a built TriG or N-Quads file."""
    return _load_file(path, engine, None)


def _load_file(path: Path, engine: str, location: Path | None) -> Store:
    if engine == "oxigraph" or location is not None:
        ox_store = OxigraphStore(location)
        ox_store.load_file(path)
        return ox_store
    store = new_store(engine)
    for name, graph in parse_named_graphs(path).items():
        store.add_graph(name, graph)
    return store


def _built(
    sources: list[Source] | None, engine: str, location: Path | None, origin: str
) -> KnowledgeGraph:
    from netkg.pipeline.build import build

    # like the shapes, support is the build's gate: an in-memory build answers queries on data
    # that has unsupported facts (evidence-coverage lists them); a misquote still stops it
    store = build(sources, engine=engine, validate=False, require_support=False).store
    if location is not None:
        on_disk = OxigraphStore(location)
        on_disk.load_quads(store.serialize("nq"))
        store = on_disk
    return KnowledgeGraph(store, origin)
