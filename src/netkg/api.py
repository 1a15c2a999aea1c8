"""The Python API for notebooks: open the graph, ask the catalogue, get tables or DataFrames."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from netkg.pipeline.inputs.load import expand_paths
from netkg.pipeline.validate.reference import Report, validate_inputs
from netkg.query.catalogue import CatalogueQuery, load_catalogue
from netkg.query.graph import KnowledgeGraph, open_graph

__all__ = ["KnowledgeGraph", "load_graph", "queries", "validate_files"]


def load_graph(
    paths: Iterable[str | Path] | None = None,
    *,
    engine: str = "rdflib",
    endpoint: str | None = None,
    graph: str | Path | None = None,
) -> KnowledgeGraph:
    """The shipped graph (a fresh dist/ build, or built in memory), given files, a built graph
    file, or an endpoint — opened as every command opens it (netkg.query.graph.open_graph).

    With `paths`, those data files are loaded with the ontology and vocabularies and reasoned.
    """
    return open_graph(graph, engine=engine, endpoint=endpoint, files=paths, quiet=True)


def queries() -> dict[str, CatalogueQuery]:
    """The catalogue's queries by name, with title, question, parameters and columns."""
    return load_catalogue()


def validate_files(paths: Iterable[str | Path], reason: bool = True) -> Report:
    """Validate data files in the context of the ontology, vocabularies and shared data."""
    return validate_inputs(expand_paths(paths), reason=reason)
