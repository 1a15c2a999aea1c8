"""The main job: load → reason → validate → write dist/.

`build()` returns the built store and a BuildResult with counts and timings; `write_dist()`
writes the built graph and the reports atomically. A build whose data violates the shapes still
writes its validation report, but never replaces a previously built graph.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from netkg import __version__
from netkg.atomic import write_all
from netkg.engine.store import Store, new_store
from netkg.iris import INFERRED_GRAPH
from netkg.pipeline.describe import DESCRIPTION_GRAPH, describe
from netkg.pipeline.evidence import SUPPORT_GRAPH, Support, check
from netkg.pipeline.intervals import VALIDITY_GRAPH, validity
from netkg.pipeline.layout import (
    GRAPH_FILE,
    Source,
    default_sources,
    display_path,
    root,
)
from netkg.pipeline.load import load_dataset, new_dataset
from netkg.pipeline.progress import Progress, quiet
from netkg.pipeline.reason import infer
from netkg.pipeline.validate import Report, validate_graph

DATA_ROLES = ("shared", "municipality", "input")  # the graphs evidence is checked in


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
    evidence: Support | None = None

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
    progress: Progress | None = None,
    require_support: bool = True,
) -> BuildResult:
    """Load the sources, reason, validate; nothing is written. `progress` shows the steps;
    `require_support=False` counts unsupported facts instead of stopping (evidence.check)."""
    sources = sources if sources is not None else default_sources()
    progress = progress or quiet()
    timings: dict[str, float] = {}

    start = time.perf_counter()
    dataset = new_dataset()
    for source in progress.over(sources, "load"):
        load_dataset([source], dataset)
    asserted = sum(len(dataset.graph(g)) for g in {s.graph for s in sources})
    timings["load"] = time.perf_counter() - start

    start = time.perf_counter()
    graphs = [dataset.graph(g) for g in sorted({s.graph for s in sources})]
    facts = [dataset.graph(g) for g in data_graphs(sources)]
    evidence = check_evidence(facts, graphs, sources, require_support)
    timings["evidence"] = time.perf_counter() - start

    start = time.perf_counter()
    with progress.step("reason"):
        inference = infer(graphs)
    timings["reason"] = time.perf_counter() - start

    report = None
    if validate:
        start = time.perf_counter()
        with progress.step("validate"):
            data = Graph()
            for g in [*graphs, inference.graph]:
                for triple in g:
                    data.add(triple)
            report = validate_graph(data, shapes)
        timings["validate"] = time.perf_counter() - start

    store = new_store(engine)
    named = {URIRef(g.identifier): g for g in graphs}
    for name, g in named.items():
        store.add_graph(name, g)
    store.add_graph(INFERRED_GRAPH, inference.graph)
    start = time.perf_counter()
    valid_time = validity([*graphs, inference.graph])  # as-of support: see pipeline/intervals.py
    timings["intervals"] = time.perf_counter() - start
    store.add_graph(VALIDITY_GRAPH, valid_time)
    store.add_graph(SUPPORT_GRAPH, evidence.graph)  # each fact's kind of support (evidence.py)
    description = describe(
        {
            **named,
            INFERRED_GRAPH: inference.graph,
            VALIDITY_GRAPH: valid_time,
            SUPPORT_GRAPH: evidence.graph,
        }
    )
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
    named with its file and line); else how each fact is supported (netkg.pipeline.evidence).
    `context` holds the names of the things facts point to (ontology, vocabularies)."""
    files: dict[URIRef, list[Path]] = {}
    for source in sources:
        if source.role in DATA_ROLES:
            files.setdefault(URIRef(source.graph), []).append(Path(source.path))
    return check(facts, context, root(), files, require_support=require_support)


def write_dist(result: BuildResult, out_dir: Path, progress: Progress | None = None) -> list[Path]:
    """Write the reports, and the built graph if the build is sound, atomically into out_dir."""
    with (progress or quiet()).step("write"):
        return _write_dist(result, out_dir)


def _write_dist(result: BuildResult, out_dir: Path) -> list[Path]:
    start = time.perf_counter()
    files: dict[Path, str | bytes] = {}
    if result.report is not None:
        files[out_dir / "validation-report.txt"] = result.report.text()
        files[out_dir / "validation-report.ttl"] = result.report.serialize("turtle")
    if result.ok:
        files[out_dir / GRAPH_FILE] = result.store.serialize("trig")
        files[out_dir / "netkg.nq"] = result.store.serialize("nq")
        files[out_dir / "inferred.ttl"] = result.store.serialize("ttl", graph=INFERRED_GRAPH)
    files[out_dir / "build-report.json"] = json.dumps(_report_json(result), indent=2) + "\n"
    written = write_all(files)
    result.timings["write"] = time.perf_counter() - start
    result.written = written
    return written


def _report_json(result: BuildResult) -> dict:
    report = result.report
    return {
        "netkg_version": __version__,
        "ok": result.ok,
        "triples": {"asserted": result.asserted, "inferred": result.inferred},
        "graphs": {str(n): result.store.count(n) for n in result.store.graph_names()},
        "files": [display_path(s.path) for s in result.sources],
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
