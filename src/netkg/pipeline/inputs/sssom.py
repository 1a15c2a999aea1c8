"""Read an SSSOM TSV mapping set into RDF, strictly: a bad row fails with its file and line.

SSSOM (https://mapping-commons.github.io/sssom/) is the standard table for vocabulary mappings:
a YAML metadata block in `#` lines (the `curie_map` and the set's id, licence, …) followed by a
tab-separated table, one mapping per row. netkg reads only the subset it writes, and reads it
strictly, so a typo in a CURIE or a confidence of "high" stops the build instead of dropping a
row. The sssom package would pull in pandas, LinkML and a YAML parser for what is a short loop.

Each row becomes two things in the graph:

* the plain SKOS triple (`subject skos:closeMatch object`), which any SKOS tool understands, and
* an `nkg:TypologyMapping` node carrying the same three ends plus the justification, author,
  confidence, see-also sources and the one-line argument (`rdfs:comment`), which the plain
  triple cannot hold. The node's IRI is made from the row's three ends, so reordering rows
  changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from netkg.errors import InputError
from netkg.iris import ID, NKG

SUFFIX = ".sssom.tsv"
PREDICATES = {
    SKOS[name] for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
}
JUSTIFICATIONS = {
    URIRef("https://w3id.org/semapv/vocab/" + name)
    for name in ("ManualMappingCuration", "LexicalMatching", "LogicalReasoning", "MappingReview")
}
REQUIRED_COLUMNS = (
    "subject_id",
    "predicate_id",
    "object_id",
    "mapping_justification",
    "author_id",
    "confidence",
    "comment",
)
OPTIONAL_COLUMNS = ("subject_label", "object_label", "author_label", "see_also")
REQUIRED_METADATA = ("curie_map", "mapping_set_id", "license")
_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(?:\s+(.*))?$")
_ENTRY = re.compile(r"^ {2,}([A-Za-z_][A-Za-z0-9_.-]*):\s+(\S+)$")


@dataclass(frozen=True)
class Mapping:
    """One row of the table, its CURIEs expanded."""

    line: int
    subject: URIRef
    predicate: URIRef
    object: URIRef
    justification: URIRef
    author: URIRef
    confidence: Decimal
    comment: str
    subject_label: str = ""
    object_label: str = ""
    see_also: tuple[URIRef, ...] = ()


@dataclass(frozen=True)
class MappingSet:
    path: Path
    metadata: dict[str, str]
    curie_map: dict[str, str]
    mappings: tuple[Mapping, ...]

    @property
    def id(self) -> URIRef:
        return URIRef(self.metadata["mapping_set_id"])


def is_sssom(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIX)


def read_mapping_set(path: Path) -> MappingSet:
    """The mapping set in the file; InputError naming file and line on anything malformed."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason})") from None
    header = 0
    while header < len(lines) and lines[header].startswith("#"):
        header += 1
    metadata, curie_map = _metadata(path, lines[:header])
    if header >= len(lines):
        raise InputError(path, "no table after the metadata block", header + 1)
    columns = lines[header].split("\t")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(path, f"the table lacks column(s) {', '.join(missing)}", header + 1)
    unknown = [c for c in columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise InputError(path, f"unknown column(s) {', '.join(unknown)}", header + 1)
    mappings = []
    seen: dict[tuple[URIRef, URIRef, URIRef], int] = {}
    for number, text in enumerate(lines[header + 1 :], start=header + 2):
        if not text.strip():
            continue
        cells = text.split("\t")
        if len(cells) != len(columns):
            raise InputError(
                path, f"{len(cells)} cells where the header has {len(columns)} columns", number
            )
        row = dict(zip(columns, cells, strict=True))
        mapping = _mapping(path, number, row, curie_map)
        key = (mapping.subject, mapping.predicate, mapping.object)
        if key in seen:
            raise InputError(path, f"the same mapping as line {seen[key]}", number)
        seen[key] = number
        mappings.append(mapping)
    return MappingSet(path, metadata, curie_map, tuple(mappings))


def parse_sssom(path: Path, into: Graph) -> Graph:
    """Add the mapping set's triples to `into` (nothing is added if the file is malformed)."""
    mapping_set = read_mapping_set(path)
    for triple in mapping_set_triples(mapping_set):
        into.add(triple)
    return into


def mapping_set_triples(mapping_set: MappingSet) -> list[tuple]:
    set_id = mapping_set.id
    meta = mapping_set.metadata
    triples: list[tuple] = [(set_id, DCTERMS.license, URIRef(meta["license"]))]
    if "mapping_set_title" in meta:
        triples.append((set_id, RDFS.label, Literal(meta["mapping_set_title"], lang="en")))
    if "mapping_set_description" in meta:
        triples.append(
            (set_id, DCTERMS.description, Literal(meta["mapping_set_description"], lang="en"))
        )
    for m in mapping_set.mappings:
        node = mapping_node(m.subject, m.predicate, m.object)
        triples += [
            (m.subject, m.predicate, m.object),
            (node, RDF.type, NKG.TypologyMapping),
            (node, NKG.mappingSubject, m.subject),
            (node, NKG.mappingPredicate, m.predicate),
            (node, NKG.mappingObject, m.object),
            (node, NKG.mappingJustification, m.justification),
            (node, NKG.mappingConfidence, Literal(m.confidence, datatype=XSD.decimal)),
            (node, DCTERMS.creator, m.author),
            (node, RDFS.comment, Literal(m.comment, lang="en")),
            (node, DCTERMS.isPartOf, set_id),
        ]
        if m.subject_label and m.object_label:
            label = f"{m.subject_label} {m.predicate.split('#')[-1]} {m.object_label}"
            triples.append((node, RDFS.label, Literal(label, lang="en")))
        triples += [(node, RDFS.seeAlso, s) for s in m.see_also]
    return triples


def mapping_node(subject: URIRef, predicate: URIRef, obj: URIRef) -> URIRef:
    """id/mapping/<subject>--<predicate>--<object>, from the last path segments."""

    def tail(iri: URIRef) -> str:
        parts = re.split(r"[/#]", str(iri).rstrip("/"))
        return "-".join(parts[-2:]) if len(parts) > 1 else parts[-1]

    return ID[f"mapping/{tail(subject)}--{str(predicate).split('#')[-1]}--{tail(obj)}"]


def _metadata(path: Path, lines: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The YAML block, as far as SSSOM uses it: `key: value` lines and the curie_map mapping."""
    metadata: dict[str, str] = {}
    curie_map: dict[str, str] = {}
    in_map = False
    for number, raw in enumerate(lines, start=1):
        text = raw[1:]
        if text.startswith(" ") and not text.startswith("  "):
            text = text[1:]  # "# key: value": one space after the '#' is layout
        if not text.strip():
            continue
        entry = _ENTRY.match(text)
        if in_map and entry:
            curie_map[entry.group(1)] = entry.group(2)
            continue
        key = _KEY.match(text)
        if not key:
            raise InputError(path, f"metadata line is not 'key: value': {raw!r}", number)
        name, value = key.group(1), (key.group(2) or "").strip()
        in_map = name == "curie_map" and not value
        if name == "curie_map" and value:
            raise InputError(path, "curie_map must be an indented block of prefix: IRI", number)
        if not in_map:
            if not value:
                raise InputError(path, f"metadata {name!r} has no value", number)
            metadata[name] = value
    for name in REQUIRED_METADATA:
        if name == "curie_map" and not curie_map:
            raise InputError(path, "the metadata block has no curie_map")
        if name != "curie_map" and name not in metadata:
            raise InputError(path, f"the metadata block lacks {name}")
    for name in ("mapping_set_id", "license"):
        if not re.match(r"^https?://\S+$", metadata[name]):
            raise InputError(path, f"{name} must be an absolute IRI, not {metadata[name]!r}")
    return metadata, curie_map


def _mapping(path: Path, line: int, row: dict[str, str], curie_map: dict[str, str]) -> Mapping:
    def iri(column: str) -> URIRef:
        return _expand(path, line, column, row[column].strip(), curie_map)

    for column in REQUIRED_COLUMNS:
        if not row[column].strip():
            raise InputError(path, f"column {column} is empty", line)
    predicate = iri("predicate_id")
    if predicate not in PREDICATES:
        allowed = ", ".join(sorted("skos:" + p.split("#")[-1] for p in PREDICATES))
        raise InputError(
            path, f"predicate_id {row['predicate_id']!r} is not one of {allowed}", line
        )
    justification = iri("mapping_justification")
    if justification not in JUSTIFICATIONS:
        raise InputError(
            path,
            f"mapping_justification {row['mapping_justification']!r} is not a semapv "
            "justification netkg knows (ManualMappingCuration, LexicalMatching, "
            "LogicalReasoning, MappingReview)",
            line,
        )
    try:
        confidence = Decimal(row["confidence"].strip())
    except InvalidOperation:
        raise InputError(
            path, f"confidence must be a number from 0 to 1, not {row['confidence']!r}", line
        ) from None
    if not Decimal(0) <= confidence <= Decimal(1):
        raise InputError(path, f"confidence {confidence} is outside 0 to 1", line)
    see_also = tuple(
        _expand(path, line, "see_also", v.strip(), curie_map)
        for v in row.get("see_also", "").split("|")
        if v.strip()
    )
    return Mapping(
        line=line,
        subject=iri("subject_id"),
        predicate=predicate,
        object=iri("object_id"),
        justification=justification,
        author=iri("author_id"),
        confidence=confidence,
        comment=row["comment"].strip(),
        subject_label=row.get("subject_label", "").strip(),
        object_label=row.get("object_label", "").strip(),
        see_also=see_also,
    )


def _expand(path: Path, line: int, column: str, value: str, curie_map: dict[str, str]) -> URIRef:
    prefix, sep, local = value.partition(":")
    if not sep or not local or " " in value:
        raise InputError(path, f"{column} {value!r} is not a CURIE (prefix:local)", line)
    if prefix not in curie_map:
        raise InputError(
            path, f"{column} {value!r}: prefix {prefix!r} is not in the curie_map", line
        )
    return URIRef(curie_map[prefix] + local)
