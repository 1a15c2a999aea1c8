"""`netkg serve`: the built graph as a local, read-only linked-data site and SPARQL endpoint.

    netkg serve [--host 127.0.0.1] [--port 8000] [--timeout 10] [--limit 10000]
                [--store DIR | --graph FILE]

It serves what the build wrote: dist/store (refused when older than the inputs: run `netkg
build`), or the store or TriG/N-Quads file named, plus where its dumps and endpoint are, in a
private copy (netkg.web.published). One process serves, over waitress (a production WSGI
server: netkg.web.wsgi; the routes are netkg.web.app's):

    /                        the dataset's home page: every resource, the downloads
    /sparql                  SPARQL 1.1 Protocol (GET, POST form, POST sparql-query); in a
                             browser without a query: YASGUI with the query catalogue
    /id/…, /vocab/…, …       every resource: HTML, or Turtle / JSON-LD / N-Triples / RDF/XML by
                             Accept, `?format=ttl|jsonld|nt|rdf|html`, or a file suffix (/id/x.ttl)
    /ontology                pyLODE documentation (RDF forms as for resources; /ontology.owl is
                             RDF/XML, for OWL tools)
    /dumps/netkg.{trig,nq,ttl,nt,jsonld}   the whole dataset
    /static/…                the page's own styles and scripts (YASGUI is vendored)

`https://w3id.org/netkg/X` is served at `/X` (netkg.web.paths), and pages link locally. Queries
run in killable worker processes (netkg.web.endpoint), so the timeout holds, and a query that
runs long moves to a bounded slow lane (at most --per-client of them per client address) so
quick queries keep their workers; updates and SERVICE are refused. It binds 127.0.0.1 unless
told otherwise, and fetches nothing from anywhere.

The private copy lives in `netkg-serve-<pid>.<random>` in the system's temporary folder and is
removed when serving stops; a server killed outright (SIGKILL) cannot remove it, so each start
removes the copies of servers that are gone (netkg.owned).
"""

from __future__ import annotations

import argparse
import signal
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from netkg.owned import make_owned_dir, remove, remove_debris

