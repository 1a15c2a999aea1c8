"""`netkg publish`: upload the built graph to a SPARQL 1.1 store, one named graph per request.

Each named graph is replaced whole by one SPARQL 1.1 Graph Store HTTP Protocol PUT (N-Triples,
so blank nodes travel as they are), never streamed in parts: a store that applies a request in
one transaction is left with every graph either old or new, even if it dies mid-way. A graph the
store already holds unchanged (compared after canonicalising blank nodes) is not sent again, so
re-running is cheap and safe. Every graph is then counted on the store with a SPARQL COUNT, and
a graph sent is read back: a store that keeps some terms otherwise than sent (Virtuoso 7 turns
`"P6M"^^xsd:duration` into `"6"^^xsd:duration`) gets a warning naming one, not silence.

Connection failures, timeouts and HTTP 5xx answers are retried with exponential backoff; any
other failure stops the run, which then says which graphs were updated and which were not.

Writing needs credentials (`--user` plus `--password-env`, the *name* of an environment variable
holding the password, so it never appears on a command line) or an explicit `--no-auth`: a
store is never written to by a command that merely forgot its credentials. The password is kept
in memory only, and no message contains it.

Module-level imports are the standard library only; rdflib and Oxigraph load when the command
runs (see netkg.cli).
"""

from __future__ import annotations

import argparse
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from netkg.errors import EndpointError, UsageError

if TYPE_CHECKING:
    from rdflib import Graph

    from netkg.rdf.http import SparqlClient

N_TRIPLES = "application/n-triples"
SPARQL_JSON = "application/sparql-results+json"
_BLANK = re.compile(r"_:[A-Za-z0-9_]+")  # a blank node in canonical N-Triples (c14n labels)
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


@dataclass(frozen=True)
class Alteration:
    """Triples a store holds otherwise than sent: it accepted the graph but changed some terms
    (Virtuoso 7 keeps `"P6M"^^xsd:duration` as `"6"^^xsd:duration`, a count of months)."""

    triples: int  # triples sent that the store does not hold as sent, or held but not sent
    sent: str  # the first triple sent and not held ("" if none), as N-Triples
    held: str  # the first triple held and not sent ("" if none)

    def describe(self) -> str:
        """One line for the table: how many, and the first example of each side."""
        example = "; ".join(
            f"{side} {triple}"
            for side, triple in (("sent", self.sent), ("held", self.held))
            if triple
        )
        return (
            f"the store holds {self.triples} triple(s) otherwise than sent ({example}): "
            "queries on it may answer differently"
        )


@dataclass
class GraphOutcome:
    """What happened to one named graph."""

    graph: str
    triples: int
    status: str = NOT_SENT
    verified: int | None = None
    error: str | None = None
    altered: Alteration | None = None  # what the store made of a graph it was sent

    @property
    def name(self) -> str:
        """The graph's name relative to netkg's graph namespace (the full IRI otherwise)."""
        return self.graph.removeprefix(_graph_base())


