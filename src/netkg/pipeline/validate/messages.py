"""The message of a result whose shape has no sh:message, worded as pyshacl words it.

A user's shapes need not carry sh:message; pyshacl then writes a message of its own for each
constraint component. The compiled shapes give the same text, so a report reads the same
whichever validator made it: each template below is pyshacl's (its `make_generic_messages`),
and terms are written by pyshacl's own `stringify_node`, shape terms against the shapes graph
and data terms against `data` (a graph with rdflib's default prefixes, as pyshacl's copy of
netkg's data graph has, holding the description of any blank node a message names). Where a
parameter has several values, pyshacl lists them in whatever order its graph yields them; here
they are sorted, so the same input gives the same report.
tests/test_w3c_shacl.py compares these messages with pyshacl's on every test of the W3C suite.
"""

from __future__ import annotations

from collections.abc import Callable

from pyshacl.rdfutil import stringify_node
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node


def default_message(
    shapes: Graph,
    shape: Node,
    component: URIRef,
    focus: Node,
    value: Node | None,
    data: Graph,
) -> str:
    """pyshacl's message for a result of `component` from `shape` at `focus` (with `value`)."""
    return _TEMPLATES[component](_Context(shapes, shape, focus, value, data))


class _Context:
    """What a template reads: the shape's parameters and the terms of the result, written."""

    def __init__(
        self, shapes: Graph, shape: Node, focus: Node, value: Node | None, data: Graph
    ) -> None:
        self.shapes, self.shape, self.data = shapes, shape, data
        self.focus, self.value = focus, value

    def objects(self, parameter: URIRef) -> list[Node]:
        """The shape's values of a parameter, sorted (pyshacl lists several in the order its
        graph yields them, which changes from run to run; a report here does not)."""
        return sorted(self.shapes.objects(self.shape, parameter), key=str)

    def shape_term(self, node: Node) -> str:
        return stringify_node(self.shapes, node)

    def data_term(self, node: Node | None) -> str:
        return stringify_node(self.data, node)  # type: ignore[arg-type]

    def path(self) -> str | None:
        path = self.shapes.value(self.shape, SH.path)
        return None if path is None else self.shape_term(path)

    def items(self, lists: list[Node], joiner: str) -> str:
        """The members of one list (`a , b`), or of several (`(a , b) and (c)`)."""

        def members(lst: Node) -> str:
            return " , ".join(self.shape_term(x) for x in self.shapes.items(lst))

        if len(lists) < 2:
            return members(lists[0])
        return joiner.join(f"({members(lst)})" for lst in lists)


def _count(word: str, parameter: URIRef) -> Callable[[_Context], str]:
    def template(c: _Context) -> str:
        count = str(_value(c.objects(parameter)[0]))
        path = c.path()
        where = f"{c.data_term(c.focus)}->{path}" if path else c.data_term(c.focus)
        return f"{word} than {count} values on {where}"

    return template


def _bound(operator: str, parameter: URIRef) -> Callable[[_Context], str]:
    def template(c: _Context) -> str:
        limits = c.objects(parameter)
        if len(limits) < 2:
            return f"Value is not {operator} {c.shape_term(limits[0])}"
        return f"Value is not {operator} in ({', '.join(c.shape_term(x) for x in limits)})"

    return template


def _length(operator: str, parameter: URIRef) -> Callable[[_Context], str]:
    def template(c: _Context) -> str:
        return f"String length not {operator} {c.data_term(c.objects(parameter)[0])}"

    return template


def _pair(operator: str, parameter: URIRef) -> Callable[[_Context], str]:
    def template(c: _Context) -> str:
        compared = c.objects(parameter)
        if len(compared) < 2:
            names = c.shape_term(compared[0])
        else:
            names = ", ".join(c.shape_term(p) for p in compared)
        return f"Value of {c.data_term(c.focus)}->{names} {operator} {c.data_term(c.value)}"

    return template


def _logical(wording: str, parameter: URIRef) -> Callable[[_Context], str]:
    def template(c: _Context) -> str:
        shapes = c.items(c.objects(parameter), " and ")
        return f"Node {c.data_term(c.value)} must conform to {wording} {shapes}"

    return template


def _class(c: _Context) -> str:
    classes = c.objects(SH["class"])
    if len(classes) < 2:
        return f"Value does not have class {c.shape_term(classes[0])}"
    return f"Value class is not in classes ({', '.join(c.shape_term(x) for x in classes)})"


def _pattern(c: _Context) -> str:
    patterns = c.objects(SH.pattern)
    if len(patterns) < 2:
        return f"Value does not match pattern '{_value(patterns[0])}'"
    return "Value does not match every pattern in ('{}')".format(
        "', '".join(str(_value(p)) for p in patterns)
    )


