"""Quality queries as data: each has a fixture under tests/quality/ with the rows it must find.

A fixture is loaded as a municipality graph next to all shipped data (which is clean),
reasoned like a build, and the quality query named like the fixture must return exactly the
'# Row:' lines of its header (cells separated by ' | ', terms as netkg prints them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netkg.api import KnowledgeGraph
from netkg.pipeline.flow.build import build
from netkg.pipeline.inputs.layout import Source, default_sources, municipality_graph
from netkg.query.catalogue import load_catalogue
from support.answers import rows

FIXTURES = sorted((Path(__file__).parent / "quality").glob("*.ttl"))
QUALITY = [q for q in load_catalogue().values() if q.kind == "quality"]


def test_every_quality_query_has_a_fixture():
    assert {q.name for q in QUALITY} == {f.stem for f in FIXTURES}


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_quality_query_finds_the_planted_problem(fixture: Path):
    sources = [*default_sources(), Source(fixture, municipality_graph(fixture), "municipality")]
    kg = KnowledgeGraph(build(sources, validate=False).store)
    want = [
        tuple(cell.strip() for cell in line.split(":", 1)[1].split(" | "))
        for line in fixture.read_text(encoding="utf-8").splitlines()
        if line.startswith("# Row:")
    ]
    assert want, f"{fixture.name} has no '# Row:' line"
    assert rows(kg, fixture.stem) == want
