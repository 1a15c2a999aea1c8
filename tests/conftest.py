"""Shared fixtures: each expensive thing is made once per test run.

- `built`: the shipped data built by the reference engine (rdflib, owlrl, pyshacl): the oracle.
- `built_oxigraph`: the same by the fast engine, not validated.
- `shipped_folder`: a working folder outside any project whose `dist/` is the shipped data as
  `netkg build` writes it (fast engine, the default); made once and shared by all xdist workers.
  Commands run there (`netkg_cli(..., cwd=shipped_folder)`) read that build, as a user's do.
  `workdir` is a fresh folder of a test's own with the same `dist/`, for commands that write
  into their working folder.
- `graph_file`: that build's `dist/netkg.trig`, which servers and sites read.
- `oracle`: the reference results (owlrl's closure, pyshacl's report) per fixture file, parsed
  once, shared by the differential tests (test_rules, test_shacl_fast).
- `kg`: the fast build as a KnowledgeGraph (expected answers are checked on it); `kg_reference`
  the reference build's (rdflib), for the differential tests.
- `reference_answers`: the catalogue's answers on `built`, each query run once per worker.

Lanes: `external` marks tests that need Java, Virtuoso, Chromium, a pip-installed wheel or a
notebook kernel; `slow` marks tests that take more than a few seconds. `scripts/test.sh --quick`
runs all but `external`. Tests that need one process to themselves (a fixed port, a global)
carry `xdist_group` marks; the reference oracle's tests share one worker and its cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from netkg.pipeline.flow.build import BuildResult, build
from netkg.query.graph import KnowledgeGraph
from support.answers import rows
from support.browser import ARTIFACTS, CHROMIUM, FLAGS
from support.cli import netkg_cli
from support.oracle import Oracle
from support.shared import made_once
from support.web import Running, serving


@pytest.fixture(scope="session")
def built() -> BuildResult:
    """The shipped data, built exactly as `netkg build --engine reference` does (the oracle)."""
    return build(engine="reference")


@pytest.fixture(scope="session")
def built_oxigraph() -> BuildResult:
    """The same build with the fast engine (Oxigraph, compiled rules), not validated."""
    return build(engine="fast", validate=False)


def _build_shipped(folder: Path) -> None:
    done = netkg_cli("build", cwd=folder, env={"NETKG_ROOT": None})
    assert done.returncode == 0, done.stderr + done.stdout
    assert (folder / "dist" / "store" / "CURRENT").is_file()


@pytest.fixture(scope="session")
def shipped_folder(tmp_path_factory) -> Path:
    """A folder outside any project with the shipped data built in its `dist/` by `netkg
    build` (fast engine): made once per run, shared by every worker; never write into it."""
    return made_once(tmp_path_factory, "shipped", _build_shipped)


@pytest.fixture(scope="session")
def shipped_dist(shipped_folder) -> Path:
    """The shipped build's `dist/` (netkg.trig, netkg.nq, store/, the reports)."""
    return shipped_folder / "dist"


@pytest.fixture
def workdir(tmp_path, shipped_dist) -> Path:
    """A working folder of this test's own whose `dist/` is the shipped build (a link)."""
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "dist").symlink_to(shipped_dist, target_is_directory=True)
    return folder


@pytest.fixture(scope="session")
def graph_file(shipped_dist) -> Path:
    """The build as `netkg build` writes it: the TriG file servers and sites read (the fast
    engine's dump, byte for byte the reference's: tests/test_fast_build.py)."""
    return shipped_dist / "netkg.trig"


@pytest.fixture(scope="session")
def shipped_site(graph_file, tmp_path_factory) -> Path:
    """The static site of the shipped build with its defaults (`write_site`), written once per
    worker for every test that only reads it (a site of the 98 takes ~30 s to write)."""
    from netkg.web.site import write_site

    out = tmp_path_factory.mktemp("shipped-site") / "site"
    write_site(out, graph_file)
    return out


@pytest.fixture(scope="session")
def kg(built_oxigraph) -> KnowledgeGraph:
    """The shipped data built by the default engine (Oxigraph), as a KnowledgeGraph: what a
    user's commands answer from. Expected answers are checked on it."""
    return KnowledgeGraph(built_oxigraph.store)


@pytest.fixture(scope="session")
def kg_reference(built) -> KnowledgeGraph:
    """The shipped reference build (rdflib): the oracle the differential tests compare with."""
    return KnowledgeGraph(built.store)


@pytest.fixture(scope="session")
def netkg_server(graph_file, tmp_path_factory) -> Iterator[Running]:
    """`netkg serve` on the shipped build with its default options, started once per worker
    for every test that only reads from it (the browser tests)."""
    with serving(graph_file, tmp_path_factory.mktemp("serve-tmp")) as running:
        yield running


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Headless Chromium driven by Playwright, launched once per worker (support.browser)."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A fresh browser page that records every request it makes (`page.requests`) and every
    script error (`page.errors`), for the browser tests; screenshots go to ARTIFACTS."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.requests = []
    page.errors = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


@pytest.fixture(scope="session")
def oracle() -> Oracle:
    """The reference results per fixture file, computed on first use (see support.oracle)."""
    return Oracle()


@pytest.fixture(scope="session")
def reference_answers(kg_reference) -> Callable[..., list[tuple[str, ...]]]:
    """`answer(name, **params)`: catalogue query `name` on the reference build as
    support.answers.rows gives it, sorted; run once per worker and kept."""
    cache: dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[str, ...]]] = {}

    def answer(name: str, **params: str) -> list[tuple[str, ...]]:
        key = (name, tuple(sorted(params.items())))
        if key not in cache:
            cache[key] = sorted(rows(kg_reference, name, **params))
        return list(cache[key])

    return answer
