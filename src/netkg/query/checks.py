"""Checks that turn a silent empty answer into a message: unknown parameter values, terms the
ontology does not define, and empty answers that a recorded knowledge gap explains.

The questions these checks ask the graph are themselves .rq files (queries/internal/), so
they run on any backend, local or remote.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.term import Node

from netkg.errors import UsageError
from netkg.iris import ID, PREFIXES, expand, is_municipal_prefix
from netkg.query.catalogue import CatalogueQuery, find_query
from netkg.rdf.results import short
from netkg.rdf.store import Backend

# Namespaces whose terms a query can only mean if the ontology (or its imports) defines them.
CHECKED_PREFIXES = ("nkg", "org", "cpov", "prov", "time", "skos", "dct", "foaf", "schema")
MAX_LISTED = 40


def internal_query(name: str) -> CatalogueQuery:
    """One of netkg's own helper queries (queries/internal/, not in the researcher's list)."""
    return find_query(name)


def check_values(backend: Backend, query: CatalogueQuery, given: dict[str, str]) -> None:
    """UsageError (exit 2) for a given IRI value the graph knows nothing about, listing the
    values it does know in that parameter's namespace."""
    bound = query.bindings(given)
    for name, raw in given.items():
        param = query.param(name)
        term = bound.get(name)
        if param.type != "iri" or not isinstance(term, URIRef):
            continue
        exists = backend.query(internal_query("resource-exists").text, {"resource": term})
        if exists.boolean:
            continue
        prefix = raw.strip().partition(":")[0]
        if expand(raw.strip()) is not None and is_municipal_prefix(prefix):  # not a full IRI
            namespace = f"{ID}{prefix}/"
            if not known_values(backend, namespace):
                raise UsageError(
                    f"query {query.name!r}: unknown prefix {prefix!r} in {name} {raw!r}: "
                    f"netkg's prefixes are {', '.join(sorted(PREFIXES))}, and each described "
                    "municipality's own (e.g. gentofte:); `netkg query municipalities` lists them"
                )
        message = f"query {query.name!r}: no {name} {raw!r} in the graph"
        if param.namespace:
            known = known_values(backend, PREFIXES[param.namespace])
            close = difflib.get_close_matches(raw.rsplit(":", 1)[-1], known, n=3, cutoff=0.8)
            if close:
                message += f" (did you mean {' or '.join(close)}?)"
            if known:
                more = len(known) - MAX_LISTED
                shown = ", ".join(known[:MAX_LISTED]) + (f" … and {more} more" if more > 0 else "")
                message += f"; known: {shown}"
        raise UsageError(message)


def known_values(backend: Backend, namespace: str) -> list[str]:
    """The local names of the resources directly in `namespace` (e.g. every municipality)."""
    table = backend.query(internal_query("known-values").text, {"ns": Literal(namespace)}).table
    return [str(row[0])[len(namespace) :] for row in table] if table is not None else []


def gap_notes(
    backend: Backend, query: CatalogueQuery, given: dict[str, str], lang: str = "en"
) -> list[str]:
    """Why an empty answer is empty: the recorded knowledge gaps about the property the query's
    `# Gap:` header names (for the query's municipality, when it has one)."""
    if not query.gap:
        return []
    prop, _, text = query.gap.partition(" ")
    text = text.strip()
    prefix, _, local = prop.partition(":")
    if prefix not in PREFIXES:
        return [text or query.gap]
    bindings: dict[str, Node] = {"property": URIRef(PREFIXES[prefix] + local)}
    bindings["lang"] = Literal(given.get("lang") or lang)
    municipality = query.bindings(given).get("municipality")
    if municipality is not None:
        bindings["municipality"] = municipality
    table = backend.query(internal_query("gaps-about").text, bindings).table
    notes = [text] if text else []
    for gap, label, explanation in table or []:
        notes.append(f"recorded gap {short(gap)}: {label or ''} — {explanation or ''}".strip())
    return notes


def is_shipped(query: CatalogueQuery) -> bool:
    """The query is one of netkg's own catalogue, or a project's unchanged copy of one: its
    terms were checked when it was written (tests/test_catalogue.py)."""
    from netkg.pipeline.inputs.layout import shipped_root

    folder = (shipped_root() / "queries").resolve()
    path = query.path.resolve()
    if path.is_relative_to(folder):
        return True
    original = folder / path.name
    return path.is_file() and original.is_file() and original.read_bytes() == path.read_bytes()


def unknown_terms(query: CatalogueQuery, backend: Backend | None = None) -> list[str]:
    """Terms in the ontology's namespaces (nkg:, org:, …) that the query uses but neither the
    ontology, its imported extracts nor the dataset description define, e.g. a misspelt
    nkg:Netwrok; with `backend`, a term the graph uses (as a property, or a class with
    members) is not reported either (skos:note: SKOS defines it, netkg's extract does not)."""
    from netkg.rdf.binding import query_iris

    used = query_iris(query.text, PREFIXES)
    known = ontology_terms()
    namespaces = [
        PREFIXES[p] for p in CHECKED_PREFIXES if any(t.startswith(PREFIXES[p]) for t in known)
    ]
    unknown = [t for t in used if t not in known and any(t.startswith(ns) for ns in namespaces)]
    if backend is not None:
        ask = internal_query("term-used").text
        unknown = [t for t in unknown if not backend.query(ask, {"term": t}).boolean]
    return sorted(short(t) for t in unknown)


@lru_cache(maxsize=1)
def ontology_terms() -> frozenset[URIRef]:
    """Every IRI the ontology, its imports and the vocabularies say something about, and the
    terms of the dataset description the build writes (graph/dataset: dct:subject, …)."""
    from netkg.pipeline.derived.describe import vocabulary
    from netkg.pipeline.inputs.layout import ontology_sources
    from netkg.pipeline.inputs.load import parse_file

    terms: set[URIRef] = set(vocabulary())
    for source in ontology_sources():
        for s in parse_file(source.path).subjects():
            if isinstance(s, URIRef):
                terms.add(s)
    return frozenset(terms)
