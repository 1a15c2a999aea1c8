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

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import pyoxigraph as ox
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import FOAF, RDF, RDFS, SH, XSD
from rdflib.term import Node

from netkg.pipeline.validate.report import (
    SEVERITY_ORDER,
    Finding,
    Report,
    count_shapes,
    path_text,
)
from netkg.rdf.results import short
from netkg.rdf.store import OxigraphStore
from netkg.rdf.terms import from_ox, plain, text_of, to_ox

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


class Unsupported(Exception):
    """The shapes use a feature this validator does not implement; use pyshacl."""


# -- the compiled shapes: typed records ------------------------------------------------------


@dataclass(frozen=True)
class Predicate:
    """A path of one predicate."""

    iri: ox.NamedNode


@dataclass(frozen=True)
class Inverse:
    """sh:inversePath (of a predicate: an inverse of a longer path is refused)."""

    predicate: ox.NamedNode


@dataclass(frozen=True)
class Sequence:
    """A list of paths, followed one after the other."""

    steps: tuple[PathExpr, ...]


@dataclass(frozen=True)
class Alternative:
    """sh:alternativePath: the values of any of the paths."""

    options: tuple[PathExpr, ...]


@dataclass(frozen=True)
class Repeat:
    """sh:oneOrMorePath (at_least=1), sh:zeroOrMorePath (0, many) or sh:zeroOrOnePath."""

    path: PathExpr
    at_least: int
    many: bool


PathExpr = Predicate | Inverse | Sequence | Alternative | Repeat


@dataclass(frozen=True)
class Target:
    """Where a shape's focus nodes come from: sh:targetClass, targetNode, targetSubjectsOf,
    targetObjectsOf (kind class, node, subjects, objects)."""

    kind: str
    term: Term


@dataclass(frozen=True)
class ClassIs:
    """sh:class: each value is a SHACL instance of the class."""

    cls: Term


@dataclass(frozen=True)
class Datatype:
    """sh:datatype, decided as pyshacl decides it."""

    datatype: URIRef


@dataclass(frozen=True)
class NodeKind:
    """sh:nodeKind."""

    kind: URIRef


@dataclass(frozen=True)
class Pattern:
    """sh:pattern (with sh:flags "i")."""

    regex: re.Pattern[str]


@dataclass(frozen=True)
class LanguageIn:
    """sh:languageIn (lower-cased; a value's primary language tag counts too)."""

    languages: frozenset[str]


@dataclass(frozen=True)
class In:
    """sh:in."""

    values: frozenset[Term]


@dataclass(frozen=True)
class HasValue:
    """sh:hasValue."""

    value: Term


@dataclass(frozen=True)
class Bound:
    """sh:minInclusive, minExclusive, maxInclusive or maxExclusive (`kind`, its local name)."""

    kind: str
    limit: Literal


@dataclass(frozen=True)
class MinCount:
    """sh:minCount."""

    count: int


@dataclass(frozen=True)
class MaxCount:
    """sh:maxCount."""

    count: int


@dataclass(frozen=True)
class UniqueLang:
    """sh:uniqueLang."""

    unique: bool


@dataclass(frozen=True)
class Or:
    """sh:or: each value conforms to one of the shapes at least."""

    shapes: tuple[_Shape, ...]


@dataclass(frozen=True)
class Xone:
    """sh:xone: each value conforms to exactly one of the shapes."""

    shapes: tuple[_Shape, ...]


@dataclass(frozen=True)
class NodeIs:
    """sh:node: each value conforms to the shape."""

    shape: _Shape


@dataclass(frozen=True)
class Qualified:
    """sh:qualifiedValueShape with sh:qualifiedMinCount and/or sh:qualifiedMaxCount."""

    shape: _Shape
    low: int | None
    high: int | None


Constraint = (
    ClassIs
    | Datatype
    | NodeKind
    | Pattern
    | LanguageIn
    | In
    | HasValue
    | Bound
    | MinCount
    | MaxCount
    | UniqueLang
    | Or
    | Xone
    | NodeIs
    | Qualified
)
_NESTED = (Or, Xone, NodeIs, Qualified)  # constraints that check other shapes


