"""Property-based fuzzing (issue 10) of the three places user text enters netkg.

The property everywhere: netkg answers or refuses with one of its own errors (exit 0, 1 or 2 —
never a traceback), and a refusal leaves nothing half written. The budget is bounded and the
examples derandomised, so the suite runs in CI in seconds and the same way every time.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from netkg.errors import InputError, NetkgError, UsageError
from netkg.pipeline.inputs.load import parse_file
from netkg.query.catalogue import Param
from netkg.rdf.binding import bind_values

BUDGET = settings(
    max_examples=60,
    deadline=None,  # a first parse warms caches; the suite's total time is what is bounded
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SYNTHETIC = Path(__file__).parent / "entry" / "synthetic"

# --- the Turtle loader --------------------------------------------------------------------------

_IRI_CHARS = st.lists(
    st.sampled_from([*"abc/#:-_.0é ", "\\u0020", "\\u003C", "{", "|", "%20", ">", "\\"]),
    max_size=8,
).map("".join)
_LEXICAL = st.lists(
    st.sampled_from([*'ab1-:T.Z "\\\n', "2013-02-30", "1e5", "true", "\\u00e6"]),
    max_size=10,
).map("".join)
_DATATYPE = st.sampled_from(
    ["", "^^xsd:date", "^^xsd:integer", "^^xsd:boolean", "^^xsd:gYear", "^^xsd:decimal", "@da"]
)
_TOKEN = st.one_of(
    _IRI_CHARS.map(lambda s: f"<http://example.org/{s}>"),
    st.tuples(_LEXICAL, _DATATYPE).map(lambda t: f'"{t[0]}"{t[1]}'),
    st.sampled_from(
        ["ex:a", "ex:p", "a", ";", ",", ".", "[", "]", "(", ")", "{", "}", "_:b", "GRAPH", "#"]
    ),
    st.text(max_size=4),
)
_TURTLE = st.lists(_TOKEN, max_size=25).map(
    lambda tokens: (
        "@prefix ex: <http://example.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + " ".join(tokens)
    )
)


@BUDGET
@given(text=_TURTLE, suffix=st.sampled_from([".ttl", ".trig", ".nt", ".nq"]))
def test_loader_parses_or_refuses_and_leaves_the_target_alone(text, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_text(text, encoding="utf-8")
        target = Graph()
        target.add(
            (
                URIRef("http://example.org/kept"),
                URIRef("http://example.org/p"),
                URIRef("http://example.org/o"),
            )
        )
        try:
            parse_file(path, into=target)
        except InputError as exc:
            assert str(exc).startswith(str(path))
            assert len(target) == 1, "a refused file must leave the target graph untouched"
            return
        # accepted: every term is one Oxigraph (and so the TriG writer) accepts
        for triple in target:
            for term in triple:
                if isinstance(term, URIRef):
                    ox.NamedNode(str(term))
        target.serialize(format="trig")


# --- the workbook / CSV importer ------------------------------------------------------------------

_CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["=1+1", "+cmd", "@SUM(A1)", "-", "ja", "nej", "2015", "2015-13-40", "a;b;;c", "x\x00y"]
    ),
)
_SHEETS = sorted(p.stem for p in SYNTHETIC.glob("*.csv"))


@pytest.fixture(scope="module")
def context() -> Graph:
    from netkg.pipeline.flow.context import context_graph

    return context_graph()


@BUDGET
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(_SHEETS), st.integers(0, 12), st.integers(0, 8), _CELL),
        min_size=1,
        max_size=6,
    )
)
def test_importer_converts_or_refuses(edits, context):
    from netkg.entry.importer import convert, serialize

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "entry"
        shutil.copytree(SYNTHETIC, folder)
        for sheet, row, column, value in edits:
            file = folder / f"{sheet}.csv"
            rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"), newline="")))
            while len(rows) <= row:
                rows.append([])
            while len(rows[row]) <= column:
                rows[row].append("")
            rows[row][column] = value
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            file.write_text(buffer.getvalue(), encoding="utf-8")
        try:
            conversion = convert(folder, context)
        except NetkgError as exc:
            assert exc.exit_code in (1, 2)
            return
        if any(p.severity == "error" for p in conversion.problems):
            return  # the import would stop here (exit 1) and write nothing
        # what would be written must be Turtle that netkg itself reads back
        out = Path(tmp) / "out.ttl"
        out.write_text(serialize(conversion, folder), encoding="utf-8")
        assert len(parse_file(out)) == len(conversion.graph)


@BUDGET
@given(data=st.binary(max_size=300))
def test_csv_bytes_are_read_or_refused(data):
    from netkg.entry.workbook import load_mapping, read_workbook

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "entry"
        shutil.copytree(SYNTHETIC, folder)
        (folder / "units.csv").write_bytes(data)
        try:
            read_workbook(folder, load_mapping())
        except InputError as exc:
            assert str(exc).startswith(str(folder))


# --- the parameter binder -----------------------------------------------------------------------

# what a shell hands Python for arbitrary bytes: undecodable ones become lone surrogates
_ARGUMENT = st.one_of(st.text(max_size=20), st.binary(max_size=20).map(os.fsdecode))


@BUDGET
@given(raw=_ARGUMENT, kind=st.sampled_from(["iri", "string", "integer", "date"]))
def test_a_parameter_is_one_term_or_a_usage_error(raw, kind):
    param = Param("x", kind, namespace="mun" if kind == "iri" else None)
    try:
        term = param.to_term(raw)
    except UsageError:
        return
    query = bind_values("SELECT ?x WHERE { }", {"x": term})
    rows = list(ox.Store().query(query))
    assert len(rows) == 1  # the value stayed one term: it added no syntax to the query
    from netkg.rdf.terms import to_ox

    assert rows[0]["x"] == to_ox(term)
