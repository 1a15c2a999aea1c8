"""The Python API for notebooks: open the graph, ask the catalogue, get tables or DataFrames."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from netkg.pipeline.inputs.load import expand_paths
from netkg.query.catalogue import CatalogueQuery, load_catalogue
from netkg.query.graph import KnowledgeGraph, open_graph

if TYPE_CHECKING:
    from netkg.pipeline.validate.report import Report

__all__ = ["KnowledgeGraph", "load_graph", "queries", "validate_files"]


def load_graph(
    paths: Iterable[str | Path] | None = None,
    *,
    engine: str = "fast",
    endpoint: str | None = None,
    graph: str | Path | None = None,
    store: str | Path | None = None,
) -> KnowledgeGraph:
    """The graph as every command opens it (netkg.query.graph.open_graph): the project's
    dist/store when it is fresh, else the data built in memory; or the given data files (with
    the ontology and vocabularies, reasoned), a built graph file or store, or an endpoint."""
    return open_graph(graph, engine=engine, endpoint=endpoint, files=paths, store=store, quiet=True)


def queries() -> dict[str, CatalogueQuery]:
    """The catalogue's queries by name, with title, question, parameters and columns."""
    return load_catalogue()


def validate_files(
    paths: Iterable[str | Path], reason: bool = True, engine: str = "fast"
) -> Report:
    """Validate data files in the context of the ontology, vocabularies and shared data."""
    from netkg.pipeline.flow import context  # the reasoners and validators: imported when used

    return context.validate_files(expand_paths(paths), reason=reason, engine=engine)
