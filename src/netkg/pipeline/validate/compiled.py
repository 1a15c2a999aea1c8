"""Fast SHACL Core validation over an Oxigraph store, giving pyshacl's findings.

pyshacl re-reads the rdflib graph for every focus node and constraint; at a million triples that
takes minutes. Here the shapes graph is compiled once into typed records, the triples the shapes
can look at (rdf:type, rdfs:subClassOf and the predicates on their paths) are read from the store
once into dictionaries, and each shape runs once over its focus nodes.

All of SHACL Core is implemented: every target (implicit class targets too), every path and
every core constraint component, with pyshacl's default messages for shapes without sh:message
(validate.messages). What it does not decide raises `Unsupported` naming the feature, and the
caller then runs pyshacl (netkg.pipeline.validate.reference), the reference: anything outside
SHACL Core in the `sh:` vocabulary (SHACL-SPARQL, SHACL-AF, sh:entailment), recursive shapes,
ill-formed shapes (pyshacl names the fault), sh:closed on a property shape, sh:flags other than
"i" and "m", an implicit class target pyshacl and the specification would read differently, and
sh:lessThan(OrEquals) on values SPARQL's `<` and pyshacl's would compare differently (IRIs,
blank nodes, tagged strings, different datatypes). It never answers by leaving a rule out.

Results follow pyshacl's conventions (which results carry sh:value; nested sh:node results are
not reported on their own). tests/test_shacl_fast.py checks them against pyshacl on every shape
fixture; tests/test_w3c_shacl.py runs the W3C SHACL Core test suite against both validators.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

import pyoxigraph as ox
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from netkg.pipeline.validate.messages import default_message
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

# The sh: terms a shapes graph may use. Any other sh: predicate (SHACL-SPARQL, SHACL-AF,
# sh:entailment…) is refused: a validator that skipped it would pass what it never checked.
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
    SH.minLength,
    SH.maxLength,
    SH.uniqueLang,
    SH["and"],
    SH["or"],
    SH.xone,
    SH["not"],
    SH.node,
    SH.qualifiedValueShape,
    SH.closed,
    SH.equals,
    SH.disjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
}
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
_PATHS = {
    SH.inversePath,
    SH.alternativePath,
    SH.zeroOrMorePath,
    SH.oneOrMorePath,
    SH.zeroOrOnePath,
}
_KNOWN = (
    _CONSTRAINTS
    | _TARGETS
    | _PATHS
    | {
        SH.path,
        SH.property,
        SH.flags,
        SH.ignoredProperties,
        SH.qualifiedMinCount,
        SH.qualifiedMaxCount,
        SH.qualifiedValueShapesDisjoint,
        SH.deactivated,
        SH.severity,
        SH.message,
        # non-validating: they change no result
        SH.name,
        SH.description,
        SH.order,
        SH.group,
        SH.defaultValue,
        SH.shapesGraph,
        SH.suggestedShapesGraph,
        SH.declare,
        SH.prefix,
        SH.namespace,
        # a validation report kept beside the shapes (the W3C tests hold their expected one)
        SH.conforms,
        SH.result,
        SH.focusNode,
        SH.resultPath,
        SH.resultSeverity,
        SH.sourceConstraint,
        SH.sourceConstraintComponent,
        SH.sourceShape,
        SH.value,
        SH.resultMessage,
        SH.detail,
    }
)
# Parameters SHACL allows on property shapes only, and those a shape may give once.
_PROPERTY_ONLY = {
    SH.minCount,
    SH.maxCount,
    SH.uniqueLang,
    SH.qualifiedValueShape,
    SH.lessThan,
    SH.lessThanOrEquals,
}
_ONCE = {
    SH.path,
    SH.severity,
    SH.deactivated,
    SH.minCount,
    SH.maxCount,
    SH.minLength,
    SH.maxLength,
    SH.uniqueLang,
    SH.datatype,
    SH.nodeKind,
    SH.languageIn,
    SH["in"],
    SH.flags,
    SH.closed,
    SH.ignoredProperties,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.qualifiedValueShape,
}
# Oxigraph stores a literal of these datatypes as one of the other (and numbers and booleans in
# their canonical form): a shape that asks for one of them cannot be decided on the store.
STORED_AS = {
    **{
        XSD[name]: XSD.integer
        for name in (
            "byte",
            "short",
            "int",
            "long",
            "unsignedByte",
            "unsignedShort",
            "unsignedInt",
            "unsignedLong",
            "positiveInteger",
            "nonNegativeInteger",
            "negativeInteger",
            "nonPositiveInteger",
        )
    },
    XSD.dateTimeStamp: XSD.dateTime,
}
_NODE_KINDS = {
    SH.IRI,
    SH.BlankNode,
    SH.Literal,
    SH.BlankNodeOrIRI,
    SH.BlankNodeOrLiteral,
    SH.IRIOrLiteral,
}


class Unsupported(Exception):
    """The shapes (or, rarely, the values compared) need what this validator does not
    implement; use pyshacl. `feature` names it, as the W3C suite's runner counts refusals."""

    def __init__(self, feature: str, detail: str = "") -> None:
        said = f"the compiled shapes do not implement {feature}"
        super().__init__(f"{said} ({detail})" if detail else said)
        self.feature = feature


