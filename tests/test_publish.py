"""`netkg publish` against real stores that the tests start on 127.0.0.1: Oxigraph and Virtuoso.

For both stores: publish, count every graph on the store, publish again (nothing changes), and
answer the whole query catalogue remotely with the same answers as locally. Then the faults:
refused credentials, a store that is down, one that never answers, a wrong URL, and a server
killed during a publish — between two graphs and in the middle of a PUT — after which every
graph holds its old or its new content, never part of one.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from netkg.api import KnowledgeGraph
from netkg.errors import EndpointError
from netkg.pipeline.flow.build import BuildResult
from netkg.pipeline.flow.write import write
from netkg.publish import graphstore as publish_module
from netkg.publish.graphstore import GraphOutcome, Target, publish
from netkg.query.catalogue import load_catalogue
from netkg.rdf.http import RemoteEndpoint
from support.answers import rows
from support.lanes import VIRTUOSO, requires_virtuoso
from support.triplestores import (
    OxigraphServer,
    VirtuosoServer,
    oxigraph_binary,
    oxigraph_server,
    sparql_select,
    virtuoso_binary,
    virtuoso_server,
)

# Virtuoso 7 keeps a simple xsd:duration as a number: months for "P6M", seconds (a double)
# for "P90D" (seen on virtuoso-t 7.2 with the shipped data; tests/test_publish.py's probe).
# publish warns of it; the catalogue's answers there carry these numbers instead.
VIRTUOSO_DURATIONS = {
    "P2M": "2",
    "P3M": "3",
    "P4M": "4",
    "P6M": "6",
    "P1Y": "12",
    "P90D": "7.776e+06",
    "P180D": "1.5552e+07",
    "P1000D": "8.64e+07",
}


pytestmark = pytest.mark.skipif(oxigraph_binary() is None, reason="oxigraph server not installed")
CATALOGUE = load_catalogue()
PARAMS = {  # their only required parameter
    "fact-source": {"resource": "alb:network-haervaerk"},
    "fact-evidence": {"resource": "alb:network-haervaerk"},
}
PASSWORD_VAR = "NETKG_TEST_PUBLISH_PASSWORD"
ROW = re.compile(r"^(\S+)\s+(\d+)\s+(updated|unchanged|failed|not sent)\s+(\S+)$")


def netkg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netkg", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def statuses(stdout: str) -> dict[str, str]:
    """Graph name → status, from the table `netkg publish` prints."""
    return {m[1]: m[3] for line in stdout.splitlines() if (m := ROW.match(line))}


def store_counts(query_url: str) -> dict[str, int]:
    """Triples per netkg graph, counted by the store itself (independently of publish)."""
    found = sparql_select(
        query_url,
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        'FILTER (STRSTARTS(STR(?g), "https://w3id.org/netkg/graph/")) } GROUP BY ?g',
    )
    return {row["g"]["value"]: int(row["n"]["value"]) for row in found}


def one_line_error(done: subprocess.CompletedProcess[str], code: int) -> str:
    assert done.returncode == code, (done.stdout, done.stderr)
    assert done.stderr.startswith("netkg: ") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr


def old_graphs(names: list[str]) -> dict[str, Graph]:
    """A stand-in 'previous version' of every graph: two triples, one with a blank node."""
    graphs = {}
    for name in names:
        g = Graph()
        g.add((URIRef(name), URIRef("urn:netkg:test:version"), Literal("old")))
        g.add((BNode(), URIRef("urn:netkg:test:about"), URIRef(name)))
        graphs[name] = g
    return graphs


def state(server: OxigraphServer, name: str, old: Graph, new: Graph) -> str:
    """'old', 'new' or 'other' (e.g. part of one): what the store holds in graph `name`."""
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
    held = RemoteEndpoint(server.query_url).query(query).graph
    assert held is not None
    if isomorphic(held, old):
        return "old"
    return "new" if len(held) == len(new) and isomorphic(held, new) else "other"


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trig(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert built.ok, "the shipped data does not build cleanly: nothing to publish"
    out = tmp_path_factory.mktemp("dist")
    write(built, out)
    return out / "netkg.trig"


@pytest.fixture(scope="module")
def graphs(built: BuildResult) -> dict[str, Graph]:
    return {str(name): built.store.graph(name) for name in built.store.graph_names()}


@pytest.fixture(scope="module")
def expected(graphs: dict[str, Graph]) -> dict[str, int]:
    return {name: len(g) for name, g in graphs.items()}


@pytest.fixture(scope="module")
def local_rows(built: BuildResult) -> Callable[[str], list[tuple[str, ...]]]:
    local = KnowledgeGraph(built.store)
    cache: dict[str, list[tuple[str, ...]]] = {}

    def answer(name: str) -> list[tuple[str, ...]]:
        if name not in cache:
            cache[name] = sorted(rows(local, name, **PARAMS.get(name, {})))
        return cache[name]

    return answer


@dataclass
class Published:
    server: OxigraphServer | VirtuosoServer
    first: subprocess.CompletedProcess[str]
    args: tuple[str, ...]
    env: dict[str, str]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory, trig: Path) -> Iterator[Published]:
    tmp = tmp_path_factory.mktemp("oxigraph")
    with oxigraph_server(tmp, extra_args=("--union-default-graph",)) as server:
        args = ("--endpoint", server.query_url, "--no-auth", "--graph", str(trig))
        yield Published(server, netkg("publish", *args), args, {})


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, trig: Path) -> Iterator[Published]:
    if virtuoso_binary() is None:
        pytest.skip("virtuoso-t not installed (run scripts/install-system-deps.sh)")
    tmp = tmp_path_factory.mktemp("virtuoso")
    with virtuoso_server(tmp) as server:
        # A writer of its own with a password nobody could mistake for other output.
        password = "pw-" + secrets.token_hex(12)
        server.isql(
            f"USER_CREATE('netkg_publisher', '{password}');\n"
            'GRANT SPARQL_UPDATE TO "netkg_publisher";\n'
        )
        args = ("--endpoint", server.query_url, "--user", "netkg_publisher")
        args += ("--password-env", PASSWORD_VAR, "--graph", str(trig))
        env = {PASSWORD_VAR: password}
        yield Published(server, netkg("publish", *args, env=env), args, env)


# --- publishing to both stores ------------------------------------------------------------------


def check_publish_and_republish(
    store: Published, expected: dict[str, int], altered: frozenset[str] = frozenset()
) -> None:
    """Both publishes exit 0 and count every triple; a second sends only the graphs the store
    keeps otherwise than sent (`altered`), each of them with a warning, and no other."""
    first = store.first
    assert first.returncode == 0, first.stderr
    assert "(derived from --endpoint)" in first.stdout
    names = {name.removeprefix("https://w3id.org/netkg/graph/") for name in expected}
    assert statuses(first.stdout) == dict.fromkeys(names, "updated")
    assert warned(first.stdout) == altered
    assert store_counts(store.server.query_url) == expected
    for line in first.stdout.splitlines():
        if m := ROW.match(line):
            assert m[2] == m[4], line  # triples sent == triples the store counted

    again = netkg("publish", *store.args, env=store.env)
    assert again.returncode == 0, again.stderr
    assert statuses(again.stdout) == {
        name: "updated" if name in altered else "unchanged" for name in names
    }
    assert warned(again.stdout) == altered
    assert ("a later publish sends them again" in again.stdout) == bool(altered)
    assert store_counts(store.server.query_url) == expected  # no duplicates, nothing lost
    for secret in store.env.values():
        assert secret not in first.stdout + first.stderr + again.stdout + again.stderr
    assert "Traceback" not in first.stderr + again.stderr


def warned(stdout: str) -> frozenset[str]:
    """The graphs whose row in publish's table is followed by a warning."""
    lines = stdout.splitlines()
    return frozenset(
        m[1]
        for line, after in itertools.pairwise(lines)
        if (m := ROW.match(line)) and after.startswith("  warning: the store holds")
    )


