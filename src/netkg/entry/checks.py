"""What the build checks about an imported municipality, checked at import, in the workbook's
words.

The shapes are checked by the import's validation (netkg.pipeline.flow.context); the build
checks three more things an import has to meet, and `netkg import` checks them too, so that a
workbook that imports also builds:

* each document's excerpt file exists in the project's `data/sources/excerpts/` (or in the
  data netkg ships), and each quote's source has an archived text to check it against;
* each quote occurs word for word in that text, and each fact is supported by a quote that says
  it or an inference that says how it follows: `netkg.pipeline.derived.evidence`, run on the
  imported graph in netkg's context (the names of the concepts and classes facts point to);
* the municipality's code and short name are Denmark's (data/shared/municipalities-denmark.ttl
  and the described municipalities' files).

A missing archive or a quote that is not verbatim is an error (it stops every build, even the
in-memory one queries use); an unsupported fact is a warning (`netkg build` refuses it, while
queries answer from the data as it is); an unlisted municipality is a warning, a code that
belongs to another municipality an error. Each problem names the sheet, row and column and
says what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from netkg.entry.workbook import Problem, Sheet, load_mapping
from netkg.iris import MUN, NKG, PREFIXES, PROV
from netkg.pipeline.derived import support
from netkg.pipeline.derived.evidence import EvidenceError, archive_files, assess
from netkg.pipeline.inputs.layout import (
    data_sources,
    display_path,
    shipped_root,
    writable_data_dir,
)
from netkg.rdf.results import short


class Conversion(Protocol):
    """What these checks read of the importer's conversion (netkg.entry.importer.Conversion,
    which runs them): the graph, and where each triple and node came from."""

    @property
    def graph(self) -> Graph: ...
    @property
    def municipality(self) -> URIRef: ...
    @property
    def code(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def triples(self) -> Mapping[tuple, Any]: ...  # triple → its origin (sheet, row, column)
    @property
    def nodes(self) -> Mapping[Node, tuple[str, int, str]]: ...  # node → sheet, row, name
    @property
    def cells(self) -> Mapping[tuple[str, int, str], str]: ...  # sheet, row, key → text


_ARCHIVES = (NKG.excerptFile, NKG.localCopy)
_FILE_CODE = re.compile(r"^(\d{4})-([a-z0-9-]+)$")


def import_checks(conversion: Conversion, context: Graph, quotes: bool = True) -> list[Problem]:
    """The problems the build would find in the imported graph (see the module docstring);
    the quotes are checked only with `quotes` (a workbook whose cells are in error has no
    graph to check them in) and when every archive is there."""
    problems = archive_problems(conversion, context)
    problems += code_problems(conversion, context)
    if quotes and not any(p.severity == "error" for p in problems):
        problems += evidence_problems(conversion, context)
    return problems


# --- archived texts ------------------------------------------------------------------------------


def project_folder() -> Path:
    """The folder the import writes into and the build will read: the project folder, or the
    working directory the import makes one (netkg.pipeline.inputs.layout.writable_data_dir);
    its data/sources/excerpts/ holds the archive, beside netkg's own."""
    return writable_data_dir().parent


def archive_problems(conversion: Conversion, context: Graph) -> list[Problem]:
    """Excerpt files that are not there, and quotes whose source has no archived text."""
    base = project_folder()
    mapping = _sheets()
    documents = mapping["documents"]
    column = documents.column("excerpt_file")
    problems = []
    for document, _, value in sorted(conversion.graph.triples((None, NKG.excerptFile, None))):
        one = Graph()
        one.add((document, NKG.excerptFile, value))
        [(path, _excerpt)] = archive_files(one, document, base)
        if path.is_file():
            continue
        origin = conversion.triples.get((document, NKG.excerptFile, value))
        row = origin.row if origin else _row_of(conversion, document)
        problems.append(
            Problem(
                "documents",
                row,
                column.header,
                str(value),
                f"there is no such file in the project ({path.parent}/) nor in netkg's own "
                "data; the build checks every quote against it",
                "save the excerpt there (a header of lines starting with #, then the quoted "
                "passages, word for word), or correct the file name",
            )
        )
    both = _archives([conversion.graph, context])
    evidence_sheet = mapping["evidence"]
    for node, _, source in sorted(conversion.graph.triples((None, PROV.wasQuotedFrom, None))):
        if archive_files(both, source, base):
            continue
        problems.append(
            Problem(
                "evidence",
                _row_of(conversion, node),
                evidence_sheet.column("source").header,
                short(source),
                "the source has no archived text to check the quote against",
                f'give the document an excerpt file (documents sheet, column "{column.header}")',
            )
        )
    return problems


def _archives(graphs: Iterable[Graph]) -> Graph:
    """The archive triples (excerpt files, local copies) of the given graphs."""
    found = Graph()
    for graph in graphs:
        for prop in _ARCHIVES:
            for triple in graph.triples((None, prop, None)):
                found.add(triple)
    return found


# --- the municipality's code ---------------------------------------------------------------------


def code_problems(conversion: Conversion, context: Graph) -> list[Problem]:
    """A code or short name that is not Denmark's, or that belongs to another municipality."""
    codes = known_codes(context)
    slug, code = conversion.slug, conversion.code
    header = _sheets()["municipality"].column("code").header
    row = _row_of(conversion, conversion.municipality)
    listed = "data/shared/municipalities-denmark.ttl and the described municipalities"
    if slug in codes and codes[slug] != code:
        return [
            Problem(
                "municipality",
                row,
                header,
                code,
                f"the municipality code of {slug} is {codes[slug]} ({listed})",
                f"write {codes[slug]} (as text, so the leading zero stays)",
            )
        ]
    owner = next((s for s, c in codes.items() if c == code), None)
    if owner is not None and owner != slug:
        return [
            Problem(
                "municipality",
                row,
                header,
                code,
                f"{code} is the code of {owner}, not of {slug} ({listed})",
                f"write {slug}'s own code, or {owner} as the short name if this is {owner}",
            )
        ]
    if owner is None and slug not in codes:
        return [
            Problem(
                "municipality",
                row,
                header,
                code,
                f"neither the code {code} nor the short name {slug} is one of Denmark's 98 "
                f"municipalities ({listed})",
                "check both against `netkg query municipalities`; for a made-up municipality "
                "(a test), this warning is expected",
                "warning",
            )
        ]
    return []


