"""Labels beside IRIs: a `<column>Label` column after each column that holds IRIs.

The labels come from one helper query (queries/internal/labels.rq: rdfs:label,
skos:prefLabel or foaf:name in the wanted language), so this works on any backend.
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.term import Node

from netkg.rdf.results import ResultTable
from netkg.rdf.store import Backend


def label_map(backend: Backend, lang: str = "en") -> dict[URIRef, Node]:
    """Every labelled resource's label in `lang` (or its label without a language)."""
    from netkg.query.checks import internal_query

    table = backend.query(internal_query("labels").text, {"lang": Literal(lang)}).table
    return {row[0]: row[1] for row in table or [] if isinstance(row[0], URIRef) and row[1]}


def with_labels(backend: Backend, table: ResultTable, lang: str = "en") -> ResultTable:
    """The table with a `<column>Label` column after each IRI column that has none yet."""
    iri_columns = [
        i
        for i, name in enumerate(table.columns)
        if f"{name}Label" not in table.columns
        and any(isinstance(row[i], URIRef) for row in table.rows)
    ]
    if not iri_columns:
        return table
    labels = label_map(backend, lang)
    columns: list[str] = []
    for i, name in enumerate(table.columns):
        columns.append(name)
        if i in iri_columns:
            columns.append(f"{name}Label")
    rows = []
    for row in table.rows:
        cells: list[Node | None] = []
        for i, term in enumerate(row):
            cells.append(term)
            if i in iri_columns:
                cells.append(labels.get(term) if isinstance(term, URIRef) else None)
        rows.append(tuple(cells))
    return ResultTable(columns, rows)
