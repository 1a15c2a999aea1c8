"""One way to open the graph: `open_graph()` and the handle every command and the API use.

By default it is what the build wrote: the project's dist/store, opened read-only when it is
newer than every input. It can also be another built store, a built TriG/N-Quads file, an
in-memory build of the data or of given files (by the fast or the reference engine), or a
remote SPARQL endpoint. Whatever it is, callers get a `KnowledgeGraph`: catalogue queries by
name, raw SPARQL, quads, dumps, labels and short IRIs; its `backend` is the store or endpoint.
No caller outside netkg.rdf touches a store itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS
from rdflib.term import Node

from netkg.errors import UsageError, note
from netkg.options import engine_name
from netkg.pipeline.inputs.layout import (
    GRAPH_FILE,
    STORE_DIR,
    Source,
    built,
    input_graph,
    ontology_sources,
)
from netkg.pipeline.inputs.load import expand_paths, parse_named_graphs
from netkg.query.catalogue import CatalogueQuery, find_query
from netkg.query.run import run
from netkg.rdf.http import RemoteEndpoint
from netkg.rdf.persist import resolved
from netkg.rdf.results import ResultTable, short
from netkg.rdf.store import OxigraphStore, Quad, QueryAnswer, RdflibStore, Store

if TYPE_CHECKING:
    import pandas

LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, FOAF.name, DCTERMS.title)
LABEL_LANGUAGES = ("en", "da")


class KnowledgeGraph:
    """A queryable netkg graph: a local store (rdflib or Oxigraph) or a remote endpoint."""

    def __init__(self, backend: Store | RemoteEndpoint, origin: str = "") -> None:
        self.backend = backend
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

            return with_labels(self.backend, answer.table, str(params.get("lang") or "en"))
        return answer.table

    def dataframe(
        self,
        name_or_path: str,
        /,
        *,
        labels: bool = False,
        full_iris: bool = False,
        **params: object,
    ) -> pandas.DataFrame:
        """The query's rows as a pandas DataFrame (SPARQL text works too): IRIs as the prefixed
        names netkg prints (mun:gentofte), in full with `full_iris`."""
        return self.query(name_or_path, labels=labels, **params).to_dataframe(full_iris)

    def answer(self, query: str | CatalogueQuery, /, **params: object) -> QueryAnswer:
        """Any query form: a table (SELECT), a boolean (ASK) or a graph (CONSTRUCT).
        `query` may be a catalogue name, an .rq file, SPARQL text, or a parsed query."""
        if "as_of" in params:  # as_of="2013-03-01" (or 2013, 2013-03): the asOf parameter
            params["asOf"] = params.pop("as_of")
        found = find_query(query) if isinstance(query, str) else query
        return run(self.backend, found, {k: str(v) for k, v in params.items()})

    def sparql(self, text: str, bindings: dict[str, Node] | None = None) -> QueryAnswer:
        """Run SPARQL text as it is, with variables pre-bound to RDF terms."""
        return self.backend.query(text, bindings or {})

    # the data itself -------------------------------------------------------------------------

    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        obj: Node | None = None,
        graph: URIRef | None = None,
    ) -> Iterator[Quad]:
        """The quads matching a pattern (None matches anything), from the named graphs."""
        if isinstance(self.backend, Store):
            yield from self.backend.quads(subject, predicate, obj, graph)
            return
        bindings = {
            name: term
            for name, term in zip("spog", (subject, predicate, obj, graph), strict=True)
            if term is not None
        }
        table = self.backend.query(find_query("quads").text, bindings).table
        for row in table.rows if table is not None else []:
            s, p, o, g = row
            if s is not None and p is not None and o is not None and isinstance(g, URIRef):
                yield s, p, o, g

    def graph_names(self) -> list[URIRef]:
        """The named graphs, in IRI order."""
        if isinstance(self.backend, Store):
            return self.backend.graph_names()
        return sorted({g for *_, g in self.quads()})

    def named_graph(self, name: URIRef) -> Graph:
        """One named graph as an rdflib Graph."""
        graph = Graph()
        for s, p, o, _ in self.quads(graph=name):
            graph.add((s, p, o))
        return graph

    def count(self, name: URIRef | None = None) -> int:
        """Triples in one named graph, or quads in all of them."""
        if isinstance(self.backend, Store):
            return self.backend.count(name)
        return sum(1 for _ in self.quads(graph=name))

    def serialize(self, fmt: str) -> bytes:
        """The graph as bytes in one of netkg.rdf.store.DUMP_FORMATS."""
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
        if not isinstance(self.backend, Store):
            raise UsageError(f"{self.origin or 'a remote endpoint'}: not a local store")
        return self.backend


def open_graph(
    source: str | Path | None = None,
    *,
    engine: str = "fast",
    endpoint: str | None = None,
    files: Iterable[str | Path] | None = None,
    store: str | Path | None = None,
    timeout: float = 60.0,
    quiet: bool = False,
    build: bool = True,
) -> KnowledgeGraph:
    """Open the graph the way every command does: what the build wrote, unless told otherwise.

    - `endpoint`: a remote SPARQL endpoint (read-only);
    - `store`: a built Oxigraph store (e.g. another project's dist/store), opened read-only;
    - `source`: a built graph file (.trig/.nq) or a folder holding one, loaded into `engine`'s
      store (fast: Oxigraph; reference: rdflib);
    - `files`: these data files with the ontology and vocabularies, built in memory;
    - nothing: the project's dist/store, opened read-only, if it is newer than every input
      (`--engine reference`: dist/netkg.trig, loaded into rdflib). Otherwise, with `build`, the
      data is built in memory by `engine` (saying so on stderr unless `quiet`); without, the
      reason is a UsageError telling to run `netkg build`.
    """
    if endpoint is not None:
        return KnowledgeGraph(RemoteEndpoint(endpoint, timeout=timeout), endpoint)
    if store is not None:
        return open_read_only(Path(store))
    if files is not None:
        sources = ontology_sources() + [
            Source(p, input_graph(p), "input") for p in expand_paths(files)
        ]
        return _built(sources, engine, "the given files")
    if source is not None:
        path = Path(source)
        return KnowledgeGraph(load_built(path, engine), str(path))
    found = built()
    fast = engine_name(engine) == "fast"
    if fast and found.store is not None:
        return open_read_only(found.store, shown=found.folder / STORE_DIR)
    if not fast and found.graph_file is not None:
        shown = found.folder / GRAPH_FILE
        return KnowledgeGraph(load_built(found.graph_file, engine), str(shown))
    if not build:
        raise UsageError(
            f"{found.why}; run `netkg build` first, or name a built graph with --store DIR "
            "or --graph FILE"
        )
    if not quiet:
        note(f"{found.why}; answering from an in-memory build ({engine_name(engine)} engine)")
    return _built(None, engine, "an in-memory build")


def open_read_only(location: Path, shown: Path | None = None) -> KnowledgeGraph:
    """A built on-disk Oxigraph store (dist/store, or one named with --store), read-only: it
    opens in milliseconds whatever its size, and several processes may read it at once. Its
    links are resolved first (dist/store leads through dist/current), so every file of the
    store is read from one build even while another is switched in. `shown` is the path
    messages name (dist/store for the current build's)."""
    real = resolved(Path(location))
    if not (real / "CURRENT").is_file():
        raise UsageError(f"{location}: no Oxigraph store there (`netkg build` writes dist/store)")
    try:
        return KnowledgeGraph(OxigraphStore(real, read_only=True), str(shown or location))
    except OSError as exc:
        raise UsageError(f"{location}: the store cannot be opened ({exc})") from None


def load_built(path: Path, engine: str = "fast") -> Store:
    """A store holding the named graphs of a built TriG or N-Quads file (or of a folder's
    netkg.trig): Oxigraph for the fast engine, rdflib for the reference."""
    if path.is_dir():
        path = path / GRAPH_FILE
    if engine_name(engine) == "fast":
        ox_store = OxigraphStore()
        ox_store.load_file(path)
        return ox_store
    store = RdflibStore()
    for name, graph in parse_named_graphs(path).items():
        store.add_graph(name, graph)
    return store


def _built(sources: list[Source] | None, engine: str, origin: str) -> KnowledgeGraph:
    from netkg.pipeline.flow.build import build

    # like the shapes, support is the build's gate: an in-memory build answers queries on data
    # that has unsupported facts (evidence-coverage lists them); a misquote still stops it
    store = build(sources, engine=engine, validate=False, require_support=False).store
    return KnowledgeGraph(store, origin)
