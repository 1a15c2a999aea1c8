"""SPARQL 1.1 Protocol answers from a read-only Oxigraph store, serialised and cut at a limit.

The store is opened read-only (RocksDB on disk: many readers at once). A query runs on the
dataset the request names (default-graph-uri / named-graph-uri, else FROM / FROM NAMED, else
the union of the named graphs); at most `limit` + 1 rows (or triples) are read — the iteration
stops there, so a huge result is never materialised — and the answer says when it was cut. The
result is written by Oxigraph's own serialisers in the format the Accept header asks for.
netkg serve's worker processes (netkg.web.endpoint) answer with this.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from netkg.iris import PREFIXES
from netkg.negotiation import negotiate
from netkg.rdf.clauses import names_dataset

RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
}
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
# ?format= names (as many endpoints accept) → media type
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
TRUNCATED_HEADER = "Netkg-Result-Truncated"
LIMIT_HEADER = "Netkg-Result-Limit"


@dataclass
class Answer:
    """An HTTP answer to a SPARQL request."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


class ProtocolStore:
    """A built store, opened read-only, that answers SPARQL Protocol requests."""

    def __init__(self, location: Path | str, limit: int) -> None:
        self.store = ox.Store.read_only(str(location))  # OSError if it cannot be opened
        self.limit = limit

    def answer(
        self, query: str, accept: str | None, default_graphs: list[str], named_graphs: list[str]
    ) -> Answer:
        """The answer to one query (a syntax error is a 400 answer, not an exception)."""
        return _answer(self.store, query, accept, default_graphs, named_graphs, self.limit)


def _answer(
    store: ox.Store,
    query: str,
    accept: str | None,
    default_graphs: list[str],
    named_graphs: list[str],
    limit: int,
) -> Answer:
    options: dict[str, object] = {"prefixes": PREFIXES}
    if default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    elif not names_dataset(query):  # FROM / FROM NAMED choose the dataset themselves
        options["use_default_graph_as_union"] = True
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        result = store.query(query, **options)  # type: ignore[arg-type]
    except SyntaxError as exc:
        return error(400, f"SPARQL syntax error: {exc}")
    if isinstance(result, ox.QueryBoolean):
        media = negotiate(accept, _BOOLEAN_TYPES)
        if media is None:
            return _not_acceptable(_BOOLEAN_TYPES)
        return Answer(
            200, _with_charset(media), result.serialize(format=RESULT_TYPES[media]) or b""
        )
    if isinstance(result, ox.QuerySolutions):
        media = negotiate(accept, list(RESULT_TYPES))
        if media is None:
            return _not_acceptable(list(RESULT_TYPES))
        variables = result.variables
        rows = list(itertools.islice(result, limit + 1))
        body = _solutions(variables, rows[:limit], RESULT_TYPES[media])
    else:
        media = negotiate(accept, list(GRAPH_TYPES))
        if media is None:
            return _not_acceptable(list(GRAPH_TYPES))
        rows = list(itertools.islice(result, limit + 1))
        body = ox.serialize(rows[:limit], format=GRAPH_TYPES[media], prefixes=PREFIXES) or b""
    headers = {LIMIT_HEADER: str(limit)}
    if len(rows) > limit:
        headers[TRUNCATED_HEADER] = "true"
    return Answer(200, _with_charset(media), body, headers)


_BOOLEAN_TYPES = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "application/json",
    "application/xml",
]


def _solutions(
    variables: list[ox.Variable], rows: list[ox.QuerySolution], fmt: ox.QueryResultsFormat
) -> bytes:
    """The kept rows in the wanted format, written by Oxigraph's own serialisers.

    Oxigraph cannot re-serialise a list of solutions, so the rows go through its TSV format
    (every term in N-Triples syntax, one row per line) and are parsed back as a result set.
    """
    lines = ["\t".join(f"?{v.value}" for v in variables)]
    for row in rows:
        lines.append("\t".join("" if row[v] is None else str(row[v]) for v in variables))
    tsv = ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == ox.QueryResultsFormat.TSV:
        return tsv
    parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    return parsed.serialize(format=fmt) or b""


def _with_charset(media: str) -> str:
    return f"{media}; charset=utf-8"


def _not_acceptable(offers: list[str]) -> Answer:
    return error(406, "Not acceptable; this answer is available as: " + ", ".join(offers))
