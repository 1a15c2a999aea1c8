"""`netkg publish`: upload the built graph to a SPARQL 1.1 store, one named graph per request.

Each named graph is replaced whole by one SPARQL 1.1 Graph Store HTTP Protocol PUT (N-Triples,
so blank nodes travel as they are), never streamed in parts: a store that applies a request in
one transaction is left with every graph either old or new, even if it dies mid-way. A graph the
store already holds unchanged (compared after canonicalising blank nodes) is not sent again, so
re-running is cheap and safe. Every graph is then counted on the store with a SPARQL COUNT.

Connection failures, timeouts and HTTP 5xx answers are retried with exponential backoff; any
other failure stops the run, which then says which graphs were updated and which were not.

Writing needs credentials (`--user` plus `--password-env`, the *name* of an environment variable
holding the password, so it never appears on a command line) or an explicit `--no-auth`: a
store is never written to by a command that merely forgot its credentials. The password is kept
in memory only, and no message contains it.

Module-level imports are the standard library only; rdflib and pyoxigraph load when the command
runs (see netkg.cli).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from netkg.errors import EndpointError, UsageError

if TYPE_CHECKING:
    from rdflib import Graph

GRAPH_BASE = "https://w3id.org/netkg/graph/"
N_TRIPLES = "application/n-triples"
SPARQL_JSON = "application/sparql-results+json"
UPDATED, UNCHANGED, FAILED, NOT_SENT = "updated", "unchanged", "failed", "not sent"

# Where each kind of graph goes in the upload: what others refer to first, the dataset
# description (which states every graph's size) last.
_ORDER = (
    "ontology",
    "imports",
    "vocabularies",
    "shared",
    "municipality/",
    "",  # any other graph
    "inferred",
    "dataset",
)


@dataclass(frozen=True)
class Target:
    """Where to publish: the SPARQL query endpoint (for COUNT) and the Graph Store endpoint."""

    endpoint: str
    gsp: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)


@dataclass
class GraphOutcome:
    """What happened to one named graph."""

    graph: str
    triples: int
    status: str = NOT_SENT
    verified: int | None = None
    error: str | None = None

    @property
    def name(self) -> str:
        """The graph's name relative to netkg's graph namespace (the full IRI otherwise)."""
        return self.graph.removeprefix(GRAPH_BASE)


@dataclass
class PublishResult:
    """The outcome of every graph, in upload order."""

    outcomes: list[GraphOutcome]
    seconds: float = 0.0

    def having(self, status: str) -> list[GraphOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def ok(self) -> bool:
        return all(o.status in (UPDATED, UNCHANGED) for o in self.outcomes)

    @property
    def failure(self) -> GraphOutcome | None:
        return next((o for o in self.outcomes if o.status == FAILED), None)


class _Transient(Exception):
    """A failure worth retrying: connection refused or reset, timeout, HTTP 5xx."""


class _Refused(EndpointError):
    """The store answered a request with HTTP 4xx: it did not carry it out."""


def derive_gsp(endpoint: str, authenticated: bool) -> str | None:
    """The Graph Store URL of the two stores netkg knows, from their query URL; None otherwise.

    Oxigraph serves queries at `…/query` and its graph store at `…/store`; Virtuoso serves
    queries at `…/sparql` and its graph store at `…/sparql-graph-crud-auth` (digest
    authentication) or, anonymously, `…/sparql-graph-crud`.
    """
    parsed = urllib.parse.urlsplit(endpoint)
    path = parsed.path.rstrip("/")
    if path.endswith("/query"):
        path = path.removesuffix("/query") + "/store"
    elif path.endswith("/sparql"):
        path += "-graph-crud-auth" if authenticated else "-graph-crud"
    else:
        return None
    return urllib.parse.urlunsplit(parsed._replace(path=path, query="", fragment=""))


def publication_order(graphs: Iterable[str]) -> list[str]:
    """Graph IRIs in upload order: ontology, imports, vocabularies, shared, municipalities, …"""

    def rank(iri: str) -> tuple[int, str]:
        name = iri.removeprefix(GRAPH_BASE) if iri.startswith(GRAPH_BASE) else "\0" + iri
        for i, key in enumerate(_ORDER):
            if key and (name == key or (key.endswith("/") and name.startswith(key))):
                return i, name
        return _ORDER.index(""), name

    return sorted(graphs, key=rank)


def publish(
    graphs: Mapping[str, Graph],
    target: Target,
    *,
    retries: int = 3,
    retry_delay: float = 1.0,
    timeout: float = 60.0,
    on_graph: Callable[[GraphOutcome], None] | None = None,
    check: bool = True,
) -> PublishResult:
    """Replace each named graph on the store with its local content, then count it there.

    Raises EndpointError when the store cannot be used before anything on it was changed;
    otherwise returns the outcome of every graph, stopping at the first graph that fails.
    `on_graph` is called after each graph that was handled (progress output; tests use it).
    `check=False` skips the first look at the store (see check_store).
    """
    start = time.monotonic()
    client = _Client(target, timeout, retries, retry_delay)
    order = publication_order(graphs)
    outcomes = [GraphOutcome(iri, len(graphs[iri])) for iri in order]
    result = PublishResult(outcomes)
    if check:
        client.check(order[0] if order else GRAPH_BASE + "ontology")
    changed = False
    for outcome in outcomes:
        data = graphs[outcome.graph].serialize(format="nt", encoding="utf-8")
        putting = sent = False
        try:
            remote = client.get(outcome.graph)
            if remote is not None and _same_graph(data, *remote):
                outcome.status = UNCHANGED
            else:
                putting = True
                client.put(outcome.graph, data)
                sent = changed = True
                outcome.status = UPDATED
            outcome.verified = client.count(outcome.graph)
        except EndpointError as exc:
            # A PUT the store refused was not applied; one that timed out or lost its
            # connection may have been (wholly, as it is one request).
            unsure = putting and not sent and not isinstance(exc, _Refused)
            if not changed and not unsure:
                raise EndpointError(f"{exc}; nothing on the store was changed") from None
            outcome.status = FAILED
            outcome.error = f"sent, but not verified: {exc}" if sent else str(exc)
            if unsure:
                outcome.error += "; the graph holds either its old or its new content"
        else:
            if outcome.verified != outcome.triples:
                outcome.status = FAILED
                outcome.error = (
                    f"the store holds {outcome.verified} triples in {outcome.graph}, "
                    f"{outcome.triples} were sent"
                )
        if on_graph is not None:
            on_graph(outcome)
        if outcome.status == FAILED:
            break
    result.seconds = time.monotonic() - start
    return result


def check_store(
    target: Target, *, retries: int = 3, retry_delay: float = 1.0, timeout: float = 60.0
) -> None:
    """Raise EndpointError unless the query endpoint answers and the graph store lets the
    credentials read: wrong URLs, refused credentials and a store that is down show before
    anything is loaded or written."""
    _Client(target, timeout, retries, retry_delay).check(GRAPH_BASE + "ontology")


class _Client:
    """HTTP to one store: Graph Store GET/PUT and SPARQL queries, with retries and auth."""

    def __init__(self, target: Target, timeout: float, retries: int, retry_delay: float) -> None:
        self.target = target
        self.timeout = timeout
        self.retries = max(0, retries)
        self.retry_delay = retry_delay
        handlers: list[urllib.request.BaseHandler] = []
        if target.user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(
                None, [target.gsp, target.endpoint], target.user, target.password or ""
            )
            handlers += [
                _PreemptiveDigestAuthHandler(passwords),
                urllib.request.HTTPBasicAuthHandler(passwords),
            ]
        self.opener = urllib.request.build_opener(*handlers)

    def check(self, graph: str) -> None:
        """Fail early, before anything is written: the query endpoint answers, the store lets
        these credentials read."""
        answer = self._json(self.target.endpoint, "ASK {}")
        if "boolean" not in answer:
            raise EndpointError(f"{self.target.endpoint} did not answer like a SPARQL endpoint")
        self.get(graph)

    def get(self, graph: str) -> tuple[bytes, str] | None:
        """The graph's content and media type on the store, or None if it has no such graph."""
        url = _with_graph(self.target.gsp, graph)
        request = urllib.request.Request(url, headers={"Accept": N_TRIPLES})
        try:
            body, media_type = self._send(request, self.target.gsp, missing_ok=True)
        except _Missing:
            return None
        return body, media_type

    def put(self, graph: str, data: bytes) -> None:
        """Replace the graph with `data` (N-Triples) in one request."""
        url = _with_graph(self.target.gsp, graph)
        request = urllib.request.Request(
            url, data=data, method="PUT", headers={"Content-Type": N_TRIPLES}
        )
        self._send(request, self.target.gsp)

    def count(self, graph: str) -> int:
        """Triples in the named graph, counted by the store."""
        from rdflib import URIRef

        from netkg.engine.binding import bind_values

        query = bind_values(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?graph { ?s ?p ?o } }", {"graph": URIRef(graph)}
        )
        answer = self._json(self.target.endpoint, query)
        try:
            return int(answer["results"]["bindings"][0]["n"]["value"])
        except (KeyError, IndexError, TypeError, ValueError):
            raise EndpointError(
                f"{self.target.endpoint} did not answer the COUNT of {graph} with a number"
            ) from None

    def _json(self, url: str, query: str) -> dict:
        body = urllib.parse.urlencode({"query": query}).encode()
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": SPARQL_JSON},
        )
        raw, _ = self._send(request, url)
        try:
            answer = json.loads(raw)
        except ValueError:
            raise EndpointError(f"{url} did not answer like a SPARQL endpoint") from None
        if not isinstance(answer, dict):
            raise EndpointError(f"{url} did not answer like a SPARQL endpoint")
        return answer

    def _send(
        self, request: urllib.request.Request, url: str, missing_ok: bool = False
    ) -> tuple[bytes, str]:
        """Send with retries; the body and media type of a 2xx answer."""
        for attempt in range(self.retries + 1):
            try:
                return self._once(request, url, missing_ok)
            except _Transient as exc:
                if attempt == self.retries:
                    tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
                    raise EndpointError(f"{exc} ({tries})") from None
                time.sleep(self.retry_delay * 2**attempt)
        raise AssertionError("unreachable")

    def _once(
        self, request: urllib.request.Request, url: str, missing_ok: bool
    ) -> tuple[bytes, str]:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            exc.close()
            raise self._http_error(exc.code, str(exc.reason), url, missing_ok) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise _Transient(f"{url} did not answer within {self.timeout:g} s") from None
            if isinstance(exc.reason, OSError) and not isinstance(exc.reason, ssl.SSLError):
                raise _Transient(f"cannot reach {url}: {_reason(exc.reason)}") from None
            raise EndpointError(f"cannot reach {url}: {_reason(exc.reason)}") from None
        except TimeoutError:
            raise _Transient(f"{url} did not answer within {self.timeout:g} s") from None
        except (ConnectionError, http.client.HTTPException) as exc:
            raise _Transient(f"{url} broke the connection: {_reason(exc)}") from None
        except OSError as exc:
            raise _Transient(f"cannot reach {url}: {_reason(exc)}") from None

    def _http_error(self, code: int, reason: str, url: str, missing_ok: bool) -> Exception:
        if code == 404 and missing_ok:
            return _Missing()
        if code >= 500:
            return _Transient(f"{url} failed: HTTP {code} {reason}")
        if code == 401:
            if self.target.user is None:
                return _Refused(
                    f"{url} wants credentials (HTTP 401): give --user U --password-env VAR"
                )
            return _Refused(
                f"{url} refused the credentials of user {self.target.user!r} (HTTP 401)"
            )
        if code == 403:
            return _Refused(
                f"{url} refused access (HTTP 403): the user may not write there, "
                "or the store is read-only"
            )
        if code == 404:
            return _Refused(f"{url} answered HTTP 404 Not Found: is the URL right?")
        return _Refused(f"{url} answered HTTP {code} {reason}")


