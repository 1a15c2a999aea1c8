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
import shutil
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Node

from netkg.iris import compact
from netkg.rdf.terms import to_sparql

FORMATS = ("table", "csv", "tsv", "json")
# IRIs written inside text (a GROUP_CONCAT of sources, say) are shortened like IRI cells
_IRI_IN_TEXT = re.compile(r"https?://[^\s|,;<>\"]+")
RECORDS_AFTER = 8  # a table row taller than this many lines is shown as records instead
XLSX_WIDEST = 60  # characters: a wider spreadsheet column wraps its text
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(cell: str) -> str:
    """The cell with a leading `'` if a spreadsheet would run it as a formula (OWASP advice)."""
    if cell.startswith(FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


FILE_FORMATS = (*FORMATS, "xlsx")  # xlsx is binary: written to a file, never to a terminal


@dataclass
class ResultTable:
    """The rows of a SELECT: column names and, per row, an rdflib term or None (unbound)."""

    columns: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)

    def __str__(self) -> str:
        """The table as `netkg query` prints it (prefixed names, wrapped to the terminal or to
        100 columns), so `print(kg.query(...))` reads like the command line."""
        return render_table(self, width=terminal_width() or 100)

    def records(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def values(self) -> list[tuple[str | None, ...]]:
        """Rows as plain strings (IRIs in full, literals by their lexical form) for comparing."""
        return [tuple(None if t is None else str(t) for t in row) for row in self.rows]

    def select(self, columns: list[str]) -> ResultTable:
        """Only these columns, in this order; ValueError naming the columns there are."""
        missing = [c for c in columns if c not in self.columns]
        if missing:
            raise ValueError(
                f"no column {', '.join(missing)} in the answer; its columns are "
                + ", ".join(self.columns)
            )
        index = [self.columns.index(c) for c in columns]
        return ResultTable(list(columns), [tuple(row[i] for i in index) for row in self.rows])

    def displayed(self, full_iris: bool = False) -> ResultTable:
        """The table as people read it in every format: IRIs as prefixed names (mun:gentofte),
        also where a text lists them, unless `full_iris`. An IRI no prefix fits stays whole."""
        if full_iris:
            return self
        return ResultTable(self.columns, [tuple(_displayed(t) for t in row) for row in self.rows])

    def to_dataframe(self, full_iris: bool = False):  # -> pandas.DataFrame, imported when asked
        """Columns as Python values: numbers and dates converted, IRIs as prefixed names (in
        full with `full_iris`), text as strings; a year or month stays as the source has it
        ("2013", "2013-06"), never a day."""
        import pandas as pd

        table = self.displayed(full_iris)
        return pd.DataFrame([[_python(t) for t in row] for row in table.rows], columns=self.columns)

    def guarded(self) -> ResultTable:
        """The table for CSV (which shows literals by their text only), each text neutralised.

        A changed literal becomes plain text, so no datatype has to accept the quote; IRIs and
        blank nodes cannot start a formula.
        """
        return ResultTable(self.columns, [tuple(_guard(t) for t in row) for row in self.rows])

    def to_xlsx(self, formula_guard: bool = True, full_iris: bool = False) -> bytes:
        """An .xlsx workbook: a header row, then numbers and dates as such (a year or month as
        the source gives it), IRIs as prefixed names unless `full_iris`; each column as wide as
        its text up to XLSX_WIDEST characters, longer text wrapped at word boundaries. Text
        that a spreadsheet would run as a formula is neutralised unless `formula_guard` is off."""
        import openpyxl
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "results"
        sheet.append(self.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(c) for c in self.columns]
        for row in self.displayed(full_iris).rows:
            values = [_python(t) for t in row]
            if formula_guard:
                values = [neutralise(v) if isinstance(v, str) else v for v in values]
            sheet.append(values)
            lengths = [_text_width(v) for v in values]
            widths = [max(w, n) for w, n in zip(widths, lengths, strict=True)]
        wrap = Alignment(wrap_text=True, vertical="top")
        for i, width in enumerate(widths, start=1):
            letter = get_column_letter(i)
            sheet.column_dimensions[letter].width = min(width, XLSX_WIDEST) + 2
            if width > XLSX_WIDEST:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.alignment = wrap
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def encode(
        self, fmt: str, full: bool = True, formula_guard: bool = True, full_iris: bool = False
    ) -> bytes:
        """The table as file content in any of FILE_FORMATS (a `table` file is never wrapped)."""
        if fmt == "xlsx":
            return self.to_xlsx(formula_guard, full_iris)
        text = self.serialize(fmt, full=full, formula_guard=formula_guard, full_iris=full_iris)
        return text.encode("utf-8")

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython's plain-text display
        printer.text(render_table(self, width=120))

    def _repr_html_(self) -> str:
        """An HTML table for notebooks: prefixed IRIs, every value escaped."""
        from html import escape

        head = "".join(f"<th>{escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>"
            + "".join(f'<td title="{escape(str(t or ""))}">{escape(short(t))}</td>' for t in row)
            + "</tr>"
            for row in self.rows
        )
        n = len(self.rows)
        return (
            f'<table class="netkg-results"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table><p>{n} row{'s' if n != 1 else ''}</p>"
        )

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

    def serialize(
        self,
        fmt: str,
        width: int | None = None,
        full: bool = False,
        formula_guard: bool = True,
        full_iris: bool = False,
        records: bool = False,
    ) -> str:
        """The table as `table`, `csv`, `tsv` or `json` (SPARQL 1.1 results formats).

        A `table` is wrapped to `width` (default: the terminal's) unless `full`, and shown as
        records (one block per row) when `records` or when it is too wide to read as a table.
        The table and CSV show IRIs as prefixed names, as every format people read does, unless
        `full_iris`; TSV and JSON are the SPARQL formats machines read, with IRIs in full. CSV
        and TSV cells that a spreadsheet would run as formulas are neutralised unless
        `formula_guard` is off.
        """
        if fmt == "table":
            return render_table(self, width=width, full=full, full_iris=full_iris, records=records)
        if fmt == "tsv":
            return _tsv(self, formula_guard)
        table = self.displayed(full_iris) if fmt == "csv" else self
        table = table.guarded() if formula_guard and fmt == "csv" else table
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
        return compact(str(term)) or str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def shorten_text(text: str) -> str:
    """Text with the IRIs written in it shortened as IRI cells are (a list of sources)."""
    return _IRI_IN_TEXT.sub(lambda m: compact(m.group(0)) or m.group(0), text)


def _displayed(term: Node | None) -> Node | None:
    if isinstance(term, URIRef):
        name = compact(str(term))
        return Literal(name) if name else term
    if isinstance(term, Literal) and term.datatype is None and "://" in str(term):
        text = shorten_text(str(term))
        return Literal(text, lang=term.language) if text != str(term) else term
    return term


def render_table(
    table: ResultTable,
    width: int | None = None,
    full: bool = False,
    full_iris: bool = False,
    records: bool = False,
) -> str:
    """An aligned text table with a row count, or the rows as records.

    Cells are wrapped at word boundaries (never cut) so that the table fits `width` characters
    (default: the terminal's width, or COLUMNS; written to a pipe or file, it is not wrapped);
    with `full`, every value is shown on one line, however wide. A table that cannot fit with
    every column as wide as its longest word, or whose rows would run taller than
    RECORDS_AFTER lines, is shown as records: one block per row, a line per column, which
    reads at any width (`records` asks for them always).
    """
    if width is None and not full:
        width = terminal_width()
        full = width is None
    shown = table.displayed(full_iris)
    cells = [[" ".join(short(t).split()) for t in row] for row in shown.rows]
    if records:
        return _records(table.columns, cells, width if not full else None)
    natural = [len(c) for c in table.columns]
    for row in cells:
        natural = [max(w, len(c)) for w, c in zip(natural, row, strict=True)]
    if full:
        widths = natural
    else:
        assert width is not None
        room = max(width - 2 * (len(natural) - 1), len(natural))
        words = [_longest_word(c, [row[i] for row in cells]) for i, c in enumerate(table.columns)]
        least = [min(n, w) for n, w in zip(natural, words, strict=True)]
        if sum(least) > room:  # even word by word the columns do not fit: one row per block
            return _records(table.columns, cells, width)
        widths = _fit(natural, room, least)
        tallest = max(
            (max(len(_wrap(c, w)) for c, w in zip(row, widths, strict=True)) for row in cells),
            default=1,
        )
        if tallest > RECORDS_AFTER:
            return _records(table.columns, cells, width)
    line = "  ".join("-" * w for w in widths)
    out = [_line([_wrap(c, w) for c, w in zip(table.columns, widths, strict=True)], widths), line]
    out += [_line([_wrap(c, w) for c, w in zip(row, widths, strict=True)], widths) for row in cells]
    out.append(_count(len(table.rows)))
    return "\n".join(out) + "\n"


def _records(columns: list[str], cells: list[list[str]], width: int | None) -> str:
    """Each row as a block: `-[ row N ]---`, then a line per column (name, then its value,
    wrapped at word boundaries to `width`; unwrapped without one). Empty values are left out."""
    key = max((len(c) for c in columns), default=0)
    room = None if width is None else max(width - key - 2, 20)
    out = []
    for n, row in enumerate(cells, start=1):
        title = f"-[ row {n} ]"
        out.append(title + "-" * max((width or 40) - len(title), 3))
        for column, value in zip(columns, row, strict=True):
            if not value:
                continue
            lines = [value] if room is None else _wrap(value, room)
            out.append(f"{column.ljust(key)}  {lines[0]}".rstrip())
            out += [f"{'':{key}}  {more}".rstrip() for more in lines[1:]]
    out.append(_count(len(cells)))
    return "\n".join(out) + "\n"


def _count(n: int) -> str:
    return f"({n} row{'s' if n != 1 else ''})"


def _longest_word(header: str, values: list[str]) -> int:
    """The widest piece a column's text cannot be broken into at a space or after a hyphen
    (at most 30: a longer token is broken inside), and never narrower than 6 or its header's
    longest word."""
    pieces = [len(p) for text in [header, *values] for p in _PIECES.split(text) if p]
    return max(min(max(pieces, default=1), 30), min(len(header), 6))


_PIECES = re.compile(r"\s+|(?<=-)")


def terminal_width() -> int | None:
    """The width of the terminal standard output is (COLUMNS overrides it); None for a pipe
    or file, whose readers (grep, a file) want whole lines."""
    if sys.stdout is not None and sys.stdout.isatty():
        return shutil.get_terminal_size((100, 24)).columns
    return None


def _fit(natural: list[int], room: int, least: list[int]) -> list[int]:
    """Column widths summing to at most `room` where they can (a max-min fair share): columns
    narrower than an equal share keep their width, the room left is shared equally among the
    wide ones (each at least its `least`)."""
    if sum(natural) <= room:
        return natural
    widths = list(natural)
    wide = set(range(len(natural)))
    while wide:
        left = room - sum(widths[i] for i in range(len(widths)) if i not in wide)
        share = {i: max(left // len(wide), least[i]) for i in wide}
        fits = {i for i in wide if natural[i] <= share[i]}
        if not fits:
            for i in wide:
                widths[i] = share[i]
            break
        wide -= fits
    floor = [min(w, 1) for w in least] if sum(least) > room else least
    while sum(widths) > room:  # the least widths overshot: narrow the widest that can give
        candidates = [i for i in range(len(widths)) if widths[i] > floor[i]]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, broken at spaces or after hyphens; a word longer
    than the width is broken inside only then."""
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True) or [""]


def _line(columns: list[list[str]], widths: list[int]) -> str:
    height = max(len(c) for c in columns)
    lines = []
    for i in range(height):
        pairs = zip(columns, widths, strict=True)
        parts = [(c[i] if i < len(c) else "").ljust(w) for c, w in pairs]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


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


def _guard(term: Node | None) -> Node | None:
    if isinstance(term, Literal):
        text = neutralise(str(term))
        if text != str(term):
            return Literal(text)
    return term


def _text_width(value: object) -> int:
    """The longest line of a cell's text (0 for an empty cell)."""
    return 0 if value is None else max(map(len, str(value).splitlines() or [""]))


def _python(term: Node | None) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)
