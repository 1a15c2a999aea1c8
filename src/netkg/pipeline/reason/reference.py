"""OWL 2 RL reasoning with owlrl: the reference the compiled rules are tested against.

owlrl re-applies every OWL 2 RL rule to every triple in rounds until nothing changes. What it
starts from and what of its closure is kept are the shared definitions of reason.pruning, so
that it and the compiled rules (reason.compiled) give the same inferred graph. Inconsistencies
owlrl finds (a unit typed as two disjoint kinds, say) come back as messages, not as triples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import owlrl
from rdflib import Graph
from rdflib.namespace import RDF
from rdflib.term import Node

from netkg.pipeline.reason.pruning import (
    ERROR,
    ERROR_TEXT,
    NOT_REASONED,
    axiom_predicates,
    schema_premise,
    useful,
)


@dataclass
class Inference:
    """The triples owlrl adds, and the inconsistencies it reports."""

    graph: Graph
    inconsistencies: list[str] = field(default_factory=list)


def infer(graphs: Iterable[Graph], prune: bool = True) -> Inference:
    """Run the OWL-RL closure over the union of `graphs`; return only the new, useful triples."""
    graphs = list(graphs)
    asserted: set[tuple[Node, Node, Node]] = set()
    for g in graphs:
        asserted.update(g)
    relevant = axiom_predicates(asserted) if prune else None
    closure = Graph()
    for triple in asserted:
        p = triple[1]
        if p in NOT_REASONED:
            continue
        if relevant is None or p in relevant or schema_premise(p):
            closure.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(closure)
    errors = sorted(
        str(msg)
        for node in closure.subjects(RDF.type, ERROR)
        for msg in closure.objects(node, ERROR_TEXT)
    )
    inferred = Graph()
    for triple in closure:
        if triple not in asserted and useful(triple):
            inferred.add(triple)
    return Inference(inferred, errors)
