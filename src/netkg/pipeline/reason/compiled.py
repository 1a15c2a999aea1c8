"""Fast OWL 2 RL reasoning: the rules the ontology's axioms can fire, set-based, over Oxigraph.

The reference reasoner (netkg.pipeline.reason.reference, owlrl) re-applies every OWL 2 RL rule
to every triple in rounds until nothing changes; at a million triples that takes many minutes.
This module gives the same inferred graph in seconds:

1. The triples the closure starts from are the same as owlrl's: every triple whose predicate
   is an axiom predicate (`pruning.axiom_predicates`) or a non-annotation RDF/RDFS/OWL term, with
   rdfs:domain and rdfs:range left out. They are read from the store one predicate at a time
   (rdf:type one class at a time, so only the subject of each is read), and each term is
   numbered by its N-Triples text: a str hashes and compares much faster than an Oxigraph term,
   and reading is, with Oxigraph inserting the result, most of the cost at a million triples.
2. The schema part (class and property axioms) is closed with the scm-* rules as owlrl states
   them, then compiled into tables: each class's superclasses, each property's superproperties,
   inverses, chains, hasValue / someValuesFrom / intersection / union restrictions, disjointness.
3. The data part runs in rounds until no set grows, each rule one set operation over a whole
   property (pairs s << 32 | o) or class (members): union, swap, composition, transitive
   closure (cax-sco, cax-eqc, prp-spo1, prp-eqp, prp-inv, prp-symp, prp-trp, prp-spo2, cls-hv,
   cls-svf, cls-int, cls-uni; then cax-dw and cax-adc). A rule none of whose inputs grew since
   it last ran is skipped, so later rounds cost only what still changes.
4. What is kept is owlrl's exactly (`pruning.useful`, minus what is asserted). It is
   written as N-Triples text from those same texts and loaded by Oxigraph in one call: no
   Python object per inferred term (`InferredTriples` parses the text only if iterated).

Why not the rules as SPARQL updates inside Oxigraph: inserting is the store's dearest operation
(about as dear per quad as reading one into Python), a fixpoint of updates inserts each round's
new triples again into its delta, and an update binds no parameters as terms (netkg never
splices terms into SPARQL text). Reading the premises once and inserting the result once is
the least the store has to do.

Axioms outside those rules (sameAs, functional properties, cardinalities, allValuesFrom, ...)
make `Unsupported` be raised: the caller then falls back to the reference reasoner rather than
give a different answer. tests/test_rules.py checks this module against owlrl.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.XsdDatatypes import OWL_RL_Datatypes
from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from netkg.pipeline.inputs.layout import internal_query_text
from netkg.pipeline.reason import pruning
from netkg.rdf.store import OxigraphStore
from netkg.rdf.terms import solutions, text_of

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
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

_NOT_REASONED = {_n(p) for p in pruning.NOT_REASONED}
_ANNOTATIONS = {_n(p) for p in pruning.ANNOTATION_BUILTINS}
_REFLEXIVE = {_n(p) for p in pruning.REFLEXIVE}
_TRIVIAL_TYPES = {_n(t) for t in pruning.TRIVIAL_TYPES} | {_n(pruning.ERROR)}
_CHARACTERISTICS = {_n(c) for c in pruning.CHARACTERISTICS}
_XSD = str(XSD)
_XSD_TEXT = f"<{_XSD}"
_RL_DATATYPES = {str(d) for d in OWL_RL_Datatypes}


class Unsupported(Exception):
    """The data uses an axiom whose rules are not implemented here; use the reference path."""


class InferredTriples:
    """The inferred triples as N-Triples text: Oxigraph loads it without a Python object per
    term (the insertion is most of the cost at a million triples); iterating parses it."""

    def __init__(self, text: bytes, count: int) -> None:
        self.text = text
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Triple]:
        for t in ox.parse(self.text, format=ox.RdfFormat.N_TRIPLES):
            yield t.subject, t.predicate, t.object


@dataclass
class FastInference:
    """The inferred triples (in `into` if one was given) and the inconsistencies found."""

    triples: InferredTriples
    inconsistencies: list[str] = field(default_factory=list)


def infer_store(
    store: OxigraphStore,
    graphs: Iterable[URIRef],
    into: URIRef | None = None,
    only: Iterable[URIRef] | None = None,
) -> FastInference:
    """Reason over the union of `graphs` in `store`; add the inferred triples to `into` if given.

    With `only`, the property rules run only where they can lead to one of those predicates,
    so what is inferred with another predicate (but rdf:type, always inferred whole) may be
    missing; every triple with one of them is inferred, exactly as without `only`. A validation
    that reads only these predicates (validate.compiled.read_predicates) finds the same, and
    an import need not close, say, org:transitiveSubOrganizationOf, which no shape reads and
    which grows with the square of a hierarchy's depth."""
    asserted = _Asserted(store.store, [ox.NamedNode(str(g)) for g in graphs])
    wanted = None if only is None else {ox.NamedNode(str(p)) for p in only}
    result = _Closure(asserted, wanted).run()
    if into is not None and len(result.triples):
        store.store.load(
            result.triples.text, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(into))
        )
    return result