def _ill_formed(detail: str) -> Unsupported:
    """A shape SHACL does not allow: pyshacl, the reference, says what is wrong with it."""
    return Unsupported("an ill-formed shape", detail)


# -- the compiled shapes: typed records ------------------------------------------------------


@dataclass(frozen=True)
class Predicate:
    """A path of one predicate."""

    iri: ox.NamedNode


@dataclass(frozen=True)
class Inverse:
    """A predicate followed backwards (an inverse of a longer path is compiled into these)."""

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


def _inverse(path: PathExpr) -> PathExpr:
    """The path followed backwards: ^(a/b) is ^b/^a, ^(a|b) is ^a|^b, ^(a*) is (^a)*."""
    match path:
        case Predicate(iri):
            return Inverse(iri)
        case Inverse(predicate):
            return Predicate(predicate)
        case Sequence(steps):
            return Sequence(tuple(_inverse(step) for step in reversed(steps)))
        case Alternative(options):
            return Alternative(tuple(_inverse(option) for option in options))
        case Repeat(inner, at_least, many):
            return Repeat(_inverse(inner), at_least, many)
    raise AssertionError(path)


@dataclass(frozen=True)
class Target:
    """Where a shape's focus nodes come from: sh:targetClass (or the shape being a class),
    targetNode, targetSubjectsOf, targetObjectsOf (kind class, node, subjects, objects)."""

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
    """sh:pattern (with sh:flags "i" and "m", the flags pyshacl reads)."""

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
    """sh:hasValue (the value in its written and its stored form)."""

    forms: frozenset[Term]


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
class MinLength:
    """sh:minLength: of an IRI's or a literal's text; a blank node fails unless it is 0."""

    length: int


@dataclass(frozen=True)
class MaxLength:
    """sh:maxLength: of an IRI's or a literal's text; a blank node fails."""

    length: int


@dataclass(frozen=True)
class UniqueLang:
    """sh:uniqueLang true (false, or any other value than true, checks nothing)."""


@dataclass(frozen=True)
class Equals:
    """sh:equals: the values are the focus node's values of the predicate."""

    predicate: ox.NamedNode


@dataclass(frozen=True)
class Disjoint:
    """sh:disjoint: no value is a value of the predicate at the focus node."""

    predicate: ox.NamedNode


@dataclass(frozen=True)
class LessThan:
    """sh:lessThan (or_equal: sh:lessThanOrEquals), against the focus node's values of the
    predicate."""

    predicate: ox.NamedNode
    or_equal: bool


@dataclass(frozen=True)
class Closed:
    """sh:closed true: the focus node has no predicate but its property shapes' and the
    ignored ones."""

    allowed: frozenset[ox.NamedNode]


@dataclass(frozen=True)
class And:
    """sh:and: each value conforms to all the shapes."""

    shapes: tuple[_Shape, ...]


@dataclass(frozen=True)
class Or:
    """sh:or: each value conforms to one of the shapes at least."""

    shapes: tuple[_Shape, ...]


@dataclass(frozen=True)
class Xone:
    """sh:xone: each value conforms to exactly one of the shapes."""

    shapes: tuple[_Shape, ...]


@dataclass(frozen=True)
class Not:
    """sh:not: no value conforms to the shape."""

    shape: _Shape


@dataclass(frozen=True)
class NodeIs:
    """sh:node: each value conforms to the shape."""

    shape: _Shape