@dataclass(eq=False)
class _Shape:
    node: Node
    path: PathExpr | None = None
    path_node: Node | None = None
    severity: URIRef = SH.Violation
    messages: dict[str, str] = field(default_factory=dict)
    name: str = ""
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[_Shape] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    local: bool = False  # looks at the node only: no path, property or nested shape

    def nested(self) -> list[_Shape]:
        """The shapes this one checks values against (property shapes, sh:or, sh:node…)."""
        found = list(self.properties)
        for c in self.constraints:
            if isinstance(c, Or | Xone):
                found.extend(c.shapes)
            elif isinstance(c, NodeIs | Qualified):
                found.append(c.shape)
        return found


def _iri(node: Node | None, what: str) -> URIRef:
    if not isinstance(node, URIRef):
        raise Unsupported(f"{what} {node} is not an IRI")
    return node


def _literal(node: Node | None, what: str) -> Literal:
    if not isinstance(node, Literal):
        raise Unsupported(f"{what} {node} is not a literal")
    return node


def _integer(node: Node | None, what: str) -> int:
    value = _literal(node, what).toPython()
    if not isinstance(value, int) or isinstance(value, bool):
        raise Unsupported(f"{what} {node} is not an integer")
    return value


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
        severity = g.value(node, SH.severity)
        s.severity = SH.Violation if severity is None else _iri(severity, "sh:severity")
        for msg in g.objects(node, SH.message):
            lang = msg.language if isinstance(msg, Literal) and msg.language else "en"
            s.messages.setdefault(lang, str(msg))
        names = {
            n.language if isinstance(n, Literal) else None: str(n) for n in g.objects(node, SH.name)
        }
        name = g.value(node, SH.name)
        s.name = names.get("en") or (str(name) if name is not None else short(node))
        for kind, p in (
            ("class", SH.targetClass),
            ("node", SH.targetNode),
            ("subjects", SH.targetSubjectsOf),
            ("objects", SH.targetObjectsOf),
        ):
            s.targets += [Target(kind, to_ox(o)) for o in g.objects(node, p)]
        for p, o in sorted(g.predicate_objects(node)):
            if p in _CONSTRAINTS:
                s.constraints.append(self.constraint(node, _iri(p, "constraint"), o))
        s.properties = [self.shape(p) for p in g.objects(node, SH.property)]
        s.local = (
            s.path is None
            and not s.properties
            and not any(isinstance(c, _NESTED) for c in s.constraints)
        )
        return s

    def constraint(self, node: Node, p: URIRef, o: Node) -> Constraint:
        g = self.g
        if p == SH["or"]:
            return Or(tuple(self.shape(x) for x in Collection(g, o)))
        if p == SH.xone:
            return Xone(tuple(self.shape(x) for x in Collection(g, o)))
        if p == SH.node:
            return NodeIs(self.shape(o))
        if p == SH.qualifiedValueShape:
            if g.value(node, SH.qualifiedValueShapesDisjoint) is not None:
                raise Unsupported("sh:qualifiedValueShapesDisjoint is not implemented")
            low, high = g.value(node, SH.qualifiedMinCount), g.value(node, SH.qualifiedMaxCount)
            return Qualified(
                self.shape(o),
                None if low is None else _integer(low, "sh:qualifiedMinCount"),
                None if high is None else _integer(high, "sh:qualifiedMaxCount"),
            )
        if p == SH["in"]:
            return In(frozenset(to_ox(x) for x in Collection(g, o)))
        if p == SH.languageIn:
            return LanguageIn(frozenset(str(x).lower() for x in Collection(g, o)))
        if p == SH.pattern:
            flags = g.value(node, SH.flags)
            case = re.IGNORECASE if flags is not None and "i" in str(flags) else 0
            return Pattern(re.compile(str(o), case))
        if p == SH.minCount:
            return MinCount(_integer(o, "sh:minCount"))
        if p == SH.maxCount:
            return MaxCount(_integer(o, "sh:maxCount"))
        if p == SH.uniqueLang:
            return UniqueLang(bool(_literal(o, "sh:uniqueLang").toPython()))
        if p == SH["class"]:
            return ClassIs(to_ox(o))
        if p == SH.hasValue:
            return HasValue(to_ox(o))
        if p == SH.datatype:
            return Datatype(_iri(o, "sh:datatype"))
        if p == SH.nodeKind:
            return NodeKind(_iri(o, "sh:nodeKind"))
        local = str(p)[len(str(SH)) :]  # minInclusive, minExclusive, maxInclusive, maxExclusive
        return Bound(local, _literal(o, f"sh:{local}"))

    def path(self, node: Node) -> PathExpr:
        g = self.g
        if isinstance(node, URIRef):
            return Predicate(ox.NamedNode(str(node)))
        if g.value(node, RDF.first) is not None:
            return Sequence(tuple(self.path(x) for x in Collection(g, node)))
        inverse = g.value(node, SH.inversePath)
        if inverse is not None:
            inner = self.path(inverse)
            if not isinstance(inner, Predicate):
                raise Unsupported("an inverse of a complex path is not implemented")
            return Inverse(inner.iri)
        for op, at_least, many in (
            (SH.oneOrMorePath, 1, True),
            (SH.zeroOrMorePath, 0, True),
            (SH.zeroOrOnePath, 0, False),
        ):
            repeated = g.value(node, op)
            if repeated is not None:
                return Repeat(self.path(repeated), at_least, many)
        alt = g.value(node, SH.alternativePath)
        if alt is not None:
            return Alternative(tuple(self.path(x) for x in Collection(g, alt)))
        raise Unsupported(f"path {node} is not implemented")


