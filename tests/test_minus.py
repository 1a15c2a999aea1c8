"""netkg.rdf.minus: MINUS by hashing gives rdflib's own answers (SPARQL 1.1 § 8 examples)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import evaluate

from netkg.rdf import minus

DATA = """\
@prefix : <http://example.org/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
:alice foaf:givenName "Alice" ; foaf:familyName "Smith" .
:bob   foaf:givenName "Bob" ; foaf:familyName "Jones" .
:carol foaf:givenName "Carol" ; foaf:familyName "Smith" .
:a :p 1 ; :q 1, 2 .
:b :p 3.0 ; :q 4.0, 5.0 .
:c :p 01 .
"""
PREFIX = "PREFIX : <http://example.org/> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
EX = "http://example.org/"

# query -> its answer, as sorted rows of text (written out from SPARQL 1.1 § 8)
CASES = {
    # § 8.2: people whose given name is not "Bob"
    "SELECT DISTINCT ?s WHERE { ?s foaf:givenName ?o MINUS { ?s foaf:givenName 'Bob' } }": [
        (EX + "alice",),
        (EX + "carol",),
    ],
    # § 8.3.1: no variable shared, so nothing is removed
    "SELECT ?s WHERE { ?s foaf:familyName 'Jones' MINUS { ?x ?y ?z } }": [(EX + "bob",)],
    # § 8.3.3: ?n is not bound inside the MINUS, so its FILTER removes nothing
    "SELECT ?x ?n WHERE { ?x :p ?n MINUS { ?x :q ?m FILTER (?n = ?m) } }": [
        (EX + "a", "1"),
        (EX + "b", "3.0"),
        (EX + "c", "1"),
    ],
    # right rows binding different variables (a UNION): each group is checked on its own
    "SELECT ?s WHERE { ?s foaf:familyName ?f MINUS { { ?s foaf:givenName 'Carol' } UNION "
    "{ ?s2 foaf:familyName ?f FILTER (?f = 'Jones') } } }": [(EX + "alice",)],
    # the shared variable is unbound in some left rows (OPTIONAL): those rows stay
    "SELECT ?s ?q WHERE { ?s foaf:givenName ?g OPTIONAL { ?s :q ?q } MINUS { ?s foaf:familyName "
    "'Smith' } }": [(EX + "bob", "None")],
    # literals: 01 is read as 1 (rdflib normalises), 3.0 is not 3
    "SELECT ?x WHERE { ?x :p ?n MINUS { VALUES ?n { 1 3 } } }": [(EX + "b",)],
}


def answer(query: str) -> list[tuple[str, ...]]:
    graph = Graph().parse(data=DATA, format="turtle")
    return sorted(tuple(str(v) for v in row) for row in graph.query(PREFIX + query))


@pytest.fixture
def rdflib_minus():
    """rdflib's own MINUS for the test, netkg's again afterwards."""
    evaluate._minus = minus._RDFLIB_MINUS
    yield
    minus.install()


@pytest.mark.parametrize("query", CASES)
def test_hashed_minus_gives_the_written_answer(query: str) -> None:
    assert minus.install()
    assert evaluate._minus is minus.hashed_minus
    assert answer(query) == CASES[query]


@pytest.mark.parametrize("query", CASES)
def test_rdflib_own_minus_gives_the_same_answer(query: str, rdflib_minus) -> None:
    assert evaluate._minus is minus._RDFLIB_MINUS
    assert answer(query) == CASES[query]


def test_initial_bindings_take_rdflib_own_minus() -> None:
    """rdflib looks a variable a row lacks up in the initial bindings: such a query gets
    rdflib's own MINUS, and its answer."""
    minus.install()
    graph = Graph().parse(data=DATA, format="turtle")
    query = PREFIX + "SELECT ?s WHERE { ?s foaf:familyName ?f MINUS { ?s foaf:givenName ?g } }"
    rows = graph.query(query, initBindings={"g": Literal("Bob")})
    assert sorted(str(r[0]) for r in rows) == [EX + "alice", EX + "carol"]
    assert URIRef(EX + "bob") not in {r[0] for r in rows}
