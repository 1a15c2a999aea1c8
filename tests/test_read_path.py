"""Every command reads what the build wrote: the project's dist/store, fresh, opened read-only.

A project folder is built once; commands then run from a sub-folder (dist/ is the project's,
found like git's root), answer from the store byte for byte as the reference engine answers
from dist/netkg.trig, and say so when the store is older than the data.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from netkg.pipeline.inputs.layout import STORE_DIR, built

REPO = Path(__file__).resolve().parents[1]
EXTRA = (
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    '<https://w3id.org/netkg/synthetic/test/extra> rdfs:label "Extra"@en .\n'
)


def netkg(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("NETKG_ROOT", "COLUMNS")}
    environment["PYTHONPATH"] = str(REPO / "src")
    return subprocess.run(
        [sys.executable, "-m", "netkg", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=cwd,
        env=environment,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project folder (the shipped data, nothing added) built once, with a sub-folder."""
    folder = tmp_path_factory.mktemp("project")
    (folder / "netkg.toml").write_text("", encoding="utf-8")
    (folder / "data" / "shared").mkdir(parents=True)
    (folder / "notes" / "deep").mkdir(parents=True)
    done = netkg("build", cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder


def test_the_build_writes_dist_at_the_project_root_and_reports_wall_time(project):
    assert (project / "dist" / STORE_DIR / "CURRENT").is_file()
    report = json.loads((project / "dist" / "build-report.json").read_text(encoding="utf-8"))
    timings = report["timings_seconds"]
    steps = {k: v for k, v in timings.items() if k != "total"}
    assert {"load", "evidence", "reason", "validate"} <= set(steps)
    assert timings["total"] >= max(steps.values())  # wall time, not a sum of overlapping steps


def test_a_command_in_a_sub_folder_reads_the_projects_store(project):
    deep = project / "notes" / "deep"
    done = netkg("query", "networks", "-f", "csv", cwd=deep)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no in-memory build: the store was fresh
    assert done.stdout.startswith("municipality,network,networkLabel")
    assert not (deep / "dist").exists()


def test_the_store_answers_as_the_reference_answers_from_the_dump(project):
    fast = netkg("query", "counts", "-f", "csv", cwd=project)
    reference = netkg("query", "counts", "-f", "csv", "--engine", "reference", cwd=project)
    assert fast.returncode == reference.returncode == 0, fast.stderr + reference.stderr
    assert fast.stdout == reference.stdout
    welfare = "mun:albertslund,declared networks,Welfare network"
    assert f"{welfare},,15\n" in fast.stdout


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's dot is not installed")
def test_diagram_and_compare_write_the_same_bytes_from_the_store(project, tmp_path):
    for engine in ("fast", "reference"):
        stem = tmp_path / engine / "albertslund"
        done = netkg("diagram", "albertslund", "--out", str(stem), "--engine", engine, cwd=project)
        assert done.returncode == 0, done.stderr
        done = netkg("compare", "--out", str(tmp_path / engine / "compare"), "--engine", engine,
                     cwd=project)  # fmt: skip
        assert done.returncode == 0, done.stderr
    for name in ("albertslund.svg", "compare/compare.html", "compare/counts.csv"):
        fast, reference = (tmp_path / e / name for e in ("fast", "reference"))
        assert fast.read_bytes() == reference.read_bytes(), name


def test_pages_are_the_same_from_the_store_and_from_the_dump(project):
    """The pages do not depend on the order a store hands out quads in (types and blank nodes
    are sorted by what they are), so reading dist/store changes no published byte."""
    from netkg.query.graph import KnowledgeGraph, load_built, open_read_only
    from netkg.web.pages import Renderer
    from netkg.web.published import index

    stored = index(open_read_only(project / "dist" / STORE_DIR))
    dumped = index(KnowledgeGraph(load_built(project / "dist" / "netkg.trig")))
    assert stored.resources == dumped.resources and len(stored.resources) > 200
    one, other = Renderer(stored, True, None), Renderer(dumped, True, None)
    for iri in sorted(stored.resources):
        assert one.resource_page(iri) == other.resource_page(iri), iri


def test_load_graph_opens_the_store_read_only(project, monkeypatch):
    import netkg
    from netkg.rdf.store import OxigraphStore

    monkeypatch.delenv("NETKG_ROOT", raising=False)
    monkeypatch.chdir(project / "notes")
    kg = netkg.load_graph()
    assert isinstance(kg.backend, OxigraphStore)
    assert kg.origin == str(project / "dist" / STORE_DIR)
    assert len(kg.query("networks")) == 10


def test_serve_answers_from_a_copy_of_the_store_and_leaves_it_alone(project):
    store = project / "dist" / STORE_DIR
    before = {p.name: p.stat().st_mtime for p in store.iterdir()}
    environment = {k: v for k, v in os.environ.items() if k != "NETKG_ROOT"}
    environment["PYTHONPATH"] = str(REPO / "src")
    server = subprocess.Popen(
        [sys.executable, "-m", "netkg", "serve", "--port", "0", "--quiet"],
        cwd=project,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        assert line.startswith("netkg serve: http://127.0.0.1:"), line
        url = line.split()[2]
        query = urllib.parse.quote("ASK { ?s a <https://w3id.org/netkg/ontology#Network> }")
        request = urllib.request.Request(
            f"{url}sparql?query={query}", headers={"Accept": "application/sparql-results+json"}
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert json.loads(answer.read())["boolean"] is True
        with urllib.request.urlopen(f"{url}dumps/netkg.nq", timeout=60) as answer:
            dump = answer.read().decode()
        # the published copy adds where its dumps and endpoint are; the build's store does not
        assert "<https://w3id.org/netkg/sparql>" in dump
    finally:
        server.terminate()
        server.wait(30)
    assert {p.name: p.stat().st_mtime for p in store.iterdir()} == before


def test_a_stale_store_is_said_and_the_reading_commands_build_in_memory(project, tmp_path):
    stale = tmp_path / "stale"
    shutil.copytree(project, stale, symlinks=True)
    time.sleep(0.01)
    extra = stale / "data" / "shared" / "zz-extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    done = netkg("query", "networks", "-f", "csv", cwd=stale / "notes")
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"netkg: {stale / 'dist' / 'store'} is older than data/shared/zz-extra.ttl, changed since "
        "the build; answering from an in-memory build (fast engine)\n"
    )
    assert done.stdout.count("\n") == 11  # the header and Albertslund's ten networks
    for args in (("serve", "--port", "0"), ("site", str(tmp_path / "site"))):
        refused = netkg(*args, cwd=stale)
        assert refused.returncode == 2
        assert "is older than data/shared/zz-extra.ttl" in refused.stderr
        assert "run `netkg build` first" in refused.stderr
    assert not (tmp_path / "site").exists()


def test_publishing_refuses_a_build_that_is_missing(tmp_path, monkeypatch):
    from netkg.errors import UsageError
    from netkg.query.graph import open_graph

    monkeypatch.delenv("NETKG_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert built().store is None
    with pytest.raises(UsageError, match=r"dist/store is missing .*run `netkg build` first"):
        open_graph(build=False)
