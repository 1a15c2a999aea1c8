"""OWL 2 RL reasoning with owlrl, keeping what it infers apart from what the files assert.

Only the axioms the queries need drive the closure:

* rdfs:domain and rdfs:range are left out. In OWL they infer types instead of checking them,
  which would make every sh:class check on such a property pass vacuously (a network "led by"
  a document would become a person); SHACL checks them instead.
* A data triple goes into the closure only if its predicate takes part in some axiom
  (sub-/equivalent/inverse property, property chain, restriction, property characteristic) or is
  part of the RDF/RDFS/OWL vocabulary itself. Labels, definitions, sources and the like can
  trigger no OWL 2 RL rule, so they only cost time (test_pruning_leaves_the_closure_unchanged
  in tests/test_build.py checks the closure is unchanged by leaving them out).

The inferred graph is the closure minus everything asserted, minus owlrl's bookkeeping that no
query needs (reflexive sameAs/sub-class/sub-property links, owl:Thing typing, facts about the
built-in vocabularies, triples about blank nodes). Inconsistencies owlrl finds (a unit typed as
two disjoint kinds, say) come back as messages, not as triples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from netkg.iris import OWLRL_ERROR

_ERROR = OWLRL_ERROR["ErrorMessage"]
_ERROR_TEXT = OWLRL_ERROR["error"]
_BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))
_NOT_REASONED = {RDFS.domain, RDFS.range}
_REFLEXIVE = {
    OWL.sameAs,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
}
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, RDF.Property}
_ANNOTATION_BUILTINS = {
    RDFS.label,
    RDFS.comment,
    RDFS.seeAlso,
    RDFS.isDefinedBy,
    OWL.versionInfo,
    OWL.versionIRI,
    OWL.priorVersion,
    OWL.imports,
}
_CHARACTERISTICS = (
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.AsymmetricProperty,
    OWL.IrreflexiveProperty,
)


@dataclass
class Inference:
    """The triples owlrl adds, and the inconsistencies it reports."""

    graph: Graph
    inconsistencies: list[str] = field(default_factory=list)


def infer(graphs: Iterable[Graph], prune: bool = True) -> Inference:
    """Run the OWL-RL closure over the union of `graphs`; return only the new, useful triples."""
    graphs = list(graphs)
    asserted: set = set()
    for g in graphs:
        asserted.update(g)
    relevant = _axiom_predicates(asserted) if prune else None
    closure = Graph()
    for triple in asserted:
        p = triple[1]
        if p in _NOT_REASONED:
            continue
        if relevant is None or p in relevant or _schema_premise(p):
            closure.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(closure)
    errors = sorted(
        str(msg)
        for node in closure.subjects(RDF.type, _ERROR)
        for msg in closure.objects(node, _ERROR_TEXT)
    )
    inferred = Graph()
    for triple in closure:
        if triple not in asserted and _useful(triple):
            inferred.add(triple)
    return Inference(inferred, errors)


def _axiom_predicates(triples: set) -> set:
    """Properties that appear in an axiom some OWL 2 RL rule can fire on."""
    schema = Graph()
    for t in triples:
        if str(t[1]).startswith(_BUILTIN):
            schema.add(t)
    found = set(schema.subjects(RDFS.subPropertyOf))  # p ⊑ q: triples of p are premises
    for p in (OWL.equivalentProperty, OWL.inverseOf):
        for s, o in schema.subject_objects(p):
            found.update((s, o))
    for characteristic in _CHARACTERISTICS:
        found.update(schema.subjects(RDF.type, characteristic))
    found.update(schema.objects(None, OWL.onProperty))
    for prop, chain in schema.subject_objects(OWL.propertyChainAxiom):
        found.add(prop)
        found.update(Collection(schema, chain))
    return {p for p in found if isinstance(p, URIRef)}


def _schema_premise(p: URIRef) -> bool:
    """RDF, RDFS and OWL terms that OWL 2 RL rules read (not their annotation properties)."""
    return str(p).startswith(_BUILTIN) and p not in _ANNOTATION_BUILTINS


def _useful(triple: tuple) -> bool:
    s, p, o = triple
    if isinstance(s, Literal):
        return False
    if isinstance(s, URIRef) and str(s).startswith(_BUILTIN):
        return False
    if p in _REFLEXIVE and s == o:
        return False
    if p == RDF.type and (o in _TRIVIAL_TYPES or o == _ERROR):
        return False
    if p == _ERROR_TEXT:
        return False
    if isinstance(o, URIRef) and str(o).startswith(str(XSD)) and p == RDF.type:
        return False
    # A blank node is local to the file (named graph) it is written in: an inferred triple about
    # one (an OWL restriction's types, an author's foaf:Agent type) would, once the inferred
    # graph is published on its own, be about a different node. None is needed by a query.
    return not (isinstance(s, BNode) or isinstance(o, BNode))