@dataclass
class PublishResult:
    """The outcome of every graph, in upload order."""

    outcomes: list[GraphOutcome]
    seconds: float = 0.0

    def having(self, status: str) -> list[GraphOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def altered(self) -> list[GraphOutcome]:
        """The graphs the store holds otherwise than sent."""
        return [o for o in self.outcomes if o.altered is not None]

    @property
    def ok(self) -> bool:
        return all(o.status in (UPDATED, UNCHANGED) for o in self.outcomes)

    @property
    def failure(self) -> GraphOutcome | None:
        return next((o for o in self.outcomes if o.status == FAILED), None)


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
        base = _graph_base()
        name = iri.removeprefix(base) if iri.startswith(base) else "\0" + iri
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
    from netkg.rdf.http import Refused

    start = time.monotonic()
    client = _client(target, timeout, retries, retry_delay)
    order = publication_order(graphs)
    outcomes = [GraphOutcome(iri, len(graphs[iri])) for iri in order]
    result = PublishResult(outcomes)
    if check:
        _check(client, order[0] if order else _graph_base() + "ontology")
    changed = False
    for outcome in outcomes:
        data = graphs[outcome.graph].serialize(format="nt", encoding="utf-8")
        local = comparable(data)  # compared with the store's copy before sending and after
        putting = sent = False
        try:
            remote = client.get_graph(outcome.graph)
            if remote is not None and alteration(local, *remote) is None:
                outcome.status = UNCHANGED
            else:
                putting = True
                client.put_graph(outcome.graph, data)
                sent = changed = True
                outcome.status = UPDATED
                # read back: a store may accept a graph and keep some of its terms otherwise
                held = client.get_graph(outcome.graph)
                outcome.altered = None if held is None else alteration(local, *held)
            outcome.verified = _count(client, outcome.graph)
        except EndpointError as exc:
            # A PUT the store refused was not applied; one that timed out or lost its
            # connection may have been (wholly, as it is one request).
            unsure = putting and not sent and not isinstance(exc, Refused)
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
    _check(_client(target, timeout, retries, retry_delay), _graph_base() + "ontology")


def _graph_base() -> str:
    """netkg's graph namespace (netkg.iris, imported late: it loads rdflib)."""
    from netkg.iris import GRAPH

    return str(GRAPH)


def _client(target: Target, timeout: float, retries: int, retry_delay: float) -> SparqlClient:
    from netkg.rdf.http import SparqlClient

    return SparqlClient(
        target.endpoint,
        target.gsp,
        user=target.user,
        password=target.password,
        timeout=timeout,
        retries=retries,
        retry_delay=retry_delay,
    )


def _check(client: SparqlClient, graph: str) -> None:
    """Fail early, before anything is written: the query endpoint answers, the store lets
    these credentials read."""
    from netkg.query.catalogue import find_query

    answer = client.sparql_json(find_query("endpoint-alive").text)
    if "boolean" not in answer:
        raise EndpointError(f"{client.endpoint} did not answer like a SPARQL endpoint")
    client.get_graph(graph)


def _count(client: SparqlClient, graph: str) -> int:
    """Triples in the named graph, counted by the store."""
    from rdflib import URIRef

    from netkg.query.catalogue import find_query
    from netkg.rdf.binding import bind_values

    query = bind_values(find_query("graph-size").text, {"graph": URIRef(graph)})
    answer = client.sparql_json(query)
    try:
        return int(answer["results"]["bindings"][0]["n"]["value"])
    except (KeyError, IndexError, TypeError, ValueError):
        raise EndpointError(
            f"{client.endpoint} did not answer the COUNT of {graph} with a number"
        ) from None


def comparable(data: bytes, media_type: str = N_TRIPLES) -> set[str]:
    """A graph's triples as comparable text: literals normalised (rdflib), blank nodes
    canonicalised (Oxigraph), since a store may rename blank nodes and rewrite
    `"1"^^xsd:boolean`. Turtle if the media type says so, else N-Triples."""
    from rdflib import Graph

    from netkg.rdf.terms import canonical_ntriples, ill_typed_quietly

    with ill_typed_quietly():
        parsed = Graph().parse(data=data, format="turtle" if "turtle" in media_type else "nt")
    return canonical_ntriples(parsed.serialize(format="nt", encoding="utf-8"))


def alteration(sent: set[str], remote: bytes, media_type: str) -> Alteration | None:
    """How the store's copy differs from the graph sent (`comparable` of it), or None when it
    is the same RDF graph. A copy that does not parse differs whole."""
    try:
        held = comparable(remote, media_type)
    except Exception:  # rdflib raises many types for bad syntax; then the copy differs whole
        held = set()
    if sent == held:
        return None
    # Counted with blank nodes unnamed: one changed literal under a blank node renames, in
    # canonical form, every blank node near it, which is not a change of the store's.
    sent_unnamed, held_unnamed = Counter(map(_unnamed, sent)), Counter(map(_unnamed, held))
    lost, instead = sent_unnamed - held_unnamed, held_unnamed - sent_unnamed
    return Alteration(
        max(1, lost.total(), instead.total()),
        min(lost, default=""),
        min(instead, default=""),
    )


def _unnamed(triple: str) -> str:
    """The triple with every blank node written `_:b`."""
    return _BLANK.sub("_:b", triple)


# --- the command ----------------------------------------------------------------------------

_EPILOG = """\
Each named graph of the built graph (dist/store when it is fresh; else `netkg build` first)
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
    p.add_argument(
        "--store", type=Path, metavar="DIR", help="built store to publish (default: dist/store)"
    )
    p.add_argument("--graph", type=Path, help="built TriG/N-Quads file to publish instead")
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
    from netkg.query.graph import open_graph

    kg = open_graph(args.graph, store=args.store, build=False)
    graphs = {str(name): kg.named_graph(name) for name in kg.graph_names()}
    if not graphs:
        raise UsageError(f"{kg.origin} holds no named graphs to publish")
    derived = " (derived from --endpoint)" if args.gsp is None else ""
    print(f"netkg publish: {len(graphs)} graphs from {kg.origin}")
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
        if outcome.altered is not None:
            print(f"  warning: {outcome.altered.describe()}", flush=True)

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
    if result.altered:
        print(
            f"warning: the store holds {len(result.altered)} graph(s) otherwise than sent "
            "(see above); a later publish sends them again"
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
