"""Validating a researcher's files (or freshly imported data) in netkg's context, one flow.

`netkg validate`, `netkg import`'s checks and the API's `validate_files` all come here, and go
through the same parts as the build (flow.parts: fast or reference). The context — the
ontology, the vocabularies and the shared data, with what OWL 2 RL infers from them — is loaded
and reasoned once per process (per engine and per set of replaced files) and kept as N-Quads;
each validation copies it into a new store, adds the given graphs, reasons them with the
ontology's axioms (all that can fire on them) and validates, keeping only the findings about
nodes the given graphs mention, so a report speaks about the user's resources, not ours.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from netkg.iris import GRAPH, INFERRED_GRAPH
from netkg.options import engine_name
from netkg.pipeline.flow.parts import Parts, parts, refusal
from netkg.pipeline.inputs.layout import Source, data_sources, input_graph, ontology_sources
from netkg.pipeline.inputs.load import load_sources
from netkg.pipeline.validate.report import Report
from netkg.rdf.store import OxigraphStore, Store

AXIOM_ROLES = ("ontology", "imports")  # the graphs whose axioms the given data is reasoned with


def validate_files(
    paths: Iterable[Path], reason: bool = True, shapes: Graph | None = None, engine: str = "fast"
) -> Report:
    """Validate data files in the context of the ontology, vocabularies and shared data.

    A shipped file given as input replaces its shipped copy in the context.
    """
    files = [Path(p) for p in paths]
    sources = [Source(p, input_graph(p), "input") for p in files]

    return _validate(lambda store: load_sources(sources, store), files, reason, shapes, engine)


def validate_graphs(
    graphs: list[Graph],
    replaced: Iterable[Path] = (),
    reason: bool = True,
    shapes: Graph | None = None,
    engine: str = "fast",
) -> Report:
    """Validate graphs (e.g. freshly imported data) against the shapes, in netkg's context;
    the `replaced` files are left out of the context (the graphs are their new version)."""

    def add(store: Store) -> set[Node]:
        mentioned: set[Node] = set()
        for i, g in enumerate(graphs):
            name = g.identifier if isinstance(g.identifier, URIRef) else GRAPH[f"input/{i}"]
            store.add_graph(name, g)
            for s, _, o in g:  # from the graph itself: no terms read back from the store
                mentioned.add(s)
                mentioned.add(o)
        return mentioned

    return _validate(add, list(replaced), reason, shapes, engine)


def context_graph() -> Graph:
    """The ontology, vocabularies and shared data with their inferences (read-only use)."""
    return _context_graph(engine_name("fast"))


@lru_cache(maxsize=2)
def _context_graph(engine: str) -> Graph:
    store = _context_store(parts(engine), ())
    both = Graph()
    for s, p, o, _ in store.quads():
        both.add((s, p, o))
    return both


def _validate(
    add: Callable[[Store], set[Node] | None],
    replaced: list[Path],
    reason: bool,
    shapes: Graph | None,
    engine: str,
) -> Report:
    """The given data (added to the store by `add`, which may return the nodes it mentions)
    validated in the context without the `replaced` shipped files."""
    chosen = parts(engine)
    shipped = {str(s.path.resolve()) for s in ontology_sources() + data_sources()}
    excluded = tuple(sorted(str(p.resolve()) for p in replaced if str(p.resolve()) in shipped))
    store = _context_store(chosen, excluded)
    context = set(store.graph_names())
    try:
        mentioned = add(store)
    except (SyntaxError, ValueError):
        if chosen.engine == "reference":
            raise
        # a graph Oxigraph refuses (an invalid IRI a workbook's bad cell made, which the
        # importer reports in the sheet's words): rdflib holds it, so the reference validates
        return _validate(add, replaced, reason, shapes, "reference")
    if isinstance(store, OxigraphStore) and store.altered:
        # the compiled shapes would read datatypes the store changed: pyshacl reads the data
        print(
            f"netkg: {refusal(store)}; validating with the reference engine instead",
            file=sys.stderr,
        )
        return _validate(add, replaced, reason, shapes, "reference")
    given = [n for n in store.graph_names() if n not in context]
    if mentioned is None:
        mentioned = set()
        for name in given:
            for s, _, o, _ in store.quads(graph=name):
                mentioned.update((s, o))
    inconsistencies: list[str] = []
    shapes = shapes if shapes is not None else chosen.validator.shapes()
    if reason:
        axioms = sorted({s.graph for s in ontology_sources() if s.role in AXIOM_ROLES})
        # only what the shapes read is inferred: the same findings, and a large import does not
        # close properties no shape reads (reason.compiled.infer_store's `only`)
        only = chosen.validator.reads(shapes)
        inferred = chosen.reasoner.infer(store, axioms + given, INFERRED_GRAPH, only)
        inconsistencies = inferred.inconsistencies
    report = chosen.validator.validate(store, store.graph_names(), shapes, focus=mentioned)
    report.add_inconsistencies(inconsistencies)
    return report


def _context_store(chosen: Parts, excluded: tuple[str, ...]) -> Store:
    """A new store holding the context (see the module docstring) without the excluded files."""
    store = chosen.new_store()
    store.load_nquads(_context_quads(chosen.engine, excluded))
    return store


@lru_cache(maxsize=4)
def _context_quads(engine: str, excluded: tuple[str, ...]) -> bytes:
    """The context and its inferences as N-Quads, loaded and reasoned once per process."""
    sources = [
        s
        for s in ontology_sources() + [d for d in data_sources() if d.role == "shared"]
        if str(s.path.resolve()) not in excluded
    ]
    chosen = parts(engine)
    store = chosen.new_store()
    load_sources(sources, store)
    chosen.reasoner.infer(store, sorted({s.graph for s in sources}), INFERRED_GRAPH)
    return store.serialize("nq")
