"""`netkg serve`'s HTTP front: the WebApp as a WSGI application, run by waitress.

The standard library's http.server listens with a backlog of 5 and prints a traceback whenever a
client hangs up, so under 50 clients it reset connections and filled the log. waitress is a
production WSGI server in pure Python: a real listen backlog, a fixed pool of request threads
behind a FIFO queue (so requests are answered in the order they came), a cap on the request
body, and a client that goes away is simply dropped. The routes and replies are WebApp's
(netkg.web.app); this module only translates between WSGI and them.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from email.message import Message
from http import HTTPStatus
from urllib.parse import quote

from netkg import __version__
from netkg.web.app import CSP, MAX_BODY, Reply, WebApp, text_reply

BACKLOG = 1024  # connections the kernel queues before the server accepts them
CONNECTION_LIMIT = 1000

StartResponse = Callable[[str, list[tuple[str, str]]], object]


class WsgiApp:
    """A WSGI callable around a WebApp."""

    def __init__(self, app: WebApp, quiet: bool = True) -> None:
        self.app = app
        self.quiet = quiet

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"].upper()
        reply = self._reply(method, environ)
        status = f"{reply.status} {_reason(reply.status)}"
        start_response(status, self._headers(reply, method))
        if not self.quiet:
            self._log(environ, method, reply)
        return [] if method == "HEAD" else [reply.body]

    def _reply(self, method: str, environ: dict) -> Reply:
        if method == "OPTIONS" and self.app.cors:
            return Reply(204, headers={"Access-Control-Allow-Methods": "GET, HEAD, POST"})
        body = b""
        if method == "POST":
            length = environ.get("CONTENT_LENGTH") or ""
            if not length.isdigit():
                return text_reply(411, "POST needs a Content-Length.")
            if int(length) > MAX_BODY:
                return text_reply(413, f"A query may be at most {MAX_BODY} bytes.")
            body = environ["wsgi.input"].read(int(length))
        try:
            return self.app.handle(
                method,
                _target(environ),
                _headers_of(environ),
                body,
                client=environ.get("REMOTE_ADDR", ""),
            )
        except Exception:  # a page that fails to render is a 500, not a dead server
            traceback.print_exc(file=sys.stderr)
            return text_reply(500, "Internal error; see the server's log.")

    def _headers(self, reply: Reply, method: str) -> list[tuple[str, str]]:
        headers = [
            ("Content-Type", reply.content_type),
            ("Content-Length", str(len(reply.body))),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if reply.content_type.startswith("text/html"):
            headers.append(("Content-Security-Policy", CSP))
        if self.app.cors:
            headers.append(("Access-Control-Allow-Origin", "*"))
            if method == "OPTIONS":
                headers.append(("Access-Control-Allow-Headers", "Accept, Content-Type"))
        headers += list(reply.headers.items())
        return headers

    def _log(self, environ: dict, method: str, reply: Reply) -> None:
        when = time.strftime("%d/%b/%Y %H:%M:%S")
        print(
            f'{environ.get("REMOTE_ADDR", "-")} - - [{when}] "{method} {_target(environ)}" '
            f"{reply.status} {len(reply.body)}",
            file=sys.stderr,
            flush=True,
        )


def create_server(app: WebApp, host: str, port: int, threads: int, quiet: bool):
    """A waitress server bound to host:port (not yet serving); OSError if it cannot listen."""
    from waitress.server import create_server as waitress_server

    # waitress warns on every queued request ("Task queue depth"); queueing is by design here
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    logging.getLogger("waitress").setLevel(logging.ERROR)
    return waitress_server(
        WsgiApp(app, quiet),
        host=host,
        port=port,
        threads=threads,
        backlog=BACKLOG,
        connection_limit=CONNECTION_LIMIT,
        max_request_body_size=MAX_BODY,
        ident=f"netkg/{__version__}",
        asyncore_use_poll=True,
        clear_untrusted_proxy_headers=True,
    )


def _target(environ: dict) -> str:
    """The request target as sent (WSGI hands the path decoded, as Latin-1)."""
    path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
    query = environ.get("QUERY_STRING", "")
    target = quote(environ.get("SCRIPT_NAME", "") + path, safe="/:@!$&'()*+,;=-._~")
    return f"{target}?{query}" if query else target


def _headers_of(environ: dict) -> Message:
    headers = Message()
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").title()] = value
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").title()] = environ[key]
    return headers


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