def holding_durations(graphs: dict[str, Graph]) -> frozenset[str]:
    """The graphs (short names) with an xsd:duration literal."""
    return frozenset(
        name.removeprefix("https://w3id.org/netkg/graph/")
        for name, graph in graphs.items()
        if any(isinstance(o, Literal) and o.datatype == XSD.duration for o in graph.objects())
    )


def test_publish_to_oxigraph_twice(oxigraph: Published, expected: dict[str, int]) -> None:
    check_publish_and_republish(oxigraph, expected)


@requires_virtuoso
def test_publish_to_virtuoso_twice(
    virtuoso: Published, expected: dict[str, int], graphs: dict[str, Graph]
) -> None:
    """Virtuoso keeps "P6M"^^xsd:duration as "6": publish says so for every graph holding a
    duration, and sends those again the next time."""
    altered = holding_durations(graphs)
    assert "municipality/0165-albertslund" in altered and "support" in altered
    assert "ontology" not in altered
    check_publish_and_republish(virtuoso, expected, altered)
    assert '"P6M"^^<http://www.w3.org/2001/XMLSchema#duration>; held ' in virtuoso.first.stdout


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_catalogue_on_oxigraph_as_locally(name: str, oxigraph: Published, local_rows) -> None:
    remote = KnowledgeGraph(RemoteEndpoint(oxigraph.server.query_url))
    assert sorted(rows(remote, name, **PARAMS.get(name, {}))) == local_rows(name)


