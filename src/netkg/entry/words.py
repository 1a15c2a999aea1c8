"""The workbook's own words for the RDF terms in a message: what the researcher sees.

A SHACL message speaks of properties and classes (`Give one with nkg:ledBy, or record an
nkg:KnowledgeGap about nkg:ledBy`); the researcher sees columns and sheets. This module rewrites
each prefixed name a message holds into what the workbook calls it: a property into its column
(`"Leder / Leader"`, in this sheet if it has one, else naming the sheet that does), a class a
sheet makes rows of into that sheet (`a row of the gaps sheet`), a concept into the value the
drop-down offers. A term the workbook has no words for stays as it is, unless it is only named in
passing, in parentheses: then it is left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from netkg.entry.workbook import Sheet, curie
from netkg.iris import PREFIXES

_TYPED = re.compile(r'"([^"]*)"\^\^[a-z]+:[A-Za-z]+')  # "2018"^^xsd:gYear → 2018
_DATATYPES = {
    "gYear": "a year",
    "gYearMonth": "a month",
    "date": "a date",
    "integer": "a whole number",
    "decimal": "a number",
    "boolean": "yes or no",
    "anyURI": "an address",
    "duration": "a time span",
}
_ASIDE = re.compile(r" \(([a-z][a-z0-9]*):[A-Za-z][\w-]*\)")
_TERM = re.compile(r"(?<![\w/:#@])(?:(an?|the) )?([a-z][a-z0-9]*):([A-Za-z][\w-]*)(?![\w:/])")


def in_workbook_words(text: str, sheet_key: str, mapping: Sequence[Sheet], context: Graph) -> str:
    """`text` with every prefixed name it holds said as the workbook says it (see above)."""

    def say(match: re.Match[str]) -> str:
        article, prefix, local = match.group(1), match.group(2), match.group(3)
        if prefix not in PREFIXES:
            return match.group(0)
        if prefix == "xsd" and local in _DATATYPES:
            return _DATATYPES[local]
        term = URIRef(PREFIXES[prefix] + local)
        words = _column(term, sheet_key, mapping) or _sheet(term, mapping)
        if words is None:
            words = _concept(term, context)
            if words is None:
                return match.group(0)
            return f"{article} {words}" if article else words
        if words.startswith("a row"):
            return words  # "an nkg:KnowledgeGap" → "a row of the gaps sheet"
        return f"{article} {words}" if article else words

    said = _TERM.sub(say, _TYPED.sub(lambda m: m.group(1), text))
    # a term the workbook has no column for, named only in passing: "(nkg:localCopy)"
    return _ASIDE.sub(lambda m: "" if m.group(1) in PREFIXES else m.group(0), said)


def _column(term: URIRef, sheet_key: str, mapping: Sequence[Sheet]) -> str | None:
    """The column(s) that fill a property: in this sheet, else the first sheet that has one."""
    ordered = sorted(mapping, key=lambda s: s.key != sheet_key)
    for sheet in ordered:
        headers = [c.header for c in sheet.columns if c.prop and curie(c.prop) == term]
        headers = list(dict.fromkeys(headers))
        if headers:
            named = " or ".join(f'"{h}"' for h in headers)
            return named if sheet.key == sheet_key else f"{named} in the {sheet.key} sheet"
    return None


def _sheet(term: URIRef, mapping: Sequence[Sheet]) -> str | None:
    """The sheet whose rows are things of a class (`nkg:KnowledgeGap` → the gaps sheet)."""
    for sheet in mapping:
        for node in sheet.nodes:
            if not node.get("once") and any(curie(t) == term for t in node.get("types", [])):
                return f"a row of the {sheet.key} sheet"
    return None


def _concept(term: URIRef, context: Graph) -> str | None:
    """A concept as the drop-downs offer it: its Danish name and its short name."""
    labels = {
        v.language: str(v) for v in context.objects(term, SKOS.prefLabel) if isinstance(v, Literal)
    }
    name = labels.get("da") or labels.get("en")
    return f'"{name} ({str(term).rsplit("/", 1)[-1]})"' if name else None
