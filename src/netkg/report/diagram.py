"""Drawing a municipality's organisation: the pillars as a hierarchy, the networks across them.

Graphviz (`dot`) does the layout; this module only turns the graph into a dot description:
each pillar (director area) is a cluster with its departments; units whose pillar the sources do
not give stand apart; staff units and forums sit beside the pillars; the networks form a band
below, linked to their member units with dashed edges, so the lines that cut across pillars are
visible — as in the organisation chart the seed page refers to.
"""

from __future__ import annotations

import argparse
import hashlib
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netkg.errors import UsageError
from netkg.options import add_source_options

if TYPE_CHECKING:  # the API pulls in pyshacl; `netkg --help` should not
    from netkg.query.graph import KnowledgeGraph

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
_UNTYPED = "#f1f1f1"
_NETWORK_COLOURS = ["#f6bd60", "#9fd8cb", "#f5cac3", "#cdb4db", "#bde0fe", "#e9edc9"]


# A4 landscape in inches: graphviz scales a larger drawing down to this, so the layout is kept
# narrow (rows of at most _ROW boxes) and the fonts large enough to stay readable once scaled.
A4_LANDSCAPE = "11.7,8.3"
PNG_DPI = "150"
_ROW = 3  # networks per row
_UNIT_ROW = 2  # units per row inside a box
_FONT = "Helvetica"


