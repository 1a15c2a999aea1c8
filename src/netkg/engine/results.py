"""Query answers as one table type, whatever engine produced them, and its output formats.

csv and json go through rdflib's SPARQL 1.1 result serializers; rdflib has no TSV serializer, so
TSV (whose cells are RDF terms in Turtle syntax) is written here.

CSV and TSV are opened in spreadsheets, which run a cell that starts with `=`, `+`, `-`, `@`, a
tab or a carriage return as a formula. Following OWASP's advice on CSV injection, `neutralise`
puts a single quote before such a cell (plain numbers such as -5 excepted); every CSV, TSV or
workbook netkg writes from data goes through it unless the user turns the guard off.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Node

from netkg.engine.terms import to_sparql
from netkg.iris import PREFIXES

FORMATS = ("table", "csv", "tsv", "json")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(cell: str) -> str:
    """The cell with a leading `'` if a spreadsheet would run it as a formula (OWASP advice)."""
    if cell.startswith(FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


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

    def guarded(self) -> ResultTable:
        """The table for CSV (which shows literals by their text only), each text neutralised.

        A changed literal becomes plain text, so no datatype has to accept the quote; IRIs and
        blank nodes cannot start a formula.
        """
        return ResultTable(self.columns, [tuple(_guard(t) for t in row) for row in self.rows])

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

    def serialize(self, fmt: str, formula_guard: bool = True) -> str:
        """The table as `table`, `csv`, `tsv` or `json` (SPARQL 1.1 results formats).

        CSV and TSV cells that a spreadsheet would run as formulas are neutralised unless
        `formula_guard` is off.
        """
        if fmt == "table":
            return render_table(self)
        if fmt == "tsv":
            return _tsv(self, formula_guard)
        table = self.guarded() if formula_guard and fmt == "csv" else self
        if fmt in ("csv", "json"):
            out = table.to_rdflib().serialize(format=fmt)
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


def _tsv(table: ResultTable, formula_guard: bool = True) -> str:
    buf = io.StringIO()
    buf.write("\t".join(f"?{c}" for c in table.columns) + "\n")
    for row in table.rows:
        buf.write("\t".join(_tsv_cell(t, formula_guard) for t in row) + "\n")
    return buf.getvalue()


def _tsv_cell(term: Node | None, formula_guard: bool) -> str:
    """A term in Turtle syntax; a spreadsheet drops the quotes, so the text inside is guarded."""
    if term is None:
        return ""
    text = to_sparql(term)
    if formula_guard and isinstance(term, Literal) and text.startswith('"'):
        inner = text[1:]
        if neutralise(str(term)) != str(term):
            return "\"'" + inner
    return text


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _plain_local(local: str) -> bool:
    return bool(local) and all(ch.isalnum() or ch in "-_" for ch in local)


def _guard(term: Node | None) -> Node | None:
    if isinstance(term, Literal):
        text = neutralise(str(term))
        if text != str(term):
            return Literal(text)
    return term


def _python(term: Node | None) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)
