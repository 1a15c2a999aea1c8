"""publish.graphstore.alteration: what a store made of a graph it was sent (no server needed)."""

from __future__ import annotations

from netkg.publish.graphstore import Alteration, alteration, comparable

NT = "application/n-triples"
DURATION = "<http://www.w3.org/2001/XMLSchema#duration>"
SENT = f"""\
<urn:x:scheme> <urn:x:window> "P6M"^^{DURATION} .
<urn:x:scheme> <urn:x:fact> _:a .
_:a <urn:x:value> "P6M"^^{DURATION} .
_:a <urn:x:source> _:b .
_:b <urn:x:quote> "et halvt år" .
""".encode()


def test_the_same_graph_with_blank_nodes_renamed_is_no_alteration() -> None:
    held = SENT.replace(b"_:a", b"_:x1").replace(b"_:b", b"_:x2")
    assert alteration(comparable(SENT), held, NT) is None


def test_a_boolean_in_another_spelling_is_no_alteration() -> None:
    boolean = "<http://www.w3.org/2001/XMLSchema#boolean>"
    sent = f'<urn:x:a> <urn:x:p> "1"^^{boolean} .\n'.encode()
    held = f'<urn:x:a> <urn:x:p> "true"^^{boolean} .\n'.encode()
    assert alteration(comparable(sent), held, NT) is None


def test_durations_kept_as_numbers_are_counted_and_shown() -> None:
    held = SENT.replace(b'"P6M"', b'"6"')  # what Virtuoso 7 holds
    found = alteration(comparable(SENT), held, NT)
    assert found == Alteration(
        2,
        f'<urn:x:scheme> <urn:x:window> "P6M"^^{DURATION}',
        f'<urn:x:scheme> <urn:x:window> "6"^^{DURATION}',
    )
    assert found.describe() == (
        f"the store holds 2 triple(s) otherwise than sent (sent <urn:x:scheme> <urn:x:window> "
        f'"P6M"^^{DURATION}; held <urn:x:scheme> <urn:x:window> "6"^^{DURATION}): '
        "queries on it may answer differently"
    )


def test_a_change_under_a_blank_node_counts_once_not_per_renamed_neighbour() -> None:
    held = SENT.replace(b'_:a <urn:x:value> "P6M"', b'_:a <urn:x:value> "6"')
    found = alteration(comparable(SENT), held, NT)
    assert found is not None and found.triples == 1
    assert found.sent == f'_:b <urn:x:value> "P6M"^^{DURATION}'


def test_a_copy_that_does_not_parse_differs_whole() -> None:
    found = alteration(comparable(SENT), b"<urn:x:a> <urn:x:p> .\n", NT)
    assert found is not None and found.triples == 5 and found.held == ""
