"""The fast SHACL validator (netkg.pipeline.validate.compiled) against the reference (pyshacl).

Same findings — severity, focus node, path, constraint component, value, rule and messages — on
every shape fixture (validated as `netkg validate FILE` does, in the shipped context), on the
shipped data and on synthetic municipalities with seeded violations. Two differences are
normalised: blank node labels (each engine makes its own) and the lexical form of numbers
(Oxigraph stores 3000000.0 as the decimal 3000000, the same value).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal
from rdflib.namespace import SH

from netkg.pipeline.flow.context import AXIOM_ROLES, context_graph, validate_files
from netkg.pipeline.inputs.layout import input_graph, ontology_sources
from netkg.pipeline.inputs.load import parse_file
from netkg.pipeline.reason.reference import infer
from netkg.pipeline.validate.compiled import Unsupported, validate_store
from netkg.pipeline.validate.reference import validate_graph
from netkg.pipeline.validate.report import Report
from netkg.pipeline.validate.shapes import load_shapes
from netkg.rdf.store import OxigraphStore
from support import synthetic

FIXTURES = sorted((Path(__file__).parent / "shapes").rglob("*.ttl"))
SHAPES = load_shapes()
AXIOMS = Graph()  # what `netkg validate FILE` reasons the file with (flow.context)
for _source in ontology_sources():
    if _source.role in AXIOM_ROLES:
        parse_file(_source.path, into=AXIOMS)


def in_context(graph: Graph) -> Graph:
    """The graph with the context and the inferences, as `netkg validate` checks it."""
    data = Graph()
    for g in (context_graph(), graph, infer([AXIOMS, graph]).graph):
        for triple in g:
            data.add(triple)
    return data


def _term(t: object) -> object:
    if isinstance(t, BNode):
        return "_:blank"
    if isinstance(t, Literal) and t.datatype is not None and not t.ill_typed:
        value = t.toPython()
        return (str(t.datatype), value.normalize() if isinstance(value, Decimal) else value)
    return t


def findings(report: Report) -> list[tuple]:
    return sorted(
        (
            f.severity_name,
            str(_term(f.focus)),
            f.path,
            str(f.component),
            str(_term(f.value)),
            f.name,
            tuple(sorted(f.messages.items())),
        )
        for f in report.findings
    )


def both(data: Graph, focus: set | None = None) -> tuple[list[tuple], list[tuple]]:
    reference = validate_graph(data, SHAPES, focus_filter=focus)
    store = OxigraphStore()
    store.store.load(
        data.serialize(format="nt", encoding="utf-8"),
        format=ox.RdfFormat.N_TRIPLES,
        to_graph=ox.NamedNode("urn:x-test:data"),
    )
    fast = validate_store(store, SHAPES, focus_filter=focus)
    assert fast.conforms == reference.conforms
    return findings(reference), findings(fast)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f"{f.parent.name}/{f.stem}" for f in FIXTURES])
def test_fixture_gives_the_same_findings(fixture: Path):
    graph = parse_file(fixture, into=Graph(identifier=input_graph(fixture)))
    data = in_context(graph)
    mentioned = {n for s, _, o in graph for n in (s, o)}
    reference, fast = both(data, mentioned)
    assert fast == reference
    if fixture.parent.name == "invalid":
        assert reference, "an invalid fixture must give findings"


def test_shipped_data_gives_the_same_findings(built):
    data = Graph()
    for name in built.store.graph_names():
        for triple in built.store.graph(name):
            data.add(triple)
    reference, fast = both(data)
    assert fast == reference


def test_seeded_violations_give_the_same_findings(tmp_path: Path):
    data = Graph()
    for path in synthetic.write(tmp_path, 14, seeded=True):
        parse_file(path, into=data)
    reference, fast = both(in_context(data))
    components = {f[3].rsplit("#", 1)[1] for f in reference}
    # the seeded mistakes: a document without a title, a malformed code, a network without type
    assert {"OrConstraintComponent", "PatternConstraintComponent"} <= components
    assert fast == reference


def test_validating_files_reasons_only_for_the_shapes_and_finds_the_same(tmp_path: Path):
    """`netkg validate` on the fast engine infers only what the shapes read; the reference
    infers everything. The findings and inconsistencies are the same."""
    files = synthetic.write(tmp_path, 2, seeded=True, first=3)  # municipality 3 is seeded
    fast = validate_files(files, engine="fast")
    reference = validate_files(files, engine="reference")
    assert findings(fast) == findings(reference) != []
    assert fast.inconsistencies == reference.inconsistencies != []


def test_an_unsupported_feature_is_refused():
    shapes = Graph()
    shapes.parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:x-test:s> a sh:NodeShape ; sh:targetNode <urn:x-test:n> ;
            sh:message "m"@en ; sh:maxLength 3 .
        """,
        format="turtle",
    )
    with pytest.raises(Unsupported, match="maxLength"):
        validate_store(OxigraphStore(), shapes)
    assert SH.maxLength  # the feature named above is SHACL Core, just not implemented here
