"""Pages and RDF forms of the published resources: one renderer for `netkg serve` and `netkg site`.

Both show the same things from the same templates (src/netkg/web/templates); they differ only in
where links point (`Links`): the server uses absolute local paths (`/id/x`), a static site uses
relative file names (`../x.html`) so it works from any folder of any static host. Nothing on a
page loads from another host: styles and scripts are the package's own files.

A resource's RDF form is its concise bounded description — the triples it is the subject of
(across all named graphs, inferred ones included), those of its hash IRIs, and of the blank
nodes they reach. The HTML page adds what points to it (incoming links) and labels of
everything it mentions.
"""

from __future__ import annotations

import json
import posixpath
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from netkg import __version__
from netkg.iris import (
    BASE,
    DCAT,
    GRAPH,
    ID,
    ID_KINDS,
    INFERRED_GRAPH,
    NKG,
    ONTOLOGY,
    PREFIXES,
    RDF_LANGSTRING,
    VOID,
    XSD_STRING,
)
from netkg.pipeline.derived.describe import DATASET, DUMPS, DUMPS_PATH, ENDPOINT, LICENSE
from netkg.pipeline.derived.evidence import SUPPORT_GRAPH
from netkg.rdf.results import short
from netkg.rdf.store import Quad, bind_prefixes, serialize_graph
from netkg.web.kinds import Kind, kind_of, ordered
from netkg.web.paths import FORM_BY_SUFFIX, RDF_FORMS, local_path
from netkg.web.published import Published

if TYPE_CHECKING:
    from netkg.report.national import NationalView

WEB = Path(__file__).parent
TEMPLATES = WEB / "templates"
STATIC = WEB / "static"

LABELS = (SKOS.prefLabel, RDFS.label, FOAF.name, DCTERMS.title)
DEFINITIONS = (SKOS.definition, DCTERMS.description, RDFS.comment)
LANGUAGES = ("en", "da")
INCOMING_SHOWN = 300
_NESTING = 3
_ONTOLOGY_GRAPH = GRAPH["ontology"]
_INFERRED = INFERRED_GRAPH
INCOMING_OPEN = 12  # a group of links with at most this many is shown unfolded


class Links:
    """Where links on a page point: `/path` on the server, relative `.html` files on a site."""

    def __init__(self, published: Published, static_site: bool, here: str = "index.html") -> None:
        self.published = published
        self.static_site = static_site
        self.here = here

    def at(self, here: str) -> Links:
        """The same links, seen from another page of a static site."""
        return Links(self.published, self.static_site, here)

    def page(self, path: str, fragment: str = "") -> str:
        """A page: a resource path, '' (home), 'ontology' or 'sparql'."""
        target = (path or "index") + ".html" if self.static_site else path
        return self._href(target) + (f"#{quote(fragment)}" if fragment else "")

    def file(self, path: str) -> str:
        """A file: static assets, dumps, a resource's RDF forms."""
        return self._href(path)

    def iri(self, iri: str) -> str | None:
        """An href for an IRI: local for what is published here, the IRI itself elsewhere."""
        path = local_path(iri)
        if path is None:
            return iri if iri.startswith(("http://", "https://")) else None
        base, _, fragment = iri.partition("#")
        if path == "":
            return self.page("")
        if base == str(ONTOLOGY):
            return self.page("ontology", fragment)
        if base in self.published.resources:
            return self.page(local_path(base) or "", fragment)
        if path.startswith(DUMPS_PATH) and path[len(DUMPS_PATH) :] in DUMPS:
            return self.file(path)
        if iri == str(ENDPOINT):
            return self.page("sparql")
        return None

    def _href(self, target: str) -> str:
        if not self.static_site:
            return "/" + quote(target)
        start = posixpath.dirname(self.here) or "."
        return quote(posixpath.relpath(target, start))


@dataclass
class Shown:
    """An RDF term as a page shows it."""

    kind: str  # iri | literal | bnode
    text: str
    href: str | None = None
    title: str = ""
    pname: str = ""  # a labelled IRI's prefixed name, shown where the label alone is ambiguous
    show_pname: bool = False
    lang: str | None = None
    datatype: str = ""
    rows: list[Row] = field(default_factory=list)  # a blank node's own properties


