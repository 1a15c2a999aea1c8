"""The SPARQL endpoint behind `netkg serve`: worker processes, each query with a deadline.

pyoxigraph cannot interrupt a running query, and a thread cannot be killed, so queries run in
worker processes (`python -m netkg.web.endpoint`, talking over a socket pair) that each open the
published store read-only (RocksDB on disk; many readers are fine). The server hands a query
to an idle worker and waits at most `timeout` seconds for the answer; a worker that overruns is
killed (SIGKILL) and replaced, so the deadline holds whatever the query does; a query that
runs long moves to a bounded slow lane, with a fresh worker in its place (QueryPool). A worker
answers through netkg.rdf.protocol, which reads at most `limit` + 1 rows and says when it cut.
Memory is bounded the same way as time: while a query runs, the server reads its worker's
resident size every POLL seconds, and a worker over `max_memory` bytes (an ORDER BY over a
cartesian product sorts everything first) is killed and replaced, and the client told 503.

A query with a SERVICE clause is refused before any worker sees it: Oxigraph would fetch the
SERVICE over HTTP, and this endpoint never fetches. So is a query nested too deep for the
parser (netkg.rdf.clauses), which would kill its worker. (Updates never get here: the HTTP front
refuses them, and the workers' store is read-only and only ever queried.)
"""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from netkg.rdf.clauses import nesting_refused, uses_service
from netkg.rdf.protocol import Answer, ProtocolStore, error

MAX_MEMORY = 1 << 30  # bytes a query worker may hold while answering (netkg serve --max-memory)
POLL = 0.05  # seconds between looks at a running query's worker
_PAGE = os.sysconf("SC_PAGE_SIZE")


class AnswerCache:
    """Answers already given, by request: the store is read-only, so an answer never goes stale.

    Only successful answers are kept, least recently used first out, within `max_bytes`.
    """

    def __init__(self, max_bytes: int = 64_000_000) -> None:
        self.max_bytes = max_bytes
        self._answers: OrderedDict[tuple, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: tuple, answer: Answer) -> None:
        size = len(answer.body) + sum(len(k) for k in key if isinstance(k, str))
        if answer.status != 200 or size > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = answer
            self._bytes += size
            while self._bytes > self.max_bytes:
                old_key, old = self._answers.popitem(last=False)
                self._bytes -= len(old.body) + sum(len(k) for k in old_key if isinstance(k, str))


