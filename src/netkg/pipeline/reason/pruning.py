"""What both reasoners read and keep: the premises of the closure and the pruning of its output.

Only the axioms the queries need drive the closure:

* rdfs:domain and rdfs:range are left out (NOT_REASONED). In OWL they infer types instead of
  checking them, which would make every sh:class check on such a property pass vacuously (a
  network "led by" a document would become a person); SHACL checks them instead.
* A data triple goes into the closure only if its predicate takes part in some axiom
  (`axiom_predicates`: sub-/equivalent/inverse property, property chain, restriction, property
  characteristic) or is part of the RDF/RDFS/OWL vocabulary itself (`schema_premise`). Labels,
  definitions, sources and the like can trigger no OWL 2 RL rule, so they only cost time.

The inferred graph is the closure minus everything asserted, minus the bookkeeping no query
needs (`useful`: reflexive sameAs/sub-class/sub-property links, owl:Thing typing, facts about
the built-in vocabularies, triples about blank nodes). owlrl (reason.reference) and the compiled
rules (reason.compiled) both take these definitions, so they start from and keep the same triples.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from netkg.iris import OWLRL_ERROR

ERROR = OWLRL_ERROR["ErrorMessage"]  # owlrl's type of an inconsistency node
ERROR_TEXT = OWLRL_ERROR["error"]
BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))
NOT_REASONED = frozenset({RDFS.domain, RDFS.range})
REFLEXIVE = frozenset(
    {OWL.sameAs, RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty}
)
TRIVIAL_TYPES = frozenset({OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, RDF.Property})
ANNOTATION_BUILTINS = frozenset(
    {
        RDFS.label,
        RDFS.comment,
        RDFS.seeAlso,
        RDFS.isDefinedBy,
        OWL.versionInfo,
        OWL.versionIRI,
        OWL.priorVersion,
        OWL.imports,
    }
)
CHARACTERISTICS = (
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.AsymmetricProperty,
    OWL.IrreflexiveProperty,
)


def axiom_predicates(triples: Iterable[tuple[Node, Node, Node]]) -> set[URIRef]:
    """Properties that appear in an axiom some OWL 2 RL rule can fire on."""
    schema = Graph()
    for t in triples:
        if str(t[1]).startswith(BUILTIN):
            schema.add(t)
    found = set(schema.subjects(RDFS.subPropertyOf))  # p ⊑ q: triples of p are premises
    for p in (OWL.equivalentProperty, OWL.inverseOf):
        for s, o in schema.subject_objects(p):
            found.update((s, o))
    for characteristic in CHARACTERISTICS:
        found.update(schema.subjects(RDF.type, characteristic))
    found.update(schema.objects(None, OWL.onProperty))
    for prop, chain in schema.subject_objects(OWL.propertyChainAxiom):
        found.add(prop)
        found.update(Collection(schema, chain))
    return {p for p in found if isinstance(p, URIRef)}


def schema_premise(p: Node) -> bool:
    """RDF, RDFS and OWL terms that OWL 2 RL rules read (not their annotation properties)."""
    return str(p).startswith(BUILTIN) and p not in ANNOTATION_BUILTINS


def useful(triple: tuple[Node, Node, Node]) -> bool:
    """An inferred triple worth keeping (see the module docstring)."""
    s, p, o = triple
    if isinstance(s, Literal):
        return False
    if isinstance(s, URIRef) and str(s).startswith(BUILTIN):
        return False
    if p in REFLEXIVE and s == o:
        return False
    if p == RDF.type and (o in TRIVIAL_TYPES or o == ERROR):
        return False
    if p == ERROR_TEXT:
        return False
    if isinstance(o, URIRef) and str(o).startswith(str(XSD)) and p == RDF.type:
        return False
    # A blank node is local to the file (named graph) it is written in: an inferred triple about
    # one (an OWL restriction's types, an author's foaf:Agent type) would, once the inferred
    # graph is published on its own, be about a different node. None is needed by a query.
    return not (isinstance(s, BNode) or isinstance(o, BNode))