@dataclass
class Quoted:
    """A quote behind a fact, shown beside the value: the words, the document they are quoted
    from, the day its text was read, and the evidence node (its own page). `anchor` is set on
    the quote's first showing on a page; a later fact it supports refers back to it (`again`)."""

    quote: str
    lang: str | None
    source: Shown
    accessed: str
    evidence: Shown
    inference: str = ""  # for a derived fact: how the value follows from the quote
    anchor: str = ""
    again: bool = False


@dataclass
class Value:
    """A property's value; `inferred` when only OWL 2 RL reasoning (graph/inferred) states it;
    `support` how the fact is supported, as the build recorded it in graph/support (quoted,
    derived, only in netkg's brief), empty for what is no fact (labels, notes, sources);
    `quotes` the quotes behind it, shown beside it."""

    term: Shown
    inferred: bool = False
    support: Shown | None = None
    quotes: list[Quoted] = field(default_factory=list)


@dataclass
class Row:
    """One property of a resource and its values."""

    property: Shown
    values: list[Value]


@dataclass
class Supported:
    """A fact an evidence node supports, and how (its page lists them)."""

    subject: Shown
    property: Shown
    value: Shown | None
    support: Shown


@dataclass
class Part:
    """A hash IRI described on its base resource's page (e.g. the dataset's distributions)."""

    anchor: str
    iri: str
    title: str
    rows: list[Row]


@dataclass
class Incoming:
    """A link to the resource from another one."""

    subject: Shown
    property: Shown
    inferred: bool
    kind: str = ""  # what the linking resource is (netkg.web.kinds), e.g. "Networks"


@dataclass
class IncomingGroup:
    """The links to a resource through one property, shown as one collapsible section."""

    property: Shown
    links: list[Incoming]
    inferred: bool  # every link of the group is inferred
    open: bool  # shown unfolded: a small group, or the only one


@dataclass
class NationalRow:
    """One municipality on a codebook variable's page (netkg.report.national)."""

    municipality: Shown
    code: str
    state: str
    state_label: str
    value: str
    quote: str
    source: str
    searches: str


@dataclass
class National:
    """A codebook variable across every municipality: counts by state, rows by region."""

    counts: list[tuple[str, str, int]]  # state, its label, municipalities
    regions: list[tuple[str, list[NationalRow]]]
    total: int


@dataclass
class IndexEntry:
    """A resource on the home page and in its search index: `municipality` names the
    municipality it belongs to (its own namespace, or the one a document describes);
    `described` says of a municipality whether netkg describes it or only lists it."""

    label: str
    href: str
    path: str
    other_labels: list[str]
    kind: Kind
    municipality: str = ""
    described: bool | None = None


