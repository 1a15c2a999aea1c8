"""The main job: load → reason → validate → write, and what it must never do."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from netkg.errors import OutputError
from netkg.iris import GRAPH, INFERRED_GRAPH, MUN, NKG, ORG, PERSON, PREFIXES
from netkg.pipeline.derived.describe import DESCRIPTION_GRAPH
from netkg.pipeline.flow.build import build
from netkg.pipeline.flow.write import write
from netkg.pipeline.inputs.layout import default_sources, root
from netkg.pipeline.reason.reference import infer
from netkg.query.graph import load_built
from support.cli import netkg_cli

ALB = "https://w3id.org/netkg/id/albertslund/"
DOC = PREFIXES["doc"]


def test_shipped_data_conforms_and_is_consistent(built):
    assert built.report.conforms, built.report.text()
    assert built.report.findings == []
    assert built.inconsistencies == []
    assert built.ok
    assert built.report.shapes_checked > 60


def test_named_graphs(built):
    names = set(built.store.graph_names())
    assert {
        GRAPH["ontology"],
        GRAPH["imports"],
        GRAPH["vocabularies"],
        GRAPH["shared"],
        GRAPH["municipality/0165-albertslund"],
        INFERRED_GRAPH,
        DESCRIPTION_GRAPH,
    } <= names


def test_no_triple_is_in_two_data_graphs(built_oxigraph):
    """Oxigraph 0.5's union default graph gives a triple once per graph that holds it, so a
    triple in two graphs doubles rows and counts on the fast engine only (rdflib merges): the
    shared list adds to a described municipality only what its own graph lacks. The one
    exception: an author the importer writes into each municipality whose documents cite him."""
    graphs: dict[tuple[str, str, str], set[str]] = {}
    for quad in built_oxigraph.store.store.quads_for_pattern(None, None, None, None):
        triple = (str(quad.subject), str(quad.predicate), str(quad.object))
        graphs.setdefault(triple, set()).add(str(quad.graph_name))
    twice = {t: sorted(g) for t, g in graphs.items() if len(g) > 1}
    heiner = "<https://w3id.org/netkg/id/person/heiner-lutzen-ank>"
    both = [
        "<https://w3id.org/netkg/graph/municipality/0161-glostrup>",
        "<https://w3id.org/netkg/graph/municipality/0187-vallensbaek>",
    ]
    assert twice == {
        (heiner, "<http://xmlns.com/foaf/0.1/name>", '"Heiner Lützen Ank"'): both,
        (heiner, f"<{RDF.type}>", "<http://xmlns.com/foaf/0.1/Person>"): both,
    }


@pytest.mark.parametrize(
    "triple",
    [
        # unit kind: class → classification (owl:hasValue)
        (URIRef(ALB + "unit-ppr"), ORG.classification, URIRef(PREFIXES["uk"] + "department")),
        # legal basis → § 17, stk. 4 committee (intersection with hasValue)
        (URIRef(ALB + "initiative-udvalg-borgerinddragelse"), RDF.type, NKG.Section17Committee),
        # a tenure's holder holds its post (property chain)
        (PERSON["jette-runchel"], ORG.holds, URIRef(ALB + "post-kommunaldirektoer")),
        # a network is inside the municipality (sub-properties + transitivity)
        (URIRef(ALB + "network-haervaerk"), ORG.transitiveSubOrganizationOf, MUN.albertslund),
        # highlights ⊑ describes
        (URIRef(DOC + "ulrich-samskabelse-en-typologi"), NKG.describes, MUN.albertslund),
        # inverse property
        (URIRef(ALB + "network-structure"), NKG.networkStructureOf, MUN.albertslund),
    ],
)
def test_reasoning_adds_what_queries_need_in_its_own_graph(built, triple):
    assert triple in built.store.graph(INFERRED_GRAPH)
    for name in built.store.graph_names():
        if name != INFERRED_GRAPH:
            assert triple not in built.store.graph(name), f"asserted in {name}"


def test_domain_and_range_do_not_infer_types(built):
    """A range axiom must not turn a wrong value into a right one (SHACL checks ranges)."""
    inferred = built.store.graph(INFERRED_GRAPH)
    assert not list(inferred.triples((None, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Person"))))


def test_pruning_leaves_the_closure_unchanged():
    """reason.py leaves axiom-free predicates out of the closure; the result must not change."""
    from netkg.pipeline.inputs.load import load_dataset

    sources = default_sources()
    dataset = load_dataset(sources)
    graphs = [dataset.graph(g) for g in sorted({s.graph for s in sources})]
    assert set(infer(graphs, prune=True).graph) == set(infer(graphs, prune=False).graph)


def test_reasoning_reports_an_inconsistency():
    data = Graph()
    for s in default_sources():
        if s.role in ("ontology", "imports", "vocabulary"):
            data.parse(s.path)
    unit = URIRef("https://w3id.org/netkg/synthetic/test/unit")
    data.add((unit, RDF.type, NKG.DirectorArea))
    data.add((unit, RDF.type, NKG.Department))
    result = infer([data])
    assert result.inconsistencies
    assert any("disjoint" in m.lower() for m in result.inconsistencies)


def test_input_files_are_not_touched_by_a_build(tmp_path):
    before = {s.path: s.path.read_bytes() for s in default_sources()}
    result = build()
    write(result, tmp_path)
    assert {p: p.read_bytes() for p in before} == before


def test_dist_files(built, tmp_path):
    written = write(built, tmp_path)
    names = {p.name for p in written}
    assert names == {
        "netkg.trig",
        "netkg.nq",
        "inferred.ttl",
        "validation-report.ttl",
        "validation-report.txt",
        "build-report.json",
        "store",  # the on-disk store every command reads, whichever engine built it
    }
    report = json.loads((tmp_path / "build-report.json").read_text())
    assert report["ok"] is True
    assert report["validation"]["conforms"] is True
    assert report["triples"]["asserted"] == built.asserted
    assert report["triples"]["inferred"] == built.inferred > 500
    assert set(report["timings_seconds"]) >= {"load", "reason", "validate"}
    reloaded = load_built(tmp_path / "netkg.trig")
    assert set(reloaded.graph_names()) == set(built.store.graph_names())
    assert reloaded.count() == built.store.count()
    assert not list(tmp_path.glob(".*.tmp"))


def test_dist_is_written_all_or_nothing(built, tmp_path, monkeypatch):
    """A write that fails (here a full disk, at the last moment before the switch) leaves the
    previous build current and nothing of its own (tests/test_dist_integrity.py: real faults)."""
    write(built, tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    current = os.readlink(tmp_path / "current")
    monkeypatch.setenv("NETKG_FAULT", "linked:enospc")
    with pytest.raises(OutputError, match="No space left on device") as failed:
        write(built, tmp_path)
    assert failed.value.exit_code == 2
    assert "the previous build is kept" in str(failed.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert os.readlink(tmp_path / "current") == current
    assert sorted(p.name for p in (tmp_path / "builds").iterdir()) == [current.split("/")[-1]]


def test_nothing_is_fetched_from_the_network(monkeypatch, tmp_path):
    """Load, reason, validate, query and write without a single outgoing connection."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = build()
    write(result, tmp_path)
    assert result.ok
    from netkg.api import KnowledgeGraph

    assert len(KnowledgeGraph(result.store).query("networks")) == 10


