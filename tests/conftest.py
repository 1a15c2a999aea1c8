"""Shared fixtures: the shipped graph is built once per test session (load + reason + validate)."""

from __future__ import annotations

from pathlib import Path

import pytest

from netkg.pipeline.flow.build import BuildResult, build, write_dist
from netkg.query.graph import KnowledgeGraph


@pytest.fixture(scope="session")
def built() -> BuildResult:
    """The shipped data, built exactly as `netkg build` does (rdflib engine)."""
    return build()


@pytest.fixture(scope="session")
def built_oxigraph() -> BuildResult:
    """The same build with the Oxigraph engine behind the store seam."""
    return build(engine="oxigraph", validate=False)


@pytest.fixture(scope="session")
def graph_file(built, tmp_path_factory) -> Path:
    """The build written as `netkg build` writes dist/: the TriG file servers and sites read."""
    out = tmp_path_factory.mktemp("dist")
    write_dist(built, out)
    return out / "netkg.trig"


@pytest.fixture(scope="session")
def kg(built) -> KnowledgeGraph:
    """The shipped build, opened as every command opens it (rdflib engine)."""
    return KnowledgeGraph(built.store)


@pytest.fixture(scope="session")
def kg_oxigraph(built_oxigraph) -> KnowledgeGraph:
    """The same, on Oxigraph."""
    return KnowledgeGraph(built_oxigraph.store)
