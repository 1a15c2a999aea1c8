"""The evidence check on the store (derived.evidence_store: SPARQL, set-based) finds what the
reference finds (derived.evidence.read_graphs on rdflib's graphs): the same figures, the same
graph/support and the same messages, on the shipped data and on fixtures with failures.

The reference reads rdflib copies of the same Oxigraph store, so both read the same terms (the
store writes 1000000.0 as the decimal 1000000); the reference on rdflib's own store, which keeps
the files' spelling, gives the same figures and the same facts up to that spelling."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode, URIRef
from rdflib.term import Node

from netkg.iris import GRAPH, ID, NKG
from netkg.pipeline.derived import evidence_store
from netkg.pipeline.derived.evidence import EvidenceError, QuoteNotFound, Support, UnsupportedFact
from netkg.pipeline.flow.build import check_evidence, check_store, data_graphs
from netkg.pipeline.flow.parts import rdflib_graphs
from netkg.pipeline.inputs.layout import Source, default_sources, municipality_graph
from netkg.pipeline.inputs.load import load_sources
from netkg.rdf.store import OxigraphStore, RdflibStore, Store

HERE = Path(__file__).parent / "evidence"
# the shipped data's figures, written out (the same as `netkg build` prints)
SHIPPED = {
    "facts": 2555,
    "supported": 2555,
    "quoted": 2057,
    "derived": 472,
    "brief_only": 26,
    "unsupported": 0,
    "quotes_checked": 1868,
}


def _loaded(store: Store, sources: list[Source]) -> Store:
    load_sources(sources, store)
    return store


def _records(support: Support) -> Counter[tuple[Node, ...]]:
    """graph/support as a multiset of records (subject, property, value, kind, evidence…),
    without the records' own blank nodes."""
    by_record: dict[Node, dict[Node, list[Node]]] = {}
    for s, p, o in support.triples:
        by_record.setdefault(s, {}).setdefault(p, []).append(o)
    found: Counter[tuple[Node, ...]] = Counter()
    for record in by_record.values():
        value = record.get(NKG.factValue, [None])[0]
        found[
            (
                record[NKG.factSubject][0],
                record[NKG.factProperty][0],
                value,
                record[NKG.supportKind][0],
                *sorted(record.get(NKG.supportedBy, []), key=str),
            )
        ] += 1
    return found


def _reference(store: Store, sources: list[Source], require_support: bool = True) -> Support:
    """The reference's check on rdflib copies of the store's graphs."""
    names, everything = data_graphs(sources), sorted({s.graph for s in sources})
    graphs = rdflib_graphs(store, names), rdflib_graphs(store, everything)
    return check_evidence(*graphs, sources, require_support)


def _both(sources: list[Source], require_support: bool = True) -> tuple[Support, Support]:
    store = _loaded(OxigraphStore(), sources)
    fast = check_store(store, sources, require_support)
    return fast, _reference(store, sources, require_support)


@pytest.fixture(scope="module")
def shipped() -> tuple[Support, Support]:
    return _both(default_sources())


def test_the_store_and_the_reference_give_the_shipped_figures(shipped):
    fast, reference = shipped
    counts = {k: v for k, v in fast.as_json().items() if not k.endswith("_facts")}
    assert counts == SHIPPED
    assert fast.as_json() == reference.as_json()  # the derived and brief-only lists too
    assert fast.line() == (
        "2,555 of 2,555 facts supported (2,057 quoted, 472 derived with a stated inference, "
        "26 only in netkg's brief; 0 unsupported; 1,868 quotes checked)"
    )


def test_the_store_and_the_reference_give_the_same_support_graph(shipped):
    fast, reference = shipped
    assert _records(fast) == _records(reference)
    assert sum(_records(fast).values()) == 2555


def test_the_reference_on_rdflibs_own_store_differs_only_in_number_spelling(shipped):
    fast, _ = shipped
    sources = default_sources()
    own = check_store(_loaded(RdflibStore(), sources), sources)
    assert own.line() == fast.line()

    def spelled(support: Support) -> list[str]:
        return [re.sub(r"(\d)\.0\b", r"\1", d["fact"]) for d in support.derived_facts]

    assert spelled(own) == spelled(fast)
    assert own.brief_only_facts == fast.brief_only_facts


