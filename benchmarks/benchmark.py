"""Speed and memory of `netkg build` (fast and reference paths) and of the query catalogue.

    python benchmarks/benchmark.py                                  # 10k and 100k triples
    python benchmarks/benchmark.py --sizes 10k,100k,300k,1M --queries --json bench.json

Synthetic municipalities (tests/support/synthetic.py, in https://w3id.org/netkg/synthetic/bench/,
never real places or people) are added to the shipped data until the asserted triples reach
each size. Every build runs in a fresh process, so its peak memory (RSS) is its own; the fast
path reports its steps (load, reason, validate, write incl. dist/store). The reference path
(rdflib + owlrl + pyshacl) runs at sizes up to --reference-max and is stopped after 5 minutes.
The growth exponent is fitted over the sizes (time ∝ triples^k). With --queries, each catalogue
query runs against the largest build's dist/store: the query alone (in one process, p50/p99 over
--repeat runs) and the whole `netkg query NAME --store DIR` process. Targets are checked and
the script exits 1 if one is missed. Run the 1M size sparingly: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netkg.query.catalogue import Query

SRC = Path(__file__).resolve().parents[1] / "src"
TESTS = SRC.parent / "tests"  # the synthetic data lives with the tests (tests/support)
sys.path.insert(0, str(TESTS))
SHIPPED_TRIPLES = 3079
TARGETS = {
    "fast build at the largest size (s)": 10.0,
    "fast build peak RSS at the largest size (MiB)": 2048,
    "shipped netkg build, whole process (s)": 1.5,
    "netkg query on shipped data, whole process (s)": 0.5,
    "query p50 (s)": 0.05,
    "query p99 (s)": 0.5,
}
REFERENCE_TIMEOUT = 300


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * factor)


def municipalities_for(size: int) -> int:
    from support.synthetic import TRIPLES_PER_MUNICIPALITY

    return max(1, round((size - SHIPPED_TRIPLES) / (TRIPLES_PER_MUNICIPALITY - 4)))


_CHILD = """
import json, resource, sys, time
from pathlib import Path
from netkg.pipeline.inputs.layout import Source, default_sources, municipality_graph
files = sorted(Path(sys.argv[1]).glob('*.ttl'))
sources = default_sources() + [Source(p, municipality_graph(p), 'municipality') for p in files]
out = Path(sys.argv[2])
from netkg.pipeline.flow.build import build
from netkg.pipeline.flow.write import write
start = time.perf_counter()
r = build(sources, engine=sys.argv[3], out_dir=out)
write(r, out)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print('@@' + json.dumps({'timings': r.timings, 'asserted': r.asserted, 'inferred': r.inferred,
    'ok': r.ok, 'violations': r.report.violations, 'warnings': r.report.warnings,
    'peak_mib': peak, 'pipeline_s': elapsed}))
