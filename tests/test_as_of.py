"""Valid time (`--as-of`): the phases the build derives, the shared query pattern, the CLI.

Expected statuses are written out from the semantics in docs/as-of.md ("How valid time works"), not
computed by the code under test.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Literal

import netkg
from netkg.api import KnowledgeGraph
from netkg.iris import NKG
from netkg.pipeline.derived.intervals import Phase, meet, period, season
from netkg.pipeline.inputs.layout import query_dir
from netkg.query.catalogue import load_catalogue, parse_day
from netkg.rdf.results import short
from netkg.report.diff import diff
from support.answers import rows

XSDNS = "http://www.w3.org/2001/XMLSchema#"
HERE = Path(__file__).parent / "intervals"
SYN = "https://w3id.org/netkg/synthetic/as-of/"
TEN = {  # the municipalities described by hand before the national codebook
    "Aarhus Municipality", "Albertslund Municipality", "Copenhagen Municipality",
    "Furesø Municipality", "Gentofte Municipality", "Gladsaxe Municipality",
    "Helsingør Municipality", "Holbæk Municipality", "Roskilde Municipality",
    "Skanderborg Municipality",
}  # fmt: skip
DAYS = (
    "2009-12-31",
    "2010-05-01",
    "2014-06-01",
    "2015-06-01",
    "2016-10-01",
    "2017-01-01",
    "2019-01-01",
)
# thing: status on each of DAYS ("not" = left out of the answer)
EXPECTED = {
    "unit-open": ("not", "holds", "holds", "holds", "holds", "holds", "holds"),
    "unit-closed": ("not", "holds", "holds", "holds", "holds", "holds", "not"),
    "unit-unknown": ("unknown",) * 7,
    "network-year": ("not", "not", "not", "holds", "holds", "not", "not"),
    "network-season": ("not", "not", "not", "not", "holds", "holds", "holds"),
    # begins 2012, no end of its own; its unit ends on 30 June 2018, so it ends there too
    "tenure-outlived": ("not", "not", "holds", "holds", "holds", "holds", "not"),
    # attested in 2015 only; before its unit begins it cannot hold at all
    "membership-seen": ("not", "unknown", "unknown", "holds", "unknown", "unknown", "unknown"),
}


# --- reading dates --------------------------------------------------------------------------


def test_year_month_date_and_season_periods():
    assert period(Literal("2015", datatype=XSDNS + "gYear")) == (
        dt.date(2015, 1, 1),
        dt.date(2015, 12, 31),
    )
    assert period(Literal("2024-02", datatype=XSDNS + "gYearMonth")) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
    )
    assert period(Literal("2013-02-12", datatype=XSDNS + "date")) == (dt.date(2013, 2, 12),) * 2
    assert season("spring 2015") == (dt.date(2015, 3, 1), dt.date(2015, 5, 31))
    assert season("foråret 2015") == (dt.date(2015, 3, 1), dt.date(2015, 5, 31))
    assert season("vinteren 2015") == (dt.date(2015, 12, 1), dt.date(2016, 2, 29))
    assert season("sometime in 2015") is None


def test_partial_days_mean_their_first_day():
    assert parse_day("2013") == dt.date(2013, 1, 1)
    assert parse_day("2013-03") == dt.date(2013, 3, 1)
    assert parse_day("2013-03-05") == dt.date(2013, 3, 5)
    with pytest.raises(ValueError):
        parse_day("spring 2013")


def test_meet_takes_the_weakest_status_day_by_day():
    own = [Phase(None, dt.date(2011, 12, 31), "not"), Phase(dt.date(2012, 1, 1), None, "holds")]
    end = [
        Phase(None, dt.date(2014, 12, 31), "unknown"),
        Phase(dt.date(2015, 1, 1), dt.date(2015, 12, 31), "holds"),
        Phase(dt.date(2016, 1, 1), None, "not"),
    ]
    assert meet(own, end) == [
        Phase(None, dt.date(2011, 12, 31), "not"),
        Phase(dt.date(2012, 1, 1), dt.date(2014, 12, 31), "unknown"),
        Phase(dt.date(2015, 1, 1), dt.date(2015, 12, 31), "holds"),
        Phase(dt.date(2016, 1, 1), None, "not"),
    ]


# --- the edge cases through the catalogue ---------------------------------------------------


@pytest.fixture(scope="module")
def edge() -> KnowledgeGraph:
    return netkg.load_graph([HERE / "edge-cases.ttl"])


def statuses(kg: KnowledgeGraph, day: str) -> dict[str, str]:
    table = kg.query("as-of", municipality=SYN + "municipality", asOf=day)
    return {str(r["thing"])[len(SYN) :]: str(r["status"]) for r in table.records()}


@pytest.mark.parametrize("index", range(len(DAYS)), ids=DAYS)
def test_edge_cases_as_of_each_day(edge, index):
    got = statuses(edge, DAYS[index])
    want = {thing: days[index] for thing, days in EXPECTED.items() if days[index] != "not"}
    assert got == want


def test_without_a_day_every_thing_is_listed_with_an_empty_status(edge):
    table = edge.query("as-of", municipality=SYN + "municipality")
    assert {str(r["thing"])[len(SYN) :]: str(r["status"]) for r in table.records()} == {
        thing: "" for thing in EXPECTED
    }


def test_oxigraph_answers_the_same(edge):
    ox = netkg.load_graph([HERE / "edge-cases.ttl"], engine="oxigraph")
    for day in DAYS:
        assert statuses(ox, day) == statuses(edge, day)


def test_own_bounds_are_earliest_and_latest_days(edge):
    table = edge.query("as-of", municipality=SYN + "municipality")
    bounds = {
        str(r["thing"])[len(SYN) :]: (str(r["validFrom"] or ""), str(r["validUntil"] or ""))
        for r in table.records()
    }
    assert bounds == {  # as precise as the sources: a year stays a year (issue 22, item 3)
        "unit-open": ("2010-05-01", ""),
        "unit-closed": ("2010-05-01", "2018-06-30"),
        "unit-unknown": ("", ""),
        "network-year": ("2015", "2016"),
        "network-season": ("autumn 2016", ""),
        "tenure-outlived": ("2012", ""),
        "membership-seen": ("", ""),
    }


# --- one shared pattern ---------------------------------------------------------------------


# The catalogue queries that take asOf (written out: a query that loses it fails the test below)
DATED_QUERIES = [
    "adoption-timeline",
    "as-of",
    "cocreation-overview",
    "codebook-citizen-assemblies",
    "codebook-citizen-proposals",
    "codebook-cocreation-model",
    "codebook-involvement-policy",
    "codebook-local-councils",
    "codebook-participatory-budgets",
    "codebook-section-17-4-committees",
    "comparison-matrix",
    "counts",
    "networks",
    "networks-across-pillars",
    "pillar-hierarchy",
    "post-holders",
    "shared-instruments",
    "strategy-assumptions",
    "strategy-documents",
    "typology-translation",
    "units-in-no-network",
]


def test_every_dated_query_takes_the_one_shared_pattern():
    """The as-of filter is written once (queries/fragments/as-of.rq); queries include it."""
    fragment = query_dir() / "fragments" / "as-of.rq"
    dated = [q for q in load_catalogue().values() if any(p.name == "asOf" for p in q.params)]
    assert sorted(q.name for q in dated) == DATED_QUERIES
    for query in dated:
        written = query.path.read_text(encoding="utf-8")
        assert "nkg:phaseStatus" not in written, query.name  # no copy of the pattern
        assert re.search(r"BIND \(\?\w+ AS \?dated\)\n *# include: as-of\b", written), query.name
        assert query.text.count("?phase nkg:phaseStatus ?phaseStatus .") == 1, query.name
        assert "# as-of: the shared pattern of queries/fragments/as-of.rq" in query.source
    undated = [q for q in load_catalogue(internal=True).values() if q not in dated]
    assert all("nkg:phaseStatus" not in q.text for q in undated)
    assert "?phase nkg:phaseStatus ?phaseStatus ." in fragment.read_text(encoding="utf-8")


def test_an_unknown_fragment_names_the_file_and_line(tmp_path):
    from netkg.errors import InputError
    from netkg.query.catalogue import parse_query_file

    bad = tmp_path / "bad.rq"
    bad.write_text("# Title: x\nSELECT * WHERE {\n  # include: as-off\n}\n", encoding="utf-8")
    known = r"\(known: as-of, codebook-cells\)"
    with pytest.raises(InputError, match=r"bad\.rq.*3.*no fragment 'as-off' " + known):
        parse_query_file(bad)


# --- the shipped data -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped(built) -> KnowledgeGraph:
    return KnowledgeGraph(built.store)


def test_albertslund_diff_across_the_2013_reorganisation(shipped):
    got = [
        (r[0], short_iri(r[2]), r[4], r[5])
        for r in diff(shipped, "albertslund", "2012-12-31", "2014-01-01")
    ]
    assert got == [
        # no start of its own (unknown), but its network structure starts in 2013
        ("became unknown", "alb:network-urban-farming", "not", "unknown"),
        ("started", "alb:unit-by-miljoe-beskaeftigelse", "not", "holds"),
        ("started", "alb:unit-boern-kultur-velfaerd", "not", "holds"),
        ("started", "alb:network-structure", "not", "holds"),
        # its policy for citizen involvement is not here: its sources disagree on the year (a gap)
        ("started", "alb:post-netvaerksdirektoer", "not", "holds"),
        ("started", "alb:strategy-albertslund-2024", "not", "holds"),
        ("started", "alb:strategy-netvaerk-2013", "not", "holds"),
    ]


def short_iri(iri: str) -> str:
    from rdflib import URIRef

    return short(URIRef(iri))


def test_albertslund_networks_and_directors_as_of(shipped):
    def networks(day: str) -> list[tuple[str, str]]:
        return [(short(r[1]), str(r[-1])) for r in shipped.query("networks", asOf=day).rows]

    assert networks("2013-03-01") == [("alb:network-urban-farming", "unknown")]
    assert networks("2015-04-01") == [
        ("alb:network-urban-farming", "unknown"),
        ("alb:network-bo-i-albertslund", "holds"),
        ("alb:network-elever-med-hoejt-fravaer", "holds"),
        ("alb:network-haervaerk", "holds"),
        ("alb:network-bydelsidentitet", "unknown"),
        ("alb:network-mobilitet", "unknown"),
        ("alb:network-profilering", "unknown"),
    ]
    areas = [short(r[2]) for r in shipped.query("pillar-hierarchy", asOf="2012-12-31").rows]
    assert "alb:unit-by-miljoe-beskaeftigelse" not in areas and "alb:unit-ppr" in areas
    holders = {str(r[1]): str(r[-1]) for r in shipped.query("post-holders", asOf="2013-02-12").rows}
    # attested on that very day, but a relation holds only if its ends do, and the post of
    # municipal director has no date in the sources: the weakest end wins
    assert holders["Jette Runchel"] == "unknown"
    assert "Henrik Harder" not in holders  # his tenure begins in 2021
    assert holders["Steen Christiansen"] == "unknown"  # no date in the sources


# --- the command line -----------------------------------------------------------------------


def netkg_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "netkg", *args], capture_output=True, text=True)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def test_cli_as_of_and_diff(graph_file):
    graph = ["--graph", str(graph_file)]
    out = netkg_cli("query", "networks", "--as-of", "2013-03", "-f", "csv", *graph).stdout
    assert out.splitlines()[1:] == [
        "mun:albertslund,alb:network-urban-farming,Hvordan bliver Albertslund et laboratorium "
        "for Urban Farming? (How does Albertslund become a laboratory for urban farming?),"
        "Innovation network,,,,,,unknown"
    ]
    refused = netkg_cli("query", "typologies", "--as-of", "2013", *graph, check=False)
    assert refused.returncode == 2
    assert "does not answer as of a date" in refused.stderr
    bad = netkg_cli("query", "networks", "--as-of", "spring 2013", *graph, check=False)
    assert bad.returncode == 2 and "YYYY[-MM[-DD]]" in bad.stderr
    done = netkg_cli("diff", "albertslund", "2012-12-31", "2014-01-01", "-f", "csv", *graph)
    assert done.stdout.splitlines()[0] == (
        "change,kind,thing,label,before,after,validFrom,validUntil"
    )
    assert len(done.stdout.splitlines()) == 8


def test_validity_graph_is_written_with_the_build(graph_file):
    ds = Dataset()
    ds.parse(graph_file, format="trig")
    found = {(str(q[2]), str(q[3])) for q in ds.quads((None, NKG.phaseStatus, None, None))}
    validity = "https://w3id.org/netkg/graph/validity"
    assert found == {("holds", validity), ("not", validity), ("unknown", validity)}


# --- the served query page ------------------------------------------------------------------


def test_served_query_page_and_endpoint_answer_as_of(graph_file, tmp_path):
    import json
    import urllib.parse

    from netkg.query.catalogue import find_query
    from netkg.rdf.binding import bind_values
    from support.web import fetch, serving

    day = '"2013-03-01"^^<http://www.w3.org/2001/XMLSchema#date>'
    with serving(graph_file, tmp_path / "serve", "--as-of", "2013-03") as server:
        page = fetch(server.url + "/sparql", headers={"Accept": "text/html"}).text
        assert 'datetime="2013-03-01"' in page
        # the catalogue's queries in the page's JSON, asOf bound as an xsd:date
        assert json.dumps(day)[1:-1].replace("<", "\\u003c") in page
        other = fetch(server.url + "/sparql?asOf=2012-12-31", headers={"Accept": "text/html"})
        assert 'datetime="2012-12-31"' in other.text
        bad = fetch(server.url + "/sparql?asOf=spring", headers={"Accept": "text/html"})
        assert bad.status == 400
        query = find_query("networks")
        text = bind_values(query.text, query.bindings({"asOf": "2013-03-01"}))
        answer = fetch(
            server.url + "/sparql?" + urllib.parse.urlencode({"query": text}),
            headers={"Accept": "application/sparql-results+json"},
        )
        rows = json.loads(answer.text)["results"]["bindings"]
        assert [(r["network"]["value"], r["status"]["value"]) for r in rows] == [
            ("https://w3id.org/netkg/id/albertslund/network-urban-farming", "unknown")
        ]


def test_python_api_takes_as_of(shipped):
    table = shipped.query("networks", as_of="2013-03-01")
    assert [(short(r[1]), str(r[-1])) for r in table.rows] == [
        ("alb:network-urban-farming", "unknown")
    ]


@pytest.mark.parametrize("name", DATED_QUERIES)
def test_oxigraph_answers_dated_queries_like_rdflib(name, shipped, built_oxigraph):
    ox = KnowledgeGraph(built_oxigraph.store)
    for day in ("2012-12-31", "2013-03-01", "2016-06-01"):
        # as support.answers gives them: decimals in their canonical spelling
        assert _lists_sorted(rows(ox, name, asOf=day)) == _lists_sorted(
            rows(shipped, name, asOf=day)
        ), (name, day)


def _lists_sorted(rows: list) -> list:
    """GROUP_CONCAT has no order in SPARQL 1.1: its " | " lists are compared as sets."""
    return sorted(
        tuple(" | ".join(sorted(v.split(" | "))) if isinstance(v, str) else v for v in row)
        for row in rows
    )


def test_diagram_before_and_after_the_2013_reorganisation(shipped):
    from netkg.report.diagram import dot_source

    def labels(day: str) -> set[str]:
        return set(re.findall(r'label="([^"]+)"', dot_source(shipped, "albertslund", "en", day)))

    before, after = labels("2012-12-31"), labels("2013-03-01")
    areas = {
        "Pillar: By, miljø &\\nbeskæftigelse (City,\\nEnvironment &\\nEmployment)",
        "Pillar: Børn, kultur og velfærd\\n(Children, Culture and\\nWelfare)",
    }
    assert areas <= after and not areas & before
    assert "The network structure" in after and "The network structure" not in before
    # undated units stay on both days, marked unknown
    assert "PPR\\n(?)" in before and "PPR\\n(?)" in after


# --- counts, instruments, strategies and the timeline as of a day (written out) ------------------


def test_counts_as_of_a_day_keep_unknowns_apart(shipped):
    def counts(day: str) -> list[tuple[str, str, str, int]]:
        table = shipped.query("counts", municipality="albertslund", asOf=day)
        return [(str(r[1]), str(r[2] or ""), str(r[3]), int(r[4])) for r in table.rows]

    # before the 2013 reorganisation: no director areas and no networks (their structure starts
    # in 2013); the undated departments, forums and secretariats are unknown, not dropped
    assert counts("2012-12-31") == [
        ("declared networks", "Innovation network", "unknown", 1),
        ("declared networks", "Welfare network", "unknown", 15),
        ("documents", "", "unknown", 24),
        ("initiatives", "", "unknown", 1),
        ("units", "Department", "unknown", 4),
        ("units", "Forum", "unknown", 2),
        ("units", "Secretariat", "unknown", 2),
    ]
    assert counts("2016-01-01") == [
        ("declared networks", "Innovation network", "unknown", 1),
        ("declared networks", "Welfare network", "unknown", 15),
        ("documents", "", "unknown", 24),
        ("initiatives", "", "unknown", 1),
        ("networks", "Innovation network", "holds", 1),
        ("networks", "Innovation network", "unknown", 1),
        ("networks", "Welfare network", "holds", 2),
        ("networks", "sub-network", "unknown", 3),
        ("units", "Department", "unknown", 4),
        ("units", "Director area", "holds", 2),
        ("units", "Forum", "unknown", 2),
        ("units", "Secretariat", "unknown", 2),
    ]


def test_shared_instruments_as_of_a_day(shipped):
    def shared(day: str) -> list[tuple[str, int, list[str]]]:
        """Status, count of all municipalities, and which of the ten hand-described ones."""
        table = shipped.query("shared-instruments", asOf=day)
        return [
            (str(r[2]), int(r[3]), [m for m in sorted(str(r[4]).split(" | ")) if m in TEN])
            for r in table.rows
        ]

    # Skanderborg's six committees ran 2014–2017, Gentofte's task committees from 2015 and
    # Helsingør's committee 2018–2019, Roskilde's Musikbyudvalget from 2016; the undated ones
    # stay as unknown. The codebook added committees (Gladsaxe's, Skanderborg's from 2018, an
    # undated one of Gentofte's) and 35 more municipalities.
    undated = [
        "Albertslund Municipality", "Furesø Municipality", "Gentofte Municipality",
        "Gladsaxe Municipality",
    ]  # fmt: skip
    assert shared("2014-06-01") == [
        ("unknown", 14, undated),
        ("holds", 6, ["Skanderborg Municipality"]),
    ]
    assert shared("2018-06-01") == [
        (
            "holds",
            21,
            [
                "Gentofte Municipality", "Gladsaxe Municipality", "Helsingør Municipality",
                "Roskilde Municipality", "Skanderborg Municipality",
            ],
        ),
        ("unknown", 14, undated),
    ]  # fmt: skip


def test_strategy_assumptions_and_timeline_as_of_a_day(shipped):
    strategy = shipped.query("strategy-assumptions", asOf="2012-06-01")
    # the network-based organisation's strategy carries no date of its own: unknown, kept
    assert [(short(r[1]), str(r[3]), str(r[-1])) for r in strategy.rows] == [
        ("alb:strategy-netvaerksbaseret-organisation", "1", "unknown"),
        ("alb:strategy-netvaerksbaseret-organisation", "2", "unknown"),
        ("alb:strategy-netvaerksbaseret-organisation", "3", "unknown"),
    ]
    timeline = shipped.query("adoption-timeline", asOf="2012-12-31")
    assert [(short(r[5]), str(r[-1])) for r in timeline.rows] == [
        ("aarhus:model-aarhusmodel", "holds"),
        ("favrskov:policy-borgerinddragelsespolitik", "holds"),
        ("soenderborg:initiative-soenderborg-modellen", "holds"),
        ("viborg:policy-borgerinddragelsespolitik", "holds"),
        ("odense:policy-borgerinddragelsesstrategi", "holds"),
        ("bornholm:policy-politik-borgerinddragelse", "holds"),
        ("odense:model-ny-virkelighed-ny-velfaerd", "holds"),
        ("ishoej:policy-medborgerpolitik", "holds"),
        ("skanderborg:model-kommune-3-0", "holds"),
    ]
    later = shipped.query("adoption-timeline", municipality="albertslund", asOf="2014-01-01")
    assert [(short(r[5]), str(r[2])) for r in later.rows] == [
        ("alb:strategy-netvaerk-2013", "2013"),
    ]


def test_compare_as_of_marks_counts_of_unknown_date(shipped):
    from netkg.report.compare import compare, heading

    comparison = compare(shipped, ["albertslund"], as_of="2012-12-31")
    columns = [heading(c) for c in comparison.counts.columns]
    assert "Units (Department; date unknown)" in columns
    assert "Units (Director area)" not in columns
    # as of a day the timeline says each item's status (before its quote and source, issue 22)
    assert list(comparison.timeline.columns) == [
        "municipality", "year", "endYear", "kind", "item", "status", "quote", "source",
    ]  # fmt: skip
    assert comparison.timeline.empty  # none of Albertslund's dated plans holds before 2013
    assert list(compare(shipped, ["albertslund"]).timeline.columns) == [
        "municipality", "year", "endYear", "kind", "item", "quote", "source",
    ]  # fmt: skip


def test_an_edited_fragment_is_read_again(tmp_path, monkeypatch):
    """A long-running process (netkg serve) sees a changed fragment, not its cached text."""
    import os

    from netkg.query.catalogue import parse_query_file

    monkeypatch.setenv("NETKG_ROOT", str(tmp_path))
    (tmp_path / "queries" / "fragments").mkdir(parents=True)
    fragment = tmp_path / "queries" / "fragments" / "mine.rq"
    fragment.write_text("# Fragment: mine\n?s ?p 1 .\n", encoding="utf-8")
    query = tmp_path / "queries" / "q.rq"
    query.write_text("# Title: q\nSELECT * WHERE {\n  # include: mine\n}\n", encoding="utf-8")
    assert "  ?s ?p 1 .\n" in parse_query_file(query).text
    fragment.write_text("# Fragment: mine\n?s ?p 2 .\n", encoding="utf-8")
    stamp = fragment.stat().st_mtime_ns + 1_000_000_000
    os.utime(fragment, ns=(stamp, stamp))  # a later version, even on a coarse clock
    assert "  ?s ?p 2 .\n" in parse_query_file(query).text
