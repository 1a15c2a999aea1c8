"""`netkg serve`'s HTTP front: the WebApp as a WSGI application, run by waitress.

The standard library's http.server listens with a backlog of 5 and prints a traceback whenever a
client hangs up, so under 50 clients it reset connections and filled the log. waitress is a
production WSGI server in pure Python: a real listen backlog, a fixed pool of request threads
behind a FIFO queue (so requests are answered in the order they came), a cap on the request
body, and a client that goes away is simply dropped. The routes and replies are WebApp's
(netkg.web.app); this module only translates between WSGI and them.

Slow clients cannot hold the door shut (ConnectionGuard): a request must arrive whole within
REQUEST_DEADLINE seconds of its first byte, an idle keep-alive connection is closed after
IDLE_TIMEOUT, and once the open connections come within RESERVE of the limit, each new
connection closes the oldest ones still waiting for a whole request, so a client that sends its
request at once is always let in, however many sockets trickle bytes.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
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
RESERVE = 100  # connections kept free for clients that send their request at once
REQUEST_DEADLINE = 10.0  # seconds from a request's first byte to its last
IDLE_TIMEOUT = 30.0  # seconds a connection may wait between requests
CHECK_EVERY = 1.0  # seconds between the server's looks at slow connections

StartResponse = Callable[[str, list[tuple[str, str]]], object]


# A page on this machine: a static site opened from disk (its origin is "null") or served on
# localhost. It may ask the SPARQL endpoint without --cors: `netkg site`'s query page, opened
# so, uses a local `netkg serve` (the data is the published, read-only dataset).
_LOCAL_ORIGIN = re.compile(r"^(null|https?://(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?)$")


def local_page(environ: dict) -> str | None:
    """The Origin of a request to /sparql from a page on this machine, else None."""
    origin = environ.get("HTTP_ORIGIN", "")
    if environ.get("PATH_INFO") != "/sparql" or not _LOCAL_ORIGIN.match(origin):
        return None
    return origin


class WsgiApp:
    """A WSGI callable around a WebApp."""

    def __init__(self, app: WebApp, quiet: bool = True) -> None:
        self.app = app
        self.quiet = quiet

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"].upper()
        local = local_page(environ)
        reply = self._reply(method, environ, local)
        status = f"{reply.status} {_reason(reply.status)}"
        start_response(status, self._headers(reply, method, local))
        if not self.quiet:
            self._log(environ, method, reply)
        return [] if method == "HEAD" else [reply.body]

    def _reply(self, method: str, environ: dict, local: str | None = None) -> Reply:
        if method == "OPTIONS" and (self.app.cors or local):
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

    def _headers(
        self, reply: Reply, method: str, local: str | None = None
    ) -> list[tuple[str, str]]:
        headers = [
            ("Content-Type", reply.content_type),
            ("Content-Length", str(len(reply.body))),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if reply.content_type.startswith("text/html"):
            headers.append(("Content-Security-Policy", CSP))
        if self.app.cors or local:
            headers.append(("Access-Control-Allow-Origin", "*" if self.app.cors else str(local)))
            if not self.app.cors:  # the answer depends on who asks
                vary = reply.headers.get("Vary")
                reply.headers["Vary"] = f"{vary}, Origin" if vary else "Origin"
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
    server = waitress_server(
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
        channel_timeout=IDLE_TIMEOUT,
        cleanup_interval=CHECK_EVERY,
    )
    ConnectionGuard(server).install()
    return server


def run_until(server, stop: threading.Event) -> None:
    """Serve until `stop` is set; whoever sets it also pulls the server's trigger to wake it.

    waitress's own run() stops only on an exception, which a signal handler would have to raise
    in whatever the loop was doing at that moment (closing a buffer, say)."""
    from waitress import wasyncore

    socket_map = server._map
    poll = wasyncore.poll2 if server.adj.asyncore_use_poll else wasyncore.poll
    while socket_map and not stop.is_set():
        poll(server.adj.asyncore_loop_timeout, socket_map)


class ConnectionGuard:
    """Deadlines and a reserve for waitress's connections (see the module docstring)."""

    def __init__(self, server, limit: int = CONNECTION_LIMIT, reserve: int = RESERVE) -> None:
        self.server = server
        self.high_water = max(1, limit - reserve)

    def install(self) -> None:
        """Hook the server's accept and its periodic maintenance, and time each request."""
        server = self.server
        server.channel_class = _timed_channel(server.channel_class)
        accept, maintain = server.handle_accept, server.maintenance

        def handle_accept() -> None:
            accept()
            self.make_room()

        def maintenance(now: float) -> None:
            maintain(now)
            self.close_late(now)

        server.handle_accept = handle_accept
        server.maintenance = maintenance

    def waiting(self) -> list:
        """Connections with nothing being answered: silent, or mid-way through a request."""
        return [c for c in list(self.server.active_channels.values()) if not c.requests]

    def close_late(self, now: float) -> None:
        """Close connections whose request has been arriving for longer than the deadline."""
        for channel in self.waiting():
            started = getattr(channel, "request_started", None)
            if started is not None and now - started > REQUEST_DEADLINE:
                channel.will_close = True

    def make_room(self) -> None:
        """Past the high-water mark, close the oldest waiting connections (the newest one, just
        accepted, is the last to go), down to the mark."""
        channels = list(self.server.active_channels.values())
        excess = sum(not c.will_close for c in channels) - self.high_water
        if excess <= 0:
            return
        waiting = [c for c in channels if not c.requests and not c.will_close]
        waiting.sort(key=lambda c: getattr(c, "request_started", None) or c.creation_time)
        for channel in waiting[:excess]:
            channel.will_close = True


def _timed_channel(base: type) -> type:
    """The channel class, remembering when the request now arriving sent its first byte."""

    class TimedChannel(base):
        request_started: float | None = None

        def received(self, data: bytes) -> bool:
            if data and self.request is None:
                self.request_started = time.time()
            done = super().received(data)
            if self.request is None:
                self.request_started = None
            return done

    return TimedChannel


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