def test_the_store_input_equals_the_reference_input():
    """What the queries read equals what read_graphs reads, term by term (blank nodes aside,
    which differ between two stores)."""
    from netkg.pipeline.derived.evidence import EvidenceInput, read_graphs

    sources = default_sources()
    names = data_graphs(sources)
    everything = sorted({s.graph for s in sources})
    ox = _loaded(OxigraphStore(), sources)
    fast = evidence_store.read_store(ox, names, everything)
    reference, _ = read_graphs(rdflib_graphs(ox, names), rdflib_graphs(ox, everything))

    def plain(facts: set) -> set:
        return {(s, p, "[blank]" if isinstance(o, BNode) else o) for s, p, o in facts}

    assert plain(fast.facts) == plain(reference.facts)

    # every node with its quotes and source; what a node covers where it can support a fact
    # (it is evidence for a described resource: support-coverage.rq)
    def quoted(found: EvidenceInput) -> list[tuple]:
        return sorted((str(e.node), e.quotes, e.source) for e in found.evidence)

    assert quoted(fast) == quoted(reference)
    about_facts = [
        e for e in reference.evidence if any(str(a).startswith(str(ID)) for a in e.about)
    ]
    assert len(about_facts) > 1000
    covering = {e.node: e for e in fast.evidence if e.about}
    assert {e.node: e for e in about_facts} == covering
    assert fast.archives == reference.archives
    iris = {k: v for k, v in fast.names.items() if not isinstance(k, BNode)}
    assert iris == {k: v for k, v in reference.names.items() if not isinstance(k, BNode)}
    assert len(fast.parts) == len(reference.parts)


@pytest.mark.parametrize(
    ("fixture", "error", "expected"),
    [
        (
            "quote-not-in-excerpt.ttl",
            QuoteNotFound,
            "tests/evidence/quote-not-in-excerpt.ttl:15: quote of",
        ),
        ("support/wrong-number.ttl", UnsupportedFact, "wrong-number.ttl:17: test:committee "),
        ("support/quote-without-value.ttl", UnsupportedFact, "is not supported"),
        ("support/unsupported-class.ttl", UnsupportedFact, "is not supported"),
        ("support/segment-out-of-order.ttl", QuoteNotFound, "first missing or out of order"),
    ],
)
def test_a_failure_is_refused_alike_with_the_same_message(fixture, error, expected):
    path = HERE / fixture
    sources = [*default_sources(), Source(path, municipality_graph(path), "municipality")]
    messages = []
    store = _loaded(OxigraphStore(), sources)
    for check in (check_store, _reference):
        with pytest.raises(error) as caught:
            check(store, sources)
        messages.append(str(caught.value))
    with pytest.raises(error) as caught:  # and rdflib's own store
        check_store(_loaded(RdflibStore(), sources), sources)
    messages.append(str(caught.value))
    assert expected in messages[0]
    assert messages[0] == messages[1] == messages[2]


def test_unsupported_facts_are_counted_alike_when_allowed():
    path = HERE / "support" / "wrong-number.ttl"
    sources = [*default_sources(), Source(path, municipality_graph(path), "municipality")]
    fast, reference = _both(sources, require_support=False)
    assert fast.unsupported == reference.unsupported == 1
    assert fast.as_json() == reference.as_json()
    assert _records(fast) == _records(reference)


def test_a_graph_the_queries_would_misplace_falls_back_to_the_reference(capsys):
    """A data graph not named as the queries expect: the store path refuses, the reference
    checks, and the figures are the reference's."""
    path = HERE / "support" / "wrong-number.ttl"
    odd = Source(path, URIRef("urn:x-test:elsewhere"), "municipality")
    sources = [*default_sources(), odd]
    with pytest.raises(EvidenceError, match=r"wrong-number\.ttl:17"):
        check_store(_loaded(OxigraphStore(), sources), sources)
    assert "checking the evidence on rdflib copies instead" in capsys.readouterr().err
    assert not evidence_store.is_data_graph(URIRef("urn:x-test:elsewhere"))
    assert evidence_store.is_data_graph(GRAPH["municipality/0165-albertslund"])
