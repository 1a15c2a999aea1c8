"""Importing a municipality from a data-entry workbook (.xlsx) or CSV folder.

The workbook's layout and its meaning are declared in entry/mapping.toml (read by
netkg.entry.workbook); this module only interprets that mapping. Every triple it makes remembers
the sheet, row and column it came from, so that SHACL findings can be reported where the
researcher can fix them. Nothing is written unless the whole workbook converts and validates;
the output replaces an existing file atomically.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import difflib
import gc
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from netkg.iris import ID, MUN, NKG, PREFIXES, TIME
from netkg.rdf.store import count_triples

if TYPE_CHECKING:  # pyshacl is heavy: imported only when an import actually validates
    from netkg.pipeline.flow.progress import Progress
    from netkg.pipeline.validate.report import Finding, Report

from netkg.entry.tables import MAX_BYTES, MAX_ROWS, Limits
from netkg.entry.workbook import (
    NAME_TEMPLATE,
    NO,
    SLUG,
    YES,
    Choice,
    Column,
    ImportFailed,
    Problem,
    Row,
    Sheet,
    controlled_values,
    curie,
    load_mapping,
    read_workbook,
)

# --- converting rows to RDF ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)  # one per triple of a workbook: no __dict__ each
class Origin:
    sheet: str
    row: int
    column: str  # header as shown


@dataclass
class Conversion:
    """The RDF made from a workbook, with where each triple and node came from."""

    graph: Graph
    municipality: URIRef
    code: str
    slug: str
    triples: dict[tuple, Origin] = field(default_factory=dict)
    nodes: dict[Node, tuple[str, int, str]] = field(default_factory=dict)  # node → sheet,row,name
    problems: list[Problem] = field(default_factory=list)
    cells: Mapping[tuple[str, int, str], str] = field(default_factory=dict)  # sheet,row,key → text

    @property
    def file_name(self) -> str:
        return f"{self.code}-{self.slug}.ttl"


class Cells(Mapping[tuple[str, int, str], str]):
    """The text of each cell by (sheet, row number, column key), looked up in the rows
    themselves: a copy of every cell would double what a large workbook holds in memory."""

    def __init__(self, rows: dict[str, list[Row]]) -> None:
        self._rows = {(key, row.number): row for key, found in rows.items() for row in found}

    def __getitem__(self, key: tuple[str, int, str]) -> str:
        sheet, number, column = key
        return self._rows[(sheet, number)].cells[column]

    def __iter__(self) -> Iterator[tuple[str, int, str]]:
        for (sheet, number), row in self._rows.items():
            for column in row.cells:
                yield sheet, number, column

    def __len__(self) -> int:
        return sum(len(row.cells) for row in self._rows.values())


def slugify(text: str) -> str:
    """A lower-case name for IRIs: ASCII letters, digits and hyphens (æ→ae, ø→oe, å→aa)."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