class Renderer:
    """Renders the published dataset's pages (HTML) and resources' RDF forms."""

    def __init__(
        self,
        published: Published,
        static_site: bool,
        endpoint: str | None,
        endpoint_given: bool = False,
        local_endpoint: str | None = None,
    ) -> None:
        self.published = published
        self.graph = published.graph
        self.static_site = static_site
        self.endpoint = endpoint
        self.endpoint_given = endpoint_given  # `netkg site --endpoint`: the page asks no other
        self.local_endpoint = local_endpoint or LOCAL_ENDPOINT
        self.links = Links(published, static_site)
        self.env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["language_names"] = {"en": "English", "da": "Dansk"}
        self._labels: dict[str, dict[str, str]] = {}
        self._kinds: dict[str, Kind] = {}
        self._ontology_html: str | None = None

    # pages ----------------------------------------------------------------------------------

    def page_file(self, iri: str) -> str:
        """The site file of a resource's page, e.g. id/albertslund/x.html."""
        return f"{local_path(iri)}.html"

    def resource_page(self, iri: str) -> str:
        links = self.links.at(self.page_file(iri))
        path = local_path(iri) or ""
        labels = self._labels_by_language(iri)
        rows = self._rows(URIRef(iri), links)
        parts = [
            Part(
                anchor=h.partition("#")[2],
                iri=h,
                title=self.label(h) or short_iri(h),
                rows=self._rows(URIRef(h), links),
            )
            for h in self.published.fragments.get(iri, [])
        ]
        _place_quotes([*rows, *(row for part in parts for row in part.rows)])
        incoming, total = self._incoming(iri, links)
        groups = _grouped(incoming)
        supported = self._supported(iri, links)
        types = [
            self._shown(o, links) for o in self._objects(URIRef(iri), RDF.type, asserted_only=True)
        ]
        forms = [
            (form.label, links.file(f"{path}.{form.suffix}"), form.media_type) for form in RDF_FORMS
        ]
        national = self._national(iri, links) if self.kind(iri).key == "codebook" else None
        return self._render(
            "resource.html",
            links,
            national=national,
            iri=iri,
            title=self.label(iri) or short_iri(iri),
            labels=labels,
            types=types,
            rows=rows,
            parts=parts,
            incoming=incoming,
            incoming_groups=groups,
            incoming_total=total,
            supported=supported,
            forms=forms,
        )

    @cached_property
    def national_view(self) -> NationalView:
        """Every municipality on every codebook variable, computed once per renderer."""
        from netkg.report.national import national

        return national(self.graph)

    def _national(self, iri: str, links: Links) -> National | None:
        """The variable's page section: each municipality's state, value and quote, by region."""
        view = self.national_view
        if not any(v.iri == iri for v in view.variables):
            return None
        regions = []
        for region, municipalities in view.by_region():
            rows = []
            for municipality, _label, code, cells in municipalities:
                for cell in cells:
                    if cell.variable.iri != iri:
                        continue
                    rows.append(
                        NationalRow(
                            self._shown(URIRef(municipality), links),
                            code,
                            cell.state,
                            cell.state_label,
                            cell.value,
                            cell.quote,
                            cell.source,
                            cell.searches,
                        )
                    )
            regions.append((region, rows))
        counts = view.counts()[iri]
        return National(
            [(s, view.state_labels.get(s, s), n) for s, n in counts.items()],
            regions,
            len(view.municipalities),
        )

    def index_page(self) -> str:
        links = self.links.at("index.html")
        entries = self.index_entries(links)
        by_kind: dict[Kind, list[IndexEntry]] = {}
        for entry in entries:
            by_kind.setdefault(entry.kind, []).append(entry)
        groups = [(kind, by_kind[kind]) for kind in ordered(by_kind)]
        towns = [e for e in entries if e.described is not None]
        return self._render(
            "index.html",
            links,
            title="netkg",
            described=[e for e in towns if e.described],
            listed=[e for e in towns if not e.described],
            dataset_titles=self._labels_by_language(str(DATASET), (DCTERMS.title,)),
            groups=groups,
            resources=len(self.published.resources),
            triples=self.published.triples,
            dumps=[(name, links.file(DUMPS_PATH + name), DUMPS[name]) for name in DUMPS],
            # JSON inside <script>: '<' escaped so no text can close the element
            search_index=json.dumps(
                search_index(entries), ensure_ascii=False, separators=(",", ":")
            ).replace("<", "\\u003c"),
        )

    def index_entries(self, links: Links) -> list[IndexEntry]:
        """Every published resource with its label, link and kind, in label order."""
        entries = []
        described = self.described_municipalities
        for iri in self.published.resources:
            label = self.label(iri) or short_iri(iri)
            others = [v for v in dict.fromkeys(self._label_map(iri).values()) if v != label]
            kind = self.kind(iri)
            entries.append(
                IndexEntry(
                    label=label,
                    href=links.iri(iri) or "",
                    path=local_path(iri) or "",
                    other_labels=others,
                    kind=kind,
                    municipality=self.municipality_of(iri),
                    described=(iri in described) if kind.key == "municipalities" else None,
                )
            )
        return sorted(entries, key=lambda e: (e.label.casefold(), e.path))

    @cached_property
    def described_municipalities(self) -> frozenset[str]:
        """The municipalities with a graph of their own (the build's description names them,
        dct:subject); the others are only listed (code, name, region)."""
        from netkg.pipeline.derived.describe import DESCRIPTION_GRAPH

        town = str(GRAPH["municipality/"])
        return frozenset(
            str(m)
            for g, _, m, _ in self.graph.quads(None, DCTERMS.subject, None, DESCRIPTION_GRAPH)
            if str(g).startswith(town)
        )

    def municipality_of(self, iri: str) -> str:
        """The name of the municipality a resource belongs to: the one whose namespace it is in
        (id/gentofte/…), or the one a document describes; '' for none (or a municipality)."""
        own = self._town(iri)
        if own:
            return self.label(own)
        towns = {
            str(o) if str(o).startswith(MUN_NS) else self._town(str(o))
            for _, _, o, _ in self.graph.quads(URIRef(iri), NKG.describes)
        }  # a document: the municipalities it describes, or whose things it describes
        return " · ".join(sorted(self.label(m) for m in towns if m and m != iri))

    def _town(self, iri: str) -> str:
        """The described municipality whose own namespace (id/<name>/) holds the IRI, or ''."""
        if not iri.startswith(str(ID)):
            return ""
        name = iri[len(str(ID)) :].partition("/")[0]
        town = f"{MUN_NS}{name}"
        return town if town in self.described_municipalities else ""  # (alb: is Albertslund's)

    def kind(self, iri: str) -> Kind:
        """What the resource is (netkg.web.kinds), from its asserted and inferred types."""
        if iri not in self._kinds:
            quads = self.graph.quads(URIRef(iri), RDF.type)
            types = {str(o) for _, _, o, _ in quads if isinstance(o, URIRef)}
            self._kinds[iri] = kind_of(types)
        return self._kinds[iri]

    def sparql_page(self, as_of: str | None = None) -> str:
        links = self.links.at("sparql.html")
        endpoint = self.endpoint if self.static_site else "/sparql"
        entries = catalogue_entries(as_of, self.known_values)
        config = {
            "endpoint": endpoint,
            # a static site names the endpoint it was written for; without --endpoint the page
            # tries a local `netkg serve` first when opened from disk or localhost
            "endpointGiven": self.endpoint_given,
            "localEndpoint": self.local_endpoint if self.static_site else None,
            "catalogue": entries,
            "asOf": as_of,
            "localBase": None if self.static_site else BASE,
            # longest namespace first: the results table abbreviates with the first that fits
            "prefixes": dict(sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))),
            # the results also print each municipality's own names as netkg does (gentofte:x)
            "resultPrefixes": self.result_prefixes,
            # how a printed name reads back (netkg.iris.expand): a municipality's own prefix
            "idBase": str(ID),
            "idKinds": sorted(ID_KINDS | {"id"}),
            "municipalities": [slug for slug, _ in self.known_values.get("mun", [])],
            # completed in the editor locally: netkg's classes and properties, in full and as
            # prefixed names (a query that declares the prefix gets the short form)
            "terms": self.editor_terms,
        }
        return self._render(
            "sparql.html",
            links,
            title="SPARQL",
            catalogue=entries,
            sparql_endpoint=endpoint,
            as_of=as_of,
            # JSON inside <script>: '<' escaped so no text can close the element
            config=json.dumps(config, ensure_ascii=False).replace("<", "\\u003c"),
        )

    @cached_property
    def result_prefixes(self) -> dict[str, str]:
        """netkg's prefixes and each municipality's own (`gentofte:` for id/gentofte/), longest
        namespace first: the results table shortens IRIs as netkg.iris.compact does."""
        own = {
            slug: f"{ID}{slug}/"
            for slug, _ in self.known_values.get("mun", [])
            if slug not in PREFIXES and f"{ID}{slug}/" not in PREFIXES.values()
        }
        both = {**own, **PREFIXES}
        return dict(sorted(both.items(), key=lambda kv: (-len(kv[1]), kv[0])))

    @cached_property
    def editor_terms(self) -> dict[str, list[str]]:
        """The classes and properties the query editor completes (queries/internal/
        editor-terms.rq), each in full and, where netkg knows its prefix, as a prefixed name."""
        found: dict[str, list[str]] = {"class": [], "property": []}
        table = self.graph.answer("editor-terms").table
        for term, kind in table.rows if table is not None else []:
            names = [str(term)]
            short_name = short(term)
            if short_name != str(term):
                names.append(short_name)
            found.setdefault(str(kind), []).extend(names)
        return {kind: sorted(set(names)) for kind, names in found.items()}

    @cached_property
    def known_values(self) -> dict[str, list[tuple[str, str]]]:
        """For each namespace a catalogue parameter names (ns=mun, …), the values offered in
        the query page's boxes: the instances of PARAM_CLASSES[ns], by local name and name."""
        found: dict[str, list[tuple[str, str]]] = {}
        for prefix, cls in PARAM_CLASSES.items():
            namespace = PREFIXES[prefix]
            table = self.graph.answer("param-values", **{"class": str(cls)}).table
            found[prefix] = [
                (str(value)[len(namespace) :], str(label or ""))
                for value, label in (table.rows if table is not None else [])
                if str(value).startswith(namespace)
            ]
        return found

    def data_model_page(self) -> str:
        """How the main classes connect (netkg.web.datamodel): the diagram and the links."""
        from netkg.iris import expand
        from netkg.web.datamodel import EDGES, GROUPS

        links = self.links.at("data-model.html")

        def shown(name: str) -> Shown:
            found = self._shown(URIRef(expand(name) or name), links)
            found.show_pname = True
            return found

        groups = [
            (
                title,
                [
                    (shown(e.subject), shown(e.property), shown(e.object), e.note)
                    for e in EDGES
                    if e.group == key
                ],
            )
            for key, title in GROUPS.items()
        ]
        return self._render("data-model.html", links, title="Data model", groups=groups)

    def not_found_page(self, path: str) -> str:
        return self._render("notfound.html", self.links, title="Not found", path=path)

    def ontology_page(self) -> str:
        """pyLODE's documentation of graph/ontology, made once."""
        if self._ontology_html is None:
            from netkg.web.ontodoc import ontology_html

            links = self.links.at("ontology.html")
            nav = self.env.get_template("nav.html").render(
                links=links, version=__version__, dataset_href=links.iri(str(DATASET)), compact=True
            )
            self._ontology_html = ontology_html(
                self.ontology_graph, links.iri, nav=nav, title="netkg ontology"
            )
        return self._ontology_html

    # RDF -------------------------------------------------------------------------------------

    @cached_property
    def ontology_graph(self) -> Graph:
        return self.named_graph(str(_ONTOLOGY_GRAPH))

    def named_graph(self, name: str) -> Graph:
        """One named graph of the published store, as an rdflib Graph."""
        return self._graph(self.graph.quads(graph=URIRef(name)))

    def resource_graph(self, iri: str) -> Graph:
        """The concise bounded description of a resource (and its hash IRIs)."""
        subjects: list[Node] = [URIRef(iri)]
        subjects += [URIRef(h) for h in self.published.fragments.get(iri, [])]
        seen: set = set()
        quads = []
        while subjects:
            subject = subjects.pop()
            if subject in seen:
                continue
            seen.add(subject)
            for quad in self.graph.quads(subject):
                quads.append(quad)
                if isinstance(quad[2], BNode):
                    subjects.append(quad[2])
        return self._graph(quads)

    def rdf(self, graph: Graph, suffix: str) -> bytes:
        """A graph in one of the RDF forms (by file suffix)."""
        return serialize_graph(graph, FORM_BY_SUFFIX[suffix].suffix)

    # labels ----------------------------------------------------------------------------------

    def label(self, iri: str, lang: str = "en") -> str:
        """A resource's label in `lang`, else English, Danish, untagged, any; '' if none."""
        labels = self._label_map(iri)
        for key in (lang, *LANGUAGES, ""):
            if key in labels:
                return labels[key]
        return next(iter(labels.values()), "")

    def _label_map(self, iri: str) -> dict[str, str]:
        if iri not in self._labels:
            found: dict[str, str] = {}
            node = URIRef(iri)
            for predicate in LABELS:
                for value in _in_order(self.graph.quads(node, predicate)):
                    if isinstance(value, Literal):
                        found.setdefault(value.language or "", str(value))
            if not found:  # a quote (nkg:Evidence) is named by its opening words
                for _, _, value, _ in self.graph.quads(node, NKG.quote):
                    words = textwrap.shorten(str(value), 60, placeholder="…")
                    found.setdefault(getattr(value, "language", None) or "", f"“{words}”")
            self._labels[iri] = found
        return self._labels[iri]

    def _labels_by_language(
        self, iri: str, predicates: Iterable = LABELS
    ) -> list[tuple[str, list[str]]]:
        """(language, labels) pairs, English and Danish first, for a page's heading."""
        by_lang: dict[str, list[str]] = {}
        node = URIRef(iri)
        for predicate in predicates:
            for value in _in_order(self.graph.quads(node, predicate)):
                if isinstance(value, Literal):
                    values = by_lang.setdefault(value.language or "", [])
                    if str(value) not in values:
                        values.append(str(value))
        order = {lang: i for i, lang in enumerate(LANGUAGES)}
        return sorted(by_lang.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))

    # building blocks -------------------------------------------------------------------------

    def _rows(self, subject: Node, links: Links, depth: int = 0) -> list[Row]:
        by_property: dict[str, dict[Node, bool]] = {}
        for _, prop, value, graph in self.graph.quads(subject):
            values = by_property.setdefault(str(prop), {})
            inferred = graph == _INFERRED
            values[value] = values.get(value, True) and inferred
        support = self._support(subject, links) if isinstance(subject, URIRef) else {}
        rows = []
        for predicate in sorted(by_property, key=self._property_order):
            shown = []
            for term, inferred in by_property[predicate].items():
                kind, quotes = support.get(
                    (predicate, None if isinstance(term, BNode) else term), (None, [])
                )
                shown.append(Value(self._shown(term, links, depth), inferred, kind, quotes))
            shown.sort(key=_value_order)
            texts = [v.term.text for v in shown]
            for v in shown:
                v.term.show_pname = texts.count(v.term.text) > 1
            rows.append(Row(self._property(predicate, links), shown))
        return rows

    def _support(
        self, subject: URIRef, links: Links
    ) -> dict[tuple[str, Node | None], tuple[Shown, list[Quoted]]]:
        """(property, value) → the kind of support the build recorded for that fact and the
        quotes it rests on (a blank node value is recorded without its value, so it is keyed
        by None)."""
        found: dict[tuple[str, Node | None], tuple[Shown, list[Quoted]]] = {}
        for record, _, _, _ in self.graph.quads(None, NKG.factSubject, subject, SUPPORT_GRAPH):
            prop = next((o for _, _, o, _ in self.graph.quads(record, NKG.factProperty)), None)
            kind = next((o for _, _, o, _ in self.graph.quads(record, NKG.supportKind)), None)
            value = next((o for _, _, o, _ in self.graph.quads(record, NKG.factValue)), None)
            if prop is not None and isinstance(kind, URIRef):
                evidence = sorted(
                    {o for _, _, o, _ in self.graph.quads(record, NKG.supportedBy)}, key=str
                )
                quotes = [q for e in evidence for q in self._quotes(e, links)]
                found[(str(prop), value)] = (self._kind(kind, links), quotes)
        return found

    def _quotes(self, evidence: Node, links: Links) -> list[Quoted]:
        """The quotes of an evidence node, each with its document and the day it was read."""
        source = next((o for _, _, o, _ in self.graph.quads(evidence, PROV_QUOTED_FROM)), None)
        accessed = (
            next((o for _, _, o, _ in self.graph.quads(source, NKG.accessed)), None)
            if source is not None
            else None
        )
        inference = " ".join(
            sorted(str(o) for _, _, o, _ in self.graph.quads(evidence, NKG.inference))
        )
        found = []
        for _, _, words, _ in self.graph.quads(evidence, NKG.quote):
            if not isinstance(words, Literal):
                continue
            found.append(
                Quoted(
                    str(words),
                    words.language,
                    self._shown(source, links) if source is not None else Shown("literal", ""),
                    "" if accessed is None else str(accessed),
                    self._shown(evidence, links),
                    inference,
                )
            )
        return sorted(found, key=lambda q: (q.quote, q.source.text))

    def _supported(self, iri: str, links: Links) -> list[Supported]:
        """The facts an evidence node supports, as the build recorded them (graph/support)."""
        found = []
        for record, _, _, _ in self.graph.quads(None, NKG.supportedBy, URIRef(iri), SUPPORT_GRAPH):

            def one(p: URIRef, record: Node = record) -> Node | None:
                return next((o for _, _, o, _ in self.graph.quads(record, p)), None)

            subject, prop, kind = one(NKG.factSubject), one(NKG.factProperty), one(NKG.supportKind)
            value = one(NKG.factValue)
            if subject is None or prop is None or not isinstance(kind, URIRef):
                continue
            found.append(
                Supported(
                    self._shown(subject, links),
                    self._property(str(prop), links),
                    None if value is None else self._shown(value, links),
                    self._kind(kind, links),
                )
            )
        # names can repeat: the IRI (title) after the name, so every store gives one order
        return sorted(
            found,
            key=lambda f: (
                f.subject.text,
                f.subject.title,
                f.property.text,
                _shown_key(f.value),
                "" if f.value is None else f.value.title,
            ),
        )

    def _kind(self, kind: URIRef, links: Links) -> Shown:
        """A kind of support as a small mark: its label, a link to its definition."""
        shown = self._shown(kind, links)
        shown.kind = "support"
        shown.pname = str(kind).rsplit("#", 1)[-1]  # e.g. supportDerived, for the page's style
        return shown

    def _property_order(self, predicate: str) -> tuple[int, str]:
        special = [str(p) for p in LABELS] + [str(RDF.type)] + [str(p) for p in DEFINITIONS]
        if predicate in special:
            return (special.index(predicate), "")
        return (len(special), (self.label(predicate) or short_iri(predicate)).casefold())

    def _objects(
        self, subject: URIRef, predicate: URIRef, asserted_only: bool = False
    ) -> list[Node]:
        found: list[Node] = []
        for _, _, value, graph in self.graph.quads(subject, predicate):
            if asserted_only and graph == _INFERRED:
                continue
            if value not in found:
                found.append(value)
        return sorted(found, key=_term_order)  # the store's order is its own

    def _incoming(self, iri: str, links: Links) -> tuple[list[Incoming], int]:
        seen: dict[tuple[str, str], bool] = {}
        for subject, predicate, _, graph in self.graph.quads(None, None, URIRef(iri)):
            if not isinstance(subject, URIRef) or str(subject) == iri:
                continue
            key = (str(subject), str(predicate))
            inferred = graph == _INFERRED
            seen[key] = seen.get(key, True) and inferred
        ranked = sorted(  # by name, then IRI: the same order from any store
            seen.items(),
            key=lambda kv: (kv[1], (self.label(kv[0][0]) or short_iri(kv[0][0])).casefold(), kv[0]),
        )
        shown = [
            Incoming(
                self._shown(URIRef(s), links),
                self._property(p, links),
                inferred,
                self.kind(s).title,
            )
            for (s, p), inferred in ranked[:INCOMING_SHOWN]
        ]
        return shown, len(seen)

    def _property(self, iri: str, links: Links) -> Shown:
        shown = self._shown(URIRef(iri), links)
        shown.show_pname = True
        return shown

    def _shown(self, term: Node, links: Links, depth: int = 0) -> Shown:
        if isinstance(term, URIRef):
            iri = str(term)
            label = self.label(iri)
            pname = short_iri(iri)
            if not label:
                return Shown("iri", pname, links.iri(iri), iri)
            return Shown("iri", label, links.iri(iri), pname, pname=pname)
        if isinstance(term, BNode):
            rows = self._rows(term, links, depth + 1) if depth < _NESTING else []
            return Shown("bnode", "", rows=rows)
        if isinstance(term, Literal):
            datatype = str(term.datatype or XSD.string)
            shown_type = "" if datatype in _PLAIN_TYPES or term.language else short_iri(datatype)
            return Shown("literal", str(term), lang=term.language, datatype=shown_type)
        return Shown("literal", str(term))

    def _graph(self, quads: Iterable[Quad]) -> Graph:
        graph = Graph()
        bind_prefixes(graph)
        for s, p, o, _ in quads:
            graph.add((s, p, o))
        return graph

    def _render(self, template: str, links: Links, **context: object) -> str:
        return self.env.get_template(template).render(
            links=links,
            version=__version__,
            license=str(LICENSE),
            dataset_href=links.iri(str(DATASET)),
            endpoint=self.endpoint,
            static_site=self.static_site,
            **context,
        )


