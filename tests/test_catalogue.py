"""The query catalogue: headers, answers on the Albertslund data, engines, parameter safety.

Expected answers are written out here from the data files, not recomputed: when the data
changes, these tables change with it, on purpose.
"""

from __future__ import annotations

import re

import pytest
from rdflib import Literal

from netkg.errors import UsageError
from netkg.query.catalogue import CatalogueQuery, load_catalogue
from netkg.query.run import run
from support.answers import HOSTILE, rows

CATALOGUE = load_catalogue()
QUESTIONS = [q for q in CATALOGUE.values() if q.kind == "question"]
QUALITY = [q for q in CATALOGUE.values() if q.kind == "quality"]
ALB = "mun:albertslund"
ALBERTSLUND = "Albertslund Municipality"
SNS = "Sekretariat for Netværksstrukturen (Secretariat for the Network Structure)"
SPL = "Sekretariat for Politik og Ledelse (Secretariat for Politics and Leadership)"
SEED = "doc:albertslund-en-netvaerksbaseret-organisation"
SEED_LABEL = (
    "En netværksbaseret organisation (A network-based organisation; Albertslund Kommune staff site)"
)
BO = "Bo i Albertslund (Living in Albertslund)"


# --- headers ------------------------------------------------------------------------------------


def test_catalogue_answers_every_domain_question():
    assert len(QUESTIONS) >= 12
    assert len(QUALITY) >= 5


@pytest.mark.parametrize("query", CATALOGUE.values(), ids=list(CATALOGUE))
def test_header_is_complete(query: CatalogueQuery, kg):
    assert query.title and query.question and query.columns, query.path
    for param in query.params:
        assert param.description, f"{query.name}: parameter {param.name} has no description"
    answer = run(
        kg.backend,
        query,
        {p.name: "x" for p in query.params if p.required and p.type == "string"}
        | {p.name: "mun:albertslund" for p in query.params if p.required and p.type == "iri"},
    )
    assert tuple(answer.table.columns) == query.columns, "Columns: header differs from SELECT"


# --- answers on the shipped data ----------------------------------------------------------------


def test_pillar_hierarchy(kg):
    area1 = "By, miljø & beskæftigelse (City, Environment & Employment)"
    area2 = "Børn, kultur og velfærd (Children, Culture and Welfare)"
    got = rows(kg, "pillar-hierarchy")
    assert {r[-1] for r in got} == {""}  # status: empty when no day is given
    assert [r[:-1] for r in got] == [
        (
            ALB,
            "1",
            "alb:unit-by-miljoe-beskaeftigelse",
            area1,
            "Director area",
            ALB,
            ALBERTSLUND,
            "alb:unit-by-miljoe-beskaeftigelse",
            area1,
        ),
        (
            ALB,
            "1",
            "alb:unit-boern-kultur-velfaerd",
            area2,
            "Director area",
            ALB,
            ALBERTSLUND,
            "alb:unit-boern-kultur-velfaerd",
            area2,
        ),
        (
            ALB,
            "1",
            "alb:unit-by-plan-digitalisering",
            "By, Plan & Digitalisering (City, Planning & Digitalisation)",
            "Department",
            ALB,
            ALBERTSLUND,
            "",
            "",
        ),
        (
            ALB,
            "1",
            "alb:unit-kultur-plan-digitalisering",
            "Kultur, Plan og Digitalisering (Culture, Planning and Digitalisation)",
            "Department",
            ALB,
            ALBERTSLUND,
            "",
            "",
        ),
        (ALB, "1", "alb:unit-ppr", "PPR", "Department", ALB, ALBERTSLUND, "", ""),
        (
            ALB,
            "1",
            "alb:unit-oekonomi-stab",
            "Økonomi & Stab (Finance & Staff)",
            "Department",
            ALB,
            ALBERTSLUND,
            "",
            "",
        ),
        (ALB, "1", "alb:unit-direktoerforum", "Director forum", "Forum", ALB, ALBERTSLUND, "", ""),
        (
            ALB,
            "1",
            "alb:unit-strategisk-chefforum",
            "Strategisk chefforum (Strategic chief forum)",
            "Forum",
            ALB,
            ALBERTSLUND,
            "",
            "",
        ),
        (
            ALB,
            "1",
            "alb:unit-sekretariat-netvaerksstrukturen",
            SNS,
            "Secretariat",
            ALB,
            ALBERTSLUND,
            "",
            "",
        ),
        (
            ALB,
            "1",
            "alb:unit-sekretariat-politik-ledelse",
            SPL,
            "Secretariat",
            ALB,
            ALBERTSLUND,
            "",
            "",
        ),
    ]


def test_pillar_hierarchy_in_danish(kg):
    kinds = [(r[2], r[4], r[6]) for r in rows(kg, "pillar-hierarchy", lang="da")][:2]
    assert kinds == [
        ("alb:unit-by-miljoe-beskaeftigelse", "Direktørområde", "Albertslund Kommune"),
        ("alb:unit-boern-kultur-velfaerd", "Direktørområde", "Albertslund Kommune"),
    ]