class _Converter:
    """Interprets the mapping for one workbook."""

    def __init__(
        self, mapping: Sequence[Sheet], rows: dict[str, list[Row]], context: Graph
    ) -> None:
        self.mapping = {s.key: s for s in mapping}
        self.rows = rows
        self.context = context
        self.problems: list[Problem] = []
        self.graph = Graph(store="SimpleMemory")  # no named graphs: half the cost of an add
        self.triples: dict[tuple, Origin] = {}
        self.nodes: dict[Node, tuple[str, int, str]] = {}
        self.ids: dict[str, dict[str, Row]] = {}
        self.choices: dict[tuple[str, str], list[Choice]] = {}

    # -- entry point
    def convert(self) -> Conversion:
        municipality_rows = self.rows.get("municipality", [])
        if not municipality_rows:
            raise ImportFailed(
                self.problems
                or [
                    Problem(
                        "municipality",
                        None,
                        "",
                        "",
                        "no municipality row",
                        "fill in the municipality sheet",
                    )
                ]
            )
        head = municipality_rows[0]
        sheet = self.mapping["municipality"]
        self.slug = head.cells.get("slug", "")
        self.code = head.cells.get("code", "")
        if not SLUG.match(self.slug):
            self._problem(
                sheet,
                head,
                sheet.column("slug"),
                self.slug,
                "the short name must be lower-case letters, digits and hyphens",
                "e.g. gentofte or koebenhavn",
            )
            raise ImportFailed(self.problems)
        self.ns = Namespace(f"{ID}{self.slug}/")
        self.municipality = MUN[self.slug]
        self.names = {
            "da": head.cells.get("name_da", ""),
            "en": head.cells.get("name_en") or head.cells.get("name_da", ""),
        }
        self._index_ids()
        for key, sheet in self.mapping.items():
            for row in self.rows.get(key, []):
                self._convert_row(sheet, row)
        self._implied_evidence()
        cells = Cells(self.rows)
        return Conversion(
            self.graph,
            self.municipality,
            self.code,
            self.slug,
            self.triples,
            self.nodes,
            self.problems,
            cells,
        )

    def _index_ids(self) -> None:
        for key, sheet in self.mapping.items():
            if sheet.one_row or not any(c.kind == "id" for c in sheet.columns):
                continue
            seen: dict[str, Row] = {}
            id_column = next(c for c in sheet.columns if c.kind == "id")
            for row in self.rows.get(key, []):
                value = row.cells.get(id_column.key, "")
                if not value:
                    continue  # reported as a missing required value
                if not SLUG.match(value):
                    self._problem(
                        sheet,
                        row,
                        id_column,
                        value,
                        "an id must be lower-case letters, digits and hyphens",
                        f'e.g. "{slugify(value) or "my-id"}"',
                    )
                elif value in seen:
                    self._problem(
                        sheet,
                        row,
                        id_column,
                        value,
                        f"the id is already used in row {seen[value].number}",
                        "give every row its own id",
                    )
                else:
                    seen[value] = row
            self.ids[key] = seen

    def _implied_evidence(self) -> None:
        """What a quote for one fact supports too: a month or date says its year (a `when` cell
        writes the year as well, in `year_property`), and a fact choice may name `also`
        properties (see entry/mapping.toml)."""
        implied: dict[Node, set[URIRef]] = {}
        for sheet in self.mapping.values():
            for c in sheet.columns:
                if c.kind == "when" and c.prop and "year_property" in c.spec:
                    implied.setdefault(curie(c.prop), set()).add(curie(c.spec["year_property"]))
                for choice in c.spec.get("choices", []):
                    for also in choice.get("also", []):
                        implied.setdefault(curie(choice["iri"]), set()).add(curie(also))
        for evidence, _, prop in list(self.graph.triples((None, NKG.evidenceProperty, None))):
            for extra in sorted(implied.get(prop, set()), key=str):
                origin = self.triples[(evidence, NKG.evidenceProperty, prop)]
                self._add((evidence, NKG.evidenceProperty, extra), origin)

    # -- one row
    def _convert_row(self, sheet: Sheet, row: Row) -> None:
        nodes: dict[str, Node] = {}
        for spec in sheet.nodes:
            if "when" in spec and row.cells.get(spec["when"], "").lower() not in YES:
                continue  # a node the row makes only when its yes/no column says yes
            iri = self._node_iri(sheet, row, spec)
            if iri is None:  # a naming cell is empty: report what is missing, make nothing
                for column in sheet.columns:
                    if column.required and not row.cells.get(column.key):
                        self._problem(sheet, row, column, "", "a value is required", column.guide)
                return
            nodes[spec["name"]] = iri
            if spec.get("once") and iri in self.nodes:
                continue
            self.nodes.setdefault(iri, (sheet.key, row.number, spec["name"]))
            origin = Origin(sheet.key, row.number, "")
            for t in spec.get("types", []):
                self._add((iri, RDF.type, curie(t)), origin)
            if "link" in spec:
                link = spec["link"]
                if link.get("inverse"):  # the node points to the municipality
                    self._add((iri, curie(link["property"]), self.municipality), origin)
                else:
                    self._add((self.municipality, curie(link["property"]), iri), origin)
        if sheet.key == "municipality":
            nodes["municipality"] = self.municipality
        for column in sheet.columns:
            self._convert_cell(sheet, row, column, nodes)
        for spec in sheet.nodes:
            if "label" in spec and spec["name"] in nodes:
                self._labels(sheet, row, spec, nodes[spec["name"]])
        if "structure" in nodes:
            for source in self._sources(sheet, row):
                self._add(
                    (nodes["structure"], URIRef(PREFIXES["dct"] + "source"), source),
                    Origin(sheet.key, row.number, ""),
                )

    def _node_iri(self, sheet: Sheet, row: Row, spec: dict) -> URIRef | None:
        parts: dict[str, str] = {"ns": str(self.ns), "slug": self.slug, "municipality": self.slug}
        id_col = next((c for c in sheet.columns if c.kind == "id"), None)
        if id_col is not None:
            parts["id"] = row.cells.get(id_col.key, "")
            if not parts["id"]:
                return None

        empty = False

        def fill(m: re.Match) -> str:
            nonlocal empty
            name, arg = m.group(1), m.group(2)
            if name == "slug" and arg:
                value = slugify(row.cells.get(arg, ""))
            elif name == "choice" and arg:
                chosen = self._choice(sheet, row, sheet.column(arg), report=False)
                value = chosen.spec.get("slug", "item") if chosen else ""
            else:
                value = parts[name]
            empty = empty or not value
            return value

        template = spec["iri"]
        if "{id}" in template:
            # an id that already starts with the name's own prefix (gap-…, or the
            # municipality's name for documents) is not doubled: gap-gap-x, doc:a-a-web
            before = NAME_TEMPLATE.sub(fill, template[: template.index("{id}")])
            local = re.split(r"[/:#]", before)[-1]
            if local and parts["id"].startswith(local) and len(parts["id"]) > len(local):
                parts["id"] = parts["id"][len(local) :]
        text = NAME_TEMPLATE.sub(fill, template)
        if empty:
            return None  # a part of the name is missing: its required column reports it
        return curie(text) if not text.startswith("http") else URIRef(text)

    def _labels(self, sheet: Sheet, row: Row, spec: dict, node: Node) -> None:
        for lang in ("da", "en"):
            template = spec["label"][lang]
            values = {"municipality": self.names[lang]}
            for key, value in row.cells.items():
                values[key] = value
            if not values.get("post_en"):
                values["post_en"] = values.get("post_da", "")
            for key in ("item", "type"):
                if key in row.cells:
                    values[key] = self._label_of_cell(sheet, row, key, lang)
            text = NAME_TEMPLATE.sub(partial(_fill, values), template)
            self._add(
                (node, RDFS.label, Literal(text, lang=lang)), Origin(sheet.key, row.number, "")
            )

    def _label_of_cell(self, sheet: Sheet, row: Row, key: str, lang: str) -> str:
        column = sheet.column(key)
        raw = row.cells.get(key, "")
        if column.kind == "concept":
            chosen = self._choice(sheet, row, column, report=False)
            if chosen and chosen.iri is not None:
                labels = {
                    x.language: str(x)
                    for x in self.context.objects(chosen.iri, SKOS.prefLabel)
                    if isinstance(x, Literal)
                }
                return labels.get(lang) or labels.get("en") or raw
        if column.kind == "ref":
            target = self.ids.get(column.spec["target"], {}).get(raw)
            if target is not None:
                return target.cells.get(f"name_{lang}") or target.cells.get("name_da") or raw
        return raw

    def _sources(self, sheet: Sheet, row: Row) -> list[URIRef]:
        column = next((c for c in sheet.columns if c.key == "sources"), None)
        if column is None:
            return []
        return [
            t
            for t in (
                self._ref(sheet, row, column, v, report=False)
                for v in _split(row.cells.get("sources", ""))
            )
            if t is not None
        ]

    # -- one cell
    def _convert_cell(self, sheet: Sheet, row: Row, column: Column, nodes: dict) -> None:
        raw = row.cells.get(column.key, "")
        spec = column.spec
        origin = Origin(sheet.key, row.number, column.header)
        if not raw:
            if column.required and column.key not in row.absent:
                self._problem(sheet, row, column, "", "a value is required", column.guide)
            elif "default" in spec and column.node:
                target = self._ref(sheet, row, column, spec["default"])
                if target is not None:
                    self._emit(sheet, row, column, nodes, target, origin)
            elif "when_empty" in spec and column.node in nodes:
                rule = spec["when_empty"]
                if rule["subject"] in nodes:
                    self._add(
                        (nodes[rule["subject"]], curie(rule["property"]), nodes[column.node]),
                        origin,
                    )
            return
        if column.kind == "id" or column.node is None:
            if column.kind == "choice":
                self._choice(sheet, row, column)
            return
        for value in self._values(sheet, row, column, raw):
            self._emit(sheet, row, column, nodes, value, origin)

    def _emit(
        self, sheet: Sheet, row: Row, column: Column, nodes: dict, value: Node, origin: Origin
    ) -> None:
        spec = column.spec
        subject = nodes.get(column.node)
        if subject is None:
            return
        if column.kind == "period":
            self._period(subject, spec["period"], Literal(value), origin)
            return
        if column.kind == "boolean" and "when_true" in spec:
            if value == Literal(True):
                rule = spec["when_true"]
                self._add((subject, curie(rule["property"]), curie(rule["value"])), origin)
            return
        prop = self._property(sheet, row, column, value)
        if prop is not None:
            self._add((subject, prop, value), origin)
            year_property = spec.get("year_property")
            if column.kind == "when" and year_property and curie(year_property) != prop:
                # a month or date: its year too, so that queries comparing years see it
                year = Literal(str(value)[:4], datatype=XSD.gYear)
                self._add((subject, curie(year_property), year), origin)
        elif column.kind == "choice":  # a choice of what the row is: its class and links
            self._add((subject, RDF.type, value), origin)
            chosen = self._choice(sheet, row, column, report=False)
            if chosen is not None and "link" in chosen.spec:
                link = curie(chosen.spec["link"])
                if chosen.spec.get("link_from_municipality"):  # e.g. took part in it
                    self._add((self.municipality, link, subject), origin)
                else:
                    self._add((subject, link, self.municipality), origin)
        for extra in spec.get("also", []):
            obj = nodes.get(extra["value"]) if "value" in extra else value
            if extra["node"] in nodes and obj is not None:
                self._add((nodes[extra["node"]], curie(extra["property"]), obj), origin)

    def _property(
        self, sheet: Sheet, row: Row, column: Column, value: Node | None = None
    ) -> URIRef | None:
        year_property = column.spec.get("year_property")
        if year_property and isinstance(value, Literal) and value.datatype == XSD.gYear:
            return curie(year_property)  # a `when` cell holding a year alone
        if column.prop:
            return curie(column.prop)
        source = column.spec.get("property_from_choice")
        if source:
            chosen = self._choice(sheet, row, sheet.column(source), report=False)
            return curie(chosen.spec["year"]) if chosen and "year" in chosen.spec else None
        return None

    def _values(self, sheet: Sheet, row: Row, column: Column, raw: str) -> Iterator[Node]:
        kind = column.kind
        spec = column.spec
        try:
            if kind == "text":
                lang = spec.get("lang") or row.cells.get(spec.get("lang_column", ""), "") or "da"
                yield Literal(raw, lang=lang)
            elif kind == "string":
                pattern = spec.get("pattern")
                if pattern and not re.match(pattern, raw):
                    fix = column.guide
                    if raw.isdigit():
                        fix += " (format the column as Text so leading zeros stay)"
                    raise ValueError(f"does not have the expected form ({pattern})|{fix}")
                yield Literal(raw)
            elif kind == "integer":
                yield Literal(int(raw.replace(" ", "")), datatype=XSD.integer)
            elif kind == "decimal":
                yield Literal(Decimal(raw.replace(",", ".")), datatype=XSD.decimal)
            elif kind == "year":
                if not re.fullmatch(r"\d{4}", raw):
                    raise ValueError("a year has four digits, e.g. 2015")
                yield Literal(raw, datatype=XSD.gYear)
            elif kind == "date":
                yield Literal(datetime.date.fromisoformat(raw), datatype=XSD.date)
            elif kind == "period":
                if re.fullmatch(r"\d{4}", raw):
                    yield Literal(raw, datatype=XSD.gYear)
                else:
                    yield Literal(datetime.date.fromisoformat(raw), datatype=XSD.date)
            elif kind == "when":
                yield when_literal(raw)
            elif kind == "years":
                for value in _split(raw.replace(",", ";")):
                    if not re.fullmatch(r"\d{4}", value):
                        raise ValueError(
                            f'"{value}" is not a year|four digits per year, separated by ;'
                            " (e.g. 2019; 2023)"
                        )
                    yield Literal(value, datatype=XSD.gYear)
            elif kind == "duration":
                yield duration_literal(raw)
            elif kind == "url":
                if not re.match(r"^https?://\S+$", raw):
                    raise ValueError("an address starts with http:// or https:// and has no spaces")
                yield URIRef(raw)
            elif kind == "boolean":
                if raw.lower() in YES:
                    yield Literal(True)
                elif raw.lower() not in NO:
                    raise ValueError("write ja/yes or nej/no")
            elif kind in ("concept", "choice"):
                chosen = self._choice(sheet, row, column)
                if chosen is not None and chosen.iri is not None:
                    yield chosen.iri
            elif kind == "choices":  # several values from the list, separated by ;
                for value in _split(raw):
                    chosen = self._choice(sheet, row, column, raw=value)
                    if chosen is not None and chosen.iri is not None:
                        yield chosen.iri
            elif kind in ("ref", "refs"):
                values = _split(raw) if kind == "refs" else [raw]
                for value in values:
                    made = self._row_nodes(sheet, row, column, value)
                    if made is not None:  # sheet/row number: what that row made
                        yield from made
                        continue
                    target = self._ref(sheet, row, column, value)
                    if target is not None:
                        yield target
            elif kind in ("person", "persons"):
                for name in _split(raw) if kind == "persons" else [raw]:
                    yield self._person(sheet, row, column, name)
            else:
                raise ValueError(f"unknown column kind {kind}")
        except (ValueError, InvalidOperation) as exc:
            message, _, fix = str(exc).partition("|")
            what = {
                "integer": "not a whole number",
                "decimal": "not a decimal number",
                "date": "not a date (YYYY-MM-DD)",
                "period": "not a year or date",
            }.get(kind, message or "not a valid value")
            self._problem(sheet, row, column, raw, what, fix or column.guide)

    def _choice(
        self, sheet: Sheet, row: Row, column: Column, report: bool = True, raw: str | None = None
    ) -> Choice | None:
        raw = row.cells.get(column.key, "") if raw is None else raw
        if not raw:
            return None
        key = (sheet.key, column.key)
        if key not in self.choices:
            self.choices[key] = controlled_values(column, self.context)
        options = self.choices[key]
        for option in options:
            if raw.lower() in option.accepts:
                return option
        reason = column.spec.get("exclude_reason")
        if report and reason and self._is_excluded(column, raw):
            self._problem(sheet, row, column, raw, reason["what"], reason["fix"])
            return None
        if report:
            close = difflib.get_close_matches(raw, [o.display for o in options], n=3, cutoff=0.4)
            hint = (
                ("did you mean " + " or ".join(f'"{c}"' for c in close) + "?")
                if close
                else ("pick one of: " + ", ".join(f'"{o.display}"' for o in options[:8]))
            )
            self._problem(sheet, row, column, raw, f"unknown {column.header_en.lower()}", hint)
        return None

    def _is_excluded(self, column: Column, raw: str) -> bool:
        """Whether the value names a concept the column deliberately does not offer."""
        for concept in (curie(e) for e in column.spec.get("exclude", [])):
            spellings = {str(concept).rsplit("/", 1)[-1].lower()}
            spellings |= {str(x).lower() for x in self.context.objects(concept, SKOS.prefLabel)}
            spellings |= {str(x).lower() for x in self.context.objects(concept, SKOS.notation)}
            if raw.lower() in spellings or any(s in raw.lower() for s in spellings if len(s) > 3):
                return True
        return False

    def _ref(
        self, sheet: Sheet, row: Row, column: Column, value: str, report: bool = True
    ) -> URIRef | None:
        target = str(column.spec.get("target"))
        if value == "municipality":
            return self.municipality
        if ":" in value:  # a shipped resource, e.g. doc:netkg-domain-brief
            prefix, local = value.split(":", 1)
            if prefix in PREFIXES:
                iri = URIRef(PREFIXES[prefix] + local)
                # shipped, or made by this workbook (a person named in another sheet)
                if (iri, None, None) in self.context or (iri, None, None) in self.graph:
                    return iri
            if report:
                self._problem(
                    sheet,
                    row,
                    column,
                    value,
                    "no such shipped resource",
                    "use an id from this workbook, or a name such as doc:netkg-domain-brief",
                )
            return None
        # "any": every sheet but the evidence (no row is about a quote; "evidence/x" still is)
        sheets = [target] if target != "any" else [k for k in self.ids if k != "evidence"]
        if target == "any" and "/" in value and value.split("/", 1)[0] in self.ids:
            sheets, value = [value.split("/", 1)[0]], value.split("/", 1)[1]  # sheet/id
        matches = [key for key in sheets if value in self.ids.get(key, {})]
        if len(matches) > 1:  # an id of several sheets: another sheet's row, never a guess
            matches = [key for key in matches if key != sheet.key]
        if len(matches) > 1:
            if report:
                self._problem(
                    sheet,
                    row,
                    column,
                    value,
                    f"the id is used in several sheets ({', '.join(matches)})",
                    f'write the sheet before it, e.g. "{matches[0]}/{value}"',
                )
            return None
        if matches:
            return self._iri_of(self.mapping[matches[0]], self.ids[matches[0]][value])
        if report:
            known = [i for k in sheets for i in self.ids.get(k, {})] + ["municipality"]
            close = difflib.get_close_matches(value, known, n=3, cutoff=0.5)
            where = "the workbook" if target == "any" else f"the {target} sheet"
            hint = (
                ("did you mean " + " or ".join(f'"{c}"' for c in close) + "?")
                if close
                else (f"add a row with this id to {where}")
            )
            self._problem(sheet, row, column, value, f"no row with this id in {where}", hint)
        return None

    def _row_nodes(self, sheet: Sheet, row: Row, column: Column, value: str) -> list[URIRef] | None:
        """`people_posts/4`: the things row 4 of a sheet without ids made (a person, the post,
        the tenure), for a column that may name anything (`target = "any"`); None for any
        other value."""
        m = re.fullmatch(r"([a-z_]+)/(\d+)", value)
        target = self.mapping.get(m.group(1)) if m else None
        if m is None or target is None or column.spec.get("target") != "any":
            return None
        if any(c.kind == "id" for c in target.columns):
            return None  # a sheet with ids is named by id (sheet/id)
        number = int(m.group(2))
        found = next((r for r in self.rows.get(target.key, []) if r.number == number), None)
        if found is None:
            self._problem(
                sheet,
                row,
                column,
                value,
                f"the {target.key} sheet has no row {number} with data",
                f"write the number of the {target.key} row the quote is about",
            )
            return []
        made = [self._node_iri(target, found, spec) for spec in target.nodes]
        return [iri for iri in made if iri is not None]

    def _iri_of(self, sheet: Sheet, row: Row) -> URIRef | None:
        main = next(n for n in sheet.nodes if not n.get("once"))
        return self._node_iri(sheet, row, main)

    def _person(self, sheet: Sheet, row: Row, column: Column, name: str) -> URIRef:
        for special in column.spec.get("special", []):
            if name.lower() == special["value"]:
                return curie(special["iri"])
        iri = URIRef(PREFIXES["person"] + slugify(name))
        origin = Origin(sheet.key, row.number, column.header)
        self.nodes.setdefault(iri, (sheet.key, row.number, "person"))
        self._add((iri, RDF.type, URIRef(PREFIXES["foaf"] + "Person")), origin)
        if (iri, URIRef(PREFIXES["foaf"] + "name"), None) not in self.graph:
            self._add((iri, URIRef(PREFIXES["foaf"] + "name"), Literal(name)), origin)
        sources = self._sources(sheet, row)
        if sheet.key == "documents":
            sources = [s for s in [self._iri_of(sheet, row)] if s is not None]
        for source in sources:
            self._add((iri, URIRef(PREFIXES["dct"] + "source"), source), origin)
        return iri

    def _period(self, subject: Node, which: str, value: Literal, origin: Origin) -> None:
        during = self.graph.value(subject, URIRef(PREFIXES["org"] + "memberDuring"))
        if during is None:
            during = BNode()
            self._add((subject, URIRef(PREFIXES["org"] + "memberDuring"), during), origin)
            self._add((during, RDF.type, TIME.Interval), origin)
        instant = BNode()
        link = {"begin": TIME.hasBeginning, "end": TIME.hasEnd, "inside": TIME.inside}[which]
        self._add((during, link, instant), origin)
        self._add((instant, RDF.type, TIME.Instant), origin)
        as_year = value.datatype == XSD.gYear
        self._add((instant, TIME.inXSDgYear if as_year else TIME.inXSDDate, value), origin)

    # -- bookkeeping
    def _add(self, triple: tuple, origin: Origin) -> None:
        self.graph.add(triple)
        self.triples.setdefault(triple, origin)

    def _problem(
        self, sheet: Sheet, row: Row, column: Column, value: str, what: str, fix: str
    ) -> None:
        self.problems.append(Problem(sheet.key, row.number, column.header, value, what, fix))


