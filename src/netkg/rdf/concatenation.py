"""GROUP_CONCAT lists in one order on every engine.

SPARQL leaves the order of the values GROUP_CONCAT joins open, and engines differ: Oxigraph and
rdflib join the same group in different orders, a remote endpoint in yet another. netkg's
promise is one answer for one input, so every backend passes its SELECT table through
`ordered_concatenations`, which sorts the parts of each column a GROUP_CONCAT projects
(by the text, case-folded, then as written).
"""

from __future__ import annotations

import re

from rdflib.term import Literal

from netkg.rdf.results import ResultTable

# GROUP_CONCAT([DISTINCT] expr [; SEPARATOR = "s"]), then the first "AS ?var" after it (the
# call may sit inside COALESCE or another expression); the expression holds no ";"
_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\([^;()]*(?:\([^;()]*\)[^;()]*)*"
    r"(?:;\s*SEPARATOR\s*=\s*(?P<q>[\"'])(?P<sep>.*?)(?P=q))?\s*\)",
    re.IGNORECASE,
)
_AS = re.compile(r"\bAS\s*[?$](?P<var>\w+)", re.IGNORECASE)
_COMMENT = re.compile(r"#[^\n]*")


def concatenated_columns(sparql: str) -> dict[str, str]:
    """The columns a query fills with GROUP_CONCAT, each with its separator (" " if none)."""
    found: dict[str, str] = {}
    text = _COMMENT.sub("", sparql)
    for match in _CONCAT.finditer(text):
        named = _AS.search(text, match.end())
        if named is not None:
            sep = match.group("sep")
            found[named.group("var")] = " " if sep is None else _unescape(sep)
    return found


def _unescape(text: str) -> str:
    return text.encode("utf-8").decode("unicode_escape") if "\\" in text else text


def ordered_concatenations(sparql: str, table: ResultTable) -> ResultTable:
    """The table with each GROUP_CONCAT cell's parts sorted; other cells untouched."""
    columns = concatenated_columns(sparql)
    index = {i: columns[c] for i, c in enumerate(table.columns) if c in columns}
    if not index or not table.rows:
        return table
    rows = []
    for row in table.rows:
        cells = list(row)
        for i, sep in index.items():
            cell = cells[i]
            if isinstance(cell, Literal) and sep and sep in str(cell):
                parts = sorted(str(cell).split(sep), key=lambda p: (p.casefold(), p))
                cells[i] = Literal(sep.join(parts), lang=cell.language, datatype=cell.datatype)
        rows.append(tuple(cells))
    return ResultTable(table.columns, rows)
