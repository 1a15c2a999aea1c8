"""Start and stop real SPARQL 1.1 servers on 127.0.0.1 for tests (no dependency on netkg).

Two stores are supported:

* **Oxigraph** (``oxigraph`` binary from the PyPI package ``oxigraph``):
  ``/query``, ``/update`` and ``/store`` (SPARQL 1.1 Graph Store Protocol, ``?graph=IRI``),
  no authentication; ``read_only=True`` runs ``oxigraph serve-read-only`` (writes get 403).
* **Virtuoso open source 7** (``virtuoso-t`` from the Debian package ``virtuoso-opensource``):
  anonymous ``/sparql`` is read-only; writes go through HTTP-digest-protected endpoints
  (``/sparql-graph-crud-auth`` for the Graph Store Protocol, ``/sparql-auth`` for SPARQL
  Update) as the superuser ``dba``/``dba`` of the fresh private database.

Install both with ``scripts/install-system-deps.sh``. Every server gets its own data directory
inside ``tmp_dir`` and free TCP ports bound to 127.0.0.1 only, so tests can run side by side.

Example (e.g. inside a pytest fixture; ``tmp_path`` is pytest's temporary directory). With
pytest's default ``prepend`` import mode and no ``tests/__init__.py``, ``tests/`` is on
``sys.path``, so the module is imported as ``support.triplestores``::

    from support.triplestores import gsp_put, oxigraph_server, sparql_select, virtuoso_server

    with oxigraph_server(tmp_path) as ox:
        g = "https://w3id.org/netkg/synthetic/g"
        gsp_put(ox.store_url, g, b"<urn:a> <urn:b> <urn:c> .")
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"
        rows = sparql_select(ox.query_url, count)
        assert int(rows[0]["n"]["value"]) == 1

    with virtuoso_server(tmp_path) as vt:
        gsp_put(vt.gsp_auth_url, g, b"<urn:a> <urn:b> <urn:c> .", auth=(vt.user, vt.password))

Bindings are returned exactly as in the SPARQL JSON results (``{"type", "value", ...}``);
note that Virtuoso reports typed literals with the pre-standard ``"type": "typed-literal"``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "OxigraphServer",
    "ServerStartError",
    "TriplestoreServer",
    "VirtuosoServer",
    "free_port",
    "gsp_put",
    "oxigraph_binary",
    "oxigraph_server",
    "sparql_select",
    "sparql_update",
    "virtuoso_binary",
    "virtuoso_server",
]

HOST = "127.0.0.1"
SPARQL_JSON = "application/sparql-results+json"
VIRTUOSO_SYSTEM_INI = (
    Path("/etc/virtuoso-opensource-7/virtuoso.ini"),
    Path("/usr/share/virtuoso-opensource-7/virtuoso.ini"),
)
# A server that exits early with one of these messages lost a race for its port: retry.
_PORT_CLASH = re.compile(
    r"address already in use|failed (http )?listen|failed to start listening", re.I
)
_START_ATTEMPTS = 3


class ServerStartError(RuntimeError):
    """A triplestore did not come up; the message includes the tail of its log."""


# --------------------------------------------------------------------------------------------
# HTTP helpers (stdlib only; proxies from the environment are ignored for 127.0.0.1)
# --------------------------------------------------------------------------------------------


def _opener(url: str, auth: tuple[str, str] | None = None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
    if auth is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, auth[0], auth[1])
        handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
    return urllib.request.build_opener(*handlers)


def _with_params(url: str, params: Mapping[str, str]) -> str:
    sep = "&" if "?" in url else "?"
    return url + sep + urllib.parse.urlencode(params)


def gsp_put(
    url: str,
    graph_iri: str,
    turtle_bytes: bytes,
    auth: tuple[str, str] | None = None,
    *,
    graph_param: str = "graph",
    content_type: str = "text/turtle",
    timeout: float = 30.0,
) -> int:
    """Replace the named graph ``graph_iri`` with ``turtle_bytes`` (Graph Store Protocol PUT).

    ``url`` is the GSP endpoint (``OxigraphServer.store_url`` or ``VirtuosoServer.gsp_auth_url``).
    ``auth=(user, password)`` uses HTTP digest authentication (what Virtuoso wants). Both stores
    accept the standard ``?graph=`` parameter; Virtuoso also knows ``?graph-uri=``.

    Returns the HTTP status: 201 when the graph was created, 200 or 204 when it was replaced.
    Raises ``urllib.error.HTTPError`` for any 4xx/5xx answer (e.g. 401/403 for refused writes).
    """
    target = _with_params(url, {graph_param: graph_iri})
    request = urllib.request.Request(
        target, data=turtle_bytes, method="PUT", headers={"Content-Type": content_type}
    )
    with _opener(target, auth).open(request, timeout=timeout) as response:
        response.read()
        return int(response.status)


def sparql_select(
    query_url: str,
    query: str,
    auth: tuple[str, str] | None = None,
    *,
    timeout: float = 30.0,
) -> list[dict[str, dict[str, str]]]:
    """Run a SELECT query (HTTP POST, form-encoded) and return the JSON result bindings.

    Each row maps a variable name to its binding, e.g. ``{"n": {"type": "literal",
    "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "7"}}``; unbound
    variables are absent from the row.
    """
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        query_url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": SPARQL_JSON},
    )
    with _opener(query_url, auth).open(request, timeout=timeout) as response:
        payload = json.loads(response.read().decode("utf-8"))
    return list(payload["results"]["bindings"])


def sparql_update(
    update_url: str,
    update: str,
    auth: tuple[str, str] | None = None,
    *,
    timeout: float = 30.0,
) -> int:
    """Run a SPARQL 1.1 Update (HTTP POST, form field ``update``); return the HTTP status.

    Raises ``urllib.error.HTTPError`` when the server refuses or fails the update.
    """
    body = urllib.parse.urlencode({"update": update}).encode()
    request = urllib.request.Request(
        update_url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with _opener(update_url, auth).open(request, timeout=timeout) as response:
        response.read()
        return int(response.status)


def _answers(query_url: str) -> bool:
    """True when ``query_url`` answers a trivial SELECT with HTTP 200."""
    try:
        sparql_select(query_url, "SELECT * WHERE { } LIMIT 1", timeout=2.0)
    except (OSError, ValueError, KeyError):  # URLError/HTTPError/ConnectionError are OSErrors
        return False
    return True


# --------------------------------------------------------------------------------------------
# Process handling
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago (the OS picks it).

    There is an unavoidable race until the server binds it; the context managers below retry
    with new ports when a server exits because its port was taken.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "<no log>"
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class TriplestoreServer:
    """A running SPARQL server process. URLs all live on 127.0.0.1."""

    name: str
    base_url: str
    query_url: str
    update_url: str
    store_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    data_dir: Path

    @property
    def port(self) -> int:
        """The HTTP port on 127.0.0.1 (pass it to ``oxigraph_server(port=...)`` to restart)."""
        return int(urllib.parse.urlsplit(self.base_url).port or 80)

    def log_tail(self, lines: int = 30) -> str:
        """The last ``lines`` lines of the server's stdout/stderr."""
        return _tail(self.log_path, lines)

    def kill(self) -> None:
        """Hard-kill the server (SIGKILL) and reap it - for fault-injection tests."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)

    def stop(self, grace_s: float = 5.0) -> None:
        """SIGTERM, then SIGKILL if the server has not exited within ``grace_s`` seconds."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process.wait(timeout=10)


@dataclass
class OxigraphServer(TriplestoreServer):
    """An ``oxigraph serve`` (or ``serve-read-only``) process."""

    read_only: bool = False


@dataclass
class VirtuosoServer(TriplestoreServer):
    """A ``virtuoso-t`` process on a private database.

    ``query_url`` (``/sparql``) and ``store_url`` (``/sparql-graph-crud``) are anonymous and
    read-only; ``update_url`` (``/sparql-auth``) and ``gsp_auth_url``
    (``/sparql-graph-crud-auth``) need HTTP digest auth as ``(user, password)``.
    """

    user: str = "dba"
    password: str = "dba"
    gsp_auth_url: str = ""
    sql_port: int = 0
    ini_path: Path = field(default_factory=Path)

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    def isql(self, sql: str, timeout: float = 60.0) -> str:
        """Run SQL with ``isql-vt`` on the private SQL port as ``dba``; return stdout.

        Put **one statement per line**, each ending in ``;`` (isql only splits at ``;`` + end
        of line; ``"SELECT 1; SELECT 2;"`` on one line is a syntax error). The SQL is fed on
        stdin because ``exec=...`` on the command line is URL-decoded (``+`` becomes a space).
        ``isql-vt`` exits 0 even when a statement fails, so the output is checked for
        ``*** Error`` and ``RuntimeError`` raised. Example (a non-dba writer)::

            server.isql("USER_CREATE('pub', 'secret');\nGRANT SPARQL_UPDATE TO \"pub\";")
        """
        isql = shutil.which("isql-vt") or shutil.which("isql")
        if isql is None:
            raise RuntimeError("isql-vt not found (Debian package virtuoso-opensource-7-bin)")
        flags = ["VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF"]
        result = subprocess.run(
            [isql, f"{HOST}:{self.sql_port}", self.user, self.password, *flags],
            input=sql if sql.rstrip().endswith(";") else sql.rstrip() + ";\n",
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
            raise RuntimeError(
                f"isql-vt failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
            )
        return result.stdout


def _wait_until_up(server: TriplestoreServer, deadline_s: float) -> None:
    """Poll ``server.query_url`` until it answers; raise if the process dies or time runs out."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerStartError(
                f"{server.name} exited with code {server.process.returncode} before answering"
                f" at {server.query_url}; log tail:\n{server.log_tail()}"
            )
        if _answers(server.query_url):
            return
        time.sleep(0.1)
    server.stop()
    raise ServerStartError(
        f"{server.name} did not answer at {server.query_url} within {deadline_s:.0f} s;"
        f" log tail:\n{server.log_tail()}"
    )


def _start_with_retries(
    start: Callable[[int], TriplestoreServer], deadline_s: float
) -> TriplestoreServer:
    """Start via ``start(attempt)``; retry with new ports if the server lost a port race."""
    for attempt in range(1, _START_ATTEMPTS + 1):
        server = start(attempt)
        try:
            _wait_until_up(server, deadline_s)
        except ServerStartError:
            server.stop()
            if attempt < _START_ATTEMPTS and _PORT_CLASH.search(server.log_tail()):
                continue
            raise
        except BaseException:
            server.stop()
            raise
        return server
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------------------------
# Oxigraph
# --------------------------------------------------------------------------------------------


def oxigraph_binary() -> str | None:
    """Path of the ``oxigraph`` CLI: on PATH, or next to the running Python (a venv's bin/)."""
    found = shutil.which("oxigraph")
    if found:
        return found
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if os.access(beside, os.X_OK) else None


@contextlib.contextmanager
def oxigraph_server(
    tmp_dir: Path,
    read_only: bool = False,
    *,
    startup_timeout_s: float = 20.0,
    extra_args: tuple[str, ...] = (),
    port: int | None = None,
) -> Iterator[OxigraphServer]:
    """Run an Oxigraph server persisting to ``tmp_dir/oxigraph``; stop it on exit.

    ``read_only=True`` runs ``oxigraph serve-read-only``, which refuses ``/update`` and
    ``/store`` writes with HTTP 403. It needs an existing database, so an empty one is created
    first if ``tmp_dir/oxigraph`` has none (run a read-write server on the same ``tmp_dir``
    beforehand to serve data read-only).

    ``port`` binds that port instead of a free one, e.g. to restart a killed server where its
    clients expect it (``port=server.port``); a port clash is then retried on the same port.
    """
    binary = oxigraph_binary()
    if binary is None:
        raise ServerStartError("oxigraph not found: run scripts/install-system-deps.sh")
    data_dir = Path(tmp_dir) / "oxigraph"
    data_dir.mkdir(parents=True, exist_ok=True)
    if read_only and not (data_dir / "CURRENT").exists():
        subprocess.run(
            [binary, "update", "--location", str(data_dir), "--update", "INSERT DATA { }"],
            check=True,
            capture_output=True,
            timeout=60,
        )
    log_path = Path(tmp_dir) / "oxigraph-server.log"

    def start(attempt: int) -> OxigraphServer:
        bound = port or free_port()
        base = f"http://{HOST}:{bound}"
        command = "serve-read-only" if read_only else "serve"
        with log_path.open("ab") as log:
            log.write(f"--- attempt {attempt}: {command} on port {bound}\n".encode())
            log.flush()
            process = subprocess.Popen(
                [
                    binary,
                    command,
                    "--location",
                    str(data_dir),
                    "--bind",
                    f"{HOST}:{bound}",
                    *extra_args,
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return OxigraphServer(
            name="oxigraph",
            base_url=base,
            query_url=f"{base}/query",
            update_url=f"{base}/update",
            store_url=f"{base}/store",
            process=process,
            log_path=log_path,
            data_dir=data_dir,
            read_only=read_only,
        )

    server = _start_with_retries(start, startup_timeout_s)
    assert isinstance(server, OxigraphServer)
    try:
        yield server
    finally:
        server.stop()


# --------------------------------------------------------------------------------------------
# Virtuoso
# --------------------------------------------------------------------------------------------

# Used when no distribution virtuoso.ini exists (e.g. a non-Debian install).
_MINIMAL_VIRTUOSO_INI = """\
[Database]
[TempDatabase]
[Parameters]
CheckpointInterval = 60
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
[HTTPServer]
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 10000
"""


def virtuoso_binary() -> str | None:
    """Path of ``virtuoso-t`` (Debian: /usr/bin/virtuoso-t), or None if not installed."""
    return shutil.which("virtuoso-t")


def _rewrite_ini(text: str, overrides: Mapping[str, Mapping[str, str]]) -> str:
    """Set ``key = value`` in ``[section]`` for every override, line by line.

    Virtuoso ini files have duplicate keys and ``;`` comments, which ``configparser`` rejects.
    Matching is case-insensitive; duplicates of an overridden key are dropped; missing keys and
    sections are appended.
    """
    wanted = {s.lower(): {k.lower(): (k, v) for k, v in kv.items()} for s, kv in overrides.items()}
    done: dict[str, set[str]] = {s: set() for s in wanted}
    out: list[str] = []
    section: str | None = None

    def flush_missing(sec: str | None) -> None:
        if sec in wanted:
            for key, (name, value) in wanted[sec].items():
                if key not in done[sec]:
                    out.append(f"{name} = {value}")
                    done[sec].add(key)

    for line in text.splitlines():
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            flush_missing(section)
            section = header.group(1).strip().lower()
            out.append(line)
            continue
        entry = re.match(r"\s*([A-Za-z0-9_]+)\s*=", line)
        if section in wanted and entry and entry.group(1).lower() in wanted[section]:
            key = entry.group(1).lower()
            if key not in done[section]:
                name, value = wanted[section][key]
                out.append(f"{name} = {value}")
                done[section].add(key)
            continue
        out.append(line)
    flush_missing(section)
    for sec, keys in wanted.items():
        if not done[sec]:
            out.append(f"[{next(k for k in overrides if k.lower() == sec)}]")
            out.extend(f"{name} = {value}" for name, value in keys.values())
    return "\n".join(out) + "\n"


def _virtuoso_ini(db_dir: Path, sql_port: int, http_port: int) -> str:
    template = next((p for p in VIRTUOSO_SYSTEM_INI if p.is_file()), None)
    text = template.read_text(encoding="utf-8") if template else _MINIMAL_VIRTUOSO_INI
    d = db_dir
    return _rewrite_ini(
        text,
        {
            "Database": {
                "DatabaseFile": str(d / "virtuoso.db"),
                "ErrorLogFile": str(d / "virtuoso.log"),
                "LockFile": str(d / "virtuoso.lck"),
                "TransactionFile": str(d / "virtuoso.trx"),
                "xa_persistent_file": str(d / "virtuoso.pxa"),
            },
            "TempDatabase": {
                "DatabaseFile": str(d / "virtuoso-temp.db"),
                "TransactionFile": str(d / "virtuoso-temp.trx"),
            },
            "Parameters": {
                "ServerPort": f"{HOST}:{sql_port}",
                # file_to_string()/ld_dir() may only read these; "." is the db directory.
                "DirsAllowed": f"., {d}",
                # Debian's default points at /usr/share/.../vad, absent without recommends.
                "VADInstallDir": str(d / "vad"),
            },
            "HTTPServer": {"ServerPort": f"{HOST}:{http_port}", "ServerRoot": str(d / "vsp")},
            "URIQA": {"DefaultHost": f"localhost:{http_port}"},
        },
    )


@contextlib.contextmanager
def virtuoso_server(
    tmp_dir: Path, *, startup_timeout_s: float = 60.0, stop_grace_s: float = 5.0
) -> Iterator[VirtuosoServer]:
    """Run ``virtuoso-t -f`` on a fresh private database in ``tmp_dir/virtuoso``.

    The ini is the distribution's ``virtuoso.ini`` with database/log/lock paths,
    ``DirsAllowed``, ``VADInstallDir`` and ``ServerRoot`` moved into ``tmp_dir/virtuoso`` and
    SQL + HTTP ports replaced by free ports bound to 127.0.0.1. A fresh database's superuser is
    ``dba``/``dba``; it may use ``/sparql-auth`` and ``/sparql-graph-crud-auth`` without extra
    grants (another user would need ``GRANT SPARQL_UPDATE TO "user"`` via ``isql``).
    On exit the server gets SIGTERM (a quick shutdown without checkpoint, ~1 s) and SIGKILL
    after ``stop_grace_s`` seconds.
    """
    binary = virtuoso_binary()
    if binary is None:
        raise ServerStartError("virtuoso-t not found: run scripts/install-system-deps.sh")
    db_dir = Path(tmp_dir).resolve() / "virtuoso"
    for sub in (db_dir, db_dir / "vad", db_dir / "vsp"):
        sub.mkdir(parents=True, exist_ok=True)
    ini_path = db_dir / "virtuoso.ini"
    log_path = db_dir / "virtuoso-stdout.log"

    def start(attempt: int) -> VirtuosoServer:
        sql_port, http_port = free_port(), free_port()
        while http_port == sql_port:
            http_port = free_port()
        ini_path.write_text(_virtuoso_ini(db_dir, sql_port, http_port), encoding="utf-8")
        base = f"http://{HOST}:{http_port}"
        with log_path.open("ab") as log:
            log.write(f"--- attempt {attempt}: sql {sql_port}, http {http_port}\n".encode())
            log.flush()
            process = subprocess.Popen(
                [binary, "-f", "-c", str(ini_path)],
                cwd=db_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return VirtuosoServer(
            name="virtuoso",
            base_url=base,
            query_url=f"{base}/sparql",
            update_url=f"{base}/sparql-auth",
            store_url=f"{base}/sparql-graph-crud",
            process=process,
            log_path=log_path,
            data_dir=db_dir,
            gsp_auth_url=f"{base}/sparql-graph-crud-auth",
            sql_port=sql_port,
            ini_path=ini_path,
        )

    server = _start_with_retries(start, startup_timeout_s)
    assert isinstance(server, VirtuosoServer)
    try:
        yield server
    finally:
        server.stop(stop_grace_s)
