"""The dataset as netkg publishes it on the web, shared by `netkg serve` and `netkg site`.

It is what the build wrote (dist/store when it is fresh, or a store or TriG/N-Quads file the
user names) plus the publication description (describe.publication: dumps and SPARQL endpoint)
in graph/dataset, in a private on-disk copy: a built store is copied by RocksDB's checkpoint
(hard links, no parse), a file is bulk-loaded. Worker processes open the copy read-only. A
stale or missing build is refused: what is published is what the build checked. Also here:
which IRIs are resources (get a page), and the dumps.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from netkg.errors import UsageError
from netkg.iris import BASE, ONTOLOGY
from netkg.pipeline.derived.describe import DESCRIPTION_GRAPH, DUMPS, ENDPOINT, publication
from netkg.pipeline.inputs.layout import STORE_DIR, built
from netkg.query.graph import KnowledgeGraph
from netkg.rdf.store import OxigraphStore
from netkg.web.paths import is_resource_iri


@dataclass(frozen=True)
class Addressable:
    """Which IRIs get a page (netkg.web.paths), and which hash IRIs belong to which page."""

    resources: frozenset[str]
    # IRI → the hash IRIs described on its page (e.g. …/dataset → …/dataset#sparql)
    fragments: dict[str, list[str]] = field(default_factory=dict)
    ontology_terms: frozenset[str] = frozenset()


class Published:
    """The published graph and what is addressable in it.

    Finding what is addressable reads every subject of the store (two seconds at 300,000
    triples); with `background`, it runs on a thread from the start, so `netkg serve` answers
    SPARQL at once and a page waits for it only if it is asked for before it is done."""

    def __init__(self, graph: KnowledgeGraph, background: bool = False) -> None:
        self.graph = graph
        self._addressable: Addressable | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        if background:
            threading.Thread(target=self._find, daemon=True).start()
        else:
            self._find()
            self.addressable()  # raise its failure here

    def _find(self) -> None:
        try:
            self._addressable = addressable(self.graph)
        except BaseException as exc:  # handed to the first reader
            self._error = exc
        finally:
            self._done.set()

    def addressable(self) -> Addressable:
        """What is addressable, once it is known."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._addressable is not None
        return self._addressable

    @property
    def resources(self) -> frozenset[str]:
        return self.addressable().resources

    @property
    def fragments(self) -> dict[str, list[str]]:
        return self.addressable().fragments

    @property
    def ontology_terms(self) -> frozenset[str]:
        return self.addressable().ontology_terms

    @property
    def triples(self) -> int:
        """Quads in the store (each named graph's triples counted once)."""
        return self.graph.count()


def load_published(
    location: Path,
    graph_file: Path | None = None,
    store: Path | None = None,
    endpoint: str | None = str(ENDPOINT),
) -> KnowledgeGraph:
    """The published dataset in a new on-disk Oxigraph store at `location` (see the module
    docstring); UsageError if there is no fresh build and none was named."""
    from netkg.rdf.persist import copy_store, resolved
    from netkg.rdf.terms import checked_iri

    if graph_file is not None:
        target = OxigraphStore(location)
        target.load_file(graph_file)
        origin = str(graph_file)
    else:
        origin = ""
        if store is None:
            found = built()
            if found.store is None:
                raise UsageError(
                    f"{found.why}; run `netkg build` first, or name a built graph with "
                    "--store DIR or --graph FILE"
                )
            store, origin = found.store, str(found.folder / STORE_DIR)
        if not (resolved(store) / "CURRENT").is_file():
            raise UsageError(f"{store}: no Oxigraph store there (`netkg build` writes dist/store)")
        try:
            copy_store(store, location)  # from one build: its links are resolved once
        except OSError as exc:
            raise UsageError(str(exc)) from None
        target = OxigraphStore(location)
        origin = origin or str(store)
    where = None if endpoint is None else checked_iri(endpoint)
    target.add_graph(DESCRIPTION_GRAPH, publication(where))
    target.flush()
    return KnowledgeGraph(target, origin)


def index(graph: KnowledgeGraph, background: bool = False) -> Published:
    """The published graph with what is addressable in it (see Published)."""
    return Published(graph, background)


def addressable(graph: KnowledgeGraph) -> Addressable:
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
    return Addressable(frozenset(resources), fragments, frozenset(terms))


class Dumps:
    """The dumps of a served graph, each written into `folder` the first time it is asked
    for (a large graph's JSON-LD takes a while; `netkg serve` answers queries long before)."""

    def __init__(self, graph: KnowledgeGraph, folder: Path) -> None:
        self.graph = graph
        self.folder = folder
        self._lock = threading.Lock()

    def path(self, name: str) -> Path:
        """The dump file `name` (one of describe.DUMPS), written now if it is not yet."""
        path = self.folder / name
        with self._lock:
            if not path.is_file():
                partial = path.with_name(f".partial-{name}")  # the suffix names the format
                self.graph.dump(partial)
                partial.replace(path)
        return path


def write_dumps(graph: KnowledgeGraph, folder: Path) -> list[Path]:
    """The dumps describe.DUMPS promises, written into `folder` (which must exist)."""
    written = []
    for name in DUMPS:
        path = folder / name
        graph.dump(path)
        written.append(path)
    return written
