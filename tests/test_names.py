"""Every name netkg prints reads back (issue 22, item 1): `gentofte:model-opgaveudvalg` as a
parameter means the resource printed under that name, and an unknown prefix says so."""

from __future__ import annotations

import pytest

from netkg.cli import main
from netkg.iris import compact, expand


def test_every_printed_name_of_the_graph_expands_to_its_iri(kg):
    subjects = {
        str(s) for s, _, _, _ in kg.quads() if str(s).startswith("https://w3id.org/netkg/id/")
    }
    printed = {iri: compact(iri) for iri in subjects}
    assert {"alb:", "mun:", "gentofte:", "roskilde:"} <= {
        n.split(":")[0] + ":" for n in printed.values() if n
    }
    assert all(expand(name) == iri for iri, name in printed.items() if name is not None)


@pytest.mark.parametrize(
    "name, iri",
    [
        ("gentofte:model-opgaveudvalg", "https://w3id.org/netkg/id/gentofte/model-opgaveudvalg"),
        ("mun:gentofte", "https://w3id.org/netkg/id/municipality/gentofte"),
        ("alb:network-haervaerk", "https://w3id.org/netkg/id/albertslund/network-haervaerk"),
        ("http://example.org/x", None),
        ("no-colon", None),
    ],
)
def test_expand_reads_prefixed_names(name, iri):
    assert expand(name) == iri


def test_a_printed_municipal_name_is_accepted_as_a_parameter(capsys, kg_store_dir):
    code = main(
        [
            "query",
            "fact-evidence",
            "-p",
            "resource=gentofte:model-opgaveudvalg",
            "--format",
            "csv",
            "--store",
            str(kg_store_dir),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "I 2015 lagde Kommunalbestyrelsen markant sin arbejdsform om" in out


def test_an_unknown_prefix_is_reported_as_one(capsys, kg_store_dir):
    code = main(["query", "fact-evidence", "-p", "resource=foo:bar", "--store", str(kg_store_dir)])
    assert code == 2
    assert "unknown prefix 'foo' in resource 'foo:bar'" in capsys.readouterr().err


@pytest.fixture(scope="module")
def kg_store_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    assert main(["build", "--out", str(out)]) == 0
    return out / "store"


def test_a_result_table_prints_as_the_command_line_does():
    from rdflib import Literal, URIRef

    from netkg.rdf.results import ResultTable

    table = ResultTable(
        ["municipality", "label"],
        [(URIRef("https://w3id.org/netkg/id/municipality/gentofte"), Literal("Gentofte"))],
    )
    assert str(table) == (
        "municipality  label\n------------  --------\nmun:gentofte  Gentofte\n(1 row)\n"
    )


def test_the_public_api_is_visible_before_it_is_loaded():
    import pydoc

    import netkg

    assert {"load_graph", "queries", "validate_files", "KnowledgeGraph"} <= set(dir(netkg))
    assert "load_graph" in pydoc.render_doc(netkg)


def test_sparql_from_standard_input(capsys, monkeypatch, kg_store_dir):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("SELECT (1 + 1 AS ?two) WHERE {}\n"))
    code = main(["query", "-", "--format", "csv", "--store", str(kg_store_dir)])
    assert code == 0
    assert capsys.readouterr().out == "two\r\n2\r\n"


def test_the_python_api_reads_printed_names_back(kg):
    """kg.query(...) takes the names netkg prints, as the command line does (issue 22, item 1)."""
    from netkg.errors import UsageError

    table = kg.query("fact-evidence", resource="gentofte:model-opgaveudvalg")
    assert len(table) == 4
    with pytest.raises(UsageError, match="unknown prefix 'foo' in resource 'foo:bar'"):
        kg.query("fact-evidence", resource="foo:bar")
