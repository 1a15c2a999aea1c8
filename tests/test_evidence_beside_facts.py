"""Each fact's quote, source and the day its source was read stand beside the fact (issue 22,
item 2): on the site's resource pages, in `fact-evidence` and in compare.html."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netkg.query.graph import KnowledgeGraph
from netkg.report.compare import compare, report_html

SPRING = "I foråret 2015 blev der igangsat 15 velfærdsnetværk"
GENTOFTE_2015 = "I 2015 lagde Kommunalbestyrelsen markant sin arbejdsform om"


@pytest.fixture(scope="module")
def site(shipped_site) -> Path:
    return shipped_site


def _row(page: str, prop: str) -> str:
    """The properties table's row of one property (by its prefixed name)."""
    table = page[page.index('<table class="properties">') :]
    for row in table.split("<tr>")[1:]:
        head = row.split("</th>", 1)[0]
        if f">{prop}<" in head:
            return row.split("</tr>", 1)[0]
    raise AssertionError(f"no row {prop}")


def test_a_resource_page_shows_the_quote_beside_the_value(site):
    page = (site / "id" / "albertslund" / "network-haervaerk.html").read_text(encoding="utf-8")
    kind = _row(page, "rdf:type")
    assert f'<q lang="da">{SPRING}</q>' in kind
    assert "Netværk igangsat i foråret 2015" in kind  # the source, by name, linked
    assert 'href="../document/albertslund-netvaerk-foraar-2015.html"' in kind
    assert 'read <time datetime="2026-11-29">2026-11-29</time>' in kind
    assert 'href="evidence-spring-2015-welfare.html"' in kind  # the evidence's own page
    # the same quote behind another fact refers back to it instead of repeating it
    classification = _row(page, "org:classification")
    assert SPRING not in classification
    assert '<a href="#quote-1">the quote above</a>' in classification
    leader = _row(page, "nkg:ledBy")
    assert "Netværksleder: Jan Lauge Olsen" in leader


def test_a_derived_fact_says_how_it_follows(site):
    page = (site / "id" / "gentofte" / "model-opgaveudvalg.html").read_text(encoding="utf-8")
    kind = _row(page, "rdf:type")
    assert GENTOFTE_2015 in kind
    assert '<span class="inference">How it follows: In task committees politicians' in kind


def test_fact_evidence_gives_the_address_and_the_day_read(kg: KnowledgeGraph):
    table = kg.query("fact-evidence", resource="gentofte:model-opgaveudvalg")
    assert table.columns[5:8] == ["source", "address", "accessed"]
    legal = next(r for r in table.records() if str(r["property"]).endswith("legalBasis"))
    assert str(legal["address"]) == (
        "https://gentofte.dk/da/Indflydelse-,-a-,-politik/Kommunalbestyrelsen/Opgaveudvalg"
    )
    assert str(legal["accessed"]) == "2026-11-29"


@pytest.fixture(scope="module")
def page(kg) -> str:
    return report_html(compare(kg))


def test_compare_shows_the_quote_beside_each_year_and_model(page):
    timeline = page[page.index("<h2>Timeline</h2>") : page.index("<h2>Counts side by side</h2>")]
    gentofte = re.search(
        r"<td>Gentofte Municipality</td>\s*<td>2015</td>.*?</tr>", timeline, re.S
    ).group(0)
    assert GENTOFTE_2015 in gentofte
    assert "Politisk arbejdsform (political working form; gentofte.dk), " in gentofte
    assert "read 2026-11-29" in gentofte
    models = page[page.index("<h2>Co-creation models</h2>") : page.index("<h2>Timeline</h2>")]
    assert GENTOFTE_2015 in models and "read 2026-11-29" in models
