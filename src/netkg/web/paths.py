"""Where published things live on the web, and which form of a resource a client gets.

Every IRI netkg mints is under BASE, a w3id.org address that redirects to wherever netkg is
published. Published, BASE is the root of a server or site, so `…/id/albertslund/x` is served
at `/id/albertslund/x` — `netkg serve` answers there, `netkg site` writes `id/albertslund/x.html`
(and `.ttl`, `.jsonld`, `.nt`) there. A resource is a subject IRI under BASE without a fragment
or query; hash IRIs (`…/ontology#Network`, `…/dataset#sparql`) are described on the page of the
IRI before the `#`, as a browser dereferencing them expects.
"""

from __future__ import annotations

from dataclasses import dataclass

from netkg.iris import BASE
from netkg.negotiation import negotiate

HTML = "text/html"


@dataclass(frozen=True)
class RdfForm:
    """One RDF serialisation offered for a resource: file suffix, media type, rdflib format."""

    suffix: str
    media_type: str
    rdflib_format: str
    label: str
    names: tuple[str, ...]


RDF_FORMS: tuple[RdfForm, ...] = (
    RdfForm("ttl", "text/turtle", "turtle", "Turtle", ("ttl", "turtle")),
    RdfForm("jsonld", "application/ld+json", "json-ld", "JSON-LD", ("jsonld", "json-ld", "json")),
    RdfForm("nt", "application/n-triples", "nt", "N-Triples", ("nt", "ntriples", "n-triples")),
    # RDF/XML: what OWL tools such as owlready2 and Protégé read (the site's ontology.owl too)
    RdfForm("rdf", "application/rdf+xml", "xml", "RDF/XML", ("rdf", "rdfxml", "rdf-xml", "owl")),
)
FORM_BY_SUFFIX = {f.suffix: f for f in RDF_FORMS}

# What a client may ask for (Accept) and which form answers; the order is the server's
# preference when a client accepts several equally (a browser's */* gets HTML).
_OFFERS: tuple[tuple[str, str], ...] = (
    (HTML, "html"),
    ("application/xhtml+xml", "html"),
    ("text/turtle", "ttl"),
    ("application/x-turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "rdf"),
    ("text/plain", "nt"),
)


def local_path(iri: str) -> str | None:
    """The path of an IRI under BASE, without a leading slash ('' for BASE); None elsewhere."""
    return iri[len(BASE) :] if iri.startswith(BASE) else None


def iri_at(path: str) -> str:
    """The IRI served at a local path (with or without its leading slash)."""
    return BASE + path.lstrip("/")


def is_resource_iri(iri: str) -> bool:
    """Whether an IRI gets its own page: under BASE, with a path, no fragment, no query."""
    path = local_path(iri)
    return bool(path) and "#" not in path and "?" not in path and not path.endswith("/")  # type: ignore[operator,union-attr]


def form_named(name: str | None) -> str | None:
    """'html' or an RDF suffix for a `?format=` value or file suffix; None if unknown."""
    if not name:
        return None
    name = name.lower().lstrip(".")
    if name in ("html", "htm"):
        return "html"
    for form in RDF_FORMS:
        if name in form.names:
            return form.suffix
    return None


def negotiate_form(accept: str | None) -> str | None:
    """'html' or an RDF suffix for an Accept header; None if nothing offered is acceptable."""
    chosen = negotiate(accept, [media for media, _ in _OFFERS])
    return dict(_OFFERS)[chosen] if chosen else None