@requires_virtuoso
@pytest.mark.parametrize("name", list(CATALOGUE))
def test_catalogue_on_virtuoso_as_locally(name: str, virtuoso: Published, local_rows) -> None:
    """The same answers, but for the durations Virtuoso keeps as numbers (VIRTUOSO_DURATIONS)."""
    remote = KnowledgeGraph(RemoteEndpoint(virtuoso.server.query_url))
    as_virtuoso_holds = sorted(
        tuple(VIRTUOSO_DURATIONS.get(value, value) for value in row) for row in local_rows(name)
    )
    assert sorted(rows(remote, name, **PARAMS.get(name, {}))) == as_virtuoso_holds


@pytest.mark.parametrize("store", ["oxigraph", pytest.param("virtuoso", marks=VIRTUOSO)])
def test_cli_query_on_the_published_store(store: str, request, built: BuildResult) -> None:
    published: Published = request.getfixturevalue(store)
    done = netkg("query", "networks", "--endpoint", published.server.query_url, "-f", "csv")
    assert done.returncode == 0, done.stderr
    local = KnowledgeGraph(built.store).query("networks").serialize("csv")
    assert sorted(done.stdout.splitlines()) == sorted(local.splitlines())
    assert "Hærværk (Vandalism)" in done.stdout  # labels came through (Virtuoso lost them once)


@requires_virtuoso
def test_large_graph_to_virtuoso_in_one_put(tmp_path: Path) -> None:
    """2.6 MB in one PUT: Virtuoso answers an unauthenticated request with 401 at once and
    closes the connection, which broke off such a body half-sent until publish answered the
    digest challenge up front. (A store of its own: removing them again takes long.)"""
    name = "https://w3id.org/netkg/synthetic/large"
    large = Graph()
    for i in range(50_000):
        large.add((URIRef(f"urn:netkg:test:{i}"), URIRef("urn:netkg:test:n"), Literal(f"n{i}")))
    with virtuoso_server(tmp_path) as server:
        target = Target(server.query_url, server.gsp_auth_url, server.user, server.password)
        result = publish({name: large}, target, retries=0, timeout=180)
    assert result.ok, result.failure
    assert result.outcomes[0].verified == 50_000


# --- refused, down, silent, wrong ---------------------------------------------------------------


@requires_virtuoso
def test_wrong_password_on_virtuoso(virtuoso: Published, expected: dict[str, int]) -> None:
    wrong = "wrong-" + secrets.token_hex(8)
    done = netkg("publish", *virtuoso.args, env={PASSWORD_VAR: wrong})
    message = one_line_error(done, 3)
    assert "refused the credentials of user 'netkg_publisher' (HTTP 401)" in message
    assert wrong not in done.stdout + done.stderr
    assert store_counts(virtuoso.server.query_url) == expected


