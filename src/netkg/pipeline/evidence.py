"""Every fact checkable: each quote occurs verbatim in its archived source, and how many facts
about real entities have a quote.

A fact is an asserted triple in the shared or a municipality graph whose subject is a resource
netkg describes (an IRI under `…/id/`) and whose predicate states something about the world —
not a label, a note, a confidence mark or the bookkeeping of sources (NOT_FACTS). Knowledge gaps
and codings are not facts (a gap says what is unknown; a coding is netkg's interpretation with
its own basis), and neither are the evidence nodes themselves.

A fact (s, p, o) has a quote when an nkg:Evidence names s (nkg:evidenceFor) and p
(nkg:evidenceProperty), and, if it lists nkg:evidenceValue, o among them. Each quote must occur,
after whitespace normalisation, in the archived text of the document it is quoted from: its
excerpt file (nkg:excerptFile) or its full local copy (nkg:localCopy).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS
from rdflib.term import Node

from netkg.errors import NetkgError
from netkg.iris import ID, NKG, PROV, SCHEMA

NOT_FACTS = frozenset(
    {
        RDF.type,
        RDFS.label,
        RDFS.comment,
        SKOS.prefLabel,
        SKOS.altLabel,
        SKOS.definition,
        SKOS.editorialNote,
        SKOS.note,
        DCTERMS.source,
        DCTERMS.description,
        DCTERMS.bibliographicCitation,
        PROV.wasDerivedFrom,
        PROV.wasAttributedTo,
        NKG.confidence,
        NKG.accessed,
        NKG.localCopy,
        NKG.excerptFile,
        NKG.sha256,
        NKG.describes,
        SCHEMA.url,
        FOAF.givenName,
        FOAF.familyName,
    }
)
# a search of the codebook's search log is a record of what was looked for, like a gap
NOT_FACT_SUBJECTS = frozenset({NKG.Evidence, NKG.KnowledgeGap, NKG.TypeCoding, NKG.Search})


class QuoteNotFound(NetkgError):
    """A quote that does not occur verbatim in the archived text of its source."""


@dataclass
class Coverage:
    """Facts about real entities, and those with a quote behind them."""

    facts: int = 0
    quoted: int = 0
    quotes: int = 0
    unquoted: list[tuple[Node, Node]] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.quoted / self.facts if self.facts else 1.0

    def line(self) -> str:
        return (
            f"{self.quoted:,} of {self.facts:,} facts about real entities have a verbatim quote "
            f"({100 * self.ratio:.1f} %; {self.quotes:,} quotes checked)"
        )

    def as_json(self) -> dict:
        return {
            "facts": self.facts,
            "facts_with_quote": self.quoted,
            "ratio": round(self.ratio, 4),
            "quotes_checked": self.quotes,
        }


def normalise(text: str) -> str:
    """Whitespace collapsed, so a quote may wrap differently from its archived copy."""
    return re.sub(r"\s+", " ", text).strip()


def archived_text(path: Path, excerpt: bool = True) -> str:
    """An archived text, normalised; an excerpt file without its '#' header lines (a full local
    copy is taken whole)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return normalise("\n".join(line for line in lines if not (excerpt and line.startswith("#"))))


def check_quotes(data: Graph, base: Path) -> int:
    """Raise QuoteNotFound for the first quote missing from its archived source; else the count.

    `data` holds the evidence and the documents' nkg:excerptFile / nkg:localCopy paths, which are
    relative to `base` (the repository root).
    """
    cache: dict[Path, str] = {}
    checked = 0
    for evidence in sorted(set(data.subjects(RDF.type, NKG.Evidence)), key=str):
        source = data.value(evidence, PROV.wasQuotedFrom)
        files = _archive_files(data, source, base)
        if not files:
            raise QuoteNotFound(
                f"{_short(evidence)}: its source {_short(source)} has no archived text "
                "(nkg:excerptFile or nkg:localCopy)"
            )
        texts = []
        for path, excerpt in files:
            if path not in cache:
                if not path.is_file():
                    raise QuoteNotFound(f"{_short(source)}: archived file {path} does not exist")
                cache[path] = archived_text(path, excerpt)
            texts.append(cache[path])
        for quote in sorted(data.objects(evidence, NKG.quote), key=str):
            checked += 1
            wanted = normalise(str(quote))
            if not any(wanted in text for text in texts):
                names = ", ".join(str(_relative(p, base)) for p, _ in files)
                raise QuoteNotFound(
                    f'quote of {_short(evidence)} not found verbatim in {names}: "{quote}"'
                )
    return checked


def coverage(graphs: Iterable[Graph], evidence: Graph) -> Coverage:
    """How many facts in `graphs` an nkg:Evidence in `evidence` supports."""
    supported: dict[tuple[Node, Node], set[Node] | None] = {}  # None: every value
    for ev in evidence.subjects(RDF.type, NKG.Evidence):
        values = set(evidence.objects(ev, NKG.evidenceValue))
        for subject in evidence.objects(ev, NKG.evidenceFor):
            for prop in evidence.objects(ev, NKG.evidenceProperty):
                key = (subject, prop)
                if not values:
                    supported[key] = None
                elif key not in supported:
                    supported[key] = set(values)
                elif (known := supported[key]) is not None:
                    supported[key] = known | values
    result = Coverage(quotes=sum(1 for _ in evidence.subject_objects(NKG.quote)))
    facts: set[tuple] = set()
    for g in graphs:
        for s, p, o in g:
            if _is_fact(g, s, p):
                facts.add((s, p, o))
    missing: set[tuple[Node, Node]] = set()
    for s, p, o in facts:
        result.facts += 1
        if (s, p) in supported and ((allowed := supported[(s, p)]) is None or o in allowed):
            result.quoted += 1
        else:
            missing.add((s, p))
    result.unquoted = sorted(missing, key=str)
    return result


def _is_fact(g: Graph, s, p) -> bool:
    if not isinstance(s, URIRef) or not str(s).startswith(str(ID)) or p in NOT_FACTS:
        return False
    return not any((s, RDF.type, t) in g for t in NOT_FACT_SUBJECTS)


def _archive_files(data: Graph, source, base: Path) -> list[tuple[Path, bool]]:
    """(path, is an excerpt file) for each archived text of the source."""
    if source is None:
        return []
    excerpts = sorted(p for p in data.objects(source, NKG.excerptFile) if isinstance(p, Literal))
    copies = sorted(p for p in data.objects(source, NKG.localCopy) if isinstance(p, Literal))
    return [(_located(base, p), True) for p in excerpts] + [
        (_located(base, p), False) for p in copies
    ]


def _located(base: Path, relative: Literal) -> Path:
    """The archived file under `base`, else under the shipped data (a project's build cites
    both its own archive and the shipped one)."""
    from netkg.pipeline.layout import shipped_root

    here = base / str(relative)
    return here if here.exists() else shipped_root() / str(relative)


def _relative(path: Path, base: Path) -> Path:
    return path.relative_to(base) if path.is_relative_to(base) else path


def _short(node) -> str:
    text = str(node)
    return text[len(str(ID)) :] if text.startswith(str(ID)) else text
