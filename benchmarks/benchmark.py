"""Speed and memory of the pipeline, on the shipped data and on synthetic municipalities.

    python benchmarks/benchmark.py                 # shipped data + 50 synthetic municipalities
    python benchmarks/benchmark.py --scale 200     # bigger
    python benchmarks/benchmark.py --json out.json

Synthetic municipalities live in https://w3id.org/netkg/synthetic/bench/ (never real places or
people) and are shaped like Albertslund: director areas with departments, networks with leaders
and member units across pillars, posts and tenures, documents, co-creation items. Each step runs
in a fresh process so its peak memory is its own. The targets below are checked; the script
exits 1 if one is missed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

# step → (seconds, MiB) at --scale 50; generous for a 2-core machine, tight enough to catch a
# regression of an order of magnitude
TARGETS = {
    "build shipped data (load+reason+validate+write)": (15.0, 800),
    "load + reason, synthetic": (60.0, 1500),
    "validate, synthetic": (120.0, 1500),
    "catalogue on rdflib, synthetic": (120.0, 1500),
    "catalogue on Oxigraph, synthetic": (20.0, 1500),
}


def synthetic(folder: Path, scale: int) -> list[Path]:
    """Write `scale` synthetic municipality files; returns their paths."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF, RDFS, XSD

    from netkg.iris import DOC, NKG, ORG, PREFIXES, SYNTHETIC, TIME

    dct = Namespace(PREFIXES["dct"])
    foaf = Namespace(PREFIXES["foaf"])
    uk = Namespace(PREFIXES["uk"])
    role = Namespace(PREFIXES["role"])
    ant = Namespace(PREFIXES["ant"])
    schema = Namespace(PREFIXES["schema"])
    paths = []
    for m in range(scale):
        g = Graph()
        ns = Namespace(f"{SYNTHETIC}bench/m{m:04d}/")
        mun = ns["municipality"]
        doc = ns["doc"]
        source = DOC["netkg-domain-brief"]

        def labelled(node: URIRef, da: str, en: str, *types: URIRef, g=g, doc=doc) -> None:
            for t in types:
                g.add((node, RDF.type, t))
            g.add((node, RDFS.label, Literal(da, lang="da")))
            g.add((node, RDFS.label, Literal(en, lang="en")))
            g.add((node, dct.source, doc))

        labelled(doc, f"Kilde {m}", f"Source {m}", foaf.Document, schema.WebPage)
        g.add((doc, dct.title, Literal(f"Kilde {m}", lang="da")))
        g.add((doc, schema.url, URIRef(f"https://example.org/bench/{m}")))
        g.add((doc, NKG.accessed, Literal("2026-11-27", datatype=XSD.date)))
        g.remove((doc, dct.source, doc))
        g.add((doc, dct.source, source))
        labelled(mun, f"Kommune {m}", f"Municipality {m}", NKG.Municipality)
        g.add((mun, NKG.municipalityCode, Literal(f"{9000 + m % 1000:04d}")))
        structure = ns["structure"]
        labelled(structure, "Netværksstruktur", "Network structure", NKG.NetworkStructure)
        g.add((mun, NKG.hasNetworkStructure, structure))
        departments = []
        for a in range(3):
            area = ns[f"area-{a}"]
            labelled(area, f"Område {a}", f"Area {a}", NKG.DirectorArea)
            g.add((area, ORG.classification, uk["director-area"]))
            g.add((area, ORG.subOrganizationOf, mun))
            for d in range(5):
                dep = ns[f"dep-{a}-{d}"]
                labelled(dep, f"Afdeling {a}.{d}", f"Department {a}.{d}", NKG.Department)
                g.add((dep, ORG.classification, uk["department"]))
                g.add((dep, ORG.subOrganizationOf, area))
                departments.append(dep)
                post = ns[f"post-{a}-{d}"]
                labelled(post, f"Leder {a}.{d}", f"Head {a}.{d}", ORG.Post)
                g.add((post, ORG.postIn, dep))
                g.add((post, ORG.role, role["leder"]))
                person = ns[f"person-{a}-{d}"]
                g.add((person, RDF.type, foaf.Person))
                g.add((person, foaf.name, Literal(f"Person {m}-{a}-{d}")))
                g.add((person, dct.source, doc))
                tenure = ns[f"tenure-{a}-{d}"]
                labelled(tenure, f"Periode {a}.{d}", f"Tenure {a}.{d}", NKG.Tenure)
                g.add((tenure, ORG.member, person))
                g.add((tenure, NKG.post, post))
                g.add((tenure, ORG.organization, dep))
                interval = BNode()
                start = BNode()
                g.add((tenure, ORG.memberDuring, interval))
                g.add((interval, RDF.type, TIME.Interval))
                g.add((interval, TIME.hasBeginning, start))
                g.add((start, RDF.type, TIME.Instant))
                g.add((start, TIME.inXSDgYear, Literal(str(2010 + d), datatype=XSD.gYear)))
        for n in range(8):
            net = ns[f"network-{n}"]
            labelled(net, f"Netværk {n}", f"Network {n}", NKG.Network)
            g.add((structure, NKG.hasNetwork, net))
            kind = ant["velfaerdsnetvaerk"] if n % 3 else ant["innovationsnetvaerk"]
            g.add((net, ORG.classification, kind))
            g.add((net, NKG.startYear, Literal(str(2014 + n % 5), datatype=XSD.gYear)))
            g.add((net, NKG.ledBy, ns[f"person-{n % 3}-{n % 5}"]))
            for k in range(3):
                g.add((net, ORG.hasMember, departments[(n * 4 + k * 5) % len(departments)]))
        model = ns["model"]
        labelled(model, "Model", "Model", NKG.CoCreationModel)
        g.add((model, NKG.adoptedBy, mun))
        g.add((model, NKG.adoptionYear, Literal(str(2012 + m % 10), datatype=XSD.gYear)))
        g.add((model, NKG.legalBasis, NKG.styrelseslovenParagraph17Stk4))
        path = folder / f"{9000 + m:04d}-bench-{m:04d}.ttl"
        g.serialize(path, format="turtle")
        paths.append(path)
    return paths


