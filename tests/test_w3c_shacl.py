"""The W3C SHACL Core test suite (tests/w3c-shacl/core, vendored) against both validators.

Every `sht:Validate` entry of the suite's manifests runs once per validator:

- pyshacl (validate.reference), the reference, must give the expected report; its known
  failures are listed in PYSHACL_FAILS, each with the reason, and held to strict xfail.
- the compiled shapes (validate.compiled) must give the expected report or refuse the shapes
  with `Unsupported`; a different answer fails. The refusals are listed in REFUSED, each with the
  feature refused, so a feature that starts or stops being refused changes this file.

The reports are compared as the suite prescribes (its index.html, "Validate RDF data"): the
validation report reduced to sh:conforms and, per result, sh:focusNode, sh:resultPath (its
blank-node structure copied per result), sh:resultSeverity, sh:sourceConstraintComponent,
sh:sourceShape and sh:value (and sh:resultMessage where the expected report names it), must be
isomorphic to the expected one. Where both answer, their findings and messages must be the
same too (most of the suite's shapes have no sh:message, so this checks the compiled shapes'
default messages against pyshacl's).

Each validator gets the case as its engine reads files: pyshacl the triples parsed by rdflib
(each file once, shared), the compiled shapes the data loaded by Oxigraph and the shapes read
by validate.shapes.load_shapes_fast.

On this suite (98 tests): pyshacl passes 97 (one known failure); the compiled shapes pass 96 and
refuse 2.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from netkg.pipeline.validate.compiled import validate_store
from netkg.pipeline.validate.compiler import Unsupported
from netkg.pipeline.validate.reference import validate_graph
from netkg.pipeline.validate.report import Report
from netkg.pipeline.validate.shapes import load_shapes_fast
from netkg.rdf.store import OxigraphStore
from support.findings import findings

CORE = Path(__file__).parent / "w3c-shacl" / "core"
# the suite's data holds ill-typed literals on purpose ("none"^^xsd:boolean)
pytestmark = pytest.mark.filterwarnings("ignore:Parsing weird boolean")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

# pyshacl's known failures on the suite: test -> why.
PYSHACL_FAILS: dict[str, str] = {
    "property/uniqueLang-002": (
        'pyshacl reads sh:uniqueLang "1"^^xsd:boolean as true (rdflib gives its value, True); '
        "SHACL activates the constraint for the literal true only"
    ),
}

# The compiled validator's refusals: test -> the feature it names as unsupported.
REFUSED: dict[str, str] = {
    "property/datatype-ill-formed": "sh:datatype of a type Oxigraph stores as another",
    "property/qualifiedValueShape-001": "sh:nodeShape",  # not a SHACL term; refused, not skipped
}


@cache
def parsed(path: Path) -> Graph:
    """A Turtle file of the suite, parsed once (its own address as the base)."""
    graph = Graph()
    with warnings.catch_warnings():  # as pytestmark, for the files read while collecting
        warnings.filterwarnings("ignore", "Parsing weird boolean")
        graph.parse(path, format="turtle", publicID=path.as_uri())
    return graph


def _path(iri: Node) -> Path:
    return Path(str(iri).removeprefix("file://"))


@dataclass(frozen=True)
class Case:
    """One sht:Validate entry: where its graphs are and its expected report."""

    name: str
    manifest: Path
    entry: URIRef
    data: Path
    shapes: Path

    def expected(self) -> Graph:
        """The expected report: the result node, its results and their paths."""
        g = parsed(self.manifest)
        report = g.value(self.entry, MF.result)
        assert report is not None, f"{self.name} has no mf:result"
        out = Graph()
        for p, o in g.predicate_objects(report):
            out.add((report, p, o))
        for result in g.objects(report, SH.result):
            for p, o in g.predicate_objects(result):
                out.add((result, p, _copy_structure(g, o, out) if p == SH.resultPath else o))
        return out


def cases(manifest: Path) -> list[Case]:
    """The sht:Validate entries reachable from `manifest` (mf:include followed)."""
    g = parsed(manifest)
    root = URIRef(manifest.as_uri())
    found: list[Case] = []
    for included in sorted(g.objects(root, MF.include)):
        found += cases(_path(included))
    entries = g.value(root, MF.entries)
    for entry in Collection(g, entries) if entries is not None else []:
        assert isinstance(entry, URIRef)
        if (entry, RDF.type, SHT.Validate) not in g:
            continue
        action = g.value(entry, MF.action)
        name = _path(entry).relative_to(CORE).as_posix()
        data, shapes = g.value(action, SHT.dataGraph), g.value(action, SHT.shapesGraph)
        found.append(Case(name, manifest, entry, _path(data), _path(shapes)))
    return found


def _copy_structure(source: Graph, node: Node, into: Graph) -> Node:
    """Copy the blank-node structure under `node` (a path) into `into`, with fresh blank nodes."""
    if not isinstance(node, BNode):
        return node
    fresh = BNode()
    for p, o in source.predicate_objects(node):
        into.add((fresh, p, _copy_structure(source, o, into)))
    return fresh


def actual(report: Report, expected: Graph) -> Graph:
    """A validator's report graph in the suite's terms: only the top-level results (pyshacl's
    nested sh:detail results left out), the compared predicates, one path structure per result.
    sh:conforms is SHACL's (false if there is any result): netkg's own reading, where warnings
    do not break conformance, is checked apart (`assert_report`)."""
    messages = set(expected.objects(None, SH.resultMessage))
    g = report.graph
    root = g.value(predicate=RDF.type, object=SH.ValidationReport)
    out = Graph()
    out_root = BNode()
    out.add((out_root, RDF.type, SH.ValidationReport))
    results = list(g.objects(root, SH.result))
    out.add((out_root, SH.conforms, Literal(not results)))
    for result in results:
        copy = BNode()
        out.add((out_root, SH.result, copy))
        for p, o in g.predicate_objects(result):
            if p == SH.resultPath:
                out.add((copy, p, _copy_structure(g, o, out)))
            elif p in COMPARED or (p == SH.resultMessage and o in messages):
                out.add((copy, p, o))
    return out


COMPARED = {
    RDF.type,
    SH.focusNode,
    SH.resultSeverity,
    SH.sourceConstraint,
    SH.sourceConstraintComponent,
    SH.sourceShape,
    SH.value,
}


def _diff(got: Graph, want: Graph) -> str:
    _both, extra, missing = graph_diff(to_isomorphic(got), to_isomorphic(want))
    lines = ["unexpected:", *sorted(extra.serialize(format="nt").splitlines())]
    lines += ["missing:", *sorted(missing.serialize(format="nt").splitlines())]
    return "\n  ".join(lines)


def assert_report(case: Case, report: Report) -> None:
    assert report.conforms == (report.violations == 0)
    want = case.expected()
    got = actual(report, want)
    assert to_isomorphic(got) == to_isomorphic(want), f"{case.name}\n{_diff(got, want)}"


@cache
def triples(path: Path) -> Graph:
    """A file's triples in a graph of their own, as netkg hands graphs to pyshacl (with rdflib's
    default prefixes, not the file's: they would change pyshacl's default messages)."""
    graph = Graph()
    for triple in parsed(path):
        graph.add(triple)
    return graph


@cache
def run_reference(case: Case) -> Report:
    """pyshacl on the case."""
    return validate_graph(triples(case.data), triples(case.shapes))


@cache
def fast_shapes(path: Path) -> Graph:
    """A shapes file read as the fast engine reads it (validate.shapes.load_shapes_fast)."""
    return load_shapes_fast([path])


@cache
def run_compiled(case: Case) -> Report | Unsupported:
    """The compiled shapes on the case, or their refusal; the data loaded by Oxigraph from the
    file, as the fast build loads it."""
    store = OxigraphStore()
    store.store.load(
        path=str(case.data),
        format=ox.RdfFormat.TURTLE,
        base_iri=case.data.as_uri(),
        to_graph=ox.NamedNode("urn:x-test:data"),
    )
    try:
        return validate_store(store, fast_shapes(case.shapes))
    except Unsupported as exc:
        return exc


CASES = cases(CORE / "manifest.ttl")


def _reference_param(case: Case) -> object:
    reason = PYSHACL_FAILS.get(case.name)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", [_reference_param(c) for c in CASES])
def test_pyshacl_gives_the_expected_report(case: Case):
    assert_report(case, run_reference(case))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_compiled_gives_the_expected_report_or_refuses(case: Case):
    report = run_compiled(case)
    if isinstance(report, Unsupported):
        assert REFUSED.get(case.name) == report.feature, f"{case.name} refused: {report}"
        return
    assert case.name not in REFUSED, f"{case.name} is no longer refused: update REFUSED"
    assert_report(case, report)


ANSWERED = [c for c in CASES if c.name not in REFUSED and c.name not in PYSHACL_FAILS]


@pytest.mark.parametrize("case", ANSWERED, ids=[c.name for c in ANSWERED])
def test_compiled_gives_pyshacl_s_findings_and_messages(case: Case):
    """Where both validators answer, the same findings: the W3C comparison leaves out the
    messages, and most of the suite's shapes have no sh:message, so this checks the default
    messages (validate.messages) against pyshacl's, component by component (as the words they
    are made of: pyshacl lists a parameter's several values in the order its graph yields
    them, which changes from run to run; the compiled shapes sort them)."""
    compiled = run_compiled(case)
    assert isinstance(compiled, Report)
    assert _unnamed(findings(compiled)) == _unnamed(findings(run_reference(case)))


def _unnamed(found: list[tuple]) -> list[tuple]:
    """Findings with a blank-node shape's name (its label, which each loader makes) left out,
    and each message as the words it is made of."""
    return sorted(
        (*f[:5], "_:blank" if f[5].startswith("_:") else f[5], _words(f[6])) for f in found
    )


def _words(messages: tuple[tuple[str, str], ...]) -> tuple:
    return tuple((lang, sorted(re.split(r"[\s,()\[\]']+", text))) for lang, text in messages)


def test_the_suite_is_all_there():
    assert len(CASES) == 98
    assert set(PYSHACL_FAILS) | set(REFUSED) <= {c.name for c in CASES}
