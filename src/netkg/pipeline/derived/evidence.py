"""Every fact supported: each quote occurs verbatim in its archived source, each fact about a
real entity is said by a quote (or follows from it, as the evidence says), and the count tells
which.

A fact is an asserted triple in the shared or a municipality graph whose subject is a resource
netkg describes (an IRI under `…/id/`) and whose predicate states something about the world —
not a label, a note, a confidence mark or the bookkeeping of sources (NOT_FACTS). A
classification is a fact too: rdf:type with a class of the netkg ontology, unless a coding
(nkg:TypeCoding with nkg:codedClass) marks it as netkg's interpretation. Knowledge gaps,
codings, searches and the evidence nodes themselves are not facts (NOT_FACT_SUBJECTS).

This module reads the graphs and the archived files into the small input of
`netkg.pipeline.derived.support.decide()`, which holds the rules, and turns its decision into the
build's figures, its error messages (with file and line) and graph/support: one
nkg:FactSupport record per fact, the same from either engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS
from rdflib.term import Node

from netkg.errors import NetkgError
from netkg.iris import GRAPH, ID, NKG, PROV, SCHEMA, compact
from netkg.pipeline.derived import support
from netkg.pipeline.derived.support import Decision, Evidence, Misquote, Renderings, Verdict

SUPPORT_GRAPH = GRAPH["support"]
# the ontology's individual for each kind of support (nkg:SupportKind)
SUPPORT_KINDS = {
    support.QUOTED: NKG.supportQuoted,
    support.DERIVED: NKG.supportDerived,
    support.BRIEF_ONLY: NKG.supportBriefOnly,
    support.UNSUPPORTED: NKG.supportUnsupported,
}
# what names a thing: a quote that contains one of these says that thing
NAMES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, FOAF.name, DCTERMS.title)
SHOWN = 20  # problems listed in one error message
NOT_PARTS = frozenset({RDF.type, *NAMES})  # what a blank node value is said by besides

NOT_FACTS = frozenset(
    {
        RDFS.label,
        RDFS.comment,
        SKOS.prefLabel,
        SKOS.altLabel,
        SKOS.hiddenLabel,
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
        # a person's name is how netkg names the node, as rdfs:label does; what is said of the
        # person (a post held, a document written) is the fact, and needs its quote
        FOAF.name,
        # a topic summarises what an arrangement works on in netkg's words (da and en), like
        # dct:description; its evidence is shown beside it but it is not a value a quote says
        NKG.topic,
    }
)
# a search of the codebook's search log is a record of what was looked for, like a gap
NOT_FACT_SUBJECTS = frozenset({NKG.Evidence, NKG.KnowledgeGap, NKG.TypeCoding, NKG.Search})
# records whose class only says what kind of record they are: a documented absence's class is
# not a claim about the world, its other statements (what is absent, how, when) are
RECORD_CLASSES = frozenset({NKG.DocumentedAbsence})


class EvidenceError(NetkgError):
    """Quotes that are not verbatim, or facts no quote supports; every one is listed."""


class QuoteNotFound(EvidenceError):
    """A quote that does not occur verbatim (segment by segment) in its archived source."""


class UnsupportedFact(EvidenceError):
    """A fact about a real entity that no quote says and no evidence says how it follows."""


@dataclass
class Support:
    """The build's figures: facts about real entities and how each is supported."""

    facts: int = 0
    quoted: int = 0
    derived: int = 0
    brief_only: int = 0
    unsupported: int = 0
    quotes: int = 0
    derived_facts: list[dict[str, str]] = field(default_factory=list)
    brief_only_facts: list[dict[str, str]] = field(default_factory=list)
    # graph/support's triples (support_triples), added to the store by the build
    triples: list[support.Fact] = field(default_factory=list, compare=False, repr=False)

    @property
    def graph(self) -> Graph:
        """graph/support as an rdflib Graph."""
        out = Graph(identifier=SUPPORT_GRAPH)
        for triple in self.triples:
            out.add(triple)
        return out

    @property
    def supported(self) -> int:
        return self.quoted + self.derived + self.brief_only

    def line(self) -> str:
        return (
            f"{self.supported:,} of {self.facts:,} facts supported ({self.quoted:,} quoted, "
            f"{self.derived:,} derived with a stated inference, {self.brief_only:,} only in "
            f"netkg's brief; {self.unsupported:,} unsupported; {self.quotes:,} quotes checked)"
        )

    def as_json(self) -> dict:
        return {
            "facts": self.facts,
            "supported": self.supported,
            "quoted": self.quoted,
            "derived": self.derived,
            "brief_only": self.brief_only,
            "unsupported": self.unsupported,
            "quotes_checked": self.quotes,
            "derived_facts": self.derived_facts,
            "brief_only_facts": self.brief_only_facts,
        }


