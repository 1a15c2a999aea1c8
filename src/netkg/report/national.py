"""The national view: every municipality on every codebook variable, one state per cell.

The codebook's variables are defined once, in ontology/vocabularies/codebook.ttl; what netkg
knows about a municipality on a variable is one of four states (vocab/cell-state), derived by the
catalogue query codebook-states from what is entered: the arrangements of the variable's class,
documented absences, and the search log. This module adds to each cell what a reader needs to
check it — the value in words, the quote behind it, the source's address and the day it was read,
or the searches that found nothing — from netkg's own queries (queries/internal/codebook-*.rq),
and writes it as `netkg export national` (one row per municipality × variable, CSV or xlsx). The
comparison report (netkg.report.compare) and the site's variable pages (netkg.web) show the same
cells.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from netkg.iris import NKG, PREFIXES
from netkg.options import add_source_options

if TYPE_CHECKING:
    import pandas

    from netkg.query.graph import KnowledgeGraph

STATES = ("documented", "documented-absent", "searched-not-found", "not-yet-searched")
_CELL_STATE = PREFIXES["cellstate"]
_REJECTED = URIRef(PREFIXES["schemestatus"] + "rejected")
# The quote that best says what a cell records: the one naming the kind of thing first
_PREFERRED = (
    str(RDF.type),
    str(NKG.legalBasis),
    str(NKG.hasNetworkStructure),
    str(NKG.absenceOf),
    str(NKG.schemeStatus),
    str(NKG.organisedBy),
    str(NKG.adoptedBy),
)
EXPORT_COLUMNS = (
    "code",
    "municipality",
    "region",
    "variable",
    "state",
    "value",
    "quote",
    "sourceAddress",
    "dateRead",
    "searchLog",
    "municipalityIri",
    "variableIri",
)
_WORDS = {
    "en": {
        "citizens": "citizen members",
        "politicians": "politician members",
        "signatures": "signatures",
        "within": "within",
        "councils": "",
        "counted": "counted",
        "dkk": "DKK",
        "adopted": "adopted",
        "decided": "decided",
        "yes": "yes",
        "networks": "networks described",
        "no region": "(no region)",
        "Y": ("year", "years"),
        "M": ("month", "months"),
        "D": ("day", "days"),
    },
    "da": {
        "citizens": "borgermedlemmer",
        "politicians": "politikermedlemmer",
        "signatures": "underskrifter",
        "within": "inden for",
        "councils": "",
        "counted": "optalt",
        "dkk": "kr.",
        "adopted": "vedtaget",
        "decided": "besluttet",
        "yes": "ja",
        "networks": "netværk beskrevet",
        "no region": "(ingen region)",
        "Y": ("år", "år"),
        "M": ("måned", "måneder"),
        "D": ("dag", "dage"),
    },
}


@dataclass(frozen=True)
class Variable:
    """A codebook variable as the national view shows it."""

    iri: str
    label: str
    notation: str  # its name in the entry sheets, e.g. "section 17(4) committees"
    query: str  # the catalogue query listing its arrangements
    position: int
    link: str = ""  # the property linking an arrangement to the municipality; "" if none


@dataclass
class Cell:
    """One municipality on one variable: its state and what backs it."""

    municipality: str
    municipality_label: str
    code: str
    region: str
    variable: Variable
    state: str  # one of STATES
    state_label: str
    items: int = 0
    value: str = ""
    quote: str = ""
    source: str = ""
    read: str = ""
    searches: str = ""


@dataclass(frozen=True)
class Finding:
    """A population finding set beside netkg's own count (codebook-findings)."""

    variable: str
    variable_label: str
    documented: int
    label: str
    municipalities_with: int | None
    municipalities_total: int | None
    percentage: int | None
    period: str


