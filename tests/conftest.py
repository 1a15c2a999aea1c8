"""Shared fixtures: the shipped graph is built once per test session (load + reason + validate)."""

from __future__ import annotations

import pytest

from netkg.build import BuildResult, build


@pytest.fixture(scope="session")
def built() -> BuildResult:
    """The shipped data, built exactly as `netkg build` does (rdflib engine)."""
    return build()


@pytest.fixture(scope="session")
def built_oxigraph() -> BuildResult:
    """The same build with the Oxigraph engine behind the store seam."""
    return build(engine="oxigraph", validate=False)
