"""The national codebook (issue 18): entry sheets, states of every cell, the national questions,
the export, the generated codebook.

The fixture is a project folder (tests/codebook/project/) with two synthetic municipalities
entered as a researcher would, in the entry sheets: Kodebogby (9902), documented on most
variables, and Søgeby (9903), an older folder without the Inference column, with a rejected
citizen-proposal scheme, a documented absence and variables never searched. They are imported
and built with the shipped data, so every query answers for 100 municipalities. Expected answers
are written out from the fixture's sheets, not recomputed.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from netkg.api import KnowledgeGraph
from netkg.entry.importer import duration_literal, import_workbook, when_literal
from netkg.entry.workbook import ImportFailed, load_mapping
from netkg.iris import ID, MUN, NKG, PREFIXES
from netkg.pipeline.flow.build import BuildResult, build
from netkg.pipeline.inputs.layout import shipped_root
from netkg.pipeline.validate.shapes import load_shapes
from netkg.query.catalogue import load_catalogue
from netkg.report.codebook import stale
from netkg.report.national import STATES, national
from support.answers import rows

PROJECT = Path(__file__).parent / "codebook" / "project"
FIXTURE = ("mun:kodebogby", "mun:soegeby")  # the fixture project's made-up municipalities
KODEBOGBY = Namespace(ID + "kodebogby/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # not rdflib's: pytest probes its attributes
CB = PREFIXES["codebook"]
VARIABLES = (
    "section-17-4-committees",
    "citizen-proposals",
    "involvement-policy",
    "local-councils",
    "citizen-assemblies",
    "participatory-budgets",
    "network-organisation",
    "cocreation-model",
)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Iterator[Path]:
    """The fixture project, copied, with both municipalities imported as `netkg import` does."""
    folder = tmp_path_factory.mktemp("codebook") / "project"
    shutil.copytree(PROJECT, folder)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NETKG_ROOT", str(folder))
        for entry in sorted((folder / "data" / "entry").iterdir()):
            _, _, problems = import_workbook(entry)
            # a made-up municipality (code 99xx): the one warning the importer gives, expected
            assert [(p.sheet, p.severity, p.value) for p in problems] == [
                ("municipality", "warning", entry.name[:4])
            ]
            assert problems[0].what.startswith(f"neither the code {entry.name[:4]} nor")
        yield folder


@pytest.fixture(scope="module")
def built(project) -> BuildResult:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NETKG_ROOT", str(project))
        return build()


@pytest.fixture(scope="module")
def kg(built) -> KnowledgeGraph:
    return KnowledgeGraph(built.store)


def _turtle(project: Path, name: str) -> Graph:
    return Graph().parse(project / "data" / "municipalities" / name)


# --- entering the data --------------------------------------------------------------------------


def test_when_cells_keep_the_precision_of_the_source():
    assert when_literal("2018") == Literal("2018", datatype=XSD.gYear)
    assert when_literal("2018-08") == Literal("2018-08", datatype=XSD.gYearMonth)
    assert when_literal("2018-08-01") == Literal("2018-08-01", datatype=XSD.date)
    for bad in ("2018-13", "1. august 2018", "18", "2018-8-1"):
        with pytest.raises(ValueError):
            when_literal(bad)


def test_time_spans_as_danish_and_english_sources_write_them():
    spans = {
        "3 måneder": "P3M",
        "tre måneder": "P3M",
        "90 dage": "P90D",
        "1 år": "P1Y",
        "et år": "P1Y",
        "2 uger": "P14D",
        "3 months": "P3M",
        "6 mdr.": "P6M",
        "P3M": "P3M",
    }
    for text, iso in spans.items():
        assert duration_literal(text) == Literal(iso, datatype=XSD.duration), text
    for bad in ("snart", "3", "måneder", "P", "tre-fire måneder"):
        with pytest.raises(ValueError):
            duration_literal(bad)


def test_the_sheets_become_the_codebooks_terms(project):
    g = _turtle(project, "9902-kodebogby.ttl")
    committee = KODEBOGBY["committee-demokratiudvalget"]
    assert (committee, RDF.type, NKG.Section17Committee) in g
    assert (committee, NKG.organisedBy, MUN["kodebogby"]) in g  # node → municipality
    assert (committee, NKG.startDate, Literal("2018-08-01", datatype=XSD.date)) in g
    assert (committee, NKG.startYear, Literal("2018", datatype=XSD.gYear)) in g  # its year too
    assert (committee, NKG.refersTo, Literal("Økonomiudvalget", lang="da")) in g
    climate = KODEBOGBY["committee-klimaudvalget"]
    assert (climate, NKG.startYear, Literal("2021", datatype=XSD.gYear)) in g
    assert (climate, NKG.startDate, None) not in g  # a year stays a year
    trial = KODEBOGBY["proposals-forsoeg-2019"]
    assert (trial, NKG.signatureWindow, Literal("P3M", datatype=XSD.duration)) in g
    assert (trial, NKG.adoptionDate, Literal("2019-05", datatype=XSD.gYearMonth)) in g
    assert (trial, NKG.schemeStatus, URIRef(PREFIXES["schemestatus"] + "trial")) in g
    policy = KODEBOGBY["policy-medborgerskab"]
    assert set(g.objects(policy, NKG.revisionYear)) == {
        Literal("2020", datatype=XSD.gYear),
        Literal("2022", datatype=XSD.gYear),
    }
    assert (policy, NKG.adoptedBy, MUN["kodebogby"]) in g
    absence = KODEBOGBY["absence-borgerforslag-2016"]
    assert (absence, NKG.absenceAbout, MUN["kodebogby"]) in g
    assert (absence, NKG.absenceOf, URIRef(CB + "citizen-proposals")) in g
    search = KODEBOGBY["search-s3"]
    assert set(g.objects(search, NKG.searchedFor)) == {
        URIRef(CB + "citizen-assemblies"),
        URIRef(CB + "participatory-budgets"),
    }
    assert (
        search,
        RDFS.label,
        Literal("Search s3: Kodebogby borgersamling borgerting borgerbudget", lang="en"),
    ) in g
    # a quote for a date says its year, and a quote for what is absent says where
    period = KODEBOGBY["evidence-udvalg-periode"]
    assert {NKG.startDate, NKG.startYear, NKG.endDate, NKG.endYear} == set(
        g.objects(period, NKG.evidenceProperty)
    )
    assert (KODEBOGBY["evidence-forslag-nej"], NKG.evidenceProperty, NKG.absenceAbout) in g


def test_an_older_folder_without_the_inference_column_imports(project):
    with (PROJECT / "data" / "entry" / "9903-soegeby" / "evidence.csv").open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert not any("Inference" in h for h in header)
    g = _turtle(project, "9903-soegeby.ttl")
    assert (ID["soegeby/absence-ingen-lokalraad"], RDF.type, NKG.DocumentedAbsence) in g


def test_every_fact_of_the_fixture_is_supported(built):
    assert built.ok
    assert built.evidence is not None and built.evidence.unsupported == 0
    assert {
        "fact": "kodebogby:committee-klimaudvalget nkg:organisedBy mun:kodebogby",
        "inference": "The page is about Kodebogby Kommune's committees (its heading sentence "
        "names the municipality), so its council set the committee up.",
    } in built.evidence.derived_facts


def _kodebogby(tmp_path: Path) -> Path:
    """Kodebogby's sheets in a copy of the fixture project, whose archive holds the excerpts
    the sheets name (import them with `_import`)."""
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    return project / "data" / "entry" / "9902-kodebogby"


def _import(folder: Path, out: Path):
    """`netkg import` of a sheet folder in the fixture project that holds it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NETKG_ROOT", str(folder.parents[2]))
        return import_workbook(folder, out)


