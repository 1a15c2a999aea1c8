"""`netkg serve` as a client sees it: a real server process on 127.0.0.1, spoken to over HTTP.

The server runs the shipped build (the session's `built` fixture written to a TriG file) with a
short timeout and a small result limit, so both can be exercised quickly.
"""

from __future__ import annotations

import csv
import io
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from netkg.iris import BASE, GRAPH
from netkg.pipeline.derived.describe import DATASET, DUMPS
from netkg.query.catalogue import find_query
from netkg.query.run import run
from netkg.rdf.binding import bind_values
from netkg.web.endpoint import uses_service
from netkg.web.paths import negotiate, negotiate_form
from support.web import (
    EXPENSIVE,
    Running,
    bindings,
    fetch,
    serving,
    sparql_get,
    sparql_post_form,
)

HAERVAERK = BASE + "id/albertslund/network-haervaerk"
LABEL_DA = Literal("Hærværk", lang="da")
LABEL_EN = Literal("Hærværk (Vandalism)", lang="en")
TIMEOUT = 2
LIMIT = 50


@pytest.fixture(scope="module")
def server(graph_file, tmp_path_factory) -> Iterator[Running]:
    tmp = tmp_path_factory.mktemp("serve-tmp")
    with serving(graph_file, tmp, "--timeout", str(TIMEOUT), "--limit", str(LIMIT)) as running:
        yield running


# -- the SPARQL protocol ----------------------------------------------------------------------


def test_get_query_answers_json(server):
    rows = bindings(
        sparql_get(
            server.url,
            f"SELECT ?label WHERE {{ <{HAERVAERK}> rdfs:label ?label }} ORDER BY ?label",
        )
    )
    assert [r["label"] for r in rows] == ["Hærværk", "Hærværk (Vandalism)"]


def test_post_form_answers_csv(server):
    query = f"SELECT ?label (LANG(?label) AS ?lang) WHERE {{ <{HAERVAERK}> rdfs:label ?label }}"
    response = sparql_post_form(server.url, {"query": query}, "text/csv")
    assert response.status == 200 and response.media_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {(r["label"], r["lang"]) for r in rows} == {
        ("Hærværk", "da"),
        ("Hærværk (Vandalism)", "en"),
    }


