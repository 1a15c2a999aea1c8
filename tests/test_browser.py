"""`netkg serve` in a real browser: headless Chromium (Debian's) driven by Playwright.

The test starts the server itself on a free 127.0.0.1 port, runs a catalogue question in the
SPARQL editor and reads its rows off the page, and opens a resource page. Every request the
browser makes must go to the server (nothing from a CDN or anywhere else), and no script
error may occur. Screenshots go to test-artifacts/ for a person to look at.
Never `playwright install`: Chromium comes from Debian (scripts/install-system-deps.sh).
"""

from __future__ import annotations

from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")

from support.browser import ARTIFACTS, CHROMIUM_LANE  # noqa: E402 - after the skip
from support.web import Running  # noqa: E402

QUESTION = "Assumptions behind a municipality's network strategy"

pytestmark = CHROMIUM_LANE


@pytest.fixture
def server(netkg_server) -> Running:
    return netkg_server


def test_a_catalogue_question_runs_in_the_editor(page, server):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server.url + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.get_by_role("button", name=QUESTION).click()
    expect = playwright.expect
    active = page.locator(".tabPanel.active")
    expect(page.locator(".tabName.active, .tab.active")).to_contain_text(QUESTION)
    expect(active.locator(".CodeMirror")).to_contain_text("nkg:hasAssumption")
    active.locator(".yasqe_queryButton").click()
    rows = active.locator(".yasr table.dataTable tbody tr")
    expect(rows).to_have_count(3)
    expect(active.locator(".yasr")).to_contain_text("3 results")
    expect(rows.nth(0)).to_contain_text("Many and different perspectives")
    expect(rows.nth(0)).to_contain_text("Mange og forskellige perspektiver")
    page.screenshot(path=str(ARTIFACTS / "sparql-editor.png"))
    assert page.requests and all(url.startswith(server.url + "/") for url in page.requests)
    assert page.errors == []


def test_a_resource_page_shows_its_labels_in_danish_and_english(page, server):
    ARTIFACTS.mkdir(exist_ok=True)
    expect = playwright.expect
    page.goto(server.url + "/id/albertslund/network-haervaerk")
    expect(page.locator('dl.labels dd[lang="da"]')).to_have_text("Hærværk")
    expect(page.locator('dl.labels dd[lang="en"]')).to_have_text("Hærværk (Vandalism)")
    expect(page.locator("h1")).to_have_text("Hærværk (Vandalism)")
    expect(page.get_by_role("link", name="Turtle")).to_have_attribute(
        "href", "/id/albertslund/network-haervaerk.ttl"
    )
    page.screenshot(path=str(ARTIFACTS / "resource-network-haervaerk.png"), full_page=True)
    # links lead to the other resources' pages on this server
    page.get_by_role("link", name="Jan Lauge Olsen").first.click()
    expect(page).to_have_url(server.url + "/id/person/jan-lauge-olsen")
    expect(page.locator("h1")).to_have_text("Jan Lauge Olsen")
    assert all(url.startswith(server.url + "/") for url in page.requests)
    assert page.errors == []


COUNTS = "Side-by-side counts per municipality"


