"""The `netkg` command as a user runs it: output formats, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from netkg.pipeline.inputs.layout import root
from support.cli import netkg_cli

INVALID = Path(__file__).parent / "shapes" / "invalid"
ALBERTSLUND = root() / "data" / "municipalities" / "0165-albertslund.ttl"


def netkg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`netkg ARGS` as a user runs it (in this process: support.cli)."""
    return netkg_cli(*args, cwd=cwd)


@pytest.fixture
def dist(shipped_dist) -> Path:
    """A built graph to query, as `netkg build` writes it (the session's, built once)."""
    return shipped_dist


def test_build_prints_a_summary(tmp_path):
    done = netkg("build", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    for word in (
        "load",
        "reason",
        "validate",
        "write",
        "total",
        "triples asserted",
        "triples inferred",
        "shapes checked",
        "conforms: yes",
    ):
        assert word in done.stdout
    assert (tmp_path / "out" / "netkg.trig").is_file()


def test_queries_lists_the_catalogue():
    done = netkg("queries")
    assert done.returncode == 0
    assert "networks" in done.stdout and "Networks of a municipality" in done.stdout
    assert "quality-fact-without-source" in done.stdout
    verbose = netkg("queries", "--kind", "question", "-v")
    assert "--param municipality=<iri> (default albertslund)" in verbose.stdout
    assert "quality-" not in verbose.stdout


def test_query_table(dist):
    done = netkg("query", "strategy-assumptions", "--graph", str(dist / "netkg.trig"))
    assert done.returncode == 0, done.stderr
    assert "Mange og forskellige perspektiver" in done.stdout
    assert done.stdout.rstrip().endswith("(3 rows)")


def test_query_formats(dist):
    graph = ["--graph", str(dist / "netkg.trig")]
    as_csv = netkg("query", "networks", "-f", "csv", *graph).stdout
    table = list(csv.DictReader(io.StringIO(as_csv)))
    assert len(table) == 10
    assert {r["leader"] for r in table} >= {"Julie Kvetny Jakobsen", "Jan Lauge Olsen"}
    as_json = json.loads(netkg("query", "networks", "-f", "json", *graph).stdout)
    assert as_json["head"]["vars"][:2] == ["municipality", "network"]
    assert len(as_json["results"]["bindings"]) == 10
    as_tsv = netkg("query", "networks", "-f", "tsv", *graph).stdout.splitlines()
    assert as_tsv[0].split("\t")[:2] == ["?municipality", "?network"]
    assert "<https://w3id.org/netkg/id/municipality/albertslund>" in as_tsv[1]
    assert len(as_tsv) == 11


def test_query_params_and_file(dist, tmp_path):
    graph = ["--graph", str(dist / "netkg.trig")]
    da = netkg("query", "pillar-hierarchy", "-p", "lang=da", "-f", "csv", *graph).stdout
    assert "Direktørområde" in da and "Director area" not in da
    explicit = netkg(
        "query",
        "networks",
        "-p",
        "municipality=https://w3id.org/netkg/id/municipality/albertslund",
        *graph,
    )
    assert explicit.stdout == netkg("query", "networks", *graph).stdout
    own = tmp_path / "mine.rq"
    own.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a nkg:Network }\n")
    assert "10" in netkg("query", str(own), *graph).stdout
    ask = tmp_path / "ask.rq"
    ask.write_text("ASK { mun:albertslund a nkg:NetworkBasedOrganisation }\n")
    assert netkg("query", str(ask), *graph).stdout.strip() == "true"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "nosuch"], "no query named 'nosuch'"),
        (["query", "networks", "-p", "county=x"], "has no parameter 'county'"),
        (["query", "networks", "-p", "municipality=a b"], "wants an IRI"),
        (["query", "fact-source"], "needs --param resource"),
        (["query", "adopted-before", "-p", "before=soon"], "wants a whole number"),
        (["validate", "no/such/file.ttl"], "no such file"),
    ],
)
def test_errors_are_one_line_and_exit_2(args, message):
    done = netkg(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_sparql_syntax_error_is_located(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text('PREFIX x: <http://x/>\nSELECT ?s WHERE {\n  ?s x:p "oops .\n}\n')
    done = netkg("query", str(bad))
    assert done.returncode == 2
    assert f"{bad}:3:" in done.stderr and "SPARQL syntax error" in done.stderr


def test_validate_shipped_municipality_conforms():
    done = netkg("validate", str(ALBERTSLUND))
    assert done.returncode == 0, done.stdout
    assert "conforms: 0 violation(s), 0 warning(s)" in done.stdout


def test_validate_reports_by_focus_node_with_message_path_and_value():
    done = netkg("validate", str(INVALID / "Network-type.ttl"))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("https://w3id.org/netkg/synthetic/test/network  (Network)")
    assert "VIOLATION Network type [org:classification]" in done.stdout
    assert "value: https://w3id.org/netkg/synthetic/test/not-a-concept" in done.stdout
    assert "must be a concept (skos:Concept)" in done.stdout
    assert "does NOT conform: 2 violation(s)" in lines[-1]


def test_validate_messages_in_danish():
    done = netkg("validate", "--lang", "da", str(INVALID / "Network-type.ttl"))
    assert "skal være et begreb (skos:Concept)" in done.stdout


@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_validate_report_as_rdf(fmt):
    done = netkg("validate", "--format", fmt, str(INVALID / "Network-type.ttl"))
    assert done.returncode == 1
    report = Graph().parse(data=done.stdout, format=fmt)
    assert len(list(report.subjects(None, SH.ValidationResult))) == 2


def test_validate_unparseable_file_is_exit_2(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://e/> .\nex:a ex:b "oops .\n')
    done = netkg("validate", str(bad))
    assert done.returncode == 2
    assert f"{bad}:2:" in done.stderr and "Traceback" not in done.stderr
