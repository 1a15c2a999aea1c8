"""Binding query parameters where the engine cannot pre-bind them itself.

rdflib pre-binds variables natively (initBindings). Oxigraph only substitutes variables that the
query projects, and the SPARQL protocol has no binding at all, so for those the bindings travel
as a `VALUES (?a …) { (term …) }` block opening the query's WHERE group. Each term is written by
Oxigraph's N-Triples serializer (netkg.rdf.terms.to_sparql), which validates IRIs and escapes
literals: a value is always one RDF term and can never add syntax to the query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import URIRef
from rdflib.term import Node

from netkg.errors import UsageError
from netkg.rdf.terms import to_sparql

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                  |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<open>\{) | (?P<close>\}) | (?P<word>[A-Za-z_]+)""",
    re.VERBOSE,
)


def bind_values(sparql: str, bindings: Mapping[str, Node]) -> str:
    """The query with `VALUES (?a …) { (term …) }` opening its WHERE group."""
    if not bindings:
        return sparql
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(to_sparql(term) for term in bindings.values())
    block = f"\n  VALUES ({names}) {{ ({terms}) }}\n"
    at = _where_group_start(sparql)
    return sparql[:at] + block + sparql[at:]


def strip_comments(sparql: str) -> str:
    """The query without its # comments (strings and IRIs containing '#' are kept whole)."""
    return _TOKEN.sub(lambda m: "" if m.lastgroup == "comment" else m.group(), sparql)


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form of the query, ignoring comments and strings."""
    words = (m.group() for m in _TOKEN.finditer(sparql) if m.lastgroup == "word")
    for word in words:
        if word.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return word.upper()
    return "SELECT"


def _where_group_start(sparql: str) -> int:
    """Index just after the '{' that opens the outermost WHERE group."""
    depth = 0
    seen_where = False
    first_open: int | None = None
    for m in _TOKEN.finditer(sparql):
        kind = m.lastgroup
        if kind == "word" and depth == 0 and m.group().upper() == "WHERE":
            seen_where = True
        elif kind == "open":
            if depth == 0 and (seen_where or first_open is None):
                if seen_where:
                    return m.end()
                first_open = m.end()
            depth += 1
        elif kind == "close":
            depth -= 1
    if first_open is not None and query_form(sparql) in ("SELECT", "ASK"):
        return first_open
    raise UsageError("cannot find the query's WHERE group to bind parameters in")


def query_iris(sparql: str, prefixes: Mapping[str, str]) -> set[URIRef]:
    """Every IRI a query mentions (in triples, paths and expressions), read by rdflib's parser;
    an empty set if rdflib cannot parse it (its parser is stricter in places)."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        parsed = prepareQuery(sparql, initNs=dict(prefixes))
    except Exception:  # rdflib raises many types for what it cannot parse
        return set()
    found: set[URIRef] = set()
    _collect(parsed.algebra, found, set())
    return found


def _collect(node: object, found: set[URIRef], seen: set[int]) -> None:
    """Every IRI in a parsed query's algebra (expressions, triples, property paths)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, URIRef):
        found.add(node)
    elif isinstance(node, dict):
        for value in node.values():
            _collect(value, found, seen)
    elif isinstance(node, list | tuple | set | frozenset):
        for value in node:
            _collect(value, found, seen)
    elif hasattr(node, "__dict__") and type(node).__module__.startswith("rdflib.paths"):
        for value in vars(node).values():
            _collect(value, found, seen)
