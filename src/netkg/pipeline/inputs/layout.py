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

Two folders can hold these files. The *shipped* copy comes with netkg (packed into the wheel, or
the source tree of an editable install). A researcher's *project folder* is found the way git
finds its root: the nearest folder at or above the working directory with a `netkg.toml` or a
`data/municipalities/` folder, or the folder named by `netkg --root DIR` / `NETKG_ROOT`. The
project's data files and queries are added to the shipped ones (a file of the same name
replaces the shipped one); its `ontology/` and `shapes/` folders, if it has them, replace the
shipped ones whole. `netkg import` writes into the project (creating `./data/` if there is
none), so every command that reads data sees what was imported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rdflib import URIRef

from netkg.iris import GRAPH
from netkg.rdf.persist import current_build

GRAPH_FILE = "netkg.trig"  # the built graph, in dist/
STORE_DIR = "store"  # the built graph as an on-disk Oxigraph store, in dist/
FAILED_DIR = "failed"  # the reports of the last build that failed, in dist/
RDF_SUFFIXES = {".ttl", ".nt", ".nq", ".trig", ".jsonld", ".json", ".rdf", ".owl", ".xml"}


@dataclass(frozen=True)
class Source:
    """One input file and the named graph it is loaded into."""

    path: Path
    graph: URIRef
    role: str  # ontology | imports | vocabulary | mappings | shared | municipality | input


PROJECT_FILE = "netkg.toml"


def shipped_root() -> Path:
    """The data netkg ships: the copy packed into an installed wheel, else the source tree."""
    packed = Path(str(resources.files("netkg"))) / "_resources"
    if (packed / "ontology").is_dir():
        return packed
    return Path(__file__).resolve().parents[4]


def is_project(folder: Path) -> bool:
    """A project folder has a netkg.toml or a data/municipalities/ folder."""
    return (folder / PROJECT_FILE).is_file() or (folder / "data" / "municipalities").is_dir()


def project_root(start: Path | None = None) -> Path | None:
    """The researcher's project folder: NETKG_ROOT (set by `--root`), else the nearest folder
    at or above the working directory that is a project (the way git finds its root)."""
    env = os.environ.get("NETKG_ROOT")
    if env:
        return Path(env)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_project(folder):
            return folder
    return None


def root() -> Path:
    """The folder holding the data netkg reads: the project folder if there is one, else the
    shipped data (see the module docstring of how the two combine)."""
    return project_root() or shipped_root()


