"""The one SPARQL-over-HTTP client: queries (SPARQLWrapper) and Graph Store reads and writes.

`SparqlClient` speaks to one store: SPARQL 1.1 queries go through SPARQLWrapper, Graph Store
Protocol GET/PUT through urllib (SPARQLWrapper has no Graph Store support). Both share one
retry policy (connection failures, timeouts and HTTP 5xx are retried with exponential backoff)
and one set of one-line errors (EndpointError, exit code 3), so `netkg query --endpoint` and
`netkg publish` say the same thing about the same failure. Credentials go to the store only;
no message contains the password.

`RemoteEndpoint` is the read-only query side with the same `query` method as a local Store.
The SPARQL protocol has no parameter binding, so bound parameters travel as a VALUES block
(netkg.rdf.binding).
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import TypeVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import DIGEST, JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
)

from netkg.errors import EndpointError, UsageError
from netkg.iris import XSD_STRING
from netkg.rdf.binding import bind_values, query_form, strip_comments
from netkg.rdf.clauses import refuse_unsafe
from netkg.rdf.concatenation import ordered_concatenations
from netkg.rdf.results import ResultTable
from netkg.rdf.store import QueryAnswer
from netkg.rdf.terms import ill_typed_quietly

N_TRIPLES = "application/n-triples"
T = TypeVar("T")


class Transient(Exception):
    """A failure worth retrying: connection refused or reset, timeout, HTTP 5xx."""


class Refused(EndpointError):
    """The store answered with HTTP 4xx: it did not carry the request out."""


class _Missing(Exception):
    """The store has no such graph (a Graph Store GET answered 404)."""


def first_line(exc: object) -> str:
    """The first line of an exception's message (its type name if it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class SparqlClient:
    """HTTP to one store: SPARQL queries and Graph Store GET/PUT, with retries and auth."""

    def __init__(
        self,
        endpoint: str,
        gsp: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
        retries: int = 0,
        retry_delay: float = 1.0,
    ) -> None:
        for url in (endpoint, gsp):
            parsed = urllib.parse.urlparse(url or "http://x")
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise UsageError(f"endpoint must be an http(s) URL, not {url!r}")
        self.endpoint = endpoint
        self.gsp = gsp
        self.user = user
        self.password = password
        self.timeout = timeout
        self.retries = max(0, retries)
        self.retry_delay = retry_delay
        handlers: list[urllib.request.BaseHandler] = []
        if user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, [u for u in (gsp, endpoint) if u], user, password or "")
            handlers += [
                _PreemptiveDigestAuthHandler(passwords),
                urllib.request.HTTPBasicAuthHandler(passwords),
            ]
        self.opener = urllib.request.build_opener(*handlers)

    # SPARQL ----------------------------------------------------------------------------------

    def sparql(self, text: str) -> tuple[str, bytes]:
        """Run a query; its form and the raw answer (SPARQL JSON, or Turtle for graphs)."""
        # Comments are dropped: SPARQLWrapper guesses the query form from the text and can
        # mistake a word in a comment ("describe", "load") for the form.
        text = strip_comments(text)
        kind = query_form(text)
        client = SPARQLWrapper(self.endpoint)
        client.setQuery(text)
        client.queryType = kind
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.timeout = self.timeout  # type: ignore[assignment]  # setTimeout() takes whole seconds
        if self.user is not None:
            client.setHTTPAuth(DIGEST)
            client.setCredentials(self.user, self.password or "")
        client.setReturnFormat(TURTLE if kind in ("CONSTRUCT", "DESCRIBE") else JSON)

        def send() -> bytes:
            raw = client.query().response.read()
            return raw if isinstance(raw, bytes) else str(raw).encode("utf-8")

        return kind, self._retrying(send, self.endpoint)

    def sparql_json(self, text: str) -> dict:
        """The SPARQL JSON answer of a SELECT or ASK query."""
        _, raw = self.sparql(text)
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise EndpointError(f"{self.endpoint} did not answer like a SPARQL endpoint")
        return answer

    # Graph Store Protocol --------------------------------------------------------------------

    def get_graph(self, graph: str) -> tuple[bytes, str] | None:
        """The graph's content and media type on the store, or None if it has no such graph."""
        url = _with_graph(self._gsp(), graph)
        request = urllib.request.Request(url, headers={"Accept": N_TRIPLES})
        try:
            return self._retrying(lambda: self._open(request, missing_ok=True), self._gsp())
        except _Missing:
            return None

    def put_graph(self, graph: str, data: bytes) -> None:
        """Replace the graph with `data` (N-Triples) in one request."""
        url = _with_graph(self._gsp(), graph)
        request = urllib.request.Request(
            url, data=data, method="PUT", headers={"Content-Type": N_TRIPLES}
        )
        self._retrying(lambda: self._open(request), self._gsp())

    # one retry policy, one set of errors ---------------------------------------------------

    def _gsp(self) -> str:
        if self.gsp is None:
            raise UsageError("no Graph Store URL for this endpoint")
        return self.gsp

    def _retrying(self, send: Callable[[], T], url: str) -> T:
        for attempt in range(self.retries + 1):
            try:
                try:
                    return send()
                except (_Missing, EndpointError):
                    raise
                except Exception as exc:  # urllib, http.client and SPARQLWrapper errors
                    raise self._translate(exc, url) from None
            except Transient as exc:
                if attempt == self.retries:
                    tries = f" ({attempt + 1} attempts)" if attempt else ""
                    raise EndpointError(f"{exc}{tries}") from None
                time.sleep(self.retry_delay * 2**attempt)
        raise AssertionError("unreachable")

    def _open(self, request: urllib.request.Request, missing_ok: bool = False) -> tuple[bytes, str]:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 404 and missing_ok:
                raise _Missing() from None
            raise

    def _translate(self, exc: Exception, url: str) -> Exception:
        """Any transport failure as Transient (worth retrying) or a one-line EndpointError."""
        if isinstance(exc, urllib.error.HTTPError):
            return self._http_error(exc.code, str(exc.reason), url)
        if isinstance(exc, Unauthorized):
            return self._http_error(401, "Unauthorized", url)
        if isinstance(exc, EndPointNotFound):
            return Refused(f"{url} has no SPARQL endpoint there (HTTP 404)")
        if isinstance(exc, QueryBadFormed):
            return Refused(f"{url} rejected the query: {first_line(exc)}")
        if isinstance(exc, EndPointInternalError):
            return Transient(f"{url} failed: {first_line(exc)}")
        if isinstance(exc, SPARQLWrapperException):
            return EndpointError(f"{url}: {first_line(exc)}")
        if isinstance(exc, urllib.error.URLError):  # the request never got an answer
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                return Transient(f"{url} did not answer within {self.timeout:g} s")
            if isinstance(reason, OSError) and not isinstance(reason, ssl.SSLError):
                return Transient(f"cannot reach {url}: {first_line(reason)}")
            return EndpointError(f"cannot reach {url}: {first_line(reason)}")
        if isinstance(exc, (TimeoutError, socket.timeout)):
            return Transient(f"{url} did not answer within {self.timeout:g} s")
        if isinstance(exc, ConnectionRefusedError):
            return Transient(f"cannot reach {url}: {first_line(exc)}")
        if isinstance(exc, (ConnectionError, http.client.HTTPException)):
            return Transient(f"{url} broke the connection: {first_line(exc)}")
        if isinstance(exc, OSError):
            return Transient(f"cannot reach {url}: {first_line(exc)}")
        return EndpointError(f"{url}: {first_line(exc)}")

    def _http_error(self, code: int, reason: str, url: str) -> Exception:
        if code >= 500:
            return Transient(f"{url} failed: HTTP {code} {reason}")
        if code == 401:
            if self.user is None:
                return Refused(
                    f"{url} wants credentials (HTTP 401): give --user U --password-env VAR"
                )
            return Refused(f"{url} refused the credentials of user {self.user!r} (HTTP 401)")
        if code == 403:
            return Refused(
                f"{url} refused access (HTTP 403): the user may not write there, "
                "or the store is read-only"
            )
        if code == 404:
            return Refused(f"{url} answered HTTP 404 Not Found: is the URL right?")
        return Refused(f"{url} answered HTTP {code} {reason}")


