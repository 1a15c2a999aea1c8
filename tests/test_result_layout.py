"""Answers read well at any width and in every format (issue 22, item 6): a record view for
wide answers, `--columns`, wrapping at word boundaries, IRIs shortened alike in the table, CSV,
xlsx and DataFrames (`--full-iris` keeps them), and spreadsheet columns as wide as their text."""

from __future__ import annotations

import io
import re

import pytest
from rdflib import Literal, URIRef

from netkg.cli import main
from netkg.rdf.results import ResultTable, render_table

BASIS = (
    "The source: a task committee typically has ten citizens and five local politicians, and "
    "the standing committee it belongs to decides whether the council takes up its proposals."
)
ITEM = URIRef("https://w3id.org/netkg/id/gentofte/model-opgaveudvalg")
SOURCES = Literal(
    "https://w3id.org/netkg/id/document/arnstein-1969 "
    "https://w3id.org/netkg/id/document/gentofte-arbejdsform"
)


def _wide() -> ResultTable:
    """Twelve columns, like cocreation-coding: too many for 120 characters as a table."""
    columns = [f"column{i}" for i in range(10)] + ["item", "basis"]
    row = (*(Literal(f"value number {i}") for i in range(10)), ITEM, Literal(BASIS))
    return ResultTable(columns, [row, row])


def _words(text: str) -> set[str]:
    return set(re.split(r"\s+|(?<=-)", text)) - {""}


def test_a_wide_answer_is_shown_as_records_with_whole_words():
    text = render_table(_wide(), width=120)
    lines = text.splitlines()
    assert lines[0].startswith("-[ row 1 ]---") and len(lines[0]) == 120
    assert "item     gentofte:model-opgaveudvalg" in lines
    assert max(len(line) for line in lines) <= 120
    assert lines[-1] == "(2 rows)"
    # the basis, wrapped: every line of it holds whole words only
    basis = [line[9:] for line in lines if line.startswith(("basis", " " * 9))]
    assert " ".join(basis[:2]) == BASIS
    for line in basis:
        assert _words(line) <= _words(BASIS), line


def test_a_table_that_fits_wraps_at_spaces_and_hyphens_never_inside_a_word():
    strategy = URIRef(
        "https://w3id.org/netkg/id/albertslund/strategy-netvaerksbaseret-organisation"
    )
    table = ResultTable(["item", "basis"], [(strategy, Literal(BASIS))])
    text = render_table(table, width=60)
    assert text.splitlines()[2:5] == [
        "alb:strategy-                  The source: a task committee",
        "netvaerksbaseret-organisation  typically has ten citizens",
        "                               and five local politicians,",
    ]


def test_records_on_request_and_empty_cells_left_out():
    table = ResultTable(["a", "longer"], [(Literal("x"), None), (Literal("y"), Literal("z"))])
    assert render_table(table, width=40, records=True) == (
        "-[ row 1 ]------------------------------\n"
        "a       x\n"
        "-[ row 2 ]------------------------------\n"
        "a       y\n"
        "longer  z\n"
        "(2 rows)\n"
    )


def test_iris_are_shortened_alike_in_table_csv_xlsx_and_dataframes():
    import openpyxl

    table = ResultTable(["item", "sources"], [(ITEM, SOURCES)])
    shortened = "doc:arnstein-1969 doc:gentofte-arbejdsform"
    assert shortened in table.serialize("table", full=True)
    assert table.serialize("csv").splitlines()[1] == f"gentofte:model-opgaveudvalg,{shortened}"
    assert list(table.to_dataframe().iloc[0]) == ["gentofte:model-opgaveudvalg", shortened]
    sheet = openpyxl.load_workbook(io.BytesIO(table.to_xlsx())).active
    assert list(sheet.values)[1] == ("gentofte:model-opgaveudvalg", shortened)
    # --full-iris keeps them, in every format
    assert str(ITEM) in table.serialize("csv", full_iris=True)
    assert str(SOURCES) in table.serialize("table", full=True, full_iris=True)
    assert table.to_dataframe(full_iris=True).iloc[0, 0] == str(ITEM)
    full = openpyxl.load_workbook(io.BytesIO(table.to_xlsx(full_iris=True))).active
    assert list(full.values)[1] == (str(ITEM), str(SOURCES))
    # the SPARQL formats machines read keep IRIs whole
    assert f"<{ITEM}>" in table.serialize("tsv")
    assert f'"value": "{ITEM}"' in table.serialize("json")


def test_xlsx_columns_are_as_wide_as_their_text_and_long_text_wraps():
    import openpyxl

    table = ResultTable(["n", "item", "basis"], [(Literal(1), ITEM, Literal(BASIS))])
    sheet = openpyxl.load_workbook(io.BytesIO(table.to_xlsx())).active
    widths = {k: sheet.column_dimensions[k].width for k in "ABC"}
    assert widths == {"A": 3, "B": len("gentofte:model-opgaveudvalg") + 2, "C": 62}
    assert sheet["C2"].alignment.wrap_text is True
    assert not sheet["B2"].alignment.wrap_text


def test_columns_option_picks_and_orders_columns(capsys, kg_store):
    args = ["query", "cocreation-coding", "--store", str(kg_store), "-f", "csv"]
    assert main([*args, "--columns", "cocreationType,item"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "cocreationType,item"
    assert "Placation,gentofte:model-opgaveudvalg" in lines
    assert main([*args, "--columns", "item,nosuch"]) == 2
    err = capsys.readouterr().err
    assert "--columns: no column nosuch in the answer; its columns are municipality, item" in err


def test_cocreation_coding_reads_in_a_120_column_terminal(monkeypatch, capsys, kg_store):
    monkeypatch.setattr("netkg.rdf.results.terminal_width", lambda: 120)
    assert main(["query", "cocreation-coding", "--store", str(kg_store)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("-[ row 1 ]")
    assert max(len(line) for line in lines) <= 120
    row = out.split("-[ row 3 ]")[1].split("-[ row 4 ]")[0].splitlines()
    assert len(row) < 20  # one row, not 60 lines
    assert "item            gentofte:model-opgaveudvalg" in row


@pytest.fixture(scope="module")
def kg_store(built, tmp_path_factory):
    """The shipped build written as dist/ (its Oxigraph store), as the commands read it."""
    from netkg.pipeline.flow.write import write

    out = tmp_path_factory.mktemp("dist")
    write(built, out)
    return out / "store"