@dataclass(frozen=True)
class Qualified:
    """sh:qualifiedValueShape with sh:qualifiedMinCount and/or sh:qualifiedMaxCount; with
    sh:qualifiedValueShapesDisjoint, a value counts only if it conforms to none of the
    `siblings` (the other qualified value shapes of the shape's parents)."""

    shape: _Shape
    low: int | None
    high: int | None
    disjoint: bool = False
    siblings: tuple[_Shape, ...] = ()


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
    | MinLength
    | MaxLength
    | UniqueLang
    | Equals
    | Disjoint
    | LessThan
    | Closed
    | And
    | Or
    | Xone
    | Not
    | NodeIs
    | Qualified
)
_NESTED = (And, Or, Xone, Not, NodeIs, Qualified)  # constraints that check other shapes


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
    deactivated: bool = False
    local: bool = False  # looks at the node only: no path, property or nested shape

    def nested(self) -> list[_Shape]:
        """The shapes this one checks values against (property shapes, sh:or, sh:node…)."""
        found = list(self.properties)
        for c in self.constraints:
            if isinstance(c, And | Or | Xone):
                found.extend(c.shapes)
            elif isinstance(c, Not | NodeIs):
                found.append(c.shape)
            elif isinstance(c, Qualified):
                found.append(c.shape)
                found.extend(c.siblings)
        return found


def _iri(node: Node | None, what: str) -> URIRef:
    if not isinstance(node, URIRef):
        raise _ill_formed(f"{what} {node} is not an IRI")
    return node


def _literal(node: Node | None, what: str) -> Literal:
    if not isinstance(node, Literal):
        raise _ill_formed(f"{what} {node} is not a literal")
    return node


def _integer(node: Node | None, what: str) -> int:
    value = _literal(node, what).toPython()
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _ill_formed(f"{what} {node} is not a whole number")
    return value


def _true(node: Node | None, what: str) -> bool:
    """Whether a boolean parameter is true: only the literal true is (the W3C suite's
    uniqueLang-002 reads "1"^^xsd:boolean as not true); a value that is no boolean is refused."""
    lit = _literal(node, what)
    if lit.datatype != XSD.boolean:
        raise _ill_formed(f"{what} {node} is not a boolean")
    return str(lit) == "true"


def _members(g: Graph, node: Node, what: str) -> list[Node]:
    """The members of a well-formed RDF list (refused otherwise)."""
    members, seen, cell = [], set(), node
    while cell != RDF.nil:
        first, rest = list(g.objects(cell, RDF.first)), list(g.objects(cell, RDF.rest))
        if len(first) != 1 or len(rest) != 1 or cell in seen:
            raise _ill_formed(f"{what} of {short(node)} is not a well-formed list")
        seen.add(cell)
        members.append(first[0])
        cell = rest[0]
    return members


