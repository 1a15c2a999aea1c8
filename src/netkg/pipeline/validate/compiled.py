"""Fast SHACL Core validation over an Oxigraph store, giving pyshacl's findings.

pyshacl re-reads the rdflib graph for every focus node and constraint; at a million triples that
takes minutes. Here the shapes graph is compiled once into plain Python objects, the triples the
shapes can look at (rdf:type, rdfs:subClassOf and the predicates on their paths) are read from
the store once into dictionaries, and each shape runs once over its focus nodes.

Only the SHACL Core features netkg's shapes use are implemented (targets by class, node, subjects
and objects; predicate, inverse, sequence, alternative and one-or-more paths; class, datatype,
nodeKind, pattern, languageIn, in, hasValue, min/maxInclusive, min/maxExclusive, min/maxCount,
uniqueLang, or, xone, node, property, qualifiedValueShape with qualifiedMin/MaxCount). A shapes
graph with anything else, or with a top-level rule that has no sh:message, raises `Unsupported`:
the caller then runs pyshacl (netkg.pipeline.validate.reference), the reference. Results follow
pyshacl's conventions (which results carry sh:value; nested sh:node results are not reported on
their own); tests/test_shacl_fast.py checks them against pyshacl on every shape fixture.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from netkg.pipeline.inputs.layout import shape_files
from netkg.pipeline.validate.reference import (
    SEVERITY_ORDER,
    Finding,
    Report,
    _path,
    count_shapes,
    load_shapes,
)
from netkg.rdf.results import short
from netkg.rdf.terms import from_ox, to_ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
TYPE = ox.NamedNode(str(RDF.type))
SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))

_IGNORED = {
    RDF.type,
    SH.name,
    SH.message,
    SH.description,
    SH.severity,
    SH.order,
    SH.group,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.path,
    SH.property,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.flags,
    RDFS.label,
    RDFS.comment,
}
_CONSTRAINTS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.languageIn,
    SH["in"],
    SH.hasValue,
    SH.minInclusive,
    SH.minExclusive,
    SH.maxInclusive,
    SH.maxExclusive,
    SH.minCount,
    SH.maxCount,
    SH.uniqueLang,
    SH["or"],
    SH.xone,
    SH.node,
    SH.qualifiedValueShape,
}


_COMPONENTS = {
    "ClassConstraintComponent": SH.ClassConstraintComponent,
    "DatatypeConstraintComponent": SH.DatatypeConstraintComponent,
    "HasValueConstraintComponent": SH.HasValueConstraintComponent,
    "InConstraintComponent": SH.InConstraintComponent,
    "LanguageInConstraintComponent": SH.LanguageInConstraintComponent,
    "MaxCountConstraintComponent": SH.MaxCountConstraintComponent,
    "MinCountConstraintComponent": SH.MinCountConstraintComponent,
    "MinExclusiveConstraintComponent": SH.MinExclusiveConstraintComponent,
    "MinInclusiveConstraintComponent": SH.MinInclusiveConstraintComponent,
    "MaxExclusiveConstraintComponent": SH.MaxExclusiveConstraintComponent,
    "MaxInclusiveConstraintComponent": SH.MaxInclusiveConstraintComponent,
    "NodeConstraintComponent": SH.NodeConstraintComponent,
    "NodeKindConstraintComponent": SH.NodeKindConstraintComponent,
    "OrConstraintComponent": SH.OrConstraintComponent,
    "PatternConstraintComponent": SH.PatternConstraintComponent,
    "QualifiedMaxCountConstraintComponent": SH.QualifiedMaxCountConstraintComponent,
    "QualifiedMinCountConstraintComponent": SH.QualifiedMinCountConstraintComponent,
    "UniqueLangConstraintComponent": SH.UniqueLangConstraintComponent,
    "XoneConstraintComponent": SH.XoneConstraintComponent,
}


class Unsupported(Exception):
    """The shapes use a feature this validator does not implement; use pyshacl."""


@dataclass(eq=False)
class _Shape:
    node: Node
    path: tuple | None = None
    path_node: Node | None = None
    severity: URIRef = SH.Violation
    messages: dict[str, str] = field(default_factory=dict)
    name: str = ""
    constraints: list[tuple] = field(default_factory=list)
    properties: list[_Shape] = field(default_factory=list)
    targets: list[tuple[str, Term]] = field(default_factory=list)
    local: bool = False  # looks at the node only: no path, property or nested shape


class _Compiler:
    """The shapes graph as _Shape objects (one per shape node, shared where referenced)."""

    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.done: dict[Node, _Shape] = {}

    def shape(self, node: Node) -> _Shape:
        if node in self.done:
            return self.done[node]
        g = self.g
        s = _Shape(node)
        self.done[node] = s
        for p in set(g.predicates(node)):
            if p not in _IGNORED and p not in _CONSTRAINTS:
                raise Unsupported(f"{short(p)} (on {short(node)}) is not implemented")
        path = g.value(node, SH.path)
        if path is not None:
            s.path, s.path_node = self.path(path), path
        s.severity = g.value(node, SH.severity) or SH.Violation
        for msg in g.objects(node, SH.message):
            lang = msg.language if isinstance(msg, Literal) and msg.language else "en"
            s.messages.setdefault(lang, str(msg))
        names = {n.language: str(n) for n in g.objects(node, SH.name)}
        name = g.value(node, SH.name)
        s.name = names.get("en") or (str(name) if name is not None else short(node))
        for kind, p in (
            ("class", SH.targetClass),
            ("node", SH.targetNode),
            ("subjects", SH.targetSubjectsOf),
            ("objects", SH.targetObjectsOf),
        ):
            s.targets += [(kind, to_ox(o)) for o in g.objects(node, p)]
        for p, o in sorted(g.predicate_objects(node)):
            if p in _CONSTRAINTS:
                s.constraints.append(self.constraint(node, p, o))
        s.properties = [self.shape(p) for p in g.objects(node, SH.property)]
        nested = {"or", "xone", "node", "qualifiedValueShape"}
        s.local = (
            s.path is None and not s.properties and not any(c[0] in nested for c in s.constraints)
        )
        return s

    def constraint(self, node: Node, p: URIRef, o: Node) -> tuple:
        """(kind, arguments...): kind is the constraint's local name, cheap to compare."""
        compiled = self._constraint(node, p, o)
        return (str(p)[len(str(SH)) :], *compiled[1:])

    def _constraint(self, node: Node, p: URIRef, o: Node) -> tuple:
        g = self.g
        if p in (SH["or"], SH.xone):
            return (p, [self.shape(x) for x in Collection(g, o)])
        if p == SH.node:
            return (p, self.shape(o))
        if p == SH.qualifiedValueShape:
            if g.value(node, SH.qualifiedValueShapesDisjoint) is not None:
                raise Unsupported("sh:qualifiedValueShapesDisjoint is not implemented")
            low, high = g.value(node, SH.qualifiedMinCount), g.value(node, SH.qualifiedMaxCount)
            return (
                p,
                self.shape(o),
                None if low is None else int(low),
                None if high is None else int(high),
            )
        if p == SH["in"]:
            return (p, {to_ox(x) for x in Collection(g, o)})
        if p == SH.languageIn:
            return (p, {str(x).lower() for x in Collection(g, o)})
        if p == SH.pattern:
            flags = g.value(node, SH.flags)
            return (p, re.compile(str(o), re.IGNORECASE if flags and "i" in str(flags) else 0))
        if p in (SH.minCount, SH.maxCount):
            return (p, int(o))
        if p == SH.uniqueLang:
            return (p, bool(o.toPython()))
        if p in (SH["class"], SH.hasValue):
            return (p, to_ox(o))
        return (p, o)

    def path(self, node: Node) -> tuple:
        g = self.g
        if isinstance(node, URIRef):
            return ("p", ox.NamedNode(str(node)))
        if g.value(node, RDF.first) is not None:
            return ("seq", [self.path(x) for x in Collection(g, node)])
        for op, kind in (
            (SH.inversePath, "inv"),
            (SH.oneOrMorePath, "plus"),
            (SH.zeroOrMorePath, "star"),
            (SH.zeroOrOnePath, "opt"),
        ):
            inner = g.value(node, op)
            if inner is not None:
                return (kind, self.path(inner))
        alt = g.value(node, SH.alternativePath)
        if alt is not None:
            return ("alt", [self.path(x) for x in Collection(g, alt)])
        raise Unsupported(f"path {node} is not implemented")


