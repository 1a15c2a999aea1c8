"""A catalogue answer as plain rows of short names, comparable across engines and endpoints.

GROUP_CONCAT has no order in SPARQL 1.1 and IRI lists come space-separated, so such columns are
compared as sets of their parts. A decimal is shown in its canonical form: Oxigraph stores
1000000.0 as the decimal 1000000 (the same value), rdflib keeps the spelling of the file.
Used wherever a test compares answers: the catalogue, the remote endpoint, the published
stores, imports and comparisons.
"""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import XSD

from netkg.api import KnowledgeGraph
from netkg.rdf.results import short
from netkg.rdf.terms import canonical_decimal

# GROUP_CONCAT has no order in SPARQL 1.1: these columns are compared as sets of parts.
CONCATENATED = {
    "resulting",
    "authorPost",
    "authors",
    "broader",
    "about",
    "via",
    "pillarLabels",
    "municipalityLabels",
    "sourceLabels",
}
SPACE_SEPARATED = {"sources", "codings", "properties"}  # lists of IRIs
HOSTILE = 'en" } UNION { ?s ?p ?o } #'  # a string parameter that tries to end the query


def rows(kg: KnowledgeGraph, name: str, **params: object) -> list[tuple[str, ...]]:
    """The answer to catalogue query `name`: one tuple of short names per row."""
    table = kg.query(name, **params)
    return [
        tuple(
            normalise(col, short(canonical(term)))
            for col, term in zip(table.columns, row, strict=True)
        )
        for row in table.rows
    ]


def normalise(column: str, value: str) -> str:
    """A value with the parts of a concatenated column in a fixed order."""
    if column in CONCATENATED:
        return " | ".join(sorted(part for part in value.split(" | ") if part))
    if column in SPACE_SEPARATED:
        return " ".join(sorted(value.split()))
    return value


def canonical(term: object) -> object:
    """A decimal literal in its canonical spelling (1000000.0 as 1000000); any other term as is."""
    if isinstance(term, Literal) and term.datatype == XSD.decimal and not term.ill_typed:
        return Literal(canonical_decimal(str(term)), datatype=XSD.decimal)
    return term