def test_networks(kg):
    got = rows(kg, "networks")
    assert {r[-1] for r in got} == {""}  # status: empty when no day is given
    assert [r[:-1] for r in got] == [
        (
            ALB,
            "alb:network-urban-farming",
            "Hvordan bliver Albertslund et laboratorium for Urban Farming? (How does Albertslund "
            "become a laboratory for urban farming?)",
            "Innovation network",
            "",
            "",
            "",
            "",
            "",
        ),
        (
            ALB,
            "alb:network-bo-i-albertslund",
            BO,
            "Innovation network",
            "2015",
            "spring 2015",
            "Julie Kvetny Jakobsen",
            "",
            "",
        ),
        (
            ALB,
            "alb:network-elever-med-hoejt-fravaer",
            "Elever med højt fravær (Pupils with high absence)",
            "Welfare network",
            "2015",
            "spring 2015",
            "Charlotte Djuraas Lund",
            "",
            "",
        ),
        (
            ALB,
            "alb:network-haervaerk",
            "Hærværk (Vandalism)",
            "Welfare network",
            "2015",
            "spring 2015",
            "Jan Lauge Olsen",
            "",
            "",
        ),
        (
            ALB,
            "alb:network-styrket-administration",
            "En styrket administration i Albertslund Kommune (A stronger administration in "
            "Albertslund Kommune)",
            "Welfare network",
            "2016",
            "autumn 2016",
            "Pernille Harting Frandsen",
            "",
            "",
        ),
        (
            ALB,
            "alb:network-paaroerende-aeldreplejen",
            "Involvering af pårørende i ældreplejen (Involving relatives in elderly care)",
            "Welfare network",
            "2016",
            "autumn 2016",
            "",
            "",
            "",
        ),
        (
            ALB,
            "alb:network-faelles-ungdomsklub",
            "Network on a shared youth club",
            "Welfare network",
            "2016",
            "autumn 2016",
            "",
            "",
            "",
        ),
        (
            ALB,
            "alb:network-bydelsidentitet",
            "Bydelsidentitet (District identity)",
            "",
            "",
            "",
            "",
            "alb:network-bo-i-albertslund",
            BO,
        ),
        (
            ALB,
            "alb:network-mobilitet",
            "Mobilitet (Mobility)",
            "",
            "",
            "",
            "",
            "alb:network-bo-i-albertslund",
            BO,
        ),
        (
            ALB,
            "alb:network-profilering",
            "Profilering (Profiling)",
            "",
            "",
            "",
            "",
            "alb:network-bo-i-albertslund",
            BO,
        ),
    ]


def test_networks_across_pillars_is_empty_for_albertslund(kg):
    # The sources name no member units for Albertslund's networks (a recorded gap).
    assert rows(kg, "networks-across-pillars") == []


def test_units_in_no_network(kg):
    got = rows(kg, "units-in-no-network")
    assert len(got) == 10
    assert {r[4] for r in got} == {"false"}  # no membership recorded at all
    assert ("alb:unit-ppr", "PPR", "Department") in {(r[1], r[2], r[3]) for r in got}


def test_strategy_assumptions_in_order_and_both_languages(kg):
    strategy = (
        "alb:strategy-netvaerksbaseret-organisation",
        "The choice of a network-based organisation",
    )
    got = rows(kg, "strategy-assumptions")
    assert {r[-1] for r in got} == {""}  # status: empty when no day is given
    assert [r[:-1] for r in got] == [
        (
            ALB,
            *strategy,
            "1",
            "Mange og forskellige perspektiver gør os i stand til at se nye veje",
            "Many and different perspectives let us see new ways",
        ),
        (
            ALB,
            *strategy,
            "2",
            "Den bedste velfærd skabes i samspillet mellem en høj faglighed og et stærkt "
            "borgerperspektiv",
            "The best welfare is created in the interplay between high professional expertise "
            "and a strong citizen perspective",
        ),
        (
            ALB,
            *strategy,
            "3",
            "Hvis vi skal nå et anderledes resultat, skal vi arbejde anderledes med udfordringerne",
            "To reach a different result, we must work differently with the challenges",
        ),
    ]


def test_strategy_documents_authors_and_posts(kg):
    s2013 = ("alb:strategy-netvaerk-2013", "Strategy for networks (2013)", "2013")
    chapter = (
        "doc:albertslund-vi-skaber-forbindelser",
        "Vi skaber forbindelser (We create connections; chapter)",
        "structure",
    )
    answer = rows(kg, "strategy-documents")
    assert {r[-1] for r in answer} == {""}  # status: empty when no day is given
    got = [r[:-1] for r in answer]
    assert (ALB, *s2013, SEED, SEED_LABEL, "strategy", "", "") in got
    assert (
        ALB,
        *s2013,
        *chapter,
        "Jette Runchel",
        "Municipal director, Albertslund Kommune",
    ) in got
    assert (
        ALB,
        *s2013,
        *chapter,
        "Mette Horsgaard",
        "Leder af Sekretariat for Netværksstrukturen (head of the Secretariat for the Network "
        "Structure)",
    ) in got
    assert (
        ALB,
        *s2013,
        *chapter,
        "Marie-Louise Lunderød",
        "Konsulent, Sekretariat for Politik og Ledelse (consultant, Secretariat for Politics "
        "and Leadership)",
    ) in got
    assert len(got) == 9
    assert {r[4] for r in got} == {
        SEED,
        "doc:albertslund-hvilke-typer-netvaerk",
        "doc:albertslund-hvorfor-netvaerk",
        "doc:albertslund-organisationsdiagram",
        "doc:albertslund-vi-skaber-forbindelser",
    }


