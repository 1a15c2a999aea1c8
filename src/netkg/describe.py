"""A VoID/DCAT description of the built dataset, kept in its own named graph.

It records, for every named graph, its size and — for a municipality graph — which municipality
it describes (dct:subject). Queries use that to scope "everything recorded about M" (for
example the documents cited in M's graph), and publishers get a standard dataset description.
"""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, XSD

from netkg import __version__
from netkg.iris import BASE, GRAPH, NKG

VOID = Namespace("http://rdfs.org/ns/void#")
DATASET = URIRef(BASE + "dataset")
DESCRIPTION_GRAPH = GRAPH["dataset"]
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; not in rdflib's DCAT
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")


def describe(graphs: dict[URIRef, Graph]) -> Graph:
    """The description of `graphs` (name → graph) as one VoID dataset with a subset per graph."""
    out = Graph()
    out.bind("void", VOID)
    out.bind("dcat", DCAT)
    out.bind("dct", DCTERMS)
    out.add((DATASET, RDF.type, VOID.Dataset))
    out.add((DATASET, RDF.type, DCAT.Dataset))
    out.add(
        (
            DATASET,
            DCTERMS.title,
            Literal("netkg – netværksbaserede kommuner og samskabelse", lang="da"),
        )
    )
    out.add(
        (
            DATASET,
            DCTERMS.title,
            Literal("netkg – network-based municipalities and co-creation", lang="en"),
        )
    )
    out.add((DATASET, RDFS.label, Literal("netkg-datasættet", lang="da")))
    out.add((DATASET, RDFS.label, Literal("the netkg dataset", lang="en")))
    out.add((DATASET, DCTERMS.license, LICENSE))
    out.add((DATASET, DCAT_VERSION, Literal(__version__)))
    out.add((DATASET, VOID.uriSpace, Literal(BASE + "id/")))
    out.add((DATASET, VOID.vocabulary, URIRef(str(NKG))))
    out.add(
        (DATASET, VOID.triples, Literal(sum(len(g) for g in graphs.values()), datatype=XSD.integer))
    )
    for name, graph in sorted(graphs.items()):
        out.add((DATASET, VOID.subset, name))
        out.add((name, RDF.type, VOID.Dataset))
        out.add((name, VOID.triples, Literal(len(graph), datatype=XSD.integer)))
        out.add((name, RDFS.label, Literal(str(name)[len(str(GRAPH)) :], lang="en")))
        for municipality in graph.subjects(RDF.type, NKG.Municipality):
            out.add((name, DCTERMS.subject, municipality))
    return out