class _Compiler:
    """The shapes graph as _Shape objects (one per shape node, shared where referenced)."""

    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.done: dict[Node, _Shape] = {}
        self.scratch = ox.Store()

    def forms(self, node: Node) -> frozenset[Term]:
        """A term of the shapes as written and as Oxigraph stores the data it is compared with
        ("01"^^xsd:integer as 1, "1"^^xsd:boolean as true): a value in the store equals it in
        either form (a target node is the term as written)."""
        term = to_ox(node)
        if not isinstance(term, ox.Literal):
            return frozenset({term})
        self.scratch.clear()
        self.scratch.add(ox.Quad(TYPE, TYPE, term))
        return frozenset({term, next(iter(self.scratch)).object})

    def shape(self, node: Node) -> _Shape:
        if node in self.done:
            return self.done[node]
        g = self.g
        s = _Shape(node)
        self.done[node] = s
        for p in set(g.predicates(node)):
            if p in _ONCE and len(set(g.objects(node, p))) > 1:
                raise _ill_formed(f"{short(node)} has more than one {short(p)}")
        path = g.value(node, SH.path)
        if path is not None:
            if (node, RDF.type, SH.NodeShape) in g:
                raise _ill_formed(f"the node shape {short(node)} has a sh:path")
            s.path, s.path_node = self.path(path, set()), path
        elif (node, RDF.type, SH.PropertyShape) in g:
            raise _ill_formed(f"the property shape {short(node)} has no sh:path")
        severity = g.value(node, SH.severity)
        s.severity = SH.Violation if severity is None else _iri(severity, "sh:severity")
        deactivated = g.value(node, SH.deactivated)
        s.deactivated = deactivated is not None and _true(deactivated, "sh:deactivated")
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
            for o in g.objects(node, p):
                if kind != "node":
                    _iri(o, short(p))
                s.targets.append(Target(kind, to_ox(o)))
        for p, o in sorted(g.predicate_objects(node)):
            if p in _CONSTRAINTS:
                if p in _PROPERTY_ONLY and s.path is None:
                    raise _ill_formed(f"{short(p)} on the node shape {short(node)}")
                c = self.constraint(s, _iri(p, "constraint"), o)
                if c is not None:
                    s.constraints.append(c)
        if g.value(node, SH.ignoredProperties) is not None and g.value(node, SH.closed) is None:
            raise _ill_formed(f"sh:ignoredProperties without sh:closed on {short(node)}")
        s.properties = [self.shape(p) for p in g.objects(node, SH.property)]
        for prop in s.properties:
            if prop.path is None:
                raise _ill_formed(f"sh:property {short(prop.node)} of {short(node)} has no path")
        s.local = (
            s.path is None
            and not s.properties
            and not any(isinstance(c, (*_NESTED, Closed)) for c in s.constraints)
        )
        return s

    def constraint(self, s: _Shape, p: URIRef, o: Node) -> Constraint | None:
        """The record of one parameter value; None for one that checks nothing (false)."""
        g, node = self.g, s.node
        if p in (SH["and"], SH["or"], SH.xone):
            shapes = tuple(self.shape(x) for x in _members(g, o, short(p)))
            if p == SH["and"]:
                return And(shapes)
            return Or(shapes) if p == SH["or"] else Xone(shapes)
        if p == SH["not"]:
            return Not(self.shape(o))
        if p == SH.node:
            return NodeIs(self.shape(o))
        if p == SH.qualifiedValueShape:
            low, high = g.value(node, SH.qualifiedMinCount), g.value(node, SH.qualifiedMaxCount)
            if low is None and high is None:
                raise _ill_formed(f"{short(node)} has no sh:qualifiedMin/MaxCount")
            disjoint = g.value(node, SH.qualifiedValueShapesDisjoint)
            return Qualified(
                self.shape(o),
                None if low is None else _integer(low, "sh:qualifiedMinCount"),
                None if high is None else _integer(high, "sh:qualifiedMaxCount"),
                disjoint is not None and _true(disjoint, "sh:qualifiedValueShapesDisjoint"),
            )
        if p == SH["in"]:
            return In(frozenset().union(*(self.forms(x) for x in _members(g, o, "sh:in"))))
        if p == SH.languageIn:
            return LanguageIn(
                frozenset(
                    str(_literal(x, "sh:languageIn")).lower()
                    for x in _members(g, o, "sh:languageIn")
                )
            )
        if p == SH.pattern:
            return Pattern(_regex(_literal(o, "sh:pattern"), g.value(node, SH.flags)))
        if p == SH.minCount:
            return MinCount(_integer(o, "sh:minCount"))
        if p == SH.maxCount:
            return MaxCount(_integer(o, "sh:maxCount"))
        if p == SH.minLength:
            return MinLength(_integer(o, "sh:minLength"))
        if p == SH.maxLength:
            return MaxLength(_integer(o, "sh:maxLength"))
        if p == SH.uniqueLang:
            return UniqueLang() if _true(o, "sh:uniqueLang") else None
        if p == SH.closed:
            return self.closed(s) if _true(o, "sh:closed") else None
        if p in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
            predicate = ox.NamedNode(str(_iri(o, short(p))))
            if p == SH.equals:
                return Equals(predicate)
            if p == SH.disjoint:
                return Disjoint(predicate)
            return LessThan(predicate, p == SH.lessThanOrEquals)
        if p == SH["class"]:
            return ClassIs(to_ox(o))
        if p == SH.hasValue:
            return HasValue(self.forms(o))
        if p == SH.datatype:
            datatype = _iri(o, "sh:datatype")
            if datatype in STORED_AS:
                raise Unsupported(
                    "sh:datatype of a type Oxigraph stores as another",
                    f"{short(datatype)} is stored as {short(STORED_AS[datatype])}",
                )
            return Datatype(datatype)
        if p == SH.nodeKind:
            if o not in _NODE_KINDS:
                raise _ill_formed(f"sh:nodeKind {short(o)} is not a node kind")
            return NodeKind(_iri(o, "sh:nodeKind"))
        local = str(p)[len(str(SH)) :]  # minInclusive, minExclusive, maxInclusive, maxExclusive
        return Bound(local, _literal(o, f"sh:{local}"))

    def closed(self, s: _Shape) -> Closed:
        if s.path is not None:
            raise Unsupported("sh:closed on a property shape", short(s.node))
        g = self.g
        allowed = {
            path
            for prop in g.objects(s.node, SH.property)
            for path in g.objects(prop, SH.path)
            if isinstance(path, URIRef)
        }
        ignored = g.value(s.node, SH.ignoredProperties)
        if ignored is not None:
            members = _members(g, ignored, "sh:ignoredProperties")
            allowed |= {_iri(x, "sh:ignoredProperties") for x in members}
        return Closed(frozenset(ox.NamedNode(str(p)) for p in allowed))

    def path(self, node: Node, seen: set[Node]) -> PathExpr:
        g = self.g
        if isinstance(node, URIRef):
            return Predicate(ox.NamedNode(str(node)))
        if node in seen or isinstance(node, Literal):
            raise _ill_formed(f"the path {node} is not well-formed")
        seen = seen | {node}
        if g.value(node, RDF.first) is not None:
            steps = _members(g, node, "sh:path")
            if len(steps) < 2:
                raise _ill_formed(f"the sequence path {node} has fewer than two members")
            return Sequence(tuple(self.path(x, seen) for x in steps))
        found = [p for p in g.predicates(node) if p in _PATHS]
        if len(found) != 1 or len(list(g.objects(node, found[0]))) != 1:
            raise _ill_formed(f"the path {node} is not well-formed")
        op = _iri(found[0], "path")
        inner = g.value(node, op)
        assert inner is not None
        if op == SH.inversePath:
            return _inverse(self.path(inner, seen))
        if op == SH.alternativePath:
            options = _members(g, inner, "sh:alternativePath")
            if len(options) < 2:
                raise _ill_formed(f"the alternative path {node} has fewer than two members")
            return Alternative(tuple(self.path(x, seen) for x in options))
        at_least, many = {
            SH.oneOrMorePath: (1, True),
            SH.zeroOrMorePath: (0, True),
            SH.zeroOrOnePath: (0, False),
        }[op]
        return Repeat(self.path(inner, seen), at_least, many)