# --- bad input, through the CLI as a user meets it -------------------------------------------


@pytest.fixture()
def data_root(tmp_path) -> Path:
    """A private copy of the inputs, so tests can break them (NETKG_ROOT points at it)."""
    copy = tmp_path / "root"
    for part in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(root() / part, copy / part)
    return copy


def _netkg(*args: str, root_dir: Path, cwd: Path) -> subprocess.CompletedProcess:
    """`netkg ARGS` in `cwd` on the project at `root_dir` (in this process: support.cli)."""
    return netkg_cli(*args, cwd=cwd, env={"NETKG_ROOT": str(root_dir)})


def test_malformed_turtle_names_file_line_column_and_writes_nothing(data_root, tmp_path):
    good = _netkg("build", root_dir=data_root, cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    dist = data_root / "dist"  # the project folder's (NETKG_ROOT), not the working folder's
    assert not (tmp_path / "dist").exists()
    before = {p.name: p.read_bytes() for p in dist.iterdir() if p.is_file()}
    target = data_root / "data" / "municipalities" / "0165-albertslund.ttl"
    lines = target.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if "nkg:municipalityCode" in line)
    lines[number] = '    nkg:municipalityCode "0165 ;'
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad = _netkg("build", root_dir=data_root, cwd=tmp_path)
    assert bad.returncode == 2
    assert f"0165-albertslund.ttl:{number + 1}:" in bad.stderr
    assert "syntax error" in bad.stderr and "Traceback" not in bad.stderr
    assert bad.stderr.count("\n") == 1
    assert {p.name: p.read_bytes() for p in dist.iterdir() if p.is_file()} == before