def is_fact(graph: Graph, s: Node, p: Node, o: Node) -> bool:
    """Whether (s, p, o), asserted in a data graph, is a fact about a real entity."""
    if not isinstance(s, URIRef) or not str(s).startswith(str(ID)) or p in NOT_FACTS:
        return False
    if any((s, RDF.type, t) in graph for t in NOT_FACT_SUBJECTS):
        return False
    if p == RDF.type:  # a classification with a class of the netkg ontology, unless it is coded
        if not isinstance(o, URIRef) or not str(o).startswith(str(NKG)):
            return False
        if o in NOT_FACT_SUBJECTS or o in RECORD_CLASSES:
            return False
        return not any((c, NKG.codedClass, o) in graph for c in graph.subjects(NKG.codedItem, s))
    return True


def archived_text(path: Path, excerpt: bool = True) -> str:
    """An archived text, whitespace collapsed; an excerpt file without its '#' header lines (a
    full local copy is taken whole)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = "\n".join(line for line in lines if not (excerpt and line.startswith("#")))
    return support.collapse(kept)


@dataclass(frozen=True)
class Archive:
    """A quoted source's archived texts as the data names them (sorted): nkg:excerptFile and
    nkg:localCopy paths, relative to the project folder."""

    excerpts: tuple[Literal, ...] = ()
    copies: tuple[Literal, ...] = ()


@dataclass
class EvidenceInput:
    """All the evidence check reads, whatever it was read from: rdflib graphs (read_graphs) or
    a store's answers to SPARQL (derived.evidence_store). The same data gives the same input,
    so the same decision, figures and messages."""

    facts: set[support.Fact]
    evidence: list[Evidence]
    names: dict[Node, list[Literal]]  # the names of the facts' values (and of their parts)
    parts: dict[Node, list[Node]]  # a blank node value's own values
    archives: dict[Node, Archive]  # each source's archived texts

    def evidence_by_node(self) -> dict[Node, Evidence]:
        return {e.node: e for e in self.evidence}


def check(
    facts: Sequence[Graph],
    context: Iterable[Graph],
    base: Path,
    files: Mapping[URIRef, Sequence[Path]] | None = None,
    renderings: Renderings | None = None,
    require_support: bool = True,
) -> Support:
    """Decide how each fact in `facts` (the data graphs) is supported; raise EvidenceError
    listing every misquote or unsupported fact, located in `files` (graph → its source files).

    `context` holds the names of things facts point to (the ontology's classes, the
    vocabularies' concepts); excerpt paths are relative to `base` (the repository root).
    `require_support=False` counts unsupported facts instead of refusing them (tests that query
    ad hoc data without quotes); a quote that is not verbatim is refused all the same.
    """
    found, _ = read_graphs(facts, context)
    return check_input(found, base, files, renderings, require_support)


def check_input(
    found: EvidenceInput,
    base: Path,
    files: Mapping[URIRef, Sequence[Path]] | None = None,
    renderings: Renderings | None = None,
    require_support: bool = True,
) -> Support:
    """check() on an input already read (from graphs or from a store)."""
    decision = decide_input(found, base, renderings)
    problems = [_misquote(m, found, files) for m in decision.misquotes]
    if require_support:
        by_node = found.evidence_by_node()
        problems += [_unsupported(v, by_node, files) for v in decision.of(support.UNSUPPORTED)]
    if problems:
        shown = problems[:SHOWN]
        if len(problems) > SHOWN:
            shown.append(f"… and {len(problems) - SHOWN} more")
        error = QuoteNotFound if decision.misquotes else UnsupportedFact
        raise error("the evidence check failed:\n  " + "\n  ".join(shown))
    return _summary(decision, found)


def assess(
    facts: Sequence[Graph],
    context: Iterable[Graph],
    base: Path,
    renderings: Renderings | None = None,
) -> tuple[Decision, Graph]:
    """support.decide() on the facts of the data graphs `facts`: (the decision, the data
    graphs merged); nothing is raised for what it finds."""
    found, data = read_graphs(facts, context)
    return decide_input(found, base, renderings), data


def decide_input(
    found: EvidenceInput, base: Path, renderings: Renderings | None = None
) -> Decision:
    """support.decide() on an input, with the archived texts of its quoted sources."""
    return support.decide(
        found.facts,
        found.evidence,
        found.names,
        found.parts,
        _texts(found, base),
        renderings or Renderings.load(),
    )


def read_graphs(facts: Sequence[Graph], context: Iterable[Graph]) -> tuple[EvidenceInput, Graph]:
    """The input read from rdflib graphs (the reference): the data graphs `facts`, and
    `context` for the names of what they point to; also the data graphs merged."""
    data = Graph()
    for g in facts:
        data += g
    found = _facts(facts)
    graphs = [data, *context]
    names, parts = walk_values(
        [o for _, _, o in found],
        lambda node: {n for g in graphs for p in NAMES for n in g.objects(node, p)},
        lambda node: {
            o for g in graphs for p, o in g.predicate_objects(node) if p not in NOT_PARTS
        },
    )
    archives = {
        source: Archive(
            tuple(
                sorted(p for p in data.objects(source, NKG.excerptFile) if isinstance(p, Literal))
            ),
            tuple(sorted(p for p in data.objects(source, NKG.localCopy) if isinstance(p, Literal))),
        )
        for source in set(data.objects(None, PROV.wasQuotedFrom))
    }
    return EvidenceInput(found, evidence_nodes(data), names, parts, archives), data


def evidence_nodes(data: Graph) -> list[Evidence]:
    """The nkg:Evidence nodes of `data`, read for support.decide()."""
    found = []
    for node in set(data.subjects(RDF.type, NKG.Evidence)):
        found.append(
            Evidence(
                node=node,
                about=frozenset(data.objects(node, NKG.evidenceFor)),
                properties=frozenset(data.objects(node, NKG.evidenceProperty)),
                values=frozenset(data.objects(node, NKG.evidenceValue)),
                quotes=tuple(
                    sorted(
                        (q for q in data.objects(node, NKG.quote) if isinstance(q, Literal)),
                        key=literal_key,
                    )
                ),
                source=min(data.objects(node, PROV.wasQuotedFrom), key=str, default=None),
                inference=tuple(sorted(str(i) for i in data.objects(node, NKG.inference))),
            )
        )
    return found


def literal_key(value: Literal) -> tuple[str, str, str]:
    """The order quotes are kept in: text, language, datatype."""
    return (str(value), value.language or "", str(value.datatype or ""))


def _facts(graphs: Sequence[Graph]) -> set[support.Fact]:
    return {(s, p, o) for g in graphs for s, p, o in g if is_fact(g, s, p, o)}


def walk_values(
    values: Iterable[Node],
    names_of: Callable[[Node], set[Node]],
    parts_of: Callable[[Node], set[Node]],
) -> tuple[dict[Node, list[Literal]], dict[Node, list[Node]]]:
    """The names of the facts' values (and of their blank nodes' values), and each blank
    node's own values: `names_of(node)` gives what NAMES a node has, `parts_of(blank node)`
    its values other than its type and names, both from every graph."""
    names: dict[Node, list[Literal]] = {}
    parts: dict[Node, list[Node]] = {}
    todo = [o for o in values if not isinstance(o, Literal)]
    while todo:
        node = todo.pop()
        if node in names:
            continue
        found = names_of(node)
        names[node] = sorted(
            (n for n in found if isinstance(n, Literal)), key=lambda n: (str(n), n.language or "")
        )
        if isinstance(node, BNode):
            own = sorted(parts_of(node), key=lambda o: o.n3())
            parts[node] = own
            todo += [o for o in own if not isinstance(o, Literal)]
    return names, parts


def _texts(found: EvidenceInput, base: Path) -> dict[Node, list[str]]:
    """Each quoted source's archived texts; QuoteNotFound for a source that has none."""
    from netkg.pipeline.inputs.layout import shipped_root

    shipped = shipped_root()
    cache: dict[Path, str] = {}
    located: dict[Archive, list[tuple[Path, bool]]] = {}  # copies of data cite the same files
    texts: dict[Node, list[str]] = {}
    for evidence in sorted(found.evidence, key=lambda e: str(e.node)):
        source = evidence.source
        if source is None or source in texts:
            continue
        archive = found.archives.get(source, Archive())
        if archive not in located:
            located[archive] = archive_paths(archive, base, shipped)
        files = located[archive]
        if not files:
            raise QuoteNotFound(
                f"{_short(evidence.node)}: its source {_short(source)} has no archived text "
                "(nkg:excerptFile or nkg:localCopy)"
            )
        for path, excerpt in files:
            if path not in cache:
                if not path.is_file():
                    raise QuoteNotFound(
                        f"{_short(source)}: archived file {path} does not exist; archive the "
                        f"excerpt there, or correct the document's nkg:excerptFile"
                    )
                cache[path] = archived_text(path, excerpt)
        texts[source] = [cache[path] for path, _ in files]
    return texts