def test_writing_needs_credentials_or_no_auth() -> None:
    done = netkg("publish", "--endpoint", "http://127.0.0.1:9/query")
    assert "--no-auth" in one_line_error(done, 2)
    done = netkg("publish", "--endpoint", "http://127.0.0.1:9/query", "--user", "someone")
    assert "--password-env" in one_line_error(done, 2)


def test_password_variable_must_be_set() -> None:
    unset = "NETKG_TEST_UNSET_" + secrets.token_hex(4).upper()
    done = netkg(
        "publish", "--endpoint", "http://127.0.0.1:9/query", "--user", "u", "--password-env", unset
    )
    assert f"--password-env {unset}: that environment variable is not set" in one_line_error(
        done, 2
    )


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_store_that_is_down() -> None:
    url = f"http://127.0.0.1:{_unused_port()}/query"
    done = netkg("publish", "--endpoint", url, "--no-auth", "--retries", "1", "--retry-delay", "0")
    message = one_line_error(done, 3)
    assert f"cannot reach {url}" in message and "(2 attempts)" in message
    assert done.stdout == ""  # nothing loaded, nothing written


def test_store_that_never_answers_times_out() -> None:
    """A socket that accepts connections (the kernel's backlog) but never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
        start = time.monotonic()
        done = netkg(
            "publish",
            *("--endpoint", url, "--no-auth"),
            *("--timeout", "0.5", "--retries", "1", "--retry-delay", "0"),
        )
        elapsed = time.monotonic() - start
    message = one_line_error(done, 3)
    assert "did not answer within 0.5 s (2 attempts)" in message
    assert elapsed >= 1.0  # the second attempt waited its own timeout


def test_wrong_url(oxigraph: Published) -> None:
    done = netkg("publish", "--endpoint", oxigraph.server.base_url + "/nothing/query", "--no-auth")
    assert "HTTP 404" in one_line_error(done, 3)


# --- a server that dies while graphs are being published -----------------------------------------


def publish_args(*args: str) -> argparse.Namespace:
    """`netkg publish ARGS` parsed by the command's own parser."""
    parser = argparse.ArgumentParser(prog="netkg")
    publish_module.register(parser.add_subparsers())
    return parser.parse_args(["publish", *args])


def test_server_killed_between_graphs(
    tmp_path: Path, trig: Path, graphs: dict[str, Graph], capsys: pytest.CaptureFixture[str]
) -> None:
    order = publish_module.publication_order(graphs)
    old = old_graphs(order)
    with oxigraph_server(tmp_path) as server:
        target = Target(server.query_url, server.store_url)
        assert publish(old, target).ok

        def kill_after_third(outcome: GraphOutcome) -> None:
            if outcome.graph == order[2]:
                server.kill()

        args = publish_args("--endpoint", server.query_url, "--no-auth", "--graph", str(trig))
        args.retries, args.retry_delay = 1, 0.0
        with pytest.raises(EndpointError) as stopped:
            publish_module.command(args, on_graph=kill_after_third)
    out = capsys.readouterr().out
    assert stopped.value.exit_code == 3
    assert str(stopped.value).startswith(f"publishing stopped at {_name(order[3])}: cannot reach")
    assert f"3 graph(s) updated, 0 unchanged, {len(order) - 3} not updated" in str(stopped.value)
    shown = statuses(out)
    assert [shown[_name(g)] for g in order[:4]] == ["updated", "updated", "updated", "failed"]
    assert {shown[_name(g)] for g in order[4:]} == {"not sent"}

    with oxigraph_server(tmp_path) as restarted:
        held = {g: state(restarted, g, old[g], graphs[g]) for g in order}
    assert held == {g: "new" if i < 3 else "old" for i, g in enumerate(order)}