def _predicates(path: PathExpr | None, found: set[ox.NamedNode], inverse: set[Term]) -> None:
    """The predicates a path reads forwards (`found`) and backwards (`inverse`)."""
    if isinstance(path, Predicate):
        found.add(path.iri)
    elif isinstance(path, Inverse):
        inverse.add(path.predicate)
    elif isinstance(path, Sequence):
        for step in path.steps:
            _predicates(step, found, inverse)
    elif isinstance(path, Alternative):
        for option in path.options:
            _predicates(option, found, inverse)
    elif isinstance(path, Repeat):
        _predicates(path.path, found, inverse)


def _read(shapes: list[_Shape]) -> tuple[set[ox.NamedNode], set[Term]]:
    """The predicates the shapes' paths and targets read forwards and backwards."""
    found: set[ox.NamedNode] = set()
    inverse: set[Term] = set()
    for s in shapes:
        _predicates(s.path, found, inverse)
    for target in (t for s in shapes for t in s.targets):
        if target.kind == "subjects" and isinstance(target.term, ox.NamedNode):
            found.add(target.term)
        elif target.kind == "objects":
            inverse.add(target.term)
    return found, inverse


def read_predicates(shapes: Graph) -> set[URIRef]:
    """Every predicate a validation with these shapes reads: their paths and targets, rdf:type
    and rdfs:subClassOf (for classes), and rdfs:label and foaf:name (the report's names of
    focus nodes). A reasoner need infer no other triple for the same findings. Unsupported if
    these shapes are not all compiled here (pyshacl, which then validates, may read more)."""
    found, inverse = _read(_all_shapes(compile_shapes(shapes)))
    named = {p.value for p in found | inverse if isinstance(p, ox.NamedNode)}
    return {URIRef(p) for p in named} | {RDF.type, RDFS.subClassOf, RDFS.label, FOAF.name}


