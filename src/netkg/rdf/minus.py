"""SPARQL MINUS for rdflib (the reference engine) by hashing, not by comparing every pair.

rdflib removes a row of the left side when some row of the right side is compatible with it
and shares a variable, and finds out by comparing each left row with every right row. On the
98 municipalities `quality-fact-without-source` (five MINUS over ~10,000 typed resources) took
87 s that way. This is the same rule: the right rows are grouped by the variables they bind;
for a left row and each such group, the variables both bind are its key, and the row goes when
the group holds a row with the same values there. Terms compare as rdflib compares them
(`==` and `hash` agree on rdflib terms), so the answer is rdflib's own.

A query run with initial bindings (rdflib looks a variable up there when a row lacks it) takes
rdflib's own MINUS, as does any rdflib whose MINUS is not the one this was written against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from rdflib.plugins.sparql import evaluate, evalutils

Row = Mapping[Any, Any]

_RDFLIB_MINUS: Callable[[Iterable[Any], Iterable[Any]], Iterator[Any]] = evalutils._minus


def hashed_minus(left: Iterable[Row], right: Iterable[Row]) -> Iterator[Row]:
    """The rows of `left` that no row of `right` removes (SPARQL 1.1 MINUS), by hashing."""
    rows = list(right)
    if any(getattr(getattr(row, "ctx", None), "initBindings", None) for row in rows):
        yield from _RDFLIB_MINUS(left, rows)
        return
    groups: dict[frozenset[Any], list[Row]] = {}
    for row in rows:
        groups.setdefault(frozenset(row), []).append(row)
    keys: dict[tuple[frozenset[Any], tuple[Any, ...]], set[tuple[Any, ...]]] = {}
    shared_by: dict[tuple[frozenset[Any], frozenset[Any]], tuple[Any, ...]] = {}
    for row in left:
        bound = frozenset(row)
        removed = False
        for domain, members in groups.items():
            shared = shared_by.get((bound, domain))
            if shared is None:
                shared = shared_by[(bound, domain)] = tuple(sorted(bound & domain, key=str))
            if not shared:
                continue
            index = keys.get((domain, shared))
            if index is None:
                index = {tuple(m[v] for v in shared) for m in members}
                keys[(domain, shared)] = index
            if tuple(row[v] for v in shared) in index:
                removed = True
                break
        if not removed:
            yield row


def install() -> bool:
    """Use hashed_minus in rdflib's evaluator, if its MINUS is the one this was written for
    (rdflib 7: `evaluate._minus` is `evalutils._minus`); True if installed or already so."""
    current = evaluate._minus
    if current is hashed_minus:
        return True
    if current is not _RDFLIB_MINUS or _RDFLIB_MINUS.__code__.co_argcount != 2:
        return False
    evaluate._minus = hashed_minus  # type: ignore[assignment]
    return True
