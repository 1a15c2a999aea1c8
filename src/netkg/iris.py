"""The one place where netkg's IRIs are decided.

Everything netkg mints lives under BASE, a w3id.org address a publisher can register a redirect
for. Turtle files repeat these prefixes (Turtle has no import); a test checks that they agree
with this module, so changing BASE here and in the files is the whole move.
"""

from rdflib import Namespace, URIRef

BASE = "https://w3id.org/netkg/"

NKG = Namespace(BASE + "ontology#")
ONTOLOGY = URIRef(BASE + "ontology")
VOCAB = Namespace(BASE + "vocab/")
ID = Namespace(BASE + "id/")
MUN = Namespace(BASE + "id/municipality/")
DOC = Namespace(BASE + "id/document/")
PERSON = Namespace(BASE + "id/person/")
GRAPH = Namespace(BASE + "graph/")
SHAPES = Namespace(BASE + "shapes#")
SYNTHETIC = Namespace(BASE + "synthetic/")

ORG = Namespace("http://www.w3.org/ns/org#")
CPOV = Namespace("http://data.europa.eu/m8g/")
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")
SCHEMA = Namespace("https://schema.org/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
# owlrl reports an inconsistency as a triple in its own error vocabulary
OWLRL_ERROR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

# Prefixes offered to every query and used when writing Turtle. A catalogue query declares its
# own PREFIX lines as well, so it runs unchanged in any SPARQL client.
PREFIXES: dict[str, str] = {
    "nkg": str(NKG),
    "mun": str(MUN),
    "doc": str(DOC),
    "person": str(PERSON),
    "id": str(ID),
    "vocab": str(VOCAB),
    "uk": BASE + "vocab/unit-kind/",
    "role": BASE + "vocab/role/",
    "conf": BASE + "vocab/confidence/",
    "ant": BASE + "vocab/albertslund-network-type/",
    "nab": BASE + "vocab/nabatchi-2017/",
    "lfr": BASE + "vocab/loeffler-2021/",
    "tsr": BASE + "vocab/torfing-2019/",
    "agt": BASE + "vocab/agger-tortzen-2015/",
    "arn": BASE + "vocab/arnstein-1969/",
    "codebook": BASE + "vocab/codebook/",
    "schemestatus": BASE + "vocab/scheme-status/",
    "policykind": BASE + "vocab/policy-kind/",
    "councilkind": BASE + "vocab/council-kind/",
    "absencekind": BASE + "vocab/absence-kind/",
    "searchsource": BASE + "vocab/search-source/",
    "searchresult": BASE + "vocab/search-result/",
    "cellstate": BASE + "vocab/cell-state/",
    "place": BASE + "id/place/",
    "orgid": BASE + "id/organisation/",
    "gap": BASE + "id/gap/",
    "alb": BASE + "id/albertslund/",
    "graph": str(GRAPH),
    "org": str(ORG),
    "cpov": str(CPOV),
    "prov": str(PROV),
    "time": str(TIME),
    "schema": str(SCHEMA),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}

INFERRED_GRAPH = GRAPH["inferred"]
XSD_STRING = PREFIXES["xsd"] + "string"
RDF_LANGSTRING = PREFIXES["rdf"] + "langString"

# Namespaces under id/ that hold one kind of thing rather than one municipality's resources.
ID_KINDS = {ns[len(str(ID)) :].rstrip("/") for ns in PREFIXES.values() if ns.startswith(str(ID))}


def compact(iri: str) -> str | None:
    """The prefixed name a person reads for an IRI, or None if none fits.

    The longest matching namespace of PREFIXES wins; beyond those, each municipality's own
    namespace id/<name>/ compacts as `<name>:` (as its Turtle file declares it), so every
    municipality's items print alike (Albertslund's keep their established `alb:`).
    """
    best = max(
        ((p, ns) for p, ns in PREFIXES.items() if iri.startswith(ns)),
        key=lambda pn: len(pn[1]),
        default=None,
    )
    if best is not None and best[0] != "id" and _plain_local(iri[len(best[1]) :]):
        return f"{best[0]}:{iri[len(best[1]) :]}"
    if iri.startswith(str(ID)):
        name, sep, local = iri[len(str(ID)) :].partition("/")
        if sep and name not in ID_KINDS and _plain_local(name) and _plain_local(local):
            return f"{name}:{local}"
    if best is not None and _plain_local(iri[len(best[1]) :]):
        return f"{best[0]}:{iri[len(best[1]) :]}"
    return None


def expand(name: str) -> str | None:
    """The IRI a prefixed name stands for, the inverse of `compact`: a prefix of PREFIXES, else
    a municipality's own namespace (`gentofte:model-x` is id/gentofte/model-x); None when the
    text is no prefixed name netkg could have printed (an IRI scheme such as http://)."""
    prefix, sep, local = name.partition(":")
    if not sep or local.startswith("//"):
        return None
    if prefix in PREFIXES:
        return PREFIXES[prefix] + local
    if _plain_local(prefix) and prefix not in ID_KINDS and prefix != "id":
        return f"{ID}{prefix}/{local}"
    return None


def is_municipal_prefix(prefix: str) -> bool:
    """Whether `prefix` is read as a municipality's own namespace (not one of PREFIXES)."""
    return prefix not in PREFIXES and expand(prefix + ":x") is not None


def _plain_local(local: str) -> bool:
    return bool(local) and all(ch.isalnum() or ch in "-_" for ch in local)
