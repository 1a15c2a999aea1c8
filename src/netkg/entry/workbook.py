"""The data-entry workbook: its declared mapping, its controlled values, reading it, problems.

The workbook's layout and meaning are declared in entry/mapping.toml; this module loads that
declaration and reads a workbook (.xlsx) or CSV folder into rows, reporting malformed sheets
as Problems located by sheet, row and column. netkg.entry.importer turns the rows into RDF;
netkg.entry.template writes the empty workbook from the same declaration.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from netkg.entry.tables import Limits, read_csv_folder, read_xlsx
from netkg.errors import InputError, NetkgError
from netkg.iris import PREFIXES

GUIDANCE_ROW = 2  # row 1: headers; row 2: guidance; data from row 3
FIRST_DATA_ROW = 3
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NAME_TEMPLATE = re.compile(r"\{([a-z_]+)(?::([a-z_]+))?\}")
YES = {"ja", "yes", "true", "1", "x", "sand"}
NO = {"nej", "no", "false", "0", "falsk"}


# --- the mapping ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a sheet and what its cells become."""

    key: str
    kind: str
    header_da: str
    header_en: str
    guide_da: str = ""
    guide_en: str = ""
    node: str | None = None
    prop: str | None = None
    required: bool = False
    spec: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def header(self) -> str:
        """The header as written in row 1: 'Dansk / English'."""
        if self.header_da == self.header_en:
            return self.header_da
        return f"{self.header_da} / {self.header_en}"

    @property
    def guide(self) -> str:
        return f"{self.guide_da} / {self.guide_en}" if self.guide_da else self.guide_en


@dataclass(frozen=True)
class Sheet:
    key: str
    title_da: str
    title_en: str
    guide_da: str
    guide_en: str
    nodes: tuple[dict, ...]
    columns: tuple[Column, ...]
    one_row: bool = False

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@cache
def load_mapping() -> tuple[Sheet, ...]:
    """The declared mapping, from the package's entry/mapping.toml (read once)."""
    text = resources.files("netkg.entry").joinpath("mapping.toml").read_text(encoding="utf-8")
    doc = tomllib.loads(text)
    sheets = []
    for raw in doc["sheets"]:
        columns = tuple(
            Column(
                key=c["key"],
                kind=c["kind"],
                header_da=c["header"]["da"],
                header_en=c["header"]["en"],
                guide_da=c.get("guide", {}).get("da", ""),
                guide_en=c.get("guide", {}).get("en", ""),
                node=c.get("node"),
                prop=c.get("property"),
                required=c.get("required", False),
                spec=c,
            )
            for c in raw["columns"]
        )
        sheets.append(
            Sheet(
                key=raw["key"],
                title_da=raw["title"]["da"],
                title_en=raw["title"]["en"],
                guide_da=raw["guide"]["da"],
                guide_en=raw["guide"]["en"],
                nodes=tuple(raw.get("nodes", [])),
                columns=columns,
                one_row=raw.get("rows") == "one",
            )
        )
    return tuple(sheets)


def curie(text: str) -> URIRef:
    """A prefixed name from the mapping as an IRI (prefixes from netkg.iris)."""
    prefix, local = text.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


# --- controlled values --------------------------------------------------------------------------


@dataclass
class Choice:
    """One allowed value of a concept or choice column."""

    display: str
    iri: URIRef | None
    spec: dict
    accepts: set[str]


def controlled_values(column: Column, context: Graph) -> list[Choice]:
    """The drop-down values of a concept or choice column, with every spelling accepted."""
    if column.kind in ("choice", "choices"):
        return [
            Choice(c["value"], curie(c["iri"]) if "iri" in c else None, c, {c["value"].lower()})
            for c in column.spec["choices"]
        ]
    if column.kind == "boolean":
        return [Choice("ja", None, {}, YES), Choice("nej", None, {}, NO)]
    if column.kind != "concept":
        return []
    schemes = [curie(s) for s in column.spec["schemes"]]
    excluded = {curie(e) for e in column.spec.get("exclude", [])}
    found = []
    for scheme in schemes:
        scheme_key = str(scheme).rsplit("/", 1)[-1]
        concepts = sorted(set(context.subjects(SKOS.inScheme, scheme)), key=str)
        for concept in concepts:
            if concept in excluded:
                continue
            local = str(concept).rsplit("/", 1)[-1]
            labels = {
                lit.language: str(lit)
                for lit in context.objects(concept, SKOS.prefLabel)
                if isinstance(lit, Literal)
            }
            notation = context.value(concept, SKOS.notation)
            da = labels.get("da") or labels.get("en") or local
            display = f"{da} ({local})" if len(schemes) == 1 else f"{scheme_key}: {da} ({local})"
            accepts = {display.lower(), f"{scheme_key}:{local}".lower(), f"{scheme_key}: {local}"}
            if len(schemes) == 1:
                accepts |= {local.lower(), *(v.lower() for v in labels.values())}
                if notation is not None:
                    accepts.add(str(notation).lower())
            found.append(Choice(display, URIRef(str(concept)), {}, accepts))
    return found


