"""A catalogue answer as plain rows of short names, comparable across engines and endpoints.

GROUP_CONCAT has no order in SPARQL 1.1 and IRI lists come space-separated, so such columns are
compared as sets of their parts. Used wherever a test compares answers: the catalogue, the
remote endpoint, the published stores, imports and comparisons.
"""

from __future__ import annotations

from netkg.api import KnowledgeGraph
from netkg.rdf.results import short

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
        tuple(normalise(col, short(term)) for col, term in zip(table.columns, row, strict=True))
        for row in table.rows
    ]


def normalise(column: str, value: str) -> str:
    """A value with the parts of a concatenated column in a fixed order."""
    if column in CONCATENATED:
        return " | ".join(sorted(part for part in value.split(" | ") if part))
    if column in SPACE_SEPARATED:
        return " ".join(sorted(value.split()))
    return value
