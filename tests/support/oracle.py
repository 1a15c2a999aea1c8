"""The reference results for the differential tests, computed once per fixture file.

test_rules compares the compiled OWL 2 RL rules with owlrl, test_shacl_fast the compiled shapes
with pyshacl, over the same fixture files reasoned the same way (`netkg validate FILE`: the file
with the ontology's axioms). `Oracle` parses the axioms once and each fixture once, and runs
owlrl once per fixture for both tests. `oracle_params(files)` parametrizes a test over fixture
files so that every test of one fixture runs on the same pytest-xdist worker, where that
worker's `oracle` fixture has its results (with `--dist loadgroup`, as the project runs).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from netkg.pipeline.flow.context import AXIOM_ROLES, context_graph
from netkg.pipeline.inputs.layout import input_graph, ontology_sources
from netkg.pipeline.inputs.load import parse_file
from netkg.pipeline.reason.reference import Inference, infer

TESTS = Path(__file__).resolve().parents[1]


def oracle_params(files: list[Path]) -> list:
    """`pytest.param`s for fixture files, named `folder/stem`, grouped per file for xdist."""
    params = []
    for path in files:
        name = f"{path.parent.name}/{path.stem}"
        params.append(pytest.param(path, id=name, marks=pytest.mark.xdist_group(f"oracle:{name}")))
    return params


class Oracle:
    """owlrl's closure of each fixture with the ontology's axioms, and the fixture in netkg's
    validation context, each made on first use and kept for the session."""

    def __init__(self) -> None:
        self._axioms: Graph | None = None
        self._graphs: dict[Path, Graph] = {}
        self._closures: dict[Path, Inference] = {}

    def axioms(self) -> Graph:
        """The ontology and its imports in one graph: what `netkg validate FILE` reasons the
        file with (flow.context); parsed once."""
        if self._axioms is None:
            self._axioms = Graph()
            for source in ontology_sources():
                if source.role in AXIOM_ROLES:
                    parse_file(source.path, into=self._axioms)
        return self._axioms

    def graph(self, path: Path) -> Graph:
        """The fixture file, parsed into a graph named as `netkg validate` names it."""
        key = Path(path).resolve()
        if key not in self._graphs:
            self._graphs[key] = parse_file(key, into=Graph(identifier=input_graph(key)))
        return self._graphs[key]

    def closure(self, path: Path) -> Inference:
        """owlrl's inferences (and inconsistencies) from the fixture with the axioms."""
        key = Path(path).resolve()
        if key not in self._closures:
            self._closures[key] = infer([self.axioms(), self.graph(key)])
        return self._closures[key]

    def in_context(self, path: Path) -> Graph:
        """The fixture as `netkg validate FILE` checks it (see `with_context`)."""
        return with_context(self.graph(path), self.closure(path).graph)


def with_context(graph: Graph, inferred: Graph) -> Graph:
    """The graph with netkg's context (ontology, vocabularies, shared data and their
    inferences) and its own inferences, in one new graph."""
    data = Graph()
    for g in (context_graph(), graph, inferred):
        for triple in g:
            data.add(triple)
    return data
