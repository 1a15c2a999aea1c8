"""`netkg serve` in a real process on 127.0.0.1, and an HTTP client that shows what it answered.

`serving(graph, tmp, *options)` starts `netkg serve --port 0` (any free port) on a built graph —
a TriG file (`--graph`) or an on-disk store folder (`--store`) — with TMPDIR set to `tmp`, and
stops it afterwards. `fetch` returns status, headers and body without following redirects and
without raising on an HTTP error, so a test can assert on either.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from support.cli import process_environment

# a query whose answer takes far longer than any test waits (four copies of every triple)
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@dataclass
class Running:
    """A `netkg serve` process and where it listens."""

    process: subprocess.Popen
    url: str
    tmp: Path

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].rstrip("/"))


@contextmanager
def serving(graph: Path, tmp: Path, *options: str) -> Iterator[Running]:
    """Start `netkg serve --port 0` (any free port) and stop it afterwards; TMPDIR is `tmp`.
    `graph` is a TriG file or an on-disk store (a folder)."""
    tmp.mkdir(parents=True, exist_ok=True)
    source = ["--store" if graph.is_dir() else "--graph", str(graph)]
    command = [sys.executable, "-m", "netkg.cli", "serve", "--port", "0", *source]
    process = subprocess.Popen(
        [*command, "--quiet", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=process_environment({"TMPDIR": str(tmp)}),
    )
    try:
        line = first_line(process, 60)
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, f"no address in {line!r}; stderr: {process.stderr.read()}"
        yield Running(process, match.group(0).rstrip("/"), tmp)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def first_line(process: subprocess.Popen, seconds: float) -> str:
    """The first line a process writes on stdout, waiting at most `seconds` for it."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(seconds)
    assert lines and lines[0], f"server did not start: {process.stderr.read()}"
    return lines[0]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


def fetch(
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
    timeout: float = 30,
) -> Response:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as reply:
            return Response(reply.status, _lower(reply.headers), reply.read())
    except urllib.error.HTTPError as exc:
        return Response(exc.code, _lower(exc.headers), exc.read())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _lower(headers) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def sparql_get(base: str, query: str, accept: str = "application/sparql-results+json") -> Response:
    return fetch(
        f"{base}/sparql?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept}
    )


def sparql_post_form(base: str, fields: dict[str, str], accept: str) -> Response:
    return fetch(
        f"{base}/sparql",
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
    )


def bindings(response: Response) -> list[dict[str, str]]:
    assert response.status == 200, response.text
    rows = json.loads(response.body)["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]