class _Asserted:
    """The asserted triples of some named graphs, read one predicate at a time."""

    def __init__(self, store: ox.Store, graphs: list[ox.NamedNode]) -> None:
        self.store = store
        self.wanted = wanted = set(graphs)
        query = internal_query_text("distinct-predicates.rq")
        found = solutions(store.query(query, use_default_graph_as_union=False))
        self.predicates: set[ox.NamedNode] = set()
        self.everything = True  # every quad of the store is in a wanted graph
        for s in found:
            p = s["p"]
            if s["g"] not in wanted:
                self.everything = False
            elif isinstance(p, ox.NamedNode):
                self.predicates.add(p)
        if next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is not None:
            self.everything = False

    def with_predicate(self, p: ox.NamedNode) -> Iterator[ox.Quad]:
        """The quads with predicate p (a triple in two graphs comes twice)."""
        quads = self.store.quads_for_pattern(None, p, None, None)
        if self.everything:
            yield from quads
            return
        wanted = self.wanted
        for q in quads:
            if q.graph_name in wanted:
                yield q

    def classes(self) -> set[Term]:
        """The objects of rdf:type in the wanted graphs."""
        wanted = self.wanted
        query = internal_query_text("typed-classes.rq")
        return {s["class"] for s in solutions(self.store.query(query)) if s["g"] in wanted}

    def members(self, cls: Term) -> Iterator[Term]:
        """The subjects typed `cls` (one typed so in two graphs comes twice)."""
        quads = self.store.quads_for_pattern(None, TYPE, cls, None)
        if self.everything:
            for q in quads:
                yield q.subject
            return
        wanted = self.wanted
        for q in quads:
            if q.graph_name in wanted:
                yield q.subject

    def contains(self, s: Term, p: ox.NamedNode, o: Term) -> bool:
        if isinstance(s, ox.Literal):  # never a subject
            return False
        wanted = self.wanted
        return any(q.graph_name in wanted for q in self.store.quads_for_pattern(s, p, o, None))


def _builtin(predicates: Iterable[ox.NamedNode]) -> set[ox.NamedNode]:
    return {p for p in predicates if p.value.startswith(pruning.BUILTIN)}


def _items(index: dict, head: Term) -> list[Term]:
    """The members of an RDF list, from an index (node, rdf:first|rdf:rest) → objects."""
    items: list[Term] = []
    seen = set()
    while head != NIL and head not in seen:
        seen.add(head)
        items.extend(index.get((head, FIRST), ()))
        rests = index.get((head, REST), ())
        if not rests:
            break
        head = next(iter(rests))
    return items


def _list_index(pairs: dict[Term, set[tuple[Term, Term]]]) -> dict:
    index: dict = defaultdict(list)
    for p in (FIRST, REST):
        for s, o in pairs.get(p, ()):
            index[(s, p)].append(o)
    return index


def _axiom_predicates(schema: dict[Term, set[tuple[Term, Term]]]) -> set[ox.NamedNode]:
    """pruning.axiom_predicates, over the asserted schema triples."""
    found: set[Term] = {s for s, _ in schema.get(SUBPROP, ())}
    for p in (EQPROP, INVERSE):
        for s, o in schema.get(p, ()):
            found.update((s, o))
    for s, o in schema.get(TYPE, ()):
        if o in _CHARACTERISTICS:
            found.add(s)
    found.update(o for _, o in schema.get(ON_PROPERTY, ()))
    lists = _list_index(schema)
    for prop, chain in schema.get(CHAIN, ()):
        found.add(prop)
        found.update(_items(lists, chain))
    return {p for p in found if isinstance(p, ox.NamedNode)}


def _successors(pairs: Iterable[tuple[Term, Term]]) -> dict[Term, set[Term]]:
    out: dict[Term, set[Term]] = defaultdict(set)
    for a, b in pairs:
        out[a].add(b)
    return out


