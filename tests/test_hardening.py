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

from netkg.pipeline.inputs.layout import root

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
@pytest.mark.parametrize("engine", ["reference", "fast"])
def test_build_refuses_bad_data_and_writes_nothing(checkout, tmp_path, fixture, expect, engine):
    bad = checkout / "data" / "municipalities" / f"9999-{Path(fixture).stem}.ttl"
    shutil.copy(HERE / fixture, bad)
    out = tmp_path / "dist"
    out.mkdir()
    (out / "netkg.trig").write_text("# an earlier build\n")
    try:
        args = ("build", "--engine", engine, "--out", str(out))
        done = netkg(*args, env=_env(NETKG_ROOT=str(checkout)))
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
    from netkg.rdf.clauses import names_dataset, uses_service

    assert uses_service(query) is service
    assert names_dataset(query) is dataset


# --- import: encodings, formulas and limits (rows 5, 12, 13) ----------------------------------

SYNTHETIC = Path(__file__).parent / "entry" / "synthetic"
EARLIER = "# a good file from an earlier import\n"


def _import(source: Path, out: Path, *extra: str) -> tuple[int, str]:
    out.write_text(EARLIER)
    done = netkg("import", str(source), "--out", str(out), *extra)
    err = done.stderr.decode()
    assert "Traceback" not in err
    assert out.read_text() == EARLIER, "a refused import must not touch the output file"
    return done.returncode, err


def test_cp1252_csv_is_refused_with_line_column_and_advice(tmp_path):
    folder = tmp_path / "entry"
    shutil.copytree(SYNTHETIC, folder)
    shutil.copy(HERE / "import-cp1252" / "units.csv", folder / "units.csv")
    code, err = _import(folder, tmp_path / "out.ttl")
    assert code == 2
    assert err == (
        f"netkg: {folder / 'units.csv'}:1:89: the file is not UTF-8 (byte 0xf8); it looks like "
        "Windows-1252 (Excel's plain 'CSV'); save it as 'CSV UTF-8' and import again\n"
    )


def test_formula_cell_in_a_workbook_is_an_error_naming_the_cell(tmp_path):
    code, err = _import(HERE / "formula-cell.xlsx", tmp_path / "out.ttl")
    assert code == 2
    assert "sheet 'units', cell B4 holds a formula (=UPPER(\"Område B\"))" in err


@pytest.mark.parametrize(
    ("extra", "expect"),
    [
        (["--max-rows", "5"], "more than 5 rows (reached in sheet 'units')"),
        (["--max-bytes", "1000"], "the CSV files hold 10,369 bytes, more than 1,000"),
    ],
)
def test_import_limits(tmp_path, extra, expect):
    code, err = _import(SYNTHETIC, tmp_path / "out.ttl", *extra)
    assert code == 2
    assert expect in err


def test_import_of_100k_rows_is_refused_in_bounded_memory(tmp_path):
    """The issue saw 2.2 GB and 300 s; the default limit stops reading at 10,000 rows."""
    folder = tmp_path / "entry"
    shutil.copytree(SYNTHETIC, folder)
    lines = (folder / "units.csv").read_text(encoding="utf-8").splitlines()
    rows = [f"unit-{i},Enhed {i},Unit {i},Afdeling (department),,,web" for i in range(100_000)]
    (folder / "units.csv").write_text("\n".join(lines[:2] + rows) + "\n", encoding="utf-8")
    # the import runs in its own process, which reports its own peak memory
    script = (
        "import resource, sys\n"
        "from netkg.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
        "sys.exit(code)\n"
    )

    def peak(entry: Path, out: Path) -> tuple[subprocess.CompletedProcess, int]:
        done = subprocess.run(
            [sys.executable, "-c", script, "import", str(entry), "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return done, int(done.stdout.split("peak", 1)[1])

    done, peak_kib = peak(folder, tmp_path / "o.ttl")
    assert done.returncode == 2
    assert "more than 10,000 rows (reached in sheet 'units')" in done.stderr
    assert not (tmp_path / "o.ttl").exists()
    # bounded: no more than a small import of the same workbook needs, give or take 64 MiB
    # (the process itself — rdflib, pandas, the ontology context — is most of either figure)
    _, baseline_kib = peak(SYNTHETIC, tmp_path / "small.ttl")
    assert peak_kib < baseline_kib + 64 * 1024, (
        f"the import peaked at {peak_kib // 1024} MiB, a small one at {baseline_kib // 1024} MiB"
    )


# --- compare's CSVs are guarded like query's (row 6) --------------------------------------------


def test_compare_csvs_neutralise_formulas(tmp_path):
    import pandas as pd

    from netkg.report.compare import Comparison, write_report

    frame = pd.DataFrame({"municipality": ["=cmd|'/C calc'!A0", "Albertslund"], "n": [1, -2]})
    matrix = pd.DataFrame({"@type": [1]}, index=pd.Index(["+evil"], name="municipality"))
    timeline = pd.DataFrame(columns=["municipality", "year", "endYear", "kind", "item"])
    comparison = Comparison(matrix, frame, timeline, matrix, frame, ["x"])
    write_report(comparison, tmp_path / "on")
    assert (tmp_path / "on" / "models.csv").read_text() == (
        "municipality,n\n'=cmd|'/C calc'!A0,1\nAlbertslund,-2\n"
    )
    assert (tmp_path / "on" / "matrix.csv").read_text() == "municipality,'@type\n'+evil,1\n"
    write_report(comparison, tmp_path / "off", formula_guard=False)
    assert (tmp_path / "off" / "matrix.csv").read_text() == "municipality,@type\n+evil,1\n"


def test_template_never_writes_a_vocabulary_label_as_a_formula(tmp_path):
    """A concept label that starts like a formula stays text in the template's lists."""
    import openpyxl
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import SKOS

    from netkg.entry.template import LISTS_TITLE, write_csv_folder, write_xlsx
    from netkg.pipeline.flow.context import context_graph

    context = Graph()
    for triple in context_graph():
        context.add(triple)
    concept = URIRef("https://w3id.org/netkg/vocab/unit-kind/evil")
    context.add((concept, SKOS.inScheme, URIRef("https://w3id.org/netkg/vocab/unit-kind")))
    context.add(
        (concept, SKOS.prefLabel, Literal('=HYPERLINK("https://example.invalid")', lang="da"))
    )
    book = openpyxl.load_workbook(write_xlsx(tmp_path / "entry.xlsx", context))
    cells = [c for col in book[LISTS_TITLE].iter_cols() for c in col if "HYPERLINK" in str(c.value)]
    assert [(c.data_type, c.value) for c in cells] == [
        ("s", '=HYPERLINK("https://example.invalid") (evil)')
    ]
    write_csv_folder(tmp_path / "csv", context)
    assert '\'=HYPERLINK(""https://example.invalid"") (evil)' in (
        tmp_path / "csv" / "lists.csv"
    ).read_text(encoding="utf-8")