def _regex(pattern: Literal, flags: Node | None) -> re.Pattern[str]:
    """sh:pattern as Python's re reads it (as pyshacl does), with the flags it reads."""
    options = 0
    for flag in "" if flags is None else str(_literal(flags, "sh:flags")):
        if flag not in "im":
            raise Unsupported("sh:flags other than i and m", repr(str(flags)))
        options |= re.IGNORECASE if flag == "i" else re.MULTILINE
    try:
        return re.compile(str(pattern), options)
    except re.error as exc:
        raise Unsupported("a sh:pattern Python cannot read", f"{pattern}: {exc}") from None


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


class _Data:
    """What the shapes read from the store, as dictionaries of Oxigraph terms."""

    def __init__(
        self, store: ox.Store, graphs: Iterable[ox.NamedNode] | None, shapes: list[_Shape]
    ) -> None:
        found: set[ox.NamedNode] = set()
        inverse: set[Term] = set()
        for s in shapes:
            _predicates(s.path, found, inverse)
            for c in s.constraints:
                if isinstance(c, Equals | Disjoint | LessThan):
                    found.add(c.predicate)
        for target in (t for s in shapes for t in s.targets):
            if target.kind == "subjects" and isinstance(target.term, ox.NamedNode):
                found.add(target.term)
            elif target.kind == "objects":
                inverse.add(target.term)
        self.store = store
        self.wanted: set[ox.NamedNode] | None = None if graphs is None else set(graphs)
        wanted: set[ox.NamedNode] = self.wanted or set()
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

    def quads(self, subject: Term) -> Iterable[ox.Quad]:
        """The statements about `subject` in the graphs validated."""
        if isinstance(subject, ox.Literal | ox.Triple):
            return ()
        found = self.store.quads_for_pattern(subject, None, None, None)
        if self.wanted is None:
            return found
        wanted = self.wanted
        return (q for q in found if q.graph_name in wanted)

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
    path: Node | None  # the shape's sh:path node (for sh:closed, the predicate found)


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
        """All results of `shape` on `focus`: its own constraints, then its property shapes on
        each value (the focus node itself for a node shape)."""
        if shape.deactivated:
            return []
        out: list[_Result] = []
        values = {focus} if shape.path is None else self.data.values(focus, shape.path)
        for constraint in shape.constraints:
            self.check(focus, shape, values, constraint, out)
        for prop in shape.properties:
            for v in values:
                out.extend(self.results(v, prop))
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
            case HasValue(forms):
                if not forms & values:
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
            case MinLength(length):
                for v in values:
                    if length and (isinstance(v, ox.BlankNode) or len(text_of(v)) < length):
                        fail(SH.MinLengthConstraintComponent, v)
            case MaxLength(length):
                for v in values:
                    if isinstance(v, ox.BlankNode) or len(text_of(v)) > length:
                        fail(SH.MaxLengthConstraintComponent, v)
            case UniqueLang():
                seen: set[str] = set()
                duplicates: set[str] = set()
                for v in values:
                    if isinstance(v, ox.Literal) and v.language:
                        lang = v.language.lower()
                        (duplicates if lang in seen else seen).add(lang)
                for _ in duplicates:
                    fail(SH.UniqueLangConstraintComponent, None)
            case Equals(predicate):
                other = self.data.out[predicate].get(focus, set())
                for v in values ^ other:
                    fail(SH.EqualsConstraintComponent, v)
            case Disjoint(predicate):
                for v in values & self.data.out[predicate].get(focus, set()):
                    fail(SH.DisjointConstraintComponent, v)
            case LessThan(predicate, or_equal):
                component = (
                    SH.LessThanOrEqualsConstraintComponent
                    if or_equal
                    else SH.LessThanConstraintComponent
                )
                for v in values:
                    for w in self.data.out[predicate].get(focus, ()):
                        if not _less(v, w, or_equal, self):
                            fail(component, v)
            case Closed(allowed):
                for q in self.data.quads(focus):
                    if q.predicate not in allowed:
                        found = _Result(focus, shape, SH.ClosedConstraintComponent, q.object, None)
                        out.append(found._replace(path=URIRef(q.predicate.value)))
            case And(shapes):
                for v in values:
                    if not all(self.conforms(v, s) for s in shapes):
                        fail(SH.AndConstraintComponent, v)
            case Or(shapes):
                for v in values:
                    if not any(self.conforms(v, s) for s in shapes):
                        fail(SH.OrConstraintComponent, v)
            case Xone(shapes):
                for v in values:
                    if sum(1 for s in shapes if self.conforms(v, s)) != 1:
                        fail(SH.XoneConstraintComponent, v)
            case Not(inner):
                for v in values:
                    if self.conforms(v, inner):
                        fail(SH.NotConstraintComponent, v)
            case NodeIs(inner):
                for v in values:
                    if not self.conforms(v, inner):
                        fail(SH.NodeConstraintComponent, v)
            case Qualified(inner, low, high, _disjoint, siblings):
                n = sum(
                    1
                    for v in values
                    if self.conforms(v, inner) and not any(self.conforms(v, s) for s in siblings)
                )
                if high is not None and n > high:
                    fail(SH.QualifiedMaxCountConstraintComponent, None)
                if low is not None and n < low:
                    fail(SH.QualifiedMinCountConstraintComponent, None)


