"""Shared fixtures: the shipped graph is built once per test session (load + reason + validate)."""

from __future__ import annotations

from pathlib import Path

import pytest

from netkg.pipeline.flow.build import BuildResult, build
from netkg.pipeline.flow.write import write
from netkg.query.graph import KnowledgeGraph


@pytest.fixture(scope="session")
def built() -> BuildResult:
    """The shipped data, built exactly as `netkg build --engine reference` does (the oracle)."""
    return build(engine="reference")


@pytest.fixture(scope="session")
def built_oxigraph() -> BuildResult:
    """The same build with the fast engine (Oxigraph, compiled rules), not validated."""
    return build(engine="fast", validate=False)


@pytest.fixture(scope="session")
def graph_file(built, tmp_path_factory) -> Path:
    """The build written as `netkg build` writes dist/: the TriG file servers and sites read."""
    out = tmp_path_factory.mktemp("dist")
    write(built, out)
    return out / "netkg.trig"


@pytest.fixture(scope="session")
def kg(built) -> KnowledgeGraph:
    """The shipped reference build (rdflib), as a KnowledgeGraph."""
    return KnowledgeGraph(built.store)


@pytest.fixture(scope="session")
def kg_oxigraph(built_oxigraph) -> KnowledgeGraph:
    """The same, built by the fast engine (Oxigraph)."""
    return KnowledgeGraph(built_oxigraph.store)
