"""The fast build (Oxigraph + compiled rules + compiled shapes) against the reference build.

Same named graphs with the same triples, the same inferred graph, the same verdict; and the
persistent store in dist/store holds exactly the dump and is replaced only by a sound build.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph

from netkg.errors import InputError
from netkg.iris import GRAPH, INFERRED_GRAPH
from netkg.pipeline.derived.evidence import QuoteNotFound
from netkg.pipeline.flow.build import build
from netkg.pipeline.flow.write import write
from netkg.pipeline.inputs.layout import Source, default_sources, municipality_graph
from netkg.pipeline.inputs.load import load_sources, parse_file
from netkg.rdf.store import OxigraphStore, open_built_store


@pytest.fixture(scope="module")
def fast():
    return build()


def _ground(graph: Graph) -> set:
    """Triples without blank nodes (each engine labels blank nodes its own way)."""
    return {t for t in graph if not any(isinstance(x, BNode) for x in t)}


def test_same_graphs_and_triples_as_the_reference(fast, built):
    assert fast.ok and built.ok
    assert (fast.asserted, fast.inferred) == (built.asserted, built.inferred) == (33046, 6970)
    names = built.store.graph_names()
    assert GRAPH["validity"] in names  # as-of support, derived by both paths
    assert GRAPH["support"] in names  # each fact's kind of support, written by both paths
    assert fast.store.graph_names() == names
    assert fast.evidence == built.evidence  # the same quotes checked, the same coverage
    for name in names:
        assert fast.store.count(name) == built.store.count(name), name
        assert _ground(fast.store.graph(name)) == _ground(built.store.graph(name)), name
    assert fast.report is not None and fast.report.conforms
    assert fast.report.findings == [] == built.report.findings


def test_the_dumps_are_byte_identical_to_the_reference(fast, built, tmp_path):
    write(fast, tmp_path / "fast")
    write(built, tmp_path / "reference")
    for name in ("netkg.trig", "netkg.nq", "inferred.ttl", "validation-report.txt"):
        fast_bytes = (tmp_path / "fast" / name).read_bytes()
        assert fast_bytes == (tmp_path / "reference" / name).read_bytes(), name
    # the one writer stages what the store's own canonical serialisation gives
    assert (tmp_path / "reference" / "netkg.trig").read_bytes() == built.store.serialize("trig")
    assert (tmp_path / "reference" / "store" / "CURRENT").is_file()  # both engines write it


def test_the_store_in_dist_holds_the_dump_and_opens_read_only(fast, tmp_path):
    written = write(fast, tmp_path)
    assert tmp_path / "store" in written
    store = open_built_store(tmp_path / "store")
    dump = ox.Store()
    dump.load(path=str(tmp_path / "netkg.nq"), format=ox.RdfFormat.N_QUADS)
    assert len(store) == len(dump) == fast.store.count()
    inferred = OxigraphStore(store=store).graph(INFERRED_GRAPH)
    assert len(inferred) == 6970
    with pytest.raises(RuntimeError, match="read-write"):
        store.add(
            ox.Quad(ox.NamedNode("urn:x-test:s"), ox.NamedNode("urn:x-test:p"), ox.Literal("o"))
        )


def test_an_unsound_build_leaves_the_store_alone(fast, tmp_path):
    write(fast, tmp_path)
    before = sorted(p.name for p in (tmp_path / "store").iterdir())
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix nkg: <https://w3id.org/netkg/ontology#> .\n"
        "<https://w3id.org/netkg/synthetic/m> a nkg:Municipality ; "
        'nkg:municipalityCode "165" .\n',
        encoding="utf-8",
    )
    from rdflib import URIRef

    result = build([*default_sources(), Source(bad, URIRef("urn:x-test:bad"), "input")])
    assert not result.ok
    written = write(result, tmp_path)
    assert tmp_path / "store" not in written
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == before
    assert len(open_built_store(tmp_path / "store")) == fast.store.count()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_build_that_stops_leaves_nothing_half_written(tmp_path):
    """The on-disk store is written from the moment the sources are loaded; a build that stops
    later (here at a quote missing from its excerpt) removes what was staged."""
    fixture = Path(__file__).parent / "evidence" / "quote-not-in-excerpt.ttl"
    sources = [*default_sources(), Source(fixture, municipality_graph(fixture), "municipality")]
    with pytest.raises(QuoteNotFound, match="not found verbatim"):
        build(sources, out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_syntax_error_names_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('<urn:x-test:s> <urn:x-test:p> "open .\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_sources([Source(bad, INFERRED_GRAPH, "input")], OxigraphStore())
    assert caught.value.line == 1
    assert "syntax error" in str(caught.value)


def test_open_built_store_refuses_a_folder_that_is_no_store(tmp_path):
    with pytest.raises(FileNotFoundError, match="not an Oxigraph store"):
        open_built_store(tmp_path)


def test_query_with_a_store_that_is_not_there_is_a_clear_error(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "netkg", "query", "networks", "--store", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"netkg: {tmp_path / 'none'}: no Oxigraph store there (`netkg build` writes dist/store)\n"
    )


HARDENING = Path(__file__).parent / "hardening"
RDF_FIXTURES = sorted(
    p for p in HARDENING.iterdir() if p.suffix in (".ttl", ".trig", ".nq", ".nt", ".rdf", ".jsonld")
)


@pytest.mark.parametrize("path", RDF_FIXTURES, ids=[p.name for p in RDF_FIXTURES])
def test_the_fast_load_accepts_and_refuses_what_the_reference_does(path):
    """Every hostile input of issue 10: the same InputError (file, line, column, reason)."""
    source = Source(path, GRAPH["input/x"], "input")
    try:
        parse_file(path)
    except InputError as exc:
        with pytest.raises(InputError) as fast:
            load_sources([source], OxigraphStore())
        assert str(fast.value) == str(exc)
    else:
        load_sources([source], OxigraphStore())
