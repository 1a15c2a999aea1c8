"""Fast SHACL Core validation over an Oxigraph store, giving pyshacl's findings.

pyshacl re-reads the rdflib graph for every focus node and constraint; at a million triples that
takes minutes. Here the shapes graph is compiled once into typed records (validate.compiler),
the triples the shapes can look at (rdf:type, rdfs:subClassOf and the predicates on their
paths) are read from the store once into dictionaries, and each shape runs once over its focus
nodes. All of SHACL Core is implemented; what is not decided raises `Unsupported` (at compile
time, or for sh:lessThan on values SPARQL's `<` and pyshacl's would compare differently: IRIs,
blank nodes, tagged strings, different datatypes), and the caller runs pyshacl, the reference.
It never answers by leaving a rule out.

Results follow pyshacl's conventions (which results carry sh:value; nested sh:node results are
not reported on their own; a shape without sh:message gets pyshacl's message, validate.messages).
tests/test_shacl_fast.py checks them against pyshacl on every shape fixture; tests/test_w3c_shacl.py
runs the W3C SHACL Core test suite against both validators.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

import pyoxigraph as ox
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SH, XSD
from rdflib.term import Node

from netkg.pipeline.validate.compiler import (
    PATH_OPERATORS,
    SUBCLASS,
    TYPE,
    Alternative,
    And,
    Bound,
    ClassIs,
    Closed,
    Constraint,
    Datatype,
    Disjoint,
    Equals,
    HasValue,
    In,
    Inverse,
    LanguageIn,
    LessThan,
    MaxCount,
    MaxLength,
    MinCount,
    MinLength,
    NodeIs,
    NodeKind,
    Not,
    Or,
    PathExpr,
    Pattern,
    Predicate,
    Qualified,
    Repeat,
    Sequence,
    Shape,
    Term,
    UniqueLang,
    Unsupported,
    Xone,
    compile_shapes,
    reachable,
)
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


def _read(shapes: list[Shape]) -> tuple[set[ox.NamedNode], set[Term]]:
    """The predicates the shapes' paths, pair constraints and targets read, forwards and
    backwards."""
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
    return found, inverse


def read_predicates(shapes: Graph) -> set[URIRef]:
    """Every predicate a validation with these shapes reads: their paths, pair constraints and
    targets, rdf:type and rdfs:subClassOf (for classes), and rdfs:label and foaf:name (the
    report's names of focus nodes). A reasoner need infer no other triple for the same
    findings. Unsupported if these shapes are not all compiled here (pyshacl, which then
    validates, may read more)."""
    found, inverse = _read(reachable(compile_shapes(shapes)))
    named = {p.value for p in found | inverse if isinstance(p, ox.NamedNode)}
    return {URIRef(p) for p in named} | {RDF.type, RDFS.subClassOf, RDFS.label, FOAF.name}


class _Data:
    """What the shapes read from the store, as dictionaries of Oxigraph terms."""

    def __init__(
        self, store: ox.Store, graphs: Iterable[ox.NamedNode] | None, shapes: list[Shape]
    ) -> None:
        found, inverse = _read(shapes)
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

    def focus(self, shape: Shape) -> set[Term]:
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
    shape: Shape
    component: URIRef
    value: Term | None
    path: Node | None  # the shape's sh:path node (for sh:closed, the predicate found)


class _Validator:
    def __init__(self, data: _Data) -> None:
        self.data = data
        self.conforms_cache: dict[tuple[int, Term], bool] = {}
        self.literals: dict[ox.Literal, Literal] = {}

    def conforms(self, node: Term, shape: Shape) -> bool:
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

    def results(self, focus: Term, shape: Shape) -> list[_Result]:
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
        self, focus: Term, shape: Shape, values: set[Term], c: Constraint, out: list[_Result]
    ) -> None:
        path = shape.path_node

        def fail(component: URIRef, value: Term | None) -> None:
            out.append(_Result(focus, shape, component, value, path))

        match c:
            # most frequent first (netkg's own shapes): a case is an isinstance check
            case MinCount(count):
                if len(values) < count:
                    fail(SH.MinCountConstraintComponent, None)
            case MaxCount(count):
                if len(values) > count:
                    fail(SH.MaxCountConstraintComponent, None)
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
            case ClassIs(cls):
                members = self.data.instances(cls)
                for v in values:
                    if isinstance(v, ox.Literal) or v not in members:
                        fail(SH.ClassConstraintComponent, v)
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
            case Datatype(datatype):
                for v in values:
                    if not _datatype_ok(v, datatype, self):
                        fail(SH.DatatypeConstraintComponent, v)
            case In(allowed):
                for v in values:
                    if v not in allowed:
                        fail(SH.InConstraintComponent, v)
            case Or(shapes):
                for v in values:
                    if not any(self.conforms(v, s) for s in shapes):
                        fail(SH.OrConstraintComponent, v)
            case UniqueLang():
                seen: set[str] = set()
                duplicates: set[str] = set()
                for v in values:
                    if isinstance(v, ox.Literal) and v.language:
                        lang = v.language.lower()
                        (duplicates if lang in seen else seen).add(lang)
                for _ in duplicates:
                    fail(SH.UniqueLangConstraintComponent, None)
            case NodeIs(inner):
                for v in values:
                    if not self.conforms(v, inner):
                        fail(SH.NodeConstraintComponent, v)
            case NodeKind(kind):
                for v in values:
                    if not _node_kind_ok(v, kind):
                        fail(SH.NodeKindConstraintComponent, v)
            case Xone(shapes):
                for v in values:
                    if sum(1 for s in shapes if self.conforms(v, s)) != 1:
                        fail(SH.XoneConstraintComponent, v)
            case Pattern(regex):
                for v in values:
                    if isinstance(v, ox.BlankNode) or not regex.search(text_of(v)):
                        fail(SH.PatternConstraintComponent, v)
            case Bound(kind, limit):
                component = URIRef(f"{SH}{kind[0].upper()}{kind[1:]}ConstraintComponent")
                for v in values:
                    if not _bound_ok(v, limit, kind, self):
                        fail(component, v)
            case HasValue(forms):
                if not forms & values:
                    fail(SH.HasValueConstraintComponent, None)
            case MinLength(length):
                for v in values:
                    if length and (isinstance(v, ox.BlankNode) or len(text_of(v)) < length):
                        fail(SH.MinLengthConstraintComponent, v)
            case MaxLength(length):
                for v in values:
                    if isinstance(v, ox.BlankNode) or len(text_of(v)) > length:
                        fail(SH.MaxLengthConstraintComponent, v)
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
            case Not(inner):
                for v in values:
                    if self.conforms(v, inner):
                        fail(SH.NotConstraintComponent, v)


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


def validate_store(
    oxigraph: OxigraphStore,
    shapes: Graph,
    graphs: Iterable[URIRef] | None = None,
    focus_filter: set[Node] | None = None,
) -> Report:
    """Validate the union of `graphs` (all graphs if None) in the store against `shapes`.
    Unsupported for a store holding literals whose datatype it changed (its `altered`): the
    datatype the data gave is lost, so only the reference, on the data itself, can decide."""
    if oxigraph.altered:
        raise Unsupported("data whose datatype Oxigraph changes", oxigraph.altered[0])
    store = oxigraph.store
    targeted = compile_shapes(shapes)
    everything = reachable(targeted)
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
    for operator in sorted(PATH_OPERATORS):
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
