"""The Python API a researcher uses from a notebook."""

from __future__ import annotations

import pandas as pd

import netkg
from netkg.api import KnowledgeGraph


def test_load_query_and_dataframe(built):
    kg = KnowledgeGraph(built.store)
    table = kg.query("counts", municipality="albertslund")
    assert table.columns == ["municipality", "measure", "type", "status", "count"]
    frame = kg.dataframe("counts", municipality="albertslund")
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == table.columns
    welfare = frame[(frame.measure == "declared networks") & (frame.type == "Welfare network")]
    assert welfare["count"].tolist() == [15]  # numbers come back as numbers
    assert frame["municipality"].iloc[0] == "mun:albertslund"  # as netkg prints it
    full = kg.dataframe("counts", municipality="albertslund", full_iris=True)
    assert full["municipality"].iloc[0] == "https://w3id.org/netkg/id/municipality/albertslund"


def test_module_level_api_builds_in_memory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no dist/ here: netkg.load_graph() builds in memory
    kg = netkg.load_graph()
    assert len(kg.query("networks")) == 10
    catalogue = netkg.queries()
    assert catalogue["networks"].question.startswith("Which networks exist in M")
    assert [p.name for p in catalogue["networks"].params] == ["municipality", "lang", "asOf"]


def test_load_given_files_and_validate_them(tmp_path):
    path = tmp_path / "mine.ttl"
    path.write_text(
        "@prefix nkg: <https://w3id.org/netkg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/netkg/synthetic/test/m> a nkg:Municipality ;\n"
        '    rdfs:label "Prøve"@da , "Test"@en ; nkg:municipalityCode "12" .\n'
    )
    kg = netkg.load_graph([path], engine="oxigraph")
    got = kg.sparql("SELECT ?code WHERE { ?m nkg:municipalityCode ?code }").table
    assert [str(r[0]) for r in got] == ["12"]
    report = netkg.validate_files([path])
    assert not report.conforms
    assert [f.name for f in report.findings if f.severity_name == "Violation"] == [
        "Municipality code"
    ]


def test_ask_and_construct_answers(built):
    kg = KnowledgeGraph(built.store)
    assert kg.sparql("ASK { mun:albertslund a nkg:NetworkBasedOrganisation }").boolean is True
    graph = kg.sparql(
        "CONSTRUCT { ?n rdfs:label ?l } WHERE { ?n a nkg:Network ; rdfs:label ?l "
        'FILTER (LANG(?l) = "da") }'
    ).graph
    assert len(graph) == 10
