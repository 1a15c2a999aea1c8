"""No coding drops out of a translation unseen, and a translation counts by its confidence
(issue 22, item 4): Skanderborg's Torfing coding has no mapping into Nabatchi et al.'s
typology, and says so; a translation of confidence 0.3 reads 0.3, not 1."""

from __future__ import annotations

import pytest

from netkg.query.graph import KnowledgeGraph
from netkg.rdf.results import short
from netkg.report.compare import compare, report_html

NABATCHI = "Nabatchi, Sancino & Sicilia's typology (2017)"
UNTRANSLATED = "no translation: no chain of at most two mappings leads into the typology"


def _rows(kg: KnowledgeGraph, **params: str) -> list[tuple[str, ...]]:
    table = kg.query("typology-translation", **params)
    columns = ["item", "coded", "target", "hops", "confidence", "translation", "path"]
    return [tuple(short(r[c]) for c in columns) for r in table.records()]


def test_an_untranslatable_coding_is_listed_as_such(kg_reference, kg):
    rows = _rows(kg)
    assert rows[-1] == (
        "skanderborg:model-kommune-3-0", "tsr:arena-of-co-creation", "", "", "",
        "untranslated", UNTRANSLATED,
    )  # fmt: skip
    assert [r[5] for r in rows] == ["translated"] * 5 + ["untranslated"]
    assert _rows(kg_reference) == rows  # the reference engine gives the same answer
    # in its own typology it is direct, and Arnstein-coded items are untranslated into Torfing's
    torfing = _rows(kg, typology="torfing-2019")
    assert [(r[0], r[5]) for r in torfing] == [
        ("aarhus:initiative-medborgerskabsudvalg", "untranslated"),
        ("alb:initiative-udvalg-borgerinddragelse", "untranslated"),
        ("gentofte:model-opgaveudvalg", "untranslated"),
        ("roskilde:initiative-musikbyudvalget", "untranslated"),
        ("skanderborg:model-kommune-3-0", "direct"),
    ]


@pytest.fixture(scope="module")
def comparison(kg):
    return compare(kg, typology="nabatchi-2017")


def test_compare_weighs_translations_and_shows_the_untranslated(comparison):
    matrix = comparison.matrix
    assert matrix.loc["Aarhus Municipality", f"{NABATCHI}: Co-design (translated)"] == 0.3
    assert matrix.loc["Roskilde Municipality", f"{NABATCHI}: Co-commissioning (translated)"] == 0.5
    assert matrix.loc["Skanderborg Municipality", "Arena of co-creation (untranslated)"] == 1
    assert matrix["Arena of co-creation (untranslated)"].sum() == 1
    untranslated = comparison.translations[comparison.translations.translation == "untranslated"]
    assert untranslated[["municipality", "codedLabel", "path"]].values.tolist() == [
        ["Skanderborg Municipality", "Arena of co-creation", UNTRANSLATED]
    ]


def test_the_report_explains_both(comparison):
    page = report_html(comparison)
    assert "Arena of co-creation (untranslated)" in page
    assert "Each item counts by that confidence" in page
    assert "<td>0.3</td>" in page
