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
import os
import re
import subprocess
import sys
from collections.abc import Callable

from rdflib import Graph, Literal
from rdflib.namespace import DC, DCTERMS, RDFS, SKOS

from netkg.iris import BASE, NKG
from netkg.rdf.store import serialize_graph

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
    """OntPub's HTML, made in a child process with a fixed hash seed.

    pyLODE walks Python sets, whose order changes with each process's string-hash salt, so the
    same ontology would give a different page each run; the child's PYTHONHASHSEED=0 fixes the
    order. The child also keeps pyLODE's import-time logging set-up out of this process.
    """
    done = subprocess.run(
        [sys.executable, "-m", "netkg.web.ontodoc"],
        input=serialize_graph(graph, "nt"),
        capture_output=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"pyLODE failed: {message[-1] if message else done.returncode}")
    return done.stdout.decode("utf-8")


def _pylode_here(ntriples: bytes) -> str:
    """OntPub's HTML for an N-Triples ontology, in this process."""
    from pylode import OntPub  # configures the root logger at DEBUG on import
    from pylode import utils as pylode_utils

    logging.getLogger().setLevel(logging.WARNING)
    # pyLODE 3.3.4 collects the members of a union/intersection in a set of HTML elements,
    # which iterates in memory-address order; its one caller hands the set to intersperse()
    original = pylode_utils.intersperse
    pylode_utils.intersperse = lambda items, sep: original(sorted(items, key=str), sep)
    graph = Graph().parse(data=ntriples, format="nt", bnode_context=_SameLabels())
    return str(OntPub(ontology=graph).make_html())


class _SameLabels(dict):
    """An rdflib bnode_context that keeps each blank node's (canonical) label instead of
    drawing a random one, so pyLODE meets the same nodes in every run."""

    def get(self, key: str, default: object = None) -> str:
        return key


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


def _language_rank(value: Literal) -> tuple[int, str, str]:
    lang = value.language or ""
    rank = _LANG_ORDER.index(lang) if lang in _LANG_ORDER else len(_LANG_ORDER)
    return (rank, lang, str(value))  # the text breaks ties: graph order varies by run


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


if __name__ == "__main__":  # python -m netkg.web.ontodoc < ontology.nt > ontology.html
    sys.stdout.write(_pylode_here(sys.stdin.buffer.read()))