def _summary(decision: Decision, found: EvidenceInput) -> Support:
    result = Support(facts=len(decision.verdicts), quotes=decision.quotes)
    inference = {e.node: e.inference[0] for e in found.evidence if e.inference}
    for verdict in decision.verdicts:
        if verdict.kind == support.QUOTED:
            result.quoted += 1
        elif verdict.kind == support.DERIVED:
            result.derived += 1
            # sorted: each engine lists a fact's evidence in its own order
            said = " / ".join(sorted({inference[e] for e in verdict.evidence if e in inference}))
            result.derived_facts.append({"fact": fact_text(verdict.fact), "inference": said})
        elif verdict.kind == support.BRIEF_ONLY:
            result.brief_only += 1
            result.brief_only_facts.append({"fact": fact_text(verdict.fact)})
        else:
            result.unsupported += 1
    result.derived_facts.sort(key=lambda f: (f["fact"], f["inference"]))
    result.brief_only_facts.sort(key=lambda f: f["fact"])
    result.triples = support_triples(decision.verdicts)
    return result


def support_graph(verdicts: Iterable[Verdict]) -> Graph:
    """graph/support as an rdflib Graph (see support_triples)."""
    out = Graph(identifier=SUPPORT_GRAPH)
    for triple in support_triples(verdicts):
        out.add(triple)
    return out