def _predicates(path: tuple | None, found: set, inverse: set) -> None:
    if path is None:
        return
    kind, arg = path
    if kind == "p":
        found.add(arg)
    elif kind == "inv" and arg[0] == "p":
        inverse.add(arg[1])
    elif kind == "inv":
        raise Unsupported("an inverse of a complex path is not implemented")
    elif kind in ("seq", "alt"):
        for x in arg:
            _predicates(x, found, inverse)
    else:
        _predicates(arg, found, inverse)


class _Data:
    """What the shapes read from the store, as dictionaries of Oxigraph terms."""

    def __init__(
        self, store: ox.Store, graphs: Iterable[ox.NamedNode] | None, shapes: list
    ) -> None:
        found: set = set()
        inverse: set = set()
        for s in shapes:
            _predicates(s.path, found, inverse)
        for kind, term in (t for s in shapes for t in s.targets):
            if kind == "subjects":
                found.add(term)
            elif kind == "objects":
                inverse.add(term)
        wanted = None if graphs is None else set(graphs)
        others: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = []
        if wanted is not None:  # graphs left out: a predicate found in none needs no filter
            others = [ox.DefaultGraph(), *(g for g in store.named_graphs() if g not in wanted)]
        self.out: dict[Term, dict[Term, set[Term]]] = {}
        self.into: dict[Term, dict[Term, set[Term]]] = {}
        for p in found | inverse | {TYPE, SUBCLASS}:
            out: dict[Term, set[Term]] = defaultdict(set)
            into: dict[Term, set[Term]] = defaultdict(set)
            quads = store.quads_for_pattern(None, p, None, None)
            if any(next(store.quads_for_pattern(None, p, None, g), None) for g in others):
                quads = (q for q in quads if q.graph_name in wanted)  # type: ignore[operator]
            both = p in inverse or p in (TYPE, SUBCLASS)
            for q in quads:  # the hot loop of a large validation: one line per quad
                out[q.subject].add(q.object)
                if both:
                    into[q.object].add(q.subject)
            self.out[p], self.into[p] = out, into
        self._instances: dict[Term, set[Term]] = {}

    def instances(self, cls: Term) -> set[Term]:
        """SHACL instances: rdf:type/rdfs:subClassOf* cls."""
        found = self._instances.get(cls)
        if found is None:
            classes, todo = {cls}, [cls]
            sub = self.into[SUBCLASS]
            while todo:
                for c in sub.get(todo.pop(), ()):
                    if c not in classes:
                        classes.add(c)
                        todo.append(c)
            members = self.into[TYPE]
            found = set().union(*(members.get(c, ()) for c in classes))
            self._instances[cls] = found
        return found

    def values(self, node: Term, path: tuple) -> set[Term]:
        kind, arg = path
        if kind == "p":
            return self.out[arg].get(node, set())
        if kind == "inv":
            return self.into[arg[1]].get(node, set())
        if kind == "seq":
            nodes = {node}
            for step in arg:
                nodes = set().union(*(self.values(n, step) for n in nodes)) if nodes else set()
            return nodes
        if kind == "alt":
            return set().union(*(self.values(node, step) for step in arg))
        seen: set[Term] = set() if kind == "plus" else {node}
        if kind == "opt":
            return seen | self.values(node, arg)
        todo = [node]
        while todo:
            for v in self.values(todo.pop(), arg):
                if v not in seen:
                    seen.add(v)
                    todo.append(v)
        return seen

    def focus(self, shape: _Shape) -> set[Term]:
        nodes: set[Term] = set()
        for kind, term in shape.targets:
            if kind == "class":
                nodes |= self.instances(term)
            elif kind == "node":
                nodes.add(term)
            elif kind == "subjects":
                nodes |= set(self.out[term])
            else:
                nodes |= set(self.into[term])
        return nodes