def _split(raw: str) -> list[str]:
    return [v.strip() for v in raw.split(";") if v.strip()]


def when_literal(raw: str) -> Literal:
    """A `when` cell as precise as it was written: YYYY → xsd:gYear, YYYY-MM → xsd:gYearMonth,
    YYYY-MM-DD → xsd:date; ValueError (with the fix after '|') for anything else."""
    text = raw.strip()
    fix = "|write a year (2018), a month (2018-08) or a day (2018-08-01), as precise as the source"
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=XSD.gYear)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        if not 1 <= int(text[5:]) <= 12:
            raise ValueError(f"month {text[5:]} does not exist{fix}")
        return Literal(text, datatype=XSD.gYearMonth)
    try:
        return Literal(datetime.date.fromisoformat(text), datatype=XSD.date)
    except ValueError:
        raise ValueError(f"not a year, month or date{fix}") from None


# Units of a time span as Danish and English sources write them → (xsd:duration letter, factor)
_DURATION_UNITS = {
    **dict.fromkeys(("år", "aar", "year", "years", "yr"), ("Y", 1)),
    **dict.fromkeys(("måned", "måneder", "maaned", "maaneder", "mdr", "md"), ("M", 1)),
    **dict.fromkeys(("month", "months"), ("M", 1)),
    **dict.fromkeys(("uge", "uger", "week", "weeks"), ("D", 7)),
    **dict.fromkeys(("dag", "dage", "day", "days"), ("D", 1)),
}
_NUMBER_WORDS = {
    "en": 1, "et": 1, "én": 1, "ét": 1, "one": 1, "to": 2, "two": 2, "tre": 3, "three": 3,
    "fire": 4, "four": 4, "fem": 5, "five": 5, "seks": 6, "six": 6, "syv": 7, "seven": 7,
    "otte": 8, "eight": 8, "ni": 9, "nine": 9, "ti": 10, "ten": 10, "elleve": 11,
    "eleven": 11, "tolv": 12, "twelve": 12,
}  # fmt: skip
_ISO_DURATION = re.compile(r"P(?=\d)(\d+Y)?(\d+M)?(\d+D)?")


