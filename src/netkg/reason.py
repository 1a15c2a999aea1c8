"""OWL 2 RL reasoning with owlrl, keeping what it infers apart from what the files assert.

The closure runs on a copy of ontology + extracts + vocabularies + data; the inferred graph is
the difference, minus owlrl's bookkeeping that no query needs (reflexive owl:sameAs and
sub-class/property links, owl:Thing typing, literal subjects, facts about the built-in
vocabularies). Inconsistencies owlrl finds (a unit typed as two disjoint kinds, say) come back
as messages, not as triples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

_ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
_ERROR_TEXT = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
_BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))
_REFLEXIVE = {OWL.sameAs, RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass,
              OWL.equivalentProperty}
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, RDF.Property}


@dataclass
class Inference:
    """The triples owlrl adds, and the inconsistencies it reports."""

    graph: Graph
    inconsistencies: list[str] = field(default_factory=list)


def infer(graphs: Iterable[Graph]) -> Inference:
    """Run the OWL-RL closure over the union of `graphs`; return only the new, useful triples."""
    closure = Graph()
    for g in graphs:
        for triple in g:
            closure.add(triple)
    asserted = set(closure)
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
    # owlrl types every literal-valued datatype property's range on blank "literal proxies"
    return not (isinstance(s, BNode) and p == RDF.type and o == RDFS.Literal)