@dataclass
class NationalView:
    """All municipalities on all codebook variables."""

    variables: list[Variable]
    cells: list[Cell]
    findings: list[Finding]
    lang: str = "en"
    state_labels: dict[str, str] = field(default_factory=dict)  # state → its label in `lang`

    @property
    def municipalities(self) -> list[tuple[str, str, str, str]]:
        """(iri, label, code, region) of every municipality, by code."""
        seen = {
            c.municipality: (c.municipality, c.municipality_label, c.code, c.region)
            for c in self.cells
        }
        return sorted(seen.values(), key=lambda m: (m[2], m[1]))

    def by_region(self) -> list[tuple[str, list[tuple[str, str, str, list[Cell]]]]]:
        """Regions in name order, each with its municipalities (by name) and their cells in the
        codebook's order: what the comparison report's national table shows."""
        cells: dict[str, list[Cell]] = defaultdict(list)
        for cell in self.cells:
            cells[cell.municipality].append(cell)
        regions: dict[str, list[tuple[str, str, str, list[Cell]]]] = defaultdict(list)
        for iri, label, code, region in self.municipalities:
            ordered = sorted(cells[iri], key=lambda c: c.variable.position)
            regions[region].append((iri, label, code, ordered))
        return [
            (region, sorted(rows, key=lambda r: r[1].casefold()))
            for region, rows in sorted(regions.items(), key=lambda kv: kv[0].casefold())
        ]

    def counts(self) -> dict[str, dict[str, int]]:
        """variable IRI → state → number of municipalities (every state present, 0 if none)."""
        found = {v.iri: dict.fromkeys(STATES, 0) for v in self.variables}
        for cell in self.cells:
            found[cell.variable.iri][cell.state] += 1
        return found

    def summary(self) -> list[str]:
        """The national summary: netkg's counts beside the population findings it holds."""
        lines = []
        for finding in self.findings:
            found = (
                f"{finding.municipalities_with} of {finding.municipalities_total} municipalities"
                if finding.municipalities_with is not None
                else f"{finding.percentage} % of the municipalities"
            )
            lines.append(
                f"{finding.variable_label} documented in {finding.documented} municipalities in "
                f"netkg; the population finding “{finding.label}” found {found} "
                f"({finding.period})."
            )
        return lines

    def frame(self) -> pandas.DataFrame:
        """The export's rows as a DataFrame (notebooks)."""
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=list(EXPORT_COLUMNS))

    def rows(self) -> list[list[str]]:
        """One row per municipality × variable, in code and codebook order (EXPORT_COLUMNS)."""
        ordered = sorted(
            self.cells, key=lambda c: (c.code, c.municipality_label, c.variable.position)
        )
        return [
            [
                c.code,
                c.municipality_label,
                c.region,
                c.variable.label,
                c.state_label,
                c.value,
                c.quote,
                c.source,
                c.read,
                c.searches,
                c.municipality,
                c.variable.iri,
            ]
            for c in ordered
        ]


def national(
    kg: KnowledgeGraph, lang: str = "en", municipalities: Iterable[str] = ()
) -> NationalView:
    """The national view of the graph (labels in `lang`), optionally of some municipalities
    only (IRIs)."""
    wanted = {str(m) for m in municipalities}
    variables = {
        str(r["variable"]): Variable(
            str(r["variable"]),
            _text(r["variableLabel"]),
            _text(r["notation"]),
            _text(r["query"]),
            int(str(r["position"])),
            _text(r["link"]),
        )
        for r in kg.query("codebook-variables", lang=lang).records()
    }
    items = _by_cell(kg.query("codebook-items", lang=lang).records())
    absences = _by_cell(kg.query("codebook-absences", lang=lang).records())
    searches = _by_cell(kg.query("codebook-searches", lang=lang).records())
    quotes: dict[str, list[dict[str, Node | None]]] = defaultdict(list)
    for r in kg.query("codebook-quotes").records():
        quotes[str(r["subject"])].append(r)
    words = _WORDS.get(lang, _WORDS["en"])
    cells = []
    for r in kg.query("codebook-states", lang=lang).records():
        municipality, variable = str(r["municipality"]), str(r["variable"])
        if (wanted and municipality not in wanted) or variable not in variables:
            continue
        state = str(r["state"])[len(_CELL_STATE) :]
        cell = Cell(
            municipality,
            _text(r["municipalityLabel"]) or municipality.rsplit("/", 1)[-1],
            _text(r["code"]),
            _text(r["regionLabel"]) or str(words["no region"]),
            variables[variable],
            state,
            _text(r["stateLabel"]) or state,
            int(str(r["items"] or 0)),
        )
        key = (municipality, variable)
        if state == "documented":
            shown = [i for i in items.get(key, []) if i["schemeStatus"] != _REJECTED]
            _fill(cell, shown, quotes, words, [_describe(i, words) for i in shown])
        elif state == "documented-absent":
            gone = absences.get(key, [])
            rejected = [i for i in items.get(key, []) if i["schemeStatus"] == _REJECTED]
            texts = [_absence(a) for a in gone] + [_describe(i, words) for i in rejected]
            _fill(cell, [*gone, *rejected], quotes, words, texts)
        if state in ("searched-not-found", "documented-absent", "documented"):
            logged = searches.get(key, [])
            cell.searches = " | ".join(_search(s) for s in logged)
            if state == "searched-not-found":
                cell.read = " | ".join(sorted({_text(s["date"]) for s in logged if s["date"]}))
        cells.append(cell)
    findings = [
        Finding(
            str(r["variable"]),
            _text(r["variableLabel"]),
            int(str(r["documented"] or 0)),
            _text(r["findingLabel"]),
            _number(r["municipalitiesWith"]),
            _number(r["municipalitiesTotal"]),
            _number(r["percentage"]),
            _text(r["period"]),
        )
        for r in kg.query("codebook-findings", lang=lang).records()
    ]
    ordered = sorted(variables.values(), key=lambda v: v.position)
    states = {s: kg.label(_CELL_STATE + s, lang) or s for s in STATES}
    return NationalView(ordered, cells, findings, lang, states)