# (focus, shape, component, value, path node)
_Result = tuple[Term, _Shape, URIRef, Term | None, Node | None]


class _Validator:
    def __init__(self, data: _Data) -> None:
        self.data = data
        self.conforms_cache: dict[tuple[int, Term], bool] = {}
        self.literals: dict[ox.Literal, Literal] = {}

    def conforms(self, node: Term, shape: _Shape) -> bool:
        if shape.local:  # a check of the node alone (a language, a class): cheaper than a cache
            return not self.results(node, shape)
        key = (id(shape), node)
        found = self.conforms_cache.get(key)
        if found is None:
            found = self.conforms_cache[key] = not self.results(node, shape)
        return found

    def rdflib(self, term: ox.Literal) -> Literal:
        found = self.literals.get(term)
        if found is None:
            found = self.literals[term] = from_ox(term)
        return found

    def results(self, focus: Term, shape: _Shape) -> list[_Result]:
        """All results of `shape` on `focus` (its own constraints, then its property shapes)."""
        out: list[_Result] = []
        values = {focus} if shape.path is None else self.data.values(focus, shape.path)
        for constraint in shape.constraints:
            self.check(focus, shape, values, constraint, out)
        for prop in shape.properties:
            out.extend(self.results(focus, prop))
        return out

    def check(
        self, focus: Term, shape: _Shape, values: set[Term], c: tuple, out: list[_Result]
    ) -> None:
        kind = c[0]
        path = shape.path_node

        def fail(component: str, value: Term | None) -> None:
            out.append((focus, shape, _COMPONENTS[component], value, path))

        if kind == "class":
            members = self.data.instances(c[1])
            for v in values:
                if isinstance(v, ox.Literal) or v not in members:
                    fail("ClassConstraintComponent", v)
        elif kind == "datatype":
            for v in values:
                if not _datatype_ok(v, c[1], self):
                    fail("DatatypeConstraintComponent", v)
        elif kind == "nodeKind":
            for v in values:
                if not _node_kind_ok(v, c[1]):
                    fail("NodeKindConstraintComponent", v)
        elif kind == "pattern":
            for v in values:
                if isinstance(v, ox.BlankNode) or not c[1].search(v.value):
                    fail("PatternConstraintComponent", v)
        elif kind == "languageIn":
            for v in values:
                lang = v.language if isinstance(v, ox.Literal) else None
                ok = bool(lang) and (
                    "*" in c[1] or lang.lower() in c[1] or lang.split("-")[0].lower() in c[1]
                )
                if not ok:
                    fail("LanguageInConstraintComponent", v)
        elif kind == "in":
            for v in values:
                if v not in c[1]:
                    fail("InConstraintComponent", v)
        elif kind == "hasValue":
            if c[1] not in values:
                fail("HasValueConstraintComponent", None)
        elif kind in ("minInclusive", "minExclusive", "maxInclusive", "maxExclusive"):
            for v in values:
                if not _bound_ok(v, c[1], kind, self):
                    fail(f"{kind[0].upper()}{kind[1:]}ConstraintComponent", v)
        elif kind == "minCount":
            if len(values) < c[1]:
                fail("MinCountConstraintComponent", None)
        elif kind == "maxCount":
            if len(values) > c[1]:
                fail("MaxCountConstraintComponent", None)
        elif kind == "uniqueLang":
            if c[1]:
                seen: set[str] = set()
                duplicates: set[str] = set()
                for v in values:
                    if isinstance(v, ox.Literal) and v.language:
                        lang = v.language.lower()
                        (duplicates if lang in seen else seen).add(lang)
                for _ in duplicates:
                    fail("UniqueLangConstraintComponent", None)
        elif kind == "or":
            for v in values:
                if not any(self.conforms(v, s) for s in c[1]):
                    fail("OrConstraintComponent", v)
        elif kind == "xone":
            for v in values:
                if sum(1 for s in c[1] if self.conforms(v, s)) != 1:
                    fail("XoneConstraintComponent", v)
        elif kind == "node":
            for v in values:
                if not self.conforms(v, c[1]):
                    fail("NodeConstraintComponent", v)
        elif kind == "qualifiedValueShape":
            _, inner, low, high = c
            n = sum(1 for v in values if self.conforms(v, inner))
            if high is not None and n > high:
                fail("QualifiedMaxCountConstraintComponent", None)
            if low is not None and n < low:
                fail("QualifiedMinCountConstraintComponent", None)


