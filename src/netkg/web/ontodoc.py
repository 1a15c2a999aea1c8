"""The ontology's human documentation, made by pyLODE (OntPub profile), for serve and site.

pyLODE is given a copy of graph/ontology in which each term's labels and titles in several
languages are joined into one ("Network · Netværk"): pyLODE would otherwise run them together
("NetværkNetwork"). Its page is then adjusted so that it works where netkg is published: every
term also gets an anchor named by its local name (so `…/ontology#Network` lands on it), links to
netkg IRIs point to the local pages, and a small bar links back to the rest of the site. pyLODE
makes no network access with the OntPub profile (tests/test_site.py checks).
"""

from __future__ import annotations

import html as html_lib
import logging
import re
from collections.abc import Callable

from rdflib import Graph, Literal
from rdflib.namespace import DC, DCTERMS, RDFS, SKOS

from netkg.iris import BASE, NKG

_JOINED = (RDFS.label, SKOS.prefLabel, DCTERMS.title, DC.title)
_LANG_ORDER = ("en", "da")
_ENTITY = re.compile(
    r'<div class="property entity" id="(?P<id>[^"]+)">(?P<head>.*?)<code>(?P<iri>[^<]+)</code>',
    re.S,
)
_HREF = re.compile(r'href="(?P<iri>' + re.escape(BASE) + r'[^"]*)"')


def ontology_html(
    ontology: Graph, link: Callable[[str], str | None], nav: str = "", title: str = ""
) -> str:
    """pyLODE's page for the ontology; `link` maps a netkg IRI to a local href (or None)."""
    page = _pylode(_joined_labels(ontology))
    page = _term_anchors(page)
    page = _HREF.sub(lambda m: _local_href(m, link), page)
    if title:
        page = re.sub(
            r"<title>.*?</title>", f"<title>{html_lib.escape(title)}</title>", page, count=1
        )
    if nav:
        page = page.replace("<body>", "<body>\n" + nav, 1)
    return page


def _pylode(graph: Graph) -> str:
    """OntPub's HTML, keeping pyLODE's import-time logging set-up out of this process."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        from pylode import OntPub  # configures the root logger at DEBUG on import
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    return OntPub(ontology=graph).make_html()


def _joined_labels(ontology: Graph) -> Graph:
    """A copy in which a subject's labels in several languages are one literal, English first."""
    copy = Graph()
    for prefix, ns in ontology.namespaces():
        copy.bind(prefix, ns)
    for triple in ontology:
        copy.add(triple)
    for predicate in _JOINED:
        for subject in set(copy.subjects(predicate, None)):
            values = [v for v in copy.objects(subject, predicate) if isinstance(v, Literal)]
            if len({v.language for v in values}) < 2:
                continue
            values.sort(key=_language_rank)
            copy.remove((subject, predicate, None))
            copy.add((subject, predicate, Literal(" · ".join(dict.fromkeys(map(str, values))))))
    return copy


def _language_rank(value: Literal) -> tuple[int, str]:
    lang = value.language or ""
    return (_LANG_ORDER.index(lang) if lang in _LANG_ORDER else len(_LANG_ORDER), lang)


def _term_anchors(page: str) -> str:
    """An empty anchor per netkg term named by its local name, unless that id is taken."""
    taken = set(re.findall(r'\bid="([^"]+)"', page))

    def add(match: re.Match[str]) -> str:
        iri = html_lib.unescape(match.group("iri")).strip()
        local = iri[len(str(NKG)) :] if iri.startswith(str(NKG)) else ""
        if not local or local in taken or not re.fullmatch(r"[A-Za-z_][\w.-]*", local):
            return match.group(0)
        taken.add(local)
        opening = f'<div class="property entity" id="{match.group("id")}">'
        anchor = f'<span id="{local}"></span>'
        return opening + anchor + match.group("head") + f"<code>{match.group('iri')}</code>"

    return _ENTITY.sub(add, page)


def _local_href(match: re.Match[str], link: Callable[[str], str | None]) -> str:
    href = link(html_lib.unescape(match.group("iri")))
    return f'href="{html_lib.escape(href)}"' if href else match.group(0)
