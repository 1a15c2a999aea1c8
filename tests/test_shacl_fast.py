"""The fast SHACL validator (netkg.pipeline.validate.compiled) against the reference (pyshacl).

Same findings — severity, focus node, path, constraint component, value, rule and messages — on
every shape fixture (validated as `netkg validate FILE` does, in the shipped context), on the
shipped data and on synthetic municipalities with seeded violations (compared as
support.findings normalises them: blank node labels and number spellings left out).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from netkg.pipeline.flow.context import validate_files
from netkg.pipeline.flow.parts import parts
from netkg.pipeline.inputs.layout import Source, input_graph
from netkg.pipeline.inputs.load import load_sources, parse_file
from netkg.pipeline.reason.reference import infer
from netkg.pipeline.validate.compiled import validate_store
from netkg.pipeline.validate.compiler import Unsupported
from netkg.pipeline.validate.reference import validate_graph
from netkg.pipeline.validate.shapes import load_shapes
from netkg.rdf.store import OxigraphStore
from support import synthetic
from support.findings import findings
from support.oracle import oracle_params, with_context

FIXTURES = sorted((Path(__file__).parent / "shapes").rglob("*.ttl"))
SHAPES = load_shapes()


def both(
    data: Graph, focus: set | None = None, shapes: Graph = SHAPES
) -> tuple[list[tuple], list[tuple]]:
    reference = validate_graph(data, shapes, focus_filter=focus)
    store = OxigraphStore()
    store.store.load(
        data.serialize(format="nt", encoding="utf-8"),
        format=ox.RdfFormat.N_TRIPLES,
        to_graph=ox.NamedNode("urn:x-test:data"),
    )
    fast = validate_store(store, shapes, focus_filter=focus)
    assert fast.conforms == reference.conforms
    return findings(reference), findings(fast)


@pytest.mark.parametrize("fixture", oracle_params(FIXTURES))
def test_fixture_gives_the_same_findings(fixture: Path, oracle):
    graph = oracle.graph(fixture)  # parsed once, reasoned once for test_rules too
    data = oracle.in_context(fixture)
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


def test_seeded_violations_give_the_same_findings(tmp_path: Path, oracle):
    data = Graph()
    for path in synthetic.write(tmp_path, 14, seeded=True):
        parse_file(path, into=data)
    reference, fast = both(with_context(data, infer([oracle.axioms(), data]).graph))
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


PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <urn:x-test:> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
# Shapes the compiled validator refuses, by the feature it names (the W3C suite holds the rest).
REFUSALS = {
    "sh:sparql": """ex:s a sh:NodeShape ; sh:targetNode ex:n ; sh:sparql ex:constraint .""",
    "recursive shapes": """ex:s a sh:NodeShape ; sh:targetNode ex:n ;
        sh:property [ sh:path ex:knows ; sh:node ex:s ] .""",
    "sh:closed on a property shape": """ex:s a sh:PropertyShape ; sh:targetNode ex:n ;
        sh:path ex:p ; sh:closed true .""",
    "sh:flags other than i and m": """ex:s a sh:NodeShape ; sh:targetNode ex:n ;
        sh:pattern "a.b" ; sh:flags "s" .""",
    "sh:datatype of a type Oxigraph stores as another": """ex:s a sh:PropertyShape ;
        sh:targetNode ex:n ; sh:path ex:p ; sh:datatype xsd:nonNegativeInteger .""",
    "an ill-formed shape": """ex:s a sh:NodeShape ; sh:targetNode ex:n ; sh:minCount 1 .""",
    "an implicit class target pyshacl reads otherwise": """ex:Kind rdfs:subClassOf rdfs:Class .
        ex:Sub rdfs:subClassOf ex:Kind .
        ex:C a ex:Sub , sh:NodeShape ; sh:in ( ex:a ) .""",
}


@pytest.mark.parametrize("feature", REFUSALS)
def test_what_is_not_implemented_is_refused(feature: str):
    shapes = Graph().parse(data=PREFIXES + REFUSALS[feature], format="turtle")
    with pytest.raises(Unsupported) as refused:
        validate_store(OxigraphStore(), shapes)
    assert refused.value.feature == feature


def test_values_compared_differently_are_refused():
    """sh:lessThan on IRIs: SPARQL's `<` cannot compare them, pyshacl compares their text."""
    shapes = Graph().parse(
        data=PREFIXES + "ex:s a sh:PropertyShape ; sh:targetNode ex:n ; sh:path ex:p ; "
        "sh:lessThan ex:q .",
        format="turtle",
    )
    store = OxigraphStore()
    store.store.load(
        b"<urn:x-test:n> <urn:x-test:p> <urn:x-test:a> ; <urn:x-test:q> <urn:x-test:b> .",
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode("urn:x-test:data"),
    )
    with pytest.raises(Unsupported, match="IRI or blank node"):
        validate_store(store, shapes)