def known_codes(context: Graph) -> dict[str, str]:
    """Short name → municipality code of Denmark's 98 municipalities as netkg ships them: the
    codes of the shared list, and of the described municipalities' files (`<code>-<name>.ttl`;
    a project's own files are what is being checked, not the reference)."""
    found: dict[str, str] = {}
    for municipality, _, code in context.triples((None, NKG.municipalityCode, None)):
        if isinstance(municipality, URIRef) and str(municipality).startswith(str(MUN)):
            found[str(municipality)[len(str(MUN)) :]] = str(code)
    for source in data_sources(shipped_root()):
        m = _FILE_CODE.match(source.path.stem)
        if source.role == "municipality" and m:
            found[m.group(2)] = m.group(1)
    return found


# --- quotes and support --------------------------------------------------------------------------


def evidence_problems(conversion: Conversion, context: Graph) -> list[Problem]:
    """Quotes that are not word for word in their archived text (errors), and facts no quote
    supports (warnings: `netkg build` refuses them), each at its row and column."""
    # the quotes netkg's shared data holds (a municipality's code and kind are quoted from the
    # list of Denmark's municipalities), and the shipped sources' archives, go with it
    graph = conversion.graph + _archives([context]) + _evidence(context)
    try:
        decision, data = assess([graph], [context], project_folder())
    except EvidenceError as exc:  # an archive that cannot be read: said as it is
        return [Problem("evidence", None, "", "", str(exc), "see the documents sheet")]
    mapping = _sheets()
    quote_column = mapping["evidence"].column("quote").header
    problems = []
    for miss in decision.misquotes:
        files = ", ".join(
            display_path(p) for p, _ in archive_files(data, miss.source, project_folder())
        ) if miss.source is not None else "its source"  # fmt: skip
        problems.append(
            Problem(
                "evidence",
                _row_of(conversion, miss.evidence),
                quote_column,
                _clip(str(miss.quote)),
                f"the quote is not word for word in {files}; the first part missing or out of "
                f'order is "{miss.segment}"',
                "copy the passage exactly as the excerpt has it, and mark words left out with […]",
            )
        )
    names = _fact_names(mapping["evidence"])
    for verdict in decision.of(support.UNSUPPORTED):
        problems.append(_unsupported(verdict, conversion, names))
    return problems


def _unsupported(verdict: support.Verdict, conversion: Conversion, names: dict) -> Problem:
    s, p, o = verdict.fact
    origin = conversion.triples.get(verdict.fact)
    where = conversion.nodes.get(s)
    sheet = origin.sheet if origin else (where[0] if where else "")
    row = origin.row if origin else _row_of(conversion, s)
    column = origin.column if origin else ""
    about = _id_of(conversion, s)
    fact = names.get(p, short(p))
    value = "" if not isinstance(o, Literal | URIRef) else _value(o)
    shown = f'"{value}"' if isinstance(o, Literal) else value
    if verdict.evidence:
        rows = ", ".join(str(_row_of(conversion, e)) for e in verdict.evidence)
        what = f"the quote of evidence row {rows} does not say {shown or 'this'}"
    else:
        what = "no row of the evidence sheet supports this fact"
    return Problem(
        sheet,
        row,
        column,
        value,
        f"{what}; `netkg build` refuses a fact without support",
        f"add an evidence row with About = {about}, Facts = {fact} and a quote from the source "
        'that says it, or say how it follows from a quote in "Afledning (engelsk) / Inference '
        '(English)"',
        "warning",
    )


def _evidence(context: Graph) -> Graph:
    """The evidence nodes of `context` (netkg's shared data) with their quotes and sources."""
    found = Graph()
    for node in set(context.subjects(RDF.type, NKG.Evidence)):
        for p, o in context.predicate_objects(node):
            found.add((node, p, o))
    return found


def _fact_names(sheet: Sheet) -> dict[Node, str]:
    """Property → the name the evidence sheet's Facts list gives it."""
    from netkg.entry.workbook import curie

    return {curie(c["iri"]): c["value"] for c in sheet.column("facts").spec["choices"]}


def _id_of(conversion: Conversion, node: Node) -> str:
    """The id a row of the workbook gives the node ("municipality" for the municipality)."""
    if node == conversion.municipality:
        return "municipality"
    if str(node).startswith(PREFIXES["person"]):
        return short(node)  # a person is named by the name netkg gives them
    where = conversion.nodes.get(node)
    if where is None:
        return short(node)
    sheet, row, _ = where
    return conversion.cells.get((sheet, row, "id")) or f"{sheet}/{row}"


def _row_of(conversion: Conversion, node: Node) -> int | None:
    if node == conversion.municipality:
        rows = [r for (sheet, r, _k) in conversion.cells if sheet == "municipality"]
        return min(rows) if rows else None
    where = conversion.nodes.get(node)
    return where[1] if where else None


def _value(term: Node) -> str:
    return str(term) if isinstance(term, Literal) else short(term)


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _sheets() -> dict[str, Sheet]:
    return {sheet.key: sheet for sheet in load_mapping()}