class _Data:
    """What the shapes read from the store, as dictionaries of Oxigraph terms."""

    def __init__(
        self, store: ox.Store, graphs: Iterable[ox.NamedNode] | None, shapes: list[_Shape]
    ) -> None:
        found, inverse = _read(shapes)
        wanted: set[ox.NamedNode] = set() if graphs is None else set(graphs)
        others: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = []
        if graphs is not None:  # graphs left out: a predicate found in none needs no filter
            others = [ox.DefaultGraph(), *(g for g in store.named_graphs() if g not in wanted)]
        self.out: dict[Term, dict[Term, set[Term]]] = {}
        self.into: dict[Term, dict[Term, set[Term]]] = {}
        for p in found | {i for i in inverse if isinstance(i, ox.NamedNode)} | {TYPE, SUBCLASS}:
            out: dict[Term, set[Term]] = defaultdict(set)
            into: dict[Term, set[Term]] = defaultdict(set)
            quads: Iterable[ox.Quad] = store.quads_for_pattern(None, p, None, None)
            if any(next(store.quads_for_pattern(None, p, None, g), None) for g in others):
                quads = (q for q in quads if q.graph_name in wanted)
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

    def values(self, node: Term, path: PathExpr) -> set[Term]:
        if isinstance(path, Predicate):
            return self.out[path.iri].get(node, set())
        if isinstance(path, Inverse):
            return self.into[path.predicate].get(node, set())
        if isinstance(path, Sequence):
            nodes = {node}
            for step in path.steps:
                nodes = set().union(*(self.values(n, step) for n in nodes)) if nodes else set()
            return nodes
        if isinstance(path, Alternative):
            return set().union(*(self.values(node, option) for option in path.options))
        seen: set[Term] = set() if path.at_least else {node}
        if not path.many:
            return seen | self.values(node, path.path)
        todo = [node]
        while todo:
            for v in self.values(todo.pop(), path.path):
                if v not in seen:
                    seen.add(v)
                    todo.append(v)
        return seen

    def focus(self, shape: _Shape) -> set[Term]:
        nodes: set[Term] = set()
        for target in shape.targets:
            if target.kind == "class":
                nodes |= self.instances(target.term)
            elif target.kind == "node":
                nodes.add(target.term)
            elif target.kind == "subjects":
                nodes |= set(self.out[target.term])
            else:
                nodes |= set(self.into[target.term])
        return nodes


class _Result(NamedTuple):
    """One result before it becomes a Finding."""

    focus: Term
    shape: _Shape
    component: URIRef
    value: Term | None
    path: Node | None  # the shape's sh:path node


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
            converted = from_ox(term)
            assert isinstance(converted, Literal)
            found = self.literals[term] = converted
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
        self, focus: Term, shape: _Shape, values: set[Term], c: Constraint, out: list[_Result]
    ) -> None:
        path = shape.path_node

        def fail(component: URIRef, value: Term | None) -> None:
            out.append(_Result(focus, shape, component, value, path))

        match c:
            case ClassIs(cls):
                members = self.data.instances(cls)
                for v in values:
                    if isinstance(v, ox.Literal) or v not in members:
                        fail(SH.ClassConstraintComponent, v)
            case Datatype(datatype):
                for v in values:
                    if not _datatype_ok(v, datatype, self):
                        fail(SH.DatatypeConstraintComponent, v)
            case NodeKind(kind):
                for v in values:
                    if not _node_kind_ok(v, kind):
                        fail(SH.NodeKindConstraintComponent, v)
            case Pattern(regex):
                for v in values:
                    if isinstance(v, ox.BlankNode) or not regex.search(text_of(v)):
                        fail(SH.PatternConstraintComponent, v)
            case LanguageIn(languages):
                for v in values:
                    lang = v.language if isinstance(v, ox.Literal) else None
                    ok = bool(lang) and (
                        "*" in languages
                        or str(lang).lower() in languages
                        or str(lang).split("-")[0].lower() in languages
                    )
                    if not ok:
                        fail(SH.LanguageInConstraintComponent, v)
            case In(allowed):
                for v in values:
                    if v not in allowed:
                        fail(SH.InConstraintComponent, v)
            case HasValue(value):
                if value not in values:
                    fail(SH.HasValueConstraintComponent, None)
            case Bound(kind, limit):
                component = URIRef(f"{SH}{kind[0].upper()}{kind[1:]}ConstraintComponent")
                for v in values:
                    if not _bound_ok(v, limit, kind, self):
                        fail(component, v)
            case MinCount(count):
                if len(values) < count:
                    fail(SH.MinCountConstraintComponent, None)
            case MaxCount(count):
                if len(values) > count:
                    fail(SH.MaxCountConstraintComponent, None)
            case UniqueLang(unique):
                if unique:
                    seen: set[str] = set()
                    duplicates: set[str] = set()
                    for v in values:
                        if isinstance(v, ox.Literal) and v.language:
                            lang = v.language.lower()
                            (duplicates if lang in seen else seen).add(lang)
                    for _ in duplicates:
                        fail(SH.UniqueLangConstraintComponent, None)
            case Or(shapes):
                for v in values:
                    if not any(self.conforms(v, s) for s in shapes):
                        fail(SH.OrConstraintComponent, v)
            case Xone(shapes):
                for v in values:
                    if sum(1 for s in shapes if self.conforms(v, s)) != 1:
                        fail(SH.XoneConstraintComponent, v)
            case NodeIs(inner):
                for v in values:
                    if not self.conforms(v, inner):
                        fail(SH.NodeConstraintComponent, v)
            case Qualified(inner, low, high):
                n = sum(1 for v in values if self.conforms(v, inner))
                if high is not None and n > high:
                    fail(SH.QualifiedMaxCountConstraintComponent, None)
                if low is not None and n < low:
                    fail(SH.QualifiedMinCountConstraintComponent, None)


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
    """Whether rdflib's value of the literal has the Python type of the datatype, as pyshacl
    checks it (DatatypeConstraintComponent; datatypes it has no Python type for pass)."""
    expected = _PYTHON_TYPES.get(rule)
    return expected is None or isinstance(lit.value, expected)


