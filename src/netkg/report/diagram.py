"""Drawing a municipality's organisation: the pillars as a hierarchy, the networks across them.

Graphviz (`dot`) does the layout; this module only turns the graph into a dot description:
each pillar (director area) is a cluster with its departments; units whose pillar the sources do
not give stand apart; staff units and forums sit beside the pillars; the networks form a band
below, linked to their member units with dashed edges, so the lines that cut across pillars are
visible — as in the organisation chart the seed page refers to.
"""

from __future__ import annotations

import argparse
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from netkg.errors import UsageError

if TYPE_CHECKING:  # the API pulls in pyshacl; `netkg --help` should not
    from netkg.api import KnowledgeGraph

_UNITS = """
SELECT ?unit ?label ?kind ?parent WHERE {
  ?unit a org:OrganizationalUnit ; org:transitiveSubOrganizationOf ?m ;
        org:subOrganizationOf ?parent ; org:classification ?k .
  ?k skos:inScheme <https://w3id.org/netkg/vocab/unit-kind> ; skos:notation ?kind .
  OPTIONAL { ?unit rdfs:label ?label FILTER (LANG(?label) = ?lang) }
}"""
_NETWORKS = """
SELECT ?network ?label ?type ?parent WHERE {
  ?m nkg:hasNetworkStructure ?s .
  ?network a nkg:Network ; org:transitiveSubOrganizationOf ?s .
  OPTIONAL { ?network rdfs:label ?label FILTER (LANG(?label) = ?lang) }
  OPTIONAL { ?network org:classification/skos:prefLabel ?type FILTER (LANG(?type) = ?lang) }
  OPTIONAL { ?network nkg:subNetworkOf ?parent }
}"""
_MEMBERS = """
SELECT ?network ?unit WHERE {
  ?m nkg:hasNetworkStructure ?s .
  ?network org:transitiveSubOrganizationOf ?s ; org:hasMember ?unit .
}"""
_HEAD = """
SELECT ?label ?structure ?structureLabel ?secretariat WHERE {
  ?m rdfs:label ?label FILTER (LANG(?label) = ?lang)
  OPTIONAL { ?m nkg:hasNetworkStructure ?structure .
             OPTIONAL { ?structure nkg:hasSecretariat ?secretariat } }
  OPTIONAL { ?m nkg:hasNetworkStructure/rdfs:label ?structureLabel
             FILTER (LANG(?structureLabel) = ?lang) }
}"""
_TEXT = {
    "da": {
        "unknown": "Søjle ikke oplyst",
        "staff": "Stab, sekretariater og fora",
        "networks": "Netværksstrukturen",
        "no_members": "medlemsenheder ikke oplyst",
        "pillar": "Søjle",
        "title": "søjler og netværk",
        "as_of": "pr.",
        "unknown_date": "ukendt på datoen",
    },
    "en": {
        "unknown": "Pillar not given",
        "staff": "Staff units, secretariats and forums",
        "networks": "The network structure",
        "no_members": "member units not given",
        "pillar": "Pillar",
        "title": "pillars and networks",
        "as_of": "as of",
        "unknown_date": "unknown on that day",
    },
}
_NETWORK_COLOURS = ["#f6bd60", "#9fd8cb", "#f5cac3", "#cdb4db", "#bde0fe", "#e9edc9"]


