"""SHACL validation with pyshacl, and a report a researcher can act on.

Shapes state mandatory rules as sh:Violation and recommendations as sh:Warning, each with
sh:name and sh:message in Danish and English. The data graph handed to pyshacl already holds
the OWL-RL inferences (netkg.pipeline.reason.reference), so pyshacl runs with inference off.
Warnings do not break
conformance (pyshacl's allow_warnings); the exit code contract is pySHACL's: 0 conforms,
1 violations, 2 could not load.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import FOAF, RDF, SH
from rdflib.term import Node

from netkg.iris import PREFIXES
from netkg.pipeline.inputs.layout import data_sources, input_graph, ontology_sources, shape_files
from netkg.pipeline.inputs.load import load_dataset, parse_file
from netkg.pipeline.reason.reference import infer
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


def load_shapes(paths: Iterable = ()) -> Graph:
    """The shapes graph: the shipped shapes/ files, or the given ones."""
    shapes = Graph()
    for path in list(paths) or shape_files():
        parse_file(path, into=shapes)
    return shapes


def count_shapes(shapes: Graph) -> int:
    """Node shapes plus property shapes: each is one rule set a researcher can look up."""
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.objects(None, SH.property))
    return len(node_shapes | property_shapes)


def validate_graph(
    data: Graph, shapes: Graph | None = None, focus_filter: set[Node] | None = None
) -> Report:
    """Validate `data` (asserted + inferred triples) against the shapes.

    With `focus_filter`, only findings about those nodes are kept: validating a user's file in
    the context of the shipped vocabularies reports on the user's resources, not on ours.
    """
    shapes = shapes if shapes is not None else load_shapes()
    _conforms, report_graph, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
        advanced=True,
        inplace=False,
    )
    # pyshacl nests the results behind a failed sh:node under sh:detail; the outer result,
    # from the named rule, is the finding
    nested = set(report_graph.objects(None, SH.detail))
    results = [r for r in report_graph.subjects(RDF.type, SH.ValidationResult) if r not in nested]
    if focus_filter is not None:
        results = [r for r in results if report_graph.value(r, SH.focusNode) in focus_filter]
        report_graph = _report_of(report_graph, results)
    findings = [_finding(report_graph, shapes, r) for r in results]
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), short(f.focus), f.path))
    conforms = not any(f.severity == SH.Violation for f in findings)
    labels = {f.focus: _label(data, f.focus) for f in findings}
    return Report(
        conforms,
        findings,
        report_graph,
        count_shapes(shapes),
        {k: v for k, v in labels.items() if v},
    )


def _report_of(full: Graph, results: list[Node]) -> Graph:
    """A SHACL report holding only `results` (with their nested path nodes)."""
    out = Graph()
    report = BNode()
    out.add((report, RDF.type, SH.ValidationReport))
    violating = any(full.value(r, SH.resultSeverity) == SH.Violation for r in results)
    out.add((report, SH.conforms, Literal(not violating)))
    for result in results:
        out.add((report, SH.result, result))
        for triple in full.cbd(result):
            out.add(triple)
    return out


def _finding(report: Graph, shapes: Graph, result: Node) -> Finding:
    shape = report.value(result, SH.sourceShape)
    messages: dict[str, str] = {}
    for msg in report.objects(result, SH.resultMessage):
        lang = msg.language if isinstance(msg, Literal) and msg.language else "en"
        messages.setdefault(lang, str(msg))
    name = shapes.value(shape, SH.name) if shape is not None else None
    names = (
        {n.language: str(n) for n in shapes.objects(shape, SH.name) if isinstance(n, Literal)}
        if shape is not None
        else {}
    )
    return Finding(
        focus=report.value(result, SH.focusNode),  # type: ignore[arg-type]
        path=_path(report, report.value(result, SH.resultPath)),
        value=report.value(result, SH.value),
        severity=report.value(result, SH.resultSeverity),  # type: ignore[arg-type]
        component=report.value(result, SH.sourceConstraintComponent),  # type: ignore[arg-type]
        shape=shape,  # type: ignore[arg-type]
        name=names.get("en") or (str(name) if name is not None else short(shape)),
        messages=messages,
    )


def _path(graph: Graph, path: Node | None) -> str:
    """A SHACL property path in SPARQL path syntax, with prefixed names."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return short(path)
    if isinstance(path, BNode):
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + _path(graph, inverse)
        if graph.value(path, RDF.first) is not None:
            return "/".join(_path(graph, p) for p in Collection(graph, path))
        alt = graph.value(path, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(_path(graph, p) for p in Collection(graph, alt)) + ")"
        for op, mark in (
            (SH.zeroOrMorePath, "*"),
            (SH.oneOrMorePath, "+"),
            (SH.zeroOrOnePath, "?"),
        ):
            inner = graph.value(path, op)
            if inner is not None:
                return _path(graph, inner) + mark
    return short(path)


def _value(term: Node) -> str:
    if isinstance(term, Literal):
        return term.n3()
    return short(term)


def _label(graph: Graph, node: Node) -> str:
    from rdflib.namespace import RDFS

    labels = {
        lit.language: str(lit)
        for lit in graph.objects(node, RDFS.label)
        if isinstance(lit, Literal)
    }
    if labels:
        return labels.get("en") or labels.get("da") or next(iter(labels.values()))
    name = graph.value(node, FOAF.name)
    return str(name) if name is not None else ""


# --- validating user files in netkg's context ------------------------------------------------


def validate_inputs(paths: list[Path], reason: bool = True, shapes: Graph | None = None) -> Report:
    """Validate data files in the context of the ontology, vocabularies and shared data.

    A shipped file given as input replaces its shipped copy in the context.
    """
    inputs = [Path(p) for p in paths]
    graphs = [parse_file(p, into=Graph(identifier=input_graph(p))) for p in inputs]
    return validate_graphs(graphs, replaced=inputs, reason=reason, shapes=shapes)


def validate_graphs(
    graphs: list[Graph],
    replaced: Iterable[Path] = (),
    reason: bool = True,
    shapes: Graph | None = None,
) -> Report:
    """Validate graphs (e.g. freshly imported data) against the shapes, in netkg's context.

    Findings are kept only for nodes the graphs mention, so a report speaks about the user's
    resources. The context (ontology, vocabularies, shared data, minus the `replaced` files) and
    its inferences are computed once per process; the graphs are reasoned with the ontology's
    axioms, which is all that can fire on them.
    """
    shipped = {str(s.path.resolve()) for s in ontology_sources() + data_sources()}
    excluded = tuple(sorted(str(p.resolve()) for p in replaced if str(p.resolve()) in shipped))
    context, context_inferred, axioms = _context(excluded)
    mentioned: set = set()
    for g in graphs:
        for s, _, o in g:
            mentioned.update((s, o))
    data = Graph()
    for g in [context, context_inferred, *graphs]:
        for triple in g:
            data.add(triple)
    inconsistencies: list[str] = []
    if reason:
        inference = infer([axioms, *graphs])
        inconsistencies = inference.inconsistencies
        for triple in inference.graph:
            data.add(triple)
    report = validate_graph(data, shapes, focus_filter=mentioned)
    report.add_inconsistencies(inconsistencies)
    return report


def context_graph() -> Graph:
    """The ontology, vocabularies and shared data with their inferences (read-only use)."""
    context, inferred, _ = _context(())
    both = Graph()
    for g in (context, inferred):
        for triple in g:
            both.add(triple)
    return both


@lru_cache(maxsize=4)
def _context(excluded: tuple[str, ...]) -> tuple[Graph, Graph, Graph]:
    """(context triples, their inferences, the ontology axioms) for validating user files."""
    sources = [
        s
        for s in ontology_sources() + [d for d in data_sources() if d.role == "shared"]
        if str(s.path.resolve()) not in excluded
    ]
    dataset = load_dataset(sources)
    context = Graph()
    axioms = Graph()
    for s in sources:
        for triple in dataset.graph(s.graph):
            context.add(triple)
            if s.role in ("ontology", "imports"):
                axioms.add(triple)
    return context, infer([context]).graph, axioms
