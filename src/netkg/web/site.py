"""`netkg site OUTDIR`: the linked-data site as static files, for any static web host.

It writes what `netkg serve` shows, from the same renderer (netkg.web.pages): a page per resource
(`id/albertslund/x.html`) with its RDF forms beside it (`.ttl`, `.jsonld`, `.nt`, `.rdf`), the
ontology documentation (`ontology.html`, pyLODE) and RDF (also `ontology.owl`, RDF/XML), the
home page with its search index (`search-index.json`), the SPARQL-editor page, the VoID/DCAT
description (`void.ttl`; also the `dataset` resource), the dumps (`dumps/`), and an Apache
`.htaccess` whose rewrite rules give the w3id-style IRIs content negotiation. Links between
pages are relative, so the folder works wherever it is put.

The site is built in a hidden folder next to OUTDIR and moved into place only when complete;
a failure leaves the previous site as it was. A non-empty OUTDIR that is not an earlier netkg
site (it has no `.netkg-site.json`) is replaced only with --force.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from netkg import __version__

if TYPE_CHECKING:
    from netkg.web.published import Published

MARKER = ".netkg-site.json"
# Names the site itself uses; a resource at one of these paths could not get its page.
RESERVED = (
    "index", "sparql", "ontology", "void", "static", "dumps", "search-index", "data-model"
)  # fmt: skip


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `netkg site`."""
    p = subparsers.add_parser(
        "site", help="write the linked-data site (pages, RDF, docs, dumps) as static files"
    )
    p.add_argument("outdir", type=Path, help="folder to write the site to")
    p.add_argument(
        "--graph", type=Path, help="publish this built TriG/N-Quads file (default dist/store)"
    )
    p.add_argument(
        "--store", type=Path, metavar="DIR", help="publish this built store (default dist/store)"
    )
    p.add_argument(
        "--endpoint",
        help="the SPARQL endpoint the description and the query page name (default "
        "https://w3id.org/netkg/sparql: `netkg serve` behind the w3id redirect; the query page, "
        "opened from disk or localhost, then tries a local `netkg serve` at "
        "http://127.0.0.1:8000/sparql first)",
    )
    p.add_argument(
        "--force", action="store_true", help="replace OUTDIR even if it is not a netkg site"
    )
    p.set_defaults(func=_site)


@dataclass
class SiteSummary:
    """What a site holds."""

    outdir: Path
    resources: int
    files: int
    bytes: int

    def text(self) -> str:
        return (
            f"netkg site: wrote {self.outdir}: {self.resources} resource pages with Turtle, "
            f"JSON-LD, N-Triples and RDF/XML, ontology documentation, dataset description, dumps, "
            f".htaccess ({self.files} files, {self.bytes / 1e6:.1f} MB)"
        )


def write_site(
    outdir: Path,
    graph_file: Path | None = None,
    endpoint: str | None = None,
    force: bool = False,
    store: Path | None = None,
    local_endpoint: str | None = None,
) -> SiteSummary:
    """Write the site into `outdir` atomically (see the module docstring). Without `endpoint`,
    the query page, opened from disk or localhost, first tries `local_endpoint` (default: a
    `netkg serve` at http://127.0.0.1:8000/sparql)."""
    from netkg.pipeline.derived.describe import ENDPOINT

    outdir = Path(outdir)
    check_target(outdir, force)
    parent = outdir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", suffix=".partial", dir=parent))
    try:
        resources = _generate(
            staging,
            graph_file,
            store,
            endpoint or str(ENDPOINT),
            given=endpoint is not None,
            local=local_endpoint,
        )
        staging.chmod(0o755)  # mkdtemp makes it private; a web server must read it
        files = [p for p in staging.rglob("*") if p.is_file()]
        summary = SiteSummary(outdir, resources, len(files), sum(p.stat().st_size for p in files))
        _move_into_place(staging, outdir.absolute())
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return summary


