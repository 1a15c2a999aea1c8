"""A validation report a researcher can act on, whichever validator made it.

Shapes state mandatory rules as sh:Violation and recommendations as sh:Warning, each with
sh:name and sh:message in Danish and English. Warnings do not break conformance; the exit code
contract is pySHACL's: 0 conforms, 1 violations, 2 could not load. Both validators (the compiled
shapes, validate.compiled, and pyshacl, validate.reference) report through these records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import FOAF, RDF, RDFS, SH
from rdflib.term import Node

from netkg.iris import PREFIXES
from netkg.rdf.results import short

SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
REPORT_FORMATS = ("text", "turtle", "json-ld")


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result, flattened."""

    focus: Node
    path: str
    value: Node | None
    severity: URIRef
    component: URIRef
    shape: Node
    name: str
    messages: dict[str, str]

    def message(self, lang: str = "en") -> str:
        return (
            self.messages.get(lang)
            or self.messages.get("en")
            or next(iter(self.messages.values()), "")
        )

    @property
    def severity_name(self) -> str:
        return str(self.severity).rsplit("#", 1)[-1]


@dataclass
class Report:
    """The outcome of one validation: the SHACL report graph and its findings."""

    conforms: bool
    findings: list[Finding]
    graph: Graph
    shapes_checked: int
    labels: dict[Node, str] = field(default_factory=dict)
    inconsistencies: list[str] = field(default_factory=list)

    def add_inconsistencies(self, messages: list[str]) -> None:
        """OWL-RL contradictions (a unit of two disjoint kinds) make the data non-conforming."""
        self.inconsistencies.extend(messages)
        if messages:
            self.conforms = False

    def count(self, severity: URIRef) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def violations(self) -> int:
        return self.count(SH.Violation)

    @property
    def warnings(self) -> int:
        return self.count(SH.Warning)

    def summary(self) -> str:
        verdict = "conforms" if self.conforms else "does NOT conform"
        contradictions = (
            f", {len(self.inconsistencies)} OWL inconsistency(ies)" if self.inconsistencies else ""
        )
        return (
            f"{verdict}: {self.violations} violation(s), {self.warnings} warning(s), "
            f"{self.count(SH.Info)} info(s){contradictions}; {self.shapes_checked} shapes checked"
        )

    def text(self, lang: str = "en") -> str:
        """Findings grouped by focus node, worst first, with the shape's message in `lang`."""
        by_focus: dict[Node, list[Finding]] = defaultdict(list)
        for f in self.findings:
            by_focus[f.focus].append(f)
        order = sorted(
            by_focus,
            key=lambda n: (min(SEVERITY_ORDER.get(f.severity, 3) for f in by_focus[n]), short(n)),
        )
        lines = []
        for node in order:
            label = self.labels.get(node)
            lines.append(f"{short(node)}" + (f"  ({label})" if label else ""))
            for f in sorted(
                by_focus[node], key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.path)
            ):
                value = f"  value: {_value(f.value)}" if f.value not in (None, f.focus) else ""
                path = f" [{f.path}]" if f.path else ""
                lines.append(f"  {f.severity_name.upper():9} {f.name}{path}{value}")
                lines.append(f"            {f.message(lang)}")
        for message in self.inconsistencies:
            lines.append(f"OWL INCONSISTENCY  {message}")
        lines.append(self.summary())
        return "\n".join(lines) + "\n"

    def serialize(self, fmt: str, lang: str = "en") -> str:
        if fmt == "text":
            return self.text(lang)
        if fmt in ("turtle", "json-ld"):
            for prefix, ns in PREFIXES.items():
                self.graph.bind(prefix, ns)
            return self.graph.serialize(format=fmt)
        raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(REPORT_FORMATS)}")


def count_shapes(shapes: Graph) -> int:
    """Node shapes plus property shapes: each is one rule set a researcher can look up."""
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.objects(None, SH.property))
    return len(node_shapes | property_shapes)


def path_text(graph: Graph, path: Node | None) -> str:
    """A SHACL property path in SPARQL path syntax, with prefixed names."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return short(path)
    if isinstance(path, BNode):
        if graph.value(path, RDF.first) is not None:  # read first, as both validators do
            return "/".join(path_text(graph, p) for p in Collection(graph, path))
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + path_text(graph, inverse)
        alt = graph.value(path, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(path_text(graph, p) for p in Collection(graph, alt)) + ")"
        for op, mark in (
            (SH.zeroOrMorePath, "*"),
            (SH.oneOrMorePath, "+"),
            (SH.zeroOrOnePath, "?"),
        ):
            inner = graph.value(path, op)
            if inner is not None:
                return path_text(graph, inner) + mark
    return short(path)


def _value(term: Node | None) -> str:
    if isinstance(term, Literal):
        return term.n3()
    return short(term)


def label_of(graph: Graph, node: Node) -> str:
    """The English (else Danish, else any) rdfs:label, else the foaf:name; '' if none."""
    labels = {
        lit.language: str(lit)
        for lit in graph.objects(node, RDFS.label)
        if isinstance(lit, Literal)
    }
    if labels:
        return labels.get("en") or labels.get("da") or next(iter(labels.values()))
    name = graph.value(node, FOAF.name)
    return str(name) if name is not None else ""
