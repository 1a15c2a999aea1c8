"""`netkg query --endpoint`: the catalogue against a real SPARQL server, and its failures.

The server is Oxigraph, started by the test on 127.0.0.1 with the built graph loaded; the
default graph is the union of the named graphs, as netkg's local stores use.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from netkg.api import KnowledgeGraph
from netkg.errors import EndpointError
from netkg.pipeline.flow.write import write
from netkg.query.catalogue import load_catalogue
from netkg.rdf.http import RemoteEndpoint
from support.answers import HOSTILE, rows
from support.triplestores import oxigraph_binary, oxigraph_server

pytestmark = pytest.mark.skipif(oxigraph_binary() is None, reason="oxigraph server not installed")
CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def endpoint(built, tmp_path_factory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("oxigraph")
    dist = tmp / "dist"
    write(built, dist)
    subprocess.run(
        [
            oxigraph_binary(),
            "load",
            "--location",
            str(tmp / "oxigraph"),
            "--file",
            str(dist / "netkg.nq"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with oxigraph_server(tmp, read_only=True, extra_args=("--union-default-graph",)) as server:
        yield server.query_url


@pytest.fixture(scope="module")
def remote(endpoint) -> KnowledgeGraph:
    return KnowledgeGraph(RemoteEndpoint(endpoint))


@pytest.fixture(scope="module")
def local(built) -> KnowledgeGraph:
    return KnowledgeGraph(built.store)


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_remote_answers_equal_local_answers(name, remote, local):
    needs_resource = ("fact-source", "fact-evidence")
    params = {"resource": "alb:network-haervaerk"} if name in needs_resource else {}
    assert sorted(rows(remote, name, **params)) == sorted(rows(local, name, **params))


def test_remote_binds_hostile_text_as_one_literal(remote):
    table = remote.query("networks", lang=HOSTILE)
    assert len(table) == 10
    assert all(row[2] is None for row in table)


def test_cli_query_against_endpoint(endpoint):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "netkg",
            "query",
            "counts",
            "--endpoint",
            endpoint,
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # CSV shows the names netkg prints (--full-iris keeps IRIs), from a remote endpoint too
    assert "mun:albertslund,declared networks,Welfare network,,15\n" in done.stdout  # no day
    assert "https://w3id.org/netkg/id/municipality/" not in done.stdout


def _refused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_endpoint_is_one_line_exit_3():
    url = f"http://127.0.0.1:{_refused_port()}/sparql"
    done = subprocess.run(
        [sys.executable, "-m", "netkg", "query", "networks", "--endpoint", url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3
    assert done.stderr.strip().count("\n") == 0
    assert "cannot reach" in done.stderr and "Traceback" not in done.stderr


def test_wrong_path_on_a_real_server(endpoint):
    base = endpoint.rsplit("/", 1)[0]
    with pytest.raises(EndpointError, match=r"404|no SPARQL endpoint"):
        RemoteEndpoint(base + "/no-such-path").query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")


def test_slow_endpoint_times_out():
    """A server that accepts the connection but never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
    thread.start()
    start = time.monotonic()
    try:
        with pytest.raises(EndpointError, match="did not answer within 1 s"):
            RemoteEndpoint(f"http://127.0.0.1:{port}/sparql", timeout=1).query(
                "SELECT * WHERE { ?s ?p ?o }"
            )
    finally:
        for conn in accepted:
            conn.close()
        listener.close()
    assert time.monotonic() - start < 30


def test_endpoint_must_be_http():
    with pytest.raises(Exception, match="http"):
        RemoteEndpoint("ftp://example.org/sparql")