if TYPE_CHECKING:
    from netkg.web.published import Published

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
DEFAULT_LIMIT = 10_000
DEFAULT_THREADS = 16
DEFAULT_SLOW_AFTER = 1.0
DEFAULT_PER_CLIENT = 1
DEFAULT_MAX_MEMORY_MB = 1024  # per query worker; see netkg.web.endpoint
SERVE_PREFIX = "netkg-serve-"  # the private copy's folder: netkg-serve-<pid>.<random>


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `netkg serve`."""
    p = subparsers.add_parser(
        "serve", help="serve the built graph: linked-data pages and a read-only SPARQL endpoint"
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only)",
    )
    p.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}; 0 = any free port"
    )
    p.add_argument(
        "--store", type=Path, metavar="DIR", help="serve this built store (default dist/store)"
    )
    p.add_argument("--graph", type=Path, help="serve this built TriG/N-Quads file instead")
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds a query may run before it is stopped (default {DEFAULT_TIMEOUT:g})",
    )
    p.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        help=f"most rows (or triples) a query returns (default {DEFAULT_LIMIT})",
    )
    p.add_argument("--workers", type=int, default=2, help="query worker processes (default 2)")
    p.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help=f"HTTP request threads (default {DEFAULT_THREADS}); more requests wait in line",
    )
    p.add_argument(
        "--slow-after",
        type=float,
        default=DEFAULT_SLOW_AFTER,
        help="seconds after which a running query moves to the slow lane and its worker is "
        f"replaced (default {DEFAULT_SLOW_AFTER:g})",
    )
    p.add_argument(
        "--per-client",
        type=int,
        default=DEFAULT_PER_CLIENT,
        help="slow-lane queries one client address may hold at once "
        f"(default {DEFAULT_PER_CLIENT})",
    )
    p.add_argument(
        "--max-memory",
        type=int,
        default=DEFAULT_MAX_MEMORY_MB,
        metavar="MB",
        help="memory one query may use; a worker past it is stopped and the client told 503 "
        f"(default {DEFAULT_MAX_MEMORY_MB})",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="answer every query afresh (by default answers are kept: the graph is read-only)",
    )
    p.add_argument(
        "--cors", action="store_true", help="let web pages on other origins query the endpoint"
    )
    p.add_argument("--quiet", action="store_true", help="do not log each request")
    p.add_argument(
        "--as-of",
        metavar="YYYY[-MM[-DD]]",
        help="the query page's catalogue answers as of this day (a page's ?asOf= overrides it)",
    )
    p.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    from netkg.errors import UsageError

    if args.timeout <= 0 or args.limit < 1 or args.workers < 1 or args.threads < 1:
        raise UsageError("--timeout must be > 0, --limit, --workers and --threads at least 1")
    if args.slow_after <= 0 or args.per_client < 0:
        raise UsageError("--slow-after must be > 0 and --per-client at least 0")
    temporary = Path(tempfile.gettempdir())
    remove_debris(temporary, SERVE_PREFIX)  # the copies of servers killed outright
    tmp = make_owned_dir(temporary, SERVE_PREFIX)
    try:
        _serve_from(args, tmp)
    finally:
        remove(tmp)
    print("netkg serve: stopped", flush=True)
    return 0


def _serve_from(args: argparse.Namespace, tmp: Path) -> None:
    """Serve from a private copy of the graph in the folder `tmp`."""
    from netkg.errors import UsageError
    from netkg.query.graph import open_read_only
    from netkg.web.app import WebApp
    from netkg.web.endpoint import AnswerCache, QueryPool
    from netkg.web.pages import Renderer
    from netkg.web.published import Dumps, index, load_published
    from netkg.web.wsgi import create_server, run_until

    location, dumps = tmp / "store", tmp / "dumps"
    dumps.mkdir()
    graph = load_published(location, args.graph, args.store)
    del graph  # close it: from here on every reader opens it read-only
    pool = QueryPool(
        location,
        args.workers,
        args.timeout,
        args.limit,
        slow_after=args.slow_after,
        per_client=args.per_client,
        max_memory=args.max_memory << 20,
        cache=None if args.no_cache else AnswerCache(),
    )
    try:
        published = index(open_read_only(location), background=True)
        renderer = Renderer(published, False, "/sparql")
        app = WebApp(renderer, pool, Dumps(published.graph, dumps), args.cors, args.as_of)
        try:
            server = create_server(app, args.host, args.port, args.threads, args.quiet)
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc}") from None
        # From now on SIGTERM and Ctrl-C ask the loop to stop (exit 0). The handler only sets a
        # flag and wakes the loop: an exception raised wherever the main thread happens to be
        # (inside waitress closing a socket, or before the loop starts) would escape as a traceback.
        stop = threading.Event()

        def ask_to_stop(signum: int, frame: object) -> None:
            stop.set()
            server.pull_trigger()

        signal.signal(signal.SIGTERM, ask_to_stop)
        signal.signal(signal.SIGINT, ask_to_stop)
        host, port = server.effective_host, server.effective_port
        shown = f"[{host}]" if ":" in str(host) else host
        url = f"http://{shown}:{port}/"
        print(
            f"netkg serve: {url}  (SPARQL endpoint {url}sparql; read-only; "
            f"timeout {args.timeout:g} s; limit {args.limit:,} rows; Ctrl-C stops)",
            flush=True,
        )
        if not args.quiet:  # the pages' index is made meanwhile (netkg.web.published)
            _report_when_indexed(published)
        if host not in ("127.0.0.1", "::1", "localhost"):
            print(f"netkg serve: listening on {host}: reachable from other machines", flush=True)
        try:
            run_until(server, stop)
        finally:
            # let the request threads finish before their sockets and wake-up pipe close
            server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
            server.close()
    finally:
        pool.close()


def _report_when_indexed(published: Published) -> None:
    """Say how many resources have pages, once that is known (on a thread: serving goes on)."""

    def report() -> None:
        try:
            count = len(published.resources)
        except Exception:  # a failed index shows on the first page asked for
            return
        print(f"netkg serve: {count} resources have pages", flush=True)

    threading.Thread(target=report, daemon=True).start()