def dot_source(
    kg: KnowledgeGraph, municipality: str, lang: str = "en", as_of: str | None = None
) -> str:
    """The municipality's organisation as a graphviz dot description; with `as_of`, as it
    stood that day (the as-of query): what did not hold is left out, what is unknown is
    marked (?)."""
    import graphviz

    from netkg.query.catalogue import find_query

    param = next(p for p in find_query("networks").params if p.name == "municipality")
    m = param.to_term(municipality)
    bind: dict[str, Any] = {"municipality": str(m), "lang": lang}
    head = kg.query("diagram-head", **bind).records()
    if not head:
        raise UsageError(f"no municipality {municipality!r} in the graph")
    text = _TEXT[lang]
    # sorted: the engine's row order may vary from run to run, the drawing must not
    units = _sorted(kg.query("diagram-units", **bind).records())
    networks = _sorted(kg.query("diagram-networks", **bind).records())
    members = _sorted(kg.query("diagram-members", municipality=str(m)).records())
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
            "size": A4_LANDSCAPE,
            "ratio": "compress",
            "fontname": _FONT,
            "fontsize": "20",
            "compound": "true",
            "newrank": "true",
            "ordering": "out",
            "nodesep": "0.3",
            "ranksep": "0.45",
            "labelloc": "t",
            "label": f"{head[0]['label']}: {text['title']}"
            + (f" ({text['as_of']} {as_of}; (?) = {text['unknown_date']})" if as_of else ""),
        },
    )
    g.attr("node", shape="box", style="rounded,filled", fontname=_FONT, fontsize="14")
    g.attr("node", fillcolor="white", margin="0.15,0.06")
    g.attr("edge", color="#555555", arrowhead="none")
    root = _id(m)
    g.node(root, str(head[0]["label"]), fillcolor="#1f4e79", fontcolor="white", fontsize="18")

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

    def cluster(name: str, title: str, nodes: list[dict], **attrs: str) -> None:
        """A box of units in rows of at most _ROW, hung from the root by one edge that ends at
        the box's border (so no line crosses its title)."""
        with g.subgraph(name=name) as c:
            c.attr(label=title, fontsize="15", margin="12", **attrs)
            for u in nodes:
                c.node(_id(u["unit"]), label(u), fillcolor=_fill(u["kind"]))
                add_subtree(c, u)
            _rows_of(c, [_id(u["unit"]) for u in nodes], _UNIT_ROW)
        style = "dashed" if "dashed" in attrs.get("style", "") else "solid"
        g.edge(root, _id(nodes[0]["unit"]), lhead=name, style=style, color=attrs["color"])

    for area in sorted(areas, key=lambda a: str(a["label"])):
        title = f"{text['pillar']}: {label(area)}"
        cluster(f"cluster_{_id(area['unit'])}", title, [area], style="rounded", color="#1f4e79")

    loose = sorted(
        (u for u in children[str(m)] if str(u["kind"]) == "department"),
        key=lambda u: str(u["label"]),
    )
    if loose:
        cluster("cluster_unknown", text["unknown"], loose, style="rounded,dashed", color="#999999")
    staff = sorted(
        (u for u in children[str(m)] if str(u["kind"]) in ("secretariat", "forum")),
        key=lambda u: (str(u["kind"]), str(u["label"])),
    )
    if staff:
        cluster("cluster_staff", text["staff"], staff, style="rounded", color="#6c757d")

    colour: dict[str, str] = {}
    if networks:
        structure = head[0]["structure"]
        types = sorted({str(n["type"]) for n in networks if n["type"] is not None})
        colour = {t: _NETWORK_COLOURS[i % len(_NETWORK_COLOURS)] for i, t in enumerate(types)}
        has_members = {str(r["network"]) for r in members}
        ordered = sorted(networks, key=lambda n: (n["parent"] is not None, str(n["label"])))
        with g.subgraph(name="cluster_networks") as c:
            c.attr(
                label=str(head[0]["structureLabel"] or text["networks"]),
                style="rounded,dashed",
                color="#e76f51",
                fontsize="15",
                margin="12",
            )
            c.node(_id(structure), text["networks"], shape="ellipse", fillcolor="#fde2d4")
            for n in ordered:
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
                    style="filled,dashed",
                    color="#b5533a",
                    fillcolor=colour.get(kind, _UNTYPED),
                    fontsize="13",
                )
                parent = n["parent"] if n["parent"] is not None else structure
                c.edge(_id(parent), _id(n["network"]), color="#e76f51")
            _rows_of(c, [_id(n["network"]) for n in ordered if n["parent"] is None], _ROW)
        # the network band goes below the pillars: every top unit pulls the structure down
        for u in children[str(m)]:
            g.edge(_id(u["unit"]), _id(structure), style="invis")
        secretariat = head[0]["secretariat"]
        if secretariat is not None and str(secretariat) in by_id:
            g.edge(  # from the band's border, so it crosses no title
                _id(structure),
                _id(secretariat),
                ltail="cluster_networks",
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
    with g.subgraph(name="legend_rank") as top:
        top.attr(rank="same")
        top.node(root)
        top.node("legend", _legend(lang, colour), shape="plaintext", style="", fontsize="12")
    return g.source


def _rows_of(graph, ids: list[str], width: int) -> None:
    """Lay the nodes out in rows of at most `width` (invisible edges down each column)."""
    for above, below in zip(ids, ids[width:], strict=False):
        graph.edge(above, below, style="invis")


_LEGEND = {
    "da": {
        "title": "Forklaring",
        "pillar": "Søjle (direktørområde)",
        "department": "Afdeling / center",
        "secretariat": "Sekretariat",
        "forum": "Forum",
        "line": "linje i søjlen",
        "member": "enhed er medlem af netværket",
        "secretariat_of": "netværksstrukturens sekretariat",
        "network": "Netværk",
        "untyped": "Undernetværk / netværk uden type",
    },
    "en": {
        "title": "Key",
        "pillar": "Pillar (director area)",
        "department": "Department / centre",
        "secretariat": "Secretariat",
        "forum": "Forum",
        "line": "line within the pillars",
        "member": "unit is a member of the network",
        "secretariat_of": "secretariat of the network structure",
        "network": "Network",
        "untyped": "Sub-network / network without a type",
    },
}


def _legend(lang: str, network_colours: dict[str, str]) -> str:
    """The key to the drawing as a graphviz HTML-like label: box colours, network types, lines."""
    from html import escape

    words = _LEGEND[lang]

    def swatch(fill: str, text: str) -> str:
        return (
            f'<TR><TD BGCOLOR="{fill}" BORDER="1" WIDTH="28"> </TD>'
            f'<TD ALIGN="LEFT">{escape(text)}</TD></TR>'
        )

    def line(pattern: str, colour: str, text: str) -> str:
        return (
            f'<TR><TD><FONT COLOR="{colour}"><B>{pattern}</B></FONT></TD>'
            f'<TD ALIGN="LEFT">{escape(text)}</TD></TR>'
        )

    rows = [
        f'<TR><TD COLSPAN="2" ALIGN="LEFT"><B>{escape(words["title"])}</B></TD></TR>',
        swatch(_fill("director-area"), words["pillar"]),
        swatch(_fill("department"), words["department"]),
        swatch(_fill("secretariat"), words["secretariat"]),
        swatch(_fill("forum"), words["forum"]),
        *(swatch(c, f"{words['network']}: {t}") for t, c in network_colours.items()),
        *([swatch(_UNTYPED, words["untyped"])] if network_colours else []),
        line("——", "#555555", words["line"]),
        line("– – –", "#e76f51", words["member"]),
        line("· · · ·", "#e76f51", words["secretariat_of"]),
    ]
    return (
        '<<TABLE BORDER="1" COLOR="#999999" CELLBORDER="0" CELLSPACING="2" CELLPADDING="3">'
        + "".join(rows)
        + "</TABLE>>"
    )


def svg(kg: KnowledgeGraph, municipality: str, lang: str = "en", as_of: str | None = None) -> str:
    """The drawing as SVG text, e.g. to show in a notebook: `IPython.display.SVG(svg(kg, m))`."""
    import graphviz

    try:
        return graphviz.Source(dot_source(kg, municipality, lang, as_of)).pipe(
            format="svg", encoding="utf-8"
        )
    except graphviz.ExecutableNotFound:
        raise UsageError(
            "graphviz's `dot` is not installed (Debian: apt install graphviz)"
        ) from None


def render(
    kg: KnowledgeGraph,
    municipality: str,
    out_stem: Path,
    lang: str = "en",
    as_of: str | None = None,
) -> list[Path]:
    """SVG and PNG files of the diagram, written atomically next to each other, each marked as
    netkg's (MARK) so that the next run may replace them without --force."""
    import graphviz

    from netkg.atomic import write_all

    text = dot_source(kg, municipality, lang, as_of)
    # the PNG at print resolution; the SVG keeps graphviz's points (dpi would scale it up too)
    at_dpi = text.replace("{\n", f"{{\n\tgraph [dpi={PNG_DPI}]\n", 1)
    try:
        svg = graphviz.Source(text).pipe(format="svg")
        png = graphviz.Source(at_dpi).pipe(format="png")
    except graphviz.ExecutableNotFound:
        raise UsageError(
            "graphviz's `dot` is not installed (Debian: apt install graphviz)"
        ) from None
    files = {
        out_stem.with_suffix(".svg"): marked_svg(svg),
        out_stem.with_suffix(".png"): marked_png(png),
    }
    return write_all(files)


# --- which files are netkg's own ------------------------------------------------------------------

MARK = "written by netkg diagram; the next run replaces it"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEY = b"Software"


def default_stem(municipality: str, as_of: str | None = None) -> Path:
    """`<name>-organisation`, with the day when drawn as of one (`albertslund-organisation-
    2012-12-31`), so that drawings of different days never take each other's name."""
    name = f"{municipality.split(':')[-1]}-organisation"
    return Path(f"{name}-{as_of.strip()}" if as_of else name)


def marked_svg(svg: bytes) -> bytes:
    """The SVG with MARK as a comment after its XML declaration."""
    comment = f"<!-- {MARK} -->\n".encode()
    head, sep, rest = svg.partition(b"?>\n")
    return head + sep + comment + rest if sep else comment + svg


def marked_png(png: bytes) -> bytes:
    """The PNG with a tEXt chunk `Software: MARK` after its header chunk (IHDR)."""
    import struct
    import zlib

    if not png.startswith(_PNG_SIGNATURE):
        return png
    length = struct.unpack(">I", png[8:12])[0]
    end_of_header = 8 + 12 + length
    data = _PNG_KEY + b"\0" + MARK.encode("latin-1")
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + data) & 0xFFFFFFFF)
    return png[:end_of_header] + chunk + png[end_of_header:]


