"""The shapes graph compiled into typed records, for the compiled validator (validate.compiled).

Every shape becomes one `Shape` (shared where referenced), with its targets (implicit class
targets too), its path as a `PathExpr` (an inverse of a longer path turned into inverses of
predicates) and one record per constraint. What the compiled validator does not decide raises
`Unsupported` naming the feature, and the caller runs pyshacl (validate.reference) instead:

- any `sh:` term outside SHACL Core (SHACL-SPARQL, SHACL-AF, sh:entailment, a misspelt term);
- recursive shapes (SHACL leaves their meaning open) and ill-formed shapes (pyshacl names the
  fault: sh:minCount on a node shape, a path that is no path, two sh:datatype…);
- sh:closed on a property shape, sh:flags other than "i" and "m" (the ones pyshacl reads);
- an implicit class target pyshacl and the specification would read differently (a class only
  through a chain of subclasses of rdfs:Class, or a shape only by a parameter);
- sh:datatype of a type Oxigraph's store keeps as another (xsd:byte… as xsd:integer,
  xsd:dateTimeStamp as xsd:dateTime): the store cannot tell them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from netkg.rdf.results import short
from netkg.rdf.terms import STORED_AS, to_ox

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
PATH_OPERATORS = {
    SH.inversePath,
    SH.alternativePath,
    SH.zeroOrMorePath,
    SH.oneOrMorePath,
    SH.zeroOrOnePath,
}
_KNOWN = (
    _CONSTRAINTS
    | _TARGETS
    | PATH_OPERATORS
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

    shapes: tuple[Shape, ...]


@dataclass(frozen=True)
class Or:
    """sh:or: each value conforms to one of the shapes at least."""

    shapes: tuple[Shape, ...]


@dataclass(frozen=True)
class Xone:
    """sh:xone: each value conforms to exactly one of the shapes."""

    shapes: tuple[Shape, ...]


@dataclass(frozen=True)
class Not:
    """sh:not: no value conforms to the shape."""

    shape: Shape


@dataclass(frozen=True)
class NodeIs:
    """sh:node: each value conforms to the shape."""

    shape: Shape


@dataclass(frozen=True)
class Qualified:
    """sh:qualifiedValueShape with sh:qualifiedMinCount and/or sh:qualifiedMaxCount; with
    sh:qualifiedValueShapesDisjoint, a value counts only if it conforms to none of the
    `siblings` (the other qualified value shapes of the shape's parents)."""

    shape: Shape
    low: int | None
    high: int | None
    disjoint: bool = False
    siblings: tuple[Shape, ...] = ()


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
class Shape:
    node: Node
    path: PathExpr | None = None
    path_node: Node | None = None
    severity: URIRef = SH.Violation
    messages: dict[str, str] = field(default_factory=dict)
    name: str = ""
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    deactivated: bool = False
    local: bool = False  # looks at the node only: no path, property or nested shape

    def nested(self) -> list[Shape]:
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
    """The shapes graph as Shape objects (one per shape node, shared where referenced)."""

    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.done: dict[Node, Shape] = {}
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

    def shape(self, node: Node) -> Shape:
        if node in self.done:
            return self.done[node]
        g = self.g
        s = Shape(node)
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

    def constraint(self, s: Shape, p: URIRef, o: Node) -> Constraint | None:
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

    def closed(self, s: Shape) -> Closed:
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
        found = [p for p in g.predicates(node) if p in PATH_OPERATORS]
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


def compile_shapes(shapes: Graph) -> list[Shape]:
    """The shapes with targets, compiled; Unsupported if they need what is not implemented."""
    for p in sorted(set(shapes.predicates()), key=str):
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


def _add_disjoint_siblings(shapes: list[Shape]) -> None:
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


def _refuse_recursion(shapes: list[Shape]) -> None:
    """Shapes that reach themselves (SHACL leaves their meaning open): refused."""
    done: set[int] = set()

    def visit(shape: Shape, path: list[Shape]) -> None:
        if any(s is shape for s in path):
            raise Unsupported("recursive shapes", short(shape.node))
        if id(shape) in done:
            return
        for inner in shape.nested():
            visit(inner, [*path, shape])
        done.add(id(shape))

    for shape in shapes:
        visit(shape, [])


def reachable(roots: list[Shape]) -> list[Shape]:
    """The shapes and every shape they check values against."""
    seen: dict[int, Shape] = {}
    todo = list(roots)
    while todo:
        s = todo.pop()
        if id(s) in seen:
            continue
        seen[id(s)] = s
        todo.extend(s.nested())
    return list(seen.values())
