"""The ontology: its header, its minted terms, its consistency, and the IRIs it is built on."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from netkg.iris import NKG, ONTOLOGY, PREFIXES
from netkg.pipeline.inputs.layout import default_sources, ontology_sources, root
from netkg.pipeline.inputs.load import parse_file
from support.hermit import hermit, java_available

ONTOLOGY_FILE = root() / "ontology" / "netkg.ttl"
NKG_TERMS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return parse_file(ONTOLOGY_FILE)


@pytest.fixture(scope="module")
def tbox() -> Graph:
    g = Graph()
    for s in ontology_sources():
        parse_file(s.path, into=g)
    return g


def test_header(onto):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY, OWL.versionIRI) == URIRef("https://w3id.org/netkg/ontology/0.1.0")
    assert str(onto.value(ONTOLOGY, OWL.versionInfo)) == "0.1.0"
    assert onto.value(ONTOLOGY, DCTERMS.license) is not None
    assert onto.value(ONTOLOGY, DCTERMS.creator) is not None
    assert onto.value(ONTOLOGY, DCTERMS.created) is not None
    assert {t.language for t in onto.objects(ONTOLOGY, DCTERMS.title)} == {"da", "en"}


def test_every_minted_term_has_labels_and_definitions_in_danish_and_english(onto):
    minted = {
        s
        for s in onto.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(NKG))
    }
    assert len(minted) > 60
    for term in minted:
        for prop in (RDFS.label, SKOS.definition):
            langs = {o.language for o in onto.objects(term, prop) if isinstance(o, Literal)}
            assert {"da", "en"} <= langs, f"{term} lacks {prop} in da/en"


def test_minted_names_follow_the_conventions(onto):
    for term in {s for s in onto.subjects(RDF.type, None) if str(s).startswith(str(NKG))}:
        local = str(term)[len(str(NKG)) :]
        if (term, RDF.type, OWL.Class) in onto:
            assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", local), f"class {local} not CamelCase"
        elif (term, RDF.type, OWL.NamedIndividual) not in onto:
            assert re.fullmatch(r"[a-z][A-Za-z0-9]+", local), f"property {local} not lowerCamel"


def test_reused_vocabularies_come_first(onto):
    """Minted classes specialise ORG/CPOV/PROV/SKOS terms where those fit."""
    expect = {
        "Municipality": "http://data.europa.eu/m8g/PublicOrganisation",
        "Network": "http://www.w3.org/ns/org#OrganizationalCollaboration",
        "DirectorArea": "http://www.w3.org/ns/org#OrganizationalUnit",
        "Tenure": "http://www.w3.org/ns/org#Membership",
        "Strategy": "http://www.w3.org/ns/prov#Plan",
        "CoCreationTypology": "http://www.w3.org/2004/02/skos/core#ConceptScheme",
    }
    for local, parent in expect.items():
        assert (NKG[local], RDFS.subClassOf, URIRef(parent)) in onto


@pytest.mark.external
@pytest.mark.skipif(
    not java_available(), reason="java not installed (scripts/install-system-deps.sh)"
)
def test_ontology_is_consistent_for_hermit(tbox):
    result = hermit(tbox)
    assert result.consistent, result.output
    assert result.unsatisfiable == [], result.output


@pytest.mark.external
@pytest.mark.skipif(
    not java_available(), reason="java not installed (scripts/install-system-deps.sh)"
)
def test_hermit_does_find_an_unsatisfiable_class(tbox):
    """The check above can fail: a class below two disjoint unit kinds is caught."""
    broken = Graph()
    for t in tbox:
        broken.add(t)
    bad = URIRef("https://w3id.org/netkg/synthetic/test/Impossible")
    broken.add((bad, RDF.type, OWL.Class))
    broken.add((bad, RDFS.subClassOf, NKG.Department))
    broken.add((bad, RDFS.subClassOf, NKG.Forum))
    result = hermit(broken)
    assert any("Impossible" in c for c in result.unsatisfiable), result.output


def test_turtle_prefixes_agree_with_the_iri_module():
    """The base IRI is decided in netkg.iris; every file's prefixes must say the same."""
    decl = re.compile(r"@prefix\s+(\w+):\s*<([^>]+)>")
    files = [s.path for s in default_sources()] + sorted((root() / "shapes").glob("*.ttl"))
    for path in files:
        for prefix, iri in decl.findall(path.read_text(encoding="utf-8")):
            if prefix in PREFIXES:
                assert iri == PREFIXES[prefix], f"{path.name}: {prefix}: <{iri}>"


def test_local_copies_of_sources_exist_and_match_their_checksums():
    data = Graph()
    for s in default_sources():
        parse_file(s.path, into=data)
    copies = list(data.subject_objects(NKG.localCopy))
    assert len(copies) >= 2
    for document, path in copies:
        file = root() / str(path)
        assert file.is_file(), f"{document}: {path} missing"
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        assert str(data.value(document, NKG.sha256)) == digest, f"{path} changed"


def test_the_seed_text_is_in_the_repository():
    seed = Path(root()) / "data" / "sources" / "000_ec5ca23fbc656b57.txt"
    text = seed.read_text(encoding="utf-8")
    assert "Mange og forskellige perspektiver gør os i stand til at se nye veje" in text
    assert "I 2013 blev der vedtaget en strategi for netværk" in text