def test_the_validate_step_falls_back_to_pyshacl_with_a_notice(capsys):
    """A SHACL-SPARQL constraint: the step says so and gives pyshacl's answer."""
    shapes = Graph().parse(
        data=PREFIXES
        + """ex:s a sh:NodeShape ; sh:targetNode ex:n ; sh:message "typed T" ;
            sh:sparql [ a sh:SPARQLConstraint ; sh:select "SELECT $this WHERE { $this a ex:T }" ;
                        sh:prefixes ex:ontology ] .
            ex:ontology sh:declare [ sh:prefix "ex" ; sh:namespace "urn:x-test:"^^xsd:anyURI ] .""",
        format="turtle",
    )
    store = OxigraphStore()
    graph = URIRef("urn:x-test:data")
    store.store.load(
        b"<urn:x-test:n> a <urn:x-test:T> .",
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(str(graph)),
    )
    report = parts("fast").validator.validate(store, [graph], shapes)
    notice = "netkg: the compiled shapes do not implement sh:prefixes; validating with pyshacl"
    assert notice in capsys.readouterr().err
    assert [(str(f.focus), f.component, f.message()) for f in report.findings] == [
        ("urn:x-test:n", SH.SPARQLConstraintComponent, "typed T")
    ]


def test_a_shape_without_a_message_gets_pyshacl_s_message():
    """A project's shapes need no sh:message: the compiled shapes answer, worded as pyshacl."""
    shapes = Graph().parse(
        data=PREFIXES
        + """ex:Person a rdfs:Class , sh:NodeShape ;
            sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:datatype xsd:string ] .""",
        format="turtle",
    )
    data = Graph()  # as netkg hands data to pyshacl: no prefixes of the file's
    for triple in Graph().parse(
        data=PREFIXES + "ex:ann a ex:Person . ex:bob a ex:Person ; ex:name 7 .", format="turtle"
    ):
        data.add(triple)
    reference, fast = both(data, shapes=shapes)
    assert fast == reference
    assert [f[6] for f in fast] == [
        (("en", "Less than 1 values on <urn:x-test:ann>->ex:name"),),  # the shapes are prefixed
        (("en", "Value is not Literal with datatype xsd:string"),),
    ]


def test_a_property_shape_in_a_property_shape_checks_the_values():
    """The nested property shape runs on each value (ex:m), not on the focus node (ex:n)."""
    shapes = Graph().parse(
        data=PREFIXES
        + """ex:s a sh:NodeShape ; sh:targetNode ex:n ; sh:message "m" ;
            sh:property [ sh:path ex:member ; sh:message "m" ;
                sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "no name" ] ] .""",
        format="turtle",
    )
    data = Graph()
    for triple in Graph().parse(
        data=PREFIXES + 'ex:n ex:name "N" ; ex:member ex:m .', format="turtle"
    ):
        data.add(triple)
    reference, fast = both(data, shapes=shapes)
    assert fast == reference
    assert [(f[1], f[2], f[6]) for f in fast] == [
        ("urn:x-test:m", "urn:x-test:name", (("en", "no name"),))
    ]


def test_a_value_of_a_derived_integer_type_is_no_integer(tmp_path, capsys):
    """Oxigraph keeps "3"^^xsd:byte as "3"^^xsd:integer: netkg's load lists what the store
    changed, the compiled shapes refuse such a store, and the flow validates with pyshacl."""
    shapes = Graph().parse(
        data=PREFIXES + "ex:s a sh:PropertyShape ; sh:targetNode ex:n ; sh:path ex:p ; "
        'sh:datatype xsd:integer ; sh:message "m" .',
        format="turtle",
    )
    path = tmp_path / "byte.ttl"
    path.write_text(PREFIXES + '\nex:n ex:p "3"^^xsd:byte .\n', encoding="utf-8")
    store = OxigraphStore()
    load_sources([Source(path, input_graph(path), "input")], store)
    line = PREFIXES.count("\n") + 2
    assert store.altered == [f'{path}:{line}: "3"^^xsd:byte (Oxigraph stores it as xsd:integer)']
    with pytest.raises(Unsupported, match="data whose datatype Oxigraph changes"):
        validate_store(store, shapes)
    fast = validate_files([path], reason=False, shapes=shapes, engine="fast")
    assert "validating with the reference engine instead" in capsys.readouterr().err
    reference = validate_files([path], reason=False, shapes=shapes, engine="reference")
    assert findings(fast) == findings(reference)
    assert [(f[1], f[2]) for f in findings(fast)] == [("urn:x-test:n", "urn:x-test:p")]
