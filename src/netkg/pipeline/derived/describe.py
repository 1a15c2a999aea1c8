"""A VoID/DCAT description of the built dataset, kept in its own named graph.

It records, for every named graph, its size and — for a municipality graph — which municipality
it describes (dct:subject; not for graph/shared, whose list of all 98 only names them). Queries
use that to scope "everything recorded about M" (for example the documents cited in M's graph),
and publishers get a standard dataset description.
`publication()` adds what only a published copy knows: where its dumps and its SPARQL endpoint
are (`netkg serve` and `netkg site` add it to the same graph).
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, XSD

from netkg import __version__, iris
from netkg.iris import BASE, GRAPH, NKG

VOID = iris.VOID
DATASET = URIRef(BASE + "dataset")
DESCRIPTION_GRAPH = GRAPH["dataset"]
DCAT_VERSION = iris.DCAT["version"]  # DCAT 3; not in rdflib's DCAT
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
ENDPOINT = URIRef(BASE + "sparql")
DUMPS_PATH = "dumps/"
MEDIA_TYPES = Namespace("https://www.iana.org/assignments/media-types/")

# The dumps a published copy offers: file name → (media type, what it holds). Turtle,
# N-Triples and JSON-LD hold the union of the named graphs (those formats have no graphs).
DUMPS: dict[str, tuple[str, str]] = {
    "netkg.trig": ("application/trig", "all named graphs"),
    "netkg.nq": ("application/n-quads", "all named graphs"),
    "netkg.ttl": ("text/turtle", "the named graphs merged into one graph"),
    "netkg.nt": ("application/n-triples", "the named graphs merged into one graph"),
    "netkg.jsonld": ("application/ld+json", "the named graphs merged into one graph"),
}


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
        if name == GRAPH["shared"]:
            continue  # the list of all 98 names them; it does not describe them
        for municipality in graph.subjects(RDF.type, NKG.Municipality):
            out.add((name, DCTERMS.subject, municipality))
    return out


def publication(endpoint: URIRef | None = ENDPOINT, dumps: Iterable[str] = tuple(DUMPS)) -> Graph:
    """Where a published copy can be downloaded and queried, in VoID and DCAT.

    Dumps live under BASE + "dumps/" and the distributions are hash IRIs of the dataset, so
    publishing adds no new resource pages; the endpoint is a URL (a SPARQL service, not a page).
    """
    out = Graph()
    out.bind("void", VOID)
    out.bind("dcat", DCAT)
    out.bind("dct", DCTERMS)
    out.add((DATASET, DCAT.landingPage, URIRef(BASE)))
    for name in dumps:
        media_type, holds = DUMPS[name]
        url = URIRef(BASE + DUMPS_PATH + name)
        distribution = URIRef(f"{DATASET}#dump-{name.rsplit('.', 1)[1]}")
        out.add((DATASET, VOID.dataDump, url))
        out.add((DATASET, DCAT.distribution, distribution))
        out.add((distribution, RDF.type, DCAT.Distribution))
        out.add((distribution, DCAT.downloadURL, url))
        out.add((distribution, DCAT.accessURL, url))
        out.add((distribution, DCAT.mediaType, MEDIA_TYPES[media_type]))
        out.add((distribution, DCTERMS.license, LICENSE))
        title = Literal(f"{name} ({__version__}): {holds}", lang="en")
        out.add((distribution, DCTERMS.title, title))
    if endpoint is not None:
        service = URIRef(f"{DATASET}#sparql")
        distribution = URIRef(f"{DATASET}#sparql-endpoint")
        out.add((DATASET, VOID.sparqlEndpoint, endpoint))
        out.add((service, RDF.type, DCAT.DataService))
        out.add((service, DCAT.endpointURL, endpoint))
        out.add((service, DCAT.servesDataset, DATASET))
        out.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
        out.add((service, DCTERMS.license, LICENSE))
        out.add((service, DCTERMS.title, Literal("netkg SPARQL endpoint (read-only)", lang="en")))
        out.add((DATASET, DCAT.distribution, distribution))
        out.add((distribution, RDF.type, DCAT.Distribution))
        out.add((distribution, DCAT.accessURL, endpoint))
        out.add((distribution, DCAT.accessService, service))
        out.add((distribution, DCTERMS.license, LICENSE))
    return out


def vocabulary() -> frozenset[URIRef]:
    """The properties and classes the description (and a publication's) is written in, which
    queries may use though the ontology does not define them (dct:subject, void:triples…)."""
    sample = Graph()
    sample.add((DATASET, RDF.type, NKG.Municipality))  # a graph that describes a municipality
    written = describe({GRAPH["municipality/sample"]: sample}) + publication()
    terms = {p for _, p, _ in written} | set(written.objects(None, RDF.type))
    return frozenset(t for t in terms if isinstance(t, URIRef))
