"""Smoke tests for the real SPARQL servers in ``support.triplestores`` (no mocks).

Oxigraph must be installed (``scripts/install-system-deps.sh``); the Virtuoso tests are skipped
only when ``virtuoso-t`` is not on PATH.
"""

from __future__ import annotations

import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.lanes import requires_virtuoso
from support.triplestores import (
    VirtuosoServer,
    gsp_put,
    oxigraph_server,
    sparql_select,
    sparql_update,
    virtuoso_server,
)

SYN = "https://w3id.org/netkg/synthetic/"


def turtle(n: int, subject: str = "org/albertslund") -> bytes:
    """A Turtle document with exactly ``n`` distinct triples under the synthetic namespace."""
    lines = [f"@prefix syn: <{SYN}> .", f"<{SYN}{subject}> a syn:Organisation ."]
    lines += [f'<{SYN}{subject}> syn:label{i} "label {i}"@da .' for i in range(1, n)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def count(query_url: str, graph: str) -> int:
    rows = sparql_select(
        query_url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    assert len(rows) == 1
    return int(rows[0]["n"]["value"])


# ------------------------------------------------------------------------------------ Oxigraph


def test_oxigraph_put_replaces_named_graph(tmp_path: Path) -> None:
    g1, g2 = f"{SYN}graph/one", f"{SYN}graph/two"
    with oxigraph_server(tmp_path) as ox:
        assert gsp_put(ox.store_url, g1, turtle(7)) == 201
        assert gsp_put(ox.store_url, g2, turtle(5, "org/other")) == 201
        assert count(ox.query_url, g1) == 7

        assert gsp_put(ox.store_url, g1, turtle(3)) == 204
        assert count(ox.query_url, g1) == 3  # replaced, not merged
        assert count(ox.query_url, g2) == 5  # other graphs untouched


def test_oxigraph_read_only_refuses_writes(tmp_path: Path) -> None:
    graph = f"{SYN}graph/ro"
    with oxigraph_server(tmp_path) as ox:
        gsp_put(ox.store_url, graph, turtle(6))

    with oxigraph_server(tmp_path, read_only=True) as ro:
        assert count(ro.query_url, graph) == 6  # same data directory, served read-only
        with pytest.raises(urllib.error.HTTPError) as put_refused:
            gsp_put(ro.store_url, graph, turtle(2))
        assert put_refused.value.code == 403
        with pytest.raises(urllib.error.HTTPError) as update_refused:
            sparql_update(ro.update_url, f"CLEAR GRAPH <{graph}>")
        assert update_refused.value.code == 403
        assert count(ro.query_url, graph) == 6


def test_oxigraph_kill_stops_serving(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path) as ox:
        ox.kill()
        assert ox.process.returncode is not None
        with pytest.raises(urllib.error.URLError):
            sparql_select(ox.query_url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", timeout=2)


# ------------------------------------------------------------------------------------ Virtuoso


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@requires_virtuoso
def test_virtuoso_put_with_digest_auth_replaces_named_graph(virtuoso: VirtuosoServer) -> None:
    g1, g2 = f"{SYN}graph/v-one", f"{SYN}graph/v-two"
    assert gsp_put(virtuoso.gsp_auth_url, g1, turtle(8), auth=virtuoso.auth) == 201
    assert gsp_put(virtuoso.gsp_auth_url, g2, turtle(5, "org/other"), auth=virtuoso.auth) == 201
    assert count(virtuoso.query_url, g1) == 8

    # Virtuoso answers 200 (not 204) when an existing graph is replaced.
    assert gsp_put(virtuoso.gsp_auth_url, g1, turtle(3), auth=virtuoso.auth) in (200, 204)
    assert count(virtuoso.query_url, g1) == 3  # replaced, not merged
    assert count(virtuoso.query_url, g2) == 5


@requires_virtuoso
def test_virtuoso_refuses_anonymous_writes(virtuoso: VirtuosoServer) -> None:
    graph = f"{SYN}graph/v-anon"
    gsp_put(virtuoso.gsp_auth_url, graph, turtle(4), auth=virtuoso.auth)

    attempts = {
        "auth endpoint, no credentials": lambda: gsp_put(virtuoso.gsp_auth_url, graph, turtle(1)),
        "auth endpoint, bad password": lambda: gsp_put(
            virtuoso.gsp_auth_url, graph, turtle(1), auth=(virtuoso.user, "wrong")
        ),
        "anonymous GSP endpoint": lambda: gsp_put(virtuoso.store_url, graph, turtle(1)),
        "anonymous SPARQL Update": lambda: sparql_update(
            virtuoso.query_url, f"CLEAR GRAPH <{graph}>"
        ),
    }
    codes = {}
    for name, attempt in attempts.items():
        with pytest.raises(urllib.error.HTTPError) as refused:
            attempt()
        codes[name] = refused.value.code
    # 401 digest challenge, 403 on the anonymous GSP endpoint, and a 500 "SR186: SECURITY"
    # error for an update on /sparql.
    assert codes == {
        "auth endpoint, no credentials": 401,
        "auth endpoint, bad password": 401,
        "anonymous GSP endpoint": 403,
        "anonymous SPARQL Update": 500,
    }
    assert count(virtuoso.query_url, graph) == 4


@requires_virtuoso
def test_virtuoso_authenticated_update_and_create_graph_quirk(virtuoso: VirtuosoServer) -> None:
    graph = f"{SYN}graph/v-created"
    assert sparql_update(virtuoso.update_url, f"CREATE GRAPH <{graph}>", auth=virtuoso.auth) == 200
    with pytest.raises(urllib.error.HTTPError) as again:  # a second non-SILENT CREATE fails
        sparql_update(virtuoso.update_url, f"CREATE GRAPH <{graph}>", auth=virtuoso.auth)
    assert again.value.code == 500
    sparql_update(virtuoso.update_url, f"CREATE SILENT GRAPH <{graph}>", auth=virtuoso.auth)
    sparql_update(
        virtuoso.update_url,
        f"INSERT DATA {{ GRAPH <{graph}> {{ <{SYN}a> <{SYN}b> <{SYN}c> }} }}",
        auth=virtuoso.auth,
    )
    assert count(virtuoso.query_url, graph) == 1
    assert virtuoso.isql("SELECT 40 + 2;").split()[-1] == "42"