def written_by_netkg(path: Path) -> bool:
    """Whether the file is a drawing netkg diagram wrote (it carries MARK)."""
    try:
        head = Path(path).read_bytes()[:4096]
    except OSError:
        return False
    return MARK.encode() in head


def _sorted(records: list[dict]) -> list[dict]:
    return sorted(records, key=lambda r: tuple(str(v) for v in r.values()))


def _id(term: object) -> str:
    """A node id from the IRI, the same in every run (Python's hash() is salted per process)."""
    return "n" + hashlib.sha1(str(term).encode("utf-8")).hexdigest()[:12]


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
        "--out",
        type=Path,
        help="output file stem (default: <municipality>-organisation, with -YYYY-MM-DD when "
        "drawn --as-of a day)",
    )
    p.add_argument(
        "--lang",
        choices=("en", "da"),
        default="en",
        help="language of the labels (default en, as for query and compare)",
    )
    add_source_options(p)
    p.add_argument(
        "--force",
        action="store_true",
        help="replace SVG/PNG files netkg did not write (its own drawings are replaced anyway)",
    )
    p.add_argument(
        "--as-of", metavar="YYYY[-MM[-DD]]", help="the organisation as it stood that day"
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from netkg.atomic import refuse_overwrite
    from netkg.query.graph import open_graph

    if args.as_of:
        from netkg.query.catalogue import parse_day

        try:
            parse_day(args.as_of)
        except ValueError:
            raise UsageError(f"--as-of {args.as_of!r} is not a day YYYY[-MM[-DD]]") from None
    stem = args.out or default_stem(args.municipality, args.as_of)
    targets = [stem.with_suffix(".svg"), stem.with_suffix(".png")]
    refuse_overwrite([t for t in targets if not written_by_netkg(t)], args.force)
    kg = open_graph(args.graph, engine=args.engine, store=args.store)
    written = render(kg, args.municipality, stem, args.lang, args.as_of)
    print("wrote " + ", ".join(str(p) for p in written))
    return 0