def duration_literal(raw: str) -> Literal:
    """A time span ("3 måneder", "90 dage", "1 år", "tre måneder", "3 months", "P3M") as an
    xsd:duration; weeks become days (xsd:duration has no weeks). ValueError otherwise."""
    text = raw.strip()
    if _ISO_DURATION.fullmatch(text):
        return Literal(text, datatype=XSD.duration)
    m = re.fullmatch(r"(\d+|[^\W\d]+)\s*([^\W\d]+)\.?", text.lower())
    if m:
        number = m.group(1)
        count = int(number) if number.isdigit() else _NUMBER_WORDS.get(number)
        unit = _DURATION_UNITS.get(m.group(2))
        if count is not None and unit is not None:
            letter, factor = unit
            return Literal(f"P{count * factor}{letter}", datatype=XSD.duration)
    raise ValueError("not a time span|a number and a unit, e.g. 3 måneder, 90 dage, 1 år (or P3M)")


def convert(
    path: Path,
    context: Graph,
    mapping: Sequence[Sheet] | None = None,
    limits: Limits | None = None,
) -> Conversion:
    """Read a workbook and convert it; problems are collected, not raised."""
    mapping = mapping or load_mapping()
    rows, problems = read_workbook(path, mapping, limits)
    converter = _Converter(mapping, rows, context)
    converter.problems = problems
    return converter.convert()