def _by_cell(records: list[dict[str, Node | None]]) -> dict[tuple[str, str], list]:
    found: dict[tuple[str, str], list] = defaultdict(list)
    for r in records:
        found[(str(r["municipality"]), str(r["variable"]))].append(r)
    return found


def _fill(
    cell: Cell,
    things: list[dict[str, Node | None]],
    quotes: dict[str, list[dict[str, Node | None]]],
    words: dict,
    texts: list[str],
) -> None:
    """The cell's value, quotes, addresses and reading days from the things that back it."""
    chosen = []
    for thing in things:
        iri = str(thing.get("item") or thing.get("absence"))
        best = _best_quote(quotes.get(iri, []))
        if best is not None:
            chosen.append(best)
    cell.value = " | ".join(t for t in texts if t)
    cell.quote = " | ".join(dict.fromkeys(_text(q["quote"]) for q in chosen))
    cell.source = " | ".join(dict.fromkeys(_text(q["address"]) for q in chosen if q["address"]))
    cell.read = " | ".join(sorted({_text(q["accessed"]) for q in chosen if q["accessed"]}))


def _best_quote(quotes: list[dict[str, Node | None]]) -> dict[str, Node | None] | None:
    """The quote that says what kind of thing it is, else the one saying the most."""

    def rank(q: dict[str, Node | None]) -> tuple[int, int, str]:
        props = _text(q["properties"]).split()
        first = min(
            (_PREFERRED.index(p) for p in props if p in _PREFERRED), default=len(_PREFERRED)
        )
        return (first, -len(props), str(q["evidence"]))

    return min(quotes, key=rank) if quotes else None


def _describe(item: dict[str, Node | None], words: dict) -> str:
    """An arrangement in words: its name, then its dates and figures."""
    details = []
    start, end = _text(item["start"]), _text(item["end"])
    if start or end:
        details.append(f"{start}–{end}" if end else f"{start}–")
    elif item["decided"]:
        rejected = item["schemeStatus"] == _REJECTED
        details.append(f"{words['decided' if rejected else 'adopted']} {_text(item['decided'])}")
    for column in ("statusLabel", "kindLabel"):
        if item[column]:
            details.append(_text(item[column]))
    if item["citizenMembers"] is not None:
        details.append(f"{_text(item['citizenMembers'])} {words['citizens']}")
    if item["politicianMembers"] is not None:
        details.append(f"{_text(item['politicianMembers'])} {words['politicians']}")
    if item["threshold"] is not None:
        window = _duration(_text(item["window"]), words) if item["window"] else ""
        within = f" {words['within']} {window}" if window else ""
        details.append(f"{_text(item['threshold'])} {words['signatures']}{within}")
    if item["number"] is not None:
        counted = f" ({words['counted']} {_text(item['counted'])})" if item["counted"] else ""
        details.append(f"{_text(item['number'])}{counted}")
    if item["amountDKK"] is not None:
        details.append(f"{_text(item['amountDKK'])} {words['dkk']}")
    label = _text(item["itemLabel"]) or str(item["item"]).rsplit("/", 1)[-1]
    if str(item["item"]) == str(item["municipality"]):  # a network-based organisation
        label = words["yes"]
    return f"{label} ({'; '.join(details)})" if details else label


