"""The shapes graph: the shipped shapes/ files (or a project's, or the given ones), parsed."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from netkg.pipeline.inputs.layout import shape_files
from netkg.pipeline.inputs.load import parse_file
from netkg.rdf.terms import OxTerm, from_ox


def load_shapes(paths: Iterable[Path] = ()) -> Graph:
    """The shapes graph, parsed with the reference's checks (a bad file: InputError, located)."""
    shapes = Graph()
    for path in list(paths) or shape_files():
        parse_file(path, into=shapes)
    return shapes


def load_shapes_fast(paths: Iterable[Path] = ()) -> Graph:
    """load_shapes, parsed by Oxigraph (rdflib's Turtle parser is the slow part); a file Oxigraph
    refuses goes through load_shapes, which names the error's place. Typed literals keep the
    form the file writes (rdflib would read "1"^^xsd:boolean as true, which SHACL tells apart:
    the compiled shapes read such a parameter as not true)."""
    files = list(paths) or shape_files()
    shapes = Graph()
    for path in files:
        try:
            triples = list(ox.parse(path=str(path), base_iri=Path(path).as_uri()))
        except (SyntaxError, ValueError):
            return load_shapes(files)
        for t in triples:
            shapes.add((from_ox(t.subject), from_ox(t.predicate), _as_written(t.object)))
    return shapes


def _as_written(term: OxTerm) -> Node:
    if isinstance(term, ox.Literal) and not term.language and term.datatype.value != _STRING:
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    return from_ox(term)


_STRING = "http://www.w3.org/2001/XMLSchema#string"