# --- SHACL findings back to cells ---------------------------------------------------------------


def locate(
    finding: Finding, conversion: Conversion, lang: str = "en", context: Graph | None = None
) -> Problem:
    """A SHACL finding as a Problem at the sheet, row and column it came from, in the
    workbook's words (netkg.entry.words): columns and sheets, not properties and classes; with
    the column's own fix for the rule where the mapping gives one (`fixes`)."""
    from netkg.entry.words import in_workbook_words

    mapping = load_mapping()
    severity = "error" if finding.severity_name == "Violation" else "warning"
    message = finding.message(lang)
    path = finding.path
    predicate = curie(path) if path and re.fullmatch(r"[a-z]+:[A-Za-z0-9_-]+", path) else None
    value = "" if finding.value in (None, finding.focus) else _shown(finding.value)

    def said(sheet_key: str) -> str:
        return in_workbook_words(message, sheet_key, mapping, context or Graph())

    if predicate is not None and finding.value is not None:
        origin = conversion.triples.get((finding.focus, predicate, finding.value))
        if origin is not None:
            return Problem(
                origin.sheet, origin.row, origin.column, value, said(origin.sheet), "", severity
            )
    node = conversion.nodes.get(finding.focus)
    if node is None:
        return Problem("(shipped data)", None, "", _shown(finding.focus), message, "", severity)
    sheet_key, row, node_name = node
    sheet = next(s for s in mapping if s.key == sheet_key)
    rule = str(finding.shape).rsplit("#", 1)[-1]
    for column in sheet.columns:
        if rule in column.spec.get("rules", []):
            fix = _rule_fix(column, rule)
            return Problem(sheet_key, row, column.header, value, said(sheet_key), fix, severity)
    header = ""
    if predicate is not None:
        candidates = [
            c
            for c in sheet.columns
            if c.node == node_name and c.prop and curie(c.prop) == predicate
        ]
        # several columns can fill one property (name_da, name_en): the finding is about a
        # missing value, so point at the column left empty in that row
        empty = [c for c in candidates if not conversion.cells.get((sheet_key, row, c.key))]
        chosen = next(iter(empty or candidates), None)
        if chosen is not None:
            return Problem(
                sheet_key, row, chosen.header, value, said(sheet_key), chosen.guide, severity
            )
    return Problem(sheet_key, row, header, value, said(sheet_key), "", severity)


