"""docs/writing-sparql.md's ten worked examples run, and answer what the page says they answer
on the shipped data (issue 22, item 11): a reader who copies one gets the table printed there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netkg.query.graph import KnowledgeGraph
from netkg.rdf.results import render_table

PAGE = Path(__file__).resolve().parents[1] / "docs" / "writing-sparql.md"
EXAMPLE = re.compile(r"^## (\d+)\. .*?```sparql\n(.*?)```\s*```text\n(.*?)```", re.S | re.M)
EXAMPLES = EXAMPLE.findall(PAGE.read_text(encoding="utf-8"))


def test_the_page_has_ten_examples_each_with_its_answer():
    assert [int(n) for n, _, _ in EXAMPLES] == list(range(1, 11))


@pytest.mark.parametrize(("number", "query", "answer"), EXAMPLES, ids=[n for n, _, _ in EXAMPLES])
def test_an_example_answers_as_printed(number, query, answer, kg: KnowledgeGraph, kg_reference):
    for graph in (kg, kg_reference):  # rdflib and Oxigraph alike
        table = graph.query(query)
        assert render_table(table, full=True) == answer, f"example {number}"