def test_post_holders(kg):
    director = "Municipal director, Albertslund Kommune"
    got = rows(kg, "post-holders")
    assert {r[-1] for r in got} == {""}  # status: empty when no day is given
    assert [r[:-1] for r in got] == [
        (
            ALB,
            "Steen Christiansen",
            "Mayor, Albertslund Kommune",
            ALBERTSLUND,
            "",
            "",
            "",
            "Partly confirmed",
        ),
        (ALB, "Jette Runchel", director, ALBERTSLUND, "", "", "2013-02-12", ""),
        (ALB, "Henrik Harder", director, ALBERTSLUND, "2021", "", "", "Partly confirmed"),
        (ALB, "Charlotte Djuraas Lund", "Head of PPR", "PPR", "", "", "2015", ""),
        (
            ALB,
            "Mette Horsgaard",
            "Leder af Sekretariat for Netværksstrukturen (head of the Secretariat for the Network "
            "Structure)",
            SNS,
            "",
            "",
            "",
            "",
        ),
        (
            ALB,
            "Ida Skov Nielsen",
            "Netværkskonsulent, Sekretariat for Netværksstrukturen (network consultant, "
            "Secretariat for the Network Structure)",
            SNS,
            "",
            "",
            "",
            "",
        ),
        (
            ALB,
            "Marie-Louise Lunderød",
            "Konsulent, Sekretariat for Politik og Ledelse (consultant, Secretariat for Politics "
            "and Leadership)",
            SPL,
            "",
            "",
            "",
            "",
        ),
        (ALB, "Jan Lauge Olsen", "", "Økonomi & Stab (Finance & Staff)", "", "", "2015", ""),
    ]


def test_typologies(kg):
    got = rows(kg, "typologies")
    schemes = {r[0] for r in got}
    assert schemes == {
        "vocab:agger-tortzen-2015",
        "vocab:arnstein-1969",
        "vocab:loeffler-2021",
        "vocab:nabatchi-2017",
        "vocab:torfing-2019",
        "vocab:ulrich-samskabelse",
    }
    assert len(got) == 45
    # Ulrich's typology is recorded without invented types
    ulrich = [r for r in got if r[0] == "vocab:ulrich-samskabelse"]
    assert ulrich == [
        (
            "vocab:ulrich-samskabelse",
            "Ulrich's typology of co-creation",
            "Ulrich, Jens. Samskabelse – en typologi. Lederliv, VIA University College.",
            "",
            "",
            "",
            "",
            "",
        )
    ]
    cell = next(r for r in got if r[3] == "nab:group-co-design")
    assert cell[4:7] == ("L2P2", "Group co-design", "Co-design | Group")


def test_typology_arnstein_in_order(kg):
    got = rows(kg, "typologies", typology="arnstein-1969", lang="da")
    rungs = [(r[4], r[5]) for r in got if r[4].isdigit()]
    assert rungs == [
        ("1", "Manipulation"),
        ("2", "Terapi"),
        ("3", "Information"),
        ("4", "Konsultation"),
        ("5", "Formildelse"),
        ("6", "Partnerskab"),
        ("7", "Delegeret magt"),
        ("8", "Borgerkontrol"),
    ]


def test_cocreation_overview(kg):
    committee = (
        "§ 17, stk. 4-udvalg om Politik for borgerinddragelse "
        "(section 17(4) committee on the policy for citizen involvement)"
    )
    got = rows(kg, "cocreation-overview", municipality="albertslund")
    assert {r[-1] for r in got} == {""}  # status: empty when no day is given
    assert [r[:-1] for r in got] == [
        (
            ALB,
            ALBERTSLUND,
            "initiative",
            "alb:initiative-udvalg-borgerinddragelse",
            committee,
            "",
            "Section 17(4) of the Danish Local Government Act (Styrelsesloven)",
            "Placation",
            "Arnstein's ladder of citizen participation (1969)",
            "alb:coding-udvalg-borgerinddragelse-arnstein",
            "Interpretation by netkg",
        ),
        (
            ALB,
            ALBERTSLUND,
            "plan made with citizens",
            "alb:policy-faelles-om-albertslund",
            "Fælles om Albertslund (Together about Albertslund)",
            *[""] * 6,
        ),
        (  # its adoption year is a conflict between two sources (a knowledge gap), not a fact
            ALB,
            ALBERTSLUND,
            "plan made with citizens",
            "alb:policy-borgerinddragelse",
            "Politik for borgerinddragelse (policy for citizen involvement)",
            *[""] * 6,
        ),
        (
            ALB,
            ALBERTSLUND,
            "plan made with citizens",
            "alb:strategy-albertslund-2024",
            "Albertslund 2024",
            "2013",
            *[""] * 5,
        ),
    ]


def test_no_coding_becomes_a_bare_type(kg):
    """A coding is an interpretation: the reasoner must not turn it into nkg:cocreationType."""
    assert rows(kg, "quality-coding-as-fact") == []
    codings = [r for r in rows(kg, "cocreation-overview") if r[7]]
    assert codings and all(r[9] and r[10] == "Interpretation by netkg" for r in codings)


def test_adopted_before(kg):
    strategy = (
        ALB,
        ALBERTSLUND,
        "alb:strategy-netvaerk-2013",
        "Strategy for networks (2013)",
        "network strategy",
        "2013",
    )
    assert strategy in rows(kg, "adopted-before", before=2014)
    assert all(r[0] != ALB for r in rows(kg, "adopted-before", before=2013))


