"""GROUP_CONCAT lists come out in one order on every engine (rdf/concatenation.py)."""

from __future__ import annotations

from rdflib import Literal, URIRef

from netkg.query.catalogue import find_query
from netkg.rdf.concatenation import concatenated_columns, ordered_concatenations
from netkg.rdf.results import ResultTable


def test_the_columns_and_separators_of_catalogue_queries():
    assert concatenated_columns(find_query("cocreation-coding").text) == {
        "sources": " ",
        "sourceLabels": " | ",
    }
    # inside COALESCE, with DISTINCT and a nested call, separator spelt in lower case
    assert concatenated_columns(find_query("comparison-matrix").text) == {"codings": " "}
    assert concatenated_columns(find_query("change-events").text) == {"resulting": " | "}
    assert concatenated_columns(find_query("counts").text) == {}


def test_a_comment_naming_group_concat_is_no_column():
    text = '# (GROUP_CONCAT(?x; separator="|") AS ?fake)\nSELECT ?a WHERE { ?a ?b ?c }'
    assert concatenated_columns(text) == {}
    assert concatenated_columns("SELECT (GROUP_CONCAT(?x) AS ?all) WHERE { ?x ?y ?z }") == {
        "all": " "
    }


def test_parts_are_sorted_and_other_cells_kept():
    sparql = 'SELECT ?m (GROUP_CONCAT(?l; separator=" | ") AS ?labels) WHERE {} GROUP BY ?m'
    m = URIRef("urn:x-test:m")
    table = ResultTable(
        ["m", "labels"],
        [(m, Literal("beta | Alpha | alpha", lang="en")), (m, None), (m, Literal("one"))],
    )
    got = ordered_concatenations(sparql, table)
    assert got.rows == [
        (m, Literal("Alpha | alpha | beta", lang="en")),  # case-folded, then as written
        (m, None),
        (m, Literal("one")),
    ]


def test_both_engines_join_a_group_the_same_way(kg, kg_reference):
    fast = kg.query("cocreation-coding").values()
    reference = kg_reference.query("cocreation-coding").values()
    assert fast == reference
    aarhus = next(row for row in fast if row[0] == "https://w3id.org/netkg/id/municipality/aarhus")
    assert aarhus[-1] == (
        "A Ladder of Citizen Participation: chapter abstract (Taylor & Francis) | "
        "Arnstein (1969) | Medborgerskabsudvalg i Aarhus Kommune laver ny politik for "
        "inddragelse (citizenship committee makes a new policy; Danish Board of Technology, 2016)"
    )
