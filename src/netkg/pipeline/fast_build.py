"""The fast build: Oxigraph parses, the compiled rules reason, the compiled shapes validate.

Same inputs, same named graphs, same inferred triples and same findings as the reference build
(netkg.pipeline.build: rdflib + owlrl + pyshacl), which stays as `netkg build --engine
reference` and as the oracle of the differential tests. Besides dist/netkg.trig and the other
dumps, the fast build writes dist/store/, Oxigraph's persistent on-disk store, which `netkg
query` opens in milliseconds instead of parsing the dump again. Where the ontology or the shapes
use something the fast path does not implement, that step falls back to the reference (with a
notice on stderr), so the answer is never different, only slower.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from netkg.atomic import write_all
from netkg.engine.store import (
    OxigraphStore,
    canonical_blocks,
    serialize_blocks,
)
from netkg.engine.terms import from_ox, to_ox
from netkg.iris import ID, INFERRED_GRAPH, NKG
from netkg.pipeline import rules, shacl_fast
from netkg.pipeline.build import (
    GRAPH_FILE,
    BuildResult,
    _report_json,
    check_evidence,
    data_graphs,
)
from netkg.pipeline.describe import DESCRIPTION_GRAPH, describe
from netkg.pipeline.evidence import NAMES, SUPPORT_GRAPH
from netkg.pipeline.intervals import (
    DATED_KINDS,
    READS,
    VALIDITY_GRAPH,
    Index,
    validity_triples,
)
from netkg.pipeline.layout import Source, default_sources, query_dir, shipped_root
from netkg.pipeline.load import _OX_FORMAT, CheckedLoads, parse_file
from netkg.pipeline.progress import Progress, quiet
from netkg.pipeline.reason import infer
from netkg.pipeline.sssom import is_sssom
from netkg.pipeline.validate import validate_graph

STORE_DIR = "store"


class BuiltStore(OxigraphStore):
    """The built Oxigraph store, with the size of each named graph counted once."""

    def __init__(self, store: ox.Store) -> None:
        super().__init__(store=store)
        self._sizes: dict[URIRef, int] | None = None
        self.outputs: _Outputs | None = None

    def sizes(self) -> dict[URIRef, int]:
        if self._sizes is None:
            self._sizes = {
                URIRef(s["g"].value): int(s["n"].value)
                for s in self.store.query(_rq("graph-sizes.rq"))
                if isinstance(s["g"], ox.NamedNode)
            }
        return self._sizes

    def recount(self, name: URIRef) -> None:
        """Count one graph again after adding to it (a scan of that graph only)."""
        sizes = self.sizes()
        (n,) = self.select(_rq("graph-size.rq"), {"graph": name}).rows[0]
        sizes[name] = int(n)  # type: ignore[arg-type]

    def count(self, name: URIRef | None = None) -> int:
        sizes = self.sizes()
        return sizes.get(name, 0) if name is not None else sum(sizes.values())

    def graph_names(self) -> list[URIRef]:
        return sorted(n for n, size in self.sizes().items() if size)


def _rq(name: str) -> str:
    """One of netkg's internal queries (queries/internal/), read as it stands."""
    return (query_dir(shipped_root()) / "internal" / name).read_text(encoding="utf-8")


def load_sources(sources: list[Source], store: ox.Store) -> None:
    """Parse each source into its named graph; InputError with line and column on bad syntax."""
    with CheckedLoads(store) as loads:  # Oxigraph loads one file while the next is checked
        for source in sources:
            path = Path(source.path)
            graph = ox.NamedNode(str(source.graph))
            if is_sssom(path):  # a mapping table: read into RDF by netkg.pipeline.sssom
                data = parse_file(path).serialize(format="nt", encoding="utf-8")
                store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
                continue
            fmt = _OX_FORMAT.get(path.suffix.lower())
            if fmt is None or fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
                # JSON-LD, and files with graphs of their own (whose triples all go into the
                # source's graph): through the reference's parser
                data = parse_file(path).serialize(format="nt", encoding="utf-8")
                store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
                continue
            loads.add(path, fmt, graph)  # the reference's checks (load.check_file), then load


