"""SHACL validation with pyshacl: the reference the compiled shapes are tested against.

The data graph handed to pyshacl already holds the OWL-RL inferences, so pyshacl runs with
inference off. Its results become netkg's report (validate.report).
"""

from __future__ import annotations

import pyshacl
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from netkg.pipeline.validate.report import (
    SEVERITY_ORDER,
    Finding,
    Report,
    count_shapes,
    label_of,
    path_text,
)
from netkg.pipeline.validate.shapes import load_shapes
from netkg.rdf.results import short


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
    labels = {f.focus: label_of(data, f.focus) for f in findings}
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
        path=path_text(report, report.value(result, SH.resultPath)),
        value=report.value(result, SH.value),
        severity=report.value(result, SH.resultSeverity),  # type: ignore[arg-type]
        component=report.value(result, SH.sourceConstraintComponent),  # type: ignore[arg-type]
        shape=shape,  # type: ignore[arg-type]
        name=names.get("en") or (str(name) if name is not None else short(shape)),
        messages=messages,
    )
