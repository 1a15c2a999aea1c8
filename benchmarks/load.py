"""Load on `netkg serve`: many concurrent clients asking the catalogue's questions over HTTP.

    python benchmarks/load.py                      # 50 clients for 30 s, the shipped data
    python benchmarks/load.py --clients 100 --seconds 10 --workers 4
    python benchmarks/load.py --graph dist/netkg.trig --json load.json

A `netkg serve` is started on 127.0.0.1 (any free port) over the built graph (`--graph`, or a
fresh `netkg build` into a temporary folder). Each client loops until the time is up: it opens a
new connection (so the server's accept queue is exercised too), POSTs one catalogue question
with its default parameters bound, reads the answer, and records the status and the latency.
A request fails if it raises (reset, refused, timed out) or answers anything but 200.

Targets (issue 10): no failed request, and p99 latency at most 200 ms. The script prints its
figures and exits 1 if a target is missed. The loop is bounded by --seconds; the server is
stopped afterwards whatever happens.

Then two hostile probes on the same server (issue 20; `--no-probes` skips them):
- runaway memory: one, then two at once, of a query that sorts a cartesian product; each must be
  answered 503 at the server's memory bound (`--max-memory`, MB per worker), and the peak
  resident memory of the server and its workers is reported;
- slow sockets: `--slow-sockets` (1,100) connections that trickle an unfinished request, then one
  client asking at once, which must be answered 200.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

TARGET_FAILED = 0
TARGET_P99_MS = 200.0


@dataclass
class Tally:
    """What the clients saw; appended to under a lock."""

    latencies: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    by_query: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, name: str, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.by_query.setdefault(name, []).append(seconds)

    def failed(self, why: str) -> None:
        with self.lock:
            self.failures[why] = self.failures.get(why, 0) + 1


def catalogue_requests() -> list[tuple[str, bytes]]:
    """(name, form body) for every catalogue question that runs with its defaults."""
    from netkg.errors import NetkgError
    from netkg.query.catalogue import load_catalogue
    from netkg.rdf.binding import bind_values

    requests = []
    for query in load_catalogue().values():
        if query.kind != "question":
            continue
        try:
            text = bind_values(query.text, query.bindings())
        except NetkgError:
            continue  # a question that needs a value from the user
        requests.append((query.name, urllib.parse.urlencode({"query": text}).encode()))
    return requests


def client(
    port: int, requests: list[tuple[str, bytes]], offset: int, until: float, tally: Tally
) -> None:
    i = offset
    while time.monotonic() < until:
        name, body = requests[i % len(requests)]
        i += 1
        start = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(
                "POST",
                "/sparql",
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/sparql-results+json",
                },
            )
            response = conn.getresponse()
            response.read()
            conn.close()
        except (OSError, http.client.HTTPException) as exc:
            tally.failed(type(exc).__name__)
            continue
        took = time.perf_counter() - start
        if response.status == 200:
            tally.ok(name, took)
        else:
            tally.failed(f"HTTP {response.status}")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def start_server(
    graph: Path, workers: int, tmp: Path, cache: bool = True, max_memory: int = 1024
) -> tuple[subprocess.Popen, int]:
    command = [sys.executable, "-m", "netkg", "serve", "--port", "0", "--quiet"]
    command += ["--graph", str(graph), "--workers", str(workers)]
    command += ["--max-memory", str(max_memory), "--timeout", "60"]
    if not cache:
        command.append("--no-cache")
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**__import__("os").environ, "TMPDIR": str(tmp)},
    )
    line = process.stdout.readline() if process.stdout else ""
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not found:
        process.kill()
        raise SystemExit(f"netkg serve did not start: {line}{process.stderr.read()}")
    return process, int(found.group(1))


RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"


def tree_resident(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    page = os.sysconf("SC_PAGE_SIZE")
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int((Path("/proc") / str(current) / "statm").read_text().split()[1]) * page
        todo.extend(children.get(current, []))
    return total


def get(port: int, path: str, timeout: float = 180.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def runaway_probe(port: int, server_pid: int, at_once: int) -> dict:
    """`at_once` runaway queries together: their statuses, seconds and the peak memory."""
    path = "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY})
    statuses: list[int] = []
    peak = 0
    started = time.monotonic()
    threads = [
        threading.Thread(target=lambda: statuses.append(get(port, path)[0])) for _ in range(at_once)
    ]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        peak = max(peak, tree_resident(server_pid))
        time.sleep(0.05)
    return {
        "queries": at_once,
        "statuses": sorted(statuses),
        "seconds": round(time.monotonic() - started, 1),
        "peak_server_mb": peak >> 20,
    }


def slow_socket_probe(port: int, sockets: int) -> dict:
    """`sockets` connections trickling an unfinished request, then one client asking at once."""
    import socket

    held = []
    try:
        for _ in range(sockets):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            held.append(s)
        started = time.monotonic()
        try:
            status, _ = get(port, "/", timeout=60)
        except OSError as exc:
            status = f"failed: {exc}"  # type: ignore[assignment]
        return {
            "slow_sockets": sockets,
            "well_behaved_status": status,
            "well_behaved_seconds": round(time.monotonic() - started, 2),
        }
    finally:
        for s in held:
            s.close()


def built_graph(tmp: Path) -> Path:
    out = tmp / "dist"
    subprocess.run(
        [sys.executable, "-m", "netkg", "build", "--out", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out / "netkg.trig"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2, help="netkg serve --workers")
    parser.add_argument("--graph", type=Path, help="built TriG file (default: build one)")
    parser.add_argument(
        "--no-cache", action="store_true", help="netkg serve --no-cache: every query runs afresh"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--no-probes", action="store_true", help="skip the hostile probes")
    parser.add_argument("--max-memory", type=int, default=1024, help="netkg serve --max-memory")
    parser.add_argument("--slow-sockets", type=int, default=1_100)
    args = parser.parse_args()

    requests = catalogue_requests()
    with tempfile.TemporaryDirectory(prefix="netkg-load-") as folder:
        tmp = Path(folder)
        graph = args.graph or built_graph(tmp)
        process, port = start_server(
            graph, args.workers, tmp, cache=not args.no_cache, max_memory=args.max_memory
        )
        probes: dict[str, object] = {}
        try:
            tally = Tally()
            until = time.monotonic() + args.seconds
            threads = [
                threading.Thread(target=client, args=(port, requests, i, until, tally))
                for i in range(args.clients)
            ]
            started = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join(args.seconds + 60)
            elapsed = time.monotonic() - started
            if not args.no_probes:
                probes["runaway_one"] = runaway_probe(port, process.pid, 1)
                probes["runaway_two"] = runaway_probe(port, process.pid, 2)
                probes["slow_sockets"] = slow_socket_probe(port, args.slow_sockets)
        finally:
            process.terminate()
            try:
                _, server_err = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                _, server_err = process.communicate()

    ms = [s * 1000 for s in tally.latencies]
    failed = sum(tally.failures.values())
    figures = {
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "server_workers": args.workers,
        "answer_cache": not args.no_cache,
        "questions": len(requests),
        "requests": len(ms) + failed,
        "failed": failed,
        "failures": tally.failures,
        "requests_per_second": round((len(ms) + failed) / elapsed, 1),
        "p50_ms": round(percentile(ms, 50), 1),
        "p90_ms": round(percentile(ms, 90), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "max_ms": round(max(ms, default=float("nan")), 1),
        "mean_ms": round(statistics.fmean(ms), 1) if ms else None,
        "slowest_questions_p99_ms": dict(
            sorted(
                (
                    (name, round(percentile([s * 1000 for s in v], 99), 1))
                    for name, v in tally.by_query.items()
                ),
                key=lambda kv: -kv[1],
            )[:5]
        ),
        "server_tracebacks": server_err.count("Traceback"),
        "probes": probes,
    }
    cache = "answer cache on" if not args.no_cache else "answer cache off (--no-cache)"
    print(
        f"netkg serve under load: {args.clients} clients for {args.seconds:g} s, "
        f"{args.workers} query workers, {cache}"
    )
    for key in (
        "requests",
        "failed",
        "requests_per_second",
        "p50_ms",
        "p90_ms",
        "p99_ms",
        "max_ms",
        "server_tracebacks",
    ):
        print(f"  {key:20} {figures[key]}")
    if tally.failures:
        print(f"  failures by kind     {tally.failures}")
    print(f"  slowest questions (p99 ms): {figures['slowest_questions_p99_ms']}")
    for name, result in probes.items():
        print(f"  probe {name:14} {result}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    missed = []
    if failed > TARGET_FAILED:
        missed.append(f"{failed} failed requests (target {TARGET_FAILED})")
    if figures["p99_ms"] > TARGET_P99_MS:
        missed.append(f"p99 {figures['p99_ms']} ms (target {TARGET_P99_MS:g} ms)")
    if figures["server_tracebacks"]:
        missed.append("the server printed tracebacks")
    for name in ("runaway_one", "runaway_two"):
        result = probes.get(name)
        if isinstance(result, dict) and set(result["statuses"]) != {503}:
            missed.append(f"{name}: statuses {result['statuses']} (target all 503)")
    sockets = probes.get("slow_sockets")
    if isinstance(sockets, dict) and sockets["well_behaved_status"] != 200:
        missed.append(f"slow sockets: a well-behaved client got {sockets['well_behaved_status']}")
    for line in missed:
        print(f"TARGET MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