def build_fast(
    sources: list[Source] | None = None,
    validate: bool = True,
    shapes: Graph | None = None,
    out_dir: Path | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Load, reason and validate in one Oxigraph store; nothing is written.

    With `out_dir`, the on-disk store and the dumps are prepared in a background thread from
    the moment the sources are loaded (Oxigraph works outside Python's lock, so on two cores
    both run at once); write_fast() then only waits for them and renames them into place.
    """
    sources = sources if sources is not None else default_sources()
    progress = progress or quiet()
    timings: dict[str, float] = {}
    start = time.perf_counter()
    ox_store = ox.Store()
    with progress.step("load"):
        load_sources(sources, ox_store)
    store = BuiltStore(ox_store)
    names = sorted({s.graph for s in sources})
    asserted = sum(store.count(n) for n in names)
    timings["load"] = time.perf_counter() - start
    if out_dir is not None:  # the on-disk store is written on the other core from now on
        store.outputs = _Outputs(ox_store, out_dir)
    try:
        return _build(store, sources, names, asserted, validate, shapes, progress, timings)
    except BaseException:
        if store.outputs is not None:
            store.outputs.discard()
        raise


def _build(
    store: BuiltStore,
    sources: list[Source],
    names: list[URIRef],
    asserted: int,
    validate: bool,
    shapes: Graph | None,
    progress: Progress,
    timings: dict[str, float],
) -> BuildResult:
    """build_fast() once the sources are loaded: evidence, reasoning, validity, validation."""
    ox_store = store.store
    graphs = [ox.NamedNode(str(n)) for n in names]

    # the reference's check, on the triples it reads: its scan of the store runs in Oxigraph
    # outside Python's lock, on the other core, while the rules run
    with ThreadPoolExecutor(max_workers=1) as pool:
        checked = pool.submit(
            _timed, lambda: check_evidence(*_evidence_input(store, data_graphs(sources)), sources)
        )
        reasoned = _reason(store, names, graphs, progress)
        evidence, timings["evidence"] = checked.result()
    timings["reason"], inferred, inconsistencies = reasoned

    start = time.perf_counter()  # as-of support, as in the reference (pipeline/intervals.py)
    store.add_graph(VALIDITY_GRAPH, validity_triples(Index(_validity_input(ox_store))))
    timings["intervals"] = time.perf_counter() - start
    start = time.perf_counter()
    store.add_graph(SUPPORT_GRAPH, evidence.graph)  # each fact's kind of support
    store.recount(INFERRED_GRAPH)
    store.recount(VALIDITY_GRAPH)
    store.recount(SUPPORT_GRAPH)
    described = [*names, INFERRED_GRAPH, VALIDITY_GRAPH, SUPPORT_GRAPH]
    description = describe(_views(store, described))  # type: ignore[arg-type]
    store.add_graph(DESCRIPTION_GRAPH, description)
    store.recount(DESCRIPTION_GRAPH)
    if store.outputs is not None:
        derived = [INFERRED_GRAPH, VALIDITY_GRAPH, SUPPORT_GRAPH, DESCRIPTION_GRAPH]
        store.outputs.derived_ready([ox.NamedNode(str(n)) for n in derived if store.count(n)])
    timings["describe"] = time.perf_counter() - start

    report = None
    if validate:
        start = time.perf_counter()
        with progress.step("validate"):
            shapes = shapes if shapes is not None else shacl_fast.load_shapes_fast()
            try:
                report = shacl_fast.validate_store(ox_store, shapes, [*graphs, _INFERRED])
            except shacl_fast.Unsupported as exc:
                print(f"netkg: {exc}; validating with pyshacl instead", file=sys.stderr)
                data = Graph()
                for name in [*names, INFERRED_GRAPH]:
                    for triple in store.graph(name):
                        data.add(triple)
                report = validate_graph(data, shapes)
        timings["validate"] = time.perf_counter() - start

    return BuildResult(
        store, sources, asserted, inferred, inconsistencies, report, timings, evidence=evidence
    )


def _reason(
    store: BuiltStore, names: list[URIRef], graphs: list[ox.NamedNode], progress: Progress
) -> tuple[float, int, list[str]]:
    """Materialise the OWL 2 RL rules into graph/inferred: (seconds, inferred, inconsistencies)."""
    start = time.perf_counter()
    with progress.step("reason"):
        try:
            inference = rules.infer_store(store.store, graphs, into=_INFERRED)
            inferred, inconsistencies = len(inference.triples), inference.inconsistencies
        except rules.Unsupported as exc:
            print(f"netkg: {exc}; reasoning with owlrl instead", file=sys.stderr)
            reference = infer([store.graph(n) for n in names])
            store.add_graph(INFERRED_GRAPH, reference.graph)
            inferred, inconsistencies = len(reference.graph), reference.inconsistencies
    return time.perf_counter() - start, inferred, inconsistencies


_INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
T = TypeVar("T")


def _timed(step: Callable[[], T]) -> tuple[T, float]:
    """(step(), seconds), for a step run on another thread."""
    start = time.perf_counter()
    return step(), time.perf_counter() - start


class _GraphView:
    """What describe() asks of a graph (its size, its municipalities), answered by the store."""

    def __init__(self, size: int, municipalities: list[URIRef]) -> None:
        self.size = size
        self.municipalities = municipalities

    def __len__(self) -> int:
        return self.size

    def subjects(self, predicate: URIRef, obj: URIRef) -> list[URIRef]:
        assert (predicate, obj) == (RDF.type, NKG.Municipality)
        return self.municipalities


def _validity_input(store: ox.Store) -> Iterator[tuple[Node, Node, Node]]:
    """The triples intervals.validity_triples() reads (intervals.READS), taken by predicate."""
    patterns = [(None, ox.NamedNode(str(p)), None) for p in READS]
    patterns += [(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(k))) for k in DATED_KINDS]
    made: dict[object, Node] = {}  # things and dates recur: convert each term once

    def term(t: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
        found = made.get(t)
        if found is None:
            found = made[t] = from_ox(t)
        return found

    for s, p, o in patterns:
        predicate = from_ox(p)
        for q in store.quads_for_pattern(s, p, o, None):
            yield term(q.subject), predicate, term(q.object)  # type: ignore[arg-type]


def _evidence_input(store: OxigraphStore, names: list[URIRef]) -> tuple[list[Graph], list[Graph]]:
    """Of each data graph, the triples the evidence check reads (queries/internal/
    evidence-input.rq), and, from any graph, the names of what they point to and the triples
    of the blank nodes they reach (looked up by pattern, node by node): the reference's
    check_evidence gives the same answer on them as on the whole graphs, without copying a
    million synthetic triples into rdflib."""
    graphs = {n: Graph(identifier=n) for n in names}
    for g, s, p, o in store.select(_rq("evidence-input.rq"), {"id": Literal(str(ID))}):
        graph = graphs.get(g)  # type: ignore[arg-type]
        if graph is not None:
            graph.add((s, p, o))  # type: ignore[arg-type]
    context = Graph()
    todo: list[Node] = [
        o for g in graphs.values() for o in g.objects() if not isinstance(o, Literal)
    ]
    seen: set[Node] = set()
    names = [ox.NamedNode(str(p)) for p in NAMES]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        subject = to_ox(node)
        patterns = [(subject, p) for p in names] if isinstance(node, URIRef) else [(subject, None)]
        for s, p in patterns:
            for q in store.store.quads_for_pattern(s, p, None, None):  # type: ignore[arg-type]
                triple = (node, from_ox(q.predicate), from_ox(q.object))  # type: ignore[arg-type]
                context.add(triple)
                if isinstance(node, BNode) and not isinstance(triple[2], Literal):
                    todo.append(triple[2])
    return list(graphs.values()), [context]


def _views(store: BuiltStore, names: list[URIRef]) -> dict[URIRef, _GraphView]:
    found: dict[URIRef, list[URIRef]] = defaultdict(list)
    pattern = (None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(NKG.Municipality)), None)
    for q in store.store.quads_for_pattern(*pattern):
        if isinstance(q.graph_name, ox.NamedNode) and isinstance(q.subject, ox.NamedNode):
            found[URIRef(q.graph_name.value)].append(URIRef(q.subject.value))
    return {n: _GraphView(store.count(n), found.get(n, [])) for n in names if store.count(n)}


def write_fast(result: BuildResult, out_dir: Path) -> list[Path]:
    """The reports, and — if the build is sound — the dumps and dist/store.

    The dumps and the store are written into a hidden folder in out_dir and renamed into place
    (the store: the old one moved aside first), so a reader never sees half of one; an unsound
    build leaves the previous graph and store as they were.
    """
    start = time.perf_counter()
    store = result.store
    assert isinstance(store, BuiltStore)
    outputs = store.outputs
    if result.ok and (outputs is None or outputs.out_dir != out_dir):
        outputs = _Outputs(store.store, out_dir, background=False)
    written: list[Path] = []
    staging: Path | None = None
    try:
        if outputs is not None:
            staging = outputs.result(sound=result.ok)
            if result.ok:
                for name in DUMPS:
                    os.replace(staging / name, out_dir / name)
                    written.append(out_dir / name)
                written.append(_replace_store(staging / STORE_DIR, out_dir / STORE_DIR))
        files: dict[Path, str | bytes] = {}
        if result.report is not None:
            files[out_dir / "validation-report.txt"] = result.report.text()
            files[out_dir / "validation-report.ttl"] = result.report.serialize("turtle")
        files[out_dir / "build-report.json"] = json.dumps(_report_json(result), indent=2) + "\n"
        written = write_all(files) + written
    finally:
        if staging is not None and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    result.timings["write"] = time.perf_counter() - start
    result.written = written
    return written


DUMPS = (GRAPH_FILE, "netkg.nq", "inferred.ttl")


class _Outputs:
    """The dumps (TriG, N-Quads, inferred Turtle) and an on-disk store, in a staging folder.

    Writing the on-disk store (RocksDB, nine indexes) is the costliest step of a large build,
    so it starts as soon as the sources are loaded: the asserted quads go to disk on another
    core while the main thread reasons and validates. `derived_ready()` hands over the graphs
    the build adds (inferred, validity, description); the dumps are written last.
    """

    def __init__(self, store: ox.Store, out_dir: Path, background: bool = True) -> None:
        self.store = store
        self.out_dir = out_dir
        self._staging: Path | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._derived: list[ox.NamedNode] | None = None
        self._ready = threading.Event()
        self._verdict = threading.Event()
        self._sound = True
        asserted = store.dump(format=ox.RdfFormat.N_QUADS) or b""  # before anything is added
        if background:
            self._thread = threading.Thread(target=self._run, args=(asserted,), daemon=True)
            self._thread.start()
        else:  # the store is complete (everything is in `asserted`) and sound
            self.derived_ready([])
            self._verdict.set()
            self._run(asserted)

    def derived_ready(self, graphs: list[ox.NamedNode]) -> None:
        """The build has added these graphs and will not write to the store again."""
        self._derived = graphs
        self._ready.set()

    def _run(self, asserted: bytes) -> None:
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".build.", suffix=".tmp", dir=self.out_dir))
            self._staging = staging
            disk = ox.Store(str(staging / STORE_DIR))
            disk.bulk_load(asserted, format=ox.RdfFormat.N_QUADS)
            del asserted
            self._ready.wait()
            if self._derived is None:  # the build stopped: nothing more to write
                return
            # the derived graphs go to disk on one thread while the shapes are checked; the
            # dumps wait for the verdict (their Python part would slow the validation down as
            # much as it gains, and an unsound build writes none)
            with ThreadPoolExecutor(max_workers=1) as pool:
                stored = pool.submit(self._store_derived, disk, self._derived)
                self._verdict.wait()
                if self._sound:
                    self._dumps(staging)
                stored.result()
            del disk
            (staging / STORE_DIR).chmod(0o777 & ~_umask())
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def _store_derived(self, disk: ox.Store, graphs: list[ox.NamedNode]) -> None:
        for graph in graphs:
            triples = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            disk.bulk_load(triples, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        disk.flush()

    def _dumps(self, staging: Path) -> None:
        """The reference's canonical dumps (engine.store): the same bytes for the same graph."""
        blocks = canonical_blocks(self.store)
        serialize_blocks(blocks, "nq", staging / "netkg.nq")
        serialize_blocks(blocks, "trig", staging / GRAPH_FILE)
        inferred = [(g, lines) for g, lines in blocks if g == _INFERRED]
        del blocks
        if not inferred or any(b"_:" in line for line in inferred[0][1]):
            # its blank nodes are labelled for the inferred graph alone, as the reference does
            inferred = canonical_blocks(self.store, _INFERRED)
        serialize_blocks(inferred, "ttl", staging / "inferred.ttl")

    def discard(self) -> None:
        """The build stopped: let the writer end and remove what it wrote."""
        self._ready.set()
        self._sound = False
        self._verdict.set()
        if self._thread is not None:
            self._thread.join()
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)

    def result(self, sound: bool = True) -> Path:
        """The staging folder, once everything is in it (the dumps only if `sound`)."""
        self._sound = sound
        self._verdict.set()
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            if self._staging is not None:
                shutil.rmtree(self._staging, ignore_errors=True)
            raise self._error
        assert self._staging is not None
        return self._staging


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _replace_store(staged: Path, target: Path) -> Path:
    """Swap the staged store in: the old one is moved aside first, then removed."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{STORE_DIR}.old.", dir=target.parent))
        old.rmdir()
        target.rename(old)
    staged.rename(target)
    if old is not None:
        with contextlib.suppress(OSError):
            shutil.rmtree(old)
    return target
