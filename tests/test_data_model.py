"""The data-model page and docs (issue 22, item 11): every link the diagram draws is one the
data makes (or, where no data uses it yet, the ontology's domain and range allow), and the
committed diagram and docs are what netkg.web.datamodel writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import URIRef

from netkg.iris import expand
from netkg.query.graph import KnowledgeGraph
from netkg.web.datamodel import EDGES, classes, markdown, svg

REPO = Path(__file__).resolve().parents[1]
SVG = REPO / "src" / "netkg" / "web" / "static" / "data-model.svg"
IN_DATA = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
ASK { ?s a ?subject ; ?property ?o . ?o a ?object }
"""
IN_ONTOLOGY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
ASK {
  ?property rdfs:domain ?domain ; rdfs:range ?range .
  ?subject rdfs:subClassOf* ?domain .
  ?object rdfs:subClassOf* ?range .
}
"""
NOT_YET_IN_DATA = {  # links the diagram draws that no shipped data uses yet
    ("nkg:Network", "org:hasMember"),  # Albertslund's sources name no member units (a gap)
}


@pytest.mark.parametrize("edge", EDGES, ids=[f"{e.subject} {e.property}" for e in EDGES])
def test_every_link_of_the_diagram_is_in_the_data_or_the_ontology(edge, kg: KnowledgeGraph):
    terms = {k: URIRef(expand(getattr(edge, k)) or "") for k in ("subject", "property", "object")}
    found = kg.sparql(IN_DATA, terms).boolean
    if (edge.subject, edge.property) in NOT_YET_IN_DATA:
        assert not found, "data uses it now: take it out of NOT_YET_IN_DATA"
        assert kg.sparql(IN_ONTOLOGY, terms).boolean, edge
    else:
        assert found, edge


def test_the_docs_page_is_what_the_module_writes():
    assert (REPO / "docs" / "data-model.md").read_text(encoding="utf-8") == markdown()


def test_the_committed_diagram_names_every_class_and_link():
    text = SVG.read_text(encoding="utf-8")
    for name in classes() + [e.property for e in EDGES]:
        assert f">{name}</text>" in text, name
    if shutil.which("dot"):
        assert svg() == SVG.read_bytes(), "run python -m netkg.web.datamodel"


def test_the_site_and_the_server_have_the_page(shipped_site):
    page = (shipped_site / "data-model.html").read_text(encoding="utf-8")
    assert page.count("<tr><td>") == len(EDGES)
    assert 'src="static/data-model.svg"' in page
    assert (shipped_site / "static" / "data-model.svg").is_file()
    assert 'href="data-model.html"' in (shipped_site / "index.html").read_text()