def _step(code: str) -> tuple[float, float, str]:
    """Run `code` in a fresh interpreter; (seconds, peak MiB, its stdout)."""
    script = (
        "import resource, time, sys\n"
        "start = time.perf_counter()\n"
        f"{code}\n"
        "took = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(f'@@ {took} {peak}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    tail = [line for line in done.stdout.splitlines() if line.startswith("@@ ")][-1].split()
    return float(tail[1]), float(tail[2]), done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=50, help="synthetic municipalities")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = synthetic(folder, args.scale)
        sources = (
            "from pathlib import Path\n"
            "from netkg.pipeline.layout import Source, default_sources, municipality_graph\n"
            f"files = sorted(Path({str(folder)!r}).glob('*.ttl'))\n"
            "sources = default_sources() + [Source(p, municipality_graph(p), 'municipality') "
            "for p in files]\n"
        )
        steps = {
            "build shipped data (load+reason+validate+write)": (
                "from netkg.pipeline.build import build, write_dist\n"
                f"r = build(); write_dist(r, Path({str(folder)!r}) / 'dist')\n"
                "print('triples', r.asserted, r.inferred)\n"
            ),
            "load + reason, synthetic": (
                sources + "from netkg.pipeline.build import build\n"
                "r = build(sources, validate=False)\n"
                "print('triples', r.asserted, r.inferred)\n"
            ),
            "validate, synthetic": (
                sources + "from netkg.pipeline.build import build\n"
                "r = build(sources, validate=True)\n"
                "print('conforms', r.report.conforms, r.report.violations)\n"
            ),
            "catalogue on rdflib, synthetic": _catalogue(sources, "rdflib"),
            "catalogue on Oxigraph, synthetic": _catalogue(sources, "oxigraph"),
        }
        for name, code in steps.items():
            if name.startswith("build shipped"):
                code = "from pathlib import Path\n" + code
            seconds, mib, out = _step(code)
            note = " ".join(line for line in out.splitlines() if not line.startswith("@@"))
            limit_s, limit_mib = TARGETS[name]
            ok = seconds <= limit_s and mib <= limit_mib
            results[name] = {
                "seconds": round(seconds, 2),
                "peak_mib": round(mib),
                "target_seconds": limit_s,
                "target_mib": limit_mib,
                "ok": ok,
                "note": note,
            }
            print(f"{'ok ' if ok else 'SLOW'} {name:52} {seconds:8.2f} s {mib:7.0f} MiB   {note}")
    results["scale"] = {"municipalities": args.scale, "files": len(files)}
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(r.get("ok", True) for r in results.values()) else 1


def _catalogue(sources: str, engine: str) -> str:
    return (
        sources + "from netkg.pipeline.build import build\n"
        "from netkg.query.catalogue import load_catalogue\n"
        "from netkg.query.run import run\n"
        "import time\n"
        f"store = build(sources, engine={engine!r}, validate=False).store\n"
        "start = time.perf_counter()\n"
        "rows = 0\n"
        "for q in load_catalogue().values():\n"
        "    params = {'resource': 'alb:network-haervaerk'} if q.name == 'fact-source' else {}\n"
        "    params.update({'municipality': ''} if any(p.name == 'municipality' "
        "for p in q.params) else {})\n"
        "    if q.name == 'fact-source': params.pop('municipality', None)\n"
        "    rows += len(run(store, q, params).table)\n"
        "print('rows', rows, 'queries only', round(time.perf_counter() - start, 2), 's')\n"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    _ = resource  # imported for the child scripts' use of the same module
    sys.exit(main())
