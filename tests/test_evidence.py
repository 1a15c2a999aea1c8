"""A quote behind every fact: quotes are checked against their archived excerpts, every fact
about a real entity is supported (quoted, derived with a stated inference, or only in netkg's
brief), and the build reports how many are which (the rules themselves: tests/test_support.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, RDFS, XSD

from netkg.iris import ID, NKG, ORG
from netkg.pipeline.derived.evidence import (
    SUPPORT_GRAPH,
    QuoteNotFound,
    UnsupportedFact,
    archived_text,
    check,
    is_fact,
    support_graph,
)
from netkg.pipeline.derived.support import DERIVED, QUOTED, Verdict, collapse, first_missing_segment
from netkg.pipeline.flow.build import build
from netkg.pipeline.flow.write import write
from netkg.pipeline.inputs.layout import Source, default_sources, municipality_graph, root

HERE = Path(__file__).parent / "evidence"
PREFIXES = """
@prefix nkg:  <https://w3id.org/netkg/ontology#> .
@prefix id:   <https://w3id.org/netkg/id/test/> .
@prefix ex:   <https://w3id.org/netkg/synthetic/test/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""


def graph(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


def test_whitespace_is_collapsed():
    assert collapse("  Prøvenetværket blev\n igangsat\t i foråret 2015 ") == (
        "Prøvenetværket blev igangsat i foråret 2015"
    )


def test_a_quote_that_wraps_differently_is_found():
    text = archived_text(HERE / "excerpt.txt")
    assert first_missing_segment("igangsat i foråret 2015 og ledes af Testperson.", [text]) is None


def test_the_header_of_an_excerpt_file_is_no_source_of_quotes():
    text = archived_text(HERE / "excerpt.txt")
    assert first_missing_segment("a synthetic test page", [text]) == "a synthetic test page"


def test_a_source_without_an_archive_is_refused():
    data = graph("""
        id:evidence a nkg:Evidence ; prov:wasQuotedFrom ex:page ; nkg:quote "x"@en .
    """)
    with pytest.raises(QuoteNotFound, match="no archived text"):
        check([data], [], root())


def test_facts_are_statements_about_real_entities_and_classifications_count():
    data = graph("""
        id:network a nkg:Network ; rdfs:label "Net"@da ;
            nkg:startYear "2015"^^xsd:gYear .
        id:gap a nkg:KnowledgeGap ; nkg:gapAbout id:network .
        id:search a nkg:Search ; nkg:startYear "2015"^^xsd:gYear .
        id:page a foaf:Document .
        id:initiative a nkg:CoCreationInitiative .
        id:coding a nkg:TypeCoding ; nkg:codedItem id:initiative ;
            nkg:codedClass nkg:CoCreationInitiative .
        ex:synthetic nkg:startYear "2015"^^xsd:gYear .
    """)
    facts = sorted(
        (str(s).rsplit("/", 1)[-1], str(p).rsplit("#", 1)[-1], str(o).rsplit("#", 1)[-1])
        for s, p, o in data
        if is_fact(data, s, p, o)
    )
    # labels, gaps, searches, evidence, other vocabularies' classes, synthetic resources and a
    # classification a coding marks as netkg's interpretation are not facts
    assert facts == [("network", "startYear", "2015"), ("network", "type", "Network")]


def test_the_build_stops_at_a_quote_missing_from_its_excerpt():
    fixture = HERE / "quote-not-in-excerpt.ttl"
    sources = [*default_sources(), Source(fixture, municipality_graph(fixture), "municipality")]
    with pytest.raises(QuoteNotFound) as caught:
        build(sources, validate=False)
    message = str(caught.value)
    assert "tests/evidence/quote-not-in-excerpt.ttl:15: quote of" in message
    assert "not found verbatim in tests/evidence/excerpt.txt" in message
    assert '"Prøvenetværket blev igangsat i efteråret 2016"' in message


def test_the_build_stops_at_an_unsupported_fact():
    fixture = HERE / "support" / "wrong-number.ttl"
    sources = [*default_sources(), Source(fixture, municipality_graph(fixture), "municipality")]
    with pytest.raises(UnsupportedFact, match=r"wrong-number\.ttl:17: test:committee "):
        build(sources, validate=False)


def test_the_support_graph_records_each_fact_without_blank_node_values():
    s = ID["test/committee"]
    period = BNode()
    verdicts = [
        Verdict((s, NKG.startYear, Literal("2016", datatype=XSD.gYear)), QUOTED, (ID["test/e"],)),
        Verdict((s, ORG.memberDuring, period), DERIVED, (ID["test/e"], ID["test/f"])),
    ]
    out = support_graph(verdicts)
    records = list(out.subjects(RDF.type, NKG.FactSupport))
    assert len(records) == 2 and len(out) == 12  # 6 + 6: no value for the blank node, two sources
    kinds = {out.value(r, NKG.factProperty): out.value(r, NKG.supportKind) for r in records}
    assert kinds == {NKG.startYear: NKG.supportQuoted, ORG.memberDuring: NKG.supportDerived}
    assert period not in set(out.objects())
    assert out.identifier == SUPPORT_GRAPH


def test_every_shipped_fact_is_supported(built, tmp_path):
    assert {k: v for k, v in built.evidence.as_json().items() if not k.endswith("_facts")} == {
        "facts": 2555,
        "supported": 2555,
        "quoted": 2057,
        "derived": 472,
        "brief_only": 26,
        "unsupported": 0,
        "quotes_checked": 1868,
    }
    assert (
        "2,555 of 2,555 facts supported (2,057 quoted, 472 derived with a stated inference, 26 "
        "only in netkg's brief; 0 unsupported; 1,868 quotes checked)"
    ) in built.summary()
    write(built, tmp_path)
    report = json.loads((tmp_path / "build-report.json").read_text())["evidence"]
    assert report["unsupported"] == 0 and report["supported"] == report["facts"] == 2555
    derived = {d["fact"]: d["inference"] for d in report["derived_facts"]}
    assert derived["roskilde:initiative-musikbyudvalget nkg:politicianMembers 5"] == (
        "'fire byrådsmedlemmer udover borgmesteren' (four council members besides the mayor): "
        "five politicians."
    )
    furesoe = "furesoe:initiative-udviklingsudvalg nkg:partOfModel furesoe:model-furesoemodellen"
    assert {"fact": furesoe} in report["brief_only_facts"]
    assert len(built.store.graph(SUPPORT_GRAPH)) > 2555 * 4


def test_musikbyudvalget_is_coded_not_classified(built):
    """Its classification as a co-creation initiative is netkg's interpretation: a coding with
    its argument, so no fact; and the page's six external members are in the gap's words."""
    data = Graph()
    for name in built.store.graph_names():
        data += built.store.graph(name)
    item = ID["roskilde/initiative-musikbyudvalget"]
    codings = list(data.subjects(NKG.codedItem, item))
    assert [data.value(c, NKG.codedClass) for c in codings] == [NKG.CoCreationInitiative]
    assert not is_fact(data, item, RDF.type, NKG.CoCreationInitiative)
    comments = data.objects(ID["roskilde/gap-musikby-borgere"], RDFS.comment)
    english = next(str(c) for c in comments if c.language == "en")
    assert "four council members and six external members" in english


def test_no_access_date_without_an_archived_excerpt(built):
    data = Graph()
    for name in built.store.graph_names():
        data += built.store.graph(name)
    dated = set(data.subjects(NKG.accessed, None))
    archived = set(data.subjects(NKG.excerptFile, None)) | set(data.subjects(NKG.localCopy, None))
    assert len(dated) > 30 and dated <= archived
    files = {str(f) for f in data.objects(None, NKG.excerptFile)}
    assert [f for f in sorted(files) if not (root() / f).is_file()] == []