def test_data_that_violates_the_shapes_never_replaces_a_good_build(data_root, tmp_path):
    assert _netkg("build", root_dir=data_root, cwd=tmp_path).returncode == 0
    dist = data_root / "dist"
    before = {p.name: p.read_bytes() for p in dist.iterdir() if p.is_file()}
    target = data_root / "data" / "municipalities" / "0165-albertslund.ttl"
    original = target.read_text(encoding="utf-8")
    target.write_text(
        original.replace('nkg:municipalityCode "0165"', 'nkg:municipalityCode "165"'),
        encoding="utf-8",
    )
    done = _netkg("build", root_dir=data_root, cwd=tmp_path)
    assert done.returncode == 1
    assert "conforms: NO" in done.stdout
    assert "Municipality code" in done.stdout and 'value: "165"' in done.stdout
    assert f"see {dist / 'failed' / 'validation-report.txt'}" in done.stdout
    # what a reader reads is the previous build, reports included; the failure is apart
    assert {p.name: p.read_bytes() for p in dist.iterdir() if p.is_file()} == before
    assert "does NOT conform" in (dist / "failed" / "validation-report.txt").read_text()
    assert json.loads((dist / "failed" / "build-report.json").read_text())["ok"] is False
    target.write_text(original, encoding="utf-8")
    assert _netkg("build", root_dir=data_root, cwd=tmp_path).returncode == 0
    assert not (dist / "failed").exists()  # the failure it reported is over


EMPTY_WARNING = "no triples (the file is empty, or holds only prefixes and comments)"


def test_an_empty_data_file_is_built_with_a_warning_naming_it(data_root, tmp_path):
    (data_root / "data" / "municipalities" / "9903-empty.ttl").write_text("", encoding="utf-8")
    done = _netkg("build", root_dir=data_root, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    warning = f"data/municipalities/9903-empty.ttl: {EMPTY_WARNING}; is it the file you meant?"
    assert done.stderr == f"netkg: warning: {warning}\n"


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_validate_warns_about_files_without_triples(tmp_path, engine):
    (tmp_path / "empty.ttl").write_text("", encoding="utf-8")
    (tmp_path / "prefixes.ttl").write_text(
        "@prefix nkg: <https://w3id.org/netkg/ontology#> .\n# nothing yet\n", encoding="utf-8"
    )
    done = _netkg(
        "validate", "--engine", engine, "empty.ttl", "prefixes.ttl", root_dir=root(), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("conforms")
    assert done.stderr.splitlines() == [
        f"netkg: warning: {name}: {EMPTY_WARNING}; is it the file you meant?"
        for name in ("empty.ttl", "prefixes.ttl")
    ]


def test_missing_input_file_is_exit_2(data_root, tmp_path):
    (data_root / "ontology" / "netkg.ttl").unlink()
    done = _netkg("build", root_dir=data_root, cwd=tmp_path)
    assert done.returncode == 2
    assert "netkg.ttl: no such file" in done.stderr


def test_remote_jsonld_context_is_refused(tmp_path):
    from netkg.errors import InputError
    from netkg.pipeline.inputs.load import parse_file

    doc = tmp_path / "remote.jsonld"
    doc.write_text('{"@context": "https://schema.org/", "@id": "urn:x", "name": "x"}')
    with pytest.raises(InputError, match="remote JSON-LD context"):
        parse_file(doc)
