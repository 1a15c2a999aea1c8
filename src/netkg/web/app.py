"""`netkg serve`'s routes: a request to a page, an RDF form, a dump or the SPARQL endpoint.

WebApp answers each request with a Reply (status, type, body, headers); netkg.web.wsgi runs it
as a WSGI application under waitress, and netkg.web.serve starts it all.
"""

from __future__ import annotations

import mimetypes
import threading
from dataclasses import dataclass, field
from email.message import Message
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

if TYPE_CHECKING:
    from netkg.web.endpoint import QueryPool
    from netkg.web.pages import Renderer
    from netkg.web.published import Dumps

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
        dumps: Dumps,
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
        if path == "/data-model":
            return self._html(self.renderer.data_model_page())
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
        from netkg.negotiation import negotiate
        from netkg.rdf.protocol import FORMAT_NAMES, RESULT_TYPES
        from netkg.web.paths import HTML

        if method in ("GET", "HEAD"):
            fields = params
            if "update" in fields:
                return text_reply(403, _READ_ONLY)
            # a browser (HTML preferred over every result form) gets the editor, which opens
            # a ?query= in a tab of its own and runs it: a shared link reads as a page
            offers = [HTML, *RESULT_TYPES] if "query" not in fields else [*RESULT_TYPES, HTML]
            if "format" not in fields and negotiate(headers.get("Accept"), offers) == HTML:
                from netkg.query.catalogue import parse_day

                as_of = (fields.get("asOf") or [self.as_of or ""])[0] or None
                try:
                    day = str(parse_day(as_of)) if as_of else None
                except ValueError:
                    return text_reply(400, f"asOf wants a day YYYY[-MM[-DD]], not {as_of!r}.")
                return self._html(self.renderer.sparql_page(day))
            if "query" not in fields:
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
        from netkg.rdf.terms import is_iri

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
        from netkg.pipeline.derived.describe import DUMPS

        if name not in DUMPS:
            return self._not_found("dumps/" + name)
        media = DUMPS[name][0]
        return Reply(
            200,
            media,
            self.dumps.path(name).read_bytes(),
            {"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def _not_found(self, path: str) -> Reply:
        return Reply(404, "text/html; charset=utf-8", self.renderer.not_found_page(path).encode())

    def _html(self, page: str) -> Reply:
        return Reply(200, "text/html; charset=utf-8", page.encode("utf-8"))