# --- problems -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something the researcher must fix, located in the workbook."""

    sheet: str
    row: int | None
    column: str
    value: str
    what: str
    fix: str
    severity: str = "error"

    def __str__(self) -> str:
        where = [self.sheet]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f'column "{self.column}"')
        value = f', value "{self.value}"' if self.value else ""
        fix = f" Fix: {_sentence(self.fix)}" if self.fix else ""
        return f"{', '.join(where)}{value}: {_sentence(self.what)}{fix}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


class ImportFailed(NetkgError):
    """The workbook has problems; nothing was written."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = sum(1 for p in problems if p.severity == "error")
        super().__init__(f"{count} problem(s) in the workbook; nothing was written")


# --- reading sheets -----------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # the spreadsheet row number, as the researcher sees it
    cells: dict[str, str]
    absent: set[str] = field(default_factory=set)  # columns the sheet lacks (reported once)


def read_workbook(
    path: Path, mapping: Sequence[Sheet], limits: Limits | None = None
) -> tuple[dict[str, list[Row]], list[Problem]]:
    """The data rows of every sheet (an .xlsx file or a folder of <sheet>.csv files).

    What cannot be read safely (not UTF-8, a formula cell, over the limits) is an InputError
    (netkg.entry.tables).
    """
    path = Path(path)
    limits = limits or Limits()
    if not path.exists():
        raise InputError(path, "no such workbook or folder")
    keys = [sheet.key for sheet in mapping]
    if path.is_dir():
        tables = read_csv_folder(path, keys, limits)
    elif path.suffix.lower() == ".xlsx":
        tables = read_xlsx(path, keys, limits)
    else:
        raise InputError(path, "expected an .xlsx workbook or a folder of CSV files")
    rows: dict[str, list[Row]] = {}
    problems: list[Problem] = []
    for sheet in mapping:
        table = tables.get(sheet.key)
        if table is None:
            if sheet.one_row:
                problems.append(
                    Problem(
                        sheet.key,
                        None,
                        "",
                        "",
                        "the sheet is missing",
                        "start from `netkg template`",
                    )
                )
            rows[sheet.key] = []
            continue
        rows[sheet.key], found = _rows_of(sheet, table)
        problems += found
    return rows, problems


def _closest_header(text: str, sheet: Sheet) -> str | None:
    """The template header most like `text`, comparing with its Danish and English halves."""
    names = {}
    for c in sheet.columns:
        for part in (c.header, c.header_da, c.header_en, c.key):
            names[part.lower()] = c.header
    close = difflib.get_close_matches(text.lower(), list(names), n=1, cutoff=0.6)
    return names[close[0]] if close else None


def _rows_of(sheet: Sheet, table: list[list[str]]) -> tuple[list[Row], list[Problem]]:
    problems: list[Problem] = []
    if not table:
        return [], problems
    by_header = {}
    for c in sheet.columns:
        for name in (c.header, c.key, c.header_da, c.header_en):
            by_header[name.strip().lower()] = c.key
    keys: list[str | None] = []
    for header in table[0]:
        text = (header or "").strip()
        key = by_header.get(text.lower())
        if text and key is None:
            close = _closest_header(text, sheet)
            hint = f'did you mean "{close}"?' if close else "use the headers of `netkg template`"
            problems.append(Problem(sheet.key, 1, text, "", "unknown column", hint))
        keys.append(key)
    present = {k for k in keys if k}
    for c in sheet.columns:
        if c.required and c.key not in present:
            problems.append(
                Problem(
                    sheet.key,
                    1,
                    c.header,
                    "",
                    "required column is missing",
                    "add the column (see `netkg template`)",
                )
            )
    rows = []
    for number, values in enumerate(table[FIRST_DATA_ROW - 1 :], start=FIRST_DATA_ROW):
        cells = {k: (v or "").strip() for k, v in zip(keys, values, strict=False) if k}
        if any(cells.values()):
            rows.append(Row(number, cells, {c.key for c in sheet.columns} - present))
    if sheet.one_row and len(rows) != 1:
        problems.append(
            Problem(
                sheet.key,
                None,
                "",
                "",
                f"needs exactly one row, has {len(rows)}",
                "describe one municipality per workbook",
            )
        )
    return rows, problems