class QueryPool:
    """Worker processes answering SPARQL over a read-only store, with a deadline per query.

    Queries wait for an idle worker in arrival order. A query still running after
    `slow_after` seconds moves to the slow lane: a fresh worker takes its place among the
    `workers`, so quick queries keep that many workers whatever the slow ones do, and the slow
    worker is retired when its query ends. The slow lane holds at most `max_slow` queries
    (default: as many as there are workers), and at most `per_client` from one client address;
    past either bound a long query simply keeps its worker until it finishes or times out.
    """

    def __init__(
        self,
        location: Path,
        workers: int = 2,
        timeout: float = 10.0,
        limit: int = 10_000,
        slow_after: float = 1.0,
        per_client: int = 1,
        max_slow: int | None = None,
        cache: AnswerCache | None = None,
        max_memory: int = MAX_MEMORY,
    ) -> None:
        self.location = location
        self.cache = cache
        self.max_memory = max_memory
        self.timeout = timeout
        self.limit = limit
        self.slow_after = slow_after
        self.per_client = per_client
        self.max_slow = max(1, workers) if max_slow is None else max_slow
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._slow: dict[str, int] = {}
        self._closed = False
        for _ in range(max(1, workers)):
            self._idle.put(self._spawn())

    def run(
        self,
        query: str,
        accept: str | None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        client: str = "",
    ) -> Answer:
        """Answer a query: refuse SERVICE and deep nesting, run it on a worker, enforce the
        deadline and the memory bound."""
        if uses_service(query):
            return error(403, "SERVICE is refused: this endpoint does not query other hosts.")
        refused = nesting_refused(query)
        if refused is not None:
            return error(400, f"SPARQL syntax error: {refused}")
        key = (query, accept or "", tuple(default_graphs or ()), tuple(named_graphs or ()))
        if self.cache is not None:
            cached = self.cache.get(key)
            if cached is not None:
                return cached
        answer = self._run(query, accept, default_graphs, named_graphs, client)
        if self.cache is not None:
            self.cache.put(key, answer)
        return answer

    def _run(
        self,
        query: str,
        accept: str | None,
        default_graphs: list[str] | None,
        named_graphs: list[str] | None,
        client: str,
    ) -> Answer:
        try:
            worker: _Worker | None = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return error(503, "All query workers are busy; try again shortly.")
        assert worker is not None
        slow = False
        try:
            worker.wait_ready()
            worker.conn.send((query, accept, default_graphs or [], named_graphs or []))
            started = time.monotonic()
            done = self._await(worker, min(self.slow_after, self.timeout))
            if done is None:
                slow = self._enter_slow_lane(client)
                done = self._await(worker, self.timeout - (time.monotonic() - started))
            if not done:
                self._retire(worker, replace=not slow)
                worker = None
                if done is None:
                    return error(
                        504, f"The query did not finish within {self.timeout:g} s and was stopped."
                    )
                return error(
                    503,
                    f"The query needed more than {self.max_memory >> 20} MB of memory and was "
                    "stopped; narrow it (a LIMIT, fewer unbound patterns) and try again.",
                )
            status, content_type, body, headers = worker.conn.recv()
            return Answer(status, content_type, body, headers)
        except (EOFError, OSError, BrokenPipeError):
            self._retire(worker, replace=not slow)
            worker = None
            return error(500, "The query worker failed; it has been restarted.")
        finally:
            if slow:
                self._leave_slow_lane(client)
                if worker is not None:
                    self._retire(worker, replace=False)  # its replacement is serving already
            elif worker is not None:
                self._idle.put(worker)

    def _await(self, worker: _Worker, seconds: float) -> bool | None:
        """True once the worker's answer is ready; None if `seconds` pass first; False if the
        worker grew past `max_memory` meanwhile."""
        deadline = time.monotonic() + max(0.0, seconds)
        while True:
            left = deadline - time.monotonic()
            if worker.conn.poll(max(0.0, min(POLL, left))):
                return True
            if worker.resident() > self.max_memory:
                return False
            if left <= 0:
                return None

    def _enter_slow_lane(self, client: str) -> bool:
        """Move a long-running query out of the quick workers if the lane and client allow."""
        with self._lock:
            if self._closed:
                return False
            if sum(self._slow.values()) >= self.max_slow:
                return False
            if self._slow.get(client, 0) >= self.per_client:
                return False
            self._slow[client] = self._slow.get(client, 0) + 1
        self._idle.put(self._spawn())
        return True

    def _leave_slow_lane(self, client: str) -> None:
        with self._lock:
            self._slow[client] -= 1
            if not self._slow[client]:
                del self._slow[client]

    def close(self) -> None:
        """Stop every worker (and start no more)."""
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()

    def _spawn(self) -> _Worker:
        """A fresh worker process; it reports "ready" once it has opened the store."""
        parent, child = socket.socketpair()
        with child:
            fd = str(child.fileno())
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "netkg.web.endpoint",
                    fd,
                    str(self.location),
                    str(self.limit),
                ],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        worker = _Worker(process, Connection(parent.detach()))
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker | None, replace: bool = True) -> None:
        """Stop a worker; start another in its place unless `replace` is off."""
        if worker is not None:
            worker.stop()
            with self._lock:
                self._all.discard(worker)
        if replace and not self._closed:
            self._idle.put(self._spawn())


@dataclass(eq=False)
class _Worker:
    """One worker process and the parent's end of its socket."""

    process: subprocess.Popen
    conn: Connection
    ready: bool = False

    def wait_ready(self, seconds: float = 60.0) -> None:
        """Block until the worker has opened the store (not counted in a query's deadline)."""
        if self.ready:
            return
        if not self.conn.poll(seconds):
            raise OSError("query worker did not start")
        message = self.conn.recv()
        if message != "ready":
            raise OSError(f"query worker failed to start: {message}")
        self.ready = True

    def resident(self) -> int:
        """The worker process's resident memory in bytes (0 if it cannot be read)."""
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            return 0

    def stop(self) -> None:
        """Kill it: the only way to stop a query Oxigraph is running."""
        self.process.kill()
        self.process.wait(5)
        self.conn.close()


def _serve_queries(conn: Connection, location: str, limit: int) -> None:
    """A worker's life: open the store read-only, then answer queries until the socket closes."""
    try:
        store = ProtocolStore(location, limit)
    except OSError as exc:
        conn.send(f"cannot open the store: {exc}")
        return
    conn.send("ready")
    while True:
        try:
            query, accept, default_graphs, named_graphs = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = store.answer(query, accept, default_graphs, named_graphs)
        except Exception as exc:  # an engine error is an answer, not the worker's end
            answer = error(500, f"query failed: {exc}")
        conn.send((answer.status, answer.content_type, answer.body, answer.headers))


if __name__ == "__main__":  # a query worker: python -m netkg.web.endpoint FD LOCATION LIMIT
    _serve_queries(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]))