def test_post_sparql_query_body_answers_xml_and_tsv(server):
    query = f"SELECT ?type WHERE {{ <{HAERVAERK}> a ?type }}"
    response = fetch(
        f"{server.url}/sparql",
        data=query.encode(),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+xml",
        },
    )
    assert response.status == 200 and response.media_type == "application/sparql-results+xml"
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    uris = {e.text for e in ET.fromstring(response.body).iterfind(".//r:uri", ns)}
    assert BASE + "ontology#Network" in uris
    tsv = fetch(
        f"{server.url}/sparql?format=tsv",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert tsv.media_type == "text/tab-separated-values"
    assert f"<{BASE}ontology#Network>" in tsv.text.splitlines()


def test_catalogue_question_over_http_matches_local_answer(server, built):
    """The editor's preloaded form of a catalogue query (defaults bound) answers as locally."""
    query = find_query("strategy-assumptions")
    local = run(built.store, query).table.values()
    remote = bindings(sparql_get(server.url, bind_values(query.text, query.bindings())))
    assert len(remote) == len(local) == 3
    assert {r["statementEn"] for r in remote} == {row[-2] for row in local}  # last: status


def test_ask_and_construct(server):
    ask = sparql_get(server.url, f"ASK {{ <{HAERVAERK}> a nkg:Network }}")
    assert json.loads(ask.body)["boolean"] is True
    construct = sparql_get(
        server.url, f"CONSTRUCT WHERE {{ <{HAERVAERK}> rdfs:label ?l }}", accept="text/turtle"
    )
    assert construct.media_type == "text/turtle"
    graph = Graph().parse(data=construct.text, format="turtle")
    assert (URIRef(HAERVAERK), RDFS.label, LABEL_DA) in graph


def test_missing_or_repeated_query_is_a_bad_request(server):
    assert fetch(f"{server.url}/sparql", headers={"Accept": "application/json"}).status == 400
    assert fetch(f"{server.url}/sparql?query=ASK%7B%7D&query=ASK%7B%7D").status == 400
    assert sparql_get(server.url, "SELEKT * WHERE { ?s ?p ?o }").status == 400


# -- limits and refusals ----------------------------------------------------------------------


def test_updates_are_refused_and_not_executed(server):
    triple = "<https://example.org/s> <https://example.org/p> <https://example.org/o>"
    update = f"INSERT DATA {{ GRAPH <https://example.org/g> {{ {triple} }} }}"
    attempts = [
        fetch(
            f"{server.url}/sparql",
            data=update.encode(),
            headers={"Content-Type": "application/sparql-update"},
        ),
        sparql_post_form(server.url, {"update": update}, "application/json"),
        fetch(f"{server.url}/sparql?{urllib.parse.urlencode({'update': update})}"),
        fetch(f"{server.url}/sparql", data=update.encode(), method="PUT"),
        sparql_get(server.url, update),  # an update sent as a query does not parse as one
    ]
    assert [a.status for a in attempts] == [403, 403, 403, 405, 400]
    ask = sparql_get(server.url, f"ASK {{ {triple} }}")
    assert json.loads(ask.body)["boolean"] is False


def test_service_is_refused_and_never_fetched(server):
    """A listener on 127.0.0.1 stands in for 'another host'; it must never be contacted."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    contacted: list[bytes] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            contacted.append(conn.recv(200))
            conn.close()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    remote = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    try:
        for query in (
            f"SELECT * WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}",
            f"select * where {{ ?x ?y ?z . service silent <{remote}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ \\u0053ERVICE <{remote}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ BIND(<{remote}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        ):
            response = sparql_get(server.url, query)
            assert response.status == 403, (query, response.text)
            assert "SERVICE" in response.text
        time.sleep(0.5)
    finally:
        stop.set()
        watcher.join()
        listener.close()
    assert contacted == []


def test_service_check_reads_sparql_tokens():
    assert uses_service("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }")
    assert uses_service("SELECT * { ?s ?p ?o .SERVICE<http://x/>{?a ?b ?c} }")
    assert not uses_service('SELECT * { ?s rdfs:label "a public service" }')
    assert not uses_service("SELECT ?service { ?service <http://x/service> ?o } # SERVICE")
    assert not uses_service("PREFIX service: <http://x/> SELECT * { ?s service:p ?o }")


def test_timeout_stops_an_expensive_query(server):
    start = time.monotonic()
    response = sparql_get(server.url, EXPENSIVE)
    took = time.monotonic() - start
    assert response.status == 504, response.text
    assert TIMEOUT <= took < TIMEOUT + 5
    # the killed worker was replaced: the endpoint still answers, with the same number of workers
    assert bindings(sparql_get(server.url, "SELECT (1 AS ?one) {}")) == [{"one": "1"}]
    assert len(_workers(server.process.pid)) == 2


def _workers(parent: int) -> list[int]:
    """Live query workers of a server process (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        state = stat.rsplit(")", 1)[1].split()[0]
        if ppid == parent and b"netkg.web.endpoint" in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def test_result_limit_cuts_and_says_so(server):
    response = sparql_get(server.url, "SELECT * WHERE { ?s ?p ?o }")
    assert len(bindings(response)) == LIMIT
    assert response.headers.get("netkg-result-truncated") == "true"
    small = sparql_get(server.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    assert len(bindings(small)) == 3
    assert "netkg-result-truncated" not in small.headers
    graph = sparql_get(server.url, "CONSTRUCT WHERE { ?s ?p ?o }", accept="application/n-triples")
    assert len(Graph().parse(data=graph.text, format="nt")) == LIMIT


def test_binds_loopback_by_default(server):
    """The fixture gives no --host: the listening socket must be 127.0.0.1 only."""
    assert server.url.startswith("http://127.0.0.1:")
    listening = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port = local.split(":")
        if int(port, 16) == server.port and state == "0A":
            listening.append(address)
    assert listening == ["0100007F"]  # 127.0.0.1, little-endian hex
    outward = _outward_address()
    if outward:
        with pytest.raises(OSError):
            socket.create_connection((outward, server.port), timeout=2).close()


def _outward_address() -> str | None:
    """This machine's non-loopback address, if it has one (no packet is sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


# -- linked data ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("text/html;q=0.5, text/turtle", "text/turtle", "turtle"),
    ],
)
def test_content_negotiation_gives_rdf_with_labels(server, accept, media_type, rdflib_format):
    response = fetch(server.url + "/id/albertslund/network-haervaerk", headers={"Accept": accept})
    assert response.status == 200 and response.media_type == media_type
    assert response.headers["vary"] == "Accept"
    graph = Graph().parse(data=response.text, format=rdflib_format)
    assert (URIRef(HAERVAERK), RDFS.label, LABEL_DA) in graph
    assert (URIRef(HAERVAERK), RDFS.label, LABEL_EN) in graph


def test_suffix_and_format_fallbacks(server):
    path = server.url + "/id/albertslund/network-haervaerk"
    for url, media_type in (
        (path + ".ttl", "text/turtle"),
        (path + ".jsonld", "application/ld+json"),
        (path + ".nt", "application/n-triples"),
        (path + "?format=jsonld", "application/ld+json"),
        (path + ".ttl?format=html", "text/html"),
    ):
        response = fetch(url, headers={"Accept": "text/turtle"})
        assert (response.status, response.media_type) == (200, media_type), url
    assert fetch(path + "?format=rdfa").status == 400
    assert fetch(path, headers={"Accept": "image/png"}).status == 406


def test_html_page_shows_labels_links_and_forms(server):
    response = fetch(
        server.url + "/id/albertslund/network-haervaerk", headers={"Accept": "text/html"}
    )
    assert response.status == 200 and response.media_type == "text/html"
    page = response.text
    assert re.search(r'lang="da"[^>]*>Hærværk<', page)
    assert re.search(r'lang="en"[^>]*>Hærværk \(Vandalism\)<', page)
    for href in (
        "/id/albertslund/network-haervaerk.ttl",
        "/id/albertslund/network-haervaerk.jsonld",
        "/id/albertslund/network-haervaerk.nt",
        "/id/person/jan-lauge-olsen",  # a property value, linked locally
        "/id/albertslund/network-structure",  # an incoming link
        "/ontology#Network",  # its class, in the ontology documentation
    ):
        assert f'href="{href}"' in page, href
    assert "Links to this resource" in page
    assert 'href="https://w3id.org/netkg/' not in page
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', page)


def test_unknown_resources_are_404(server):
    for path in (
        "/id/albertslund/no-such-network",
        "/id/albertslund/no-such-network.ttl",
        "/static/no-such-file.js",
        "/static/../serve.py",
        "/static/app%00.js",  # a NUL byte: 404, not a traceback (issue 20, item 8)
        "/id/albertslund/%00",
        "/dumps/netkg.rdf",
    ):
        assert fetch(server.url + path).status == 404, path


def test_ontology_documentation_and_rdf(server):
    page = fetch(server.url + "/ontology", headers={"Accept": "text/html"})
    assert page.status == 200 and "Network-based organisation" in page.text
    assert 'id="Network"' in page.text  # …/ontology#Network lands on the term
    turtle = fetch(server.url + "/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef(BASE + "ontology"), RDF.type, OWL.Ontology) in graph


def test_ontology_as_rdf_xml_loads_in_owlready2(server, tmp_path):
    import owlready2

    negotiated = fetch(server.url + "/ontology", headers={"Accept": "application/rdf+xml"})
    assert (negotiated.status, negotiated.media_type) == (200, "application/rdf+xml")
    owl = fetch(server.url + "/ontology.owl")
    assert (owl.status, owl.media_type) == (200, "application/rdf+xml")
    assert owl.body == negotiated.body
    (tmp_path / "netkg.owl").write_bytes(owl.body)
    world = owlready2.World()
    world.get_ontology((tmp_path / "netkg.owl").as_uri()).load()
    network = world[BASE + "ontology#Network"]
    assert network is not None and "Network" in [str(label) for label in network.label]


def test_dumps_and_dataset_description(server, built):
    trig = fetch(server.url + "/dumps/netkg.trig")
    assert trig.status == 200 and trig.media_type == "application/trig"
    dataset = Dataset().parse(data=trig.text, format="trig")
    names = {g.identifier for g in dataset.graphs()}
    assert {GRAPH["ontology"], GRAPH["municipality/0165-albertslund"], GRAPH["inferred"]} <= names
    union = Graph().parse(data=fetch(server.url + "/dumps/netkg.nt").text, format="nt")
    assert (URIRef(HAERVAERK), RDFS.label, LABEL_DA) in union
    described = Graph().parse(
        data=fetch(server.url + "/dataset", headers={"Accept": "text/turtle"}).text,
        format="turtle",
    )
    void = "http://rdfs.org/ns/void#"
    dumps = set(described.objects(DATASET, URIRef(void + "dataDump")))
    assert dumps == {URIRef(BASE + "dumps/" + name) for name in DUMPS}
    assert (DATASET, URIRef(void + "sparqlEndpoint"), URIRef(BASE + "sparql")) in described
    assert fetch(server.url + "/.well-known/void").headers.get("location") == "/dataset"


def test_sparql_page_is_the_editor_with_the_catalogue(server):
    page = fetch(server.url + "/sparql", headers={"Accept": "text/html"}).text
    assert 'src="/static/yasgui/yasgui.min.js"' in page
    assert "Assumptions behind a municipality&#39;s network strategy" in page
    config = json.loads(re.search(r'id="netkg-config">(.*?)</script>', page, re.S).group(1))
    assert config["endpoint"] == "/sparql"
    names = {entry["name"] for entry in config["catalogue"]}
    assert {"networks", "strategy-assumptions", "quality-fact-without-source"} <= names
    script = fetch(server.url + "/static/yasgui/yasgui.min.js")
    assert script.status == 200 and len(script.body) > 500_000
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', page)


def test_negotiation_rules():
    assert negotiate_form(None) == "html"
    assert negotiate_form("*/*") == "html"
    assert negotiate_form("text/turtle, text/html;q=0.9") == "ttl"
    assert negotiate_form("application/ld+json;q=0.8, application/n-triples") == "nt"
    assert negotiate_form("text/*;q=0.1, application/ld+json;q=0") == "html"
    assert negotiate_form("image/png") is None
    assert negotiate("text/csv;q=0.5, */*;q=0.1", ["application/json", "text/csv"]) == "text/csv"


def test_stopping_cleans_up(graph_file, tmp_path):
    with serving(graph_file, tmp_path / "tmp") as running:
        assert fetch(running.url + "/").status == 200
        workers = _workers(running.process.pid)
        assert len(workers) == 2
    assert running.process.returncode == 0
    assert list(running.tmp.iterdir()) == []  # its store and dumps are gone
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