MUN_NS = PREFIXES["mun"]
# Vocabularies of the dataset description (describe.py) that netkg.iris has no prefix for.
_DESCRIPTION_PREFIXES = {"void": str(VOID), "dcat": str(DCAT)}
_PLAIN_TYPES = {XSD_STRING, RDF_LANGSTRING}
_LANG_RANK = {lang: i for i, lang in enumerate(LANGUAGES)}


PROV_QUOTED_FROM = URIRef(PREFIXES["prov"] + "wasQuotedFrom")


def _place_quotes(rows: list[Row]) -> None:
    """Give each quote an anchor where the page first shows it, and mark its later showings
    (another fact it supports) to refer back there instead of repeating the words."""
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        for value in row.values:
            for quoted in value.quotes:
                key = (quoted.evidence.title or quoted.evidence.text, quoted.quote)
                if key in seen:
                    quoted.anchor, quoted.again = seen[key], True
                else:
                    quoted.anchor = seen[key] = f"quote-{len(seen) + 1}"


def _in_order(quads: Iterable[tuple[Node, Node, Node, Node | None]]) -> list[Node]:
    """The objects of some quads by their text: each store yields them in its own order."""
    return sorted((o for _, _, o, _ in quads), key=lambda o: (str(o), o.n3()))


def _shown_key(shown: Shown | None) -> str:
    return "" if shown is None else shown.text