"""


def run_build(folder: Path, out: Path, engine: str, timeout: float | None = None) -> dict:
    """One build in a fresh interpreter: its step timings, counts, peak RSS and wall time."""
    env = dict(os.environ, PYTHONPATH=str(SRC))
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(folder), str(out), engine],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"timed_out": True, "wall": timeout}
    wall = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith("@@")]
    if not lines:
        raise RuntimeError(f"{engine} build failed:\n{done.stderr[-2000:]}")
    result = json.loads(lines[-1][2:])
    result["wall"] = wall
    return result


def whole_process(args: list[str], repeat: int) -> list[float]:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "netkg", *args], capture_output=True, env=env, check=True
        )
        times.append(time.perf_counter() - start)
    return times


def catalogue_params(query: Query) -> list[str]:
    """`netkg query NAME` as a user types it: the declared defaults, plus a resource to trace."""
    return (
        ["resource=alb:network-haervaerk"]
        if any(p.name == "resource" for p in query.params)
        else []
    )


def time_queries(store_dir: Path, repeat: int, processes: int) -> dict[str, dict]:
    """p50/p99 of each catalogue query on the built store: query alone, and whole process."""
    from netkg.query.catalogue import load_catalogue
    from netkg.query.run import run
    from netkg.rdf.store import OxigraphStore, open_built_store

    store = OxigraphStore(store=open_built_store(store_dir))
    out: dict[str, dict] = {}
    for name, query in sorted(load_catalogue().items()):
        params = dict(p.split("=", 1) for p in catalogue_params(query))
        times, rows = [], 0
        for _ in range(repeat):
            start = time.perf_counter()
            rows = len(run(store, query, params).table)
            times.append(time.perf_counter() - start)
        cli = ["query", name, "--store", str(store_dir), "-f", "csv"]
        for p in catalogue_params(query):
            cli += ["-p", p]
        process = whole_process(cli, processes) if processes else []
        out[name] = {
            "rows": rows,
            "p50": statistics.median(times),
            "p99": _p99(times),
            "process_p50": statistics.median(process) if process else None,
            "process_max": max(process) if process else None,
        }
        print(
            f"  {name:32} {rows:7} rows  p50 {out[name]['p50'] * 1000:8.1f} ms  "
            f"p99 {out[name]['p99'] * 1000:8.1f} ms"
            + (f"  process {out[name]['process_p50']:.2f} s" if process else ""),
            flush=True,
        )
    return out


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]


def exponent(points: list[tuple[float, float]]) -> float | None:
    """The slope k of log(time) = k·log(triples) + c, least squares."""
    points = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(points) < 2:
        return None
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else None


def markdown(results: dict) -> str:
    lines = [
        "| asserted | inferred | load | evidence | reason | intervals | validate | write (+store) "
        "| fast total | "
        "fast peak RSS | process wall | reference (rdflib+owlrl+pyshacl) | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results["sizes"]:
        f = row["fast"]
        t = f["timings"]
        ref = row.get("reference")
        if ref is None:
            ref_text, ratio = "not run", ""
        elif ref.get("timed_out"):
            ref_text, ratio = f"> {REFERENCE_TIMEOUT} s (stopped)", ""
        else:
            ref_total = ref["pipeline_s"]
            ref_text = f"{ref_total:.1f} s, {ref['peak_mib']:.0f} MiB"
            ratio = f"{ref_total / f['pipeline_s']:.0f}×"
        lines.append(
            f"| {f['asserted']:,} | {f['inferred']:,} | {t['load']:.2f} s | "
            f"{t['evidence']:.2f} s | {t['reason']:.2f} s | {t['intervals']:.2f} s | "
            f"{t['validate']:.2f} s | {t['write']:.2f} s | {f['pipeline_s']:.2f} s | "
            f"{f['peak_mib']:.0f} MiB | {f['wall']:.2f} s | {ref_text} | {ratio} |"
        )
    k = results.get("exponent")
    if k is not None:
        lines.append("")
        lines.append(f"Fitted growth exponent of the fast build (time ∝ triples^k): k = {k:.2f}.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k", help="asserted triples, e.g. 10k,1M")
    parser.add_argument("--reference-max", default="100k", help="largest size for the reference")
    parser.add_argument("--queries", action="store_true", help="time the catalogue queries")
    parser.add_argument("--repeat", type=int, default=20, help="runs per query (in process)")
    parser.add_argument("--processes", type=int, default=3, help="`netkg query` runs per query")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    parser.add_argument("--markdown", type=Path, help="write the table here")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(SRC))
    from support import synthetic

    sizes = sorted(parse_size(s) for s in args.sizes.split(","))
    reference_max = parse_size(args.reference_max)
    results: dict = {"load_average": os.getloadavg(), "sizes": []}
    missed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        # the shipped data: whole `netkg build` and `netkg query` processes
        build_times = whole_process(
            ["build", "--engine", "fast", "--out", str(root / "shipped")], 3
        )
        query_times = whole_process(
            ["query", "networks", "--store", str(root / "shipped" / "store")], 3
        )
        results["shipped"] = {
            "build_process_s": statistics.median(build_times),
            "query_process_s": statistics.median(query_times),
        }
        print(
            f"shipped data: netkg build {results['shipped']['build_process_s']:.2f} s, "
            f"netkg query {results['shipped']['query_process_s']:.2f} s (whole processes)",
            flush=True,
        )
        reference_gave_up = False
        largest_store = None
        for size in sizes:
            folder = root / f"data-{size}"
            synthetic.write(folder, municipalities_for(size))
            fast = run_build(folder, root / f"dist-{size}", "fast")
            row = {"size": size, "fast": fast}
            t = fast["timings"]
            print(
                f"{fast['asserted']:>9,} asserted {fast['inferred']:>9,} inferred  fast: "
                + "  ".join(f"{k} {v:.2f} s" for k, v in t.items())
                + f"  total {fast['pipeline_s']:.2f} s  wall {fast['wall']:.2f} s  "
                f"peak {fast['peak_mib']:.0f} MiB  ok={fast['ok']}",
                flush=True,
            )
            if size <= reference_max and not reference_gave_up:
                ref = run_build(folder, root / f"ref-{size}", "reference", REFERENCE_TIMEOUT)
                row["reference"] = ref
                reference_gave_up = bool(ref.get("timed_out"))
                if ref.get("timed_out"):
                    print(f"{'':>9}  reference: stopped after {REFERENCE_TIMEOUT} s", flush=True)
                else:
                    print(
                        f"{'':>29}reference: "
                        + "  ".join(f"{k} {v:.2f} s" for k, v in ref["timings"].items())
                        + f"  peak {ref['peak_mib']:.0f} MiB",
                        flush=True,
                    )
            results["sizes"].append(row)
            largest_store = root / f"dist-{size}" / "store"
        points = [(r["fast"]["asserted"], r["fast"]["pipeline_s"]) for r in results["sizes"]]
        results["exponent"] = exponent(points)
        largest = results["sizes"][-1]["fast"]
        if args.queries and largest_store is not None:
            print(f"catalogue on the {largest['asserted']:,}-triple build's store:", flush=True)
            results["queries"] = time_queries(largest_store, args.repeat, args.processes)
    checks = {
        "fast build at the largest size (s)": largest["pipeline_s"],
        "fast build peak RSS at the largest size (MiB)": largest["peak_mib"],
        "shipped netkg build, whole process (s)": results["shipped"]["build_process_s"],
        "netkg query on shipped data, whole process (s)": results["shipped"]["query_process_s"],
    }
    if "queries" in results:
        checks["query p50 (s)"] = max(q["p50"] for q in results["queries"].values())
        checks["query p99 (s)"] = max(q["p99"] for q in results["queries"].values())
    results["targets"] = {}
    for name, value in checks.items():
        ok = value <= TARGETS[name]
        results["targets"][name] = {"value": value, "target": TARGETS[name], "met": ok}
        print(f"{'met ' if ok else 'MISS'} {name}: {value:.3f} (target {TARGETS[name]})")
        if not ok:
            missed.append(name)
    table = markdown(results)
    print(table)
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
