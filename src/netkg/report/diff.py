"""`netkg diff`: what started, ended or changed in a municipality between two days.

Both days are answered by the same catalogue query (as-of), so the difference follows the valid
time semantics of docs/as-of.md: a thing "started" when it does not hold on the first day and
holds on the second, "ended" the other way round, and "became known"/"became unknown" when the
sources decide one day and not the other. Things whose status is the same on both days are not
listed. Each row carries the thing's own bounds (validFrom, validUntil) as precise as the
sources give them: a year, a month, a day or a season, never a year turned into a day.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from netkg.options import add_source_options
from netkg.query.catalogue import parse_day

if TYPE_CHECKING:
    from netkg.query.graph import KnowledgeGraph

COLUMNS = ("change", "kind", "thing", "label", "before", "after", "validFrom", "validUntil")
_CHANGE = {
    ("not", "holds"): "started",
    ("holds", "not"): "ended",
    ("unknown", "holds"): "became known (holds)",
    ("unknown", "not"): "became known (not)",
    ("holds", "unknown"): "became unknown",
    ("not", "unknown"): "became unknown",
}


def diff(kg: KnowledgeGraph, municipality: str, before: str, after: str, lang: str = "en"):
    """Rows (change, kind, thing, label, status before, status after, valid from, valid
    until), sorted; the bounds are literals as precise as the sources (None when unknown)."""
    first, second = str(parse_day(before)), str(parse_day(after))
    states: dict[str, dict] = {}
    for day in (first, second):
        table = kg.query("as-of", municipality=municipality, asOf=day, lang=lang)
        for record in table.records():
            key = str(record["thing"])
            states.setdefault(
                key,
                {
                    "kind": record["kind"],
                    "label": record["label"],
                    "from": record["validFrom"],
                    "until": record["validUntil"],
                },
            )
            states[key][day] = str(record["status"])
    rows = []
    for thing, state in states.items():
        old, new = state.get(first, "not"), state.get(second, "not")
        if old != new:
            label = "" if state["label"] is None else str(state["label"])
            change = _CHANGE[(old, new)]
            rows.append(
                (change, str(state["kind"]), thing, label, old, new, state["from"], state["until"])
            )
    return sorted(rows, key=lambda r: (r[0], r[1], r[3], r[2]))


def changes(kg: KnowledgeGraph, municipality: str, before: str, after: str, lang: str = "en"):
    """diff() as a ResultTable (COLUMNS): what `netkg diff` prints, and what a notebook shows
    as a table (IRIs as netkg prints them; `.to_dataframe()` for pandas)."""
    from rdflib import Literal, URIRef

    from netkg.rdf.results import ResultTable

    cells = []
    for change, kind, thing, label, old, new, start, end in diff(
        kg, municipality, before, after, lang
    ):
        words = [Literal(v) for v in (change, kind, label, old, new)]
        cells.append((words[0], words[1], URIRef(thing), *words[2:], start, end))
    return ResultTable(list(COLUMNS), cells)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("diff", help="what started, ended or changed between two days")
    p.add_argument("municipality", help="short name, e.g. albertslund")
    p.add_argument("before", metavar="DAY1", help="YYYY[-MM[-DD]]")
    p.add_argument("after", metavar="DAY2", help="YYYY[-MM[-DD]]")
    p.add_argument("--lang", choices=("en", "da"), default="en")
    p.add_argument("--format", "-f", choices=("table", "csv", "tsv", "json"), default="table")
    add_source_options(p)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from netkg.errors import UsageError
    from netkg.query.graph import open_graph

    for day in (args.before, args.after):
        try:
            parse_day(day)
        except ValueError:
            raise UsageError(f"{day!r} is not a day YYYY[-MM[-DD]]") from None
    kg = open_graph(args.graph, engine=args.engine, store=args.store)
    table = changes(kg, args.municipality, args.before, args.after, args.lang)
    sys.stdout.write(table.serialize(args.format))
    return 0