def _datatype_ok(v: Term, rule: URIRef, validator: _Validator) -> bool:
    """pyshacl's DatatypeConstraintComponent, on rdflib's reading of the literal."""
    if not isinstance(v, ox.Literal):
        return False
    lit = validator.rdflib(v)
    datatype, lang = lit.datatype, lit.language
    if datatype == rule:
        if getattr(lit, "ill_typed", None) is True:
            return False
        return _actual(lit, rule)
    if rule == _RDFS_LITERAL:
        return True
    if rule == _RDFS_DATATYPE and datatype:
        return True
    if datatype is None and lang is None and rule == _XSD_STRING:
        return _actual(lit, rule)
    if rule == _LANGSTRING and lang:
        return _actual(lit, rule)
    return False


_XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
_RDFS_LITERAL, _RDFS_DATATYPE, _LANGSTRING = RDFS.Literal, RDFS.Datatype, RDF.langString
_IRI_KINDS = (SH.IRI, SH.IRIOrLiteral, SH.BlankNodeOrIRI)
_BLANK_KINDS = (SH.BlankNode, SH.BlankNodeOrIRI, SH.BlankNodeOrLiteral)
_LITERAL_KINDS = (SH.Literal, SH.BlankNodeOrLiteral, SH.IRIOrLiteral)