def _broken(tmp_path: Path, sheet: str, column: str, value: str, row: int = 0) -> list[str]:
    """The errors of importing Kodebogby's sheets with one cell changed; the one warning, for a
    made-up municipality, is left out."""
    folder = _kodebogby(tmp_path)
    path = folder / f"{sheet}.csv"
    with path.open(encoding="utf-8") as f:
        table = list(csv.reader(f))
    table[2 + row][[h.split(" / ")[-1] for h in table[0]].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(table)
    with pytest.raises(ImportFailed) as failed:
        _import(folder, tmp_path / "out.ttl")
    problems = failed.value.problems
    assert [(p.sheet, p.value) for p in problems if p.severity == "warning"] == [
        ("municipality", "9902")
    ]
    return [str(p) for p in problems if p.severity != "warning"]


def test_a_date_in_words_is_refused_in_the_sheets_words(tmp_path):
    assert _broken(tmp_path, "committees", "Start", "1. august 2018") == [
        'committees, row 3, column "Start", value "1. august 2018": not a year, month or date. '
        "Fix: write a year (2018), a month (2018-08) or a day (2018-08-01), as precise as the "
        "source."
    ]


def test_a_time_span_without_a_unit_is_refused(tmp_path):
    assert _broken(tmp_path, "proposals", "Time window", "snart", row=1) == [
        'proposals, row 4, column "Tidsrum / Time window", value "snart": not a time span. '
        "Fix: a number and a unit, e.g. 3 måneder, 90 dage, 1 år (or P3M)."
    ]


def test_a_revision_that_is_no_year_is_refused(tmp_path):
    assert _broken(tmp_path, "policies", "Revised", "2020; to tusind") == [
        'policies, row 3, column "Revideret / Revised", value "2020; to tusind": "to tusind" '
        "is not a year. Fix: four digits per year, separated by ; (e.g. 2019; 2023)."
    ]


def test_an_id_of_two_sheets_is_refused_not_guessed(tmp_path):
    # "lokalraad" is also made a document id: the committees' evidence cannot know which is meant
    problems = _broken(tmp_path, "documents", "Id", "lokalraad", row=4)
    assert (
        'evidence, row 18, column "Om / About", value "lokalraad": the id is used in several '
        "sheets (documents, local_councils). Fix: write the sheet before it, e.g. "
        '"documents/lokalraad".'
    ) in problems


# --- every cell has one state -------------------------------------------------------------------

KODEBOGBY_STATES = {
    "section-17-4-committees": ("documented", 2),
    "citizen-proposals": ("documented", 1),  # the trial; the rejected 2016 scheme is no scheme
    "involvement-policy": ("documented", 1),
    "local-councils": ("documented", 1),
    "citizen-assemblies": ("searched-not-found", 0),
    "participatory-budgets": ("searched-not-found", 0),
    "network-organisation": ("searched-not-found", 0),
    "cocreation-model": ("searched-not-found", 0),
}
SOEGEBY_STATES = {
    "section-17-4-committees": ("searched-not-found", 0),
    "citizen-proposals": ("documented-absent", 0),  # rejected, and an absence says so
    "involvement-policy": ("searched-not-found", 0),
    "local-councils": ("documented-absent", 0),  # "har ingen lokalråd"
    "citizen-assemblies": ("not-yet-searched", 0),
    "participatory-budgets": ("searched-not-found", 0),
    "network-organisation": ("not-yet-searched", 0),
    "cocreation-model": ("not-yet-searched", 0),
}


def _states(kg: KnowledgeGraph, municipality: str) -> dict[str, tuple[str, int]]:
    found = {}
    for r in kg.query("codebook-states").records():
        if r["municipality"] == MUN[municipality]:
            state = str(r["state"]).rsplit("/", 1)[-1]
            found[str(r["variable"]).rsplit("/", 1)[-1]] = (state, int(r["items"]))
    return found


def test_the_state_of_every_cell_of_both_municipalities(kg):
    assert _states(kg, "kodebogby") == KODEBOGBY_STATES
    assert _states(kg, "soegeby") == SOEGEBY_STATES


def test_every_municipality_has_exactly_one_state_on_every_variable(kg):
    table = kg.query("codebook-states").records()
    cells = [(str(r["municipality"]), str(r["variable"])) for r in table]
    assert len(cells) == len(set(cells)) == 100 * 8  # 98 municipalities and the fixture's two
    assert {str(r["state"]).rsplit("/", 1)[-1] for r in table} <= set(STATES)
    assert all(r["stateLabel"] for r in table)
    coverage = kg.query("codebook-coverage").records()
    assert [str(r["variable"]).rsplit("/", 1)[-1] for r in coverage] == sorted(VARIABLES)
    for r in coverage:
        parts = ("documented", "documentedAbsent", "searchedNotFound", "notYetSearched")
        assert sum(int(r[c]) for c in parts) == int(r["municipalities"]) == 100


def test_codebook_variables_in_their_order(kg):
    assert [r[1] for r in rows(kg, "codebook-variables")] == [f"codebook:{v}" for v in VARIABLES]


# --- the national questions ---------------------------------------------------------------------


def test_section_17_4_committees_and_their_citizen_members(kg):
    assert rows(kg, "codebook-section-17-4-committees", municipality="kodebogby") == [
        (
            "mun:kodebogby",
            "Kodebogby Municipality",
            "kodebogby:committee-demokratiudvalget",
            "Democracy committee",
            "recommendations for stronger citizen involvement",
            "2018-08-01",
            "2019-04-01",
            "9",
            "5",
            "Økonomiudvalget",
            "",
        ),
        (
            "mun:kodebogby",
            "Kodebogby Municipality",
            "kodebogby:committee-klimaudvalget",
            "Climate committee",
            "",
            "2021",
            "",
            "7",
            "",
            "",
            "",
        ),
    ]


def test_the_co_creation_initiatives_under_section_17_4_are_committees_too(kg):
    # described before the codebook as co-creation initiatives with that legal basis
    found = {r[0] for r in rows(kg, "codebook-section-17-4-committees")}
    assert {"mun:albertslund", "mun:skanderborg", "mun:helsingoer", "mun:kodebogby"} <= found
    # … while a model with that legal basis (Gentofte's opgaveudvalg) is not a committee
    committees = {r[2] for r in rows(kg, "codebook-section-17-4-committees")}
    assert "gentofte:model-opgaveudvalg" not in committees


def test_citizen_proposal_thresholds_per_1000_inhabitants(kg):
    # Kodebogby's population (20,000 in 2020) is sourced: 500 signatures are 25 per 1,000
    assert [r for r in rows(kg, "citizen-proposal-thresholds") if r[0] in FIXTURE] == [
        (
            "mun:kodebogby",
            "Kodebogby Municipality",
            "kodebogby:proposals-forsoeg-2019",
            "Trial",
            "500",
            "20000",
            "2020",
            "25",
        )
    ]


def test_policies_adopted_per_year(kg):
    found = {r[0]: (r[1], r[2]) for r in rows(kg, "policies-per-year")}
    assert found["2017"] == ("1", "Kodebogby Municipality")
    # Albertslund's policy has no single year: two sources disagree (a gap records both)
    count, labels = found[""]
    assert count == "13" and "Albertslund Municipality" in labels.split(" | ")  # 13 of the 98


def _proposals_on(kg: KnowledgeGraph, day: str) -> list[tuple[str, str]]:
    """The fixture's schemes in force on a day (the shipped municipalities have their own)."""
    found = rows(kg, "codebook-citizen-proposals", asOf=day)
    return [(r[2], r[-1]) for r in found if r[0] in FIXTURE]


def test_which_municipalities_had_citizen_proposals_on_1_january_2020(kg):
    assert _proposals_on(kg, "2020-01-01") == [("kodebogby:proposals-forsoeg-2019", "holds")]
    assert _proposals_on(kg, "2019-05-31") == []  # decided in May, in force from 1 June
    assert _proposals_on(kg, "2021-06-01") == []  # the trial ended on 31 May 2021
    assert _proposals_on(kg, "2016-06-01") == []  # a rejected scheme never runs


def test_committees_as_of_a_day(kg):
    def on(day: str) -> list[tuple[str, str]]:
        found = rows(kg, "codebook-section-17-4-committees", municipality="kodebogby", asOf=day)
        return [(r[2], r[-1]) for r in found]

    assert on("2019-01-01") == [("kodebogby:committee-demokratiudvalget", "holds")]
    assert on("2019-04-02") == []  # ended on 1 April 2019
    assert on("2022") == [("kodebogby:committee-klimaudvalget", "holds")]


def test_local_councils_are_attested_when_counted(kg):
    def on(day: str) -> list[str]:
        return [
            r[-1] for r in rows(kg, "codebook-local-councils", municipality="kodebogby", asOf=day)
        ]

    assert on("2023-03-15") == ["holds"]
    assert on("2024-01-01") == ["unknown"]  # no start or end: the count attests March 2023


def test_netkgs_count_beside_the_population_findings(kg):
    found = rows(kg, "codebook-findings")
    assert [(r[0], r[4], r[5], r[6]) for r in found] == [
        (
            "codebook:section-17-4-committees",
            "Section 17(4) committees in 77 of 98 municipalities (2021)",
            "77",
            "98",
        ),
        (
            "codebook:section-17-4-committees",
            "Section 17(4) committees in 54 % of the municipalities (2014-2017)",
            "",
            "",
        ),
    ]
    assert found[0][2] == str(_states_count(kg, "section-17-4-committees"))


def _states_count(kg: KnowledgeGraph, variable: str) -> int:
    table = kg.query("codebook-coverage").records()
    return int(next(r["documented"] for r in table if str(r["variable"]).endswith(variable)))


# --- the view and the export --------------------------------------------------------------------


def test_the_national_view_backs_each_cell(kg):
    view = national(kg)
    cell = next(
        c
        for c in view.cells
        if c.code == "9902" and c.variable.iri == CB + "section-17-4-committees"
    )
    assert cell.value == (
        "Democracy committee (2018-08-01–2019-04-01; 9 citizen members; 5 politician members)"
        " | Climate committee (2021–; 7 citizen members)"
    )
    assert cell.quote == (
        "Demokratiudvalget er et midlertidigt § 17, stk. 4-udvalg i Kodebogby Kommune, der har "
        "reference til Økonomiudvalget. | Kommunalbestyrelsen nedsatte i 2021 Klimaudvalget, et "
        "nyt §17 stk. 4-udvalg med 7 borgere."
    )
    assert cell.source == "https://example.org/kodebogby/demokratiudvalget"
    assert cell.read == "2026-12-05"
    scheme = next(
        c for c in view.cells if c.code == "9902" and c.variable.iri == CB + "citizen-proposals"
    )
    assert scheme.value == (
        "Citizen proposals (2019-06-01–2021-05-31; Trial; 500 signatures within 3 months)"
    )
    absent = next(
        c for c in view.cells if c.code == "9903" and c.variable.iri == CB + "local-councils"
    )
    assert (absent.state, absent.value, absent.quote) == (
        "documented-absent",
        "Søgeby Municipality has no local councils (None)",
        "Søgeby Kommune har ingen lokalråd.",
    )
    searched = next(
        c for c in view.cells if c.code == "9903" and c.variable.iri == CB + "involvement-policy"
    )
    assert searched.searches == (
        "2026-12-05, Pages corpus: «Søgeby medborgerskabspolitik borgerbudget» (Not found)"
    )
    assert [line.split(";")[0] for line in view.summary()] == [
        f"Section 17(4) committees documented in {_states_count(kg, 'section-17-4-committees')} "
        "municipalities in netkg"
    ] * 2


def _netkg(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"NETKG_ROOT": str(project), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "netkg", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )


def test_export_national_writes_every_cell_and_keeps_what_exists(project, tmp_path):
    out = tmp_path / "national.csv"
    done = _netkg(project, "export", "national", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "800 rows (100 municipalities × 8 variables)" in done.stdout
    with out.open(encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert len(table) == 800 and all(r["state"] for r in table)
    row = next(r for r in table if r["code"] == "9902" and r["variable"] == "Local councils")
    assert {k: row[k] for k in ("state", "value", "quote", "sourceAddress", "dateRead")} == {
        "state": "Documented",
        "value": "Local councils in Kodebogby (Local council; 12 (counted 2023-03))",
        "quote": "Kodebogby Kommune samarbejder med 12 lokalråd (marts 2023).",
        "sourceAddress": "https://example.org/kodebogby/lokalraad",
        "dateRead": "2026-12-05",
    }
    again = _netkg(project, "export", "national", "-o", str(out))
    assert again.returncode == 2 and "use --force" in again.stderr
    book = tmp_path / "national.xlsx"
    done = _netkg(project, "export", "national", "-o", str(book), "--lang", "da")
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(book).active
    values = list(sheet.values)
    assert values[0][:5] == ("code", "municipality", "region", "variable", "state")
    assert len(values) == 801
    assert (
        "9903",
        "Søgeby Kommune",
        "Region Nordjylland",
        "Borgerforslag",
        "Dokumenteret fravær",
    ) in {v[:5] for v in values}
    wrong = _netkg(project, "export", "national", "-o", str(tmp_path / "national.json"))
    assert wrong.returncode == 2 and "write a .csv or .xlsx file" in wrong.stderr


def test_compare_shows_every_municipality_on_the_codebook(kg, tmp_path):
    from netkg.report.compare import compare, report_html, write_report

    comparison = compare(kg)
    page = report_html(comparison)
    assert '<section id="national">' in page
    assert "National view: 100 municipalities on the codebook" in page
    assert page.count('<tr class="region">') == 5  # the five regions
    assert (
        '<td class="cell s-documented-absent" data-state="documented-absent" '
        f'data-variable="{CB}local-councils"'
    ) in page
    assert (
        "Section 17(4) committees documented in "
        f"{_states_count(kg, 'section-17-4-committees')} municipalities in netkg; the population "
        "finding “Section 17(4) committees in 77 of 98 municipalities (2021)” found 77 of 98 "
        "municipalities (2021)."
    ) in page
    written = write_report(comparison, tmp_path)
    assert tmp_path / "national.csv" in written


# --- the codebook itself ------------------------------------------------------------------------


def test_the_committed_codebook_is_current():
    assert stale(shipped_root() / "docs") == [], "run `netkg codebook` and commit docs/codebook.*"


def test_each_variable_names_a_real_class_shape_and_query(kg):
    shapes = load_shapes()
    catalogue = load_catalogue()
    owl_class = URIRef("http://www.w3.org/2002/07/owl#Class")
    for r in kg.query("codebook-variables").records():
        assert list(kg.quads(r["class"], RDF.type, owl_class)), r["class"]
        assert (r["shape"], None, None) in shapes, r["shape"]
        assert str(r["query"]) in catalogue, r["query"]


def test_every_value_the_codebook_sheets_offer_is_a_labelled_concept(kg):
    codebook_sheets = {
        "committees",
        "proposals",
        "policies",
        "local_councils",
        "assemblies",
        "budgets",
        "absences",
        "searches",
    }
    for sheet in load_mapping():
        if sheet.key not in codebook_sheets:
            continue
        for column in sheet.columns:
            for choice in column.spec.get("choices", []):
                prefix, local = choice["iri"].split(":", 1)
                iri = URIRef(PREFIXES[prefix] + local)
                labels = {
                    lit.language
                    for _, _, lit, _ in kg.quads(iri, SKOS.prefLabel)
                    if isinstance(lit, Literal)
                }
                assert labels >= {"da", "en"}, (sheet.key, choice)


def test_a_section_17_4_committee_is_not_co_creation_by_class(kg):
    subclass = URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    above = {o for _, _, o, _ in kg.quads(NKG.Section17Committee, subclass)}
    assert NKG.LocalDemocracyArrangement in above
    assert NKG.CoCreationInitiative not in above  # asserted or inferred
    # Kodebogby's committees come from the committees sheet: committees, not co-creation
    types = {o for _, _, o, _ in kg.quads(KODEBOGBY["committee-klimaudvalget"], RDF.type)}
    assert NKG.Section17Committee in types and NKG.CoCreationInitiative not in types


def test_a_label_is_the_preferred_one_among_the_words_sources_use(kg):
    # skos:altLabel is an rdfs:label too; the name of a class or concept is its skos:prefLabel
    danish = dict(rows(kg, "labels", lang="da"))
    assert danish["nkg:CitizenAssembly"] == "Borgersamling"
    assert danish["nkg:Section17Committee"] == "§ 17, stk. 4-udvalg"
    assert danish["schemestatus:rejected"] == "Forkastet"
    assert kg.label(NKG.CitizenAssembly, "da") == "Borgersamling"


def test_a_network_based_organisation_gets_its_network_structure(tmp_path):
    folder = _kodebogby(tmp_path)
    path = folder / "municipality.csv"
    with path.open(encoding="utf-8") as f:
        table = list(csv.reader(f))
    keys = [h.split(" / ")[-1] for h in table[0]]
    table[2][keys.index("Network-based organisation")] = "ja"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(table)
    target, report, problems = _import(folder, tmp_path / "out.ttl")
    assert report.conforms  # nkgsh:NetworkBasedOrganisation-structure
    # a made-up municipality, and the new facts, which no evidence row supports yet: warnings
    assert [(p.sheet, p.severity, p.value) for p in problems] == [
        ("municipality", "warning", "9902"),
        ("municipality", "warning", "nkg:NetworkStructure"),
        ("municipality", "warning", "nkg:NetworkBasedOrganisation"),
        ("municipality", "warning", "kodebogby:network-structure"),
    ]
    assert all("supports this fact" in p.what or "does not say" in p.what for p in problems[1:])
    g = Graph().parse(target)
    structure = KODEBOGBY["network-structure"]
    assert (MUN["kodebogby"], RDF.type, NKG.NetworkBasedOrganisation) in g
    assert (MUN["kodebogby"], NKG.hasNetworkStructure, structure) in g
    assert (
        structure,
        RDFS.label,
        Literal("Network structure of Kodebogby Municipality", lang="en"),
    ) in g
    assert (
        structure,
        URIRef("http://purl.org/dc/terms/source"),
        URIRef(PREFIXES["doc"] + "kodebogby-fakta"),
    ) in g


def test_coverage_per_variable(kg):
    # the shipped 98 (each searched per variable by the codebook's research; e.g. 14 files of
    # data/municipalities/ hold a nkg:CitizenAssembly, 20 a nkg:ParticipatoryBudget) and the
    # fixture's two
    assert rows(kg, "codebook-coverage") == [
        ("codebook:citizen-assemblies", "Citizens' assemblies", "14", "0", "85", "1", "100"),
        ("codebook:citizen-proposals", "Citizen proposals", "53", "9", "38", "0", "100"),
        ("codebook:cocreation-model", "Co-creation model", "11", "0", "88", "1", "100"),
        ("codebook:involvement-policy", "Involvement policy", "28", "1", "71", "0", "100"),
        ("codebook:local-councils", "Local councils", "55", "1", "44", "0", "100"),
        ("codebook:network-organisation", "Network-based organisation", "1", "0", "98", "1", "100"),
        ("codebook:participatory-budgets", "Participatory budgets", "20", "0", "80", "0", "100"),
        (
            "codebook:section-17-4-committees",
            "Section 17(4) committees",
            "46",
            "0",
            "54",
            "0",
            "100",
        ),
    ]


def test_every_term_the_entry_sheets_write_is_defined():
    from netkg.entry.workbook import curie
    from netkg.pipeline.inputs.layout import ontology_sources
    from netkg.pipeline.inputs.load import parse_file

    defined = Graph()
    for source in ontology_sources():
        parse_file(source.path, into=defined)
    used: set[str] = set()
    for sheet in load_mapping():
        for node in sheet.nodes:
            used |= set(node.get("types", []))
            if "link" in node:
                used.add(node["link"]["property"])
        for column in sheet.columns:
            spec = column.spec
            used |= {spec[k] for k in ("property", "year_property") if k in spec}
            used |= {c["iri"] for c in spec.get("choices", []) if "iri" in c}
            used |= {a for c in spec.get("choices", []) for a in c.get("also", [])}
    # netkg's own terms and the codebook's vocabularies; nkg:inference (the evidence's inference
    # column) is defined with the evidence check
    own = ("nkg", "codebook", "schemestatus", "policykind", "councilkind", "absencekind",
           "searchsource", "searchresult")  # fmt: skip
    missing = sorted(
        t
        for t in used
        if t.split(":")[0] in own and t != "nkg:inference" and (curie(t), None, None) not in defined
    )
    assert missing == []
