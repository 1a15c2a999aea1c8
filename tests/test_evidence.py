"""A quote behind every fact: quotes are checked against their archived excerpts, and the build
reports how many facts about real entities have one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from netkg.iris import NKG
from netkg.pipeline.derived.evidence import QuoteNotFound, check_quotes, coverage, normalise
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


def test_whitespace_is_normalised():
    assert normalise("  Prøvenetværket blev\n igangsat\t i foråret 2015 ") == (
        "Prøvenetværket blev igangsat i foråret 2015"
    )


def test_a_quote_that_wraps_differently_is_found():
    data = graph("""
        ex:page nkg:excerptFile "tests/evidence/excerpt.txt" .
        ex:evidence a nkg:Evidence ; prov:wasQuotedFrom ex:page ;
            nkg:quote "igangsat i foråret 2015 og ledes af Testperson."@da .
    """)
    assert check_quotes(data, root()) == 1


def test_a_quote_missing_from_its_excerpt_names_the_quote_and_the_file():
    data = Graph().parse(HERE / "quote-not-in-excerpt.ttl")
    with pytest.raises(QuoteNotFound) as caught:
        check_quotes(data, root())
    message = str(caught.value)
    assert "Prøvenetværket blev igangsat i efteråret 2016" in message
    assert "tests/evidence/excerpt.txt" in message


def test_the_header_of_an_excerpt_file_is_no_source_of_quotes():
    data = graph("""
        ex:page nkg:excerptFile "tests/evidence/excerpt.txt" .
        ex:evidence a nkg:Evidence ; prov:wasQuotedFrom ex:page ;
            nkg:quote "a synthetic test page"@en .
    """)
    with pytest.raises(QuoteNotFound):
        check_quotes(data, root())


def test_a_source_without_an_archive_is_refused():
    data = graph("""
        ex:evidence a nkg:Evidence ; prov:wasQuotedFrom ex:page ; nkg:quote "x"@en .
    """)
    with pytest.raises(QuoteNotFound, match="no archived text"):
        check_quotes(data, root())


def test_coverage_counts_facts_and_those_with_a_quote():
    data = graph("""
        id:network a nkg:Network ; rdfs:label "Net"@da ;
            nkg:startYear "2015"^^xsd:gYear ;
            nkg:ledBy id:anna , id:bo ;
            nkg:startPeriod "foråret 2015"@da .
        id:gap a nkg:KnowledgeGap ; nkg:gapAbout id:network .
        ex:synthetic nkg:startYear "2015"^^xsd:gYear .
        id:e1 a nkg:Evidence ; nkg:evidenceFor id:network ;
            nkg:evidenceProperty nkg:startYear , nkg:startPeriod .
        id:e2 a nkg:Evidence ; nkg:evidenceFor id:network ;
            nkg:evidenceProperty nkg:ledBy ; nkg:evidenceValue id:anna .
    """)
    # facts: startYear, ledBy anna, ledBy bo, startPeriod (labels, types, gaps, evidence and
    # resources outside …/id/ are not facts); bo's leadership has no quote
    got = coverage([data], data)
    assert (got.facts, got.quoted) == (4, 3)
    assert [(str(s).rsplit("/", 1)[-1], str(p).rsplit("#", 1)[-1]) for s, p in got.unquoted] == [
        ("network", "ledBy")
    ]
    assert got.line().startswith("3 of 4 facts about real entities have a verbatim quote (75.0 %")


def test_the_build_stops_at_a_quote_missing_from_its_excerpt():
    fixture = HERE / "quote-not-in-excerpt.ttl"
    sources = [*default_sources(), Source(fixture, municipality_graph(fixture), "municipality")]
    with pytest.raises(QuoteNotFound, match=r"not found verbatim in tests/evidence/excerpt\.txt"):
        build(sources, validate=False)


def test_every_shipped_fact_has_a_verbatim_quote(built, tmp_path):
    assert built.evidence.as_json() == {
        "facts": 534,
        "facts_with_quote": 534,
        "ratio": 1.0,
        "quotes_checked": 144,
    }
    assert "534 of 534 facts about real entities have a verbatim quote (100.0 %" in (
        built.summary()
    )
    write(built, tmp_path)
    report = json.loads((tmp_path / "build-report.json").read_text())
    assert report["evidence"]["facts_with_quote"] == report["evidence"]["facts"] == 534


def test_no_access_date_without_an_archived_excerpt(built):
    data = Graph()
    for name in built.store.graph_names():
        data += built.store.graph(name)
    dated = set(data.subjects(NKG.accessed, None))
    archived = set(data.subjects(NKG.excerptFile, None)) | set(data.subjects(NKG.localCopy, None))
    assert len(dated) > 30 and dated <= archived
    files = {str(f) for f in data.objects(None, NKG.excerptFile)}
    assert [f for f in sorted(files) if not (root() / f).is_file()] == []