def _less(v: Term, w: Term, or_equal: bool, validator: _Validator) -> bool:
    """v < w (or v <= w) where SPARQL's `<` and pyshacl's agree; Unsupported where they may
    not: an IRI, a blank node, a tagged string, an ill-typed literal, two datatypes that are
    not both numbers."""
    if not (isinstance(v, ox.Literal) and isinstance(w, ox.Literal)):
        raise Unsupported("sh:lessThan on an IRI or blank node", f"{v} and {w}")
    a, b = validator.rdflib(v), validator.rdflib(w)
    if isinstance(a.value, str) != isinstance(b.value, str):
        return False  # a string and a non-string: not comparable, a result for both
    numbers = a.datatype in _NUMBERS and b.datatype in _NUMBERS
    if (
        a.language
        or b.language
        or a.ill_typed
        or b.ill_typed
        or (a.datatype != b.datatype and not numbers)
    ):
        raise Unsupported("sh:lessThan on these values", f"{v} and {w}")
    try:
        return bool(a.value <= b.value if or_equal else a.value < b.value)
    except TypeError:  # a date with a time zone and one without
        raise Unsupported("sh:lessThan on these values", f"{v} and {w}") from None


_NUMBERS = {
    XSD.integer,
    XSD.decimal,
    XSD.float,
    XSD.double,
    XSD.int,
    XSD.long,
    XSD.short,
    XSD.byte,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.nonPositiveInteger,
    XSD.negativeInteger,
    XSD.unsignedInt,
    XSD.unsignedLong,
    XSD.unsignedShort,
    XSD.unsignedByte,
}


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
    """The shapes with targets, compiled; Unsupported if they need what is not implemented."""
    for p in sorted(set(shapes.predicates())):
        if str(p).startswith(str(SH)) and p not in _KNOWN:
            raise Unsupported(short(p))
    compiler = _Compiler(shapes)
    nodes = _shape_nodes(shapes)
    classes = _implicit_class_targets(shapes, nodes)
    targeted = []
    for node in sorted(nodes, key=str):
        shape = compiler.shape(node)
        if node in classes:
            shape.targets.append(Target("class", to_ox(node)))
        if shape.targets:
            targeted.append(shape)
    compiled = list(compiler.done.values())
    _add_disjoint_siblings(compiled)
    _refuse_recursion(compiled)
    return targeted