def _in(c: _Context) -> str:
    allowed = sorted(set(c.shapes.items(c.objects(SH["in"])[0])), key=str)
    written = [c.shape_term(x) for x in allowed]  # printed as a Python list, as pyshacl does
    return f"Value {c.data_term(c.value)} not in list {written}"


def _has_value(c: _Context) -> str:
    wanted = [c.shape_term(x) for x in c.objects(SH.hasValue)]
    path = c.path()
    if path:
        return f"Node {c.data_term(c.focus)}->{path} does not contain a value in the set: {wanted}"
    return f"Node {c.data_term(c.focus)} value is not a in the set of values: {wanted}"


def _not(c: _Context) -> str:
    shapes = c.objects(SH["not"])
    if len(shapes) == 1:
        return f"Node {c.data_term(c.value)} must not conform to shape {c.shape_term(shapes[0])}"
    written = " , ".join(c.shape_term(s) for s in shapes)
    return f"Node {c.data_term(c.value)} must not conform to any shapes in {written}"


def _node(c: _Context) -> str:
    shapes = c.objects(SH.node)
    if len(shapes) < 2:
        text = f"Value does not conform to Shape {c.shape_term(shapes[0])}."
    else:
        text = "Value must conform to every Shape in ('{}').".format(
            "', '".join(c.shape_term(s) for s in shapes)
        )
    return text + " See details for more information."


def _qualified(c: _Context) -> str:
    shapes = c.objects(SH.qualifiedValueShape)
    written = ",".join(c.shape_term(s) for s in shapes)
    counts = ""
    for word, parameter in (("MinCount", SH.qualifiedMinCount), ("MaxCount", SH.qualifiedMaxCount)):
        found = c.objects(parameter)
        if found:
            counts += f" {word} {_value(found[0])}"
    if len(shapes) > 1:
        return f"Focus node does not conform to shapes{counts}: ({written})"
    return f"Focus node does not conform to shape{counts}: {written}"


def _closed(c: _Context) -> str:
    return f"Node {c.data_term(c.focus)} is closed. It cannot have value: {c.data_term(c.value)}"


def _value(node: Node) -> object:
    return node.value if isinstance(node, Literal) else node


_TEMPLATES: dict[URIRef, Callable[[_Context], str]] = {
    SH.ClassConstraintComponent: _class,
    SH.DatatypeConstraintComponent: lambda c: (
        f"Value is not Literal with datatype {c.shape_term(c.objects(SH.datatype)[0])}"
    ),
    SH.NodeKindConstraintComponent: lambda c: (
        f"Value is not of Node Kind {c.shape_term(c.objects(SH.nodeKind)[0])}"
    ),
    SH.MinCountConstraintComponent: _count("Less", SH.minCount),
    SH.MaxCountConstraintComponent: _count("More", SH.maxCount),
    SH.MinExclusiveConstraintComponent: _bound(">", SH.minExclusive),
    SH.MinInclusiveConstraintComponent: _bound(">=", SH.minInclusive),
    SH.MaxExclusiveConstraintComponent: _bound("<", SH.maxExclusive),
    SH.MaxInclusiveConstraintComponent: _bound("<=", SH.maxInclusive),
    SH.MinLengthConstraintComponent: _length(">=", SH.minLength),
    SH.MaxLengthConstraintComponent: _length("<=", SH.maxLength),
    SH.PatternConstraintComponent: _pattern,
    SH.LanguageInConstraintComponent: lambda c: (
        f"String language is not in {c.shape_term(c.objects(SH.languageIn)[0])}"
    ),
    SH.UniqueLangConstraintComponent: lambda c: "More than one String shares the same Language",
    SH.EqualsConstraintComponent: _pair("!=", SH.equals),
    SH.DisjointConstraintComponent: _pair("==", SH.disjoint),
    SH.LessThanConstraintComponent: _pair("<=", SH.lessThan),  # pyshacl's wording, as it is
    SH.LessThanOrEqualsConstraintComponent: _pair("<", SH.lessThanOrEquals),
    SH.NotConstraintComponent: _not,
    SH.AndConstraintComponent: _logical("all shapes in", SH["and"]),
    SH.OrConstraintComponent: _logical("one or more shapes in", SH["or"]),
    SH.XoneConstraintComponent: _logical("exactly one shape in", SH.xone),
    SH.InConstraintComponent: _in,
    SH.ClosedConstraintComponent: _closed,
    SH.HasValueConstraintComponent: _has_value,
    SH.NodeConstraintComponent: _node,
    SH.QualifiedMinCountConstraintComponent: _qualified,
    SH.QualifiedMaxCountConstraintComponent: _qualified,
}
