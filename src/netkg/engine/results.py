"""Query answers as one table type, whatever engine produced them, and its output formats.

csv and json go through rdflib's SPARQL 1.1 result serializers; rdflib has no TSV serializer, so
TSV (whose cells are RDF terms in Turtle syntax) is written here.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Node

from netkg.engine.terms import to_sparql
from netkg.iris import PREFIXES

FORMATS = ("table", "csv", "tsv", "json")


@dataclass
class ResultTable:
    """The rows of a SELECT: column names and, per row, an rdflib term or None (unbound)."""

    columns: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)

    def records(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def values(self) -> list[tuple[str | None, ...]]:
        """Rows as plain strings (IRIs in full, literals by their lexical form) for comparing."""
        return [tuple(None if t is None else str(t) for t in row) for row in self.rows]

    def to_dataframe(self):  # -> pandas.DataFrame; pandas is imported only when asked for
        """Columns as Python values: numbers and dates converted, IRIs and text as strings."""
        import pandas as pd

        return pd.DataFrame([[_python(t) for t in row] for row in self.rows], columns=self.columns)

    def to_rdflib(self) -> Result:
        result = Result("SELECT")
        result.vars = [Variable(c) for c in self.columns]
        result.bindings = [
            {
                Variable(c): t  # type: ignore[misc]
                for c, t in zip(self.columns, row, strict=True)
                if t is not None
            }
            for row in self.rows
        ]
        return result

    def serialize(self, fmt: str) -> str:
        """The table as `table`, `csv`, `tsv` or `json` (SPARQL 1.1 results formats)."""
        if fmt == "table":
            return render_table(self)
        if fmt == "tsv":
            return _tsv(self)
        if fmt in ("csv", "json"):
            out = self.to_rdflib().serialize(format=fmt)
            text = out.decode("utf-8") if isinstance(out, bytes) else str(out)
            return text if text.endswith("\n") else text + "\n"
        raise ValueError(f"unknown result format {fmt!r}; choose from {', '.join(FORMATS)}")


def short(term: Node | None) -> str:
    """A term as a person reads it: prefixed IRIs, bare literal text, empty when unbound."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        best = max(
            ((p, ns) for p, ns in PREFIXES.items() if iri.startswith(ns)),
            key=lambda pn: len(pn[1]),
            default=None,
        )
        if best and _plain_local(iri[len(best[1]) :]):
            return f"{best[0]}:{iri[len(best[1]) :]}"
        return iri
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def render_table(table: ResultTable, max_width: int = 70) -> str:
    """An aligned text table with a row count, cells cut at max_width characters."""
    cells = [[_cut(short(t), max_width) for t in row] for row in table.rows]
    widths = [len(c) for c in table.columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(c.ljust(w) for c, w in zip(table.columns, widths, strict=True)).rstrip(), line]
    out += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    n = len(table.rows)
    out.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(out) + "\n"


def _tsv(table: ResultTable) -> str:
    buf = io.StringIO()
    buf.write("\t".join(f"?{c}" for c in table.columns) + "\n")
    for row in table.rows:
        buf.write("\t".join("" if t is None else to_sparql(t) for t in row) + "\n")
    return buf.getvalue()


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _plain_local(local: str) -> bool:
    return bool(local) and all(ch.isalnum() or ch in "-_" for ch in local)


def _python(term: Node | None) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)
