"""netkg's own queries (queries/internal/): headers, both engines, written-out answers.

They are the catalogue's queries that commands run for themselves (diagram, compare, serve and
site, publish, reading quads remotely), so they are held to the catalogue's rules.
"""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from netkg.errors import UsageError
from netkg.iris import GRAPH, MUN, NKG
from netkg.query.catalogue import CatalogueQuery, find_query, load_catalogue
from netkg.rdf.binding import query_form
from support.answers import rows

INTERNAL = {n: q for n, q in load_catalogue(internal=True).items() if q.kind == "internal"}
PARAMS = {
    "diagram-head": {"municipality": "mun:albertslund", "lang": "da"},
    "diagram-units": {"municipality": "mun:albertslund"},
    "diagram-networks": {"municipality": "mun:albertslund"},
    "diagram-members": {"municipality": "mun:albertslund"},
    "graph-size": {"graph": "graph:ontology"},
    "quads": {"s": "mun:albertslund", "p": "rdfs:label"},
    "gaps-about": {"property": "org:hasMember"},
    "known-values": {"ns": "https://w3id.org/netkg/id/municipality/"},
    "resource-exists": {"resource": "mun:albertslund"},
    "term-used": {"term": "nkg:municipalityCode"},
}
# the evidence check's reads (derived.evidence_store), run by the fast build on Oxigraph only:
# rdflib takes minutes over their GRAPH joins, and their reference is derived.evidence's reading
# of rdflib graphs, which tests/test_evidence_store.py holds equal to them
FAST_ONLY = {
    "support-archives",
    "support-coverage",
    "support-facts",
    "support-quotes",
}
BOTH = {n: q for n, q in INTERNAL.items() if n not in FAST_ONLY}


def test_internal_queries_are_kept_out_of_the_researchers_list():
    assert set(INTERNAL) >= {"diagram-head", "municipality-labels", "graph-size", "quads"}
    assert not set(INTERNAL) & set(load_catalogue())
    assert find_query("graph-size").kind == "internal"  # but commands find them by name


@pytest.mark.parametrize("query", INTERNAL.values(), ids=list(INTERNAL))
def test_header_is_complete(query: CatalogueQuery, kg_reference, kg):
    assert query.title and query.question, query.path
    for param in query.params:
        assert param.description, f"{query.name}: parameter {param.name} has no description"
    engine = kg if query.name in FAST_ONLY else kg_reference
    answer = engine.answer(query.name, **PARAMS.get(query.name, {}))
    if query_form(query.text) == "ASK":
        assert answer.boolean is not None and query.columns == ()
    else:
        assert tuple(answer.table.columns) == query.columns, "Columns: header differs from SELECT"


@pytest.mark.parametrize("query", BOTH.values(), ids=list(BOTH))
def test_oxigraph_engine_gives_the_same_answers(query: CatalogueQuery, kg_reference, kg):
    params = PARAMS.get(query.name, {})
    if query_form(query.text) == "ASK":
        assert (
            kg_reference.answer(query.name, **params).boolean
            == kg.answer(query.name, **params).boolean
        )
        return
    assert sorted(_unlabelled(rows(kg, query.name, **params))) == sorted(
        _unlabelled(rows(kg_reference, query.name, **params))
    )


def _unlabelled(found: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Rows with blank nodes unlabelled: each engine labels them its own way."""
    return [tuple("_:" if v.startswith("_:") else v for v in row) for row in found]


def test_diagram_head_names_albertslunds_network_structure(kg):
    assert rows(kg, "diagram-head", municipality="mun:albertslund", lang="da") == [
        (
            "Albertslund Kommune",
            "alb:network-structure",
            "Netværksstrukturen i Albertslund Kommune",
            "alb:unit-sekretariat-netvaerksstrukturen",
        )
    ]


def test_diagram_networks_of_albertslund(kg):
    found = rows(kg, "diagram-networks", municipality="mun:albertslund", lang="en")
    assert len(found) == 10
    assert ("alb:network-haervaerk", "Hærværk (Vandalism)", "Welfare network", "") in found


def test_municipality_labels(kg):
    labels = dict(rows(kg, "municipality-labels", lang="en"))
    assert labels["mun:albertslund"] == "Albertslund Municipality"
    assert len(labels) == 98  # all of Denmark, described or only listed


def test_graph_size_counts_one_named_graph(kg):
    assert rows(kg, "graph-size", graph="graph:ontology") == [
        (str(kg.backend.count(GRAPH["ontology"])),)
    ]
    with pytest.raises(UsageError, match="no graph 'graph:no-such-graph' in the graph"):
        rows(kg, "graph-size", graph="graph:no-such-graph")  # refused, not a silent 0


def test_term_used_as_a_property_or_a_class(kg):
    def used(term: str) -> bool | None:  # asked as `netkg query` asks it (no value check)
        return kg.sparql(find_query("term-used").text, {"term": URIRef(term)}).boolean

    assert used(str(NKG.municipalityCode)) is True  # a property of the data
    assert used(str(NKG.Network)) is True  # a class with members
    assert used(str(NKG.Netwrok)) is False  # misspelt
    assert used(str(MUN["albertslund"])) is False  # neither


def test_published_subjects_are_netkgs_own_iris(kg):
    subjects = {s for (s,) in rows(kg, "published-subjects")}
    assert "mun:albertslund" in subjects
    assert not [s for s in subjects if s.startswith("org:")]


def test_quads_of_a_subject(kg):
    found = sorted(rows(kg, "quads", s="mun:albertslund", p="rdfs:label"))
    assert [(s, p, o) for s, p, o, _ in found] == [
        ("mun:albertslund", "rdfs:label", "Albertslund Kommune"),
        ("mun:albertslund", "rdfs:label", "Albertslund Municipality"),
    ]


def test_handle_reads_quads_labels_and_short_names(kg):
    quads = list(kg.quads(MUN["albertslund"], URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    assert {q[2] for q in quads} == {
        Literal("Albertslund Kommune", lang="da"),
        Literal("Albertslund Municipality", lang="en"),
    }
    assert kg.label(MUN["albertslund"], "da") == "Albertslund Kommune"
    assert kg.label(MUN["albertslund"]) == "Albertslund Municipality"
    assert kg.shorten(MUN["albertslund"]) == "mun:albertslund"