def check_target(outdir: Path, force: bool) -> None:
    """Refuse to replace a file, or a non-empty folder that is not a netkg site, without force."""
    from netkg.errors import UsageError

    if not outdir.exists():
        return
    if not outdir.is_dir():
        raise UsageError(f"{outdir} exists and is not a folder")
    if force or (outdir / MARKER).is_file() or not any(outdir.iterdir()):
        return
    raise UsageError(
        f"{outdir} is not empty and is not a netkg site (no {MARKER}); "
        "use --force to replace its contents"
    )


def _generate(
    folder: Path,
    graph_file: Path | None,
    store: Path | None,
    endpoint: str,
    given: bool = False,
    local: str | None = None,
) -> int:
    """Every file of the site, into `folder`; returns the number of resource pages. `given`:
    the endpoint was named (--endpoint), so the query page asks no other."""
    from netkg.web.published import index, load_published

    copy = Path(tempfile.mkdtemp(prefix="netkg-site-"))  # the published copy of the store
    try:
        published = index(load_published(copy / "store", graph_file, store, endpoint))
        return _pages(folder, published, endpoint, given, local)
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def _pages(
    folder: Path, published: Published, endpoint: str, given: bool = False, local: str | None = None
) -> int:
    """The site's files from the published graph; the number of resource pages."""
    from netkg.errors import UsageError
    from netkg.pipeline.derived.describe import DESCRIPTION_GRAPH
    from netkg.web.pages import STATIC, Renderer, search_index
    from netkg.web.paths import RDF_FORMS, local_path
    from netkg.web.published import write_dumps

    clashes = sorted(iri for iri in published.resources if _reserved(local_path(iri) or ""))
    if clashes:
        raise UsageError(f"resource IRIs clash with the site's own files: {', '.join(clashes)}")
    renderer = Renderer(
        published, static_site=True, endpoint=endpoint, endpoint_given=given, local_endpoint=local
    )

    def write(path: str, content: str | bytes) -> None:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)

    for iri in sorted(published.resources):
        path = local_path(iri) or ""
        write(f"{path}.html", renderer.resource_page(iri))
        graph = renderer.resource_graph(iri)
        for form in RDF_FORMS:
            write(f"{path}.{form.suffix}", renderer.rdf(graph, form.suffix))
    write("ontology.html", renderer.ontology_page())
    for form in RDF_FORMS:
        write(f"ontology.{form.suffix}", renderer.rdf(renderer.ontology_graph, form.suffix))
    # the name OWL tools (owlready2, Protégé) look for; RDF/XML, the same bytes as ontology.rdf
    write("ontology.owl", renderer.rdf(renderer.ontology_graph, "rdf"))
    write("index.html", renderer.index_page())
    index_entries = renderer.index_entries(renderer.links.at("index.html"))
    write("search-index.json", json.dumps(search_index(index_entries), ensure_ascii=False) + "\n")
    write("sparql.html", renderer.sparql_page())
    write("data-model.html", renderer.data_model_page())
    description = renderer.named_graph(str(DESCRIPTION_GRAPH))
    write("void.ttl", description.serialize(format="turtle", encoding="utf-8"))
    shutil.copytree(STATIC, folder / "static")
    (folder / "dumps").mkdir()
    write_dumps(published.graph, folder / "dumps")
    htaccess = renderer.env.get_template("htaccess.txt")
    write(".htaccess", htaccess.render(version=__version__, forms=RDF_FORMS, endpoint=endpoint))
    count = len(published.resources)
    marker = {"generator": "netkg site", "version": __version__, "resources": count}
    write(MARKER, json.dumps(marker, indent=2) + "\n")
    return count


def _reserved(path: str) -> bool:
    return path in RESERVED or path.startswith(("static/", "dumps/"))


def _move_into_place(staging: Path, outdir: Path) -> None:
    """Rename the finished site to `outdir`; an old site is moved aside first, then removed."""
    if not outdir.exists():
        os.rename(staging, outdir)
        return
    old = outdir.parent / f".{outdir.name}.old-{uuid.uuid4().hex[:8]}"
    os.rename(outdir, old)
    try:
        os.rename(staging, outdir)
    except BaseException:
        os.rename(old, outdir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _site(args: argparse.Namespace) -> int:
    summary = write_site(args.outdir, args.graph, args.endpoint, args.force, args.store)
    print(summary.text())
    return 0