def _shape_nodes(g: Graph) -> set[Node]:
    """The shapes of the graph, found as pyshacl finds them: typed, targeting, with property or
    node shapes, or the value of a parameter that expects a shape (or a list of them)."""
    nodes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    for p in (*_TARGETS, SH.property, SH.node):
        nodes |= set(g.subjects(p))
    for p in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
        nodes |= set(g.objects(None, p))
    for p in (SH["and"], SH["or"], SH.xone):
        for lst in g.objects(None, p):
            nodes |= set(_members(g, lst, short(p)))
    return nodes


def _implicit_class_targets(g: Graph, nodes: set[Node]) -> set[Node]:
    """The shapes that are also classes, which target their instances: those of type rdfs:Class
    or of a class declared its direct subclass, as pyshacl reads them. Where the specification
    would find more (a longer subclass chain, or a class that is a shape only by a parameter
    pyshacl does not look for) the shapes are refused, not read one way or the other."""
    direct = {RDFS.Class} | set(g.subjects(RDFS.subClassOf, RDFS.Class))
    every = set(direct)
    todo = list(direct)
    while todo:
        for sub in g.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in every:
                every.add(sub)
                todo.append(sub)
    found = set()
    for node in set(g.subjects(RDF.type)):
        kinds = set(g.objects(node, RDF.type))
        if node in nodes and kinds & direct:
            found.add(node)
        elif kinds & every and (node in nodes or set(g.predicates(node)) & _CONSTRAINTS):
            raise Unsupported("an implicit class target pyshacl reads otherwise", short(node))
    return found


def _add_disjoint_siblings(shapes: list[_Shape]) -> None:
    """sh:qualifiedValueShapesDisjoint: the sibling shapes of a qualified value shape are the
    other qualified value shapes of the property shapes of its property shape's parents."""
    for parent in shapes:
        qualified = [
            c.shape
            for prop in parent.properties
            for c in prop.constraints
            if isinstance(c, Qualified)
        ]
        for prop in parent.properties:
            for i, c in enumerate(prop.constraints):
                if isinstance(c, Qualified) and c.disjoint:
                    others = [q for q in qualified if q is not c.shape and q not in c.siblings]
                    prop.constraints[i] = replace(c, siblings=(*c.siblings, *others))