def _value_order(value: Value) -> tuple:
    term = value.term
    rank = _LANG_RANK.get(term.lang or "", len(_LANG_RANK))
    # the IRI after the name: two resources can share a name, and the store's order is its own
    return (
        value.inferred,
        rank,
        term.text.casefold(),
        term.text,
        term.title,
        term.datatype,
        _content(term),
    )


def _term_order(term: Node) -> tuple[int, str]:
    """IRIs, then literals, then blank nodes, each by its text: the same order from any store."""
    rank = 0 if isinstance(term, URIRef) else 2 if isinstance(term, BNode) else 1
    return (rank, str(term))


def _content(shown: Shown) -> str:
    """What a blank node shows (its properties and values): blank nodes have no text, and
    their labels differ from build to build, so this is what orders them the same way."""
    return "\n".join(
        f"{row.property.text}: " + " | ".join(v.term.text + _content(v.term) for v in row.values)
        for row in shown.rows
    )


def _grouped(incoming: list[Incoming]) -> list[IncomingGroup]:
    """Links by property (asserted before inferred, then by property name); within a group by
    the kind of the linking resource, then its name."""
    by_property: dict[str, list[Incoming]] = {}
    for link in incoming:
        by_property.setdefault(link.property.title or link.property.text, []).append(link)
    groups = []
    for links in by_property.values():
        links.sort(
            key=lambda link: (
                link.inferred,
                link.kind,
                link.subject.text.casefold(),
                link.subject.title,  # the IRI's prefixed name: names can repeat
            )
        )
        inferred = all(link.inferred for link in links)
        groups.append(IncomingGroup(links[0].property, links, inferred, False))
    groups.sort(key=lambda g: (g.inferred, g.property.text.casefold()))
    for group in groups:
        group.open = len(groups) == 1 or len(group.links) <= INCOMING_OPEN
    return groups