def test_the_editor_knows_netkgs_prefixes(page, server):
    page.goto(server.url + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")

    def valid(query: str) -> bool:
        return page.evaluate(
            """(query) => {
                 const yasqe = netkgSparql.yasgui.getTab().getYasqe();
                 yasqe.setValue(query);
                 yasqe.checkSyntax();
                 return yasqe.queryValid;
               }""",
            query,
        )

    # no PREFIX lines: the endpoint knows nkg:, org:, mun: and so does the editor
    assert valid("SELECT ?n WHERE { ?n a nkg:Network ; org:hasMember ?u . ?m a mun:x }")
    assert page.locator(".tabPanel.active .parseErrorIcon").count() == 0
    assert not valid("SELECT ?n WHERE { ?n a nosuchprefix:Network }")  # still checked
    assert page.errors == []


def test_results_read_as_values_and_draw_as_a_chart(page, server):
    ARTIFACTS.mkdir(exist_ok=True)
    expect = playwright.expect
    page.goto(server.url + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.get_by_role("button", name=COUNTS).click()
    active = page.locator(".tabPanel.active")
    expect(page.locator(".tabName.active, .tab.active")).to_contain_text(COUNTS)
    active.locator(".yasqe_queryButton").click()
    table = active.locator(".yasr table.dataTable")
    expect(table.locator("tbody tr").first).to_contain_text("mun:aabenraa")
    # typed values read as values: 2, not "2"^^xsd:integer
    expect(table.locator("tbody tr").first).to_contain_text("documents")
    expect(table).not_to_contain_text("^^")
    expect(table).not_to_contain_text("xsd:integer")
    # the chart view: bars per municipality, one stacked series per measure
    active.locator(".yasr .select_chart").click()
    chart = active.locator(".netkg-chart")
    expect(chart.locator("canvas")).to_be_visible()
    chart.locator("select[name=series]").select_option("measure")
    data = page.evaluate(
        """() => {
             const canvas = document.querySelector('.tabPanel.active .netkg-chart canvas');
             const chart = Chart.getChart(canvas);
             return {type: chart.config.type, labels: chart.data.labels,
                     series: Object.fromEntries(chart.data.datasets.map(d => [d.label, d.data]))};
           }"""
    )
    assert data["type"] == "bar"
    assert data["labels"][:5] == [
        "mun:aabenraa",
        "mun:aalborg",
        "mun:aarhus",
        "mun:aeroe",
        "mun:albertslund",
    ]
    assert data["series"]["documents"][:5] == [2, 6, 12, 3, 24]
    assert data["series"]["units"][4] == 10  # Albertslund: 4 departments, 2 areas, 2 + 2
    assert data["series"]["units"][0] is None  # Aabenraa: no units recorded
    page.screenshot(path=str(ARTIFACTS / "sparql-chart.png"))
    assert page.requests and all(url.startswith(server.url + "/") for url in page.requests)
    assert page.errors == []


@pytest.fixture(scope="module")
def static_site(shipped_site) -> Path:
    return shipped_site


def _search(page, words: str) -> list[str]:
    page.fill("#netkg-search", words)
    return page.locator("#netkg-search-results li > a").all_inner_texts()


def test_the_search_box_works_on_the_static_site_from_a_folder(page, static_site):
    """No server at all: the page opened from disk finds resources in its own index."""
    ARTIFACTS.mkdir(exist_ok=True)
    expect = playwright.expect
    page.goto((static_site / "index.html").as_uri())
    expect(page.locator("#netkg-search")).to_be_visible()
    assert _search(page, "vandalism") == ["Hærværk (Vandalism)"]
    assert _search(page, "haervaerk") == ["Hærværk (Vandalism)"]  # æ typed as ae
    assert _search(page, "HÆRVÆRK") == ["Hærværk (Vandalism)"]
    expect(page.locator("#netkg-search-count")).to_have_text("1 resource")
    found = _search(page, "municipalities")  # the kind of all 98, and ten titles
    assert found[:4] == [
        "11 examples of local democracy in Danish municipalities (Ministry of Social Affairs "
        "and the Interior and KL; copy on yumpu.com)",
        "Aabenraa Municipality",
        "Aalborg Municipality",
        "Aarhus Municipality",
    ]
    assert len(found) == 100
    expect(page.locator("#netkg-search-count")).to_have_text("108 resources (first 100 shown)")
    assert _search(page, "aabenraa")[:5] == [  # the municipality first, then its things
        "Aabenraa Municipality",
        "About the joint development council (aabenraa.dk)",
        "Local councils and citizens' associations in Aabenraa Municipality",
        "municipality/0580-aabenraa",
        "The joint development council for local communities",
    ]
    expect(page.locator("#netkg-search-count")).to_have_text("6 resources")
    assert _search(page, "hybrid") == [
        "Hybride organiseringer i danske kommuner (copy on vdocuments.mx)",  # the quoted copy
        "Thorup (2017): Hybride organiseringer i danske kommuner (hybrid organising in Danish "
        "municipalities)",
    ]
    assert _search(page, "no such thing anywhere") == []
    expect(page.locator("#netkg-search-count")).to_have_text("0 resources")
    _search(page, "jan lauge")
    page.screenshot(path=str(ARTIFACTS / "home-search.png"))
    page.locator("#netkg-search-results").get_by_role(
        "link", name="Jan Lauge Olsen", exact=True
    ).click()
    expect(page.locator("h1")).to_have_text("Jan Lauge Olsen")
    assert page.requests and all(url.startswith("file://") for url in page.requests)
    assert page.errors == []


def test_the_search_box_works_on_the_server(page, server):
    page.goto(server.url + "/")
    # words in any order, in Danish or English: the concept's label is Danish + English
    assert _search(page, "network velfærd") == ["Welfare network"]
    assert _search(page, "ppr") == ["Charlotte Djuraas Lund as head of PPR", "Head of PPR", "PPR"]
    page.locator("#netkg-search-results a").first.click()
    assert page.url.startswith(server.url + "/")
    assert all(url.startswith(server.url + "/") for url in page.requests)
    assert page.errors == []


# --- the national view (issue 18) ---------------------------------------------------------------


@pytest.fixture(scope="module")
def compare_report(built, tmp_path_factory) -> Path:
    from netkg.query.graph import KnowledgeGraph
    from netkg.report.compare import compare, write_report

    out = tmp_path_factory.mktemp("compare")
    write_report(compare(KnowledgeGraph(built.store)), out)
    return out / "compare.html"


def _visible_rows(page) -> list[str]:
    return page.locator(
        "#national-table tbody tr[data-name]:visible td:first-child"
    ).all_inner_texts()


def test_compare_shows_every_municipality_coloured_by_state_with_a_filter(page, compare_report):
    ARTIFACTS.mkdir(exist_ok=True)
    expect = playwright.expect
    page.goto(compare_report.as_uri())
    page.evaluate("document.getElementById('national').scrollIntoView()")
    expect(page.locator("#national-shown")).to_have_text("98 municipalities shown")
    expect(page.locator("#national-table tr.region")).to_have_count(5)
    # Albertslund: its § 17, stk. 4 committee and its network-based organisation, in colour
    albertslund = page.locator('#national-table tr[data-name^="albertslund"]')
    network = albertslund.locator(
        'td[data-variable="https://w3id.org/netkg/vocab/codebook/network-organisation"]'
    )
    expect(network).to_have_text("yes")
    assert network.evaluate("c => getComputedStyle(c).backgroundColor") == "rgb(165, 214, 167)"
    not_found = albertslund.locator(
        'td[data-variable="https://w3id.org/netkg/vocab/codebook/local-councils"]'
    )
    expect(not_found).to_have_text("searched")
    assert not_found.evaluate("c => getComputedStyle(c).backgroundColor") == "rgb(255, 245, 157)"
    page.screenshot(path=str(ARTIFACTS / "compare-national.png"))
    # the filter: by name or code, and by a variable's state
    page.fill("#national-filter", "0165")
    assert _visible_rows(page) == ["Albertslund Municipality"]
    expect(page.locator("#national-shown")).to_have_text("1 municipality shown")
    page.fill("#national-filter", "")
    page.select_option(
        "#national-variable", "https://w3id.org/netkg/vocab/codebook/network-organisation"
    )
    page.select_option("#national-state", "documented")
    assert _visible_rows(page) == ["Albertslund Municipality"]
    expect(page.locator("#national-table tr.region:visible")).to_have_count(1)  # its region only
    page.select_option("#national-variable", "")
    page.select_option("#national-state", "documented-absent")  # any variable
    expect(page.locator("#national-shown")).to_have_text("9 municipalities shown")
    assert page.requests and all(url.startswith("file://") for url in page.requests)
    assert page.errors == []


def test_the_site_has_a_page_per_variable_with_every_municipality(page, static_site):
    ARTIFACTS.mkdir(exist_ok=True)
    expect = playwright.expect
    page.goto((static_site / "vocab" / "codebook" / "section-17-4-committees.html").as_uri())
    expect(page.locator("h1")).to_have_text("Section 17(4) committees")
    national = page.locator("section#national")
    expect(national.locator("h2")).to_have_text("National view: 98 municipalities")
    expect(national.locator("tbody tr:not(.region)")).to_have_count(98)
    row = national.locator("tbody tr", has_text="Skanderborg Municipality")
    expect(row.locator("td.state")).to_have_text("Documented")
    expect(row).to_contain_text("Seks § 17, stk. 4-udvalg")
    expect(row).to_contain_text("2014–2017")
    assert row.evaluate("r => getComputedStyle(r.querySelector('td.state')).backgroundColor") == (
        "rgb(165, 214, 167)"
    )
    page.evaluate("document.getElementById('national').scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / "site-variable-section-17-4.png"))
    row.get_by_role("link", name="Skanderborg Municipality").click()
    expect(page.locator("h1")).to_have_text("Skanderborg Municipality")
    assert page.requests and all(url.startswith("file://") for url in page.requests)
    assert page.errors == []