def dot_source(
    kg: KnowledgeGraph, municipality: str, lang: str = "da", as_of: str | None = None
) -> str:
    """The municipality's organisation as a graphviz dot description; with `as_of`, as it
    stood that day (the as-of query): what did not hold is left out, what is unknown is
    marked (?)."""
    import graphviz

    from netkg.query.catalogue import find_query

    param = next(p for p in find_query("networks").params if p.name == "municipality")
    m = param.to_term(municipality)
    bind = {"m": m, "lang": _lang(lang)}
    head = kg.engine.query(_HEAD, bind).table.records()
    if not head:
        raise UsageError(f"no municipality {municipality!r} in the graph")
    text = _TEXT[lang]
    units = kg.engine.query(_UNITS, bind).table.records()
    networks = kg.engine.query(_NETWORKS, bind).table.records()
    members = kg.engine.query(_MEMBERS, bind).table.records()
    status: dict[str, str] = {}
    if as_of:
        answer = kg.query("as-of", municipality=str(m), asOf=as_of, lang=lang)
        status = {str(r["thing"]): str(r["status"]) for r in answer.records()}
        units = [u for u in units if str(u["unit"]) in status]
        networks = [n for n in networks if str(n["network"]) in status]
        if str(head[0]["structure"]) not in status:
            networks = []

    def mark(thing: object) -> str:
        return "\\n(?)" if status.get(str(thing)) == "unknown" else ""

    g = graphviz.Digraph(
        "organisation",
        graph_attr={
            "rankdir": "TB",
            "fontname": "Helvetica",
            "fontsize": "12",
            "compound": "true",
            "nodesep": "0.25",
            "ranksep": "0.6",
            "labelloc": "t",
            "label": f"{head[0]['label']}: {text['title']}"
            + (f" ({text['as_of']} {as_of}; (?) = {text['unknown_date']})" if as_of else ""),
        },
    )
    g.attr(
        "node",
        shape="box",
        style="rounded,filled",
        fontname="Helvetica",
        fontsize="10",
        fillcolor="white",
    )
    g.attr("edge", color="#555555", arrowhead="none")
    root = _id(m)
    g.node(root, str(head[0]["label"]), fillcolor="#1f4e79", fontcolor="white", fontsize="13")

    by_id = {str(u["unit"]): u for u in units}
    children: dict[str, list[dict]] = defaultdict(list)
    for u in units:
        children[str(u["parent"])].append(u)
    areas = [u for u in units if str(u["kind"]) == "director-area"]

    def label(u: dict) -> str:
        return _wrap(str(u["label"] or u["unit"])) + mark(u["unit"])

    def add_subtree(graph, parent: dict) -> None:
        for child in sorted(children[str(parent["unit"])], key=lambda c: str(c["label"])):
            graph.node(_id(child["unit"]), label(child), fillcolor=_fill(child["kind"]))
            g.edge(_id(parent["unit"]), _id(child["unit"]))
            add_subtree(graph, child)

    for area in sorted(areas, key=lambda a: str(a["label"])):
        with g.subgraph(name=f"cluster_{_id(area['unit'])}") as c:
            c.attr(label=f"{text['pillar']}: {label(area)}", style="rounded", color="#1f4e79")
            c.node(_id(area["unit"]), label(area), fillcolor="#dbe8f5")
            add_subtree(c, area)
        g.edge(root, _id(area["unit"]))

    loose = [u for u in children[str(m)] if str(u["kind"]) == "department"]
    if loose:
        with g.subgraph(name="cluster_unknown") as c:
            c.attr(label=text["unknown"], style="rounded,dashed", color="#999999")
            for u in sorted(loose, key=lambda u: str(u["label"])):
                c.node(_id(u["unit"]), label(u), fillcolor=_fill(u["kind"]))
                add_subtree(c, u)
        for u in loose:
            g.edge(root, _id(u["unit"]), style="dashed", color="#999999")
    staff = [u for u in children[str(m)] if str(u["kind"]) in ("secretariat", "forum")]
    if staff:
        with g.subgraph(name="cluster_staff") as c:
            c.attr(label=text["staff"], style="rounded", color="#6c757d")
            for u in sorted(staff, key=lambda u: (str(u["kind"]), str(u["label"]))):
                c.node(_id(u["unit"]), label(u), fillcolor=_fill(u["kind"]))
                add_subtree(c, u)
        for u in staff:
            g.edge(root, _id(u["unit"]))

    if networks:
        structure = head[0]["structure"]
        types = sorted({str(n["type"]) for n in networks if n["type"] is not None})
        colour = {t: _NETWORK_COLOURS[i % len(_NETWORK_COLOURS)] for i, t in enumerate(types)}
        has_members = {str(r["network"]) for r in members}
        with g.subgraph(name="cluster_networks") as c:
            c.attr(
                label=str(head[0]["structureLabel"] or text["networks"]),
                style="rounded,dashed",
                color="#e76f51",
            )
            c.node(_id(structure), text["networks"], shape="ellipse", fillcolor="#fde2d4")
            for n in sorted(networks, key=lambda n: (n["parent"] is not None, str(n["label"]))):
                kind = str(n["type"]) if n["type"] is not None else ""
                note = (
                    ""
                    if str(n["network"]) in has_members or n["parent"] is not None
                    else (f"\\n({text['no_members']})")
                )
                subtitle = f"\\n[{kind}]" if kind else ""
                c.node(
                    _id(n["network"]),
                    f"{_wrap(str(n['label']))}{subtitle}{note}{mark(n['network'])}",
                    shape="ellipse",
                    fillcolor=colour.get(kind, "#f1f1f1"),
                    fontsize="9",
                )
                parent = n["parent"] if n["parent"] is not None else structure
                c.edge(_id(parent), _id(n["network"]), color="#e76f51")
        g.edge(root, _id(structure), style="dotted", color="#e76f51", constraint="false")
        # the network band goes below the pillars: every top unit pulls the structure down
        for u in children[str(m)]:
            g.edge(_id(u["unit"]), _id(structure), style="invis")
        secretariat = head[0]["secretariat"]
        if secretariat is not None and str(secretariat) in by_id:
            g.edge(
                _id(structure),
                _id(secretariat),
                style="dotted",
                color="#e76f51",
                constraint="false",
            )
        for r in members:
            if str(r["unit"]) in by_id:
                g.edge(
                    _id(r["network"]),
                    _id(r["unit"]),
                    style="dashed",
                    color="#e76f51",
                    constraint="false",
                )
    return g.source


