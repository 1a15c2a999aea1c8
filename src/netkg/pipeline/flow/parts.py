"""The parts the one build flow is given: a store, a reasoner and a validator, fast or reference.

    fast       Oxigraph, the compiled OWL 2 RL rules (reason.compiled), the compiled shapes
               (validate.compiled): the default of every command
    reference  rdflib, owlrl (reason.reference), pyshacl (validate.reference): the oracle the
               differential tests compare the fast parts with

A fast part that meets something it does not implement raises `Unsupported` and that step falls
back to the reference (with a notice on stderr), so the answer is never different, only slower.
`--engine fast|reference` picks the set: "engine" means this choice and nothing else.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from rdflib import Graph, URIRef
from rdflib.term import Node

from netkg.options import engine_name
from netkg.pipeline.reason import compiled as compiled_rules
from netkg.pipeline.reason.reference import infer
from netkg.pipeline.validate import compiled as compiled_shapes
from netkg.pipeline.validate.reference import validate_graph
from netkg.pipeline.validate.report import Report
from netkg.pipeline.validate.shapes import load_shapes, load_shapes_fast
from netkg.rdf.store import OxigraphStore, RdflibStore, Store


@dataclass
class Inferred:
    """What a reasoner added to the store, and the inconsistencies it found."""

    count: int
    inconsistencies: list[str] = field(default_factory=list)


class Reasoner(Protocol):
    """Adds to `into` what OWL 2 RL infers from the union of `graphs`; given `only`, it may
    leave out what has another predicate than those and rdf:type (a validation that reads
    only these predicates finds the same; the reference infers everything regardless)."""

    def infer(
        self,
        store: Store,
        graphs: list[URIRef],
        into: URIRef,
        only: set[URIRef] | None = None,
    ) -> Inferred: ...


class Validator(Protocol):
    """Checks the union of `graphs` against the shapes (only `focus` nodes' findings, if given)."""

    def shapes(self, paths: Iterable = ()) -> Graph: ...

    def reads(self, shapes: Graph) -> set[URIRef] | None:
        """The predicates validating with `shapes` reads (None: any)."""
        ...

    def validate(
        self,
        store: Store,
        graphs: list[URIRef],
        shapes: Graph,
        focus: set[Node] | None = None,
    ) -> Report: ...


def rdflib_graphs(store: Store, names: list[URIRef]) -> list[Graph]:
    """The named graphs as rdflib Graphs for owlrl and pyshacl (copies from a store of another
    kind, the graphs themselves from rdflib's)."""
    if isinstance(store, RdflibStore):
        return [store.live_graph(n) for n in names]
    return [store.graph(n) for n in names]


def refusal(store: OxigraphStore) -> str:
    """Why the fast parts refuse a store: the literals whose datatype it changed (the first
    few, with file and line)."""
    shown = "; ".join(store.altered[:3])
    more = f" and {len(store.altered) - 3} more" if len(store.altered) > 3 else ""
    return f"the data has literals Oxigraph stores with another datatype: {shown}{more}"


class OwlrlReasoner:
    """owlrl (reason.reference): the reference."""

    def infer(
        self, store: Store, graphs: list[URIRef], into: URIRef, only: set[URIRef] | None = None
    ) -> Inferred:
        inference = infer(rdflib_graphs(store, graphs))  # everything: owlrl has no `only`
        store.add_graph(into, inference.graph)
        return Inferred(len(inference.graph), inference.inconsistencies)


class CompiledReasoner:
    """The compiled rules (reason.compiled) on Oxigraph; owlrl for what they do not implement."""

    def infer(
        self, store: Store, graphs: list[URIRef], into: URIRef, only: set[URIRef] | None = None
    ) -> Inferred:
        if isinstance(store, OxigraphStore):
            try:
                inference = compiled_rules.infer_store(store, graphs, into=into, only=only)
                return Inferred(len(inference.triples), inference.inconsistencies)
            except compiled_rules.Unsupported as exc:
                print(f"netkg: {exc}; reasoning with owlrl instead", file=sys.stderr)
        return OwlrlReasoner().infer(store, graphs, into, only)


class PyshaclValidator:
    """pyshacl (validate.reference): the reference."""

    def shapes(self, paths: Iterable = ()) -> Graph:
        return load_shapes(paths)

    def reads(self, shapes: Graph) -> set[URIRef] | None:
        return None  # pyshacl reads what it reads

    def validate(
        self, store: Store, graphs: list[URIRef], shapes: Graph, focus: set[Node] | None = None
    ) -> Report:
        data = Graph()
        for g in rdflib_graphs(store, graphs):
            for triple in g:
                data.add(triple)
        return validate_graph(data, shapes, focus_filter=focus)


class CompiledValidator:
    """The compiled shapes (validate.compiled) on Oxigraph; pyshacl for what they do not
    implement."""

    def shapes(self, paths: Iterable = ()) -> Graph:
        return load_shapes_fast(paths)

    def reads(self, shapes: Graph) -> set[URIRef] | None:
        try:
            return compiled_shapes.read_predicates(shapes)
        except compiled_shapes.Unsupported:
            return None  # pyshacl will validate, and may read any predicate

    def validate(
        self, store: Store, graphs: list[URIRef], shapes: Graph, focus: set[Node] | None = None
    ) -> Report:
        if isinstance(store, OxigraphStore):
            if store.altered:  # pyshacl on copies of this store would not see the data either
                raise RuntimeError(
                    "validate the data with the reference engine: " + store.altered[0]
                )
            try:
                return compiled_shapes.validate_store(store, shapes, graphs, focus_filter=focus)
            except compiled_shapes.Unsupported as exc:
                print(f"netkg: {exc}; validating with pyshacl instead", file=sys.stderr)
        return PyshaclValidator().validate(store, graphs, shapes, focus)


@dataclass(frozen=True)
class Parts:
    """One engine: the store a build loads into, its reasoner and its validator."""

    engine: str
    reasoner: Reasoner
    validator: Validator

    def new_store(self) -> Store:
        """An empty in-memory store of this engine's kind."""
        return OxigraphStore() if self.engine == "fast" else RdflibStore()


def parts(engine: str = "fast") -> Parts:
    """The parts of `engine` (fast or reference; see the module docstring)."""
    name = engine_name(engine)
    if name == "fast":
        return Parts(name, CompiledReasoner(), CompiledValidator())
    return Parts(name, OwlrlReasoner(), PyshaclValidator())