def search_index(entries: list[IndexEntry]) -> list[dict[str, str]]:
    """The home page's search index: label, other labels, kind (a municipality's says whether
    netkg describes it or only lists it), the municipality it belongs to, link and path."""
    return [
        {
            "label": e.label,
            "also": " · ".join(e.other_labels),
            "kind": e.kind.title
            + ("" if e.described is None else " (described)" if e.described else " (listed only)"),
            "municipality": e.municipality,
            "href": e.href,
            "path": e.path,
        }
        for e in entries
        if e.kind.searchable
    ]


def short_iri(iri: str) -> str:
    """A prefixed name where netkg (or the dataset description) knows the prefix, else the IRI."""
    for prefix, namespace in _DESCRIPTION_PREFIXES.items():
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local.replace("-", "").replace("_", "").isalnum():
            return f"{prefix}:{local}"
    return short(URIRef(iri))


def catalogue_entries(
    as_of: str | None = None, known: dict[str, list[tuple[str, str]]] | None = None
) -> list[dict[str, object]]:
    """The catalogue's queries for the SPARQL editor: each file as it stands, which runs on any
    endpoint with its defaults (its `# defaults` line; see netkg.query.catalogue), and its
    parameters for the page's boxes (name, type, default, namespace, the values `known` offers
    for that namespace), so that the page rewrites that line from what is typed. With `as_of`,
    a query that takes asOf gets its parameters bound as a VALUES block, that day included."""
    from netkg.query.catalogue import load_catalogue
    from netkg.rdf.binding import bind_values

    known = known or {}
    entries: list[dict[str, object]] = []
    for query in load_catalogue().values():
        text = query.source
        if as_of and any(p.name == "asOf" for p in query.params):
            text = bind_values(query.text, query.bindings({"asOf": as_of}))
        entries.append(
            {
                "name": query.name,
                "title": query.title or query.name,
                "question": query.question,
                "kind": query.kind,
                "query": text,
                "source": query.source,
                "defaultsLine": query.defaults_line,
                "params": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "default": p.default or "",
                        "ns": p.namespace or "",
                        "required": p.required,
                        "description": p.description,
                        "values": [
                            {"value": v, "label": label}
                            for v, label in (
                                known.get(p.namespace or "", [])
                                if p.type == "iri"
                                else LANGUAGES_OFFERED
                                if p.name == "lang"
                                else []
                            )
                        ],
                    }
                    for p in query.params
                ],
            }
        )
    return entries


# the class whose instances a parameter of a namespace is asked about (the boxes' values)
PARAM_CLASSES = {
    "mun": NKG.Municipality,
    "vocab": NKG.CoCreationTypology,
    "codebook": NKG.CodebookVariable,
    "nkg": NKG.LegalInstrument,
}
LANGUAGES_OFFERED = [("en", "English"), ("da", "Dansk")]
# where `netkg serve` answers by default: a static site's query page tries it first
LOCAL_ENDPOINT = "http://127.0.0.1:8000/sparql"