def _absence(absence: dict[str, Node | None]) -> str:
    details = [_text(absence[c]) for c in ("kindLabel", "date") if absence[c]]
    statement = _text(absence["statement"])
    return f"{statement} ({'; '.join(details)})" if details else statement


def _search(search: dict[str, Node | None]) -> str:
    where = _text(search["whereLabel"])
    result = _text(search["resultLabel"])
    return f"{_text(search['date'])}, {where}: «{_text(search['terms'])}» ({result})"


_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?")


def _duration(text: str, words: dict) -> str:
    """P3M → 3 months (the words of the view's language); anything else as it stands."""
    m = _DURATION.fullmatch(text)
    if not m or not any(m.groups()):
        return text
    parts = []
    for value, unit in zip(m.groups(), "YMD", strict=True):
        if value:
            one, many = words[unit]
            parts.append(f"{int(value)} {one if int(value) == 1 else many}")
    return " ".join(parts)


def _text(term: Node | None) -> str:
    return "" if term is None else str(term)


def _number(term: Node | None) -> int | None:
    if isinstance(term, Literal):
        try:
            return int(str(term))
        except ValueError:
            return None
    return None


# --- netkg export national ----------------------------------------------------------------------

EXPORT_FORMATS = ("csv", "xlsx")


def export_bytes(view: NationalView, fmt: str, formula_guard: bool = True) -> bytes:
    """The export as file content: CSV (UTF-8) or an .xlsx workbook."""
    from netkg.rdf.results import ResultTable

    table = ResultTable(
        list(EXPORT_COLUMNS),
        [tuple(Literal(v) if v else None for v in row) for row in view.rows()],
    )
    return table.encode(fmt, formula_guard=formula_guard)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export tables for other tools (netkg export national)")
    kinds = p.add_subparsers(metavar="TABLE", dest="table")
    n = kinds.add_parser(
        "national",
        help="every municipality × codebook variable: value, state, quote, source address, "
        "date read (CSV or xlsx)",
    )
    n.add_argument("-o", "--out", type=Path, required=True, help="output file: .csv or .xlsx")
    n.add_argument("--lang", choices=("en", "da"), default="en", help="language of the labels")
    add_source_options(n)
    n.add_argument("--force", action="store_true", help="replace an existing file")
    n.add_argument(
        "--no-formula-guard",
        action="store_true",
        help="write cells starting with = + - @ as they are (no leading ' added)",
    )
    n.set_defaults(func=_run_national)
    p.set_defaults(func=_no_table, parser=p)


def _no_table(args: argparse.Namespace) -> int:
    args.parser.print_help()
    return 2


def _run_national(args: argparse.Namespace) -> int:
    from netkg.atomic import refuse_overwrite, write_atomic
    from netkg.errors import UsageError
    from netkg.query.graph import open_graph

    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"{args.out}: write a .csv or .xlsx file (the suffix names the format)")
    refuse_overwrite([args.out], args.force)
    view = national(open_graph(args.graph, engine=args.engine, store=args.store), args.lang)
    blank = [c for c in view.cells if not c.state]
    if blank:  # codebook-states gives every cell a state; an empty one would be a bug
        raise UsageError(f"{len(blank)} cells have no state; nothing was written")
    write_atomic(args.out, export_bytes(view, fmt, formula_guard=not args.no_formula_guard))
    counts = view.counts()
    documented = len({c.municipality for c in view.cells if c.state == "documented"})
    print(
        f"wrote {args.out}: {len(view.cells)} rows ({len(view.municipalities)} municipalities × "
        f"{len(view.variables)} variables); {documented} municipalities with at least one "
        f"documented arrangement; states: "
        + ", ".join(f"{state} {sum(c[state] for c in counts.values())}" for state in STATES)
    )
    return 0
