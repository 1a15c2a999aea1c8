"""Reading the sheets of a workbook (.xlsx) or CSV folder as tables of text, within limits.

A researcher's file is read only as far as it can be read safely and exactly:

- CSV files must be UTF-8 (Excel's "CSV UTF-8"). A file in another encoding (Excel's plain
  "CSV" on Windows writes Windows-1252) is refused with the line and column of the first byte
  that is not UTF-8, rather than guessed at: a guess could silently change a name.
- A formula cell in a workbook is refused, naming the cell: openpyxl cannot compute it, and the
  value Excel cached may be stale or absent, so reading it would import something else than
  what the researcher sees.
- At most `max_rows` rows (all sheets together) and `max_bytes` bytes (the file, and for a
  workbook also its unpacked sheets) are read; rows are streamed, so memory stays bounded.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from netkg.errors import InputError

MAX_ROWS = 10_000
MAX_BYTES = 20_000_000
UNPACKED_FACTOR = 10  # an .xlsx unpacks to at most this many times max_bytes
_CP1252_HINT = (
    "it looks like Windows-1252 (Excel's plain 'CSV'); save it as 'CSV UTF-8' and import again"
)


@dataclass(frozen=True)
class Limits:
    """How much of a workbook is read before the import is refused."""

    max_rows: int = MAX_ROWS
    max_bytes: int = MAX_BYTES


class _RowBudget:
    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.rows = 0

    def take(self, sheet: str) -> None:
        self.rows += 1
        if self.rows > self.limits.max_rows:
            raise InputError(
                self.path,
                f"more than {self.limits.max_rows:,} rows (reached in sheet {sheet!r}); "
                "split the workbook or raise --max-rows",
            )


def read_csv_folder(
    folder: Path, sheets: Iterable[str], limits: Limits = Limits()
) -> dict[str, list[list[str]]]:
    """The table of each `<sheet>.csv` present in the folder."""
    files = [(key, folder / f"{key}.csv") for key in sheets]
    files = [(key, f) for key, f in files if f.is_file()]
    total = sum(f.stat().st_size for _, f in files)
    if total > limits.max_bytes:
        raise InputError(
            folder,
            f"the CSV files hold {total:,} bytes, more than {limits.max_bytes:,}; "
            "split the workbook or raise --max-bytes",
        )
    budget = _RowBudget(folder, limits)
    return {key: _read_csv(file, key, budget) for key, file in files}


def _read_csv(file: Path, sheet: str, budget: _RowBudget) -> list[list[str]]:
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[start : exc.start].decode("utf-8", "replace")) + 1
        hint = _CP1252_HINT if _is_cp1252(raw) else "save it as 'CSV UTF-8' and import again"
        raise InputError(
            file,
            f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x}); {hint}",
            line,
            column,
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(file, "the file holds a NUL character; it is not a CSV text file", line)
    table = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            budget.take(sheet)
            table.append(row)
    except csv.Error as exc:
        raise InputError(file, f"not readable as CSV: {exc}", reader.line_num) from None
    return table


def _is_cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def read_xlsx(path: Path, sheets: Iterable[str], limits: Limits = Limits()) -> dict[str, list]:
    """The table of each worksheet named in `sheets`; other sheets are not read."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise InputError(
            path,
            f"the workbook has {size:,} bytes, more than {limits.max_bytes:,}; "
            "split it or raise --max-bytes",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(path, f"cannot read the workbook: {exc}") from None
    if unpacked > limits.max_bytes * UNPACKED_FACTOR:
        raise InputError(
            path,
            f"the workbook unpacks to {unpacked:,} bytes, more than "
            f"{limits.max_bytes * UNPACKED_FACTOR:,}; split it or raise --max-bytes",
        )
    import openpyxl

    wanted = set(sheets)
    budget = _RowBudget(path, limits)
    tables: dict[str, list] = {}
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises zipfile/xml errors of many types
        raise InputError(path, f"cannot read the workbook: {exc}") from None
    try:
        for ws in book.worksheets:
            if ws.title in wanted:
                tables[ws.title] = list(_sheet_rows(path, ws, budget))
    except InputError:
        raise
    except Exception as exc:  # a corrupt sheet part
        raise InputError(path, f"cannot read the workbook: {exc}") from None
    finally:
        book.close()
    return tables


def _sheet_rows(path: Path, ws, budget: _RowBudget) -> Iterator[list[str]]:
    for row in ws.iter_rows():
        budget.take(ws.title)
        cells = []
        for cell in row:
            if getattr(cell, "data_type", None) == "f":
                raise InputError(
                    path,
                    f"sheet {ws.title!r}, cell {cell.coordinate} holds a formula "
                    f"({_formula_text(cell.value)}); netkg reads typed values only: "
                    "replace the formula by its value",
                )
            cells.append(cell_text(cell.value))
        yield cells


def _formula_text(value: object) -> str:
    text = getattr(value, "text", value)  # an ArrayFormula keeps its text apart
    text = str(text)
    return text if len(text) <= 40 else text[:39] + "…"


def cell_text(value: object) -> str:
    """A cell's value as the text the importer reads."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