class _PreemptiveDigestAuthHandler(urllib.request.HTTPDigestAuthHandler):
    """Digest authentication that answers the server's last challenge up front.

    urllib sends each request without credentials first and repeats it when refused; Virtuoso
    refuses at once and closes the connection, so the body of a large PUT breaks off half-sent
    ("Broken pipe", seen with a 3.5 MB graph on 127.0.0.1). Once one request has met the
    challenge (the first look at the store does), every request carries the answer.
    """

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(passwords)
        self.challenge: dict[str, str] | None = None

    def http_error_401(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        scheme, _, challenge = headers.get("www-authenticate", "").partition(" ")
        if scheme.lower() == "digest":
            items = urllib.request.parse_http_list(challenge)
            self.challenge = urllib.request.parse_keqv_list(filter(None, items))
        return super().http_error_401(req, fp, code, msg, headers)

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if self.challenge is not None and not req.has_header(self.auth_header):
            answer = self.get_authorization(req, self.challenge)  # None for other sites
            if answer:
                req.add_unredirected_header(self.auth_header, f"Digest {answer}")
        return req

    https_request = http_request


class _Missing(Exception):
    """The store has no such graph (a Graph Store GET answered 404)."""


def _with_graph(url: str, graph: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}{urllib.parse.urlencode({'graph': graph})}"


def _reason(exc: object) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _same_graph(local: bytes, remote: bytes, media_type: str) -> bool:
    """True when both are the same RDF graph: literals normalised (rdflib), blank nodes
    canonicalised (Oxigraph) — a store may rename blank nodes and rewrite `"1"^^xsd:boolean`."""
    import pyoxigraph as ox
    from rdflib import Graph

    try:
        parsed = Graph().parse(data=remote, format="turtle" if "turtle" in media_type else "nt")
    except Exception:  # rdflib raises many types for bad syntax; then simply send the graph
        return False
    remote_nt = parsed.serialize(format="nt", encoding="utf-8")

    def canonical(nt: bytes) -> set[str]:
        dataset = ox.Dataset(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        return {str(quad) for quad in dataset}

    return canonical(local) == canonical(remote_nt)


# --- the command ----------------------------------------------------------------------------

_EPILOG = """\
Each named graph of the built graph (dist/netkg.trig if it is fresh, else an in-memory build)
is replaced whole with one HTTP PUT of the SPARQL 1.1 Graph Store Protocol, then counted with
a SPARQL COUNT; graphs the store already holds unchanged are not sent again.

Writing needs credentials or an explicit --no-auth:
  --user U --password-env VAR   the password is read from environment variable VAR
  --no-auth                     for a store without authentication (e.g. Oxigraph)

Without --gsp the Graph Store URL is derived from --endpoint for the two known stores:
  Oxigraph  …/query   ->  …/store
  Virtuoso  …/sparql  ->  …/sparql-graph-crud-auth (digest auth; …/sparql-graph-crud with
                          --no-auth)

Exit codes: 0 published and verified, 2 bad arguments or graph file, 3 the store failed
(nothing changed, or the table shows which graphs were updated and which not)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `netkg publish` to the command line."""
    p = subparsers.add_parser(
        "publish",
        help="upload the built graph to a SPARQL 1.1 store (Graph Store Protocol)",
        description="Upload the built graph to a SPARQL 1.1 store, one named graph per PUT.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--endpoint", required=True, metavar="QUERY_URL", help="SPARQL query URL")
    p.add_argument(
        "--gsp", metavar="GRAPH_STORE_URL", help="Graph Store Protocol URL (default: derived)"
    )
    p.add_argument("--user", help="user name for HTTP digest or basic authentication")
    p.add_argument(
        "--password-env", metavar="VAR", help="environment variable that holds the password"
    )
    p.add_argument(
        "--no-auth", action="store_true", help="write without credentials (deliberately)"
    )
    p.add_argument("--graph", type=Path, help="built TriG/N-Quads file (default: dist/)")
    p.add_argument("--retries", type=int, default=3, help="retries of a failed request (default 3)")
    p.add_argument(
        "--retry-delay",
        type=float,
        default=1.0,
        metavar="S",
        help="seconds before the first retry, doubling after each (default 1)",
    )
    p.add_argument(
        "--timeout", type=float, default=60.0, metavar="S", help="seconds per request (60)"
    )
    p.set_defaults(func=command)


def command(
    args: argparse.Namespace, on_graph: Callable[[GraphOutcome], None] | None = None
) -> int:
    """Run `netkg publish`: check the arguments, load the graph, publish, print a table."""
    target = target_from_args(args)
    if args.retries < 0 or args.retry_delay < 0 or args.timeout <= 0:
        raise UsageError("--retries and --retry-delay must be >= 0, --timeout > 0")
    check_store(target, retries=args.retries, retry_delay=args.retry_delay, timeout=args.timeout)
    from netkg.pipeline.build import built_graph_path, open_store

    path = args.graph or built_graph_path()
    store = open_store("rdflib", graph_file=path)
    graphs = {str(name): store.graph(name) for name in store.graph_names()}
    if not graphs:
        raise UsageError(f"{path or 'the build'} holds no named graphs to publish")
    derived = " (derived from --endpoint)" if args.gsp is None else ""
    print(f"netkg publish: {len(graphs)} graphs from {path or 'an in-memory build'}")
    print(f"  graph store  {target.gsp}{derived}")
    print(f"  verified at  {target.endpoint}")
    width = max(len(GraphOutcome(g, 0).name) for g in graphs)
    print(f"{'GRAPH'.ljust(width)}  {'TRIPLES':>7}  {'STATUS':<9}  {'VERIFIED':>8}")

    def show(outcome: GraphOutcome) -> None:
        verified = "–" if outcome.verified is None else str(outcome.verified)
        print(
            f"{outcome.name.ljust(width)}  {outcome.triples:>7}  {outcome.status:<9}  "
            f"{verified:>8}",
            flush=True,
        )

    def handled(outcome: GraphOutcome) -> None:
        show(outcome)
        if on_graph is not None:
            on_graph(outcome)

    result = publish(
        graphs,
        target,
        retries=args.retries,
        retry_delay=args.retry_delay,
        timeout=args.timeout,
        on_graph=handled,
        check=False,
    )
    for outcome in result.having(NOT_SENT):
        show(outcome)
    updated, unchanged = len(result.having(UPDATED)), len(result.having(UNCHANGED))
    failed, not_sent = len(result.having(FAILED)), len(result.having(NOT_SENT))
    total = sum(o.triples for o in result.outcomes)
    tail = f", {failed} failed, {not_sent} not sent" if not result.ok else ""
    print(
        f"{len(result.outcomes)} graphs, {total:,} triples: {updated} updated, "
        f"{unchanged} unchanged{tail} ({result.seconds:.1f} s)"
    )
    failure = result.failure
    if failure is not None:
        left = len(result.outcomes) - updated - unchanged
        raise EndpointError(
            f"publishing stopped at {failure.name}: {failure.error}; "
            f"{updated} graph(s) updated, {unchanged} unchanged, {left} not updated (see above)"
        )
    return 0


def target_from_args(args: argparse.Namespace) -> Target:
    """The Target the arguments name, refusing every unclear credential combination."""
    for flag, url in (("--endpoint", args.endpoint), ("--gsp", args.gsp)):
        if url is None:
            continue
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise UsageError(f"{flag} must be an http(s) URL, not {url!r}")
        if parsed.username is not None or parsed.password is not None:
            raise UsageError(f"{flag}: give credentials with --user/--password-env, not in URLs")
    if args.no_auth and (args.user is not None or args.password_env is not None):
        raise UsageError("--no-auth writes without credentials; leave out --user/--password-env")
    if not args.no_auth:
        if args.user is None and args.password_env is None:
            raise UsageError(
                "publish writes to the store: give --user U --password-env VAR, "
                "or --no-auth for a store without authentication"
            )
        if args.user is None or args.password_env is None:
            raise UsageError("--user and --password-env go together")
    password = None
    if args.password_env is not None:
        password = os.environ.get(args.password_env)
        if not password:
            raise UsageError(
                f"--password-env {args.password_env}: that environment variable is "
                f"{'empty' if password == '' else 'not set'}"
            )
    gsp = args.gsp or derive_gsp(args.endpoint, authenticated=not args.no_auth)
    if gsp is None:
        raise UsageError(
            f"cannot derive the Graph Store URL from {args.endpoint} "
            "(known: Oxigraph …/query, Virtuoso …/sparql); give --gsp"
        )
    return Target(args.endpoint, gsp, args.user, password)
