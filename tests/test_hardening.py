"""Hostile inputs (issue 10): each is refused cleanly, or answered safely, as tests/hardening says.

The cases are data: tests/hardening/cases.toml names a fixture, the command, the exit code and
the message. Every format validate/build accept keeps one contract: a malformed file exits 2 with
file:line:col, an ill-typed literal or invalid IRI is an error, nothing is fetched, nothing is
half written.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from netkg.pipeline.layout import root

HERE = Path(__file__).parent / "hardening"
CASES = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))["case"]


def netkg(*args: str | bytes, cwd: Path | None = None, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "netkg", *args],
        capture_output=True,
        timeout=300,
        check=False,
        cwd=cwd,
        env=env,
    )


def _fill(text: str, file: Path) -> str:
    return text.replace("{file}", str(file)).replace("{dir}", str(HERE))


@pytest.mark.parametrize(
    "case", CASES, ids=[f"row{c['row']}-{c['file']}-{'-'.join(c['args'][2:])}" for c in CASES]
)
def test_case(case):
    file = HERE / case["file"]
    done = netkg(*(_fill(a, file) for a in case["args"]))
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert "Traceback" not in err, err
    assert done.returncode == case["exit"], out + err
    expected = _fill(case["expect"], file)
    if case["exit"] == 2:
        assert err.startswith("netkg: ") and err.count("\n") == 1, err
        assert expected in err, err
        assert out == "", "a refused input must print nothing on stdout"
    else:
        assert expected in out, out


# --- build: a bad data file stops the build before anything is written -------------------------


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A copy of the shipped inputs, to add a bad data file to (NETKG_ROOT)."""
    base = tmp_path_factory.mktemp("checkout")
    for part in ("ontology", "shapes", "queries"):
        shutil.copytree(root() / part, base / part)
    (base / "data" / "municipalities").mkdir(parents=True)
    shutil.copytree(root() / "data" / "shared", base / "data" / "shared")
    return base


@pytest.mark.parametrize(
    ("fixture", "expect"),
    [
        ("iri-escaped-space.ttl", ":3:11: syntax error: Invalid IRI code point ' '"),  # row 2
        ("ill-typed-date.ttl", ':4:15: "twenty-thirteen" is not a valid xsd:date'),  # row 3
        ("iri-brace.ttl", ":3:11: syntax error: Invalid IRI code point '{'"),  # row 4
        ("deep-nesting.ttl", ":3:459: nesting deeper than 64 levels"),
    ],
)
def test_build_refuses_bad_data_and_writes_nothing(checkout, tmp_path, fixture, expect):
    bad = checkout / "data" / "municipalities" / f"9999-{Path(fixture).stem}.ttl"
    shutil.copy(HERE / fixture, bad)
    out = tmp_path / "dist"
    out.mkdir()
    (out / "netkg.trig").write_text("# an earlier build\n")
    try:
        done = netkg("build", "--out", str(out), env=_env(NETKG_ROOT=str(checkout)))
    finally:
        bad.unlink()
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "Traceback" not in err
    assert f"{bad}{expect}" in err
    assert sorted(p.name for p in out.iterdir()) == ["netkg.trig"]
    assert (out / "netkg.trig").read_text() == "# an earlier build\n"


def test_a_200k_deep_file_is_refused_with_its_position(tmp_path):
    """The issue's own case: 200,000 nested blank nodes."""
    deep = tmp_path / "deep.ttl"
    depth = 200_000
    deep.write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:p "
        + "[ ex:p " * depth
        + "1"
        + " ]" * depth
        + " .\n"
    )
    done = netkg("validate", str(deep))
    assert done.returncode == 2
    assert (
        done.stderr.decode()
        == f"netkg: {deep}:2:459: nesting deeper than 64 levels; netkg does not read such files\n"
    )


# --- parameters that are not UTF-8 (row 9) -----------------------------------------------------


@pytest.mark.parametrize("where", [[], ["--endpoint", "http://127.0.0.1:9/sparql"]])
def test_parameter_that_is_not_utf8_is_exit_2(where):
    value = (HERE / "param-not-utf8.bin").read_bytes().strip()  # b"alb\xffx": a Latin-1 byte
    done = netkg("query", "networks", "-p", b"municipality=" + value, *where)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, err
    assert err == (
        "netkg: parameter 'municipality' is not valid UTF-8 text (at character 4 of 'alb\ufffdx')\n"
    )


def _env(**extra: str) -> dict:
    import os

    return {**os.environ, **extra}


# --- SERVICE and FROM are found whatever hides them ---------------------------------------------


@pytest.mark.parametrize(
    ("query", "service", "dataset"),
    [
        ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", True, False),
        ("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", True, False),
        ("SELECT * { ?s ?p ?o .service<http://x/>{?a ?b ?c} }", True, False),
        ('SELECT * { ?s rdfs:label "a public service, from 2010" }', False, False),
        ("SELECT ?service { ?service <http://x/from> ?o } # SERVICE FROM", False, False),
        ("SELECT * FROM <http://x/g> { ?s ?p ?o }", False, True),
        ("SELECT * FROM NAMED <http://x/g> { GRAPH ?g { ?s ?p ?o } }", False, True),
        ("PREFIX from: <http://x/> SELECT * { ?s from:p ?o }", False, False),
    ],
)
def test_clauses_are_found_outside_strings_iris_and_comments(query, service, dataset):
    from netkg.engine.clauses import names_dataset, uses_service

    assert uses_service(query) is service
    assert names_dataset(query) is dataset