def test_publications(kg):
    assert rows(kg, "publications", municipality="albertslund") == [
        (
            "doc:agger-politica-47",
            "Annika Agger in Politica 47",
            "describes",
            ALB,
            ALBERTSLUND,
            "Annika Agger",
            "2015",
        ),
        (
            "doc:thorup-2017",
            "Thorup (2017): Hybride organiseringer i danske kommuner (hybrid organising in Danish "
            "municipalities)",
            "describes",
            ALB,
            ALBERTSLUND,
            "Mie Thorup",
            "2017",
        ),
        (
            "doc:ulrich-samskabelse-en-typologi",
            "Ulrich: Samskabelse – en typologi (Co-creation – a typology)",
            "highlights",
            ALB,
            ALBERTSLUND,
            "Jens Ulrich",
            "",
        ),
    ]


def test_counts(kg):
    assert rows(kg, "counts", municipality="albertslund") == [
        (ALB, "declared networks", "Innovation network", "", "1"),
        (ALB, "declared networks", "Welfare network", "", "15"),
        (ALB, "documents", "", "", "24"),  # the 24 dct:source objects of 0165-albertslund.ttl
        (ALB, "initiatives", "", "", "1"),
        (ALB, "networks", "Innovation network", "", "2"),
        (ALB, "networks", "Welfare network", "", "5"),
        (ALB, "networks", "sub-network", "", "3"),
        (ALB, "units", "Department", "", "4"),
        (ALB, "units", "Director area", "", "2"),
        (ALB, "units", "Forum", "", "2"),
        (ALB, "units", "Secretariat", "", "2"),
    ]


def test_fact_source(kg):
    got = rows(kg, "fact-source", resource="alb:network-haervaerk")
    # the access date is the day the stored copy was read and its excerpt archived
    assert [(r[1], r[4], r[6]) for r in got] == [
        ("doc:albertslund-innovationsnetvaerk", "2026-11-29", "netkg domain brief"),
        ("doc:albertslund-netvaerk-foraar-2015", "2026-11-29", "netkg domain brief"),
    ]
    seed = rows(kg, "fact-source", resource="alb:assumption-2")
    assert [(r[1], r[5]) for r in seed] == [(SEED, "data/sources/000_ec5ca23fbc656b57.txt")]
    brief_only = rows(kg, "fact-source", resource="alb:strategy-albertslund-2024")
    assert [(r[1], r[4]) for r in brief_only] == [("doc:netkg-domain-brief", "")]  # no date


SPRING_2015 = "doc:albertslund-netvaerk-foraar-2015"
SPRING_2015_FILE = "data/sources/excerpts/albertslund-netvaerk-foraar-2015.txt"


def test_fact_evidence(kg):
    spring = "I foråret 2015 blev der igangsat 15 velfærdsnetværk"
    welfare = ("alb:evidence-spring-2015-welfare",)
    quoted = "nkg:supportQuoted"
    net = "alb:network-haervaerk"
    assert rows(kg, "fact-evidence", resource=net) == [
        # a classification is a fact: "velfærdsnetværk" holds nkg:Network's label "Netværk"
        (net, "rdf:type", "nkg:Network", quoted, spring, *FILED, *welfare),
        (
            net,
            "org:classification",
            "ant:velfaerdsnetvaerk",
            quoted,
            spring,
            *FILED,
            *welfare,
        ),
        (
            net,
            "nkg:ledBy",
            "person:jan-lauge-olsen",
            quoted,
            "Hærværk – Et netværk med fokus på at begrænse problemer med hærværk […] "
            "Netværksleder: Jan Lauge Olsen",
            *FILED,
            "alb:evidence-haervaerk",
        ),
        (net, "nkg:startPeriod", "foråret 2015", quoted, spring, *FILED, *welfare),
        # the English value is said by the Danish quote through the gloss spring = foråret
        (net, "nkg:startPeriod", "spring 2015", quoted, spring, *FILED, *welfare),
        (net, "nkg:startYear", "2015", quoted, spring, *FILED, *welfare),
    ]


SPRING_2015_PAGE = (
    "https://medarbejdersiden.albertslund.dk/arbejdsplads/netvaerkssektretariatet/"
    "netvaerkstemaer/netvaerk-igangsat-i-foraaret-2015"
)
# the source, its address, the day its text was read, and where the quote can be checked
FILED = ("doc:albertslund-netvaerk-foraar-2015", SPRING_2015_PAGE, "2026-11-29", SPRING_2015_FILE)


def test_fact_evidence_corrected_facts(kg):
    """The audit's corrections, each with the quote that now stands behind it."""
    kbh = rows(kg, "fact-evidence", resource=f"{ID}koebenhavn/policy-principper-for-dialog")
    assert {(r[1], r[2], r[3], r[4]) for r in kbh} == {
        ("rdf:type", "nkg:Policy", "nkg:supportDerived", PRINCIPLES_2016),
        ("nkg:adoptedBy", "mun:koebenhavn", "nkg:supportQuoted", PRINCIPLES_2016),
        ("nkg:adoptionYear", "2016", "nkg:supportDerived", PRINCIPLES_2016),
    }
    aarhus = rows(kg, "fact-evidence", resource=f"{ID}aarhus/initiative-medborgerskabsudvalg")
    assert "nkg:legalBasis" not in {r[1] for r in aarhus}  # no page says section 17(4)
    assert ("nkg:startYear", "2014", "nkg:supportQuoted") in {(r[1], r[2], r[3]) for r in aarhus}
    # two sources disagree on the policy's adoption (2013, December 2011): a gap, not a year
    alb = rows(kg, "fact-evidence", resource="alb:policy-borgerinddragelse")
    assert alb and "nkg:adoptionYear" not in {r[1] for r in alb}


PRINCIPLES_2016 = (
    "Borgerrepræsentationen har nemlig vedtaget fem nye principper for øget dialog med "
    "københavnerne."
)
ID = "https://w3id.org/netkg/id/"


