"""The typology crosswalk: the SSSOM reader, the mappings graph, translation into a typology."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

import netkg
from netkg.api import KnowledgeGraph
from netkg.errors import InputError
from netkg.iris import GRAPH, NKG, PREFIXES
from netkg.pipeline.inputs.layout import root
from netkg.pipeline.inputs.sssom import mapping_node, read_mapping_set
from netkg.rdf.results import short
from netkg.report.compare import compare

HERE = Path(__file__).parent / "crosswalk"
SHIPPED = root() / "ontology" / "mappings" / "typology-crosswalk.sssom.tsv"
ARN = PREFIXES["arn"]
NAB = PREFIXES["nab"]
NABATCHI = "Nabatchi, Sancino & Sicilia's typology (2017)"

GOOD_HEADER = """# curie_map:
#   arn: https://w3id.org/netkg/vocab/arnstein-1969/
#   nab: https://w3id.org/netkg/vocab/nabatchi-2017/
#   id: https://w3id.org/netkg/id/
#   semapv: https://w3id.org/semapv/vocab/
#   skos: http://www.w3.org/2004/02/skos/core#
# mapping_set_id: https://w3id.org/netkg/synthetic/mappings/test
# license: https://creativecommons.org/licenses/by/4.0/
subject_id\tpredicate_id\tobject_id\tmapping_justification\tauthor_id\tconfidence\tcomment
"""
ROW = "\t".join(
    (
        "arn:partnership",
        "skos:relatedMatch",
        "nab:phase-co-design",
        "semapv:ManualMappingCuration",
        "id:netkg-project",
        "0.5",
        "An argument.",
    )
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "test.sssom.tsv"
    path.write_text(text, encoding="utf-8")
    return path


# --- the reader -----------------------------------------------------------------------------


def test_reader_reads_a_good_row(tmp_path):
    mapping_set = read_mapping_set(write(tmp_path, GOOD_HEADER + ROW + "\n"))
    (m,) = mapping_set.mappings
    assert (m.line, m.subject, m.predicate, m.object) == (
        10,
        URIRef(ARN + "partnership"),
        SKOS.relatedMatch,
        URIRef(NAB + "phase-co-design"),
    )
    assert m.confidence == Decimal("0.5")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ROW.replace("skos:relatedMatch", "skos:broader"),
            ":10: predicate_id 'skos:broader' is not one of skos:broadMatch, skos:closeMatch, "
            "skos:exactMatch, skos:narrowMatch, skos:relatedMatch",
        ),
        (
            ROW.replace("\t0.5\t", "\thigh\t"),
            ":10: confidence must be a number from 0 to 1, not 'high'",
        ),
        (ROW.replace("\t0.5\t", "\t1.5\t"), ":10: confidence 1.5 is outside 0 to 1"),
        (
            ROW.replace("arn:partnership", "ar:partnership"),
            ":10: subject_id 'ar:partnership': prefix 'ar' is not in the curie_map",
        ),
        (
            ROW.replace("semapv:ManualMappingCuration", ""),
            ":10: column mapping_justification is empty",
        ),
        (ROW.replace("\tAn argument.", ""), ":10: 6 cells where the header has 7 columns"),
        (ROW + "\n" + ROW, ":11: the same mapping as line 10"),
    ],
    ids=[
        "predicate",
        "confidence-word",
        "confidence-range",
        "prefix",
        "justification",
        "cells",
        "duplicate",
    ],
)
def test_reader_names_file_and_line_of_a_bad_row(tmp_path, row, message):
    path = write(tmp_path, GOOD_HEADER + row + "\n")
    with pytest.raises(InputError) as caught:
        read_mapping_set(path)
    assert str(caught.value) == f"{path}{message}"


def test_reader_refuses_metadata_without_a_licence(tmp_path):
    path = write(
        tmp_path,
        GOOD_HEADER.replace("# license: https://creativecommons.org/licenses/by/4.0/\n", "") + ROW,
    )
    with pytest.raises(InputError, match="the metadata block lacks license"):
        read_mapping_set(path)


def test_a_bad_mapping_file_fails_the_load_with_its_line(tmp_path):
    path = write(tmp_path, GOOD_HEADER + ROW.replace("\t0.5\t", "\tsure\t") + "\n")
    with pytest.raises(InputError, match=r"test\.sssom\.tsv:10: confidence"):
        netkg.load_graph([path])


# --- the shipped mapping set ----------------------------------------------------------------


def test_shipped_set_relates_five_typologies_and_argues_every_row():
    mapping_set = read_mapping_set(SHIPPED)
    assert len(mapping_set.mappings) == 18
    schemes = {
        str(u).rsplit("/", 2)[-2] for m in mapping_set.mappings for u in (m.subject, m.object)
    }
    assert schemes == {
        "agger-tortzen-2015",
        "arnstein-1969",
        "loeffler-2021",
        "nabatchi-2017",
        "torfing-2019",
    }
    assert all(m.comment and m.see_also for m in mapping_set.mappings)
    assert mapping_set.metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_mappings_are_their_own_named_graph_with_plain_triple_and_reified_row(built):
    graph = (
        built.store.dataset.graph(GRAPH["mappings"]) if hasattr(built.store, "dataset") else None
    )
    if graph is None:
        pytest.skip("store has no rdflib dataset")
    s, o = URIRef(ARN + "partnership"), URIRef(NAB + "phase-co-design")
    assert (s, SKOS.relatedMatch, o) in graph
    node = mapping_node(s, SKOS.relatedMatch, o)
    assert (
        str(node)
        == "https://w3id.org/netkg/id/mapping/arnstein-1969-partnership--relatedMatch--nabatchi-2017-phase-co-design"
    )
    assert (node, NKG.mappingConfidence, Literal(Decimal("0.5"))) in graph
    assert (node, NKG.mappingSubject, s) in graph


def test_unmapped_types_on_shipped_data(built):
    kg = KnowledgeGraph(built.store)
    got = [short(r[2]) for r in kg.query("typology-unmapped").rows]
    assert got == [
        "agt:form",
        "agt:purpose",
        "arn:manipulation",
        "arn:non-participation",
        "arn:therapy",
        "arn:informing",
        "arn:tokenism",
        "nab:level-individual",
        "nab:individual-co-commissioning",
        "nab:individual-co-design",
        "nab:individual-co-delivery",
        "nab:individual-co-assessment",
        "nab:level-group",
        "nab:group-co-commissioning",
        "nab:group-co-design",
        "nab:group-co-delivery",
        "nab:group-co-assessment",
        "nab:level-collective",
        "nab:collective-co-commissioning",
        "nab:collective-co-design",
        "nab:collective-co-delivery",
        "nab:collective-co-assessment",
        "tsr:legal-authority",
    ]


def test_translation_of_shipped_codings_into_nabatchi(built):
    kg = KnowledgeGraph(built.store)
    table = kg.query("typology-translation", municipality="albertslund")
    got = [(short(r[4]), short(r[6]), str(r[8]), str(r[9]), str(r[10])) for r in table.rows]
    # Albertslund's committee is coded placation (issue 9), one relatedMatch away from co-design
    assert got == [
        ("arn:placation", "nab:phase-co-design", "1", "Placation relatedMatch Co-design", "0.3"),
    ]


# --- a case coded only in Arnstein ----------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic() -> KnowledgeGraph:
    return netkg.load_graph([HERE / "arnstein-only-case.ttl"])


def test_arnstein_only_case_appears_under_the_mapped_nabatchi_cell(synthetic):
    table = synthetic.query("typology-translation", municipality="")
    got = [tuple(short(v) if v is not None else "" for v in row) for row in table.rows]
    assert got == [
        (
            "https://w3id.org/netkg/synthetic/crosswalk/municipality",
            "Test Municipality",
            "https://w3id.org/netkg/synthetic/crosswalk/model",
            "Test model",
            "arn:delegated-power",
            "Delegated power",
            "nab:phase-co-commissioning",
            "Co-commissioning",
            "1",
            "Delegated power relatedMatch Co-commissioning",
            "0.4",
            "translated",
        )
    ]


def test_compare_in_nabatchi_marks_the_translated_cell(synthetic):
    comparison = compare(synthetic, typology="nabatchi-2017")
    column = f"{NABATCHI}: Co-commissioning (translated)"
    assert list(comparison.matrix.columns) == [column]
    assert comparison.matrix.loc["Test Municipality", column] == 0.4  # weighed by confidence
    assert comparison.translations.to_dict("records") == [
        {
            "municipality": "Test Municipality",
            "item": "Test model",
            "codedLabel": "Delegated power",
            "targetLabel": "Co-commissioning",
            "hops": 1,
            "path": "Delegated power relatedMatch Co-commissioning",
            "confidence": Decimal("0.4"),
            "translation": "translated",
        }
    ]
