"""Running a query against a remote SPARQL 1.1 endpoint with SPARQLWrapper.

The SPARQL protocol has no parameter binding, so bound parameters travel as a VALUES block
(netkg.engine.binding). Failures become one-line EndpointErrors.
"""

from __future__ import annotations

import json
import socket
import urllib.error
from collections.abc import Mapping
from urllib.parse import urlparse

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
)

from netkg.engine.binding import bind_values, query_form, strip_comments
from netkg.engine.results import ResultTable
from netkg.engine.store import QueryAnswer
from netkg.errors import EndpointError, UsageError


class RemoteEndpoint:
    """A SPARQL endpoint reached over HTTP; read-only use."""

    def __init__(
        self,
        url: str,
        timeout: float = 60.0,
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise UsageError(f"endpoint must be an http(s) URL, not {url!r}")
        self.url = url
        self.timeout = timeout
        self.user = user
        self.password = password

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryAnswer:
        # Comments are dropped: SPARQLWrapper guesses the query form from the text and can
        # mistake a word in a comment ("describe", "load") for the form.
        text = strip_comments(bind_values(sparql, bindings or {}))
        kind = query_form(text)
        client = SPARQLWrapper(self.url)
        client.setQuery(text)
        client.queryType = kind
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setTimeout(int(self.timeout))
        if self.user is not None:
            client.setCredentials(self.user, self.password or "")
        client.setReturnFormat(TURTLE if kind in ("CONSTRUCT", "DESCRIBE") else JSON)
        raw = self._send(client)
        if kind in ("CONSTRUCT", "DESCRIBE"):
            graph = Graph()
            graph.parse(data=raw if isinstance(raw, (str, bytes)) else str(raw), format="turtle")
            return QueryAnswer(graph=graph)
        try:
            doc = json.loads(raw)
        except (ValueError, TypeError):
            raise EndpointError(f"{self.url} did not answer with SPARQL JSON results") from None
        if "boolean" in doc:
            return QueryAnswer(boolean=bool(doc["boolean"]))
        columns = list(doc.get("head", {}).get("vars", []))
        rows = [
            tuple(_term(b[c]) if c in b else None for c in columns)
            for b in doc.get("results", {}).get("bindings", [])
        ]
        return QueryAnswer(table=ResultTable(columns, rows))

    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> ResultTable:
        answer = self.query(sparql, bindings)
        if answer.table is None:
            raise UsageError("not a SELECT query")
        return answer.table

    def _send(self, client: SPARQLWrapper) -> bytes | str:
        try:
            response = client.query().response
            return response.read()
        except Unauthorized:
            raise EndpointError(f"{self.url} refused the credentials (HTTP 401)") from None
        except EndPointNotFound:
            raise EndpointError(f"{self.url} has no SPARQL endpoint there (HTTP 404)") from None
        except QueryBadFormed as exc:
            raise EndpointError(f"{self.url} rejected the query: {_first_line(exc)}") from None
        except EndPointInternalError as exc:
            raise EndpointError(f"{self.url} failed: {_first_line(exc)}") from None
        except SPARQLWrapperException as exc:
            raise EndpointError(f"{self.url}: {_first_line(exc)}") from None
        except urllib.error.HTTPError as exc:
            raise EndpointError(f"{self.url} answered HTTP {exc.code} {exc.reason}") from None
        except TimeoutError:
            raise EndpointError(f"{self.url} did not answer within {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise EndpointError(
                    f"{self.url} did not answer within {self.timeout:g} s"
                ) from None
            raise EndpointError(f"cannot reach {self.url}: {reason}") from None
        except (ConnectionError, OSError) as exc:
            raise EndpointError(f"cannot reach {self.url}: {exc}") from None


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
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