def test_municipalities_all_98(kg):
    got = rows(kg, "municipalities")
    assert len(got) == 98
    assert len({r[2] for r in got}) == 98  # one code each
    # every municipality has its own graph now (data/municipalities/: 98 files)
    assert [r[4] for r in got] == ["true"] * 98
    assert {r[0] for r in got} >= {"mun:albertslund", "mun:koebenhavn", "mun:laesoe"}
    by_code = {r[2]: (r[1], r[3]) for r in got}
    assert by_code["0260"] == ("Halsnæs Municipality", "Capital Region of Denmark")
    assert by_code["0270"] == ("Gribskov Municipality", "Capital Region of Denmark")
    assert by_code["0825"] == ("Læsø Municipality", "North Denmark Region")
    assert by_code["0400"] == ("Bornholm Regional Municipality", "Capital Region of Denmark")
    regions = {r[3] for r in got}
    assert len(regions) == 5


def test_evidence_coverage(kg):
    """Every fact that is not quoted and supported, by kind, with the evidence it rests on."""
    got = rows(kg, "evidence-coverage")
    # one row per fact and evidence; a built graph has no unsupported fact (the build stops)
    assert [r[0] for r in got] == ["nkg:supportBriefOnly"] * 26 + ["nkg:supportDerived"] * 490
    assert sorted({r[1] for r in got if r[0] == "nkg:supportBriefOnly"}) == [
        "doc:agger-politica-47",
        "doc:arnstein-1969",
        "doc:brandsen-pestoff-2006",
        "doc:loeffler-2021",
        "doc:nabatchi-sancino-sicilia-2017",
        "doc:netkg-domain-brief",
        "doc:torfing-soerensen-roeiseland-2019",
        "doc:ulrich-samskabelse-en-typologi",
        "furesoe:initiative-udviklingsudvalg",
    ]
    assert (
        "nkg:supportBriefOnly",
        "furesoe:initiative-udviklingsudvalg",
        "nkg:partOfModel",
        "furesoe:model-furesoemodellen",
        "furesoe:evidence-udviklingsudvalg-model",
        "",
        '"Furesømodellen for borgerinddragelse" with development committees (§17 stk. 4)',
    ) in got
    assert (
        "nkg:supportDerived",
        "alb:event-2013-reorganisation",
        "dct:date",
        "2013-02-12",
        "alb:evidence-event-2013-date",
        "The article is dated 14/2/13 (as printed on the page) and reports the decision of "
        "Tuesday 12 February: 2013-02-12.",
        "Derfor vedtog Kommunalbestyrelsen i Albertslund tirsdag den 12. februar, et oplæg til "
        "ny administrativ organisering.",
    ) in got
    assert all(r[5] for r in got if r[0] == "nkg:supportDerived")  # each says how it follows


def test_knowledge_gaps(kg):
    got = rows(kg, "knowledge-gaps", municipality="albertslund")
    assert {r[0] for r in got} == {
        "alb:gap-administrations-before-2013",
        "alb:gap-area-directors",
        "alb:gap-assumptions-strategy-2013",
        "alb:gap-cb-gap-borgerforslag",  # when citizen-driven proposals were adopted
        "alb:gap-chapter-publication",
        "alb:gap-innovation-network-spring-2015",
        "alb:gap-department-list",
        "alb:gap-department-pillars",
        "alb:gap-network-director",
        "alb:gap-network-leaders",
        "alb:gap-network-members",
        "alb:gap-policy-borgerinddragelse-adoption",  # two sources disagree: 2013, Dec. 2011
        "alb:gap-reorganisation-effective-date",
    }
    assert "gap:ulrich-type-names" in {r[0] for r in rows(kg, "knowledge-gaps")}


def test_change_events(kg):
    got = rows(kg, "change-events")
    assert [(r[1], r[2]) for r in got] == [
        ("1970", "alb:event-1970-formation"),
        ("1973", "alb:event-1973-renaming"),
        ("2013-02-12", "alb:event-2013-reorganisation"),
    ]
    assert got[2][4] == " | ".join(
        sorted(
            [
                "Albertslund Kommune's network structure",
                "By, miljø & beskæftigelse (City, Environment & Employment)",
                "Børn, kultur og velfærd (Children, Culture and Welfare)",
            ]
        )
    )


@pytest.mark.parametrize("query", QUALITY, ids=[q.name for q in QUALITY])
def test_quality_query_finds_nothing_on_shipped_data(query: CatalogueQuery, kg):
    assert run(kg.backend, query).table.rows == []


# --- engines behind the store seam --------------------------------------------------------------


@pytest.mark.parametrize("query", CATALOGUE.values(), ids=list(CATALOGUE))
def test_oxigraph_engine_gives_the_same_answers(query: CatalogueQuery, reference_answers, kg):
    needs_resource = ("fact-source", "fact-evidence")
    params = {"resource": "alb:network-haervaerk"} if query.name in needs_resource else {}
    expected = reference_answers(query.name, **params)  # rdflib's, run once per session
    assert sorted(rows(kg, query.name, **params)) == expected


# --- parameters are bound as RDF terms ----------------------------------------------------------


@pytest.mark.parametrize("which", ["kg_reference", "kg"])
def test_hostile_string_parameter_is_one_literal(which, request):
    engine = request.getfixturevalue(which)
    table = engine.query("networks", lang=HOSTILE)
    assert len(table) == 10  # the same networks, not every triple in the store
    assert all(row[2] is None for row in table)  # no label is in the language 'en" } …'