def _refuse_recursion(shapes: list[_Shape]) -> None:
    """Shapes that reach themselves (SHACL leaves their meaning open): refused."""
    done: set[int] = set()

    def visit(shape: _Shape, path: list[_Shape]) -> None:
        if any(s is shape for s in path):
            raise Unsupported("recursive shapes", short(shape.node))
        if id(shape) in done:
            return
        for inner in shape.nested():
            visit(inner, [*path, shape])
        done.add(id(shape))

    for shape in shapes:
        visit(shape, [])


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
    texts = _DataText(data)
    found = [(_finding(shapes, r, texts), r.path) for r in results]
    found.sort(key=lambda f: (SEVERITY_ORDER.get(f[0].severity, 3), short(f[0].focus), f[0].path))
    findings = [f for f, _ in found]
    conforms = not any(f.severity == SH.Violation for f in findings)
    labels = _labels(store, {r.focus for r in results})
    return Report(conforms, findings, report_graph(shapes, found), count_shapes(shapes), labels)


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


class _DataText:
    """The graph pyshacl's default messages write data terms against: rdflib's default prefixes
    (those of the graph netkg hands pyshacl) and what the store says about the blank nodes named
    (pyshacl writes a blank node as its description)."""

    def __init__(self, data: _Data) -> None:
        self.data = data
        self.graph = Graph()
        self.described: set[Node] = set()

    def about(self, *terms: Node | None) -> Graph:
        todo = [t for t in terms if isinstance(t, BNode) and t not in self.described]
        while todo:
            node = todo.pop()
            if node in self.described:
                continue
            self.described.add(node)
            for q in self.data.quads(ox.BlankNode(str(node))):
                o = from_ox(plain(q.object))
                self.graph.add((node, from_ox(q.predicate), o))
                if isinstance(o, BNode):
                    todo.append(o)
        return self.graph


def _finding(shapes: Graph, r: _Result, texts: _DataText) -> Finding:
    try:
        focus, value = plain(r.focus), None if r.value is None else plain(r.value)
    except ValueError as exc:  # an RDF 1.2 triple term: pyshacl (rdflib) decides
        raise Unsupported("RDF 1.2 triple terms", str(exc)) from None
    focus_term, value_term = from_ox(focus), None if value is None else from_ox(value)
    messages = dict(r.shape.messages)
    if not messages:  # pyshacl's own wording, as the reference reports it
        data = texts.about(focus_term, value_term)
        text = default_message(shapes, r.shape.node, r.component, focus_term, value_term, data)
        messages = {"en": text}
    return Finding(
        focus=focus_term,
        path=path_text(shapes, r.path),
        value=value_term,
        severity=r.shape.severity,
        component=r.component,
        shape=r.shape.node,
        name=r.shape.name,
        messages=messages,
    )


def report_graph(shapes: Graph, results: list[tuple[Finding, Node | None]]) -> Graph:
    """A SHACL validation report holding the findings, each with its result path (a path's
    structure copied from the shapes graph)."""
    out = Graph()
    report = BNode()
    out.add((report, RDF.type, SH.ValidationReport))
    violation = any(f.severity == SH.Violation for f, _ in results)
    out.add((report, SH.conforms, Literal(not violation)))
    for f, path in results:
        result = BNode()
        out.add((report, SH.result, result))
        out.add((result, RDF.type, SH.ValidationResult))
        out.add((result, SH.focusNode, f.focus))
        out.add((result, SH.resultSeverity, f.severity))
        out.add((result, SH.sourceConstraintComponent, f.component))
        out.add((result, SH.sourceShape, f.shape))
        if f.value is not None:
            out.add((result, SH.value, f.value))
        if path is not None:
            out.add((result, SH.resultPath, path))
            _copy_path(shapes, path, out)
        for lang, text in sorted(f.messages.items()):
            out.add((result, SH.resultMessage, Literal(text, lang=lang)))
    return out


def _copy_path(shapes: Graph, node: Node, out: Graph) -> None:
    """The statements a path is read from (a list's cells, its one path operator), copied."""
    if not isinstance(node, BNode):
        return
    if shapes.value(node, RDF.first) is not None:
        cell: Node = node
        while isinstance(cell, BNode):  # a well-formed list: the path was compiled
            first, rest = shapes.value(cell, RDF.first), shapes.value(cell, RDF.rest)
            if first is None or rest is None:
                return
            out.add((cell, RDF.first, first))
            out.add((cell, RDF.rest, rest))
            _copy_path(shapes, first, out)
            cell = rest
        return
    for operator in sorted(_PATHS):
        inner = shapes.value(node, operator)
        if inner is not None:
            out.add((node, operator, inner))
            _copy_path(shapes, inner, out)
            return


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
