"""Where netkg's inputs live and which named graph each file goes into.

The layout is a convention, so adding a file is the whole registration:

=====================================  ==========================================
file                                   named graph
=====================================  ==========================================
ontology/netkg.ttl                     graph/ontology
ontology/imports/*.ttl                 graph/imports
ontology/vocabularies/*.ttl            graph/vocabularies
ontology/mappings/*.sssom.tsv          graph/mappings (SSSOM tables, see pipeline/sssom.py)
data/shared/*.ttl                      graph/shared
data/municipalities/<code>-<name>.ttl  graph/municipality/<code>-<name>
shapes/*.ttl                           the shapes graph (not part of the data)
queries/*.rq                           the query catalogue
=====================================  ==========================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rdflib import URIRef

from netkg.iris import GRAPH

RDF_SUFFIXES = {".ttl", ".nt", ".nq", ".trig", ".jsonld", ".json", ".rdf", ".owl", ".xml"}


@dataclass(frozen=True)
class Source:
    """One input file and the named graph it is loaded into."""

    path: Path
    graph: URIRef
    role: str  # ontology | imports | vocabulary | mappings | shared | municipality | input


def root() -> Path:
    """The folder holding ontology/, shapes/, data/ and queries/.

    NETKG_ROOT wins (a researcher's own checkout of the data); then the copy packed into an
    installed wheel; then the source tree this module sits in.
    """
    env = os.environ.get("NETKG_ROOT")
    if env:
        return Path(env)
    packed = Path(str(resources.files("netkg"))) / "_resources"
    if (packed / "ontology").is_dir():
        return packed
    return Path(__file__).resolve().parents[3]


def ontology_sources(base: Path | None = None) -> list[Source]:
    """The ontology, the extracts of reused vocabularies, the SKOS vocabularies and the
    mappings between them."""
    base = base or root()
    found = [Source(base / "ontology" / "netkg.ttl", GRAPH["ontology"], "ontology")]
    found += [
        Source(p, GRAPH["imports"], "imports")
        for p in sorted((base / "ontology" / "imports").glob("*.ttl"))
    ]
    found += [
        Source(p, GRAPH["vocabularies"], "vocabulary")
        for p in sorted((base / "ontology" / "vocabularies").glob("*.ttl"))
    ]
    found += [
        Source(p, GRAPH["mappings"], "mappings")
        for p in sorted((base / "ontology" / "mappings").glob("*.sssom.tsv"))
    ]
    return found


def data_sources(base: Path | None = None) -> list[Source]:
    """The shared data and one graph per municipality file."""
    base = base or root()
    found = [
        Source(p, GRAPH["shared"], "shared")
        for p in sorted((base / "data" / "shared").glob("*.ttl"))
    ]
    found += [
        Source(p, municipality_graph(p), "municipality")
        for p in sorted((base / "data" / "municipalities").glob("*.ttl"))
    ]
    return found


def default_sources(base: Path | None = None) -> list[Source]:
    """Everything the main build loads."""
    return ontology_sources(base) + data_sources(base)


def municipality_graph(path: Path) -> URIRef:
    """graph/municipality/<file stem>, e.g. graph/municipality/0165-albertslund."""
    return GRAPH[f"municipality/{path.stem}"]


def input_graph(path: Path) -> URIRef:
    """The graph a user-given file is validated in: graph/input/<file name>."""
    return GRAPH[f"input/{path.name}"]


def writable_data_dir() -> Path:
    """Where imported municipalities are written: the checkout's data/, or ./data when netkg
    runs from an installed wheel (whose packed copy must not be written to)."""
    base = root()
    if base.name == "_resources":
        return Path.cwd() / "data"
    return base / "data"


def shape_files(base: Path | None = None) -> list[Path]:
    return sorted(((base or root()) / "shapes").glob("*.ttl"))


def query_dir(base: Path | None = None) -> Path:
    return (base or root()) / "queries"
