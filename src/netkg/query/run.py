"""Answering a catalogue query (or any .rq file) with bound parameters on any engine."""

from __future__ import annotations

from typing import Protocol

from rdflib.term import Node

from netkg.query.catalogue import CatalogueQuery
from netkg.rdf.store import QueryAnswer


class Engine(Protocol):
    """Anything that answers SPARQL with pre-bound variables: a Store or a RemoteEndpoint."""

    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> QueryAnswer: ...


def run(
    engine: Engine,
    query: CatalogueQuery,
    params: dict[str, str] | None = None,
    check: bool = True,
) -> QueryAnswer:
    """Bind the declared parameters (defaults, then the given values) and run the query.

    With `check`, a given IRI value the graph does not know is a UsageError listing the known
    values, rather than a silent empty answer.
    """
    bindings = query.bindings(params)
    if check and params:
        from netkg.query.checks import check_values

        check_values(engine, query, {k: v for k, v in params.items() if v.strip()})
    return engine.query(query.text, bindings)
