"""Queries that must never leave the machine or kill the process (issue 20, items 1 and 2).

A syntax check parses and never evaluates: a SERVICE clause naming a listener on loopback must
reach it zero times in every way a query is run. Brackets nested thousands deep are refused with
a message before any parser sees them (Oxigraph's parser dies with SIGSEGV on them).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from netkg.cli import main
from netkg.errors import QueryError
from netkg.rdf.clauses import MAX_NESTING, service_as_graph, too_deep


class Listener:
    """A loopback TCP listener that counts the connections it is offered."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    served = Listener()
    yield served
    served.close()


@pytest.fixture
def service_query(tmp_path: Path, listener: Listener) -> Path:
    path = tmp_path / "svc.rq"
    path.write_text(
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/s> {{ ?s ?p ?o }} }}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> Path:
    """The shipped data built as `netkg build` builds it: the on-disk store the commands read."""
    out = tmp_path_factory.mktemp("dist")
    assert main(["build", "--out", str(out)]) == 0
    return out / "store"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "mode",
    [[], ["--engine", "oxigraph"], ["--endpoint", "ENDPOINT"], ["--store", "STORE"]],
    ids=["default", "oxigraph", "endpoint", "store"],
)
def test_service_reaches_no_host_from_the_command_line(
    mode, service_query, listener, tmp_path, capsys, monkeypatch, built_store
):
    monkeypatch.chdir(tmp_path)
    args = [
        a.replace("ENDPOINT", f"http://127.0.0.1:{_closed_port()}/sparql").replace(
            "STORE", str(built_store)
        )
        for a in mode
    ]
    code = main(["query", str(service_query), *args])
    assert code == 2
    assert "SERVICE is refused" in capsys.readouterr().err
    assert listener.connections == 0


def test_service_reaches_no_host_from_python(service_query, listener, kg, kg_reference):
    for graph in (kg, kg_reference):
        with pytest.raises(QueryError, match="SERVICE is refused"):
            graph.query(str(service_query))
        with pytest.raises(QueryError, match="SERVICE is refused"):
            graph.sparql(service_query.read_text(encoding="utf-8"))
    assert listener.connections == 0


def test_the_syntax_check_parses_service_as_graph():
    text = 'SELECT * { SERVICE SILENT <http://x/> { ?s ?p "SERVICE" } } # SERVICE'
    assert service_as_graph(text) == 'SELECT * { GRAPH  <http://x/> { ?s ?p "SERVICE" } } # SERVICE'


@pytest.mark.parametrize(
    "text, where",
    [
        ("SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000, (1, 80)),
        ("ASK { FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }", (1, 76)),
        ('ASK { ?s ?p "' + "(" * 100 + '" }  # ' + "{" * 100, None),
    ],
    ids=["groups-3000", "parentheses-10000", "brackets-in-strings-and-comments"],
)
def test_nesting_is_measured_outside_strings_and_comments(text, where):
    assert too_deep(text) == where


@pytest.mark.parametrize(
    "body",
    [
        "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000,
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }",
    ],
    ids=["groups-3000", "parentheses-10000"],
)
def test_deep_nesting_is_refused_with_a_message_not_a_crash(body, tmp_path):
    query = tmp_path / "deep.rq"
    query.write_text(body + "\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "netkg", "query", str(query), "--store", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "NETKG_ROOT": ""},
    )
    assert run.returncode == 2, run.stderr
    assert f"brackets nest deeper than {MAX_NESTING} levels at line 1" in run.stderr
