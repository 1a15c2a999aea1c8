"""SHACL shapes as data: every rule has an invalid fixture with its expected results.

A fixture under tests/shapes/invalid/ is named after the rule it breaks (the shape's local name,
optionally with a -suffix) and states its expected findings in its header::

    # Expect: Violation ex:network-1 org:classification sh:MaxCountConstraintComponent

(severity, focus node, result path or '-' for a node-level rule, constraint component, and —
only where a sibling rule necessarily fires too — that rule's name). The findings must be
exactly those lines, each raised by the named rule (the file's rule by default). Fixtures under
tests/shapes/valid/ must produce no finding at all. Fixtures are validated the way
`netkg validate FILE` does: with the ontology, vocabularies and shared data as context.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, SH

from netkg.iris import PREFIXES, SHAPES
from netkg.pipeline.flow.context import validate_files
from netkg.pipeline.validate.shapes import load_shapes
from netkg.rdf.results import short

HERE = Path(__file__).parent / "shapes"
INVALID = sorted((HERE / "invalid").glob("*.ttl"))
VALID = sorted((HERE / "valid").glob("*.ttl"))
EXPECT = re.compile(r"^#\s*Expect:\s*(\w+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(\S+))?\s*$")
PREFIX = re.compile(r"^@prefix\s+(\w*):\s*<([^>]+)>\s*\.", re.MULTILINE)
_NOT_CONSTRAINTS = {
    RDF.type,
    SH.property,
    SH.name,
    SH.message,
    SH.severity,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.description,
    SH.deactivated,
    SH.order,
    SH.group,
}


def rules() -> set[str]:
    """Local names of the shapes that carry a constraint themselves (not just sh:property)."""
    shapes = load_shapes()
    found = set()
    for shape in set(shapes.subjects(SH.name, None)):
        own = isinstance(shape, URIRef) and str(shape).startswith(str(SHAPES))
        if own and any(p not in _NOT_CONSTRAINTS for p in shapes.predicates(shape, None)):
            found.add(str(shape)[len(str(SHAPES)) :])
    return found


def rule_of(fixture: Path) -> str:
    return fixture.stem.split("--")[0]


def expected(fixture: Path) -> set[tuple[str, str, str, str, str]]:
    text = fixture.read_text(encoding="utf-8")
    prefixes = dict(PREFIXES) | dict(PREFIX.findall(text))
    found = set()
    for line in text.splitlines():
        m = EXPECT.match(line)
        if m:
            severity, focus, path, component, rule = m.groups()
            prefix, local = focus.split(":", 1)
            focus_iri = prefixes[prefix] + local
            found.add(
                (
                    severity,
                    short(URIRef(focus_iri)),
                    "" if path == "-" else path,
                    component,
                    rule or rule_of(fixture),
                )
            )
    return found


def test_every_rule_has_an_invalid_fixture():
    covered = {rule_of(f) for f in INVALID}
    missing = sorted(rules() - covered)
    assert not missing, f"rules without an invalid fixture in tests/shapes/invalid/: {missing}"


def test_every_fixture_names_an_existing_rule():
    unknown = sorted({rule_of(f) for f in INVALID} - rules())
    assert not unknown, f"fixtures named after no rule: {unknown}"


@pytest.mark.parametrize("fixture", INVALID, ids=[f.stem for f in INVALID])
def test_invalid_fixture_fails_as_expected(fixture: Path):
    want = expected(fixture)
    assert want, f"{fixture.name} has no '# Expect:' line"
    report = validate_files([fixture])
    got = {
        (
            f.severity_name,
            short(f.focus),
            f.path,
            short(f.component),
            str(f.shape)[len(str(SHAPES)) :]
            if str(f.shape).startswith(str(SHAPES))
            else short(f.shape),
        )
        for f in report.findings
    }
    assert got == want
    assert report.conforms == all(w[0] != "Violation" for w in want)


@pytest.mark.parametrize("fixture", VALID, ids=[f.stem for f in VALID])
def test_valid_fixture_passes(fixture: Path):
    report = validate_files([fixture])
    assert report.findings == [], report.text()
    assert report.conforms


def test_every_class_the_data_uses_has_a_shape():
    """Each class used in the shipped data or vocabularies is the target of a shape (itself or
    a superclass), or only ever occurs as a value that a targeted shape checks with sh:node."""
    from rdflib import Graph
    from rdflib.namespace import RDFS

    from netkg.pipeline.inputs.layout import default_sources
    from netkg.pipeline.inputs.load import parse_file

    data, tbox = Graph(), Graph()
    for source in default_sources():
        parse_file(source.path, into=tbox if source.role in ("ontology", "imports") else data)
    shapes = load_shapes()
    targets = set(shapes.objects(None, SH.targetClass))
    checked_by_node = {
        URIRef(PREFIXES["nkg"] + "NetworkCount"),
        URIRef(PREFIXES["time"] + "Instant"),
    }
    for shape in (SHAPES.NetworkCount, SHAPES.Instant):
        assert (None, SH.node, shape) in shapes

    def with_superclasses(cls: URIRef) -> set:
        found = {cls}
        for parent in tbox.objects(cls, RDFS.subClassOf):
            if isinstance(parent, URIRef) and parent not in found:
                found |= with_superclasses(parent)
        return found

    used = {c for c in data.objects(None, RDF.type) if isinstance(c, URIRef)}
    uncovered = sorted(c for c in used - checked_by_node if not with_superclasses(c) & targets)
    assert not uncovered, f"classes without a shape: {uncovered}"