def test_string_parameter_is_a_literal_term():
    query = CATALOGUE["networks"]
    assert query.bindings({"lang": HOSTILE})["lang"] == Literal(HOSTILE)


@pytest.mark.parametrize(
    "value",
    [
        "albertslund> } UNION { ?s ?p ?o } #",
        'albertslund" }',
        "albertslund {x}",
    ],
)
def test_iri_parameter_that_is_no_iri_is_refused(value, kg):
    with pytest.raises(UsageError, match="wants an IRI"):
        kg.query("networks", municipality=value)


def test_unknown_parameter_lists_declared_ones(kg):
    with pytest.raises(UsageError, match=r"declares: municipality, lang"):
        kg.query("networks", county="x")


def test_missing_required_parameter(kg):
    with pytest.raises(UsageError, match="needs --param resource"):
        kg.query("fact-source")


def test_unknown_query_lists_catalogue(kg):
    with pytest.raises(UsageError, match=r"Known queries: .*networks"):
        kg.query("netwerks")


# --- each file runs as it stands on any endpoint (issue 11, friction 8) ------------------------


def _defaults_in_file(query: CatalogueQuery) -> dict[str, str]:
    """The terms the file's `# defaults` line binds, read by Oxigraph (not by netkg)."""
    import pyoxigraph as ox

    if not query.defaults_line:
        return {}
    result = ox.Store().query(f"SELECT * WHERE {{ {query.defaults_line}\n}}")
    names = [v.value for v in result.variables]
    solutions = list(result)
    assert len(solutions) == 1, query.name
    return {n: str(solutions[0][n]) for n in names if solutions[0][n] is not None}


@pytest.mark.parametrize("name", sorted(load_catalogue()))
def test_the_files_defaults_line_agrees_with_its_header(name):
    from netkg.rdf.terms import to_sparql

    query = load_catalogue()[name]
    declared = {p.name: to_sparql(p.to_term(p.default)) for p in query.params if p.default}
    assert _defaults_in_file(query) == declared
    assert "# defaults" not in query.text  # netkg binds its own values instead


def test_defaults_lines_as_written():
    catalogue = load_catalogue()
    assert _defaults_in_file(catalogue["networks"]) == {
        "municipality": "<https://w3id.org/netkg/id/municipality/albertslund>",
        "lang": '"en"',
    }
    assert _defaults_in_file(catalogue["adopted-before"]) == {
        "before": '"2020"^^<http://www.w3.org/2001/XMLSchema#integer>',
        "lang": '"en"',
    }
    assert _defaults_in_file(catalogue["counts"]) == {}  # no default: all municipalities


@pytest.mark.parametrize("name", sorted(load_catalogue()))
def test_the_file_as_it_stands_answers_like_netkg(name, built_oxigraph):
    """Another endpoint gets the file unchanged: no netkg prefixes, no parameters bound."""
    query = load_catalogue()[name]
    plain = built_oxigraph.store.store  # a bare pyoxigraph store, queried directly
    raw = plain.query(query.source, use_default_graph_as_union=True)
    got = [tuple(str(s[v]) if s[v] else "" for v in raw.variables) for s in raw]
    if any(p.required for p in query.params):
        assert got  # runs, unbound parameter meaning "all"
        return
    netkg_answer = run(built_oxigraph.store, query).table
    expected = [tuple("" if t is None else _nt(t) for t in row) for row in netkg_answer.rows]
    assert _unordered_lists(got) == _unordered_lists(expected)


