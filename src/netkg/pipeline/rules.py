"""Fast OWL 2 RL reasoning: the rules the ontology's axioms can fire, set-based, over Oxigraph.

The reference reasoner (netkg.pipeline.reason, owlrl) re-applies every OWL 2 RL rule to every
triple in rounds until nothing changes; at a million triples that takes many minutes. This module
gives the same inferred graph in seconds:

1. The triples the closure starts from are the same as reason.py's: every triple whose predicate
   is an axiom predicate (`reason._axiom_predicates`) or a non-annotation RDF/RDFS/OWL term, with
   rdfs:domain and rdfs:range left out. They are read from the store one predicate at a time.
2. The schema part (class and property axioms) is closed with the scm-* rules as owlrl states
   them, then compiled into tables: each class's superclasses, each property's superproperties,
   inverses, chains, hasValue / someValuesFrom / intersection / union restrictions, disjointness.
3. The data part runs to a fixpoint with a work list: each new triple is joined once with the
   tables and the indexes of the triples seen so far (cax-sco, cax-eqc, prp-spo1, prp-eqp,
   prp-inv, prp-symp, prp-trp, prp-spo2, cls-hv, cls-svf, cls-int, cls-uni, cax-dw, cax-adc).
4. What is kept is reason.py's pruning exactly (`reason._useful`, minus what is asserted).

Axioms outside those rules (sameAs, functional properties, cardinalities, allValuesFrom, ...)
make `Unsupported` be raised: the caller then falls back to the reference reasoner rather than
give a different answer. tests/test_rules.py checks this module against owlrl.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources

import pyoxigraph as ox
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.XsdDatatypes import OWL_RL_Datatypes
from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from netkg.pipeline import reason

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Triple = tuple[Term, Term, Term]


def _n(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


TYPE = _n(RDF.type)
FIRST, REST, NIL = _n(RDF.first), _n(RDF.rest), _n(RDF.nil)
SUBCLASS, SUBPROP = _n(RDFS.subClassOf), _n(RDFS.subPropertyOf)
EQCLASS, EQPROP = _n(OWL.equivalentClass), _n(OWL.equivalentProperty)
INVERSE, CHAIN = _n(OWL.inverseOf), _n(OWL.propertyChainAxiom)
ON_PROPERTY, HAS_VALUE, SOME = _n(OWL.onProperty), _n(OWL.hasValue), _n(OWL.someValuesFrom)
INTERSECTION, UNION = _n(OWL.intersectionOf), _n(OWL.unionOf)
DISJOINT, MEMBERS, ALL_DISJOINT = _n(OWL.disjointWith), _n(OWL.members), _n(OWL.AllDisjointClasses)
OWL_CLASS, THING, NOTHING = _n(OWL.Class), _n(OWL.Thing), _n(OWL.Nothing)
TRANSITIVE, SYMMETRIC = _n(OWL.TransitiveProperty), _n(OWL.SymmetricProperty)
PROPERTY_TYPES = {_n(OWL.ObjectProperty), _n(OWL.DatatypeProperty), _n(RDF.Property)}

# Predicates that make up the schema (read by scm-* rules and compiled into tables)
SCHEMA_PREDICATES = {
    SUBCLASS,
    SUBPROP,
    EQCLASS,
    EQPROP,
    INVERSE,
    CHAIN,
    ON_PROPERTY,
    HAS_VALUE,
    SOME,
    INTERSECTION,
    UNION,
    DISJOINT,
    MEMBERS,
    FIRST,
    REST,
}
SCHEMA_TYPES = {OWL_CLASS, TRANSITIVE, SYMMETRIC, ALL_DISJOINT, *PROPERTY_TYPES}

# Axioms whose OWL 2 RL rules this module does not implement: present → Unsupported
_UNSUPPORTED_PREDICATES = {
    _n(OWL[name])
    for name in (
        "sameAs",
        "differentFrom",
        "allValuesFrom",
        "maxCardinality",
        "maxQualifiedCardinality",
        "oneOf",
        "complementOf",
        "hasKey",
        "propertyDisjointWith",
        "sourceIndividual",
        "distinctMembers",
    )
}
_UNSUPPORTED_TYPES = {
    _n(OWL[name])
    for name in (
        "FunctionalProperty",
        "InverseFunctionalProperty",
        "IrreflexiveProperty",
        "AsymmetricProperty",
        "AllDifferent",
        "AllDisjointProperties",
        "NegativePropertyAssertion",
    )
} | {NOTHING}

_NOT_REASONED = {_n(p) for p in reason._NOT_REASONED}
_ANNOTATIONS = {_n(p) for p in reason._ANNOTATION_BUILTINS}
_REFLEXIVE = {_n(p) for p in reason._REFLEXIVE}
_TRIVIAL_TYPES = {_n(t) for t in reason._TRIVIAL_TYPES} | {_n(reason._ERROR)}
_CHARACTERISTICS = {_n(c) for c in reason._CHARACTERISTICS}
_XSD = str(XSD)
_RL_DATATYPES = {str(d) for d in OWL_RL_Datatypes}


class Unsupported(Exception):
    """The data uses an axiom whose rules are not implemented here; use the reference path."""


@dataclass
class FastInference:
    """The inferred triples (not yet in the store) and the inconsistencies found."""

    triples: list[Triple]
    inconsistencies: list[str] = field(default_factory=list)


def _rq(name: str) -> str:
    return resources.files("netkg.pipeline").joinpath(f"rq/{name}").read_text(encoding="utf-8")


def infer_store(
    store: ox.Store, graphs: Iterable[ox.NamedNode], into: ox.NamedNode | None = None
) -> FastInference:
    """Reason over the union of `graphs` in `store`; add the inferred triples to `into` if given."""
    graphs = list(graphs)
    asserted = _Asserted(store, graphs)
    result = infer_triples(asserted)
    if into is not None:
        store.extend(ox.Quad(s, p, o, into) for s, p, o in result.triples)
    return result


class _Asserted:
    """The asserted triples of some named graphs, read one predicate at a time."""

    def __init__(self, store: ox.Store, graphs: list[ox.NamedNode]) -> None:
        self.store = store
        self.graphs = graphs
        solutions = store.query(_rq("distinct-predicates.rq"), use_default_graph_as_union=False)
        wanted = set(graphs)
        self.predicates = {
            s["p"] for s in solutions if s["g"] in wanted and isinstance(s["p"], ox.NamedNode)
        }

    def with_predicate(self, p: ox.NamedNode) -> Iterator[Triple]:
        seen: set[Triple] = set()
        for g in self.graphs:
            for q in self.store.quads_for_pattern(None, p, None, g):
                t = (q.subject, p, q.object)
                if t not in seen:
                    seen.add(t)
                    yield t

    def contains(self, t: Triple) -> bool:
        return any(
            True for g in self.graphs for _ in self.store.quads_for_pattern(t[0], t[1], t[2], g)
        )


def infer_triples(asserted: _Asserted) -> FastInference:
    """The closure over the pruned asserted triples, filtered as reason.py filters it."""
    schema_source = {p: list(asserted.with_predicate(p)) for p in _builtin(asserted.predicates)}
    relevant = _axiom_predicates(schema_source)
    start: dict[ox.NamedNode, list[Triple]] = {}
    for p in asserted.predicates:
        if p in _NOT_REASONED:
            continue
        if p in schema_source:
            start[p] = schema_source[p]
        elif p in relevant:
            start[p] = list(asserted.with_predicate(p))
    closure = _Closure(start)
    closure.run()
    inferred = []
    for t in closure.new:
        if not _useful(t):
            continue
        if t[1] in start or not asserted.contains(t):
            inferred.append(t)
    return FastInference(sorted(inferred, key=_key), closure.errors())


def _key(t: Triple) -> tuple[str, str, str]:
    return (str(t[0]), str(t[1]), str(t[2]))


def _builtin(predicates: Iterable[ox.NamedNode]) -> set[ox.NamedNode]:
    return {p for p in predicates if p.value.startswith(reason._BUILTIN)}


def _items(index: dict, head: Term) -> list[Term]:
    """The members of an RDF list, from an index subject → {predicate: objects}."""
    items: list[Term] = []
    seen = set()
    while head != NIL and head not in seen:
        seen.add(head)
        firsts = index.get((head, FIRST), ())
        items.extend(firsts)
        rests = index.get((head, REST), ())
        if not rests:
            break
        head = next(iter(rests))
    return items


def _axiom_predicates(schema: dict[ox.NamedNode, list[Triple]]) -> set[ox.NamedNode]:
    """reason._axiom_predicates, over the asserted schema triples."""
    found: set[Term] = {s for s, _, _ in schema.get(SUBPROP, ())}
    for p in (EQPROP, INVERSE):
        for s, _, o in schema.get(p, ()):
            found.update((s, o))
    for s, _, o in schema.get(TYPE, ()):
        if o in _CHARACTERISTICS:
            found.add(s)
    found.update(o for _, _, o in schema.get(ON_PROPERTY, ()))
    lists = _list_index(schema)
    for prop, _, chain in schema.get(CHAIN, ()):
        found.add(prop)
        found.update(_items(lists, chain))
    return {p for p in found if isinstance(p, ox.NamedNode)}


def _list_index(schema: dict[ox.NamedNode, list[Triple]]) -> dict:
    index: dict = defaultdict(list)
    for p in (FIRST, REST):
        for s, _, o in schema.get(p, ()):
            index[(s, p)].append(o)
    return index


def _useful(t: Triple) -> bool:
    """reason._useful on Oxigraph terms."""
    s, p, o = t
    if isinstance(s, ox.Literal):
        return False
    if isinstance(s, ox.NamedNode) and s.value.startswith(reason._BUILTIN):
        return False
    if p in _REFLEXIVE and s == o:
        return False
    if p == TYPE and o in _TRIVIAL_TYPES:
        return False
    if p == TYPE and isinstance(o, ox.NamedNode) and o.value.startswith(_XSD):
        return False
    return not (isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode))


class _Closure:
    """The fixpoint: schema rules first (small), then data rules through compiled tables."""

    def __init__(self, start: dict[ox.NamedNode, list[Triple]]) -> None:
        self.pairs: dict[Term, set[tuple[Term, Term]]] = defaultdict(set)
        self.new: list[Triple] = []
        self.queue: deque[Triple] = deque()
        self._errors: set[str] = set()
        for p in start:
            if p in _UNSUPPORTED_PREDICATES:
                raise Unsupported(f"the fast reasoner does not implement {p.value}")
        for triples in start.values():
            for t in triples:
                self.pairs[t[1]].add((t[0], t[2]))
                if t[1] == TYPE and t[2] in _UNSUPPORTED_TYPES:
                    raise Unsupported(f"the fast reasoner does not implement {t[2].value}")
        self.start = start
        self._check_literals()

    # -- bookkeeping -----------------------------------------------------------------------
    def add(self, s: Term, p: Term, o: Term) -> None:
        pair = (s, o)
        pairs = self.pairs[p]
        if pair not in pairs:
            pairs.add(pair)
            t = (s, p, o)
            self.new.append(t)
            self.queue.append(t)

    def errors(self) -> list[str]:
        return sorted(self._errors)

    def _check_literals(self) -> None:
        """dt-type2's lexical check, as owlrl makes it in its one-time rules."""
        for triples in self.start.values():
            for _, _, o in triples:
                if isinstance(o, ox.Literal) and o.datatype.value in _RL_DATATYPES:
                    converter = AltXSDToPYTHON.get(_rdflib_iri(o.datatype), None)
                    if converter is None:
                        continue
                    try:
                        converter(o.value)
                    except ValueError:
                        self._errors.add(
                            f"Lexical value of the literal '{o.value}' does not match its "
                            f"datatype ({o.datatype.value})"
                        )

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> None:
        self._schema()
        self._compile()
        for triples in self.start.values():
            for t in triples:
                self._data(t)
        self._drain()
        self._disjointness()

    def _drain(self) -> None:
        while self.queue:
            self._data(self.queue.popleft())

    def _schema(self) -> None:
        """scm-cls, scm-sco, scm-eqc1/2, scm-op/dp, scm-spo, scm-eqp1/2, scm-hv, scm-svf1/2,
        scm-int, scm-uni (owlrl's _schema_vocabulary, plus the integration rules), to a fixpoint.
        """
        pairs = self.pairs
        changed = True
        while changed:
            before = sum(len(pairs[p]) for p in (SUBCLASS, SUBPROP, EQCLASS, EQPROP))
            for s, o in list(pairs[TYPE]):
                if o == OWL_CLASS:
                    self._add_schema(s, SUBCLASS, s)
                    self._add_schema(s, EQCLASS, s)
                    self._add_schema(s, SUBCLASS, THING)
                    self._add_schema(NOTHING, SUBCLASS, s)
                elif o in PROPERTY_TYPES:
                    self._add_schema(s, SUBPROP, s)
                    self._add_schema(s, EQPROP, s)
            for rel, eq in ((SUBCLASS, EQCLASS), (SUBPROP, EQPROP)):
                for a, b in list(pairs[eq]):
                    if a != b:
                        self._add_schema(a, rel, b)
                        self._add_schema(b, rel, a)
                sup = _successors(pairs[rel])
                for a in list(sup):
                    for b in list(sup[a]):
                        if a == b:
                            continue
                        for c in list(sup.get(b, ())):
                            if a != c:
                                self._add_schema(a, rel, c)
                        if a in sup.get(b, ()):
                            self._add_schema(a, eq, b)
            self._scm_restrictions()
            after = sum(len(pairs[p]) for p in (SUBCLASS, SUBPROP, EQCLASS, EQPROP))
            changed = after != before
        # the schema triples are data too (cax-sco on a class's own type, say)
        self.queue.clear()

    def _add_schema(self, s: Term, p: Term, o: Term) -> None:
        self.add(s, p, o)

    def _scm_restrictions(self) -> None:
        pairs = self.pairs
        on = _successors(pairs[ON_PROPERTY])
        subprop = pairs[SUBPROP]
        subclass = pairs[SUBCLASS]
        for prop, kind in ((HAS_VALUE, "hv"), (SOME, "svf")):
            by_restriction = _successors(pairs[prop])
            for c1, values1 in by_restriction.items():
                for c2, values2 in by_restriction.items():
                    for p1 in on.get(c1, ()):
                        for p2 in on.get(c2, ()):
                            for y1 in values1:
                                for y2 in values2:
                                    same_value = y1 == y2
                                    if kind == "hv":
                                        if same_value and (p1, p2) in subprop:
                                            self._add_schema(c1, SUBCLASS, c2)
                                    else:
                                        if p1 == p2 and (y1, y2) in subclass:  # scm-svf1
                                            self._add_schema(c1, SUBCLASS, c2)
                                        if same_value and (p1, p2) in subprop:  # scm-svf2
                                            self._add_schema(c1, SUBCLASS, c2)
        lists = self._lists()
        for c, head in list(pairs[INTERSECTION]):
            for member in _items(lists, head):
                self._add_schema(c, SUBCLASS, member)
        for c, head in list(pairs[UNION]):
            for member in _items(lists, head):
                self._add_schema(member, SUBCLASS, c)

    def _lists(self) -> dict:
        index: dict = defaultdict(list)
        for p in (FIRST, REST):
            for s, o in self.pairs[p]:
                index[(s, p)].append(o)
        return index

    def _compile(self) -> None:
        """Per-rule term tables from the closed schema."""
        pairs = self.pairs
        lists = self._lists()
        self.sup_class = {
            a: [b for b in bs if b != a] for a, bs in _successors(pairs[SUBCLASS]).items()
        }
        self.sup_prop = {
            a: [b for b in bs if b != a] for a, bs in _successors(pairs[SUBPROP]).items()
        }
        self.inverse: dict[Term, list[Term]] = defaultdict(list)
        for a, b in pairs[INVERSE]:
            self.inverse[a].append(b)  # (x a y) → (y b x)
            self.inverse[b].append(a)  # (x b y) → (y a x)
        self.types: dict[Term, set[Term]] = defaultdict(set)
        self.members: dict[Term, set[Term]] = defaultdict(set)
        for x, c in pairs[TYPE]:
            self.types[x].add(c)
            self.members[c].add(x)
        self.symmetric = set(self.members.get(SYMMETRIC, ()))
        self.transitive = set(self.members.get(TRANSITIVE, ()))
        self.chains: dict[Term, list[tuple[Term, list[Term], int]]] = defaultdict(list)
        for q, head in pairs[CHAIN]:
            chain = _items(lists, head)
            for i, p in enumerate(chain):
                self.chains[p].append((q, chain, i))
        on = _successors(pairs[ON_PROPERTY])
        self.hv_of_class: dict[Term, list[tuple[Term, Term]]] = defaultdict(list)
        self.hv_of_pair: dict[tuple[Term, Term], list[Term]] = defaultdict(list)
        for r, v in pairs[HAS_VALUE]:
            for p in on.get(r, ()):
                self.hv_of_class[r].append((p, v))
                self.hv_of_pair[(p, v)].append(r)
        self.svf_of_prop: dict[Term, list[tuple[Term, Term]]] = defaultdict(list)
        self.svf_of_class: dict[Term, list[tuple[Term, Term]]] = defaultdict(list)
        for r, c in pairs[SOME]:
            for p in on.get(r, ()):
                self.svf_of_prop[p].append((r, c))
                self.svf_of_class[c].append((r, p))
        self.int_members: dict[Term, list[Term]] = {}
        self.int_of_member: dict[Term, list[Term]] = defaultdict(list)
        for c, head in pairs[INTERSECTION]:
            members = _items(lists, head)
            self.int_members[c] = members
            for m in members:
                self.int_of_member[m].append(c)
        self.uni_of_member: dict[Term, list[Term]] = defaultdict(list)
        for c, head in pairs[UNION]:
            for m in _items(lists, head):
                self.uni_of_member[m].append(c)
        self.disjoint: list[tuple[Term, Term]] = [(a, b) for a, b in pairs[DISJOINT]]
        for x in self.members.get(ALL_DISJOINT, ()):
            if True:
                for head in _successors(pairs[MEMBERS]).get(x, ()):
                    members = _items(lists, head)
                    for i in range(len(members) - 1):
                        for other in members[i + 1 :]:
                            self.disjoint.append((members[i], other))
        # indexes the joins need
        joined = set(self.transitive) | {p for p in self.chains} | set(self.svf_of_prop)
        self.out: dict[Term, dict[Term, set[Term]]] = {p: defaultdict(set) for p in joined}
        self.into: dict[Term, dict[Term, set[Term]]] = {p: defaultdict(set) for p in joined}
        for p in joined:
            for s, o in pairs[p]:
                self.out[p][s].add(o)
                self.into[p][o].add(s)
        self.schema_size = {p: len(pairs[p]) for p in SCHEMA_PREDICATES}

    def _data(self, t: Triple) -> None:
        s, p, o = t
        add = self.add
        if p == TYPE:
            self.types[s].add(o)
            self.members[o].add(s)
            for c in self.sup_class.get(o, ()):
                add(s, TYPE, c)
            for prop, value in self.hv_of_class.get(o, ()):
                add(s, prop, value)
            for r, prop in self.svf_of_class.get(o, ()):
                for x in self.into[prop].get(s, ()):
                    add(x, TYPE, r)
            for c in self.int_of_member.get(o, ()):
                if all(m in self.types[s] for m in self.int_members[c]):
                    add(s, TYPE, c)
            for m in self.int_members.get(o, ()):
                add(s, TYPE, m)
            for c in self.uni_of_member.get(o, ()):
                add(s, TYPE, c)
            if o in SCHEMA_TYPES or o in _UNSUPPORTED_TYPES:
                self._schema_changed(t)
            return
        if p in SCHEMA_PREDICATES or p in _UNSUPPORTED_PREDICATES:
            self._schema_changed(t)
        out = self.out.get(p)
        if out is not None:
            out[s].add(o)
            self.into[p][o].add(s)
        for q in self.sup_prop.get(p, ()):
            add(s, q, o)
        for q in self.inverse.get(p, ()):
            add(o, q, s)
        if p in self.symmetric:
            add(o, p, s)
        if p in self.transitive:
            for z in list(self.out[p].get(o, ())):
                add(s, p, z)
            for w in list(self.into[p].get(s, ())):
                add(w, p, o)
        for q, chain, i in self.chains.get(p, ()):
            for head in self._walk_back(chain, i, s):
                for tail in self._walk_on(chain, i, o):
                    add(head, q, tail)
        for r in self.hv_of_pair.get((p, o), ()):
            add(s, TYPE, r)
        for r, c in self.svf_of_prop.get(p, ()):
            if c == THING or c in self.types.get(o, ()):
                add(s, TYPE, r)

    def _walk_back(self, chain: list[Term], i: int, node: Term) -> set[Term]:
        nodes = {node}
        for p in reversed(chain[:i]):
            into = self.into[p]
            nodes = {x for n in nodes for x in into.get(n, ())}
        return nodes

    def _walk_on(self, chain: list[Term], i: int, node: Term) -> set[Term]:
        nodes = {node}
        for p in chain[i + 1 :]:
            out = self.out[p]
            nodes = {x for n in nodes for x in out.get(n, ())}
        return nodes

    def _schema_changed(self, t: Triple) -> None:
        """A data rule derived a schema triple: the compiled tables would be stale."""
        if t[1] in _UNSUPPORTED_PREDICATES or t[2] in _UNSUPPORTED_TYPES:
            raise Unsupported(f"the data entails an unsupported axiom: {t}")
        if t[1] in self.schema_size and len(self.pairs[t[1]]) != self.schema_size[t[1]]:
            raise Unsupported(f"the data entails a new schema axiom: {t}")
        if t[1] == TYPE and (t[0], t[2]) not in self._schema_types():
            raise Unsupported(f"the data entails a new schema axiom: {t}")

    def _schema_types(self) -> set:
        if not hasattr(self, "_types_at_compile"):
            self._types_at_compile = {(s, o) for s, o in self.pairs[TYPE] if o in SCHEMA_TYPES}
        return self._types_at_compile

    def _disjointness(self) -> None:
        """cax-dw and cax-adc, with owlrl's message."""
        for c1, c2 in self.disjoint:
            for x in self.members.get(c1, set()) & self.members.get(c2, set()):
                self._errors.add(
                    f"Disjoint classes {_text(c1)} and {_text(c2)} have a common individual "
                    f"{_text(x)}"
                )


def _successors(pairs: Iterable[tuple[Term, Term]]) -> dict[Term, set[Term]]:
    out: dict[Term, set[Term]] = defaultdict(set)
    for a, b in pairs:
        out[a].add(b)
    return out


def _text(term: Term) -> str:
    """A term as owlrl's messages print it (rdflib's str: the IRI, the lexical form)."""
    return term.value


def _rdflib_iri(term: ox.NamedNode) -> URIRef:
    """owlrl's converter table is keyed by rdflib IRIs."""
    return URIRef(term.value)