def support_triples(verdicts: Iterable[Verdict]) -> list[support.Fact]:
    """graph/support: one nkg:FactSupport per fact — the fact, its kind of support and the
    evidence behind it. A blank node value is left out (it belongs to its own graph)."""
    out: list[support.Fact] = []
    for verdict in verdicts:
        s, p, o = verdict.fact
        record = BNode()
        out += [(record, RDF.type, NKG.FactSupport), (record, NKG.factSubject, s)]
        out.append((record, NKG.factProperty, p))
        if not isinstance(o, BNode):
            out.append((record, NKG.factValue, o))
        out.append((record, NKG.supportKind, SUPPORT_KINDS[verdict.kind]))
        out += [(record, NKG.supportedBy, evidence) for evidence in dict.fromkeys(verdict.evidence)]
    return out


def fact_text(fact: support.Fact) -> str:
    """A fact as a person reads it: prefixed names, literal values, '[…]' for a blank node."""
    return " ".join(_term(t) for t in fact)


def _term(term: Node) -> str:
    if isinstance(term, URIRef):
        return compact(str(term)) or f"<{term}>"
    if isinstance(term, BNode):
        return "[…]"
    return f'"{term}"' if isinstance(term, Literal) and not _bare(term) else str(term)


def _bare(value: Literal) -> bool:
    return value.datatype is not None and value.language is None