def _actual(lit: Literal, rule: URIRef) -> bool:
    from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent

    return DatatypeConstraintComponent._assert_actual_datatype(None, lit, rule)  # type: ignore[arg-type]


def _node_kind_ok(v: Term, kind: URIRef) -> bool:
    if isinstance(v, ox.NamedNode):
        return kind in _IRI_KINDS
    if isinstance(v, ox.BlankNode):
        return kind in _BLANK_KINDS
    return kind in _LITERAL_KINDS


def _bound_ok(v: Term, bound: Literal, kind: str, validator: _Validator) -> bool:
    """pyshacl's Min/MaxInclusive and Min/MaxExclusive comparison."""
    if not isinstance(v, ox.Literal):
        return False
    lit = validator.rdflib(v)
    bound_is_string = isinstance(bound.value, str)
    if bound_is_string != isinstance(lit.value, str):
        return False
    try:
        cmp = compare_literal(lit, bound)
    except (TypeError, NotImplementedError):
        return False
    return {
        "minInclusive": cmp >= 0,
        "minExclusive": cmp > 0,
        "maxInclusive": cmp <= 0,
        "maxExclusive": cmp < 0,
    }[kind]


def load_shapes_fast(paths: Iterable[Path] = ()) -> Graph:
    """validate.load_shapes, parsed by Oxigraph (rdflib's Turtle parser is the slow part)."""
    shapes = Graph()
    for path in list(paths) or shape_files():
        try:
            triples = list(ox.parse(path=str(path), base_iri=Path(path).as_uri()))
        except (SyntaxError, ValueError):
            return load_shapes(paths)  # the reference parser gives the located error
        for t in triples:
            shapes.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    return shapes


def compile_shapes(shapes: Graph) -> list[_Shape]:
    """The shapes with targets, compiled; Unsupported if a feature or message is missing."""
    compiler = _Compiler(shapes)
    targeted = []
    nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        nodes |= set(shapes.subjects(p))
    for node in sorted(nodes, key=str):
        shape = compiler.shape(node)
        if shape.targets:
            targeted.append(shape)
            reporting = ([shape] if shape.constraints else []) + shape.properties
            for s in reporting:
                if not s.messages:
                    raise Unsupported(f"{short(s.node)} has no sh:message")
    return targeted


