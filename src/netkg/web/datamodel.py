"""The data model at a glance: how netkg's main classes connect, drawn and listed once.

To write one's own query a researcher needs the paths between the things: a municipality has a
network structure, which has networks, whose members are units, where posts are held by people;
co-creation models and initiatives belong to a municipality and are coded in typologies; the
codebook's arrangements, searches and absences are about a municipality; every fact rests on a
quote from a document. EDGES says so once; from it come the diagram (graphviz, committed as
`web/static/data-model.svg`, so neither the site nor `netkg serve` needs graphviz), the site's
data-model page (web/pages.py) and docs/data-model.md. tests/test_data_model.py checks every
edge against the shipped data (or, where no data uses it yet, the ontology's domain and range)
and that the committed files are what this module writes:

    python -m netkg.web.datamodel      # rewrites docs/data-model.md and the SVG (needs `dot`)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

GROUPS = {
    "organisation": "The organisation: pillars and networks",
    "cocreation": "Co-creation",
    "codebook": "The national codebook",
    "evidence": "Sources, quotes and gaps",
}


@dataclass(frozen=True)
class Edge:
    """`subject property object`: things of class `subject` link to things of class `object`
    through `property` (prefixed names); `note` says what it means, for the table."""

    subject: str
    property: str
    object: str
    note: str
    group: str


EDGES: tuple[Edge, ...] = (
    Edge(
        "nkg:Municipality",
        "nkg:hasNetworkStructure",
        "nkg:NetworkStructure",
        "a municipality's structure of cross-cutting networks",
        "organisation",
    ),
    Edge(
        "nkg:NetworkStructure",
        "nkg:hasNetwork",
        "nkg:Network",
        "the networks directly in the structure",
        "organisation",
    ),
    Edge(
        "nkg:Network",
        "nkg:subNetworkOf",
        "nkg:Network",
        "a sub-network of a network",
        "organisation",
    ),
    Edge(
        "nkg:Network",
        "org:hasMember",
        "org:OrganizationalUnit",
        "the units that take part in a network",
        "organisation",
    ),
    Edge("nkg:Network", "nkg:ledBy", "foaf:Person", "who leads the network", "organisation"),
    Edge(
        "org:OrganizationalUnit",
        "org:subOrganizationOf",
        "nkg:Municipality",
        "a unit's place in the pillar hierarchy (org:transitiveSubOrganizationOf climbs it all)",
        "organisation",
    ),
    Edge(
        "org:Post",
        "org:postIn",
        "org:OrganizationalUnit",
        "a post in a unit (or in the municipality)",
        "organisation",
    ),
    Edge("nkg:Tenure", "nkg:post", "org:Post", "which post a tenure holds", "organisation"),
    Edge("nkg:Tenure", "org:member", "foaf:Person", "who holds it", "organisation"),
    Edge(
        "org:Post",
        "org:role",
        "org:Role",
        "the role, comparable across municipalities",
        "organisation",
    ),
    Edge(
        "nkg:CoCreationModel",
        "nkg:adoptedBy",
        "nkg:Municipality",
        "the municipality's framework for making policy with citizens",
        "cocreation",
    ),
    Edge(
        "nkg:CoCreationInitiative",
        "nkg:organisedBy",
        "nkg:Municipality",
        "a process or body of co-creation",
        "cocreation",
    ),
    Edge(
        "nkg:CoCreationInitiative",
        "nkg:partOfModel",
        "nkg:CoCreationModel",
        "the model an initiative belongs to",
        "cocreation",
    ),
    Edge(
        "nkg:CoCreationInitiative",
        "nkg:legalBasis",
        "nkg:LegalInstrument",
        "e.g. § 17, stk. 4",
        "cocreation",
    ),
    Edge(
        "nkg:CoCreationInitiative", "prov:generated", "nkg:Policy", "a policy it made", "cocreation"
    ),
    Edge(
        "nkg:Policy",
        "nkg:adoptedBy",
        "nkg:Municipality",
        "adopted policies (and nkg:Strategy likewise)",
        "cocreation",
    ),
    Edge(
        "nkg:NetworkStrategy",
        "nkg:hasAssumption",
        "nkg:Assumption",
        "the assumptions a network strategy states",
        "cocreation",
    ),
    Edge(
        "nkg:TypeCoding",
        "nkg:codedItem",
        "nkg:CoCreationInitiative",
        "a coding (netkg's interpretation) of a model or initiative",
        "cocreation",
    ),
    Edge(
        "nkg:TypeCoding",
        "nkg:codedAs",
        "skos:Concept",
        "the type, a concept of a nkg:CoCreationTypology",
        "cocreation",
    ),
    Edge(
        "nkg:Section17Committee",
        "nkg:organisedBy",
        "nkg:Municipality",
        "the codebook's arrangements (committees, citizen proposals, local councils, "
        "assemblies, budgets: nkg:LocalDemocracyArrangement)",
        "codebook",
    ),
    Edge(
        "nkg:DocumentedAbsence",
        "nkg:absenceAbout",
        "nkg:Municipality",
        "a quote saying a municipality has none",
        "codebook",
    ),
    Edge(
        "nkg:DocumentedAbsence",
        "nkg:absenceOf",
        "nkg:CodebookVariable",
        "of which variable",
        "codebook",
    ),
    Edge(
        "nkg:Search",
        "nkg:searchAbout",
        "nkg:Municipality",
        "a search in the search log",
        "codebook",
    ),
    Edge("nkg:Search", "nkg:searchedFor", "nkg:CodebookVariable", "what it looked for", "codebook"),
    Edge(
        "nkg:Evidence",
        "nkg:evidenceFor",
        "nkg:Network",
        "the resource(s) a quote supports (any kind; nkg:evidenceProperty names the facts)",
        "evidence",
    ),
    Edge(
        "nkg:Evidence",
        "prov:wasQuotedFrom",
        "foaf:Document",
        "the document the quote is from (its excerpt archived in data/sources/excerpts/)",
        "evidence",
    ),
    Edge(
        "nkg:Network", "dct:source", "foaf:Document", "every resource names its sources", "evidence"
    ),
    Edge(
        "nkg:KnowledgeGap",
        "nkg:gapAbout",
        "nkg:Network",
        "what the sources do not tell (nkg:gapProperty names it)",
        "evidence",
    ),
)


def node_id(name: str) -> str:
    """A graphviz node id for a class name, the same in every run."""
    import hashlib

    return "c" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def classes() -> list[str]:
    """Every class the diagram shows, in order of first mention."""
    return list(dict.fromkeys(c for e in EDGES for c in (e.subject, e.object)))


def dot_source() -> str:
    """The diagram as a graphviz description: one box per class, an arrow per edge."""
    home: dict[str, str] = {}
    for edge in EDGES:
        home.setdefault(edge.subject, edge.group)
    lines = [
        "digraph datamodel {",
        '  graph [rankdir=TB, fontname="Helvetica", fontsize=12, nodesep=0.3, ranksep=0.6];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f7fa", color="#17324d", '
        'fontname="Helvetica", fontsize=12];',
        '  edge [fontname="Helvetica", fontsize=10, color="#5b6b7b"];',
    ]
    colours = {
        "organisation": "#dbe8f5",
        "cocreation": "#eef6e9",
        "codebook": "#fff4d6",
        "evidence": "#f3eefa",
    }
    for group, title in GROUPS.items():
        lines.append(f"  subgraph cluster_{group} {{")
        lines.append(f'    label="{title}"; style=filled; color="{colours[group]}";')
        for cls in classes():
            if home.get(cls, "evidence" if cls == "foaf:Document" else "") == group:
                lines.append(f'    {node_id(cls)} [label="{cls}"];')
        lines.append("  }")
    for cls in classes():
        if cls not in home and cls != "foaf:Document":
            lines.append(f'  {node_id(cls)} [label="{cls}"];')
    for edge in EDGES:
        lines.append(
            f'  {node_id(edge.subject)} -> {node_id(edge.object)} [label="{edge.property}"];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def svg() -> bytes:
    """The diagram as SVG (needs graphviz's `dot`)."""
    import graphviz

    return graphviz.Source(dot_source()).pipe(format="svg")


def markdown() -> str:
    """docs/data-model.md: the diagram and the table of the links, for readers of the docs."""
    lines = [
        "# The data model",
        "",
        "How netkg's main classes connect, for writing your own SPARQL (see",
        "[writing-sparql.md](writing-sparql.md) for worked examples). The same diagram and table",
        "are on the site's data-model page (`netkg serve`: `/data-model`; `netkg site`:",
        "`data-model.html`). Written by `python -m netkg.web.datamodel` from",
        "`src/netkg/web/datamodel.py`; a test checks every link against the data.",
        "",
        "![The data model](../src/netkg/web/static/data-model.svg)",
        "",
        "Two paths worth knowing: `org:transitiveSubOrganizationOf` (inferred by the build) climbs",
        "from a unit, network or structure to its municipality in one step, and every fact's quote",
        "is found through `nkg:Evidence` (`nkg:evidenceFor` the resource, `nkg:evidenceProperty`",
        "the property) or the build's `graph/support` (`netkg query fact-evidence`).",
        "",
    ]
    for group, title in GROUPS.items():
        lines += [
            f"## {title}",
            "",
            "| from | property | to | what it means |",
            "|---|---|---|---|",
        ]
        for e in EDGES:
            if e.group == group:
                lines.append(f"| `{e.subject}` | `{e.property}` | `{e.object}` | {e.note} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Rewrite docs/data-model.md and web/static/data-model.svg in a source checkout."""
    root = Path(__file__).resolve().parents[3]
    (root / "docs" / "data-model.md").write_text(markdown(), encoding="utf-8")
    (Path(__file__).parent / "static" / "data-model.svg").write_bytes(svg())
    print("wrote docs/data-model.md and src/netkg/web/static/data-model.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
