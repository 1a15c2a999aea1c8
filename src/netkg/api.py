"""The Python API for notebooks: load the graph, ask the catalogue, get tables or DataFrames."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from netkg.engine.http import RemoteEndpoint
from netkg.engine.results import ResultTable
from netkg.engine.store import QueryAnswer
from netkg.pipeline.build import build, open_store, validate_inputs
from netkg.pipeline.layout import Source, input_graph, ontology_sources
from netkg.pipeline.load import expand_paths
from netkg.pipeline.validate import Report
from netkg.query.catalogue import CatalogueQuery, find_query, load_catalogue
from netkg.query.run import Engine, run


class KnowledgeGraph:
    """A queryable netkg graph: a local store (rdflib or Oxigraph) or a remote endpoint."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def query(self, name_or_path: str, /, **params: object) -> ResultTable:
        """Run a catalogue query (by name) or an .rq file; keyword arguments fill parameters."""
        answer = self.answer(name_or_path, **params)
        if answer.table is None:
            raise TypeError(f"{name_or_path} is not a SELECT query; use .answer()")
        return answer.table

    def dataframe(self, name_or_path: str, /, **params: object):  # -> pandas.DataFrame
        """The query's rows as a pandas DataFrame."""
        return self.query(name_or_path, **params).to_dataframe()

    def answer(self, name_or_path: str, /, **params: object) -> QueryAnswer:
        """Any query form: a table (SELECT), a boolean (ASK) or a graph (CONSTRUCT).
        `as_of="2013-03-01"` (or 2013, 2013-03) answers as of that day (the asOf parameter)."""
        if "as_of" in params:
            params["asOf"] = params.pop("as_of")
        query = find_query(name_or_path)
        return run(self.engine, query, {k: str(v) for k, v in params.items()})

    def sparql(self, text: str) -> QueryAnswer:
        """Run SPARQL text as it is."""
        return self.engine.query(text, {})


def load_graph(
    paths: Iterable[str | Path] | None = None,
    *,
    engine: str = "rdflib",
    endpoint: str | None = None,
) -> KnowledgeGraph:
    """The shipped graph (a fresh dist/ build, or built in memory), given files, or an endpoint.

    With `paths`, those data files are loaded with the ontology and vocabularies and reasoned.
    """
    if endpoint is not None:
        return KnowledgeGraph(RemoteEndpoint(endpoint))
    if paths is None:
        return KnowledgeGraph(open_store(engine, quiet=True))
    sources = ontology_sources() + _input_sources(paths)
    return KnowledgeGraph(build(sources, engine=engine, validate=False).store)


def queries() -> dict[str, CatalogueQuery]:
    """The catalogue's queries by name, with title, question, parameters and columns."""
    return load_catalogue()


def validate_files(paths: Iterable[str | Path], reason: bool = True) -> Report:
    """Validate data files in the context of the ontology, vocabularies and shared data."""
    return validate_inputs(expand_paths(paths), reason=reason)


def _input_sources(paths: Iterable[str | Path]) -> list[Source]:
    return [Source(p, input_graph(p), "input") for p in expand_paths(paths)]
