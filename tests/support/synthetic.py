"""Synthetic municipalities for benchmarks and differential tests (never real places or people).

They live in https://w3id.org/netkg/synthetic/bench/ and are shaped like Albertslund: director
areas with departments, networks with leaders and member units across pillars, posts and
tenures, documents, a co-creation model. About 540 asserted triples each. With `seeded`, every
tenth municipality carries a few deliberate mistakes (a network without a type, a unit of two
kinds, a document without a title, a malformed code) so a validator has something to find.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from netkg.iris import DOC, NKG, ORG, PREFIXES, SYNTHETIC, TIME

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
TRIPLES_PER_MUNICIPALITY = 540


def municipality(m: int, seeded: bool = False) -> list[ox.Triple]:
    """The triples of synthetic municipality number `m`."""
    out: list[ox.Triple] = []
    n = ox.NamedNode
    ns = f"{SYNTHETIC}bench/m{m:04d}/"
    typ = n(_RDF + "type")
    label = n(_RDFS + "label")
    dct = PREFIXES["dct"]
    foaf = PREFIXES["foaf"]
    doc = n(ns + "doc")

    def t(s: ox.NamedNode | ox.BlankNode, p: str, o: object) -> None:
        out.append(ox.Triple(s, n(p), o))

    def labelled(node: ox.NamedNode, da: str, en: str, *types: str) -> None:
        for c in types:
            t(node, typ.value, n(c))
        t(node, label.value, ox.Literal(da, language="da"))
        t(node, label.value, ox.Literal(en, language="en"))
        t(node, dct + "source", doc)

    def year(value: int) -> ox.Literal:
        return ox.Literal(str(value), datatype=n(_XSD + "gYear"))

    bad = seeded and m % 10 == 3
    for c in (foaf + "Document", PREFIXES["schema"] + "WebPage"):
        t(doc, typ.value, n(c))
    t(doc, label.value, ox.Literal(f"Kilde {m}", language="da"))
    t(doc, label.value, ox.Literal(f"Source {m}", language="en"))
    if not bad:
        t(doc, dct + "title", ox.Literal(f"Kilde {m}", language="da"))
    t(doc, PREFIXES["schema"] + "url", n(f"https://example.org/bench/{m}"))
    t(doc, dct + "source", n(str(DOC["netkg-domain-brief"])))
    mun = n(ns + "municipality")
    labelled(mun, f"Kommune {m}", f"Municipality {m}", NKG + "Municipality")
    code = f"{9000 + m % 1000:04d}" if not bad else f"x{m}"
    t(mun, NKG + "municipalityCode", ox.Literal(code))
    structure = n(ns + "structure")
    labelled(structure, "Netværksstruktur", "Network structure", NKG + "NetworkStructure")
    t(mun, NKG + "hasNetworkStructure", structure)
    departments = []
    for a in range(3):
        area = n(ns + f"area-{a}")
        labelled(area, f"Område {a}", f"Area {a}", NKG + "DirectorArea")
        t(area, ORG + "classification", n(PREFIXES["uk"] + "director-area"))
        t(area, ORG + "subOrganizationOf", mun)
        for d in range(5):
            dep = n(ns + f"dep-{a}-{d}")
            labelled(dep, f"Afdeling {a}.{d}", f"Department {a}.{d}", NKG + "Department")
            t(dep, ORG + "classification", n(PREFIXES["uk"] + "department"))
            if bad and a == 0 and d == 0:
                t(dep, typ.value, n(NKG + "Forum"))
            t(dep, ORG + "subOrganizationOf", area)
            departments.append(dep)
            post = n(ns + f"post-{a}-{d}")
            labelled(post, f"Leder {a}.{d}", f"Head {a}.{d}", ORG + "Post")
            t(post, ORG + "postIn", dep)
            t(post, ORG + "role", n(PREFIXES["role"] + "leder"))
            person = n(ns + f"person-{a}-{d}")
            t(person, typ.value, n(foaf + "Person"))
            t(person, foaf + "name", ox.Literal(f"Person {m}-{a}-{d}"))
            t(person, dct + "source", doc)
            tenure = n(ns + f"tenure-{a}-{d}")
            labelled(tenure, f"Periode {a}.{d}", f"Tenure {a}.{d}", NKG + "Tenure")
            t(tenure, ORG + "member", person)
            t(tenure, NKG + "post", post)
            t(tenure, ORG + "organization", dep)
            interval = ox.BlankNode()
            start = ox.BlankNode()
            t(tenure, ORG + "memberDuring", interval)
            t(interval, typ.value, n(TIME + "Interval"))
            t(interval, TIME + "hasBeginning", start)
            t(start, typ.value, n(TIME + "Instant"))
            t(start, TIME + "inXSDgYear", year(2010 + d))
    for k in range(8):
        net = n(ns + f"network-{k}")
        labelled(net, f"Netværk {k}", f"Network {k}", NKG + "Network")
        t(structure, NKG + "hasNetwork", net)
        kind = "velfaerdsnetvaerk" if k % 3 else "innovationsnetvaerk"
        if not (bad and k == 0):
            t(net, ORG + "classification", n(PREFIXES["ant"] + kind))
        t(net, NKG + "startYear", year(2014 + k % 5))
        t(net, NKG + "ledBy", n(ns + f"person-{k % 3}-{k % 5}"))
        for j in range(3):
            t(net, ORG + "hasMember", departments[(k * 4 + j * 5) % len(departments)])
    model = n(ns + "model")
    labelled(model, "Model", "Model", NKG + "CoCreationModel")
    t(model, NKG + "adoptedBy", mun)
    t(model, NKG + "adoptionYear", year(2012 + m % 10))
    t(model, NKG + "legalBasis", n(NKG + "styrelseslovenParagraph17Stk4"))
    return out


def write(folder: Path, count: int, seeded: bool = False, first: int = 0) -> list[Path]:
    """Write `count` synthetic municipality files (Turtle) into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    prefixes = {k: v for k, v in PREFIXES.items() if k in ("rdf", "rdfs", "xsd", "nkg", "org")}
    for m in range(first, first + count):
        path = folder / f"{9000 + m % 1000:04d}-bench-{m:04d}.ttl"
        ox.serialize(municipality(m, seeded), str(path), ox.RdfFormat.TURTLE, prefixes=prefixes)
        paths.append(path)
    return paths
