"""`netkg site OUTDIR`: the static site — completeness, parseable RDF, description, atomicity.

"Resource" is what netkg.web.paths says gets a page: every IRI under https://w3id.org/netkg/
that is the subject of a triple in the build, without a fragment or query, other than the
ontology itself (documented by pyLODE at ontology.html). The test derives that set from the
build with rdflib, independently of the code that writes the site.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from netkg import __version__
from netkg.iris import BASE, ONTOLOGY
from netkg.pipeline.derived.describe import DATASET, DUMPS, LICENSE
from netkg.web.site import MARKER, write_site

VOID = "http://rdfs.org/ns/void#"
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # a plain Namespace: pytest probes module names
ENDPOINT = "https://example.org/netkg/sparql"
HAERVAERK = BASE + "id/albertslund/network-haervaerk"
RDF_FILES = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}
SITE_PAGES = {"index.html", "sparql.html", "ontology.html"}


def netkg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "netkg.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def site(graph_file, tmp_path_factory) -> Path:
    """The site as the command writes it."""
    out = tmp_path_factory.mktemp("web") / "site"
    done = netkg("site", str(out), "--graph", str(graph_file), "--endpoint", ENDPOINT)
    assert done.returncode == 0, done.stderr
    assert f"wrote {out}" in done.stdout
    return out


@pytest.fixture(scope="module")
def resources(built) -> set[str]:
    rows = built.store.select(
        f"""SELECT DISTINCT ?s WHERE {{
              GRAPH ?g {{ ?s ?p ?o }}
              FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{BASE}"))
            }}"""
    )
    return {
        str(s)
        for (s,) in rows
        if "#" not in str(s) and "?" not in str(s) and str(s) != str(ONTOLOGY)
    }


def pages(site: Path) -> set[Path]:
    return {
        p
        for p in site.rglob("*.html")
        if p.relative_to(site).as_posix() not in SITE_PAGES and "static" not in p.parts
    }


def test_a_page_per_resource(site, resources):
    expected = {site / f"{iri[len(BASE) :]}.html" for iri in resources}
    assert pages(site) == expected | {site / "data-model.html"}  # the one page of no resource
    # in particular every subject under …/id/
    ids = {iri for iri in resources if iri.startswith(BASE + "id/")}
    assert len([p for p in pages(site) if p.relative_to(site).parts[0] == "id"]) == len(ids)
    assert len(ids) > 100
    assert json.loads((site / MARKER).read_text())["resources"] == len(resources)


def test_every_rdf_form_parses_and_describes_its_resource(site, resources):
    for iri in resources:
        stem = site / iri[len(BASE) :]
        sizes = set()
        for suffix, fmt in RDF_FILES.items():
            graph = Graph().parse(stem.with_name(f"{stem.name}.{suffix}"), format=fmt)
            assert (URIRef(iri), None, None) in graph, (iri, suffix)
            sizes.add(len(graph))
        assert len(sizes) == 1, (iri, sizes)  # the four forms say the same


def test_resource_page_and_rdf_carry_both_labels(site):
    page = (site / "id/albertslund/network-haervaerk.html").read_text()
    assert re.search(r'lang="da"[^>]*>Hærværk<', page)
    assert re.search(r'lang="en"[^>]*>Hærværk \(Vandalism\)<', page)
    for suffix in ("ttl", "jsonld", "nt"):
        assert f'href="network-haervaerk.{suffix}"' in page
    assert 'href="../person/jan-lauge-olsen.html"' in page
    turtle = Graph().parse(site / "id/albertslund/network-haervaerk.ttl")
    assert (URIRef(HAERVAERK), RDFS.label, Literal("Hærværk", lang="da")) in turtle
    assert (URIRef(HAERVAERK), RDFS.label, Literal("Hærværk (Vandalism)", lang="en")) in turtle


def test_relative_links_resolve_and_nothing_loads_from_elsewhere(site):
    for page in site.rglob("*.html"):
        text = page.read_text()
        assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//', text), page
        for href in re.findall(r'(?:href|src)="([^"]+)"', text):
            if re.match(r"^(https?:|data:|mailto:|#)", href):
                continue
            target = (page.parent / unquote(href.split("#")[0])).resolve()
            assert target.is_file(), f"{page.relative_to(site)} links to missing {href}"


def test_void_and_dcat_description(site):
    void = Graph().parse(site / "void.ttl")
    assert (DATASET, RDF.type, URIRef(VOID + "Dataset")) in void
    assert (DATASET, RDF.type, DCAT.Dataset) in void
    assert (DATASET, DCTERMS.license, LICENSE) in void
    assert (DATASET, DCAT.version, Literal(__version__)) in void
    assert (DATASET, URIRef(VOID + "sparqlEndpoint"), URIRef(ENDPOINT)) in void
    service = void.value(None, DCAT.endpointURL, URIRef(ENDPOINT))
    assert (service, DCAT.servesDataset, DATASET) in void
    dumps = set(void.objects(DATASET, URIRef(VOID + "dataDump")))
    assert dumps == {URIRef(f"{BASE}dumps/{name}") for name in DUMPS}
    media = {
        str(void.value(d, DCAT.mediaType)).rsplit("media-types/", 1)[1]
        for d in void.objects(DATASET, DCAT.distribution)
        if void.value(d, DCAT.downloadURL) is not None
    }
    assert {"text/turtle", "application/n-triples", "application/ld+json"} <= media
    # the dataset resource's own page and RDF say the same
    assert (DATASET, URIRef(VOID + "dataDump"), URIRef(BASE + "dumps/netkg.ttl")) in Graph().parse(
        site / "dataset.ttl"
    )


def test_dumps_are_there_and_parse(site, built):
    dataset = Dataset().parse(site / "dumps/netkg.trig", format="trig")
    assert {g.identifier for g in dataset.graphs()} >= set(built.store.graph_names())
    union = {"netkg.ttl": "turtle", "netkg.nt": "nt", "netkg.jsonld": "json-ld"}
    sizes = {len(Graph().parse(site / "dumps" / name, format=fmt)) for name, fmt in union.items()}
    assert len(sizes) == 1 and sizes.pop() > 3000
    assert set(p.name for p in (site / "dumps").iterdir()) == set(DUMPS)


def test_htaccess_negotiates_every_form(site, resources):
    rules = (site / ".htaccess").read_text()
    assert "RewriteEngine On" in rules
    for media, suffix in (
        (r"text/turtle", "ttl"),
        (r"application/ld\+json", "jsonld"),
        (r"application/n-triples", "nt"),
    ):
        assert re.search(
            rf"RewriteCond %{{HTTP_ACCEPT}} {re.escape(media)}\n"
            rf"RewriteCond %{{REQUEST_FILENAME}}\.{suffix} -f\n"
            rf"RewriteRule \^\(\.\+\)\$ \$1\.{suffix} \[END\]",
            rules,
        ), suffix
        for iri in resources:  # the files the rules rewrite to are there
            assert (site / f"{iri[len(BASE) :]}.{suffix}").is_file()
    assert "RewriteRule ^(.+)$ $1.html [END]" in rules
    assert "AddType text/turtle .ttl" in rules


def test_ontology_documentation(site):
    page = (site / "ontology.html").read_text()
    assert "Network-based organisation" in page
    assert 'id="Network"' in page and 'id="ledBy"' in page  # w3id fragments land on terms
    assert "NetværkNetwork" not in page  # labels are not run together
    assert 'href="index.html"' in page
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in Graph().parse(site / "ontology.ttl")


def test_pylode_makes_no_network_access(tmp_path):
    """The documentation is made with every socket connection and name lookup refused."""
    script = """