def _rule_fix(column: Column, rule: str) -> str:
    """The column's fix for a shape's rule (`fixes` in the mapping), else its guide."""
    fix = column.spec.get("fixes", {}).get(rule)
    if not fix:
        return column.guide
    return f"{fix['da']} / {fix['en']}" if fix.get("da") else fix["en"]


def once_each(problems: list[Problem]) -> list[Problem]:
    """Each problem once: two findings about the same cell that say the same thing (two nodes
    one row makes, say) are one thing to fix."""
    seen: set[tuple] = set()
    kept = []
    for p in problems:
        key = (p.severity, p.sheet, p.row, p.column, p.value, p.what)
        if key not in seen:
            seen.add(key)
            kept.append(p)
    return kept


def _shown(term: Node) -> str:
    if isinstance(term, URIRef):
        from netkg.rdf.results import short

        return short(term)
    return str(term)


# --- the command --------------------------------------------------------------------------------


IMPORTED_MARK = "imported by `netkg import`"


def import_workbook(
    path: Path,
    out: Path | str | None = None,
    lang: str = "en",
    force: bool = False,
    progress: Progress | None = None,
    limits: Limits | None = None,
) -> tuple[Path, Report, list[Problem]]:
    """Convert, validate and (only if everything is right) write the municipality's Turtle.

    A file an earlier import wrote is replaced (the workbook is the source); any other existing
    file, e.g. one written by hand, only with force.
    """
    from netkg.atomic import write_atomic
    from netkg.pipeline.flow.context import context_graph, validate_graphs
    from netkg.pipeline.flow.progress import quiet
    from netkg.pipeline.inputs.layout import writable_data_dir

    progress = progress or quiet()
    with progress.step("context"):
        context = context_graph()
    with progress.step("convert"):
        conversion = convert(path, context, limits=limits)
    target = Path(out) if out else writable_data_dir() / "municipalities" / conversion.file_name
    if out and (Path(out).is_dir() or str(out).endswith(("/", os.sep))):
        target = Path(out) / conversion.file_name  # a folder, existing or to be made
    with progress.step("validate"):
        report = validate_graphs([conversion.graph], replaced=[target])
    flagged = {(p.sheet, p.row, p.column) for p in conversion.problems}
    located = [
        p
        for p in (locate(f, conversion, lang, context) for f in report.findings)
        if (p.sheet, p.row, p.column) not in flagged  # already reported for the cell itself
    ]
    order = {sheet.key: i for i, sheet in enumerate(load_mapping())}
    located.sort(key=lambda p: (order.get(p.sheet, len(order)), p.row or 0, p.column))
    located += [
        Problem("(reasoning)", None, "", "", m, "remove one of the clashing types")
        for m in report.inconsistencies
    ]
    from netkg.entry.checks import import_checks

    clean = not any(p.severity == "error" for p in conversion.problems + located)
    located += import_checks(conversion, context, quotes=clean)  # what the build checks too
    problems = once_each(conversion.problems + located)
    if any(p.severity == "error" for p in problems):
        raise ImportFailed(problems)
    if target.is_file() and not force and not _imported(target):
        from netkg.errors import UsageError

        raise UsageError(
            f"{target} exists and was not written by `netkg import`; use --force to replace it"
        )
    with progress.step("write"):
        write_atomic(target, serialize(conversion, path))
    return target, report, problems


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused for the block: a large workbook makes millions of small
    objects (terms, triples, cells) that form no cycles, and the collector's passes over them
    would cost a third of the import's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _imported(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as handle:
        return IMPORTED_MARK in handle.readline()


