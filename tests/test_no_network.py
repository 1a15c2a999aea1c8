"""No network at run time unless asked (issue 10): every command, over inputs that try to reach out.

The commands run with sockets blocked: in this process by pytest-socket (plus name lookups,
which pytest-socket lets through), and in `netkg serve`'s processes by tests/support/nonetwork,
which allows loopback only. The inputs try owl:imports, JSON-LD contexts of every kind,
SERVICE, a FROM graph rdflib would otherwise download, and XML external entities.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import pytest_socket

from netkg.cli import main
from netkg.pipeline.inputs.layout import root

HERE = Path(__file__).parent / "hardening"
GUARD = Path(__file__).parent / "support" / "nonetwork"
REACHING_OUT = [
    "context-remote.jsonld",
    "context-remote-in-array.jsonld",
    "context-import.jsonld",
    "context-nested.jsonld",
    "context-scoped-property.jsonld",
    "context-scoped-type.jsonld",
    "xml-external-entity.rdf",
]


@pytest.fixture
def offline(monkeypatch):
    """Sockets other than Unix ones, and name lookups, fail and are recorded."""
    attempts: list[str] = []

    def refuse(name, *args, **kwargs):
        attempts.append(f"lookup {name}")
        raise pytest_socket.SocketBlockedError()

    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "create_connection"):
        monkeypatch.setattr(socket, name, refuse)
    pytest_socket.disable_socket(allow_unix_socket=True)
    try:
        yield attempts
    finally:
        pytest_socket.enable_socket()


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([*args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "SocketBlocked" not in err + out, err
    return code, out, err


def test_every_command_runs_offline(offline, capsys, tmp_path, monkeypatch):
    checkout = tmp_path / "checkout"
    for part in ("ontology", "shapes", "queries", "data"):
        shutil.copytree(root() / part, checkout / part)
    shutil.copy(HERE / "owl-imports.ttl", checkout / "ontology" / "imports" / "zz-imports.ttl")
    monkeypatch.setenv("NETKG_ROOT", str(checkout))
    monkeypatch.chdir(tmp_path)

    code, out, _ = _run(capsys, "build", "--no-validate")
    assert code == 0 and "triples asserted" in out

    for name in REACHING_OUT:
        code, _, err = _run(capsys, "validate", str(HERE / name))
        assert code == 2 and ("not fetched" in err or "refused" in err), err
    code, out, _ = _run(capsys, "validate", "--no-reason", str(HERE / "owl-imports.ttl"))
    assert code == 0 and "conforms" in out

    for engine in ("rdflib", "oxigraph"):
        code, _, err = _run(capsys, "query", str(HERE / "service.rq"), "--engine", engine)
        assert code == 2 and "SERVICE is refused" in err
        # rdflib would download a FROM graph it lacks; the answer must be empty instead
        query = str(HERE / "from-unknown-graph.rq")
        code, out, _ = _run(capsys, "query", query, "--engine", engine, "-f", "csv")
        assert code == 0 and out == "n\r\n0\r\n"
    code, out, _ = _run(capsys, "query", "networks", "-f", "csv")
    assert code == 0 and "network" in out.splitlines()[0]

    code, out, _ = _run(capsys, "compare", "--out", str(tmp_path / "compare"))
    assert code == 0 and (tmp_path / "compare" / "compare.html").is_file()
    if shutil.which("dot"):
        stem = tmp_path / "albertslund"
        code, out, _ = _run(capsys, "diagram", "albertslund", "--out", str(stem))
        assert code == 0 and stem.with_suffix(".svg").is_file()
    code, out, _ = _run(capsys, "site", str(tmp_path / "site"))
    assert code == 0 and (tmp_path / "site" / "index.html").is_file()
    assert offline == [], f"network attempts: {offline}"


def test_serve_runs_offline_but_for_loopback(graph_file, tmp_path):
    """`netkg serve` and its query workers, in processes that may only use loopback."""
    log = tmp_path / "net.log"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(GUARD), os.environ.get("PYTHONPATH", "")]),
        "NETKG_NET_LOG": str(log),
        "TMPDIR": str(tmp_path),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "netkg",
            "serve",
            "--port",
            "0",
            "--quiet",
            "--graph",
            str(graph_file),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = process.stdout.readline()
        assert "http://127.0.0.1:" in line, process.stderr.read()
        base = line.split()[2].rstrip("/")

        def get(path: str, query: str | None = None) -> tuple[int, str]:
            url = base + path
            if query is not None:
                url += "?" + urllib.parse.urlencode({"query": query})
            request = urllib.request.Request(
                url, headers={"Accept": "text/csv" if query else "text/html"}
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as reply:
                    return reply.status, reply.read().decode()
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read().decode()

        assert get("/")[0] == 200
        service = (HERE / "service.rq").read_text()
        status, body = get("/sparql", service)
        assert status == 403 and "SERVICE is refused" in body
        status, body = get("/sparql", (HERE / "from-unknown-graph.rq").read_text())
        assert (status, body) == (200, "n\r\n0\r\n")
    finally:
        process.terminate()
        process.wait(10)
    assert not log.exists(), log.read_text()


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_the_guards_do_block(offline, tmp_path):
    """The guards themselves: without them the tests above would prove nothing."""
    from rdflib import Graph

    with pytest.raises(Exception):  # noqa: B017 - rdflib wraps the refusal in its own errors
        Graph().parse("http://example.invalid/ontology.ttl")
    assert offline == ["lookup ('example.invalid', 80)"]  # urllib: create_connection

    log = tmp_path / "net.log"
    env = {**os.environ, "PYTHONPATH": str(GUARD), "NETKG_NET_LOG": str(log)}
    script = "import urllib.request; urllib.request.urlopen('http://example.invalid/', timeout=5)"
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, check=False)
    assert done.returncode != 0
    assert "getaddrinfo 'example.invalid'" in log.read_text()
