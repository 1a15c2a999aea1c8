"""The main job, one flow for both engines: load → evidence → reason → derive → validate.

`build()` is given its parts (flow.parts: a store, a reasoner and a validator, fast or
reference) and returns the built store and a BuildResult with counts and the steps' timings;
nothing is written. flow.write writes dist/ from it. The derived graphs are the same code for
both engines: graph/validity (derived.intervals), graph/dataset (derived.describe) and the
evidence check (derived.evidence), each fed from the store only the triples it reads. With
`out_dir`, the on-disk store is written on another thread from the moment the sources are
loaded (rdf.persist), so the write costs little more than waiting for it.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from netkg import __version__
from netkg.iris import INFERRED_GRAPH, NKG
from netkg.pipeline.derived.describe import DESCRIPTION_GRAPH, describe
from netkg.pipeline.derived.evidence import SUPPORT_GRAPH, Support, check, check_input
from netkg.pipeline.derived.evidence_store import Unsupported as EvidenceStoreUnsupported
from netkg.pipeline.derived.evidence_store import read_store
from netkg.pipeline.derived.intervals import (
    DATED_KINDS,
    READS,
    VALIDITY_GRAPH,
    Index,
    validity_triples,
)
from netkg.pipeline.flow.parts import Parts, parts, rdflib_graphs, refusal
from netkg.pipeline.flow.progress import Progress, quiet
from netkg.pipeline.inputs.layout import (
    GRAPH_FILE,
    STORE_DIR,
    Source,
    default_sources,
    internal_query_text,
    root,
)
from netkg.pipeline.inputs.load import load_sources
from netkg.pipeline.validate.report import Report
from netkg.rdf.persist import Dump, Staging
from netkg.rdf.store import OxigraphStore, Pattern, Store

DATA_ROLES = ("shared", "municipality", "input")  # the graphs evidence is checked in
# what `netkg build` writes into dist/ besides the reports and the store, in this order
DIST_DUMPS = (
    Dump(GRAPH_FILE, "trig"),
    Dump("netkg.nq", "nq"),
    Dump("inferred.ttl", "ttl", INFERRED_GRAPH),
)


@dataclass
class BuildResult:
    """What a build produced, and how long each step took (seconds, from the progress)."""

    store: Store
    sources: list[Source]
    asserted: int
    inferred: int
    inconsistencies: list[str]
    report: Report | None
    timings: dict[str, float] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    evidence: Support | None = None
    sizes: dict[URIRef, int] = field(default_factory=dict)  # triples per named graph
    engine: str = "fast"
    staging: Staging | None = field(default=None, repr=False)  # dist/'s store, being written
    progress: Progress = field(default_factory=quiet, repr=False)

    @property
    def ok(self) -> bool:
        return not self.inconsistencies and (self.report is None or self.report.conforms)

    def summary(self) -> str:
        t = self.timings
        graphs = len({s.graph for s in self.sources})
        lines = [
            f"netkg {__version__} build",
            f"  load      {t.get('load', 0):6.2f} s  {self.asserted:,} triples asserted "
            f"from {len(self.sources)} files in {graphs} named graphs",
            f"  reason    {t.get('reason', 0):6.2f} s  {self.inferred:,} triples inferred "
            "(OWL 2 RL)"
            + (f"; {len(self.inconsistencies)} INCONSISTENCIES" if self.inconsistencies else ""),
        ]
        if self.report is not None:
            r = self.report
            lines.append(
                f"  validate  {t.get('validate', 0):6.2f} s  {r.shapes_checked} shapes checked; "
                f"conforms: {'yes' if r.conforms else 'NO'} "
                f"({r.violations} violations, {r.warnings} warnings)"
            )
        if self.evidence is not None:
            lines.append(f"  evidence  {t.get('evidence', 0):6.2f} s  {self.evidence.line()}")
        if "write" in t:
            lines.append(
                f"  write     {t['write']:6.2f} s  {', '.join(str(p) for p in self.written)}"
            )
        # the wall time: evidence runs beside reasoning, and the store is written meanwhile
        lines.append(f"  total     {t.get('total', self.progress.elapsed()):6.2f} s")
        for message in self.inconsistencies:
            lines.append(f"  inconsistency: {message}")
        return "\n".join(lines)


def build(
    sources: list[Source] | None = None,
    engine: str = "fast",
    validate: bool = True,
    shapes: Graph | None = None,
    out_dir: Path | None = None,
    progress: Progress | None = None,
    require_support: bool = True,
) -> BuildResult:
    """Load the sources, check the evidence, reason, derive and validate; nothing is written
    (flow.write.write does that). `engine` picks the parts (flow.parts); with `out_dir`, the
    on-disk store for it starts being written as soon as the sources are loaded.
    `require_support=False` counts unsupported facts instead of stopping (derived.evidence)."""
    sources = sources if sources is not None else default_sources()
    progress = progress or quiet()
    chosen = parts(engine)
    store = chosen.new_store()
    with progress.step("load"):
        load_sources(sources, store)
    if isinstance(store, OxigraphStore) and store.altered:
        # the fast parts would read datatypes the store changed: the reference reads the files
        print(
            f"netkg: {refusal(store)}; building with the reference engine instead", file=sys.stderr
        )
        return build(sources, "reference", validate, shapes, out_dir, progress, require_support)
    names = sorted({s.graph for s in sources})
    sizes = graph_sizes(store)
    staging = None
    if out_dir is not None and isinstance(store, OxigraphStore):
        staging = Staging(
            store, out_dir, list(DIST_DUMPS), STORE_DIR
        )  # on the other core from now on
    result = BuildResult(
        store,
        sources,
        sum(sizes.get(n, 0) for n in names),
        0,
        [],
        None,
        timings=progress.timings,
        sizes=sizes,
        engine=chosen.engine,
        staging=staging,
        progress=progress,
    )
    try:
        _derive(result, chosen, names, validate, shapes, require_support)
    except BaseException:
        if staging is not None:
            staging.discard()
        raise
    result.timings["total"] = progress.elapsed()
    return result


def _derive(
    result: BuildResult,
    chosen: Parts,
    names: list[URIRef],
    validate: bool,
    shapes: Graph | None,
    require_support: bool = True,
) -> None:
    """build() once the sources are loaded: evidence, reasoning, valid time, description,
    validation."""
    store, progress = result.store, result.progress

    # the evidence check's scan of the store runs in Oxigraph outside Python's lock, on the
    # other core, while the rules run; a store that cannot be read while written goes first
    sources = result.sources

    def checking() -> Support:
        return check_store(store, sources, require_support)

    with ThreadPoolExecutor(max_workers=1) as pool:
        checked: Future[Support] | None = None
        if store.threadsafe:
            checked = pool.submit(_step, progress, "evidence", checking)
        else:
            result.evidence = _step(progress, "evidence", checking)
        with progress.step("reason"):
            inferred = chosen.reasoner.infer(store, names, INFERRED_GRAPH)
        if checked is not None:
            result.evidence = checked.result()
    result.inferred, result.inconsistencies = inferred.count, inferred.inconsistencies

    with progress.step("intervals", show=False):  # as-of support: see derived/intervals.py
        store.add_graph(VALIDITY_GRAPH, validity_triples(Index(store.matching(_VALIDITY_READS))))
    assert result.evidence is not None
    store.add_graph(SUPPORT_GRAPH, result.evidence.triples)  # each fact's kind of support
    with progress.step("describe", show=False):
        sizes = result.sizes
        for name in (INFERRED_GRAPH, VALIDITY_GRAPH, SUPPORT_GRAPH):
            sizes[name] = graph_size(store, name)
        described = [*names, INFERRED_GRAPH, VALIDITY_GRAPH, SUPPORT_GRAPH]
        store.add_graph(DESCRIPTION_GRAPH, describe(_views(store, sizes, described)))  # type: ignore[arg-type]
        sizes[DESCRIPTION_GRAPH] = graph_size(store, DESCRIPTION_GRAPH)
        if result.staging is not None:
            derived = [INFERRED_GRAPH, VALIDITY_GRAPH, SUPPORT_GRAPH, DESCRIPTION_GRAPH]
            result.staging.derived_ready([n for n in derived if sizes.get(n)])

    if validate:
        with progress.step("validate"):
            shapes = shapes if shapes is not None else chosen.validator.shapes()
            result.report = chosen.validator.validate(store, [*names, INFERRED_GRAPH], shapes)


T = TypeVar("T")


def _step(progress: Progress, name: str, work: Callable[[], T]) -> T:
    """work(), timed as a step that is not shown (it runs beside the shown one)."""
    with progress.step(name, show=False):
        return work()


def data_graphs(sources: list[Source]) -> list[URIRef]:
    """The graphs that state facts about real entities (not the ontology or vocabularies)."""
    return sorted({s.graph for s in sources if s.role in DATA_ROLES})


def check_evidence(
    facts: list[Graph],
    context: list[Graph],
    sources: list[Source],
    require_support: bool = True,
) -> Support:
    """Stop the build at a quote that is not verbatim or a fact no evidence supports (each
    named with its file and line); else how each fact is supported (derived.evidence).
    `context` holds the names of the things facts point to (ontology, vocabularies) and the
    triples of the blank nodes they reach."""
    return check(facts, context, root(), _files(sources), require_support=require_support)


def _files(sources: list[Source]) -> dict[URIRef, list[Path]]:
    """Each data graph's files, where the evidence check's messages point."""
    files: dict[URIRef, list[Path]] = {}
    for source in sources:
        if source.role in DATA_ROLES:
            files.setdefault(URIRef(source.graph), []).append(Path(source.path))
    return files


def check_store(store: Store, sources: list[Source], require_support: bool = True) -> Support:
    """check_evidence on the data graphs: on Oxigraph, the input read by SPARQL
    (derived.evidence_store: set-based, nothing copied); on rdflib, or where those queries
    cannot tell the graphs apart as `sources` do, rdflib's graphs (copies from Oxigraph), read
    by the reference (derived.evidence.read_graphs). Both give the same findings."""
    names = data_graphs(sources)
    everything = sorted({s.graph for s in sources})
    if isinstance(store, OxigraphStore):
        try:
            found = read_store(store, names, everything)
        except EvidenceStoreUnsupported as exc:
            print(f"netkg: {exc}; checking the evidence on rdflib copies instead", file=sys.stderr)
        else:
            return check_input(found, root(), _files(sources), require_support=require_support)
    return check_evidence(
        rdflib_graphs(store, names), rdflib_graphs(store, everything), sources, require_support
    )


# the triples intervals.validity_triples() reads: its predicates, and rdf:type of dated kinds
_VALIDITY_READS: list[Pattern] = [(None, p, None) for p in READS] + [
    (None, RDF.type, k) for k in DATED_KINDS
]


def graph_sizes(store: Store) -> dict[URIRef, int]:
    """Triples per named graph, counted by the store in one pass."""
    rows = store.select(internal_query_text("graph-sizes.rq")).rows
    return {g: int(str(n)) for g, n in rows if isinstance(g, URIRef)}


def graph_size(store: Store, name: URIRef) -> int:
    """Triples in one named graph (a scan of that graph only)."""
    ((n,),) = store.select(internal_query_text("graph-size.rq"), {"graph": name}).rows
    return int(str(n))


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


def _views(store: Store, sizes: dict[URIRef, int], names: list[URIRef]) -> dict[URIRef, _GraphView]:
    found: dict[URIRef, list[URIRef]] = defaultdict(list)
    for s, _, _, g in store.quads(None, RDF.type, NKG.Municipality):
        if isinstance(s, URIRef):
            found[g].append(s)
    return {n: _GraphView(sizes[n], found.get(n, [])) for n in names if sizes.get(n)}