def validate_store(
    store: ox.Store,
    shapes: Graph,
    graphs: Iterable[ox.NamedNode] | None = None,
    focus_filter: set[Node] | None = None,
) -> Report:
    """Validate the union of `graphs` (all graphs if None) in `store` against `shapes`."""
    targeted = compile_shapes(shapes)
    everything = _all_shapes(targeted)
    data = _Data(store, graphs, everything)
    validator = _Validator(data)
    results: list[_Result] = []
    wanted = None if focus_filter is None else {to_ox(n) for n in focus_filter}
    for shape in targeted:
        focus = data.focus(shape)
        if wanted is not None:
            focus &= wanted
        for node in focus:
            results.extend(validator.results(node, shape))
    findings = [_finding(shapes, r) for r in results]
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), short(f.focus), f.path))
    conforms = not any(f.severity == SH.Violation for f in findings)
    labels = _labels(store, {r[0] for r in results})
    return Report(conforms, findings, report_graph(shapes, findings), count_shapes(shapes), labels)


def _all_shapes(roots: list[_Shape]) -> list[_Shape]:
    seen: dict[int, _Shape] = {}
    todo = list(roots)
    while todo:
        s = todo.pop()
        if id(s) in seen:
            continue
        seen[id(s)] = s
        todo.extend(s.properties)
        for c in s.constraints:
            for arg in c[1:]:
                if isinstance(arg, _Shape):
                    todo.append(arg)
                elif isinstance(arg, list):
                    todo.extend(x for x in arg if isinstance(x, _Shape))
    return list(seen.values())


def _finding(shapes: Graph, r: _Result) -> Finding:
    focus, shape, component, value, path = r
    return Finding(
        focus=from_ox(focus),
        path=_path(shapes, path),
        value=None if value is None else from_ox(value),
        severity=shape.severity,
        component=component,
        shape=shape.node,
        name=shape.name,
        messages=dict(shape.messages),
    )


def report_graph(shapes: Graph, findings: list[Finding]) -> Graph:
    """A SHACL validation report holding the findings (paths copied from the shapes graph)."""
    out = Graph()
    report = BNode()
    out.add((report, RDF.type, SH.ValidationReport))
    out.add((report, SH.conforms, Literal(not any(f.severity == SH.Violation for f in findings))))
    for f in findings:
        result = BNode()
        out.add((report, SH.result, result))
        out.add((result, RDF.type, SH.ValidationResult))
        out.add((result, SH.focusNode, f.focus))
        out.add((result, SH.resultSeverity, f.severity))
        out.add((result, SH.sourceConstraintComponent, f.component))
        out.add((result, SH.sourceShape, f.shape))
        if f.value is not None:
            out.add((result, SH.value, f.value))
        path = shapes.value(f.shape, SH.path)
        if path is not None:
            out.add((result, SH.resultPath, path))
            if isinstance(path, BNode):
                for triple in shapes.cbd(path):
                    out.add(triple)
        for lang, text in sorted(f.messages.items()):
            out.add((result, SH.resultMessage, Literal(text, lang=lang)))
    return out


def _labels(store: ox.Store, nodes: set[Term]) -> dict[Node, str]:
    """English (else Danish, else any) rdfs:label, else foaf:name — as validate._label."""
    label = ox.NamedNode(str(RDFS.label))
    name = ox.NamedNode("http://xmlns.com/foaf/0.1/name")
    out: dict[Node, str] = {}
    for node in nodes:
        if isinstance(node, ox.Literal):
            continue
        labels = {
            q.object.language: q.object.value
            for q in store.quads_for_pattern(node, label, None, None)
            if isinstance(q.object, ox.Literal)
        }
        text = labels.get("en") or labels.get("da") or next(iter(labels.values()), "")
        if not text:
            text = next((q.object.value for q in store.quads_for_pattern(node, name, None)), "")
        if text:
            out[from_ox(node)] = text
    return out
