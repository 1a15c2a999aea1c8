"""Answering a catalogue query (or any .rq file) with bound parameters, on any backend."""

from __future__ import annotations

from netkg.query.catalogue import CatalogueQuery
from netkg.query.checks import check_values
from netkg.rdf.store import Backend, QueryAnswer


def run(
    backend: Backend,
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
        check_values(backend, query, {k: v for k, v in params.items() if v.strip()})
    return backend.query(query.text, bindings)
