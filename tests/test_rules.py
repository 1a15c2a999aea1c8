"""The fast reasoner (netkg.pipeline.reason.compiled) against the reference (owlrl via reason.py).

Both must give the same inferred graph and the same inconsistencies on the shipped data, on
every shape and quality fixture (with the ontology's axioms, as `netkg validate FILE` reasons),
and on synthetic municipalities, some with seeded mistakes.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from netkg.pipeline.inputs.layout import Source, default_sources, ontology_sources
from netkg.pipeline.inputs.load import load_dataset, load_sources
from netkg.pipeline.reason.compiled import Unsupported, infer_store
from netkg.pipeline.reason.reference import Inference, infer
from netkg.pipeline.validate.compiled import read_predicates
from netkg.pipeline.validate.shapes import load_shapes_fast
from netkg.rdf.store import OxigraphStore
from netkg.rdf.terms import to_ox
from support import synthetic
from support.oracle import oracle_params

TESTS = Path(__file__).parent
FIXTURES = sorted((TESTS / "shapes").rglob("*.ttl")) + sorted((TESTS / "quality").glob("*.ttl"))
# `netkg validate FILE` reasons over the ontology's axioms plus the file (flow.context)
AXIOMS = [s for s in ontology_sources() if s.role in ("ontology", "imports")]


def both(sources: list[Source]) -> tuple[tuple[set, list[str]], tuple[set, list[str]]]:
    """(reference, fast): each the inferred triples as N-Triples terms, and inconsistencies."""
    names = sorted({s.graph for s in sources})
    dataset = load_dataset(sources)
    return as_terms(infer([dataset.graph(n) for n in names])), fast(sources)


def as_terms(reference: Inference) -> tuple[set, list[str]]:
    """owlrl's inferred triples as N-Triples terms, and its inconsistencies."""
    return {tuple(str(to_ox(x)) for x in t) for t in reference.graph}, reference.inconsistencies


def fast(sources: list[Source]) -> tuple[set, list[str]]:
    """The compiled rules' inferred triples as N-Triples terms, and inconsistencies."""
    store = OxigraphStore()
    load_sources(sources, store)  # as the fast build loads them (an SSSOM table included)
    found = infer_store(store, sorted({s.graph for s in sources}))
    return {tuple(str(x) for x in t) for t in found.triples}, found.inconsistencies


def fixture_both(fixture: Path, oracle) -> tuple[tuple[set, list[str]], tuple[set, list[str]]]:
    """(reference, fast) for a fixture file with the ontology's axioms; the reference's closure
    is the session's (support.oracle), shared with test_shacl_fast."""
    sources = [*AXIOMS, Source(fixture, URIRef("urn:x-test:input"), "input")]
    return as_terms(oracle.closure(fixture)), fast(sources)


def test_shipped_data_gives_the_same_inferences():
    reference, fast = both(default_sources())
    # 807 before the crosswalk, validity, evidence and support; 2,143 before the codebook;
    # 2,376 before the 88 municipalities of the national codebook
    assert len(reference[0]) == 6970
    assert fast == reference


@pytest.mark.parametrize("fixture", oracle_params(FIXTURES))
def test_fixture_gives_the_same_inferences(fixture: Path, oracle):
    reference, fast = fixture_both(fixture, oracle)
    assert fast == reference


def test_two_kinds_of_unit_is_the_same_inconsistency(oracle):
    fixture = TESTS / "shapes" / "invalid" / "Unit-kind--two-kinds.ttl"
    reference, fast = fixture_both(fixture, oracle)
    assert reference[1], "the fixture should be inconsistent"
    assert fast[1] == reference[1]


def test_synthetic_municipalities_give_the_same_inferences(tmp_path: Path):
    files = synthetic.write(tmp_path, 12, seeded=True)
    sources = default_sources() + [
        Source(p, URIRef(f"urn:x-test:{p.stem}"), "municipality") for p in files
    ]
    reference, fast = both(sources)
    assert len(reference[0]) > 12 * 300
    assert any("Disjoint classes" in m for m in reference[1])  # the seeded unit of two kinds
    assert fast == reference


def test_an_unsupported_axiom_is_refused(tmp_path: Path):
    data = tmp_path / "same.ttl"
    data.write_text(
        "<https://w3id.org/netkg/synthetic/a> <http://www.w3.org/2002/07/owl#sameAs> "
        "<https://w3id.org/netkg/synthetic/b> .\n",
        encoding="utf-8",
    )
    store = OxigraphStore()
    store.store.load(path=str(data), to_graph=ox.NamedNode("urn:x-test:g"))
    with pytest.raises(Unsupported, match="sameAs"):
        infer_store(store, [URIRef("urn:x-test:g")])


# --- only what a validation reads ------------------------------------------------------------

READS = read_predicates(load_shapes_fast())
TRANSITIVE_SUB = "<http://www.w3.org/ns/org#transitiveSubOrganizationOf>"


def restricted(sources: list[Source]) -> tuple[tuple[set, list[str]], tuple[set, list[str]]]:
    """(everything, only what the shapes read): inferred triples and inconsistencies."""
    names = sorted({s.graph for s in sources})
    out = []
    for only in (None, READS):
        store = OxigraphStore()
        load_sources(sources, store)
        found = infer_store(store, names, only=only)
        out.append(({tuple(str(x) for x in t) for t in found.triples}, found.inconsistencies))
    return out[0], out[1]


def _read(triples: set) -> set:
    kept = {str(to_ox(p)) for p in READS}
    return {t for t in triples if t[1] in kept}


def test_reasoning_only_for_what_the_shapes_read_keeps_every_triple_they_read(tmp_path: Path):
    files = synthetic.write(tmp_path, 6, seeded=True)
    sources = default_sources() + [
        Source(p, URIRef(f"urn:x-test:{p.stem}"), "municipality") for p in files
    ]
    (everything, problems), (only, found) = restricted(sources)
    assert only <= everything
    assert _read(only) == _read(everything)  # rdf:type among them: every class whole
    assert found == problems and any("Disjoint classes" in m for m in found)
    assert any(t[1] == TRANSITIVE_SUB for t in everything - only)  # what no shape reads


def test_a_deep_hierarchy_is_not_closed_for_a_validation(tmp_path: Path):
    """A chain of 300 units: its transitive closure has 300²/2 triples no shape reads."""
    lines = ["@prefix org: <http://www.w3.org/ns/org#> ."]
    for i in range(300):
        lines.append(
            f"<https://w3id.org/netkg/synthetic/u{i}> a org:OrganizationalUnit ; "
            f"org:subOrganizationOf <https://w3id.org/netkg/synthetic/u{i + 1}> ."
        )
    chain = tmp_path / "chain.ttl"
    chain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (everything, _), (only, _) = restricted(
        [*AXIOMS, Source(chain, URIRef("urn:x-test:c"), "input")]
    )
    assert sum(1 for t in everything if t[1] == TRANSITIVE_SUB) == 300 * 301 // 2
    assert not any(t[1] == TRANSITIVE_SUB for t in only)
    assert _read(only) == _read(everything)
    assert len(only) < 5 * 300