class RemoteEndpoint:
    """A SPARQL endpoint reached over HTTP; read-only use, the same `query` as a Store."""

    def __init__(
        self,
        url: str,
        timeout: float = 60.0,
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        self.client = SparqlClient(url, user=user, password=password, timeout=timeout)
        self.url = url
        self.timeout = timeout

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryAnswer:
        refuse_unsafe(sparql)  # as on every local engine: no SERVICE, no parser-killing depth
        kind, raw = self.client.sparql(bind_values(sparql, bindings or {}))
        if kind in ("CONSTRUCT", "DESCRIBE"):
            graph = Graph()
            try:
                with ill_typed_quietly():
                    graph.parse(data=raw, format="turtle")
            except Exception:  # rdflib raises many types for bad syntax
                raise EndpointError(f"{self.url} did not answer with Turtle") from None
            return QueryAnswer(graph=graph)
        try:
            doc = json.loads(raw)
        except (ValueError, TypeError):
            raise EndpointError(f"{self.url} did not answer with SPARQL JSON results") from None
        if "boolean" in doc:
            return QueryAnswer(boolean=bool(doc["boolean"]))
        columns = list(doc.get("head", {}).get("vars", []))
        with ill_typed_quietly():
            rows = [
                tuple(_term(b[c]) if c in b else None for c in columns)
                for b in doc.get("results", {}).get("bindings", [])
            ]
        return QueryAnswer(table=ordered_concatenations(sparql, ResultTable(columns, rows)))

    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> ResultTable:
        answer = self.query(sparql, bindings)
        if answer.table is None:
            raise UsageError("not a SELECT query")
        return answer.table


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

    def http_error_401(self, req, fp, code, msg, headers):
        scheme, _, challenge = headers.get("www-authenticate", "").partition(" ")
        if scheme.lower() == "digest":
            items = urllib.request.parse_http_list(challenge)
            self.challenge = urllib.request.parse_keqv_list([i for i in items if i])
        return super().http_error_401(req, fp, code, msg, headers)

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if self.challenge is not None and not req.has_header(self.auth_header):
            answer = self.get_authorization(req, self.challenge)  # None for other sites
            if answer:
                req.add_unredirected_header(self.auth_header, f"Digest {answer}")
        return req

    https_request = http_request


def _with_graph(url: str, graph: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}{urllib.parse.urlencode({'graph': graph})}"


def _term(binding: dict) -> Node:
    kind = binding.get("type")
    value = binding.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    lang = binding.get("xml:lang")
    if lang:
        return Literal(value, lang=lang)
    datatype = binding.get("datatype")
    if datatype and datatype != XSD_STRING:
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value)
