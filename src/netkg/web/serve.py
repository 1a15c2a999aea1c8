"""`netkg serve`: the built graph as a local, read-only linked-data site and SPARQL endpoint.

    netkg serve [--host 127.0.0.1] [--port 8000] [--timeout 10] [--limit 10000] [--graph FILE]

One process serves, over waitress (a production WSGI server: netkg.web.wsgi):

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
run in killable worker processes (netkg.engine.endpoint), so the timeout holds, and a query that
runs long moves to a bounded slow lane (at most --per-client of them per client address) so
quick queries keep their workers; updates and SERVICE are refused. It binds 127.0.0.1 unless
told otherwise, and fetches nothing from anywhere.
"""

from __future__ import annotations

import argparse
import mimetypes
import signal
import tempfile
import threading
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

if TYPE_CHECKING:
    from netkg.engine.endpoint import QueryPool
    from netkg.web.pages import Renderer

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
DEFAULT_LIMIT = 10_000
DEFAULT_THREADS = 16
DEFAULT_SLOW_AFTER = 1.0
DEFAULT_PER_CLIENT = 1
DEFAULT_MAX_MEMORY_MB = 1024  # per query worker; see netkg.engine.endpoint
MAX_BODY = 1_000_000  # bytes of a POSTed query
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_RDF_MEDIA = {
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples; charset=utf-8",
    "rdf": "application/rdf+xml",
}
_READ_ONLY = "This endpoint is read-only: SPARQL updates are refused."


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
    p.add_argument("--graph", type=Path, help="serve this built TriG/N-Quads file (default dist/)")
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


@dataclass
class Reply:
    """An HTTP response before it is written."""

    status: int
    content_type: str = "text/plain; charset=utf-8"
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def text_reply(status: int, message: str, **headers: str) -> Reply:
    return Reply(status, body=(message.rstrip() + "\n").encode(), headers=dict(headers))