def render(
    kg: KnowledgeGraph,
    municipality: str,
    out_stem: Path,
    lang: str = "da",
    as_of: str | None = None,
) -> list[Path]:
    """SVG and PNG files of the diagram, written atomically next to each other."""
    import graphviz

    from netkg.atomic import write_all

    source = graphviz.Source(dot_source(kg, municipality, lang, as_of))
    try:
        svg = source.pipe(format="svg")
        png = source.pipe(format="png")
    except graphviz.ExecutableNotFound:
        raise UsageError(
            "graphviz's `dot` is not installed (Debian: apt install graphviz)"
        ) from None
    return write_all({out_stem.with_suffix(".svg"): svg, out_stem.with_suffix(".png"): png})


def _lang(lang: str):
    from rdflib import Literal

    return Literal(lang)


def _id(term: object) -> str:
    return "n" + str(abs(hash(str(term))))


def _fill(kind: object) -> str:
    return {
        "director-area": "#dbe8f5",
        "department": "#ffffff",
        "secretariat": "#eef6e9",
        "forum": "#f3eefa",
    }.get(str(kind), "#ffffff")


def _wrap(text: str, width: int = 24) -> str:
    return "\\n".join(textwrap.wrap(text, width)) or text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("diagram", help="draw a municipality's organisation as SVG and PNG")
    p.add_argument("municipality", help="short name, e.g. albertslund")
    p.add_argument(
        "--out", type=Path, help="output file stem (default: <municipality>-organisation)"
    )
    p.add_argument("--lang", choices=("da", "en"), default="da", help="language of the labels")
    p.add_argument("--engine", choices=("rdflib", "oxigraph"), default="rdflib")
    p.add_argument(
        "--as-of", metavar="YYYY[-MM[-DD]]", help="the organisation as it stood that day"
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from netkg.api import KnowledgeGraph
    from netkg.pipeline.build import open_store

    kg = KnowledgeGraph(open_store(args.engine))
    stem = args.out or Path(f"{args.municipality.split(':')[-1]}-organisation")
    written = render(kg, args.municipality, stem, args.lang, args.as_of)
    print("wrote " + ", ".join(str(p) for p in written))
    return 0
