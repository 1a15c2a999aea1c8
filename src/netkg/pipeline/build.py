"""The main job: load → reason → validate → write dist/.

`build()` returns the built store and a BuildResult with counts and timings; `write_dist()`
writes the built graph and the reports atomically. A build whose data violates the shapes still
writes its validation report, but never replaces a previously built graph.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from netkg import __version__
from netkg.atomic import write_all
from netkg.engine.store import Store, new_store
from netkg.iris import INFERRED_GRAPH, PREFIXES
from netkg.pipeline.describe import DESCRIPTION_GRAPH, describe
from netkg.pipeline.evidence import Coverage, check_quotes, coverage
from netkg.pipeline.layout import (
    Source,
    data_sources,
    default_sources,
    input_graph,
    ontology_sources,
    root,
)
from netkg.pipeline.load import load_dataset, parse_dataset, parse_file
from netkg.pipeline.reason import infer
from netkg.pipeline.validate import Report, validate_graph

GRAPH_FILE = "netkg.trig"


@dataclass
class BuildResult:
    """What a build produced and how long each step took (seconds)."""

    store: Store
    sources: list[Source]
    asserted: int
    inferred: int
    inconsistencies: list[str]
    report: Report | None
    timings: dict[str, float] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    evidence: Coverage | None = None

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
        lines.append(f"  total     {sum(t.values()):6.2f} s")
        for message in self.inconsistencies:
            lines.append(f"  inconsistency: {message}")
        return "\n".join(lines)


def build(
    sources: list[Source] | None = None,
    engine: str = "rdflib",
    validate: bool = True,
    shapes: Graph | None = None,
) -> BuildResult:
    """Load the sources, reason, validate; nothing is written."""
    sources = sources if sources is not None else default_sources()
    timings: dict[str, float] = {}

    start = time.perf_counter()
    dataset = load_dataset(sources)
    asserted = sum(len(dataset.graph(g)) for g in {s.graph for s in sources})
    timings["load"] = time.perf_counter() - start

    start = time.perf_counter()
    data_roles = ("shared", "municipality", "input")
    facts = [dataset.graph(g) for g in sorted({s.graph for s in sources if s.role in data_roles})]
    data = Graph()
    for g in facts:
        data += g
    check_quotes(data, root())  # a quote missing from its archived source stops the build
    evidence = coverage(facts, data)
    timings["evidence"] = time.perf_counter() - start

    start = time.perf_counter()
    graphs = [dataset.graph(g) for g in sorted({s.graph for s in sources})]
    inference = infer(graphs)
    timings["reason"] = time.perf_counter() - start

    report = None
    if validate:
        start = time.perf_counter()
        data = Graph()
        for g in [*graphs, inference.graph]:
            for triple in g:
                data.add(triple)
        report = validate_graph(data, shapes)
        timings["validate"] = time.perf_counter() - start

    store = new_store(engine)
    for g in graphs:
        store.add_graph(g.identifier, g)
    store.add_graph(INFERRED_GRAPH, inference.graph)
    description = describe({**{g.identifier: g for g in graphs}, INFERRED_GRAPH: inference.graph})
    store.add_graph(DESCRIPTION_GRAPH, description)
    return BuildResult(
        store,
        sources,
        asserted,
        len(inference.graph),
        inference.inconsistencies,
        report,
        timings,
        evidence=evidence,
    )


def validate_inputs(paths: list[Path], reason: bool = True, shapes: Graph | None = None) -> Report:
    """Validate data files in the context of the ontology, vocabularies and shared data.

    A shipped file given as input replaces its shipped copy in the context.
    """
    inputs = [Path(p) for p in paths]
    graphs = [parse_file(p, into=Graph(identifier=input_graph(p))) for p in inputs]
    return validate_graphs(graphs, replaced=inputs, reason=reason, shapes=shapes)


def validate_graphs(
    graphs: list[Graph],
    replaced: list[Path] = (),
    reason: bool = True,
    shapes: Graph | None = None,
) -> Report:
    """Validate graphs (e.g. freshly imported data) against the shapes, in netkg's context.

    Findings are kept only for nodes the graphs mention, so a report speaks about the user's
    resources. The context (ontology, vocabularies, shared data, minus the `replaced` files) and
    its inferences are computed once per process; the graphs are reasoned with the ontology's
    axioms, which is all that can fire on them.
    """
    shipped = {str(s.path.resolve()) for s in ontology_sources() + data_sources()}
    excluded = tuple(sorted(str(p.resolve()) for p in replaced if str(p.resolve()) in shipped))
    context, context_inferred, axioms = _context(excluded)
    mentioned: set = set()
    for g in graphs:
        for s, _, o in g:
            mentioned.update((s, o))
    data = Graph()
    for g in [context, context_inferred, *graphs]:
        for triple in g:
            data.add(triple)
    inconsistencies: list[str] = []
    if reason:
        inference = infer([axioms, *graphs])
        inconsistencies = inference.inconsistencies
        for triple in inference.graph:
            data.add(triple)
    report = validate_graph(data, shapes, focus_filter=mentioned)
    report.add_inconsistencies(inconsistencies)
    return report


def context_graph() -> Graph:
    """The ontology, vocabularies and shared data with their inferences (read-only use)."""
    context, inferred, _ = _context(())
    both = Graph()
    for g in (context, inferred):
        for triple in g:
            both.add(triple)
    return both


@lru_cache(maxsize=4)
def _context(excluded: tuple[str, ...]) -> tuple[Graph, Graph, Graph]:
    """(context triples, their inferences, the ontology axioms) for validating user files."""
    sources = [
        s
        for s in ontology_sources() + [d for d in data_sources() if d.role == "shared"]
        if str(s.path.resolve()) not in excluded
    ]
    dataset = load_dataset(sources)
    context = Graph()
    axioms = Graph()
    for s in sources:
        for triple in dataset.graph(s.graph):
            context.add(triple)
            if s.role in ("ontology", "imports"):
                axioms.add(triple)
    return context, infer([context]).graph, axioms


def write_dist(result: BuildResult, out_dir: Path) -> list[Path]:
    """Write the reports, and the built graph if the build is sound, atomically into out_dir."""
    start = time.perf_counter()
    files: dict[Path, str | bytes] = {}
    if result.report is not None:
        files[out_dir / "validation-report.txt"] = result.report.text()
        files[out_dir / "validation-report.ttl"] = result.report.serialize("turtle")
    if result.ok:
        dataset = _dataset(result.store)
        files[out_dir / GRAPH_FILE] = dataset.serialize(format="trig")
        files[out_dir / "netkg.nq"] = dataset.serialize(format="nquads")
        inferred = result.store.graph(INFERRED_GRAPH)
        _bind(inferred)
        files[out_dir / "inferred.ttl"] = inferred.serialize(format="turtle")
    files[out_dir / "build-report.json"] = json.dumps(_report_json(result), indent=2) + "\n"
    written = write_all(files)
    result.timings["write"] = time.perf_counter() - start
    result.written = written
    return written


def built_graph_path(out_dir: Path = Path("dist")) -> Path | None:
    """dist/netkg.trig if it exists and is newer than every input file; else None."""
    path = out_dir / GRAPH_FILE
    if not path.is_file():
        return None
    built = path.stat().st_mtime
    base = root()
    inputs = [s.path for s in default_sources(base)] + list((base / "shapes").glob("*.ttl"))
    if any(p.stat().st_mtime > built for p in inputs if p.exists()):
        return None
    return path


def open_store(
    engine: str = "rdflib", graph_file: Path | None = None, quiet: bool = False
) -> Store:
    """A store to query: a built graph file if given or fresh in dist/, else an in-memory build."""
    path = graph_file or built_graph_path()
    if path is not None:
        return load_built(path, engine)
    if not quiet:
        print(
            "netkg: dist/ has no fresh build; building in memory (load + reason)", file=sys.stderr
        )
    return build(engine=engine, validate=False).store


def load_built(path: Path, engine: str = "rdflib") -> Store:
    """A store holding the named graphs of a built TriG or N-Quads file."""
    dataset = parse_dataset(path)
    store = new_store(engine)
    for g in dataset.graphs():
        if len(g) and isinstance(g.identifier, URIRef) and g.identifier != DATASET_DEFAULT_GRAPH_ID:
            store.add_graph(g.identifier, g)
    return store


def _dataset(store: Store) -> Dataset:
    ds = Dataset()
    _bind(ds)
    for name in store.graph_names():
        target = ds.graph(name)
        for triple in store.graph(name):
            target.add(triple)
    return ds


def _bind(graph: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def _report_json(result: BuildResult) -> dict:
    report = result.report
    return {
        "netkg_version": __version__,
        "ok": result.ok,
        "triples": {"asserted": result.asserted, "inferred": result.inferred},
        "graphs": {str(n): result.store.count(n) for n in result.store.graph_names()},
        "files": [
            str(s.path.relative_to(root())) if s.path.is_relative_to(root()) else str(s.path)
            for s in result.sources
        ],
        "validation": None
        if report is None
        else {
            "conforms": report.conforms,
            "shapes_checked": report.shapes_checked,
            "violations": report.violations,
            "warnings": report.warnings,
        },
        "inconsistencies": result.inconsistencies,
        "evidence": None if result.evidence is None else result.evidence.as_json(),
        "timings_seconds": {k: round(v, 3) for k, v in result.timings.items()},
    }