def _misquote(
    m: Misquote, found: EvidenceInput, files: Mapping[URIRef, Sequence[Path]] | None
) -> str:
    local = str(m.evidence).rsplit("/", 1)[-1]
    where = _locate(files, [str(m.quote)[:40], m.segment[:40]], subject=local)
    excerpts = found.archives.get(m.source, Archive()).excerpts if m.source is not None else ()
    source = ", ".join(str(p) for p in excerpts) or _short(m.source)
    return (
        f'{where}quote of {_short(m.evidence)} not found verbatim in {source}: "{m.quote}" '
        f'(first missing or out of order: "{m.segment}")'
    )


def _unsupported(
    v: Verdict, by_node: Mapping[Node, Evidence], files: Mapping[URIRef, Sequence[Path]] | None
) -> str:
    quotes = [(e, q) for e in v.evidence for q in by_node[e].quotes]
    if quotes:
        evidence, quote = quotes[0]
        where = _locate(files, [str(quote)[:40]])
        said = f'its quote "{quote}" ({_short(evidence)}) does not say {_term(v.fact[2])}'
        fix = "quote the words that state it, or say how it follows (nkg:inference)"
    else:
        local = str(v.fact[0]).rsplit("/", 1)[-1]
        where = _locate(files, [], subject=local)
        said = "no evidence names this fact (nkg:evidenceFor and nkg:evidenceProperty)"
        fix = "add a quote that says it, or record it as a coding or a knowledge gap"
    return f"{where}{fact_text(v.fact)} is not supported: {said}. Fix: {fix}"


def _locate(
    files: Mapping[URIRef, Sequence[Path]] | None, needles: Sequence[str], subject: str = ""
) -> str:
    """'file:line: ' of the first line holding the first needle found (needles in order of
    preference), else of the line that starts a block about `subject`."""
    if not files:
        return ""
    from netkg.pipeline.inputs.layout import display_path

    paths = sorted({p for group in files.values() for p in group}, key=str)
    texts: list[tuple[Path, list[str]]] = []
    for path in paths:
        try:
            texts.append((path, path.read_text(encoding="utf-8").splitlines()))
        except (OSError, UnicodeDecodeError):
            continue
    block = re.compile(rf"^\S*[:/]{re.escape(subject)}(?:>|\s|$)") if subject else None
    wanted: list[str | re.Pattern[str]] = [n.strip() for n in needles if n.strip()]
    if block is not None:
        wanted.append(block)
    for needle in wanted:
        for path, lines in texts:
            for number, line in enumerate(lines, start=1):
                found = needle in line if isinstance(needle, str) else needle.match(line)
                if found:
                    return f"{display_path(path)}:{number}: "
    return ""


def archive_files(data: Graph, source: Node, base: Path) -> list[tuple[Path, bool]]:
    """(path, is an excerpt file) for each archived text of the source: under `base` (the
    project folder), else in the shipped data; a file in neither is named under `base`, where
    the project would keep it."""
    excerpts = sorted(p for p in data.objects(source, NKG.excerptFile) if isinstance(p, Literal))
    copies = sorted(p for p in data.objects(source, NKG.localCopy) if isinstance(p, Literal))
    return archive_paths(Archive(tuple(excerpts), tuple(copies)), base)


def archive_paths(
    archive: Archive, base: Path, shipped: Path | None = None
) -> list[tuple[Path, bool]]:
    """(path, is an excerpt file) for each archived text named by `archive` (`shipped`: the
    shipped data's folder, if known)."""
    from netkg.pipeline.inputs.layout import shipped_root

    shipped = shipped or shipped_root()
    return [(_located(base, p, shipped), True) for p in archive.excerpts] + [
        (_located(base, p, shipped), False) for p in archive.copies
    ]


def _located(base: Path, relative: Literal, shipped_root: Path) -> Path:
    """The archived file under `base`, else under the shipped data (a project's build cites
    both its own archive and the shipped one)."""
    here = base / str(relative)
    shipped = shipped_root / str(relative)
    return shipped if not here.exists() and shipped.exists() else here


def _short(node: Node | None) -> str:
    text = str(node)
    return compact(text) or (text[len(str(ID)) :] if text.startswith(str(ID)) else text)