_PYTHON_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    _XSD_STRING: (str, bytes),
    _LANGSTRING: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: datetime.date,
    XSD.time: datetime.time,
    XSD.dateTime: datetime.datetime,
}


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
    oxigraph: OxigraphStore,
    shapes: Graph,
    graphs: Iterable[URIRef] | None = None,
    focus_filter: set[Node] | None = None,
) -> Report:
    """Validate the union of `graphs` (all graphs if None) in the store against `shapes`."""
    store = oxigraph.store
    targeted = compile_shapes(shapes)
    everything = _all_shapes(targeted)
    names = None if graphs is None else [ox.NamedNode(str(g)) for g in graphs]
    data = _Data(store, names, everything)
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
    labels = _labels(store, {r.focus for r in results})
    return Report(conforms, findings, report_graph(shapes, findings), count_shapes(shapes), labels)


def _all_shapes(roots: list[_Shape]) -> list[_Shape]:
    seen: dict[int, _Shape] = {}
    todo = list(roots)
    while todo:
        s = todo.pop()
        if id(s) in seen:
            continue
        seen[id(s)] = s
        todo.extend(s.nested())
    return list(seen.values())


def _finding(shapes: Graph, r: _Result) -> Finding:
    try:
        focus, value = plain(r.focus), None if r.value is None else plain(r.value)
    except ValueError as exc:  # an RDF 1.2 triple term: pyshacl (rdflib) decides
        raise Unsupported(str(exc)) from None
    return Finding(
        focus=from_ox(focus),
        path=path_text(shapes, r.path),
        value=None if value is None else from_ox(value),
        severity=r.shape.severity,
        component=r.component,
        shape=r.shape.node,
        name=r.shape.name,
        messages=dict(r.shape.messages),
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
    """English (else Danish, else any) rdfs:label, else foaf:name — as report.label_of."""
    label = ox.NamedNode(str(RDFS.label))
    name = ox.NamedNode("http://xmlns.com/foaf/0.1/name")
    out: dict[Node, str] = {}
    for node in nodes:
        if not isinstance(node, ox.NamedNode | ox.BlankNode):
            continue
        labels = {
            q.object.language: q.object.value
            for q in store.quads_for_pattern(node, label, None, None)
            if isinstance(q.object, ox.Literal)
        }
        text = labels.get("en") or labels.get("da") or next(iter(labels.values()), "")
        if not text:
            names = store.quads_for_pattern(node, name, None)
            text = next((text_of(q.object) for q in names), "")
        if text:
            out[from_ox(node)] = text
    return out