def display_path(path: Path) -> str:
    """A path relative to the project or shipped folder it lies in (stable across machines)."""
    for base in reversed(_layers()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return str(path)


def _layers() -> list[Path]:
    """Where inputs are looked up, later layers replacing earlier files of the same name."""
    shipped = shipped_root()
    project = project_root()
    if project is None or project.resolve() == shipped.resolve():
        return [shipped]
    return [shipped, project]


def _part(name: str) -> Path:
    """ontology/ or shapes/: the project's own folder if it has one, else the shipped one."""
    layers = _layers()
    for base in reversed(layers):
        if (base / name).is_dir():
            return base
    return layers[0]


def _overlay(pattern: str) -> list[Path]:
    """Files matching pattern in every layer; a project file replaces a shipped one by name."""
    found: dict[str, Path] = {}
    for base in _layers():
        for path in base.glob(pattern):
            found[path.name] = path
    return [found[name] for name in sorted(found)]


def ontology_sources(base: Path | None = None) -> list[Source]:
    """The ontology, the extracts of reused vocabularies, the SKOS vocabularies and the
    mappings between them."""
    base = base or _part("ontology")
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
    """The shared data and one graph per municipality file (shipped plus the project's)."""
    if base is not None:
        shared = sorted((base / "data" / "shared").glob("*.ttl"))
        towns = sorted((base / "data" / "municipalities").glob("*.ttl"))
    else:
        shared = _overlay("data/shared/*.ttl")
        towns = _overlay("data/municipalities/*.ttl")
    found = [Source(p, GRAPH["shared"], "shared") for p in shared]
    found += [Source(p, municipality_graph(p), "municipality") for p in towns]
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
    """Where imported municipalities are written: the project folder's data/; without a
    project, ./data in the working directory, which makes it a project folder that later
    commands find. Never the shipped data, whether packed in a wheel or a source checkout
    (an editable install outside a project must not write into the checkout)."""
    project = project_root()
    if project is not None:
        return project / "data"
    return Path.cwd() / "data"


def shape_files(base: Path | None = None) -> list[Path]:
    """The SHACL shapes files (a project's shapes/ replaces the shipped one whole)."""
    return sorted(((base or _part("shapes")) / "shapes").glob("*.ttl"))


def dist_dir() -> Path:
    """Where `netkg build` writes and every command looks for the built graph: the project
    folder's dist/ (found like git's root, so a command run from a sub-folder reads the same
    build), else ./dist (no project: the shipped data, built where the user works, never
    inside an installed package)."""
    project = project_root()
    if project is None:
        return Path("dist")
    here = Path.cwd().resolve()
    return Path("dist") if project.resolve() == here else project / "dist"


@dataclass(frozen=True)
class Built:
    """What a build left in dist/, and whether it still reflects the inputs."""

    folder: Path
    store: Path | None  # the current build's store (dist/builds/<generation>/store), if fresh
    graph_file: Path | None  # the current build's netkg.trig, if it is fresh
    why: str  # why the store is not fresh ("" if it is)


def built(folder: Path | None = None) -> Built:
    """The current build in `folder` (default: dist_dir()), fresh if newer than every input file
    (data, ontology, vocabularies, mappings, shapes): the same test git users know from make.
    Its paths are those of one build (dist/current is read once), which later builds keep
    until the one after them is switched in (rdf.persist)."""
    folder = folder if folder is not None else dist_dir()
    current = current_build(folder)
    inputs = [s.path for s in default_sources()] + shape_files()
    stamps = [(p.stat().st_mtime, p) for p in inputs if p.exists()]
    newest = max(stamps, key=lambda s: s[0], default=None)

    def stale(written: float | None, what: Path) -> str:
        if written is None:
            return f"{what} is missing (`netkg build` writes it)"
        if newest is not None and newest[0] > written:
            return f"{what} is older than {display_path(newest[1])}, changed since the build"
        return ""

    store, shown = current / STORE_DIR, folder / STORE_DIR
    store_why = stale(_newest_file(store) if (store / "CURRENT").is_file() else None, shown)
    graph_file = current / GRAPH_FILE
    graph_why = stale(
        graph_file.stat().st_mtime if graph_file.is_file() else None, folder / GRAPH_FILE
    )
    return Built(
        folder,
        None if store_why else store,
        None if graph_why else graph_file,
        store_why,
    )


def _newest_file(folder: Path) -> float | None:
    """When the newest file of a folder was written (a store's files, for one); None if the
    folder went meanwhile (a build two switches later removes it)."""
    try:
        return max((f.stat().st_mtime for f in folder.iterdir() if f.is_file()), default=0.0)
    except FileNotFoundError:
        return None


def query_dir(base: Path | None = None) -> Path:
    """The primary query folder: the project's queries/ if it has one, else the shipped one."""
    return (base or _part("queries")) / "queries"


def internal_query_text(name: str) -> str:
    """One of netkg's own queries (queries/internal/NAME, shipped), read as it stands: the
    build and the fast parts run these, whatever a project's catalogue holds."""
    return (query_dir(shipped_root()) / "internal" / name).read_text(encoding="utf-8")


def query_files() -> list[Path]:
    """The catalogue's .rq files: shipped ones plus the project's (same name replaces)."""
    return _overlay("queries/*.rq")


def fragment_files() -> dict[str, Path]:
    """The shared query patterns (queries/fragments/NAME.rq) by name; a project's replaces."""
    return {path.stem: path for path in _overlay("queries/fragments/*.rq")}