_LOW = (1 << 32) - 1


def _swap(pairs: set[int]) -> set[int]:
    return {((k & _LOW) << 32) | (k >> 32) for k in pairs}


def _transitive(pairs: set[int]) -> set[int]:
    """The transitive closure of a relation (pairs encoded as s << 32 | o)."""
    out: dict[int, list[int]] = defaultdict(list)
    for k in pairs:
        out[k >> 32].append(k & _LOW)
    closed: set[int] = set()
    for start in out:
        seen: set[int] = set()
        todo = list(out[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(out.get(node, ()))
        base = start << 32
        closed.update(base | node for node in seen)
    return closed


def _compose(first: set[int], second: set[int]) -> set[int]:
    """(x p1 y), (y p2 z) → (x, z)."""
    out: dict[int, list[int]] = defaultdict(list)
    for k in second:
        out[k >> 32].append(k & _LOW)
    return {(k & ~_LOW) | z for k in first for z in out.get(k & _LOW, ())}


class _Closure:
    """The fixpoint: schema rules on terms (small), then data rules on sets of term numbers."""

    def __init__(self, asserted: _Asserted, only: set[ox.NamedNode] | None = None) -> None:
        self.asserted = asserted
        self.only = only
        self._errors: set[str] = set()
        for p in asserted.predicates:
            if p in _UNSUPPORTED_PREDICATES:
                raise Unsupported(f"the fast reasoner does not implement {p.value}")
        # the schema: RDF/RDFS/OWL terms as pruning.schema_premise takes them (an annotation
        # such as rdfs:label is read as data below only if an axiom makes it relevant)
        builtin = _builtin(asserted.predicates) - _NOT_REASONED - {TYPE} - _ANNOTATIONS
        self.schema: dict[Term, set[tuple[Term, Term]]] = defaultdict(set)
        for p in builtin:
            for q in asserted.with_predicate(p):
                self.schema[p].add((q.subject, q.object))
        # the data: term numbers, keyed by the term's N-Triples text (a str compares far faster
        # than an Oxigraph term, and is what the inferred triples are written as); pairs of a
        # property as s << 32 | o; members of a class
        self.ids: dict[str, int] = {}
        self.terms: list[Term] = []
        self.texts: list[str] = []
        self.members: dict[int, set[int]] = defaultdict(set)
        ids, terms, texts = self.ids, self.terms, self.texts
        classes = asserted.classes() if TYPE in asserted.predicates else set()
        for cls in classes:
            if cls in _UNSUPPORTED_TYPES:
                raise Unsupported(f"the fast reasoner does not implement {text_of(cls)}")
        for cls in classes:  # one class at a time: only the subject of each quad is read
            add = self.members[self._id(cls)].add
            schema_type = cls in SCHEMA_TYPES
            for s in asserted.members(cls):
                if schema_type:
                    self.schema[TYPE].add((s, cls))
                st = str(s)
                si = ids.get(st)
                if si is None:
                    si = ids[st] = len(terms)
                    terms.append(s)
                    texts.append(st)
                add(si)
        self.relevant = _axiom_predicates(self.schema)
        self.loaded = (builtin | {TYPE} | self.relevant) & asserted.predicates
        self.pairs: dict[int, set[int]] = defaultdict(set)
        for p in self.relevant - builtin - {TYPE}:
            if p not in asserted.predicates:
                continue
            add = self.pairs[self._id(p)].add
            for q in asserted.with_predicate(p):
                s, o = q.subject, q.object
                st, ot = str(s), str(o)
                si = ids.get(st)
                if si is None:
                    si = ids[st] = len(terms)
                    terms.append(s)
                    texts.append(st)
                oi = ids.get(ot)
                if oi is None:
                    oi = ids[ot] = len(terms)
                    terms.append(o)
                    texts.append(ot)
                add(si << 32 | oi)
        for p in builtin:
            pi = self._id(p)
            self.pairs[pi] = {self._id(s) << 32 | self._id(o) for s, o in self.schema[p]}
        self.asserted_pairs = {p: set(v) for p, v in self.pairs.items()}
        self.asserted_members = {c: set(v) for c, v in self.members.items()}
        self.schema_asserted = {p: set(v) for p, v in self.schema.items()}

    def _id(self, term: Term) -> int:
        text = str(term)
        found = self.ids.get(text)
        if found is None:
            found = self.ids[text] = len(self.terms)
            self.terms.append(term)
            self.texts.append(text)
        return found

    def errors(self) -> list[str]:
        return sorted(self._errors)

    def _check_literals(self) -> None:
        """dt-type2's lexical check, as owlrl makes it in its one-time rules.

        Every object read has a number by now (no subject is a literal), so the literals are
        found among the terms, once each."""
        for o in self.terms:
            if not isinstance(o, ox.Literal) or o.datatype.value not in _RL_DATATYPES:
                continue
            converter = AltXSDToPYTHON.get(URIRef(o.datatype.value))
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
    def run(self) -> FastInference:
        self._check_literals()
        self._schema()
        self._compile()
        self._data()
        self._disjointness()
        return FastInference(self._inferred(), self.errors())

    def _schema(self) -> None:
        """scm-cls, scm-sco, scm-eqc1/2, scm-op/dp, scm-spo, scm-eqp1/2, scm-hv, scm-svf1/2,
        scm-int, scm-uni (owlrl's _schema_vocabulary), to a fixpoint."""
        pairs = self.schema
        changed = True
        while changed:
            before = sum(len(pairs[p]) for p in (SUBCLASS, SUBPROP, EQCLASS, EQPROP))
            for s, o in list(pairs[TYPE]):
                if o == OWL_CLASS:
                    pairs[SUBCLASS].update(((s, s), (s, THING), (NOTHING, s)))
                    pairs[EQCLASS].add((s, s))
                elif o in PROPERTY_TYPES:
                    pairs[SUBPROP].add((s, s))
                    pairs[EQPROP].add((s, s))
            for rel, eq in ((SUBCLASS, EQCLASS), (SUBPROP, EQPROP)):
                for a, b in list(pairs[eq]):
                    if a != b:
                        pairs[rel].update(((a, b), (b, a)))
                sup = _successors(pairs[rel])
                for a in list(sup):
                    for b in list(sup[a]):
                        if a == b:
                            continue
                        for c in list(sup.get(b, ())):
                            if a != c:
                                pairs[rel].add((a, c))
                        if a in sup.get(b, ()):
                            pairs[eq].add((a, b))
            self._scm_restrictions()
            after = sum(len(pairs[p]) for p in (SUBCLASS, SUBPROP, EQCLASS, EQPROP))
            changed = after != before

    def _scm_restrictions(self) -> None:
        pairs = self.schema
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
                                    if y1 == y2 and (p1, p2) in subprop:  # scm-hv, scm-svf2
                                        subclass.add((c1, c2))
                                    if kind == "svf" and p1 == p2 and (y1, y2) in subclass:
                                        subclass.add((c1, c2))  # scm-svf1
        lists = _list_index(pairs)
        for c, head in list(pairs[INTERSECTION]):
            for member in _items(lists, head):
                subclass.add((c, member))
        for c, head in list(pairs[UNION]):
            for member in _items(lists, head):
                subclass.add((member, c))

    def _compile(self) -> None:
        """Per-rule tables of term numbers from the closed schema."""
        pairs = self.schema
        i = self._id
        lists = _list_index(pairs)
        for p in SCHEMA_PREDICATES:  # the closed schema is data too
            self.pairs[i(p)] |= {i(s) << 32 | i(o) for s, o in pairs[p]}
        self.sup_class = {
            i(a): [i(b) for b in bs if b != a] for a, bs in _successors(pairs[SUBCLASS]).items()
        }
        self.sup_prop = {
            i(a): [i(b) for b in bs if b != a] for a, bs in _successors(pairs[SUBPROP]).items()
        }
        self.inverse: list[tuple[int, int]] = []
        for a, b in pairs[INVERSE]:
            self.inverse += [(i(a), i(b)), (i(b), i(a))]  # (x a y) → (y b x) and back
        typed = _successors((o, s) for s, o in pairs[TYPE])
        self.symmetric = [i(p) for p in typed.get(SYMMETRIC, ())]
        self.transitive = [i(p) for p in typed.get(TRANSITIVE, ())]
        self.chains = [(i(q), [i(p) for p in _items(lists, head)]) for q, head in pairs[CHAIN]]
        on = _successors(pairs[ON_PROPERTY])
        self.has_value = [(i(r), i(p), i(v)) for r, v in pairs[HAS_VALUE] for p in on.get(r, ())]
        self.some = [(i(r), i(p), i(c)) for r, c in pairs[SOME] for p in on.get(r, ())]
        self.intersections = [
            (i(c), [i(m) for m in _items(lists, h)]) for c, h in pairs[INTERSECTION]
        ]
        self.unions = [(i(c), [i(m) for m in _items(lists, h)]) for c, h in pairs[UNION]]
        self.disjoint: list[tuple[Term, Term]] = list(pairs[DISJOINT])
        members_of = _successors(pairs[MEMBERS])
        for x, cls in pairs[TYPE]:
            if cls == ALL_DISJOINT:
                for head in members_of.get(x, ()):
                    members = _items(lists, head)
                    for k in range(len(members) - 1):
                        self.disjoint += [(members[k], other) for other in members[k + 1 :]]
        # a data rule that would derive a schema triple would make these tables stale
        schema_ids = {i(p) for p in SCHEMA_PREDICATES | _UNSUPPORTED_PREDICATES}
        derived = {q for qs in self.sup_prop.values() for q in qs}
        derived |= {b for _, b in self.inverse} | {q for q, _ in self.chains}
        derived |= {p for _, p, _ in self.has_value}
        if derived & schema_ids or set(self.symmetric + self.transitive) & schema_ids:
            raise Unsupported("the data's axioms entail new schema axioms")
        schema_types = {i(c) for c in SCHEMA_TYPES | _UNSUPPORTED_TYPES}
        derived_types = {d for ds in self.sup_class.values() for d in ds}
        derived_types |= {c for c, _ in self.intersections} | {c for c, _ in self.unions}
        derived_types |= {m for _, ms in self.intersections for m in ms}
        if derived_types & schema_types:
            raise Unsupported("the data's axioms entail new schema types")
        if self.only is not None:
            self._only({i(p) for p in self.only})

    def _only(self, wanted: set[int]) -> None:
        """Drop the property rules that cannot lead to a wanted property (infer_store's
        `only`). A property is needed if it is wanted, if a class rule reads it (hasValue,
        someValuesFrom: every class is inferred whole), or if a rule that makes a needed
        property reads it; a rule whose conclusion is not needed is dropped. What the kept
        rules make from needed pairs and classes is what they made before, so each needed
        property and each class ends with the same members."""
        needed = wanted | {p for _, p, _ in self.has_value} | {p for _, p, _ in self.some}
        size = -1
        while size != len(needed):
            size = len(needed)
            needed |= {p for p, qs in self.sup_prop.items() if any(q in needed for q in qs)}
            needed |= {a for a, b in self.inverse if b in needed}
            needed |= {p for q, chain in self.chains if q in needed for p in chain}
        self.sup_prop = {
            p: kept for p, qs in self.sup_prop.items() if (kept := [q for q in qs if q in needed])
        }
        self.inverse = [(a, b) for a, b in self.inverse if b in needed]
        self.symmetric = [p for p in self.symmetric if p in needed]
        self.transitive = [p for p in self.transitive if p in needed]
        self.chains = [(q, chain) for q, chain in self.chains if q in needed]

    def _data(self) -> None:
        """The data rules in rounds until nothing grows; a rule whose inputs did not grow since
        it last ran is skipped (sets only grow, so the same size is the same set)."""
        pairs, members = self.pairs, self.members
        empty: set[int] = set()  # never written to
        seen: dict[tuple, tuple[int, ...]] = {}

        def grew(key: tuple, *inputs: set[int]) -> bool:
            sizes = tuple(map(len, inputs))
            if seen.get(key) == sizes:
                return False
            seen[key] = sizes
            return True

        changed = True
        while changed:
            size = sum(map(len, pairs.values())) + sum(map(len, members.values()))
            # properties
            for p, qs in self.sup_prop.items():
                src = pairs.get(p)
                if src and grew(("spo", p), src):
                    for q in qs:
                        pairs[q] |= src
            for a, b in self.inverse:
                src = pairs.get(a)
                if src and grew(("inv", a, b), src):
                    pairs[b] |= _swap(src)
            for p in self.symmetric:
                if grew(("sym", p), pairs[p]):
                    pairs[p] |= _swap(pairs[p])
                    seen[("sym", p)] = (len(pairs[p]),)  # symmetric now
            for p in self.transitive:
                if grew(("trp", p), pairs[p]):
                    pairs[p] |= _transitive(pairs[p])
                    seen[("trp", p)] = (len(pairs[p]),)  # closed now
            for n, (q, chain) in enumerate(self.chains):
                inputs = [pairs.get(p, empty) for p in chain]
                if chain and grew(("chain", n), *inputs):
                    joined = inputs[0]
                    for following in inputs[1:]:
                        joined = _compose(joined, following)
                    pairs[q] |= joined
            # classes
            for r, p, v in self.has_value:
                src = pairs.get(p, empty)
                if grew(("hv2", r, p, v), src):
                    members[r] |= {k >> 32 for k in src if k & _LOW == v}
            for r, p, c in self.some:
                src = pairs.get(p, empty)
                if self.terms[c] == THING:
                    if grew(("svf", r, p, c), src):
                        members[r] |= {k >> 32 for k in src}
                else:
                    values = members.get(c, empty)
                    if grew(("svf", r, p, c), src, values):
                        members[r] |= {k >> 32 for k in src if k & _LOW in values}
            for c, ms in self.intersections:
                inputs = [members.get(m, empty) for m in ms]
                if ms and grew(("int1", c), *inputs):
                    members[c] |= set.intersection(*inputs)
                src = members.get(c, empty)
                if grew(("int2", c), src):
                    for m in ms:
                        members[m] |= src
            for c, ms in self.unions:
                for m in ms:
                    src = members.get(m, empty)
                    if grew(("uni", c, m), src):
                        members[c] |= src
            for c, ds in self.sup_class.items():
                src = members.get(c)
                if src and grew(("sco", c), src):
                    for d in ds:
                        members[d] |= src
            for r, p, v in self.has_value:
                src = members.get(r, empty)
                if grew(("hv1", r, p, v), src):
                    pairs[p] |= {x << 32 | v for x in src}
            changed = size != sum(map(len, pairs.values())) + sum(map(len, members.values()))

    def _disjointness(self) -> None:
        """cax-dw and cax-adc, with owlrl's message."""
        for c1, c2 in self.disjoint:
            a = self.members.get(self.ids.get(str(c1), -1), set())
            b = self.members.get(self.ids.get(str(c2), -1), set())
            for x in a & b:
                self._errors.add(
                    f"Disjoint classes {text_of(c1)} and {text_of(c2)} have a common individual "
                    f"{text_of(self.terms[x])}"
                )

    def _inferred(self) -> InferredTriples:
        """What the closure adds, filtered as pruning.useful filters owlrl's, as N-Triples lines."""
        terms, texts, out = self.terms, self.texts, []
        keep = self._keep_subject()
        plain = [not t.startswith("_:") for t in texts]  # pruning.useful: no blank nodes
        type_id = self._id(TYPE)
        trivial = {self.ids[str(t)] for t in _TRIVIAL_TYPES if str(t) in self.ids}
        type_text = texts[type_id]
        for c, xs in self.members.items():
            if c in trivial or not plain[c] or texts[c].startswith(_XSD_TEXT):
                continue
            tail = f" {type_text} {texts[c]} .\n"
            out += [texts[x] + tail for x in xs - self.asserted_members.get(c, set()) if keep[x]]
        for p, ks in self.pairs.items():
            if p == type_id:
                continue
            pred = terms[p]
            middle = f" {texts[p]} "
            new = ks - self.asserted_pairs.get(p, set())
            reflexive = pred in _REFLEXIVE
            kept = [
                k
                for k in new
                if keep[k >> 32] and plain[k & _LOW] and not (reflexive and k >> 32 == k & _LOW)
            ]
            asserted = self.asserted.predicates
            if pred not in self.loaded and isinstance(pred, ox.NamedNode) and pred in asserted:
                contains = self.asserted.contains  # asserted, but not read: asked one by one
                kept = [k for k in kept if not contains(terms[k >> 32], pred, terms[k & _LOW])]
            out += [f"{texts[k >> 32]}{middle}{texts[k & _LOW]} .\n" for k in kept]
        return InferredTriples("".join(out).encode(), len(out))

    def _keep_subject(self) -> list[bool]:
        for i, t in enumerate(self.terms):
            if isinstance(t, ox.Triple):  # its str() has no <<( )>>: written as N-Triples reads it
                self.texts[i] = _nt(t)
        # a triple term (RDF 1.2) is never a subject: such an inference can be neither stored
        # nor written; rdflib, and so the reference, reads no triple terms at all
        return [
            not isinstance(t, ox.Literal | ox.BlankNode | ox.Triple)
            and not (isinstance(t, ox.NamedNode) and t.value.startswith(pruning.BUILTIN))
            for t in self.terms
        ]


def _nt(term: Term) -> str:
    """A term as N-Triples writes it, RDF 1.2 triple terms included."""
    if isinstance(term, ox.Triple):
        return f"<<( {_nt(term.subject)} {_nt(term.predicate)} {_nt(term.object)} )>>"
    return str(term)