import socket, sys
tried = []
def refuse(*args, **kwargs):
    tried.append(args)
    raise OSError("network refused in test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from rdflib import Graph
from netkg.pipeline.inputs.layout import root
from netkg.web.ontodoc import ontology_html
page = ontology_html(Graph().parse(root() / "ontology" / "netkg.ttl"), lambda iri: None)
assert "Network-based organisation" in page, "no documentation"
print("attempts:", len(tried))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "attempts: 0" in done.stdout


@pytest.fixture(scope="module")
def small_graph_file(graph_file, tmp_path_factory) -> Path:
    """The build cut to the ontology, vocabularies, Albertslund and the dataset description:
    a whole site of it in seconds, for the tests of how a site is written and replaced."""
    import pyoxigraph as ox

    keep = ("ontology", "imports", "vocabularies", "municipality/0165-albertslund", "dataset")
    names = {f"https://w3id.org/netkg/graph/{name}" for name in keep}
    quads = [
        q
        for q in ox.parse(path=str(graph_file), format=ox.RdfFormat.TRIG)
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in names
    ]
    out = tmp_path_factory.mktemp("small") / "netkg.trig"
    out.write_bytes(ox.serialize(quads, format=ox.RdfFormat.TRIG))
    return out


def test_refuses_a_folder_that_is_not_a_site(small_graph_file, tmp_path):
    graph_file = small_graph_file
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.tex").write_text("do not delete")
    refused = netkg("site", str(out), "--graph", str(graph_file))
    assert refused.returncode == 2
    assert "--force" in refused.stderr
    assert (out / "thesis.tex").read_text() == "do not delete"
    forced = netkg("site", str(out), "--graph", str(graph_file), "--force")
    assert forced.returncode == 0, forced.stderr
    assert not (out / "thesis.tex").exists() and (out / "index.html").is_file()
    again = netkg("site", str(out), "--graph", str(graph_file))  # a netkg site: replaced
    assert again.returncode == 0, again.stderr


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_failure_mid_write_leaves_the_old_site(small_graph_file, tmp_path, monkeypatch):
    from netkg.web.pages import Renderer

    graph_file = small_graph_file
    out = tmp_path / "site"
    write_site(out, graph_file)
    before = _snapshot(out)
    calls = {"n": 0}
    real = Renderer.resource_page

    def failing(self, iri):
        calls["n"] += 1
        if calls["n"] == 50:
            raise RuntimeError("disk full (simulated)")
        return real(self, iri)

    monkeypatch.setattr(Renderer, "resource_page", failing)
    with pytest.raises(RuntimeError, match="simulated"):
        write_site(out, graph_file)
    assert calls["n"] == 50  # it failed with pages already written
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no half-built leftovers


def test_failure_while_moving_into_place_restores_the_old_site(
    small_graph_file, tmp_path, monkeypatch
):
    import netkg.web.site

    graph_file = small_graph_file
    out = tmp_path / "site"
    write_site(out, graph_file)
    before = _snapshot(out)
    real = netkg.web.site.os.rename

    def rename(src, dst):
        if Path(src).name.endswith(".partial"):
            raise OSError("device busy (simulated)")
        return real(src, dst)

    monkeypatch.setattr(netkg.web.site.os, "rename", rename)
    with pytest.raises(OSError, match="simulated"):
        write_site(out, graph_file)
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_ontology_as_rdf_xml_loads_in_owlready2(site):
    """owlready2, the most used Python OWL library, reads RDF/XML (not Turtle)."""
    import owlready2

    owl_file = site / "ontology.owl"
    assert owl_file.read_bytes() == (site / "ontology.rdf").read_bytes()
    world = owlready2.World()
    onto = world.get_ontology(owl_file.resolve().as_uri()).load()
    assert onto.base_iri in (BASE + "ontology#", BASE + "ontology")
    network = world[BASE + "ontology#Network"]
    assert network is not None and isinstance(network, owlready2.ThingClass)
    assert "Network" in [str(label) for label in network.label]
    assert len(list(world.classes())) > 20
    htaccess = (site / ".htaccess").read_text()
    assert "AddType application/rdf+xml .rdf .owl" in htaccess
    assert "RewriteCond %{HTTP_ACCEPT} application/rdf\\+xml" in htaccess


# --- the home page by kind, its search index, links to a page by property (issue 11, 10) ------

MUNICIPALITIES = [
    "Aarhus Municipality",
    "Albertslund Municipality",
    "Copenhagen Municipality",
    "Furesø Municipality",
    "Gentofte Municipality",
    "Gladsaxe Municipality",
    "Helsingør Municipality",
    "Holbæk Municipality",
    "Roskilde Municipality",
    "Skanderborg Municipality",
]


def _group(page: str, key: str) -> list[str]:
    section = re.search(rf'<details class="group" id="{key}".*?</details>', page, re.S)
    assert section, key
    return re.findall(r'<li><a href="[^"]*" title="[^"]*">([^<]*)</a></li>', section.group(0))


def test_home_page_groups_resources_by_kind(site, resources):
    page = (site / "index.html").read_text(encoding="utf-8")
    keys = re.findall(r'<details class="group" id="([^"]+)"', page)
    assert keys[:6] == ["municipalities", "networks", "units", "people", "posts", "strategies"]
    assert {"documents", "gaps", "vocabularies"} <= set(keys)
    municipalities = _group(page, "municipalities")
    assert len(municipalities) == 98  # all of Denmark: the described ten and the listed rest
    assert [m for m in municipalities if m in MUNICIPALITIES] == MUNICIPALITIES
    quotes = _group(page, "evidence")
    assert quotes and all(q.startswith("“") for q in quotes)  # named by their opening words
    assert "Hærværk (Vandalism)" in _group(page, "networks")
    assert "Jan Lauge Olsen" in _group(page, "people")
    listed = sum(len(_group(page, key)) for key in keys)
    assert listed == len(resources)  # each resource once


def test_search_index_is_prebuilt_and_inline(site, resources):
    page = (site / "index.html").read_text(encoding="utf-8")
    inline = re.search(
        r'<script type="application/json" id="netkg-search-index">(.*?)</script>', page, re.S
    )
    assert inline and 'src="static/netkg-search.js"' in page
    entries = json.loads(inline.group(1))
    assert entries == json.loads((site / "search-index.json").read_text(encoding="utf-8"))
    quotes = len(_group(page, "evidence"))
    searches = len(_group(page, "searches"))  # the codebook's search log
    assert quotes > 100 and searches > 500
    assert len(entries) == len(resources) - quotes - searches  # neither is searched
    haervaerk = next(e for e in entries if e["path"] == "id/albertslund/network-haervaerk")
    assert haervaerk == {
        "label": "Hærværk (Vandalism)",
        "also": "Hærværk",
        "kind": "Networks",
        "municipality": "Albertslund Municipality",
        "href": "id/albertslund/network-haervaerk.html",
        "path": "id/albertslund/network-haervaerk",
    }
    for entry in entries:
        assert (site / entry["href"]).is_file(), entry


def test_links_to_a_municipality_are_grouped_by_property(site):
    page = (site / "id/municipality/albertslund.html").read_text(encoding="utf-8")
    groups = re.findall(r'<details class="incoming-group[^"]*"( open)?>(.*?)</details>', page, re.S)
    assert len(groups) >= 8
    total = int(re.search(r"(\d+) links, by property", page).group(1))
    counts = [int(re.search(r'<small class="count">(\d+)</small>', g).group(1)) for _, g in groups]
    assert sum(counts) == total > 50
    adopted = next(g for _, g in groups if ">adopted by<" in g)
    assert "Strategy for networks (2013)" in adopted
    assert "<small>Strategies, policies and assumptions</small>" in adopted
    for is_open, group in groups:  # big groups start folded, small ones open
        n = int(re.search(r'<small class="count">(\d+)</small>', group).group(1))
        assert bool(is_open) == (n <= 12), n
