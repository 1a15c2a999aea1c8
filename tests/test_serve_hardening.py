"""`netkg serve` under hostile load (issue 10): many clients, hang-ups, slow queries, FROM.

Real server processes on 127.0.0.1 (tests/test_serve.py's helpers); no timing is asserted, only
outcomes and their order.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from netkg.iris import GRAPH
from support.web import EXPENSIVE, bindings, fetch, serving, sparql_get

ONTOLOGY = str(GRAPH["ontology"])
ALBERTSLUND = str(GRAPH["municipality/0165-albertslund"])


def _count(base: str, query: str) -> int:
    return int(bindings(sparql_get(base, query))[0]["n"])


def test_from_and_from_named_are_honoured(graph_file, tmp_path):
    with serving(graph_file, tmp_path / "tmp") as server:
        union = _count(server.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        ontology = _count(
            server.url, f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}"
        )
        both = _count(
            server.url,
            f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY}> FROM <{ALBERTSLUND}> WHERE {{ ?s ?p ?o }}",
        )
        unknown = _count(
            server.url,
            "SELECT (COUNT(*) AS ?n) FROM <https://example.invalid/none> WHERE { ?s ?p ?o }",
        )
        named = bindings(
            sparql_get(
                server.url,
                f"SELECT DISTINCT ?g FROM NAMED <{ONTOLOGY}> "
                "FROM NAMED <https://example.invalid/x> "
                "WHERE { GRAPH ?g { ?s ?p ?o } }",
            )
        )
    assert 0 < ontology < both < union
    assert unknown == 0
    assert named == [{"g": ONTOLOGY}]


def test_many_clients_and_hang_ups_leave_no_failures_or_tracebacks(graph_file, tmp_path):
    with serving(graph_file, tmp_path / "tmp") as server:
        # clients that connect and vanish: mid-request, and before reading a large answer
        host, port = "127.0.0.1", server.port
        for request in (
            b"GET /sparql?query=ASK",
            b"GET /dumps/netkg.nt HTTP/1.1\r\nHost: x\r\n\r\n",
        ):
            for _ in range(20):
                with socket.create_connection((host, port), timeout=5) as s:
                    s.sendall(request)
        # then 100 clients at once, each with one question
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"
        with ThreadPoolExecutor(100) as pool:
            statuses = list(pool.map(lambda _: sparql_get(server.url, query).status, range(100)))
        assert statuses == [200] * 100
        assert fetch(server.url + "/").status == 200
        process = server.process
    _, err = process.communicate(timeout=30)
    assert "Traceback" not in err and "Error" not in err, err


def test_slow_queries_do_not_starve_quick_ones(graph_file, tmp_path):
    """Two workers, two slow queries: a quick query is still answered while both run."""
    options = ("--workers", "2", "--timeout", "8", "--slow-after", "0.3")
    with serving(graph_file, tmp_path / "tmp", *options) as server:
        slow_done: list[tuple[int, float]] = []

        def slow() -> None:
            response = sparql_get(server.url, EXPENSIVE)
            slow_done.append((response.status, time.monotonic()))

        threads = [threading.Thread(target=slow) for _ in range(2)]
        for t in threads:
            t.start()
        time.sleep(1.0)  # both are running, past --slow-after
        quick = sparql_get(server.url, "SELECT (1 AS ?one) {}")
        answered = time.monotonic()
        for t in threads:
            t.join(30)
    assert json.loads(quick.body)["results"]["bindings"] == [
        {
            "one": {
                "type": "literal",
                "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                "value": "1",
            }
        }
    ]
    assert [status for status, _ in slow_done] == [504, 504]
    assert all(answered < finished for _, finished in slow_done), "the quick query waited"


RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"


def test_runaway_memory_deep_nesting_and_slow_sockets_leave_the_server_answering(
    graph_file, tmp_path
):
    """Issue 20, items 2, 6 and 7, on one server: a query sorting a cartesian product is stopped
    at the memory bound (503) and its worker replaced; brackets 10,000 deep are a 400, not a dead
    worker; 1,100 sockets trickling a request do not lock out a client that asks at once."""
    options = ("--max-memory", "300", "--timeout", "120", "--workers", "1")
    with serving(graph_file, tmp_path / "tmp", *options) as server:
        started = time.monotonic()
        runaway = sparql_get(server.url, RUNAWAY)
        assert runaway.status == 503, runaway.text
        assert "more than 300 MB of memory" in runaway.text
        assert time.monotonic() - started < 100  # the memory bound, not the deadline, stopped it
        assert _count(server.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }") > 0

        deep = sparql_get(server.url, "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000)
        assert deep.status == 400, deep.text
        assert "nest deeper than 64 levels" in deep.text
        assert _count(server.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }") > 0

        host, port = "127.0.0.1", server.port
        slow = []
        try:
            for _ in range(1_100):
                s = socket.create_connection((host, port), timeout=10)
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                slow.append(s)
            page = fetch(server.url + "/")
            assert page.status == 200
        finally:
            for s in slow:
                s.close()
        process = server.process
    _, err = process.communicate(timeout=30)
    assert "Traceback" not in err, err
