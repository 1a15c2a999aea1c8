"""The empty data-entry workbook (.xlsx) and its CSV-folder twin, written from the mapping.

Headers (Danish / English), the guidance row and the drop-down lists all come from
entry/mapping.toml and the SKOS vocabularies, so the template and `netkg import` agree by
construction.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

from rdflib import Graph

from netkg.entry.workbook import (
    FIRST_DATA_ROW,
    GUIDANCE_ROW,
    controlled_values,
    load_mapping,
)
from netkg.rdf.results import FORMULA_START, neutralise

README_TITLE = "vejledning-guide"
# Columns typed as text, so a spreadsheet keeps what is typed: 0157 stays 0157, and a month
# (2018-08) or a time span is not turned into a day or a number
TEXT_KINDS = ("id", "string", "year", "date", "refs", "ref", "when", "years", "duration")
LISTS_TITLE = "lists"
_INTRO = [
    ("netkg – indtastningsark for én kommune", "netkg – data-entry workbook for one municipality"),
    (
        "Ét ark pr. slags ting. Række 1: overskrifter, række 2: vejledning; data fra række 3.",
        "One sheet per kind of thing. Row 1: headers, row 2: guidance; data from row 3.",
    ),
    (
        "Rækker henviser til hinanden med id'er; kilder er id'er fra arket documents.",
        "Rows refer to each other by id; sources are ids from the documents sheet.",
    ),
    ("Lister med faste værdier vises som rullemenuer.", "Controlled values are drop-down lists."),
    (
        "Kør: netkg import FIL.xlsx   (eller en mappe med CSV-filer)",
        "Run: netkg import FILE.xlsx   (or a folder of CSV files)",
    ),
    (
        "Intet skrives, før alt er i orden; fejl angives som ark, række, kolonne og værdi.",
        "Nothing is written until everything is right; problems name sheet, row, column and value.",
    ),
]


def write_xlsx(path: Path, context: Graph) -> Path:
    """The template workbook: a guide sheet, one sheet per mapping sheet, hidden lists."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    from netkg.atomic import write_atomic

    mapping = load_mapping()
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = README_TITLE
    for i, (da, en) in enumerate(_INTRO, start=1):
        guide.cell(i, 1, da).font = Font(bold=i == 1)
        guide.cell(i, 2, en).font = Font(bold=i == 1)
    row = len(_INTRO) + 2
    for sheet in mapping:
        guide.cell(row, 1, f"{sheet.key}: {sheet.guide_da}").font = Font(bold=True)
        guide.cell(row, 2, sheet.guide_en)
        row += 1
    guide.column_dimensions["A"].width = 90
    guide.column_dimensions["B"].width = 90

    lists = book.create_sheet(LISTS_TITLE)
    lists.sheet_state = "hidden"
    list_column = 0
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet in mapping:
        ws = book.create_sheet(sheet.key)
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            cell = ws.cell(1, index, column.header)
            cell.font = Font(bold=True)
            cell.fill = header_fill
            note = ws.cell(GUIDANCE_ROW, index, column.guide + (" *" if column.required else ""))
            note.font = Font(italic=True, color="666666")
            note.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[letter].width = max(14, min(45, len(column.header) + 4))
            if column.kind in TEXT_KINDS:
                for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 500):
                    ws.cell(r, index).number_format = "@"  # keep 0157 (and 2018-08) as text
            values = [c.display for c in controlled_values(column, context)]
            if values:
                list_column += 1
                list_letter = get_column_letter(list_column)
                lists.cell(1, list_column, f"{sheet.key}.{column.key}")
                for r, value in enumerate(values, start=2):
                    cell = lists.cell(r, list_column, value)
                    if value.startswith(FORMULA_START):
                        cell.data_type = "s"  # text from the vocabularies is never a formula
                name = f"list_{sheet.key}_{column.key}"
                ref = f"{LISTS_TITLE}!${list_letter}$2:${list_letter}${len(values) + 1}"
                book.defined_names[name] = DefinedName(name, attr_text=ref)
                validation = DataValidation(
                    type="list", formula1=f"={name}", allow_blank=True, showErrorMessage=True
                )
                validation.error = "Vælg en værdi fra listen / pick a value from the list"
                validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{FIRST_DATA_ROW + 499}")
                ws.add_data_validation(validation)
        ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)
        ws.row_dimensions[GUIDANCE_ROW].height = 45
    buffer = io.BytesIO()
    book.save(buffer)
    return write_atomic(path, buffer.getvalue())


def write_csv_folder(folder: Path, context: Graph) -> list[Path]:
    """The template as CSV files (for version control): one per sheet plus lists.csv."""
    from netkg.atomic import write_all

    mapping = load_mapping()
    files: dict[Path, str] = {}
    listing = io.StringIO()
    lists = csv.writer(listing)
    lists.writerow(["sheet", "column", "value"])
    for sheet in mapping:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([c.header for c in sheet.columns])
        writer.writerow([c.guide + (" *" if c.required else "") for c in sheet.columns])
        files[folder / f"{sheet.key}.csv"] = out.getvalue()
        for column in sheet.columns:
            for choice in controlled_values(column, context):
                lists.writerow([sheet.key, column.header, neutralise(choice.display)])
    files[folder / "lists.csv"] = listing.getvalue()
    return write_all(files)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("template", help="write an empty data-entry workbook and CSV folder")
    p.add_argument(
        "out",
        type=Path,
        nargs="?",
        default=Path("netkg-entry.xlsx"),
        help="the workbook to write (default: netkg-entry.xlsx); the CSV folder is "
        "written next to it, named like the workbook without .xlsx",
    )
    p.add_argument(
        "--force", action="store_true", help="replace an existing workbook or CSV folder"
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from netkg.atomic import refuse_overwrite
    from netkg.pipeline.flow.context import context_graph

    out: Path = args.out
    if out.suffix.lower() != ".xlsx":
        out = out.with_suffix(".xlsx")
    folder = out.with_suffix("")
    refuse_overwrite([out, folder], args.force)  # a filled-in workbook is the user's work
    context = context_graph()
    workbook = write_xlsx(out, context)
    files = write_csv_folder(folder, context)
    print(f"wrote {workbook} and {folder}/ ({len(files)} CSV files)")
    return 0
