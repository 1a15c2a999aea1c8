"""The web pages as a researcher uses them on the second day (issue 22), in headless Chromium:
the query page without SPARQL (a box per parameter, a URL that reproduces the question, names
netkg prints read back, readable results), the static site's query page offline and beside a
local `netkg serve`, local completion of netkg's classes and properties, search hits with their
municipality, and each fact's quote on its resource page. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")

from support.browser import ARTIFACTS, CHROMIUM_LANE  # noqa: E402 - after the skip
from support.web import Running  # noqa: E402

pytestmark = CHROMIUM_LANE
expect = playwright.expect
SINCE = "Since when each municipality uses a legal instrument"


@pytest.fixture
def server(netkg_server) -> Running:
    return netkg_server


def rows(page) -> list[str]:
    table = page.locator(".tabPanel.active .yasr table.dataTable tbody tr")
    expect(table.first).to_be_visible()
    return table.all_inner_texts()


# --- item 7: a catalogue question without SPARQL -------------------------------------------------


def test_a_question_has_a_box_per_parameter_with_known_values(page, server):
    page.goto(server.url + "/sparql")
    page.get_by_role("button", name=SINCE).click()
    form = page.locator("#netkg-params")
    expect(form).to_be_visible()
    expect(form.locator("h2")).to_have_text(SINCE)
    boxes = form.locator("input")
    assert [boxes.nth(i).get_attribute("name") for i in range(boxes.count())] == [
        "instrument",
        "lang",
    ]
    expect(form.locator("input[name=lang]")).to_have_value("en")
    offered = page.locator("#netkg-values-lang option").evaluate_all("os => os.map(o => o.value)")
    assert offered == ["en", "da"]
    # the language box rewrites the query's VALUES line, and the answer follows it
    form.locator("input[name=lang]").fill("da")
    editor = page.locator(".tabPanel.active .CodeMirror")
    instrument = "<https://w3id.org/netkg/ontology#styrelseslovenParagraph17Stk4>"
    expect(editor).to_contain_text(f'VALUES (?instrument ?lang) {{ ({instrument} "da") }}')
    form.get_by_role("button", name="Run ▶").click()
    assert "Skanderborg Kommune" in " ".join(rows(page))
    # the address reproduces the question with its parameters
    expect(page).to_have_url(server.url + "/sparql?question=legal-basis-since&lang=da")
    page.screenshot(path=str(ARTIFACTS / "query-page-boxes.png"))
    assert all(url.startswith(server.url + "/") for url in page.requests)
    assert page.errors == []


def test_the_url_reproduces_the_question_and_reads_printed_names_back(page, server):
    query = urllib.parse.urlencode(
        {"question": "fact-evidence", "resource": "gentofte:model-opgaveudvalg"}
    )
    page.goto(f"{server.url}/sparql?{query}")
    expect(page.locator(".tab.active")).to_contain_text("Each fact with its quote")
    expect(page).to_have_title("Each fact with its quote – netkg")
    found = rows(page)  # run on opening: the address is the question
    assert len(found) == 4
    assert all("gentofte:model-opgaveudvalg" in row for row in found)  # shortened as netkg does
    assert "I 2015 lagde Kommunalbestyrelsen" in " ".join(found)
    # an unknown prefix is said to be one
    box = page.locator("#netkg-params input[name=resource]")
    box.fill("foo:bar")
    expect(page.locator("#netkg-params-error")).to_contain_text(
        "unknown prefix 'foo' in 'foo:bar': netkg's prefixes are absencekind"
    )
    box.fill("alb:network-haervaerk")
    expect(page.locator("#netkg-params-error")).to_have_text("")
    page.screenshot(path=str(ARTIFACTS / "query-page-printed-names.png"))
    assert page.errors == []


def test_a_query_address_opens_the_editor_in_a_tab_of_its_own(page, server):
    text = "SELECT ?m WHERE { ?m a nkg:Municipality } ORDER BY ?m LIMIT 3"
    page.goto(server.url + "/sparql?" + urllib.parse.urlencode({"query": text}))
    expect(page.locator(".CodeMirror").first).to_be_visible()  # a page, not raw XML
    expect(page.locator(".tab.active")).to_contain_text("Query")
    expect(page.locator(".tab.active")).not_to_contain_text("Co-creation models")
    assert [r.split()[-1] for r in rows(page)] == ["mun:aabenraa", "mun:aalborg", "mun:aarhus"]
    expect(page.locator("#netkg-params")).to_be_hidden()
    # YASGUI's own share link (#query=) is named for what it holds too
    page.goto(server.url + "/sparql#" + urllib.parse.urlencode({"query": text}))
    expect(page.locator(".tab.active")).to_contain_text("Query")
    assert page.errors == []


def test_results_keep_headers_and_cells_apart(page, server):
    page.goto(server.url + "/sparql?question=legal-basis-since")
    rows(page)
    table = page.locator(".tabPanel.active .yasr table.dataTable")
    page.evaluate("document.querySelector('.tabPanel.active .yasr').scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / "query-page-results.png"))
    # every header's text lies within its cell, clear of the sort arrows
    clear = table.locator("thead th").evaluate_all(
        """ths => ths.filter(th => th.innerText.trim()).map(th => {
             const title = th.querySelector('.dt-column-title') || th;
             const range = document.createRange(); range.selectNodeContents(title);
             const t = range.getBoundingClientRect(), c = th.getBoundingClientRect();
             const arrow = th.querySelector('.dt-column-order');
             const a = arrow ? arrow.getBoundingClientRect() : null;
             const apart = !a || a.width === 0 || t.right <= a.left + 0.5
                           || a.right <= t.left + 0.5;
             const inside = t.left >= c.left - 0.5 && t.right <= c.right + 0.5;
             return [th.innerText.trim(), inside && apart];
           })"""
    )
    assert [name for name, ok in clear if not ok] == [], clear
    assert [name for name, _ in clear][3:6] == ["since", "firstItems", "items"]
    # a year and the text of the next column are apart
    gap = (
        table.locator("tbody tr")
        .nth(2)
        .evaluate(
            """tr => { const cells = [...tr.children];
                   const since = cells[4], next = cells[5];
                   const r = document.createRange(); r.selectNodeContents(since);
                   const n = document.createRange(); n.selectNodeContents(next);
                   return n.getBoundingClientRect().left - r.getBoundingClientRect().right; }"""
        )
    )
    assert gap >= 8
    assert page.errors == []


# --- item 11: netkg's classes and properties completed locally -----------------------------------


def test_the_editor_completes_netkgs_classes_without_the_network(page, server):
    page.goto(server.url + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate(
        """() => { const yasqe = netkgSparql.yasgui.getTab().getYasqe();
                   yasqe.setValue('PREFIX nkg: <https://w3id.org/netkg/ontology#>\\n' +
                                  'SELECT * WHERE { ?x a nkg:NetworkS');
                   yasqe.focus(); yasqe.setCursor({line: 1, ch: 100}); }"""
    )
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints li")
    expect(hints.first).to_be_visible()
    assert "nkg:NetworkStructure" in hints.all_inner_texts()
    page.screenshot(path=str(ARTIFACTS / "query-page-completion.png"))
    assert all(url.startswith(server.url + "/") for url in page.requests)  # no lov.linkeddata.es


# --- item 8: the static site's query page ---------------------------------------------------------


@pytest.fixture(scope="module")
def offline_site(graph_file, tmp_path_factory) -> Path:
    """A site written for an endpoint nobody answers at (no network in the test)."""
    from netkg.web.site import write_site

    out = tmp_path_factory.mktemp("site") / "site"
    write_site(out, graph_file, endpoint="http://127.0.0.1:9/sparql")
    return out


def test_the_static_query_page_says_which_endpoint_failed_and_how_to_change_it(page, offline_site):
    page.goto((offline_site / "sparql.html").as_uri() + "?question=networks")
    problem = page.locator("#netkg-query-problem")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("The query could not be answered by http://127.0.0.1:9/sparql")
    expect(problem).to_contain_text("`netkg site --endpoint URL`")
    expect(page.locator("#netkg-endpoint")).to_contain_text("http://127.0.0.1:9/sparql")
    page.screenshot(path=str(ARTIFACTS / "site-query-page-offline.png"))


def test_the_static_query_page_uses_the_local_server_when_there_is_one(
    page, server, graph_file, tmp_path
):
    from netkg.web.site import write_site

    site = tmp_path / "site"
    write_site(site, graph_file, local_endpoint=server.url + "/sparql")  # no --endpoint
    page.goto((site / "sparql.html").as_uri() + "?question=networks&municipality=albertslund")
    expect(page.locator("#netkg-endpoint")).to_contain_text(
        f"{server.url}/sparql (the local netkg serve; the site was written for "
        "https://w3id.org/netkg/sparql)"
    )
    assert "Hærværk (Vandalism)" in " ".join(rows(page))
    expect(page.locator("#netkg-query-problem")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "site-query-page-local-server.png"))
    assert not [u for u in page.requests if "w3id.org" in u]  # the public address not asked
    assert page.errors == []


# --- item 12: search hits with their municipality, and a link ------------------------------------


def test_search_hits_say_their_municipality_and_the_address_keeps_the_search(page, server):
    page.goto(server.url + "/?q=opgaveudvalg")
    expect(page.locator("#netkg-search")).to_have_value("opgaveudvalg")
    hits = page.locator("#netkg-search-results li")
    expect(hits.first).to_be_visible()
    task = hits.filter(
        has=page.get_by_role("link", name="Opgaveudvalg (task committees)", exact=True)
    )
    expect(task.locator(".municipality")).to_have_text("Gentofte Municipality")
    page.fill("#netkg-search", "haervaerk")
    expect(page).to_have_url(server.url + "/?q=haervaerk")
    expect(hits.first.locator(".municipality")).to_have_text("Albertslund Municipality")
    # municipalities: all 98 described (each has its own sources), so no "listed only" part
    expect(page.locator("#municipalities ul.resources li")).to_have_count(98)
    expect(page.locator("#listed")).to_have_count(0)
    page.fill("#netkg-search", "gentofte municipality")  # its things too: the hits name it
    town = hits.filter(has=page.get_by_role("link", name="Gentofte Municipality", exact=True))
    expect(town.locator(".kind")).to_have_text("Municipalities (described)")
    page.fill("#netkg-search", "aabenraa")  # once listed only, now described
    expect(hits.first.locator(".kind")).to_have_text("Municipalities (described)")
    page.fill("#netkg-search", "opgaveudvalg")
    page.evaluate("document.getElementById('resources').scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / "home-search-municipality.png"))
    assert page.errors == []


# --- item 2: the quote beside the fact ------------------------------------------------------------


def test_a_resource_page_shows_each_facts_quote_beside_it(page, server):
    page.goto(server.url + "/id/albertslund/network-haervaerk")
    leader = page.locator("tr", has=page.locator("th", has_text="led by"))
    expect(leader.locator(".evidence q")).to_have_text(
        "Hærværk – Et netværk med fokus på at begrænse problemer med hærværk […] "
        "Netværksleder: Jan Lauge Olsen"
    )
    expect(leader.locator(".evidence .source")).to_contain_text("read 2026-11-29")
    page.screenshot(path=str(ARTIFACTS / "resource-quotes-beside-facts.png"), full_page=True)
    leader.locator(".evidence .source a").first.click()
    expect(page.locator("h1")).to_contain_text("Netværk igangsat i foråret 2015")
    assert page.errors == []


# --- item 11: the data-model page -----------------------------------------------------------------


def test_the_data_model_page_draws_and_lists_the_links(page, server):
    from netkg.web.datamodel import EDGES

    page.goto(server.url + "/sparql")
    page.get_by_role("link", name="Data model").first.click()
    expect(page).to_have_url(server.url + "/data-model")
    expect(page.locator("h1")).to_have_text("The data model")
    drawn = page.locator("figure.diagram img")
    expect(drawn).to_be_visible()
    assert drawn.evaluate("img => img.naturalWidth") > 500  # the SVG loaded
    expect(page.locator("table.data-model tbody tr")).to_have_count(len(EDGES))
    first = page.locator("table.data-model tbody tr").first
    expect(first).to_contain_text("nkg:hasNetworkStructure")
    page.screenshot(path=str(ARTIFACTS / "data-model-page.png"), full_page=True)
    first.get_by_role("link", name="has network structure").click()
    expect(page).to_have_url(server.url + "/ontology#hasNetworkStructure")
    assert all(url.startswith(server.url + "/") for url in page.requests)
    assert page.errors == []