def _unordered_lists(table: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """GROUP_CONCAT has no defined order (netkg sorts its parts, a bare store does not):
    compare space-separated IRI lists and " | "-separated lists as sorted lists."""
    return [tuple(_sorted_list(v) for v in row) for row in table]


def _sorted_list(value: str) -> str:
    if value.startswith("<http"):
        return " ".join(sorted(value.split()))
    literal = re.fullmatch(r'"(.*)"((?:@[\w-]+|\^\^<[^>]+>)?)', value, re.S)  # N-Triples
    if literal is None:
        return value
    text, suffix = literal.groups()
    sep = " " if text.startswith("http") else " | "  # a list of IRIs as text, or of names
    return '"' + sep.join(sorted(text.split(sep))) + '"' + suffix


def test_a_file_as_it_stands_has_its_labels():
    """The friction: sent elsewhere, `networks.rq` came back with empty labels."""
    import pyoxigraph as ox

    from netkg.pipeline.flow.build import build

    store = build(engine="oxigraph", validate=False).store.store
    assert isinstance(store, ox.Store)
    raw = store.query(load_catalogue()["networks"].source, use_default_graph_as_union=True)
    labels = [s["networkLabel"].value for s in raw if s["networkLabel"]]
    assert "Hærværk (Vandalism)" in labels and len(labels) >= 8


def _nt(term) -> str:
    from netkg.rdf.terms import to_sparql

    return to_sparql(term)


# --- who coded a co-creation type; since when an instrument is used (issue 11) -----------------

S17 = "Section 17(4) of the Danish Local Government Act (Styrelsesloven)"
PROJECT = "the netkg project"


def test_cocreation_coding_names_coder_basis_and_confidence(kg):
    got = rows(kg, "cocreation-coding")
    doc = "https://w3id.org/netkg/id/document/"
    arnstein = {f"{doc}arnstein-1969", f"{doc}arnstein-ladder-abstract"}
    assert [(r[0], r[1], r[3], r[5], r[6], r[7], r[9], set(r[10].split())) for r in got] == [
        (
            "mun:aarhus",
            "aarhus:initiative-medborgerskabsudvalg",
            "Placation",
            "aarhus:coding-medborgerskabsudvalg-arnstein",
            "id:netkg-project",
            PROJECT,
            "Interpretation by netkg",
            arnstein | {f"{doc}aarhus-tekno-medborgerskabsudvalg"},
        ),
        (
            ALB,
            "alb:initiative-udvalg-borgerinddragelse",
            "Placation",
            "alb:coding-udvalg-borgerinddragelse-arnstein",
            "id:netkg-project",
            PROJECT,
            "Interpretation by netkg",
            arnstein
            | {
                f"{doc}centerforborgerdialog-albertslund-maskinrummet",
                f"{doc}netkg-domain-brief",
            },
        ),
        (
            "mun:gentofte",
            "gentofte:model-opgaveudvalg",
            "Placation",
            "gentofte:coding-opgaveudvalg-arnstein",
            "id:netkg-project",
            PROJECT,
            "Interpretation by netkg",
            arnstein | {f"{doc}gentofte-arbejdsform"},
        ),
        (  # no source calls the committee co-creation: netkg's coding, with its argument
            "mun:roskilde",
            "roskilde:initiative-musikbyudvalget",
            "Co-governance",
            "roskilde:coding-musikby-samstyring",
            "id:netkg-project",
            PROJECT,
            "Interpretation by netkg",
            {
                f"{doc}agger-tortzen-2015",
                f"{doc}roskilde-musikby-referat-2018",
                f"{doc}roskilde-musikbyudvalget-side",
            },
        ),
        (
            "mun:skanderborg",
            "skanderborg:model-kommune-3-0",
            "Arena of co-creation",
            "skanderborg:coding-kommune-3-0-torfing",
            "id:netkg-project",
            PROJECT,
            "Interpretation by netkg",
            {f"{doc}skanderborg-kommune-3-0", f"{doc}torfing-soerensen-roeiseland-2019"},
        ),
    ]
    gentofte = next(r for r in got if r[0] == "mun:gentofte")
    assert gentofte[4] == "Arnstein's ladder of citizen participation (1969)"
    assert gentofte[8] == (
        "The source: a task committee typically has ten citizens and five local politicians, and "
        "the standing committee it belongs to decides whether the council takes up its proposals. "
        "Argument: the citizens are a majority, but the committee advises and the powerholders "
        "keep the right to judge its proposals; that is Arnstein's placation (rung 5), not "
        "partnership, which needs power redistributed through negotiation (Arnstein 1969)."
    )
    danish = rows(kg, "cocreation-coding", municipality="gentofte", lang="da")
    assert [(r[3], r[7]) for r in danish] == [("Formildelse", "netkg-projektet")]
    assert danish[0][8].startswith(
        "Kilden: »Et opgaveudvalg består typisk af ti borgere og fem lokalpolitikere«"
    )


def test_since_when_each_municipality_uses_section_17_4(kg):
    # Aarhus is absent: no source names section 17(4) for its citizenship committee (issue 9).
    none = "no year: the sources give no adoption or start year"
    # the earliest year per municipality; names in alphabetical order (one answer on every engine)
    assert rows(kg, "legal-basis-since") == [
        (
            ALB,
            ALBERTSLUND,
            S17,
            "",
            "§ 17, stk. 4-udvalg om Politik for borgerinddragelse "
            "(section 17(4) committee on the policy for citizen involvement)",
            "1",
            none,
        ),
        (
            "mun:assens",
            "Assens Municipality",
            S17,
            "",
            "Task committee on health",
            "1",
            "recorded gap: The start date of the task committee on health is unknown",
        ),
        (
            "mun:furesoe",
            "Furesø Municipality",
            S17,
            "",
            "Udviklingsudvalg (development committees)",
            "1",
            none,
        ),
        (
            "mun:hedensted",
            "Hedensted Municipality",
            S17,
            "",
            "Section 17(4) committee for a business campus | "
            "Task committee for Cross-cutting Policy",
            "2",
            none,
        ),
        (
            "mun:herning",
            "Herning Municipality",
            S17,
            "",
            "Section 17(4) committee on communities | "
            "Section 17(4) committee on housing forms for older people",
            "2",
            none,
        ),
        (
            "mun:hilleroed",
            "Hillerød Municipality",
            S17,
            "",
            "Committee for citizen involvement",
            "1",
            "recorded gap: When the committee for citizen involvement was set up is unknown",
        ),
        (
            "mun:kolding",
            "Kolding Municipality",
            S17,
            "",
            "Kolding Municipality's Centre-Town Cooperation",
            "1",
            none,
        ),
        (
            "mun:odense",
            "Odense Municipality",
            S17,
            "2005",
            "committee to propose a new health policy",
            "3",
            "",
        ),
        (
            "mun:billund",
            "Billund Municipality",
            S17,
            "2014",
            "§ 17(4) rural districts committee",
            "1",
            "",
        ),
        ("mun:naestved", "Næstved Municipality", S17, "2014", "Local democracy committee", "2", ""),
        (
            "mun:skanderborg",
            "Skanderborg Municipality",
            S17,
            "2014",
            "Seks § 17, stk. 4-udvalg (six section 17(4) committees, 2014–2017)",
            "2",
            "",
        ),
        (
            "mun:gentofte",
            "Gentofte Municipality",
            S17,
            "2015",
            "Opgaveudvalg (task committees)",
            "2",
            "",
        ),
        (
            "mun:gladsaxe",
            "Gladsaxe Municipality",
            S17,
            "2015",
            "Advisory committee for urban life and climate adaptation in Buddinge",
            "5",
            "",
        ),
        (
            "mun:roskilde",
            "Roskilde Municipality",
            S17,
            "2016",
            "Musikbyudvalget (music city committee)",
            "1",
            "",
        ),
        (
            "mun:syddjurs",
            "Syddjurs Municipality",
            S17,
            "2016",
            "Rethink citizen involvement",
            "2",
            "",
        ),
        (
            "mun:hjoerring",
            "Hjørring Municipality",
            S17,
            "2017",
            "The Committee for Strategic Urban and Rural Development",
            "1",
            "",
        ),
        ("mun:lejre", "Lejre Municipality", S17, "2017", "Core Welfare Committee", "1", ""),
        ("mun:svendborg", "Svendborg Municipality", S17, "2017", "Local committee", "1", ""),
        (
            "mun:alleroed",
            "Allerød Municipality",
            S17,
            "2018",
            "Task committee for the Sustainable Development Goals",
            "1",
            "",
        ),
        ("mun:dragoer", "Dragør Municipality", S17, "2018", "Democracy committee", "1", ""),
        (
            "mun:fanoe",
            "Fanø Municipality",
            S17,
            "2018",
            "Section 17(4) committee on green transition",
            "1",
            "",
        ),
        (
            "mun:fredericia",
            "Fredericia Municipality",
            S17,
            "2018",
            "Democracy and Citizens Committee",
            "1",
            "",
        ),
        (
            "mun:helsingoer",
            "Helsingør Municipality",
            S17,
            "2018",
            "Borgerinddragelse (citizen involvement committee)",
            "1",
            "",
        ),
        (
            "mun:kerteminde",
            "Kerteminde Municipality",
            S17,
            "2018",
            "Citizen involvement committee",
            "1",
            "",
        ),
        (
            "mun:laesoe",
            "Læsø Municipality",
            S17,
            "2018",
            "Committee for Læsø's Nature and Landscape | The Tentative List Committee",
            "2",
            "",
        ),
        (
            "mun:odder",
            "Odder Municipality",
            S17,
            "2018",
            "Temporary section 17(4) committee for Tunø",
            "1",
            "",
        ),
        (
            "mun:soenderborg",
            "Sønderborg Municipality",
            S17,
            "2018",
            "Committee for Rural Districts, Nature and Food",
            "2",
            "",
        ),
        (
            "mun:taarnby",
            "Tårnby Municipality",
            S17,
            "2018",
            "Committee on openness and citizen involvement",
            "1",
            "",
        ),
        (
            "mun:toender",
            "Tønder Municipality",
            S17,
            "2018",
            "Rural districts and settlement committee",
            "1",
            "",
        ),
        (
            "mun:vesthimmerlands",
            "Vesthimmerlands Municipality",
            S17,
            "2018",
            "Section 17(4) committee on citizen involvement",
            "2",
            "",
        ),
        (
            "mun:vordingborg",
            "Vordingborg Municipality",
            S17,
            "2018",
            "Committee for local democracy, citizen involvement and volunteering",
            "1",
            "",
        ),
        (
            "mun:bornholm",
            "Bornholm Regional Municipality",
            S17,
            "2019",
            "committee for climate and sustainability",
            "1",
            "",
        ),
        (
            "mun:mariagerfjord",
            "Mariagerfjord Municipality",
            S17,
            "2019",
            "Section 17(4) committee focusing on the rural districts",
            "1",
            "",
        ),
        ("mun:rebild", "Rebild Municipality", S17, "2019", "The World Goals Committee", "2", ""),
        (
            "mun:stevns",
            "Stevns Municipality",
            S17,
            "2019",
            "SDG committee (section 17(4) task committee on the UN Sustainable Development Goals)",
            "1",
            "",
        ),
        (
            "mun:aalborg",
            "Aalborg Municipality",
            S17,
            "2020",
            "The Rural District Committee",
            "1",
            "",
        ),
        (
            "mun:faaborg-midtfyn",
            "Faaborg-Midtfyn Municipality",
            S17,
            "2020",
            "SDG committee",
            "2",
            "",
        ),
        (
            "mun:odsherred",
            "Odsherred Municipality",
            S17,
            "2020",
            "Section 17(4) committee for green transition and sustainable development",
            "1",
            "",
        ),
        ("mun:struer", "Struer Municipality", S17, "2020", "The local-areas committee", "2", ""),
        (
            "mun:egedal",
            "Egedal Municipality",
            S17,
            "2022",
            "Section 17(4) committee on citizen dialogue",
            "1",
            "",
        ),
        (
            "mun:hvidovre",
            "Hvidovre Municipality",
            S17,
            "2022",
            "Harbour committee | Noise committee | SFC committee (Strandmarken leisure centre)",
            "3",
            "",
        ),
        (
            "mun:morsoe",
            "Morsø Municipality",
            S17,
            "2022",
            "Section 17(4) committee on a new fossil and moler centre",
            "3",
            "",
        ),
        (
            "mun:randers",
            "Randers Municipality",
            S17,
            "2022",
            "Section 17(4) committee for sustainable development in Flodbyen and in "
            "Randers Municipality",
            "1",
            "",
        ),
        (
            "mun:soroe",
            "Sorø Municipality",
            S17,
            "2022",
            "Climate and Environment Committee",
            "1",
            "",
        ),
        ("mun:vejen", "Vejen Municipality", S17, "2022", "Rural districts committee", "1", ""),
    ]