class WebApp:
    """Routes a request to a page, an RDF form, a file or the SPARQL endpoint."""

    def __init__(
        self,
        renderer: Renderer,
        pool: QueryPool,
        dumps: Path,
        cors: bool = False,
        as_of: str | None = None,
    ) -> None:
        self.renderer = renderer
        self.pool = pool
        self.dumps = dumps
        self.cors = cors
        self.as_of = as_of  # the day the query page's catalogue answers as of (?asOf= wins)
        self._ontology_lock = threading.Lock()

    def handle(
        self, method: str, target: str, headers: Message, body: bytes, client: str = ""
    ) -> Reply:
        split = urlsplit(target)
        path = unquote(split.path)
        params = parse_qs(split.query, keep_blank_values=True)
        if "\x00" in path:  # no file or resource has one; the OS would refuse it mid-lookup
            return self._not_found(path.replace("\x00", "%00"))
        if path == "/sparql":
            return self.sparql(method, params, headers, body, client)
        if method not in ("GET", "HEAD"):
            return text_reply(405, f"{method} is not allowed here.", Allow="GET, HEAD")
        if path == "/":
            return self._html(self.renderer.index_page())
        if path.startswith("/static/"):
            return self._static(path[len("/static/") :])
        if path.startswith("/dumps/"):
            return self._dump(path[len("/dumps/") :])
        if path == "/.well-known/void":
            return Reply(303, headers={"Location": "/dataset"})
        return self.resource(path.lstrip("/"), params.get("format", [None])[0], headers)

    # linked data ------------------------------------------------------------------------------

    def resource(self, path: str, format_name: str | None, headers: Message) -> Reply:
        from netkg.iris import ONTOLOGY
        from netkg.web.paths import form_named, iri_at, negotiate_form

        published = self.renderer.published
        target, suffix = iri_at(path), None
        if target not in published.resources and target != str(ONTOLOGY):
            stem, dot, ext = path.rpartition(".")
            suffix = form_named(ext) if dot else None
            target = iri_at(stem)
            if suffix is None or (target not in published.resources and target != str(ONTOLOGY)):
                return self._not_found(path)
        negotiated = suffix is None
        if format_name is not None:
            suffix = form_named(format_name)
            if suffix is None:
                return text_reply(
                    400, f"unknown format {format_name!r}: use html, ttl, jsonld, nt, rdf"
                )
        elif negotiated:
            suffix = negotiate_form(headers.get("Accept"))
            if suffix is None:
                return text_reply(
                    406,
                    "Not acceptable; available as text/html, text/turtle, application/ld+json, "
                    "application/n-triples, application/rdf+xml.",
                    Vary="Accept",
                )
        reply = self._resource_form(target, suffix or "html")
        if negotiated:
            reply.headers["Vary"] = "Accept"
            reply.headers["Content-Location"] = f"/{path}.{suffix}"
        return reply

    def _resource_form(self, iri: str, suffix: str) -> Reply:
        from netkg.iris import ONTOLOGY

        renderer = self.renderer
        if iri == str(ONTOLOGY):
            if suffix == "html":
                with self._ontology_lock:
                    return self._html(renderer.ontology_page())
            return Reply(200, _RDF_MEDIA[suffix], renderer.rdf(renderer.ontology_graph, suffix))
        if suffix == "html":
            return self._html(renderer.resource_page(iri))
        return Reply(200, _RDF_MEDIA[suffix], renderer.rdf(renderer.resource_graph(iri), suffix))

    # SPARQL -----------------------------------------------------------------------------------

    def sparql(
        self,
        method: str,
        params: dict[str, list[str]],
        headers: Message,
        body: bytes,
        client: str = "",
    ) -> Reply:
        from netkg.engine.endpoint import FORMAT_NAMES, RESULT_TYPES
        from netkg.negotiation import negotiate
        from netkg.web.paths import HTML

        if method in ("GET", "HEAD"):
            fields = params
            if "update" in fields:
                return text_reply(403, _READ_ONLY)
            if "query" not in fields:
                wants = negotiate(headers.get("Accept"), [HTML, *RESULT_TYPES])
                if wants == HTML:
                    from netkg.query.catalogue import parse_day

                    as_of = (fields.get("asOf") or [self.as_of or ""])[0] or None
                    try:
                        day = str(parse_day(as_of)) if as_of else None
                    except ValueError:
                        return text_reply(400, f"asOf wants a day YYYY[-MM[-DD]], not {as_of!r}.")
                    return self._html(self.renderer.sparql_page(day))
                return text_reply(400, "Missing the 'query' parameter (SPARQL 1.1 Protocol).")
            queries = fields["query"]
        elif method == "POST":
            kind = (headers.get_content_type() or "").lower()
            if kind == "application/sparql-update":
                return text_reply(403, _READ_ONLY)
            if kind == "application/x-www-form-urlencoded":
                form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                if "update" in form:
                    return text_reply(403, _READ_ONLY)
                fields = {**params, **form}
                queries = form.get("query", [])
            elif kind == "application/sparql-query":
                fields = params
                queries = [body.decode("utf-8", "replace")]
            else:
                return text_reply(
                    415,
                    "POST a query as application/sparql-query or as the 'query' field of "
                    "application/x-www-form-urlencoded.",
                )
        else:
            return text_reply(405, f"{method} is not allowed here.", Allow="GET, HEAD, POST")
        if len(queries) != 1 or not queries[0].strip():
            return text_reply(400, "Give exactly one non-empty 'query'.")
        graphs = {k: fields.get(k, []) for k in ("default-graph-uri", "named-graph-uri")}
        from netkg.engine.terms import is_iri

        bad = [g for gs in graphs.values() for g in gs if not is_iri(g)]
        if bad:
            return text_reply(400, f"not an IRI: {bad[0]!r}")
        accept = headers.get("Accept")
        if fields.get("format"):
            accept = FORMAT_NAMES.get(fields["format"][0].lower(), fields["format"][0])
        answer = self.pool.run(
            queries[0], accept, graphs["default-graph-uri"], graphs["named-graph-uri"], client
        )
        reply = Reply(answer.status, answer.content_type, answer.body, dict(answer.headers))
        reply.headers["Vary"] = "Accept"
        return reply

    # files and errors ------------------------------------------------------------------------

    def _static(self, name: str) -> Reply:
        from netkg.web.pages import STATIC

        root = STATIC.resolve()
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return self._not_found("static/" + name)
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media.startswith("text/") or media.endswith("javascript"):
            media += "; charset=utf-8"
        return Reply(200, media, path.read_bytes(), {"Cache-Control": "max-age=3600"})

    def _dump(self, name: str) -> Reply:
        from netkg.pipeline.describe import DUMPS

        if name not in DUMPS:
            return self._not_found("dumps/" + name)
        media = DUMPS[name][0]
        return Reply(
            200,
            media,
            (self.dumps / name).read_bytes(),
            {"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def _not_found(self, path: str) -> Reply:
        return Reply(404, "text/html; charset=utf-8", self.renderer.not_found_page(path).encode())

    def _html(self, page: str) -> Reply:
        return Reply(200, "text/html; charset=utf-8", page.encode("utf-8"))


class _Stop(Exception):
    """SIGTERM: stop serving and clean up."""


def _serve(args: argparse.Namespace) -> int:
    from netkg.engine.endpoint import AnswerCache, QueryPool
    from netkg.errors import UsageError
    from netkg.query.graph import open_read_only
    from netkg.web.pages import Renderer
    from netkg.web.published import index, load_published, write_dumps
    from netkg.web.wsgi import create_server

    if args.timeout <= 0 or args.limit < 1 or args.workers < 1 or args.threads < 1:
        raise UsageError("--timeout must be > 0, --limit, --workers and --threads at least 1")
    if args.slow_after <= 0 or args.per_client < 0:
        raise UsageError("--slow-after must be > 0 and --per-client at least 0")
    with tempfile.TemporaryDirectory(prefix="netkg-serve-") as tmp:
        location, dumps = Path(tmp) / "store", Path(tmp) / "dumps"
        dumps.mkdir()
        graph = load_published(args.graph, location=location)
        write_dumps(graph, dumps)
        del graph  # close it: from here on every reader opens it read-only
        pool = QueryPool(
            location,
            args.workers,
            args.timeout,
            args.limit,
            slow_after=args.slow_after,
            per_client=args.per_client,
            cache=None if args.no_cache else AnswerCache(),
            max_memory=args.max_memory << 20,
        )
        try:
            published = index(open_read_only(location))
            app = WebApp(Renderer(published, False, "/sparql"), pool, dumps, args.cors, args.as_of)
            try:
                server = create_server(app, args.host, args.port, args.threads, args.quiet)
            except (OSError, ValueError) as exc:
                raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc}") from None
            host, port = server.effective_host, server.effective_port
            shown = f"[{host}]" if ":" in str(host) else host
            url = f"http://{shown}:{port}/"
            print(
                f"netkg serve: {url}  (SPARQL endpoint {url}sparql; read-only; "
                f"timeout {args.timeout:g} s; limit {args.limit:,} rows; "
                f"{len(published.resources)} resources; Ctrl-C stops)",
                flush=True,
            )
            if host not in ("127.0.0.1", "::1", "localhost"):
                print(
                    f"netkg serve: listening on {host}: reachable from other machines", flush=True
                )
            signal.signal(signal.SIGTERM, _raise_stop)
            try:
                server.run()
            except (KeyboardInterrupt, _Stop):
                pass
            finally:
                # let the request threads finish before their sockets and wake-up pipe close
                server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
                server.close()
        finally:
            pool.close()
    print("netkg serve: stopped", flush=True)
    return 0


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop()
