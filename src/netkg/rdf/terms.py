"""Converting RDF terms between rdflib and Oxigraph, and writing a term as SPARQL/N-Triples text.

Oxigraph's constructors validate (an IRI with a space or '>' is refused) and its str() is exact
N-Triples, so a term written through here cannot change the shape of a query it is placed in.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from netkg.iris import RDF_LANGSTRING as _RDF_LANGSTRING
from netkg.iris import XSD_STRING as _XSD_STRING
from netkg.rdf.clauses import nesting_refused, service_as_graph

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal  # an Oxigraph term as netkg reads RDF 1.1
# what pyoxigraph may hand back in a term position: RDF 1.2 triple terms too (netkg reads none)
AnyOxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


_XSD = "http://www.w3.org/2001/XMLSchema#"
# Oxigraph stores a literal of these datatypes as one of another: "3"^^xsd:byte is kept as
# "3"^^xsd:integer, a dateTimeStamp as a dateTime. What reads the store cannot see the datatype
# the data gave, so a fast part that would read it refuses such data (see `altered`).
STORED_AS: dict[URIRef, URIRef] = {
    **{
        URIRef(_XSD + name): URIRef(_XSD + "integer")
        for name in (
            "byte",
            "short",
            "int",
            "long",
            "unsignedByte",
            "unsignedShort",
            "unsignedInt",
            "unsignedLong",
            "positiveInteger",
            "nonNegativeInteger",
            "negativeInteger",
            "nonPositiveInteger",
        )
    },
    URIRef(_XSD + "dateTimeStamp"): URIRef(_XSD + "dateTime"),
}
_STORED_AS_OX = frozenset(str(d) for d in STORED_AS)


def stored_as_another(literal: ox.Literal) -> bool:
    """Whether Oxigraph would store this literal with another datatype (STORED_AS)."""
    return literal.datatype.value in _STORED_AS_OX


def altered(value: Literal | ox.Literal, where: str = "") -> str:
    """What a store would change about a literal of a STORED_AS datatype, said for a person."""
    datatype = URIRef(
        value.datatype.value if isinstance(value, ox.Literal) else str(value.datatype)
    )
    lexical = value.value if isinstance(value, ox.Literal) else str(value)
    short = datatype.replace(_XSD, "xsd:")
    into = STORED_AS[datatype].replace(_XSD, "xsd:")
    return f'{where}"{lexical}"^^{short} (Oxigraph stores it as {into})'


def canonical_decimal(text: str) -> str:
    """A decimal as Oxigraph stores it (no trailing zeros, no '.0'); rdflib keeps the form a
    file gives (1000000.0), so netkg writes it this way wherever an engine's form would show."""
    try:
        return format(Decimal(text).normalize(), "f")
    except InvalidOperation:
        return text


def to_ox(term: Node) -> OxTerm:
    """An rdflib term as an Oxigraph term; ValueError if it is not a valid RDF term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"not an RDF term: {term!r}")


def from_ox(term: OxTerm) -> Node:
    """An Oxigraph term as rdflib's; xsd:string literals become plain, as rdflib parses them."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _RDF_LANGSTRING):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise ValueError(f"not an RDF term: {term!r}")


def plain(term: AnyOxTerm | None) -> OxTerm:
    """The term as RDF 1.1 knows it; ValueError for an RDF 1.2 triple term (or nothing).

    pyoxigraph types every term position as a union that includes triple terms; this is where
    netkg narrows it, once, instead of at every use."""
    if term is None or isinstance(term, ox.Triple):
        raise ValueError(f"not an RDF 1.1 term: {term}")
    return term


def text_of(term: AnyOxTerm) -> str:
    """An IRI's, a blank node's or a literal's own text; a triple term's N-Triples."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def solutions(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QuerySolutions:
    """A SELECT query's solutions (pyoxigraph types every query's result as one union)."""
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("not a SELECT query")
    return result


def ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> bytes:
    """Triples as an N-Triples document, written directly (rdflib's serializer is ten times
    slower): IRIs as <…>, other terms by to_sparql(), each distinct one written once."""
    written: dict[Node, str] = {}

    def term(t: Node) -> str:
        if isinstance(t, URIRef):
            return f"<{t}>"
        found = written.get(t)
        if found is None:
            found = written[t] = to_sparql(t)
        return found

    return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples).encode()


def to_sparql(term: Node) -> str:
    """The term in N-Triples syntax, which is valid SPARQL; validated and escaped by Oxigraph."""
    return str(to_ox(term))


def checked_iri(value: str) -> URIRef:
    """The value as an IRI, validated by Oxigraph; ValueError if it is not a valid IRI."""
    return URIRef(ox.NamedNode(value).value)


def is_iri(value: str) -> bool:
    """True if the value is a valid absolute IRI."""
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


@contextmanager
def ill_typed_quietly() -> Iterator[None]:
    """Make literals without rdflib's log line and traceback for each ill-typed one (a remote
    store's answers may hold them: Virtuoso gives `"6"^^xsd:duration`). Such a literal is still
    made, marked `ill_typed`, and netkg reports it where it matters."""
    log = logging.getLogger("rdflib.term")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(level)


def canonical_ntriples(data: bytes) -> set[str]:
    """The triples of an N-Triples document with blank nodes canonicalised, as comparable text.

    Two stores may rename blank nodes; after canonicalisation the same graph gives the same set.
    """
    dataset = ox.Dataset(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(quad) for quad in dataset}


def sparql_syntax_error(text: str, prefixes: dict[str, str]) -> str | None:
    """Oxigraph's message if the text is not valid SPARQL 1.1, else None. Parses, never fetches.

    Brackets nested too deep are refused before the parser sees them (it would overflow its
    stack), and SERVICE is parsed as GRAPH (the same operands), so the empty store this parses
    on cannot reach another host whatever the text says.
    """
    refused = nesting_refused(text)
    if refused is not None:
        return refused
    try:
        ox.Store().query(service_as_graph(text), prefixes=prefixes)
    except SyntaxError as exc:
        return str(exc)
    return None