def serialize(conversion: Conversion, source: Path) -> str:
    """Tidy Turtle with a header saying where it came from."""
    graph = conversion.graph
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    graph.bind(conversion.slug.replace("-", "_"), f"{ID}{conversion.slug}/")
    body = graph.serialize(format="turtle")
    header = (
        f"# {conversion.code} {conversion.slug}: {IMPORTED_MARK} from {source.name}.\n"
        "# Edit the entry workbook and import again rather than editing this file.\n\n"
    )
    return header + body


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="turn a data-entry workbook (or CSV folder) into RDF")
    p.add_argument("workbook", type=Path, help="an .xlsx workbook or a folder of CSV files")
    p.add_argument(
        "--out",
        help="output file, or folder (an existing one, or a name ending in /); default: "
        "data/municipalities/<code>-<name>.ttl in the project folder",
    )
    p.add_argument("--lang", choices=("en", "da"), default="en", help="language of messages")
    p.add_argument(
        "--max-rows",
        type=int,
        default=MAX_ROWS,
        help=f"refuse a workbook with more rows, all sheets together (default {MAX_ROWS:,})",
    )
    p.add_argument(
        "--max-bytes",
        type=int,
        default=MAX_BYTES,
        help=f"refuse a larger workbook or CSV folder (default {MAX_BYTES:,})",
    )
    p.add_argument(
        "--force", action="store_true", help="replace an output file not written by netkg import"
    )
    p.set_defaults(func=_run_import)


def _run_import(args: argparse.Namespace) -> int:
    from netkg.pipeline.flow.progress import Progress

    try:
        steps = ["context", "convert", "validate", "write"]
        with Progress("netkg import", steps) as progress, collector_paused():
            target, report, problems = import_workbook(
                args.workbook,
                args.out,
                args.lang,
                args.force,
                progress,
                Limits(args.max_rows, args.max_bytes),
            )
    except ImportFailed as failed:
        for problem in failed.problems:
            print(f"{problem.severity.upper()}: {problem}")
        raise
    for problem in problems:
        print(f"{problem.severity.upper()}: {problem}")
    print(f"wrote {target} ({count_triples(target):,} triples); {report.summary()}")
    return 0


__all__ = ["Conversion", "convert", "import_workbook", "locate", "register"]


def _fill(values: dict[str, str], match: re.Match[str]) -> str:
    """A name template's placeholder filled from the row's values ('' when missing)."""
    return values.get(match.group(1), "")