def test_publish_retries_until_a_restarted_server_answers(
    tmp_path: Path, graphs: dict[str, Graph], expected: dict[str, int]
) -> None:
    order = publish_module.publication_order(graphs)
    with oxigraph_server(tmp_path) as server:
        restarted: list[OxigraphServer] = []
        stop = threading.Event()

        def restart_later() -> None:
            time.sleep(0.3)  # meanwhile the publisher meets refused connections
            with oxigraph_server(tmp_path, port=server.port) as again:
                restarted.append(again)
                stop.wait(60)

        restarter = threading.Thread(target=restart_later, daemon=True)

        def kill_after_second(outcome: GraphOutcome) -> None:
            if outcome.graph == order[1]:
                server.kill()
                restarter.start()

        try:
            result = publish(
                graphs,
                Target(server.query_url, server.store_url),
                retries=6,
                retry_delay=0.1,
                on_graph=kill_after_second,
            )
            assert restarted, "the server was not restarted"
            counts = store_counts(restarted[0].query_url)
        finally:
            stop.set()
            if restarter.is_alive():
                restarter.join(30)
    assert result.ok, result.failure
    assert {o.status for o in result.outcomes} == {"updated"}
    assert counts == expected


class KillingProxy:
    """Relays HTTP requests to an Oxigraph server; the n-th PUT gets only the headers and half
    its body through before the proxy kills the server and drops the client's connection."""

    def __init__(self, server: OxigraphServer, kill_at_put: int) -> None:
        self.server = server
        self.kill_at_put = kill_at_put
        self.puts = 0
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.base_url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self) -> None:
        self.listener.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                self._relay(conn)

    def _relay(self, conn: socket.socket) -> None:
        head, body = _read_request(conn)
        upstream = ("127.0.0.1", self.server.port)
        try:
            with socket.create_connection(upstream, timeout=30) as up:
                if head.startswith(b"PUT "):
                    self.puts += 1
                    if self.puts == self.kill_at_put:
                        up.sendall(head + body[: len(body) // 2])
                        time.sleep(0.2)  # the store is busy reading the body
                        self.server.kill()
                        return
                up.sendall(head + body)
                while chunk := up.recv(65536):  # urllib asks for Connection: close
                    conn.sendall(chunk)
        except OSError:
            return  # the server is gone: the client sees its connection dropped


def _read_request(conn: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    length = int(match[1]) if match else 0
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n", body


def test_server_killed_in_the_middle_of_a_put(
    tmp_path: Path, trig: Path, graphs: dict[str, Graph]
) -> None:
    order = publish_module.publication_order(graphs)
    old = old_graphs(order)
    with oxigraph_server(tmp_path) as server:
        assert publish(old, Target(server.query_url, server.store_url)).ok
        proxy = KillingProxy(server, kill_at_put=4)
        try:
            done = netkg(
                "publish",
                *("--endpoint", proxy.base_url + "/query", "--no-auth", "--graph", str(trig)),
                *("--retries", "1", "--retry-delay", "0"),
            )
        finally:
            proxy.close()
    message = one_line_error(done, 3)
    assert message.startswith(f"netkg: publishing stopped at {_name(order[3])}: ")
    assert f"3 graph(s) updated, 0 unchanged, {len(order) - 3} not updated" in message
    shown = statuses(done.stdout)
    assert [shown[_name(g)] for g in order[:4]] == ["updated", "updated", "updated", "failed"]
    assert {shown[_name(g)] for g in order[4:]} == {"not sent"}
    assert f"3 updated, 0 unchanged, 1 failed, {len(order) - 4} not sent" in done.stdout

    with oxigraph_server(tmp_path) as restarted:
        held = {g: state(restarted, g, old[g], graphs[g]) for g in order}
    assert [held[g] for g in order[:3]] == ["new"] * 3
    assert held[order[3]] in ("old", "new")  # the graph whose PUT was cut: never part of one
    assert {held[g] for g in order[4:]} == {"old"}


def _name(graph: str) -> str:
    return graph.removeprefix("https://w3id.org/netkg/graph/")
