"""Support, not presence: a quote must say the value (as it stands or through a reviewed
rendering), an IRI value by one of its names, or the evidence must say how it follows.

The fixtures in tests/evidence/support/ each pass the old presence check (every fact has an
evidence node naming its subject and property) and fail this one: a quote without the value, a
wrong number, an unsupported classification, segments out of page order.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from netkg.iris import ID, NKG
from netkg.pipeline.derived.evidence import QuoteNotFound, UnsupportedFact, check
from netkg.pipeline.derived.support import (
    BRIEF,
    BRIEF_ONLY,
    DERIVED,
    QUOTED,
    RENDERINGS,
    UNSUPPORTED,
    Evidence,
    Reader,
    Renderings,
    collapse,
    decide,
    first_missing_segment,
    normalise,
)
from netkg.pipeline.inputs.layout import root

HERE = Path(__file__).parent / "evidence" / "support"
TABLE = tomllib.loads(RENDERINGS.read_text(encoding="utf-8"))
READER = Reader(Renderings.load(), {}, {})


def says(quote: str, value: Literal | URIRef, lang: str | None = "da") -> bool:
    return READER.says(Literal(quote, lang=lang), value)


def year(text: str) -> Literal:
    return Literal(text, datatype=XSD.gYear)


# --- the examples ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "value"),
    [
        ("27.743 personer (2018)", Literal(27743)),
        ("Areal 23,2 km²", Literal("23.2", datatype=XSD.decimal)),
        ("seks borgere, seks politikere", Literal(6)),
        ("i en periode på tre måneder", Literal("P3M", datatype=XSD.duration)),
        ("fra 1. august 2018", Literal("2018-08-01", datatype=XSD.date)),
        ("vedtaget i maj 2024", Literal("2024-05", datatype=XSD.gYearMonth)),
        ("en varig besparelse på 3 mio. kr.", Literal(3000000)),
        ("Lokaldemokratiet vinder frem, 28-10-2021", Literal("2021-10-28", datatype=XSD.date)),
        ("I foråret 2015 blev der igangsat 15 velfærdsnetværk", Literal("spring 2015", lang="en")),
        ("kommunekode 165", Literal("0165")),
        ("Nedsat af Byrådet den 29. januar 2018.", year("2018")),
        ("Styrelseslovens §17 stk. 4", Literal("§ 17 stk. 4", lang="da")),
    ],
)
def test_a_quote_says_the_value_in_its_own_words(quote, value):
    assert says(quote, value)


@pytest.mark.parametrize(
    ("quote", "value"),
    [
        ("Dannet i 1970", Literal(9)),  # numbers are whole numbers: 9 is not in 1970
        ("Dannet i 1970", year("197")),
        ("seks borgere, seks politikere", Literal(7)),  # a wrong number
        ("tirsdag den 12. februar", Literal("2013-02-12", datatype=XSD.date)),  # no year said
        ("I foråret 2015", Literal("autumn 2015", lang="en")),
        ("Politikken er lavet med borgerne", Literal(True)),  # a yes/no needs an inference
        ("i år", year("2018")),
    ],
)
def test_a_quote_that_does_not_say_the_value(quote, value):
    assert not says(quote, value)


def test_words_are_read_in_the_quotes_language_only():
    assert says("fire byrådsmedlemmer", Literal(4), "da")
    assert not says("a fire alarm", Literal(4), "en")
    assert says("four council members", Literal(4), "en")


def test_normalisation_covers_case_space_unicode_dashes_and_the_paragraph_sign():
    assert normalise("  ÆRØ   Kommune\u2013Nord\n§ 17 ") == "ærø kommune-nord §17"
    assert normalise("ﬁ") == "fi"  # NFKC


# --- every entry of the reviewed table, read back ---------------------------------------------


def _entries(section: str) -> list[tuple[str, str, object]]:
    table = TABLE[section]
    return [(lang, word, value) for lang, words in table.items() for word, value in words.items()]


@pytest.mark.parametrize(("lang", "word", "value"), _entries("numbers"))
def test_each_number_word(lang, word, value):
    assert says(f"I alt {word} medlemmer", Literal(value), lang)
    assert not says(f"I alt {word} medlemmer", Literal(value + 1), lang)


@pytest.mark.parametrize(("lang", "word", "month"), _entries("months"))
def test_each_month_name_in_a_date_and_a_month(lang, word, month):
    assert says(f"den 3. {word} 2019", Literal(f"2019-{month:02d}-03", datatype=XSD.date), lang)
    assert says(f"i {word} 2019", Literal(f"2019-{month:02d}", datatype=XSD.gYearMonth), lang)


@pytest.mark.parametrize(("lang", "word", "unit"), _entries("durations"))
def test_each_length_of_time(lang, word, unit):
    assert says(f"i 4 {word}", Literal(f"P4{unit}", datatype=XSD.duration), lang)


@pytest.mark.parametrize(("lang", "word", "factor"), _entries("amounts"))
def test_each_amount_word(lang, word, factor):
    assert says(f"en udgift på 2 {word} kr.", Literal(2 * factor), lang)


@pytest.mark.parametrize(
    ("english", "danish"), [(en, da) for en, words in TABLE["glosses"].items() for da in words]
)
def test_each_english_gloss(english, danish):
    assert says(f"i {danish} 2019 blev der igangsat", Literal(f"{english} 2019", lang="en"))
    assert says(f"in {english} 2019", Literal(f"{danish} 2019", lang="da"), "en")


def test_the_table_is_read_as_decimals():
    matchers = Renderings.load().values(normalise("seks"), "da")
    assert matchers.numbers == {Decimal(6)}


# --- names of IRI and blank node values -------------------------------------------------------


def test_an_iri_value_is_said_by_one_of_its_names():
    region = URIRef("https://w3id.org/netkg/id/place/test-region")
    names = {region: [Literal("Region Test", lang="da"), Literal("Prøveregionen", lang="da")]}
    reader = Reader(Renderings.load(), names, {})
    assert reader.says(Literal("kommunen ligger i prøveregionen", lang="da"), region)
    assert not reader.says(Literal("kommunen ligger i en region", lang="da"), region)


def test_a_blank_node_is_said_by_all_its_own_values():
    period, start = BNode(), BNode()
    parts = {period: [start], start: [Literal("2021", datatype=XSD.gYear)]}
    reader = Reader(Renderings.load(), {}, parts)
    assert reader.says(Literal("ansat i 2021", lang="da"), period)
    assert not reader.says(Literal("ansat i 2020", lang="da"), period)


# --- segments ---------------------------------------------------------------------------------


def test_segments_must_be_verbatim_and_in_page_order():
    page = collapse("Første sætning. Noget imellem. Anden sætning.")
    assert first_missing_segment("Første sætning. […] Anden sætning.", [page]) is None
    assert first_missing_segment("Første sætning. [...] Anden sætning.", [page]) is None
    assert first_missing_segment("Anden sætning. […] Første sætning.", [page]) == "Første sætning."
    assert first_missing_segment("Første sætning. Anden sætning.", [page]) is not None


# --- the decision -----------------------------------------------------------------------------

S = ID["test/committee"]
P = NKG.startYear


def _evidence(node: str, quote: str, source: URIRef, inference: tuple[str, ...] = ()) -> Evidence:
    return Evidence(
        URIRef(ID[f"test/{node}"]),
        frozenset({S}),
        frozenset({P}),
        frozenset(),
        (Literal(quote, lang="da"),),
        source,
        inference,
    )


PAGE = URIRef(ID["test/page"])
TEXTS = {PAGE: [collapse("nedsat i 2016. Udvalget mødes fire gange.")], BRIEF: [collapse("2016")]}


@pytest.mark.parametrize(
    ("evidence", "kind"),
    [
        ([_evidence("a", "nedsat i 2016.", PAGE)], QUOTED),
        ([_evidence("a", "Udvalget mødes fire gange.", PAGE, ("dated 2016",))], DERIVED),
        ([_evidence("a", "2016", BRIEF)], BRIEF_ONLY),
        ([_evidence("a", "Udvalget mødes fire gange.", PAGE)], UNSUPPORTED),
        ([], UNSUPPORTED),
        ([_evidence("a", "2016", BRIEF), _evidence("b", "nedsat i 2016.", PAGE)], QUOTED),
    ],
)
def test_one_kind_per_fact(evidence, kind):
    decision = decide([(S, P, year("2016"))], evidence, {}, {}, TEXTS, Renderings.load())
    assert [v.kind for v in decision.verdicts] == [kind]
    assert decision.misquotes == []


def test_the_decision_does_not_depend_on_the_input_order():
    facts = [(S, P, year("2016")), (S, NKG.endYear, year("2017")), (S, RDF.type, NKG.Network)]
    evidence = [_evidence("a", "nedsat i 2016.", PAGE), _evidence("b", "2016", BRIEF)]
    one = decide(facts, evidence, {}, {}, TEXTS, Renderings.load())
    two = decide(list(reversed(facts)), list(reversed(evidence)), {}, {}, TEXTS, Renderings.load())
    assert one == two


# --- the fixtures: each fails the check, the control passes -----------------------------------

ONTOLOGY = Graph().parse(root() / "ontology" / "netkg.ttl")


def _check(name: str):
    path = HERE / f"{name}.ttl"
    graph = Graph(identifier=URIRef(f"urn:x-test:{name}")).parse(path)
    return check([graph], [ONTOLOGY], root(), {URIRef(graph.identifier): [path]})


def test_the_control_fixture_is_supported():
    support = _check("supported")
    assert (support.facts, support.quoted, support.derived, support.unsupported) == (3, 2, 1, 0)
    assert support.derived_facts == [
        {
            "fact": "test:committee nkg:madeWithCitizens true",
            "inference": (
                "Citizens and politicians make the policy together: it is made with citizens."
            ),
        }
    ]


@pytest.mark.parametrize(
    ("name", "error", "expected"),
    [
        (
            "quote-without-value",
            UnsupportedFact,
            "quote-without-value.ttl:18: test:committee nkg:startYear 2016 is not supported: its "
            'quote "Udvalget mødes fire gange om året." (test:evidence-start) does not say 2016',
        ),
        (
            "wrong-number",
            UnsupportedFact,
            "wrong-number.ttl:17: test:committee nkg:politicianMembers 7 is not supported",
        ),
        (
            "unsupported-class",
            UnsupportedFact,
            "unsupported-class.ttl:19: test:committee rdf:type nkg:CoCreationInitiative is not "
            "supported",
        ),
        (
            "segment-out-of-order",
            QuoteNotFound,
            "segment-out-of-order.ttl:18: quote of test:evidence-start not found verbatim in "
            "tests/evidence/support/excerpt.txt",
        ),
    ],
)
def test_each_failure_kind_stops_the_check_naming_fact_quote_file_and_line(name, error, expected):
    with pytest.raises(error) as caught:
        _check(name)
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    "name", ["quote-without-value", "wrong-number", "unsupported-class", "segment-out-of-order"]
)
def test_each_failure_fixture_would_pass_a_presence_check(name):
    """Every fact in the fixture has an evidence node naming its subject and property (what the
    check before issue 17 counted): only the support rules catch them."""
    from netkg.pipeline.derived.evidence import evidence_nodes, is_fact

    graph = Graph().parse(HERE / f"{name}.ttl")
    nodes = evidence_nodes(graph)
    facts = [(s, p, o) for s, p, o in graph if is_fact(graph, s, p, o)]
    assert facts
    assert all(any(s in e.about and p in e.properties for e in nodes) for s, p, _ in facts)
