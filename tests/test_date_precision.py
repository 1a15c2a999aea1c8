"""Dates keep the precision of their source (issue 22, item 3): a policy the source dates to
2013 reads "2013", never 2013-01-01, in as-of's validFrom and validUntil, in tables, CSV, xlsx,
DataFrames, diff and the site's pages."""

from __future__ import annotations

import io

import pytest
from rdflib import Literal, URIRef

from netkg.iris import NKG, PREFIXES
from netkg.query.graph import KnowledgeGraph
from netkg.report.diff import diff

STRATEGY = "https://w3id.org/netkg/id/albertslund/strategy-netvaerk-2013"
PLAN = "https://w3id.org/netkg/id/albertslund/strategy-albertslund-2024"
NETWORK = "https://w3id.org/netkg/id/albertslund/network-haervaerk"
GYEAR, GYEAR_MONTH = (URIRef(PREFIXES["xsd"] + t) for t in ("gYear", "gYearMonth"))


@pytest.fixture(scope="module")
def shipped(built) -> KnowledgeGraph:
    return KnowledgeGraph(built.store)


def _bounds(kg: KnowledgeGraph, lang: str = "en") -> dict[str, tuple]:
    table = kg.query("as-of", municipality="albertslund", asOf="2016-01-01", lang=lang)
    return {str(r["thing"]): (r["validFrom"], r["validUntil"]) for r in table.records()}


def test_the_build_writes_bounds_as_precise_as_the_source(shipped):
    bounds = _bounds(shipped)
    assert bounds[STRATEGY] == (Literal("2013", datatype=GYEAR), None)
    assert bounds[PLAN] == (Literal("2013-06", datatype=GYEAR_MONTH), None)
    assert bounds[NETWORK] == (Literal("spring 2015", lang="en"), None)
    assert _bounds(shipped, "da")[NETWORK] == (Literal("foråret 2015", lang="da"), None)
    # the day-precise phases that answer as-of questions are unchanged
    assert shipped.query("as-of", municipality="albertslund", asOf="2012-12-31").records()
    statuses = {
        str(r["thing"]): str(r["status"])
        for r in shipped.query("as-of", municipality="albertslund", asOf="2015-02-28").records()
    }
    assert NETWORK not in statuses  # spring begins on 1 March
    assert list(shipped.quads(URIRef(STRATEGY), NKG.validFrom)) and not list(
        shipped.quads(URIRef(STRATEGY), NKG.validUntil)
    )


def test_csv_xlsx_and_dataframes_show_the_year_not_a_day(shipped):
    import openpyxl

    table = shipped.query("as-of", municipality="albertslund", asOf="2016-01-01")
    row = next(line for line in table.serialize("csv").splitlines() if "netvaerk-2013" in line)
    assert row.endswith(",2013,,holds")
    frame = table.to_dataframe()
    assert frame[frame.thing == "alb:strategy-netvaerk-2013"].validFrom.tolist() == ["2013"]
    sheet = openpyxl.load_workbook(io.BytesIO(table.to_xlsx())).active
    cells = [r for r in sheet.values if r[1] == "alb:strategy-netvaerk-2013"]
    assert cells[0][4:] == ("2013", None, "holds")
    assert "2013-01-01" not in table.serialize("table", full=True)


def test_diff_says_since_when_as_the_source_does(shipped):
    rows = {r[2]: r for r in diff(shipped, "albertslund", "2012-12-31", "2016-12-31")}
    assert rows[STRATEGY][6:] == (Literal("2013", datatype=GYEAR), None)
    assert rows[NETWORK][0] == "started"
    assert str(rows[NETWORK][6]) == "spring 2015"


def test_the_site_page_shows_the_year_with_its_type(shipped_site):
    page = (shipped_site / "id" / "albertslund" / "strategy-netvaerk-2013.html").read_text()
    valid_from = page.split("valid from", 1)[1].split("</tr>", 1)[0]
    assert '<span class="literal">2013</span> <small class="tag">xsd:gYear</small>' in valid_from
    assert "2013-01-01" not in valid_from
